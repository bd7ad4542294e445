/**
 * Integration tests of `collect` with the real runtimes of this host: a run killed with SIGKILL
 * and resumed ends with every sample exactly once; a runtime whose binary is broken is recorded
 * as a failure while the others finish; a tiny plan over every usable runtime writes a result set
 * that validates, with the unusable ones skipped by name; nothing of ours is left afterwards.
 *
 * @module
 */
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { findImage } from "../collect/image.ts";
import { namePrefixOf, newRunId, runCollection } from "../collect/run_loop.ts";
import { runLayout } from "../model/run_layout.ts";
import { allAdapters, nativeAdapter, runcAdapter } from "../collect/runtimes/mod.ts";
import { describeLeftovers, findLeftovers } from "../collect/leftovers.ts";
import { resolveBenchmarks } from "../collect/benchmarks/mod.ts";
import { readSamplesLog, type RunRecordOptions } from "../collect/samples_log.ts";
import { readResultSet } from "../model/read_result_set.ts";
import type { ImagePaths } from "../collect/types.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

let image: ImagePaths | undefined;
let imageReason = "";
try {
  image = findImage();
} catch (error) {
  imageReason = (error as Error).message;
}
const isRoot = Deno.uid() === 0;
const skipReason = !image
  ? `the benchmark image is missing (${imageReason})`
  : !isRoot
  ? "the runtimes need root"
  : "";
if (skipReason) console.log(`SKIPPED tests/collect_test.ts: ${skipReason}`);

async function leftovers(prefix: string): Promise<string[]> {
  const found = await findLeftovers(prefix);
  return found.length > 0 ? describeLeftovers(found).split("\n") : [];
}

function leftoversOf(runId: string): Promise<string[]> {
  return leftovers(namePrefixOf(runId));
}

function record(overrides: Partial<RunRecordOptions>): RunRecordOptions {
  return {
    runtimes: ["native"],
    explicitRuntimes: true,
    benchmarks: ["startup"],
    quick: true,
    seed: 7,
    warmups: 0,
    repetitions: 1,
    stepTimeoutMs: 120_000,
    ...overrides,
  };
}

