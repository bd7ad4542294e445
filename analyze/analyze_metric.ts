/**
 * One metric of one host group: per-runtime summaries, ratios to the reference runtime,
 * pairwise tests with Holm's correction, and the ranking.
 *
 * @module
 */
import type {
  BaselineRatio,
  Interval,
  MetricAnalysis,
  MetricRanking,
  Outlier,
  PairwiseTest,
  RankEntry,
  RuntimeSummary,
} from "../model/analysis.ts";
import type { Direction } from "../model/result_set.ts";
import type { MetricValues, RuntimeValues } from "./_group_values.ts";
import {
  type BootstrapCache,
  medianInterval,
  ratioOfMediansInterval,
} from "./bootstrap_interval.ts";
import { detectOutliers } from "./detect_outliers.ts";
import { cliffsDeltaFromU, hodgesLehmannShift } from "./effect_size.ts";
import { holmAdjust } from "./holm_adjust.ts";
import { mannWhitneyU } from "./mann_whitney.ts";
import type { Random } from "./random.ts";
import { summarizeValues } from "./summarize_values.ts";
import { welchTTest } from "./welch_t.ts";

/** Below this many samples the bootstrap interval of a median gets a caution note. */
export const SMALL_SAMPLE_N = 10;

/** Options of {@link analyzeMetric}. */
export interface AnalyzeMetricOptions {
  /** The baseline runtime id to take ratios against, when the group has it. */
  baseline: string | null;
  level: number;
  alpha: number;
  random: Random;
  seed: number;
  maxResamples: number;
  /** Bootstrap distributions shared by a metric's intervals (made per metric when absent). */
  cache?: BootstrapCache;
}

/** True when `a` is better than `b` in `direction` (never for `none`). */
export function isBetter(a: number, b: number, direction: Direction): boolean {
  return direction === "higher" ? a > b : direction === "lower" ? a < b : false;
}

interface Prepared {
  summary: RuntimeSummary;
  sorted: Float64Array | null;
}

function summarizeRuntime(rv: RuntimeValues, options: AnalyzeMetricOptions): Prepared {
  const notes: string[] = [];
  if (rv.values.length > 0) {
    const values = Float64Array.from(rv.values);
    const sorted = Float64Array.from(values).sort();
    const s = summarizeValues(sorted);
    const ci = medianInterval(sorted, {
      level: options.level,
      random: options.random,
      maxResamples: options.maxResamples,
      seed: options.seed,
      cache: options.cache,
    });
    const outliers: Outlier[] = detectOutliers(values, sorted).map((f) => ({
      iteration: rv.iterations[f.index],
      value: rv.values[f.index],
      runId: rv.runIds[f.index],
      rules: [...(f.tukey ? ["tukey" as const] : []), ...(f.mad ? ["mad" as const] : [])],
    }));
    if (s.n === 1) notes.push("single sample: no spread, no interval and no test");
    else if (s.n < 4) notes.push(`only ${s.n} samples: outliers are not looked for below 4`);
    if (s.n >= 2 && s.n < SMALL_SAMPLE_N) {
      notes.push(
        `only ${s.n} samples: the bootstrap interval of a median is coarse (its ends ` +
          "are sample values) and may cover less than its nominal level",
      );
    }
    if (rv.published.length > 0) {
      notes.push(
        `${rv.published.length} published value(s) for this runtime were not mixed ` +
          "with its samples",
      );
    }
    if (rv.failures.length > 0) notes.push(`${rv.failures.length} failed run(s) besides`);
    return {
      sorted,
      summary: {
        runtime: rv.runtime,
        kind: "sample",
        n: s.n,
        warmupExcluded: rv.warmup,
        mean: s.mean,
        median: s.median,
        sd: s.sd,
        cv: s.cv,
        min: s.min,
        max: s.max,
        central: s.median,
        ci: ci as Interval | null,
        outliers,
        notes,
      },
    };
  }
  const present = rv.published.filter((p) => p.value !== null);
  const base = {
    runtime: rv.runtime,
    kind: "summary" as const,
    warmupExcluded: rv.warmup,
    sd: null,
    cv: null,
    ci: null,
    outliers: [],
  };
  if (present.length === 0) {
    const reasons = [
      ...rv.published.map((p) => p.missingReason ?? "no value"),
      ...rv.failures.map((f) => `failed: ${f}`),
    ];
    return {
      sorted: null,
      summary: {
        ...base,
        kind: rv.published.length > 0 ? "summary" : "sample",
        n: 0,
        mean: null,
        median: null,
        min: null,
        max: null,
        central: null,
        missingReason: [...new Set(reasons)].join("; ") || "no value",
        notes,
      },
    };
  }
  const values = present.map((p) => p.value as number);
  const statistic = present[0].statistic;
  const sameStatistic = present.every((p) => p.statistic === statistic);
  const central = values.reduce((a, b) => a + b, 0) / values.length;
  const reported = present.map((p) => p.n).filter((n): n is number => n !== undefined);
  if (present.length > 1) {
    notes.push(
      `${present.length} published values (${present.map((p) => p.runId).join(", ")}); ` +
        "the central value is their mean",
    );
  }
  if (!sameStatistic) notes.push("the published values are of different statistics");
  notes.push(
    `published ${statistic}` +
      (reported.length > 0
        ? ` of ${reported.join(" + ")} run(s)`
        : " of an unstated number of runs") +
      ": no spread, so no interval and no test",
  );
  return {
    sorted: null,
    summary: {
      ...base,
      n: present.length,
      ...(reported.length > 0 ? { reportedN: reported.reduce((a, b) => a + b, 0) } : {}),
      ...(sameStatistic ? { statistic } : {}),
      mean: present.length === 1 && statistic === "mean" ? central : null,
      median: present.length === 1 && statistic === "median" ? central : null,
      min: Math.min(...values),
      max: Math.max(...values),
      central,
      notes,
    },
  };
}

