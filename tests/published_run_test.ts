import { assert, assertEquals } from "./assert.ts";
import { readResultSet, readResultSets } from "../model/read_result_set.ts";
import { analyzeResultSets } from "../analyze/analyze_result_sets.ts";

const RUNS = new URL("../fixtures/runs/", import.meta.url).pathname;
const EXAMPLES = new URL("../examples/", import.meta.url).pathname;

Deno.test("the published run validates and holds raw samples of every runtime it names", async () => {
  const runs = await readResultSets([RUNS]);
  assert(runs.length >= 1, "a run is committed");
  for (const { path, set } of runs) {
    assertEquals(set.status, "complete", path);
    assert(set.samples.every((s) => s.kind === "sample"), `${path}: raw samples, not summaries`);
    for (const r of set.runtimes) {
      assert(set.samples.some((s) => s.runtime === r.id), `${path}: ${r.id} has samples`);
    }
    const log = await Deno.readTextFile(`${RUNS}${set.runId}/samples.jsonl`);
    assert(log.trim().split("\n").length > set.runtimes.length, `${path}: its samples log`);
  }
});

Deno.test("the example reports are committed and stay under 2 MB", async () => {
  for (const name of ["runtimes_war.html", "replication.html"]) {
    const { size } = await Deno.stat(EXAMPLES + name);
    assert(size > 10_000 && size < 2 * 1024 * 1024, `${name}: ${size} bytes`);
  }
});

Deno.test("the published run decides every runsc variant's system calls worse than native at n = 3", async () => {
  const set = await readResultSet(`${RUNS}20261127-102220-d5d4ad.json`);
  const group = analyzeResultSets([set]).groups[0];
  const sandboxes = set.runtimes.filter((r) => r.id.includes("runsc")).map((r) => r.id);
  assertEquals(sandboxes.length, 4);
  const syscalls = group.verdicts.filter((v) =>
    v.metric.startsWith("syscalls.") && sandboxes.includes(v.runtime)
  );
  assertEquals(syscalls.length, 2 * 4);
  for (const v of syscalls) {
    assertEquals([v.verdict, v.beyondMargin, v.n, v.baselineN], ["worse", true, 3, 3], v.reason);
    assert(v.low! > 2 && v.ratio! > 30, `${v.runtime} ${v.metric}: ${v.reason}`);
    assertEquals(v.comparisons, 14);
  }
  const ptrace = syscalls.find((v) =>
    v.runtime === "runsc-ptrace" && v.metric.endsWith("getppid")
  )!;
  // Geometric-mean ratio 45.0 with the 1 − 0.05/14 Welch interval on logs (SciPy: 16.6, 122).
  assert(Math.abs(ptrace.ratio! - 44.95) < 0.01 && Math.abs(ptrace.low! - 16.57) < 0.01);
  // No plain container is decided worse than native on system calls.
  assert(
    group.verdicts.filter((v) => v.metric.startsWith("syscalls.") && !sandboxes.includes(v.runtime))
      .every((v) => v.verdict !== "worse"),
  );
});
