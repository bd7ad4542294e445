/**
 * Inputs found by probing the analysis API that once gave wrong answers or no answer: each test
 * holds the fix.
 */
import { assert, assertEquals, assertStringIncludes, assertThrows } from "../tests/assert.ts";
import { type ResultSet, ResultSetSchema } from "../model/result_set.ts";
import { AnalysisSchema } from "../model/analysis.ts";
import { analyzeResultSets } from "./analyze_result_sets.ts";

type Direction = "higher" | "lower";

/** A result set of one metric "m" (category cpu) from runtime → values; not validated. */
function rawSet(values: Record<string, number[]>, direction: Direction): ResultSet {
  return {
    schemaVersion: 1,
    runId: "probe",
    status: "complete",
    host: { id: "h", description: "probe host", cores: 2, memoryBytes: 2 ** 30 },
    runtimes: Object.keys(values).map((id) => ({
      id,
      name: id,
      isolation: id === "native" ? "native" : "os-container",
      historical: false,
    })),
    benchmarks: [{ id: "b", name: "b", category: "cpu", tool: "probe" }],
    metrics: [{ id: "m", benchmark: "b", name: "m", category: "cpu", unit: "u", direction }],
    samples: Object.entries(values).flatMap(([runtime, xs]) =>
      xs.map((value, iteration) => ({
        kind: "sample" as const,
        runtime,
        benchmark: "b",
        metric: "m",
        unit: "u",
        direction,
        value,
        iteration,
        warmup: false,
        startedAt: "2026-01-01T00:00:00Z",
        finishedAt: "2026-01-01T00:00:01Z",
      }))
    ),
    failures: [],
  };
}

/** The same, validated like a file read from disk (finite values only). */
function set(values: Record<string, number[]>, direction: Direction): ResultSet {
  return ResultSetSchema.parse(rawSet(values, direction));
}

Deno.test("mannWhitneyU() with NaN throws instead of looping forever", async () => {
  const source = `
    import { mannWhitneyU } from ${
    JSON.stringify(new URL("./mann_whitney.ts", import.meta.url).href)
  };
    try { mannWhitneyU(Float64Array.of(1, NaN, 3), Float64Array.of(2, 4)); postMessage("returned"); }
    catch (e) { postMessage(e.name + ": " + e.message); }`;
  const worker = new Worker(`data:text/javascript,${encodeURIComponent(source)}`, {
    type: "module",
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const answer = await Promise.race([
      new Promise<string>((resolve) => (worker.onmessage = (e) => resolve(e.data))),
      new Promise<string>((
        resolve,
      ) => (timer = setTimeout(() => resolve("still running"), 10_000))),
    ]);
    assertEquals(answer, "RangeError: mannWhitneyU: sample a[1] is NaN; give numbers");
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
});

Deno.test("analyzeResultSets() refuses Infinity, naming the metric, runtime and sample", () => {
  // Before: NaN interval ends and a note that both samples had zero variance.
  assertThrows(
    () => analyzeResultSets([rawSet({ native: [1, 2, 3], runc: [1, 2, Infinity] }, "lower")]),
    RangeError,
    'metric "m", runtime "runc": the sample of iteration 2 in run "probe" is Infinity',
  );
});

Deno.test("a best runtime with median 0 (lower is better) leaves the metric out for all, with a note", () => {
  const a = analyzeResultSets([
    set({ native: [5, 5.1, 4.9], runc: [0, 0, 0], crun: [6, 6.1, 5.9] }, "lower"),
  ]);
  AnalysisSchema.parse(a);
  const cpu = a.groups[0].categories.filter((c) => c.category === "cpu");
  // Before: runc, the best, had no score while the others were scored on the metric.
  for (const c of cpu) {
    assertEquals([c.score, c.metricsUsed], [null, 0], c.runtime);
    assertStringIncludes(c.notes.join(" "), "m left out for every runtime: values ≤ 0");
    assertStringIncludes(c.notes.join(" "), "runc 0");
  }
});

Deno.test("zero throughput is vetoed: d = 0 and the reasons say unacceptable", () => {
  const a = analyzeResultSets([
    set({ native: [5, 5.1, 4.9], runc: [0, 0, 0], crun: [4, 4.1, 3.9] }, "higher"),
  ]);
  // Every built-in profile but untrusted multi-tenant (which requires a sandbox or VM).
  for (const rec of a.groups[0].recommendations.filter((r) => r.entries[0].eligible)) {
    const runc = rec.entries.find((e) => e.runtime === "runc")!;
    // Before: 0 MB/s got d = 0.09, the same as any worst runtime.
    assertEquals(runc.categories.find((c) => c.category === "cpu")!.desirability, 0);
    assertEquals(runc.desirability, 0, rec.profile.id);
    assertStringIncludes(runc.reasons.join(" "), "unacceptable in cpu");
  }
});

Deno.test("negative values give no ratio and no verdict, with the reason", () => {
  const a = analyzeResultSets([set({ native: [5, 5.1, 4.9], runc: [-2, -2.1, -1.9] }, "lower")]);
  AnalysisSchema.parse(a);
  const ratio = a.groups[0].metrics[0].ratios.find((r) => r.runtime === "runc")!;
  // Before: ratio −0.4, "−140 %" overhead and a bootstrap interval of negative ratios.
  assertEquals([ratio.ratio, ratio.overheadPercent, ratio.ci], [null, null, null]);
  assertStringIncludes(ratio.notes.join(" "), "not above 0");
  const verdict = a.groups[0].verdicts.find((v) => v.runtime === "runc")!;
  assertEquals([verdict.verdict, verdict.ratio], ["undetermined", null]);
  assertStringIncludes(verdict.reason, "≤ 0 on the runtime side");
});

Deno.test("one runtime with n = 1 leaves the other runtimes' ranking tested", () => {
  const tight = (x: number) => [x, x * 1.01, x * 0.99, x * 1.005, x * 0.995, x * 1.002];
  const a = analyzeResultSets([set({ native: tight(5), runc: tight(9), crun: [7] }, "lower")]);
  const ranking = a.groups[0].metrics[0].ranking!;
  // Before: the whole metric was "unknown", ranked by value only.
  assertEquals(ranking.significance, "tested");
  const byId = Object.fromEntries(
    ranking.entries.map((e) => [e.runtime, [e.rankBest, e.rankWorst]]),
  );
  assertEquals(byId, { native: [1, 2], crun: [1, 3], runc: [2, 3] });
  const crun = ranking.entries.find((e) => e.runtime === "crun")!;
  assertStringIncludes(crun.notes.join(" "), "may rank anywhere in 1–3");
});

Deno.test("values ≤ 0 left out of category scores are named in every runtime's notes", () => {
  const a = analyzeResultSets([set({ native: [5, 5.1, 4.9], runc: [-1, -1, -1] }, "lower")]);
  const overall = a.groups[0].categories.filter((c) => c.category === "overall");
  assertEquals(overall.length, 2);
  for (const c of overall) {
    assertEquals(c.metricsMissing, 1);
    assert(c.notes.some((n) => n.includes("values ≤ 0") && n.includes("runc -1")), c.runtime);
  }
});
