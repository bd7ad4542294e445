/**
 * The whole run loop driven with fake runtimes, fake benchmarks and a clock moved by hand: no
 * root, no image, no process. Files go to a temporary directory.
 */
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
} from "../tests/assert.ts";
import { namePrefixOf, newRunId } from "./run_loop.ts";
import { type ResultSet, ResultSetSchema } from "../model/result_set.ts";
import { runLayout } from "../model/run_layout.ts";
import { readResultSet } from "../model/read_result_set.ts";
import { parseSamplesLog, readSamplesLog } from "./samples_log.ts";
import { buildRound, planPairs, stepKey } from "./plan.ts";
import { StepFailedError } from "./errors.ts";
import { acquireHostLock, HostLockedError, RunLockedError } from "./run_lock.ts";
import { REAL_FILE_SYSTEM } from "./run_effects.ts";
import {
  fakeBenchmark,
  fakeRecord,
  type FakeRunHarness,
  fakeRunHarness,
  fakeRuntime,
} from "./fake_run.ts";

Deno.test("newRunId() is a valid result-set id, sortable by time and random at the end", () => {
  const id = newRunId(new Date("2026-11-27T08:03:46.123Z"));
  assertMatch(id, /^20261127-080346-[0-9a-f]{6}$/);
  assertEquals(ResultSetSchema.shape.runId.safeParse(id).success, true);
  assertNotEquals(newRunId(), newRunId());
});

Deno.test("namePrefixOf() gives every run its own `ocibench-` prefix from its random part", () => {
  assertEquals(namePrefixOf("20261127-080346-3ff34d"), "ocibench-3ff34d");
  assertNotEquals(namePrefixOf(newRunId()), namePrefixOf(newRunId()));
});

async function withHarness(fn: (h: FakeRunHarness) => Promise<void>): Promise<void> {
  const harness = await fakeRunHarness();
  try {
    await fn(harness);
  } finally {
    await harness.dispose();
  }
}

/** A benchmark of two metrics whose values say which runtime and call made them; 100 ms a step. */
function steadyBenchmark(h: FakeRunHarness) {
  return fakeBenchmark("work", ["a", "b"], ({ runtime, n }) => {
    h.clock.advance(100);
    const base = runtime === "alpha" ? 1000 : 2000;
    return [{ metric: "work.a", value: base + n }, { metric: "work.b", value: base + n + 0.5 }];
  });
}

function sampleKey(s: ResultSet["samples"][number]): string {
  return s.kind === "sample" ? `${s.runtime}/${s.metric}/${s.iteration}` : "summary";
}

/** The step keys of a samples log, in the order their steps finished. */
async function stepOrder(path: string): Promise<string[]> {
  const text = await Deno.readTextFile(path);
  return text.trim().split("\n").map((l) => JSON.parse(l)).filter((r) => r.type === "step")
    .map((r) => r.step);
}

