/**
 * The regression gate behind `compare`: a candidate run against a baseline run, per runtime ×
 * metric, in the spirit of Kata Containers' checkmetrics — but a change counts as a regression
 * only when it goes beyond its tolerance AND a test says it is not noise.
 *
 * Method: each side's central value is the median of its non-warm-up samples with a percentile
 * bootstrap interval; the ratio candidate ÷ baseline gets a bootstrap interval of the ratio of
 * medians. The test is Mann–Whitney U, two-sided; when the samples are too small for the exact
 * test to ever reach `alpha` (2 ÷ C(m+n, m) > alpha, e.g. 3 vs 3), Welch's t-test is used instead
 * and the row says so. p-values are corrected with Holm's method across every test of the
 * comparison, so that checking many metrics does not inflate false alarms. Where no test is
 * possible (fewer than 2 values on a side, or published averages), a change beyond the tolerance
 * counts as a regression and the row says that significance is unknown. Pure: no I/O.
 *
 * @module
 */
import type { Direction, MetricInfo, Observation, ResultSet } from "../model/result_set.ts";
import { sampleColumns } from "../model/sample_columns.ts";
import type { Interval } from "../model/analysis.ts";
import {
  type Comparison,
  COMPARISON_SCHEMA_VERSION,
  type ComparisonRow,
  type GateProblem,
} from "../model/comparison.ts";
import { type Tolerance, toleranceFor, type Tolerances } from "../model/tolerances.ts";
import { mannWhitneyU } from "./mann_whitney.ts";
import { welchTTest } from "./welch_t.ts";
import { holmAdjust } from "./holm_adjust.ts";
import {
  type IntervalOptions,
  medianInterval,
  ratioOfMediansInterval,
} from "./bootstrap_interval.ts";
import { medianSorted, sortedCopy } from "./summarize_values.ts";
import { createRandom } from "./random.ts";

/** Options of {@link compareResultSets}. */
export interface CompareOptions {
  tolerances: Tolerances;
  /** Significance level after Holm's correction; default 0.05. */
  alpha?: number;
  /** Seed of the bootstrap; default 1. */
  seed?: number;
  /** Confidence level of the intervals; default 0.95. */
  confidenceLevel?: number;
}

interface Side {
  values: number[];
  unit: string;
  direction: Direction;
  published: boolean;
}

/**
 * Calls `visit` for each observation of `sets` in order, from their columns (no object per
 * sample): its runtime × metric key, value, whether it is a warm-up sample, and where its unit
 * and direction come from: the observation itself when it is kept apart (a published summary
 * or a rare form), else its set's metric.
 */
function eachObservation(
  sets: ResultSet[],
  visit: (
    key: string,
    value: number | null,
    warmup: boolean,
    from: Observation | MetricInfo,
  ) => void,
): void {
  for (const set of sets) {
    const c = sampleColumns(set);
    const R = set.runtimes.length;
    const keys: (string | undefined)[] = new Array(R * set.metrics.length);
    for (let i = 0; i < c.count; i++) {
      if (c.apart[i] === 1) {
        const o = c.other.get(i)!;
        visit(`${o.runtime}\u0000${o.metric}`, o.value, o.kind === "sample" && o.warmup, o);
        continue;
      }
      const at = c.metric[i] * R + c.runtime[i];
      const key = keys[at] ??= `${set.runtimes[c.runtime[i]].id}\u0000${
        set.metrics[c.metric[i]].id
      }`;
      visit(key, c.value[i], c.warmup[i] === 1, set.metrics[c.metric[i]]);
    }
  }
}