function overheadPercent(ratio: number, direction: Direction): number | null {
  if (direction === "higher") return ratio === 0 ? null : (1 / ratio - 1) * 100;
  return (ratio - 1) * 100;
}

function pairwiseTests(
  prepared: Prepared[],
  options: AnalyzeMetricOptions,
): PairwiseTest[] {
  const testable = prepared.filter((p) => p.sorted !== null && p.sorted.length >= 2);
  const tests: PairwiseTest[] = [];
  for (let i = 0; i < testable.length; i++) {
    for (let j = i + 1; j < testable.length; j++) {
      const a = testable[i].sorted!;
      const b = testable[j].sorted!;
      const mw = mannWhitneyU(a, b);
      const welch = welchTTest(a, b);
      const hl = hodgesLehmannShift(a, b, { random: options.random });
      const notes: string[] = [];
      if (welch === null) notes.push("Welch's t undefined: both samples have zero variance");
      if (hl.subsampled) {
        notes.push("Hodges–Lehmann shift estimated on seeded subsamples of 300 values per side");
      }
      tests.push({
        a: testable[i].summary.runtime,
        b: testable[j].summary.runtime,
        nA: a.length,
        nB: b.length,
        mannWhitney: { u: mw.u, p: mw.p, method: mw.method },
        welch,
        pAdjusted: null,
        significant: null,
        cliffsDelta: cliffsDeltaFromU(mw.u, { m: a.length, n: b.length }),
        hodgesLehmann: hl.shift,
        notes,
      });
    }
  }
  const adjusted = holmAdjust(tests.map((t) => t.mannWhitney?.p ?? null));
  tests.forEach((t, k) => {
    t.pAdjusted = adjusted[k];
    t.significant = adjusted[k] === null ? null : adjusted[k]! < options.alpha;
  });
  return tests;
}

function rank(
  prepared: Prepared[],
  direction: Direction,
  pairwise: PairwiseTest[],
  alpha: number,
): MetricRanking {
  const withValue = prepared.filter((p) => p.summary.central !== null);
  const without = prepared.filter((p) => p.summary.central === null);
  withValue.sort((x, y) => {
    const a = x.summary.central!;
    const b = y.summary.central!;
    return direction === "higher" ? b - a : a - b;
  });
  const tested = withValue.length > 0 &&
    withValue.every((p) => p.summary.kind === "sample" && p.summary.n >= 2);
  // Consecutive runs of runtimes that share a rank, as index ranges into withValue.
  const groups: number[][] = [];
  if (tested) {
    const significant = (a: string, b: string) =>
      pairwise.find((t) => (t.a === a && t.b === b) || (t.a === b && t.b === a))?.significant ??
        false;
    for (let i = 0; i < withValue.length; i++) {
      const current = groups[groups.length - 1];
      const leader = current ? withValue[current[0]].summary.runtime : null;
      if (leader !== null && !significant(leader, withValue[i].summary.runtime)) current.push(i);
      else groups.push([i]);
    }
  } else {
    for (let i = 0; i < withValue.length; i++) {
      const current = groups[groups.length - 1];
      if (current && withValue[current[0]].summary.central === withValue[i].summary.central) {
        current.push(i);
      } else groups.push([i]);
    }
  }
  const entries: RankEntry[] = [];
  let position = 1;
  for (const g of groups) {
    for (const i of g) {
      entries.push({
        runtime: withValue[i].summary.runtime,
        rank: position,
        value: withValue[i].summary.central,
        tiedWith: g.filter((k) => k !== i).map((k) => withValue[k].summary.runtime),
        notes: [],
      });
    }
    position += g.length;
  }
  for (const p of without) {
    entries.push({
      runtime: p.summary.runtime,
      rank: null,
      value: null,
      tiedWith: [],
      notes: [`not ranked: ${p.summary.missingReason ?? "no value"}`],
    });
  }
  return tested
    ? {
      significance: "tested",
      method: "ordered by median; a runtime shares the rank of the best runtime of its tier " +
        `unless their Holm-corrected Mann–Whitney p is below ${alpha} (competition ranking)`,
      entries,
    }
    : {
      significance: "unknown",
      method: withValue.some((p) => p.summary.kind === "summary")
        ? "ordered by the published value; the source gives no spread, so whether neighbours " +
          "differ significantly is unknown (only equal values share a rank)"
        : "ordered by value; some runtimes have fewer than 2 samples, so significance is " +
          "unknown (only equal values share a rank)",
      entries,
    };
}