Deno.test("runCollection() with fakes runs every step once, in a seeded shuffle per round, and writes a valid result", async () => {
  await withHarness(async (h) => {
    const runtimes = ["alpha", "beta", "gamma"].map((id) => fakeRuntime(id));
    const benchmarks = [
      steadyBenchmark(h),
      fakeBenchmark("idle", ["x"], () => [{ metric: "idle.x", value: 1 }]),
    ];
    const record = fakeRecord({
      runtimes: runtimes.map((r) => r.id),
      benchmarks: ["work", "idle"],
      warmups: 1,
      repetitions: 3,
      seed: 11,
    });
    const runId = newRunId();
    const outcome = await h.run({ runId, runtimes, benchmarks, record });
    assertEquals(outcome.status, "complete");
    const layout = runLayout(h.outDir, runId);
    assertEquals(outcome.resultPath, layout.result);
    const set = await readResultSet(layout.result);
    // 3 runtimes × (2 + 1 metrics) × (1 warm-up + 3 measured rounds)
    assertEquals(set.samples.length, 3 * 3 * 4);
    assertEquals(set.samples.filter((s) => s.kind === "sample" && s.warmup).length, 3 * 3);
    assertEquals(set.runtimes.map((r) => r.id), ["alpha", "beta", "gamma"]);
    assertEquals(set.startedAt, "2026-11-27T08:00:00.000Z");

    // Round by round: each round holds every cell once, in the order its seed gives.
    const order = await stepOrder(layout.samplesLog);
    const cells = planPairs(record.runtimes, record.benchmarks);
    assertEquals(order.length, cells.length * 4);
    const rounds: string[][] = [];
    for (let iteration = 0; iteration < 4; iteration++) {
      const round = order.slice(iteration * cells.length, (iteration + 1) * cells.length);
      assertEquals(
        round,
        buildRound(cells, { iteration, warmup: iteration === 0, seed: 11 }).map(stepKey),
      );
      assertEquals(
        new Set(round.map((k) => k.split("/")[0])).size,
        3,
        "a runtime missing in a round",
      );
      rounds.push(round.map((k) => k.split("/").slice(0, 2).join("/")));
    }
    assert(new Set(rounds.map((r) => r.join())).size > 1, "every round in the same order");
    assert(
      rounds.some((r) => r.join() !== cells.map((c) => `${c.runtime}/${c.benchmark}`).join()),
      "rounds in plan order, not shuffled",
    );

    // The clock that came in timed the steps; every adapter was prepared and cleaned up.
    const log = await readSamplesLog(layout.samplesLog);
    assertEquals(log.finished.get("alpha/work/1"), { status: "ok", wallMs: 100 });
    assertEquals(log.finished.get("alpha/idle/1"), { status: "ok", wallMs: 0 });
    for (const r of runtimes) assertEquals(r.calls, { detect: 1, prepare: 1, cleanup: 1 });
    // Nothing of the session is left: no lock, no work directory.
    await assertRejects(() => Deno.stat(layout.lock), Deno.errors.NotFound);
    assertEquals([...Deno.readDirSync(`${h.outDir}/../tmp`)], []);
  });
});

Deno.test("runCollection() records a runtime's platform and where its binary came from", async () => {
  await withHarness(async (h) => {
    const plain = fakeRuntime("alpha");
    const sandbox = {
      ...fakeRuntime("beta", {
        usable: true,
        version: "0.0~20240729.0",
        notes: "runsc from Debian's package runsc 0.0~20240729.0-4+b7",
      }),
      isolation: "syscall-sandbox" as const,
      platform: { name: "systrap", legacy: false },
    };
    const record = fakeRecord({
      runtimes: ["alpha", "beta"],
      benchmarks: ["idle"],
      warmups: 0,
      repetitions: 1,
    });
    const runId = newRunId();
    const outcome = await h.run({
      runId,
      runtimes: [plain, sandbox],
      benchmarks: [fakeBenchmark("idle", ["x"], () => [{ metric: "idle.x", value: 1 }])],
      record,
    });
    const set = await readResultSet(outcome.resultPath);
    const [alpha, beta] = set.runtimes;
    assertEquals([alpha.platform, alpha.notes], [undefined, undefined]);
    assertEquals(beta.platform, { name: "systrap", legacy: false });
    assertEquals(beta.notes, "runsc from Debian's package runsc 0.0~20240729.0-4+b7");
  });
});

Deno.test("runCollection() is reproducible from its seed and differs with another seed", async () => {
  await withHarness(async (h) => {
    const orderOf = async (seed: number) => {
      const runId = newRunId();
      const runtimes = ["alpha", "beta", "gamma", "delta"].map((id) => fakeRuntime(id));
      await h.run({
        runId,
        runtimes,
        benchmarks: [steadyBenchmark(h)],
        record: fakeRecord({ runtimes: runtimes.map((r) => r.id), seed, repetitions: 3 }),
      });
      return await stepOrder(runLayout(h.outDir, runId).samplesLog);
    };
    const a = await orderOf(5);
    assertEquals(await orderOf(5), a);
    assertNotEquals(await orderOf(6), a);
  });
});

