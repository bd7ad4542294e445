import { assertEquals, assertThrows } from "../tests/assert.ts";
import {
  checkRunId,
  isRunId,
  newRunId,
  resultFileOfEntry,
  runLayout,
  runLayoutOfDir,
} from "./run_layout.ts";

Deno.test("runLayout() puts the samples log and the lock in the run's directory, the result beside it", () => {
  assertEquals(runLayout("results", "20261127-080346-3ff34d"), {
    outDir: "results",
    runId: "20261127-080346-3ff34d",
    dir: "results/20261127-080346-3ff34d",
    samplesLog: "results/20261127-080346-3ff34d/samples.jsonl",
    lock: "results/20261127-080346-3ff34d/collect.lock",
    result: "results/20261127-080346-3ff34d.json",
  });
});

Deno.test("runLayout() refuses an id that could lead out of the results directory", () => {
  for (const bad of ["../x", "a/b", ".hidden", "", "A1", "x".repeat(81)]) {
    assertThrows(() => runLayout("results", bad), RangeError, `Not a run id: "${bad}"`);
  }
  assertEquals(isRunId(newRunId()), true);
  assertEquals(isRunId("nightly_2.1"), true);
});

Deno.test("checkRunId() names the bad value and the expected form, and the id to use for a path", () => {
  assertEquals(checkRunId("20261127-080346-3ff34d", "--resume"), "20261127-080346-3ff34d");
  assertThrows(
    () => checkRunId("results/20261127-080346-3ff34d.json", "--resume"),
    RangeError,
    '--resume takes a run id, not a path: got "results/20261127-080346-3ff34d.json"; ' +
      "give --resume 20261127-080346-3ff34d --out results",
  );
  assertThrows(
    () => checkRunId("/srv/runs/20261127-080346-3ff34d/", "--resume"),
    RangeError,
    "give --resume 20261127-080346-3ff34d --out /srv/runs",
  );
  assertThrows(
    () => checkRunId("Run 1", "--resume"),
    RangeError,
    "--resume takes a run id such as 20261127-075501-3f9a0c (lower-case letters, digits, " +
      `'.', '_' or '-', starting with a letter or digit, at most 80 characters), got "Run 1"`,
  );
});

Deno.test("runLayoutOfDir() and resultFileOfEntry() find a run's result from its directory", () => {
  assertEquals(
    runLayoutOfDir("results/20261127-080346-3ff34d/")?.result,
    "results/20261127-080346-3ff34d.json",
  );
  assertEquals(runLayoutOfDir("20261127-080346-3ff34d")?.result, "./20261127-080346-3ff34d.json");
  assertEquals(
    runLayoutOfDir("/20261127-080346-3ff34d")?.result,
    "/20261127-080346-3ff34d.json",
  );
  assertEquals(runLayoutOfDir("results/My Runs"), undefined);
  const dir = { isFile: false, isDirectory: true };
  const file = { isFile: true, isDirectory: false };
  assertEquals(
    resultFileOfEntry("r", { name: "20261127-080346-3ff34d", ...dir }),
    "r/20261127-080346-3ff34d.json",
  );
  assertEquals(resultFileOfEntry("r", { name: "merged.json", ...file }), "r/merged.json");
  assertEquals(resultFileOfEntry("r", { name: "notes.txt", ...file }), undefined);
  assertEquals(resultFileOfEntry("r", { name: "Old Runs", ...dir }), undefined);
});