/**
 * Analyses one metric of a host group: summaries (median and percentile-bootstrap interval
 * for samples; the published value for summaries), ratios to the baseline (or, when the group
 * has no baseline value, to the best runtime), pairwise Mann–Whitney and Welch tests with
 * Holm's correction and effect sizes, and the ranking. Direction `none` is reported, not ranked.
 */
export function analyzeMetric(
  values: MetricValues,
  metricOptions: AnalyzeMetricOptions,
): MetricAnalysis {
  const options = { ...metricOptions, cache: metricOptions.cache ?? new WeakMap() };
  const { info } = values;
  const prepared = [...values.runtimes.values()].map((rv) => summarizeRuntime(rv, options));
  const summaries = prepared.map((p) => p.summary);
  const notes: string[] = [];
  const pairwise = pairwiseTests(prepared, options);
  const kinds = new Set(summaries.filter((s) => s.n > 0).map((s) => s.kind));
  const kind = kinds.size > 1 ? "mixed" : kinds.has("summary") ? "summary" : "sample";
  if (kind === "mixed") {
    notes.push(
      "some runtimes have raw samples and others only published values; the ranking " +
        "orders them by value without significance",
    );
  }
  // The reference of the ratios.
  let reference: MetricAnalysis["reference"] = null;
  const baseline = options.baseline === null
    ? undefined
    : prepared.find((p) => p.summary.runtime === options.baseline && p.summary.central !== null);
  if (baseline) {
    reference = {
      runtime: baseline.summary.runtime,
      mode: "baseline",
      note: "the baseline runtime",
    };
  } else if (info.direction !== "none") {
    const candidates = prepared.filter((p) => p.summary.central !== null && p.summary.central > 0);
    const best = candidates.reduce<Prepared | undefined>(
      (b, p) =>
        b === undefined || isBetter(p.summary.central!, b.summary.central!, info.direction) ? p : b,
      undefined,
    );
    if (best) {
      reference = {
        runtime: best.summary.runtime,
        mode: "best",
        note: options.baseline === null
          ? "no baseline runtime in this group: ratios are to the best runtime of this metric"
          : `the baseline "${options.baseline}" has no value for this metric: ratios are to ` +
            "the best runtime",
      };
    }
  } else {
    notes.push("direction none and no baseline value: no ratios");
  }
  const ratios: BaselineRatio[] = [];
  if (reference) {
    const ref = prepared.find((p) => p.summary.runtime === reference!.runtime)!;
    const refCentral = ref.summary.central!;
    for (const p of prepared) {
      const rNotes: string[] = [];
      const central = p.summary.central;
      if (central === null || refCentral === 0) {
        ratios.push({
          runtime: p.summary.runtime,
          reference: reference.runtime,
          ratio: null,
          overheadPercent: null,
          ci: null,
          notes: [central === null ? "no value" : "the reference value is 0: no ratio"],
        });
        continue;
      }
      const ratio = central / refCentral;
      let ci: Interval | null = null;
      if (p === ref) rNotes.push("the reference itself");
      else if (p.sorted && ref.sorted) {
        ci = ratioOfMediansInterval(p.sorted, ref.sorted, {
          level: options.level,
          random: options.random,
          maxResamples: options.maxResamples,
          seed: options.seed,
          cache: options.cache,
        });
        if (ci === null) {
          rNotes.push("no interval: fewer than 2 samples on a side or a zero median");
        }
      } else rNotes.push("no interval: published values carry no spread");
      ratios.push({
        runtime: p.summary.runtime,
        reference: reference.runtime,
        ratio,
        overheadPercent: overheadPercent(ratio, info.direction),
        ci,
        notes: rNotes,
      });
    }
  }
  const ranking = info.direction === "none"
    ? null
    : rank(prepared, info.direction, pairwise, options.alpha);
  if (info.direction === "none") notes.push("direction none: reported, not ranked");
  return {
    metric: info.id,
    benchmark: info.benchmark,
    name: info.name,
    category: info.category,
    unit: info.unit,
    direction: info.direction,
    sources: values.sources,
    kind,
    summaries,
    reference,
    ratios,
    pairwise,
    ranking,
    notes,
  };
}