Deno.test("runCollection() records a failing step with its exit code and stderr and goes on", async () => {
  await withHarness(async (h) => {
    const runtimes = [fakeRuntime("alpha"), fakeRuntime("beta")];
    const flaky = fakeBenchmark("work", ["a"], ({ runtime, n }) => {
      h.clock.advance(50);
      if (runtime === "beta" && n === 1) {
        throw new StepFailedError("work exited with code 3", { exitCode: 3, stderrTail: "boom" });
      }
      if (runtime === "alpha" && n === 2) return [{ metric: "work.nope", value: 1 }];
      return [{ metric: "work.a", value: 10 + n }];
    });
    const runId = newRunId();
    const outcome = await h.run({
      runId,
      runtimes,
      benchmarks: [flaky],
      record: fakeRecord({ repetitions: 3 }),
    });
    assertEquals(outcome.status, "complete");
    const failures = outcome.result.failures.map((f) => ({ ...f, at: "" }));
    failures.sort((a, b) => a.runtime.localeCompare(b.runtime));
    assertEquals(failures, [
      {
        runtime: "alpha",
        benchmark: "work",
        message: 'work returned an unknown metric "work.nope"',
        exitCode: null,
        stderrTail: "",
        iteration: 2,
        at: "",
      },
      {
        runtime: "beta",
        benchmark: "work",
        message: "work exited with code 3",
        exitCode: 3,
        stderrTail: "boom",
        iteration: 1,
        at: "",
      },
    ]);
    assertEquals(outcome.result.samples.length, 6 - 2);
    const log = await readSamplesLog(runLayout(h.outDir, runId).samplesLog);
    assertEquals(log.finished.get("beta/work/1"), { status: "failed", wallMs: 50 });
    assertEquals(log.finished.size, 6);
    assertStringIncludes(h.output.join(""), "beta work #1 failed: work exited with code 3");
  });
});

Deno.test("runCollection() fails a step that outlives its timeout and ends the run failed when nothing was measured", async () => {
  await withHarness(async (h) => {
    const hanging = fakeBenchmark("work", ["a"], ({ ctx }) =>
      new Promise((_, reject) => {
        ctx.signal!.addEventListener("abort", () => reject(ctx.signal!.reason));
        h.clock.advance(1000); // the step timeout of fakeRecord()
      }));
    const outcome = await h.run({
      runId: newRunId(),
      runtimes: [fakeRuntime("alpha")],
      benchmarks: [hanging],
      record: fakeRecord({ runtimes: ["alpha"], repetitions: 1 }),
    });
    assertEquals(outcome.status, "failed");
    assertEquals(outcome.result.failures.map((f) => f.message), [
      "timed out after 1.0s: step timeout",
    ]);
    assertEquals(h.clock.pendingTimers, 0, "a timer of the step outlived it");
  });
});

Deno.test("runCollection() fails every step of a runtime asked for by name that is unusable, and skips one found by discovery", async () => {
  await withHarness(async (h) => {
    const broken = () =>
      fakeRuntime("beta", { usable: false, reason: "binary missing", fix: "apt-get install beta" });
    const bench = () => fakeBenchmark("work", ["a"], () => [{ metric: "work.a", value: 1 }]);
    const named = await h.run({
      runId: newRunId(),
      runtimes: [fakeRuntime("alpha"), broken()],
      benchmarks: [bench()],
      record: fakeRecord({ repetitions: 2 }),
    });
    assertEquals(
      named.result.failures.map((f) => [f.runtime, f.message, f.stderrTail]),
      [
        ["beta", "beta is unusable: binary missing (fix: apt-get install beta)", "binary missing"],
        ["beta", "beta is unusable: binary missing (fix: apt-get install beta)", "binary missing"],
      ].slice(0, named.result.failures.length),
    );
    assertEquals(named.result.failures.length, 2);
    assertEquals(
      named.result.runtimes.find((r) => r.id === "beta")?.notes,
      named.result.failures[0].message,
    );

    const betaRuntime = broken();
    const found = await h.run({
      runId: newRunId(),
      runtimes: [fakeRuntime("alpha"), betaRuntime],
      benchmarks: [bench()],
      record: fakeRecord({ repetitions: 2, explicitRuntimes: false }),
    });
    assertEquals(found.result.failures, []);
    assertEquals(found.skippedRuntimes, [{
      runtime: "beta",
      reason: "binary missing (fix: apt-get install beta)",
    }]);
    assertEquals(found.result.runtimes.map((r) => r.id), ["alpha"]);
    assertStringIncludes(found.result.notes ?? "", "skipped runtime beta: binary missing");
    assertEquals(betaRuntime.calls.cleanup, 0, "cleanup of a runtime never prepared");
  });
});