Deno.test({
  name: "collect killed with SIGKILL mid-run, then --resume, ends with every sample exactly once",
  ignore: skipReason !== "",
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "ocibench-test-collect-" });
    const args = [
      "run",
      "-A",
      MAIN,
      "collect",
      "--quick",
      "--runtimes",
      "native,bubblewrap",
      "--benchmarks",
      "startup,syscalls",
      "--repetitions",
      "3",
      "--warmups",
      "1",
      "--seed",
      "11",
      "--out",
      out,
    ];
    try {
      const child = new Deno.Command(Deno.execPath(), {
        args,
        stdout: "null",
        stderr: "null",
      }).spawn();
      // Wait until a few steps are on disk, then kill the process outright.
      let runId: string | undefined;
      let steps = 0;
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        runId ??= [...Deno.readDirSync(out)].find((e) => e.isDirectory)?.name;
        if (!runId) continue;
        try {
          steps = (await readSamplesLog(runLayout(out, runId).samplesLog)).finished.size;
        } catch {
          continue; // the first line is being written
        }
        if (steps >= 4) break;
      }
      child.kill("SIGKILL");
      await child.status;
      assert(runId, "the run never created its directory");
      const before = await readSamplesLog(runLayout(out, runId).samplesLog);
      assert(before.finished.size >= 4, `only ${before.finished.size} steps before the kill`);
      assert(before.finished.size < 16, "the run finished before it was killed");
      let resultExists = true;
      await Deno.stat(runLayout(out, runId).result).catch(() => (resultExists = false));
      assertEquals(resultExists, false, "a killed run has no result set yet");

      const resumed = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MAIN, "collect", "--resume", runId, "--out", out],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(resumed.stderr);
      assertEquals(resumed.code, 0, stderr);
      assertStringIncludes(stderr, `resuming ${runId}: ${before.finished.size} steps already done`);

      const set = await readResultSet(runLayout(out, runId).result);
      assertEquals(set.status, "complete");
      // 2 runtimes × (startup: 1 metric + syscalls: 2 metrics) × (1 warm-up + 3 repetitions)
      const keys = set.samples.map((s) =>
        s.kind === "sample" ? `${s.runtime}/${s.metric}/${s.iteration}` : "summary"
      );
      assertEquals(set.failures, []);
      assertEquals(keys.length, 2 * 3 * 4);
      assertEquals(new Set(keys).size, keys.length, "a sample appears twice");
      for (const runtime of ["native", "bubblewrap"]) {
        for (const metric of ["startup.create_to_exit", "syscalls.getppid", "syscalls.read_zero"]) {
          for (let iteration = 0; iteration < 4; iteration++) {
            assert(
              keys.includes(`${runtime}/${metric}/${iteration}`),
              `${runtime}/${metric}/${iteration}`,
            );
          }
        }
      }
      const warmups = set.samples.filter((s) => s.kind === "sample" && s.warmup);
      assert(warmups.every((s) => s.kind === "sample" && s.iteration === 0));
      assertEquals(warmups.length, 6);
      assertEquals(await leftoversOf(runId), []);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "a runtime whose binary is broken is recorded as a failure while the others finish",
  ignore: skipReason !== "",
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "ocibench-test-collect-" });
    const broken = `${out}/runc-broken`;
    // A real runc adapter pointed at a binary that cannot work: it prints an error and fails.
    await Deno.writeTextFile(
      broken,
      "#!/bin/sh\necho 'runc: cannot load libseccomp' >&2\nexit 127\n",
    );
    await Deno.chmod(broken, 0o755);
    const runId = newRunId();
    try {
      const benchmarks = resolveBenchmarks(["startup", "syscalls"]);
      const outcome = await runCollection({
        runId,
        outDir: out,
        resume: false,
        runtimes: [runcAdapter({ binary: broken }), nativeAdapter()],
        benchmarks,
        record: record({
          runtimes: ["runc", "native"],
          benchmarks: ["startup", "syscalls"],
          repetitions: 2,
        }),
        image: image!,
        progress: { live: false, write: () => {} },
        findLeftovers: leftovers,
      });
      assertEquals(outcome.status, "complete");
      const set = await readResultSet(outcome.resultPath);
      const runc = set.failures.filter((f) => f.runtime === "runc");
      assertEquals(runc.length, 2 * 2, "one failure per planned runc step");
      assert(runc.every((f) => f.message.startsWith("runc is unusable")), runc[0]?.message);
      assertStringIncludes(runc[0].message, broken, "the failure names the broken binary");
      assertEquals(runc[0].exitCode, null);
      assert(set.runtimes.some((r) => r.id === "runc" && r.notes?.includes("unusable")));
      const native = set.samples.filter((s) => s.runtime === "native");
      assertEquals(native.length, 2 * 3, "native measured every step");
      assertEquals(set.failures.filter((f) => f.runtime === "native"), []);
      assertEquals(outcome.leftovers, []);
      assertEquals(await leftoversOf(runId), []);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "a tiny plan over every usable runtime writes a valid result set; the unusable are skipped by name",
  ignore: skipReason !== "",
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "ocibench-test-collect-" });
    const runId = newRunId();
    const adapters = allAdapters();
    const lines: string[] = [];
    try {
      const outcome = await runCollection({
        runId,
        outDir: out,
        resume: false,
        runtimes: adapters,
        benchmarks: resolveBenchmarks(["startup"]),
        record: record({
          runtimes: adapters.map((a) => a.id),
          explicitRuntimes: false,
          benchmarks: ["startup"],
        }),
        image: image!,
        progress: { live: false, write: (t) => lines.push(t) },
        findLeftovers: leftovers,
      });
      const set = await readResultSet(outcome.resultPath); // validates
      const measured = new Set(set.samples.map((s) => s.runtime));
      const failed = new Set(set.failures.map((f) => f.runtime));
      const skipped = new Map(outcome.skippedRuntimes.map((s) => [s.runtime, s.reason]));
      for (const [runtime, reason] of skipped) console.log(`skipped ${runtime}: ${reason}`);
      for (const runtime of measured) console.log(`measured ${runtime}`);
      for (const f of set.failures) console.log(`failed ${f.runtime}: ${f.message}`);
      // Every known runtime is accounted for: measured, failed, or skipped with a reason.
      for (const a of adapters) {
        assert(
          measured.has(a.id) || failed.has(a.id) || skipped.has(a.id),
          `${a.id} is neither measured, failed nor skipped`,
        );
        if (skipped.has(a.id)) {
          assert(skipped.get(a.id)!.length > 0);
          assertStringIncludes(set.notes ?? "", `skipped runtime ${a.id}:`);
          assertStringIncludes(lines.join(""), `skipped runtime ${a.id}:`);
        }
      }
      assert(measured.has("native"), "the native baseline was measured");
      // Kata and Firecracker are not installable here: they must appear as skipped, not passed.
      for (const id of ["kata", "firecracker"]) {
        if (!measured.has(id)) assert(skipped.has(id), `${id} neither measured nor skipped`);
      }
      for (const r of set.runtimes.filter((r) => measured.has(r.id))) {
        assert(r.version, `${r.id} has no version recorded`);
      }
      assert(set.host.cores >= 1 && set.host.kernel === Deno.osRelease());
      assertEquals(outcome.leftovers, []);
      assertEquals(await leftoversOf(runId), []);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "adaptive repetitions stop at the CI target, or at --max-runs and say so",
  ignore: skipReason !== "",
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "ocibench-test-collect-" });
    try {
      const run = async (targetCiPercent: number, lines: string[]) =>
        await runCollection({
          runId: newRunId(),
          outDir: out,
          resume: false,
          runtimes: [nativeAdapter()],
          benchmarks: resolveBenchmarks(["startup"]),
          record: {
            ...record({ benchmarks: ["startup"] }),
            repetitions: undefined,
            adaptive: { targetCiPercent, maxRuns: 4, maxTimeS: 60 },
          },
          image: image!,
          progress: { live: false, write: (t) => lines.push(t) },
        });
      const wide: string[] = [];
      const converged = await run(1e6, wide);
      assertEquals(converged.result.samples.length, 3, "three runs, then the CI is within target");
      assertStringIncludes(wide.join(""), "native/startup: 95 % CI within ±1000000 % after 3 runs");
      const narrow: string[] = [];
      const capped = await run(1e-9, narrow);
      assertEquals(capped.result.samples.length, 4, "stopped by --max-runs 4");
      assertStringIncludes(narrow.join(""), "native/startup: reached --max-runs after 4 runs");
      assertStringIncludes(capped.result.notes ?? "", "reached --max-runs after 4 runs");
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "a step over its timeout is killed and recorded as a timed-out failure",
  ignore: skipReason !== "",
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "ocibench-test-collect-" });
    const runId = newRunId();
    try {
      const outcome = await runCollection({
        runId,
        outDir: out,
        resume: false,
        runtimes: [nativeAdapter()],
        benchmarks: resolveBenchmarks(["pi_multi", "startup"]),
        // pi_multi at full size computes for ~4 s: 50 ms is far too short for it, not for startup.
        record: record({ benchmarks: ["pi_multi", "startup"], stepTimeoutMs: 50, quick: false }),
        image: image!,
        progress: { live: false, write: () => {} },
      });
      assertEquals(outcome.result.failures.length, 1);
      const [failure] = outcome.result.failures;
      assertEquals(failure.benchmark, "pi_multi");
      assertStringIncludes(failure.message, "timed out after");
      assertEquals(failure.exitCode, null);
      // SIGKILL is delivered at once but reaping takes a moment: poll for 0.5 s, far less than
      // the ~4 s pi would go on computing had it not been killed.
      let pids = "";
      for (let i = 0; i < 10; i++) {
        const found = await new Deno.Command("pgrep", {
          args: ["-f", "^pi 2000000$"],
          stdout: "piped",
        }).output();
        pids = new TextDecoder().decode(found.stdout).trim();
        if (pids === "") break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assertEquals(pids, "", "no pi process survives the timeout");
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "Ctrl-C (SIGINT) stops the running container, keeps finished samples, marks the run interrupted",
  ignore: skipReason !== "",
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "ocibench-test-collect-" });
    try {
      // Full-size pi takes seconds per step: the signal lands while one runs.
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          MAIN,
          "collect",
          "--runtimes",
          "runc,native",
          "--benchmarks",
          "startup,pi_single",
          "--repetitions",
          "3",
          "--warmups",
          "0",
          "--out",
          out,
        ],
        stdout: "null",
        stderr: "piped",
      }).spawn();
      let runId: string | undefined;
      let pi = "";
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        runId ??= [...Deno.readDirSync(out)].find((e) => e.isDirectory)?.name;
        if (!runId) continue;
        const done = await readSamplesLog(runLayout(out, runId).samplesLog).catch(() => undefined);
        const running = await new Deno.Command("pgrep", {
          args: ["-f", "^pi 2000000$"],
          stdout: "piped",
        })
          .output();
        pi = new TextDecoder().decode(running.stdout).trim();
        if (done && done.finished.size >= 1 && pi !== "") break;
      }
      assert(runId && pi !== "", "no pi step was running");
      child.kill("SIGINT");
      const status = await child.status;
      const stderr = new TextDecoder().decode(
        await new Response(child.stderr).arrayBuffer(),
      );
      assertEquals(status.code, 1, stderr);
      const set = await readResultSet(runLayout(out, runId).result);
      assertEquals(set.status, "interrupted");
      const log = await readSamplesLog(runLayout(out, runId).samplesLog);
      assert(log.finished.size >= 1 && log.finished.size < 12);
      assertEquals(set.samples.length, log.samples.length, "every finished sample is kept");
      assert(set.samples.length >= 1);
      const left = await new Deno.Command("pgrep", {
        args: ["-f", "^pi 2000000$"],
        stdout: "piped",
      })
        .output();
      assertEquals(new TextDecoder().decode(left.stdout).trim(), "", "pi still runs");
      assertEquals(await leftoversOf(runId), []);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
