import { assertEquals, assertRejects } from "../tests/assert.ts";
import { collectRequestFrom } from "./collect.ts";
import { UsageError } from "./command.ts";
import { runLayout } from "../model/run_layout.ts";
import { acquireRunLock, RunLockedError } from "../collect/run_lock.ts";
import { REAL_FILE_SYSTEM } from "../collect/run_effects.ts";
import type { RunRecordOptions } from "../collect/samples_log.ts";

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