Deno.test("runCollection() stops at an abort mid-step, keeps what was measured, and --resume finishes with every sample once", async () => {
  await withHarness(async (h) => {
    const runtimes = [fakeRuntime("alpha"), fakeRuntime("beta")];
    const controller = new AbortController();
    let calls = 0;
    const bench = fakeBenchmark("work", ["a", "b"], ({ runtime, n, ctx }) => {
      h.clock.advance(100);
      if (++calls === 4) {
        // Ctrl-C while this step runs: the step stops because its signal aborts.
        return new Promise((_, reject) => {
          ctx.signal!.addEventListener("abort", () => reject(new Error("killed by signal")));
          controller.abort(new Error("interrupted"));
        });
      }
      const v = (runtime === "alpha" ? 100 : 200) + n;
      return [{ metric: "work.a", value: v }, { metric: "work.b", value: -v }];
    });
    const record = fakeRecord({ warmups: 1, repetitions: 2 });
    const runId = newRunId();
    const first = await h.run({
      runId,
      runtimes,
      benchmarks: [bench],
      record,
      signal: controller.signal,
    });
    assertEquals(first.status, "interrupted");
    const layout = runLayout(h.outDir, runId);
    const stopped = await readResultSet(layout.result);
    assertEquals(stopped.status, "interrupted");
    assertEquals(stopped.samples.length, 3 * 2, "the three finished steps' samples");
    assertEquals(stopped.failures, [], "an interrupted step is not a failure");
    assertStringIncludes(h.output.join(""), "skipped: interrupted");
    for (const r of runtimes) assertEquals(r.calls.cleanup, 1);
    await assertRejects(() => Deno.stat(layout.lock), Deno.errors.NotFound);

    const resumed = await h.run({
      runId,
      resume: true,
      runtimes: [fakeRuntime("alpha"), fakeRuntime("beta")],
      benchmarks: [bench],
      record,
    });
    assertEquals(resumed.status, "complete");
    assertStringIncludes(h.output.join(""), `resuming ${runId}: 3 steps already done`);
    assertEquals(
      bench.calls.length,
      4 + 3,
      "3 steps left after the 3 finished and the stopped one",
    );
    const keys = resumed.result.samples.map(sampleKey);
    assertEquals(keys.length, 2 * 2 * 3);
    assertEquals(new Set(keys).size, keys.length, "a sample appears twice");
    assertEquals(resumed.result.startedAt, stopped.startedAt);
  });
});