function collect(sets: ResultSet[]): Map<string, Side> {
  const out = new Map<string, Side>();
  eachObservation(sets, (key, value, warmup, from) => {
    if (value === null || warmup) return;
    let side = out.get(key);
    if (side === undefined) {
      side = {
        values: [],
        unit: from.unit,
        direction: from.direction,
        published: "kind" in from && from.kind === "summary",
      };
      out.set(key, side);
    }
    side.values.push(value);
  });
  return out;
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

function withinTolerance(
  tolerance: Tolerance,
  worseAmount: number,
  baseline: number,
): boolean {
  if ("percent" in tolerance) {
    return Math.abs(worseAmount) <= (Math.abs(baseline) * tolerance.percent) / 100;
  }
  return Math.abs(worseAmount) <= tolerance.absolute;
}

function summarize(values: number[], options: IntervalOptions) {
  const sorted = sortedCopy(values);
  const ci = medianInterval(sorted, options);
  return {
    sorted,
    side: { n: sorted.length, central: medianSorted(sorted), ci: ci as Interval | null },
  };
}

/**
 * Compares `candidate` result sets with `baseline` ones.
 *
 * @example
 * ```ts
 * const c = compareResultSets([base], [next], { tolerances });
 * if (c.regressions > 0) Deno.exit(1);
 * ```
 */
export function compareResultSets(
  baseline: ResultSet[],
  candidate: ResultSet[],
  options: CompareOptions,
): Comparison {
  const alpha = options.alpha ?? 0.05;
  const level = options.confidenceLevel ?? 0.95;
  const seed = Math.trunc(options.seed ?? 1);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const intervals: IntervalOptions = {
    level,
    random: createRandom(seed),
    seed,
    cache: new WeakMap(),
  };
  const warnings: string[] = [];
  const hosts = (sets: ResultSet[]) => [...new Set(sets.map((s) => s.host.id))];
  const [hb, hc] = [hosts(baseline), hosts(candidate)];
  if (hb.join() !== hc.join()) {
    warnings.push(
      `the runs come from different hosts (baseline: ${hb.join(", ")}; new: ${
        hc.join(", ")
      }): differences may be the hosts', not the runtimes'`,
    );
  }
  const base = collect(baseline);
  const next = collect(candidate);
  const keys = [...new Set([...base.keys(), ...next.keys()])].sort();
  const rows: ComparisonRow[] = [];
  const pending: { row: ComparisonRow; p: number }[] = [];
  for (const key of keys) {
    const [runtime, metric] = key.split("\u0000");
    const b = base.get(key);
    const c = next.get(key);
    const any = (b ?? c)!;
    const { tolerance, rule } = toleranceFor(options.tolerances, runtime, metric);
    const row: ComparisonRow = {
      runtime,
      metric,
      unit: any.unit,
      direction: any.direction,
      baseline: null,
      candidate: null,
      changePercent: null,
      ratioCi: null,
      worsePercent: null,
      tolerance,
      toleranceRule: rule,
      beyondTolerance: false,
      test: null,
      significant: null,
      verdict: "pass",
      notes: [],
    };
    rows.push(row);
    if (b && c && (b.unit !== c.unit || b.direction !== c.direction)) {
      row.notes.push(
        `units differ (baseline ${b.unit}/${b.direction}, new ${c.unit}/${c.direction}): not compared`,
      );
      row.verdict = "info";
      continue;
    }
    const sb = b ? summarize(b.values, intervals) : undefined;
    const sc = c ? summarize(c.values, intervals) : undefined;
    row.baseline = sb?.side ?? null;
    row.candidate = sc?.side ?? null;
    if (!sb || !sc) {
      row.verdict = sb ? "missing" : "new";
      row.notes.push(sb ? "measured in the baseline only" : "measured in the new run only");
      continue;
    }
    const bc = sb.side.central;
    const cc = sc.side.central;
    if (bc !== 0) {
      row.changePercent = (cc / bc - 1) * 100;
      row.ratioCi = ratioOfMediansInterval(sc.sorted, sb.sorted, intervals);
    }
    if (any.direction === "none") {
      row.verdict = "info";
      row.notes.push("the metric has no better direction");
      continue;
    }
    const worseAmount = any.direction === "lower" ? cc - bc : bc - cc;
    row.worsePercent = bc === 0 ? null : (worseAmount / Math.abs(bc)) * 100;
    row.beyondTolerance = !withinTolerance(tolerance, worseAmount, bc);
    const m = sb.sorted.length;
    const n = sc.sorted.length;
    if (m >= 2 && n >= 2 && !b!.published && !c!.published) {
      const exactFloor = Math.log(2) - logChoose(m + n, m);
      if (exactFloor > Math.log(alpha)) {
        const w = welchTTest(sc.sorted, sb.sorted);
        if (w) {
          pending.push({ row, p: w.p });
          row.test = { method: "welch", p: w.p, pAdjusted: w.p };
          row.notes.push(
            `${m} vs ${n} values are too few for Mann–Whitney to reach p < ${alpha}: Welch's t-test used`,
          );
        } else {
          row.notes.push("no spread on either side: no test possible");
        }
      } else {
        const u = mannWhitneyU(sc.sorted, sb.sorted);
        pending.push({ row, p: u.p });
        row.test = { method: "mann-whitney", p: u.p, pAdjusted: u.p };
      }
    } else {
      row.notes.push(
        b!.published || c!.published
          ? "published values: significance unknown"
          : "fewer than 2 values on a side: significance unknown",
      );
    }
  }
  const adjusted = holmAdjust(pending.map((x) => x.p));
  pending.forEach(({ row }, i) => {
    row.test!.pAdjusted = adjusted[i]!;
    row.significant = adjusted[i]! < alpha;
  });
  for (const row of rows) {
    if (row.verdict !== "pass" || !row.beyondTolerance) continue;
    if (row.significant === false) {
      row.notes.push("beyond the tolerance but not significant: treated as noise");
      continue;
    }
    const { central: bc } = row.baseline!;
    const { central: cc } = row.candidate!;
    const worse = row.direction === "lower" ? cc > bc : cc < bc;
    row.verdict = worse ? "regression" : "improvement";
  }
  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    baselineRuns: baseline.map((s) => s.runId),
    candidateRuns: candidate.map((s) => s.runId),
    alpha,
    rows,
    regressions: rows.filter((r) => r.verdict === "regression").length,
    improvements: rows.filter((r) => r.verdict === "improvement").length,
    problems: gateProblems(baseline, candidate, base, next),
    warnings,
  };
}

