/**
 * False decisions under the null, and power, of the verdicts as `analyzeResultSets` makes
 * them: seeded synthetic runs, 15 runtimes, 100 metrics.
 */
import { assert, assertEquals } from "../tests/assert.ts";
import { syntheticResultSet } from "../tests/synthetic_run.ts";
import type { MetricInfo } from "../model/result_set.ts";
import { analyzeResultSets } from "./analyze_result_sets.ts";

const RUNTIMES = [
  { id: "native", isolation: "native" as const },
  ...Array.from({ length: 14 }, (_, i) => ({
    id: `rt-${String(i + 1).padStart(2, "0")}`,
    isolation: "os-container" as const,
  })),
];

function metrics(count: number): MetricInfo[] {
  return Array.from({ length: count }, (_, m) => ({
    id: `bench.m${String(m).padStart(3, "0")}`,
    benchmark: "bench",
    name: `metric ${m}`,
    category: "cpu" as const,
    unit: "s",
    direction: m % 2 === 0 ? "lower" as const : "higher" as const,
  }));
}

/** A standard normal draw (Box–Muller) from a uniform generator. */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function run(options: {
  perCell: number;
  metricCount: number;
  seed: number;
  factor: (runtime: number) => number;
  cv: number;
}) {
  return syntheticResultSet({
    runId: `sim-${options.seed}`,
    seed: options.seed,
    host: { id: "sim", description: "simulation", cores: 2, memoryBytes: 2 ** 30 },
    runtimes: RUNTIMES,
    benchmarks: [{ id: "bench", name: "bench", category: "cpu", tool: "ocibench" }],
    metrics: metrics(options.metricCount),
    perCell: options.perCell,
    value: (r, _metric, _m, random) =>
      100 * options.factor(r) * Math.exp(options.cv * gaussian(random)),
  });
}

for (const perCell of [5, 20]) {
  Deno.test(`verdicts on null data (15 runtimes, 100 metrics, n = ${perCell}): ≤ 5 % of metrics have a false decision`, () => {
    const set = run({ perCell, metricCount: 100, seed: 1000 + perCell, factor: () => 1, cv: 0.03 });
    const analysis = analyzeResultSets([set], { seed: 1 });
    const verdicts = analysis.groups[0].verdicts;
    assertEquals(verdicts.length, 100 * 14);
    const falseMetrics = new Set(
      verdicts.filter((v) => v.verdict === "better" || v.verdict === "worse").map((v) => v.metric),
    );
    assert(
      falseMetrics.size <= 5,
      `${falseMetrics.size} of 100 metrics have a false better/worse verdict`,
    );
    // Each interval at 1 − 0.05/14; an equivalence rests on two one-sided tests at 0.05/14
    // each, whose interval is the one at 1 − 2 · 0.05/14.
    const bad = verdicts.find((v) =>
      !(v.comparisons === 14 &&
        v.level! >= 1 - (v.verdict === "equivalent" ? 2 : 1) * 0.05 / 14 - 1e-12)
    );
    assert(bad === undefined, JSON.stringify(bad));
    // No runtime is decided apart from another either: the ranks stay wide.
    const pairErrors = analysis.groups[0].metrics.filter((m) =>
      m.pairwise.some((p) => p.decision?.better)
    );
    assertEquals(analysis.groups[0].metrics[0].pairwise.length, 105);
    assert(pairErrors.length <= 5, `${pairErrors.length} metrics with a falsely decided pair`);
  });
}

Deno.test("verdicts decide a true 30 % difference at CV 3 % with n = 5, in the right direction", () => {
  // Runtimes 1–7 take 30 % longer (worse on lower-is-better, better on higher-is-better).
  const set = run({
    perCell: 5,
    metricCount: 20,
    seed: 77,
    factor: (r) => (r >= 1 && r <= 7 ? 1.3 : 1),
    cv: 0.03,
  });
  const analysis = analyzeResultSets([set], { seed: 1 });
  const metricsById = new Map(analysis.groups[0].metrics.map((m) => [m.metric, m]));
  const shifted = analysis.groups[0].verdicts.filter((v) => Number(v.runtime.slice(3)) <= 7);
  assertEquals(shifted.length, 20 * 7);
  for (const v of shifted) {
    const expected = metricsById.get(v.metric)!.direction === "lower" ? "worse" : "better";
    assertEquals(v.verdict, expected, `${v.runtime} on ${v.metric}: ${v.reason}`);
    assertEquals(v.beyondMargin, true, `${v.runtime} on ${v.metric}: ${v.reason}`);
    assert(v.low! < 1.3 && 1.3 < v.high!, `the interval covers 1.3: ${v.reason}`);
  }
});