Deno.test("runCollection() resumes after a torn samples log: finished steps kept, the cut step measured again", async () => {
  await withHarness(async (h) => {
    const record = fakeRecord({ repetitions: 3 });
    const runId = newRunId();
    const bench = steadyBenchmark(h);
    await h.run({
      runId,
      runtimes: [fakeRuntime("alpha"), fakeRuntime("beta")],
      benchmarks: [bench],
      record,
    });
    const layout = runLayout(h.outDir, runId);
    const full = await Deno.readTextFile(layout.samplesLog);
    const complete = parseSamplesLog(full);

    // A crash while the 4th step was being written: its first sample is on disk, its second cut
    // in the middle of the line, no end marker.
    const lines = full.split("\n");
    const fourthEnd = lines.findIndex((l, i) =>
      l.includes('"type":"step"') &&
      lines.slice(0, i + 1).filter((x) => x.includes('"type":"step"')).length === 4
    );
    const torn = lines.slice(0, fourthEnd - 2).join("\n") + "\n" +
      lines[fourthEnd - 2] + "\n" + lines[fourthEnd - 1].slice(0, 40);
    await Deno.writeTextFile(layout.samplesLog, torn);
    await Deno.remove(layout.result);

    const again = steadyBenchmark(h);
    const outcome = await h.run({
      runId,
      resume: true,
      runtimes: [fakeRuntime("alpha"), fakeRuntime("beta")],
      benchmarks: [again],
      record,
    });
    assertEquals(outcome.status, "complete");
    assertStringIncludes(
      h.output.join(""),
      `resuming ${runId}: 3 steps already done; a torn last line was cut off; ` +
        "1 samples of unfinished steps dropped, those steps run again",
    );
    assertEquals(again.calls.length, 3, "only the cut step and the two after it ran");
    const after = await readSamplesLog(layout.samplesLog);
    assertEquals(after.tornLastLine, false);
    assertEquals(after.finished.size, 6);
    assertEquals(after.droppedSamples, 0);
    const keys = outcome.result.samples.map(sampleKey);
    assertEquals(keys.length, 12);
    assertEquals(new Set(keys).size, 12, "a sample appears twice");
    // The three steps finished before the crash keep their values.
    const kept = complete.samples.slice(0, 6);
    assertEquals(outcome.result.samples.slice(0, 6), kept);
  });
});

Deno.test("runCollection() with --target-ci stops a cell when its CI is narrow, at max-runs, or when it only fails", async () => {
  await withHarness(async (h) => {
    const runtimes = ["steady", "noisy", "broken"].map((id) => fakeRuntime(id));
    const bench = fakeBenchmark("work", ["a"], ({ runtime, n }) => {
      h.clock.advance(10);
      if (runtime === "broken") throw new Error("no luck");
      return [{ metric: "work.a", value: runtime === "steady" ? 100 : n % 2 === 0 ? 1 : 100 }];
    });
    const outcome = await h.run({
      runId: newRunId(),
      runtimes,
      benchmarks: [bench],
      record: fakeRecord({
        runtimes: runtimes.map((r) => r.id),
        repetitions: undefined,
        adaptive: { targetCiPercent: 5, maxRuns: 6, maxTimeS: 600 },
      }),
    });
    const perRuntime = (id: string) => bench.calls.filter((c) => c.runtime === id).length;
    assertEquals([perRuntime("steady"), perRuntime("noisy"), perRuntime("broken")], [3, 6, 3]);
    const text = h.output.join("");
    assertStringIncludes(text, "steady/work: 95 % CI within ±5 % after 3 runs");
    assertStringIncludes(outcome.result.notes ?? "", "noisy/work: reached --max-runs after 6 runs");
    assertStringIncludes(outcome.result.notes ?? "", "broken/work: stopped after 3 failed runs");
    assertStringIncludes(text, "[12/12]");
  });
});

Deno.test("runCollection() refuses a second session of a running run, naming the holder's pid", async () => {
  await withHarness(async (h) => {
    let release = () => {};
    let started = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const bench = fakeBenchmark("work", ["a"], async ({ n }) => {
      if (n === 0) {
        started();
        await new Promise<void>((resolve) => (release = resolve));
      }
      return [{ metric: "work.a", value: 1 }];
    });
    const runId = newRunId();
    const record = fakeRecord({ runtimes: ["alpha"], repetitions: 2 });
    const first = h.run({ runId, runtimes: [fakeRuntime("alpha")], benchmarks: [bench], record });
    await running;
    const error = await assertRejects(
      () =>
        h.run({
          runId,
          resume: true,
          runtimes: [fakeRuntime("alpha")],
          benchmarks: [bench],
          record,
        }),
      RunLockedError,
    );
    assertStringIncludes(error.message, "pid 4242");
    assertStringIncludes(error.message, runId);
    assertEquals(error.pid, 4242);
    release();
    assertEquals((await first).status, "complete");
    assertEquals(bench.calls.length, 2, "the refused session measured nothing");
    const log = await readSamplesLog(runLayout(h.outDir, runId).samplesLog);
    assertEquals(log.finished.size, 2);
  });
});

