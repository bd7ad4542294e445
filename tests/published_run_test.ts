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

Deno.test("the published run: untrusted multi-tenant recommends a syscall sandbox; dropping any runtime leaves the others' order per profile", async () => {
  const set = await readResultSet(`${RUNS}20261127-102220-d5d4ad.json`);
  const full = analyzeResultSets([set]).groups[0];
  const orders = (recs: typeof full.recommendations) =>
    new Map(recs.map((r) => [r.profile.id, r.entries.filter((e) => e.eligible)]));
  const before = orders(full.recommendations);
  const untrusted = before.get("untrusted-multi-tenant")!;
  const isolation = (id: string) => set.runtimes.find((r) => r.id === id)!.isolation;
  assertEquals(isolation(untrusted[0].runtime), "syscall-sandbox");
  assert(untrusted.every((e) => isolation(e.runtime) !== "os-container"));
  for (const dropped of set.runtimes.map((r) => r.id)) {
    const smaller = {
      ...set,
      runtimes: set.runtimes.filter((r) => r.id !== dropped),
      samples: set.samples.filter((s) => s.runtime !== dropped),
      failures: set.failures.filter((f) => f.runtime !== dropped),
    };
    const group = analyzeResultSets([smaller]).groups[0];
    if (dropped === "native") {
      // The bounds are ratios to the baseline: without it nothing is eligible, and each says so.
      for (const r of group.recommendations) assert(r.entries.every((e) => !e.eligible));
      continue;
    }
    for (const [profile, entries] of orders(group.recommendations)) {
      const expected = before.get(profile)!.filter((e) => e.runtime !== dropped);
      // The same runtimes in the same order, each with the same D (its own data only).
      assertEquals(
        entries.map((e) => [e.runtime, e.desirability]),
        expected.map((e) => [e.runtime, e.desirability]),
        `${profile} without ${dropped}`,
      );
    }
  }
});
