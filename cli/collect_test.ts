import { assertEquals, assertRejects } from "../tests/assert.ts";
import { collectRequestFrom } from "./collect.ts";
import { UsageError } from "./command.ts";
import { runLayout } from "../model/run_layout.ts";
import { acquireRunLock, RunLockedError } from "../collect/run_lock.ts";
import { REAL_FILE_SYSTEM } from "../collect/run_effects.ts";
import type { RunRecordOptions } from "../collect/samples_log.ts";
import { fakeRuntime } from "../collect/fake_run.ts";

Deno.test("collect --resume takes a run id, not a path, and says which id to give", async () => {
  await assertRejects(
    () => collectRequestFrom({ resume: "results/20261127-080346-3ff34d.json" }, []),
    UsageError,
    'collect: --resume takes a run id, not a path: got "results/20261127-080346-3ff34d.json"; ' +
      "give --resume 20261127-080346-3ff34d --out results",
  );
  await assertRejects(
    () => collectRequestFrom({ resume: "../../etc" }, []),
    UsageError,
    "--resume takes a run id such as 20261127-075501-3f9a0c",
  );
});

Deno.test("collect --resume of a run another session is collecting fails at once, naming its pid", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "ocibench-test-cli-collect-" });
  try {
    const layout = runLayout(outDir, "20261127-080346-3ff34d");
    await Deno.mkdir(layout.dir);
    const record: RunRecordOptions = {
      runtimes: ["native"],
      explicitRuntimes: true,
      benchmarks: ["startup"],
      quick: true,
      seed: 1,
      warmups: 0,
      repetitions: 1,
      stepTimeoutMs: 1000,
    };
    await Deno.writeTextFile(
      layout.samplesLog,
      JSON.stringify({
        type: "run",
        runId: layout.runId,
        startedAt: "2026-11-27T08:03:46Z",
        options: record,
      }) + "\n",
    );
    const lock = await acquireRunLock(layout, { fs: REAL_FILE_SYSTEM, pid: 31337, since: "now" });
    try {
      const error = await assertRejects(
        () => collectRequestFrom({ resume: layout.runId, out: outDir }, []),
        RunLockedError,
        "pid 31337",
      );
      assertEquals(error.pid, 31337);
    } finally {
      await lock.release();
    }
    const request = await collectRequestFrom({ resume: layout.runId, out: outDir }, []);
    assertEquals([request.runId, request.resume, request.record], [layout.runId, true, record]);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("collect --budget records the budget, min-runs and baseline; refuses a second mode", async () => {
  const all = [{ ...fakeRuntime("native"), isolation: "native" as const }, fakeRuntime("runc")];
  const request = await collectRequestFrom(
    { budget: "8m", "min-runs": "4", benchmarks: "startup", seed: "3" },
    all,
  );
  assertEquals(request.record.budget, {
    budgetMs: 480_000,
    minRuns: 4,
    baseline: "native",
    looks: 10,
  });
  assertEquals(request.record.repetitions, undefined);
  assertEquals(request.record.adaptive, undefined);
  // A budget buys repetitions with quick sizes, unless full sizes are asked for; warm-ups stay.
  assertEquals([request.record.quick, request.record.warmups], [true, 1]);
  const full = await collectRequestFrom({ budget: "8m", sizes: "full" }, all);
  assertEquals(full.record.quick, false);
  const plain = await collectRequestFrom({ sizes: "quick", repetitions: "2" }, all);
  assertEquals([plain.record.quick, plain.record.repetitions, plain.record.warmups], [true, 2, 1]);
  assertEquals((await collectRequestFrom({}, all)).record.quick, false);
  await assertRejects(
    () => collectRequestFrom({ budget: "8m", sizes: "big" }, all),
    UsageError,
    '--sizes is "quick" or "full", got "big"',
  );
  await assertRejects(
    () => collectRequestFrom({ budget: "8m", "target-ci": "5" }, all),
    UsageError,
    "got --target-ci and --budget",
  );
  await assertRejects(
    () => collectRequestFrom({ budget: "8 minutes" }, all),
    UsageError,
    '--budget must be a duration such as 90s, 8m, 1h or 1h30m (a number and a unit h, m or s), got "8 minutes"',
  );
  await assertRejects(
    () => collectRequestFrom({ budget: "8m", runtimes: "runc" }, all),
    UsageError,
    'the baseline "native" is not among the runtimes (runc)',
  );
  await assertRejects(
    () => collectRequestFrom({ "min-runs": "3" }, all),
    UsageError,
    "--min-runs and --baseline go with --budget",
  );
});