/**
 * What the new run lacks that the baseline has: steps that failed only in the new run, runtimes
 * and runtime × metric cells with no value, cells whose every value is empty or a warm-up. One entry per
 * cause, in a stable order (a missing runtime is one entry, not one per metric).
 */
function gateProblems(
  baseline: ResultSet[],
  candidate: ResultSet[],
  base: Map<string, Side>,
  next: Map<string, Side>,
): GateProblem[] {
  const problems: GateProblem[] = [];
  const failures = (sets: ResultSet[]) => {
    const out = new Map<string, { count: number; first: string }>();
    for (const set of sets) {
      for (const f of set.failures) {
        const key = `${f.runtime}\u0000${f.benchmark}`;
        const seen = out.get(key) ?? { count: 0, first: f.message };
        seen.count++;
        out.set(key, seen);
      }
    }
    return out;
  };
  const baseFailures = failures(baseline);
  for (const [key, { count, first }] of [...failures(candidate)].sort(byKey)) {
    if (baseFailures.has(key)) continue;
    const [runtime, benchmark] = key.split("\u0000");
    problems.push({
      cause: "failures",
      runtime,
      benchmark,
      message: `${runtime} ${benchmark}: ${count} failing step(s) in the new run, none in the ` +
        `baseline (first: ${first.split("\n")[0].slice(0, 200)})`,
    });
  }
  const runtimesOf = (m: Map<string, unknown>) =>
    new Set([...m.keys()].map((k) => k.split("\u0000")[0]));
  const empty = emptyCells(candidate);
  // A runtime with only empty or warm-up values is present; its metrics say what they lack.
  const present = new Set([...runtimesOf(next), ...runtimesOf(empty)]);
  for (const runtime of [...runtimesOf(base)].sort()) {
    if (present.has(runtime)) continue;
    problems.push({
      cause: "missing-runtime",
      runtime,
      message: `${runtime}: in the baseline, but the new run has no value for it`,
    });
  }
  for (const key of [...base.keys()].sort()) {
    const [runtime, metric] = key.split("\u0000");
    if (next.has(key) || !present.has(runtime)) continue;
    const nulls = empty.get(key);
    problems.push(
      nulls
        ? {
          cause: "no-samples",
          runtime,
          metric,
          message:
            `${runtime} ${metric}: all ${nulls} value(s) of the new run are empty or warm-ups`,
        }
        : {
          cause: "missing-metric",
          runtime,
          metric,
          message: `${runtime} ${metric}: in the baseline, but the new run has no value for it`,
        },
    );
  }
  return problems;
}

function byKey<T>(a: [string, T], b: [string, T]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** How many observations per runtime × metric cannot be compared (empty, or warm-ups). */
function emptyCells(sets: ResultSet[]): Map<string, number> {
  const out = new Map<string, number>();
  eachObservation(sets, (key, value, warmup) => {
    if (value === null || warmup) out.set(key, (out.get(key) ?? 0) + 1);
  });
  return out;
}