Deno.test("runCollection() takes over the lock a killed session left, with a note", async () => {
  await withHarness(async (h) => {
    const runId = newRunId();
    const record = fakeRecord({ runtimes: ["alpha"], repetitions: 2 });
    const bench = fakeBenchmark("work", ["a"], () => [{ metric: "work.a", value: 1 }]);
    await h.run({ runId, runtimes: [fakeRuntime("alpha")], benchmarks: [bench], record });
    const layout = runLayout(h.outDir, runId);
    // What a session killed with SIGKILL leaves: its lock file, with no process holding it.
    await Deno.writeTextFile(
      layout.lock,
      JSON.stringify({ pid: 999_999, runId, since: "2026-11-27T07:00:00.000Z" }) + "\n",
    );
    const outcome = await h.run({
      runId,
      resume: true,
      runtimes: [fakeRuntime("alpha")],
      benchmarks: [bench],
      record,
    });
    assertEquals(outcome.status, "complete");
    assertStringIncludes(
      h.output.join(""),
      `note: took over the lock of run ${runId} from pid 999999, which is no longer collecting it`,
    );
    await assertRejects(() => Deno.stat(layout.lock), Deno.errors.NotFound);
  });
});

Deno.test("runCollection() says plainly when the run to resume does not exist", async () => {
  await withHarness(async (h) => {
    const runId = newRunId();
    await assertRejects(
      () =>
        h.run({
          runId,
          resume: true,
          runtimes: [fakeRuntime("alpha")],
          benchmarks: [fakeBenchmark("work", ["a"], () => [])],
          record: fakeRecord(),
        }),
      Error,
      `Cannot resume run "${runId}": no run directory ${h.outDir}/${runId}`,
    );
  });
});

Deno.test("runCollection() refuses to start while another collection holds the host, and frees it after", async () => {
  await withHarness(async (h) => {
    const other = await acquireHostLock(h.hostLockPath, {
      fs: REAL_FILE_SYSTEM,
      pid: 777,
      since: "2026-11-27T07:30:00.000Z",
      runId: "20261127-073000-0f0f0f",
    });
    const bench = steadyBenchmark(h);
    const args = {
      runId: "20261127-080000-d0d0d0",
      runtimes: [fakeRuntime("alpha")],
      benchmarks: [bench],
      record: fakeRecord({ runtimes: ["alpha"], repetitions: 1 }),
    };
    try {
      await assertRejects(
        () => h.run(args),
        HostLockedError,
        'run "20261127-073000-0f0f0f" (pid 777',
      );
      assertEquals(bench.calls.length, 0);
    } finally {
      await other.release();
    }
    const outcome = await h.run(args);
    assertEquals(outcome.status, "complete");
    // The host lock is free again: a third collection may start.
    const after = await acquireHostLock(h.hostLockPath, {
      fs: REAL_FILE_SYSTEM,
      pid: 778,
      since: "2026-11-27T08:10:00.000Z",
      runId: "x",
    });
    await after.release();
  });
});

Deno.test("runCollection() opens the step timer once for the whole collection and closes it at the end", async () => {
  await withHarness(async (h) => {
    let open = 0;
    let opened = 0;
    h.effects.openStepTimer = () => {
      open++;
      opened++;
      return Promise.resolve(() => {
        open--;
        return Promise.resolve();
      });
    };
    const openDuringSteps: number[] = [];
    const bench = fakeBenchmark("work", ["a"], () => {
      openDuringSteps.push(open);
      return [{ metric: "work.a", value: 1 }];
    });
    await h.run({
      runId: "20261127-080000-e0e0e0",
      runtimes: [fakeRuntime("alpha"), fakeRuntime("beta")],
      benchmarks: [bench],
      record: fakeRecord({ repetitions: 2 }),
    });
    assertEquals(openDuringSteps, [1, 1, 1, 1]);
    assertEquals([opened, open], [1, 0]);
  });
});
