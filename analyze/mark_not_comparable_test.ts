import { assert, assertEquals } from "../tests/assert.ts";
import { readResultSet } from "../model/read_result_set.ts";
import type { ResultSet } from "../model/result_set.ts";
import {
  DIRECT_READ_CACHE_REASON,
  IGNORES_O_DIRECT_REASON,
  markNotComparable,
} from "./mark_not_comparable.ts";
import { analyzeResultSets } from "./analyze_result_sets.ts";
import { formatVerdictSummary } from "../report/format_verdict_summary.ts";

const PUBLISHED = new URL("../fixtures/runs/20261127-102220-d5d4ad.json", import.meta.url);
const GVISOR = ["runsc-ptrace", "podman-runsc", "docker-runsc", "containerd-runsc"];

function markedCells(set: ResultSet): Map<string, Set<string>> {
  const cells = new Map<string, Set<string>>();
  for (const s of set.samples) {
    if (!s.notComparable) continue;
    const key = `${s.runtime}/${s.benchmark}`;
    if (!cells.has(key)) cells.set(key, new Set());
    cells.get(key)!.add(s.metric.split(".")[1]);
  }
  return cells;
}

Deno.test("markNotComparable() marks gVisor's direct I/O in the published run, and nothing else", async () => {
  const set = await readResultSet(PUBLISHED.pathname);
  const marked = markNotComparable(set);
  const cells = markedCells(marked);
  const expected = GVISOR.flatMap((r) => [`${r}/fio_bind_direct`, `${r}/fio_layer_direct`]);
  assertEquals([...cells.keys()].sort(), expected.sort());
  for (const metrics of cells.values()) {
    // Every metric of the benchmark: reads, and writes the same cache absorbs.
    assertEquals(metrics.size, 16);
  }
  const reasons = new Set(
    marked.samples.filter((s) => s.notComparable).map((s) => s.notComparable!.reason),
  );
  assertEquals([...reasons], [DIRECT_READ_CACHE_REASON]);
  // The input is left as it was; unmarked values are the same objects.
  assertEquals(set.samples.some((s) => s.notComparable), false);
  assertEquals(marked.samples.length, set.samples.length);
});

Deno.test("markNotComparable() returns the set itself without direct-I/O benchmarks or runtimes beating the device", async () => {
  const set = await readResultSet(PUBLISHED.pathname);
  const noGvisor: ResultSet = {
    ...set,
    samples: set.samples.filter((s) => !GVISOR.includes(s.runtime)),
  };
  assert(markNotComparable(noGvisor) === noGvisor);
  const noDirect: ResultSet = {
    ...set,
    benchmarks: set.benchmarks.filter((b) => !b.id.endsWith("_direct")),
  };
  assert(markNotComparable(noDirect) === noDirect);
});

Deno.test("markNotComparable() marks a runtime declared to ignore O_DIRECT whatever its figures", async () => {
  const set = await readResultSet(PUBLISHED.pathname);
  const marked = markNotComparable(set, { ignoresODirect: new Set(["runc"]) });
  const runc = marked.samples.filter((s) => s.runtime === "runc" && s.notComparable);
  assertEquals(runc.length, 2 * 16 * 3);
  assertEquals(runc[0].notComparable!.reason, IGNORES_O_DIRECT_REASON);
});

Deno.test("analysis of the published run keeps gVisor's direct reads out of verdicts, rankings and scores, with the reason", async () => {
  const set = await readResultSet(PUBLISHED.pathname);
  const group = analyzeResultSets([set]).groups[0];
  for (const metric of ["fio_bind_direct.seq_read_bandwidth", "fio_layer_direct.rand_read_iops"]) {
    const m = group.metrics.find((x) => x.metric === metric)!;
    for (const runtime of GVISOR) {
      const summary = m.summaries.find((s) => s.runtime === runtime)!;
      assertEquals([summary.central, summary.n, summary.notComparable?.n], [null, 0, 3]);
      assertEquals(summary.notComparable?.reason, DIRECT_READ_CACHE_REASON);
      assertEquals(summary.missingReason, `not comparable: ${DIRECT_READ_CACHE_REASON}`);
      const entry = m.ranking!.entries.find((e) => e.runtime === runtime)!;
      assertEquals(entry.rank, null);
      const verdict = group.verdicts.find((v) => v.metric === metric && v.runtime === runtime)!;
      assertEquals(verdict.verdict, "undetermined");
      assert(verdict.reason.includes("not comparable"), verdict.reason);
    }
    // The other runtimes are still ranked.
    assert(m.ranking!.entries.filter((e) => e.rank !== null).length >= 10);
  }
  // No gVisor variant has the best disk score any more (it had, 2.84×, on cached reads).
  const disk = group.categories.filter((c) => c.category === "disk" && c.score !== null);
  const best = disk.reduce((a, b) => (b.score! > a.score! ? b : a));
  assert(!best.runtime.includes("runsc"), `${best.runtime} ${best.score}`);
  // The war summary counts them apart from the undetermined cells, with the reason.
  const summary = formatVerdictSummary(group);
  const marked = group.verdicts.filter((v) => v.notComparable !== undefined);
  assertEquals(marked.length, GVISOR.length * 2 * 16);
  assert(
    summary.includes(`Not comparable: ${marked.length} of ${group.verdicts.length} cells`),
    summary,
  );
  assert(summary.includes(DIRECT_READ_CACHE_REASON), summary);
});
