/**
 * One metric of one host group: per-runtime summaries, ratios to the reference runtime,
 * pairwise tests and decisions, and the ranking as intervals.
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
import { type BootstrapCache, ratioOfMediansInterval } from "./bootstrap_interval.ts";
import { detectOutliers } from "./detect_outliers.ts";
import { cliffsDeltaFromU, hodgesLehmannShift } from "./effect_size.ts";
import { holmAdjust } from "./holm_adjust.ts";
import { mannWhitneyU } from "./mann_whitney.ts";
import type { Random } from "./random.ts";
import { summarizeValues } from "./summarize_values.ts";
import { welchTTest } from "./welch_t.ts";
import { medianOrderInterval, smallestNForLevel } from "./median_interval.ts";
import { bonferroniLevel, decideVerdict, RANK_INTERVAL_MIN_N } from "./verdict.ts";
import { rankIntervals } from "./rank_intervals.ts";

/** Default practical margin δ of a metric when none is given (±5 %). */
export const DEFAULT_MARGIN = 0.05;

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
  /** The metric's practical margin δ as a fraction; default {@link DEFAULT_MARGIN}. */
  margin?: number;
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
  const prepared = summarizeComparable(rv, options);
  if (!rv.notComparable) return prepared;
  // Values that do not measure what the metric says: shown with the reason, never compared.
  const { reason, values } = rv.notComparable;
  const summary = {
    ...prepared.summary,
    notComparable: {
      reason,
      n: values.length,
      median: summarizeValues(Float64Array.from(values).sort()).median,
    },
  };
  if (summary.central === null) {
    summary.missingReason = `not comparable: ${reason}`;
  } else {
    summary.notes = [
      ...summary.notes,
      `${values.length} value(s) not comparable, left out: ${reason}`,
    ];
  }
  return { ...prepared, summary };
}

function summarizeComparable(rv: RuntimeValues, options: AnalyzeMetricOptions): Prepared {
  const notes: string[] = [];
  if (rv.values.length > 0) {
    const values = Float64Array.from(rv.values);
    const sorted = Float64Array.from(values).sort();
    const s = summarizeValues(sorted);
    const exact = medianOrderInterval(sorted, options.level);
    const outliers: Outlier[] = detectOutliers(values, sorted).map((f) => ({
      iteration: rv.iterations[f.index],
      value: rv.values[f.index],
      runId: rv.runIds[f.index],
      rules: [...(f.tukey ? ["tukey" as const] : []), ...(f.mad ? ["mad" as const] : [])],
    }));
    if (s.n === 1) notes.push("single sample: no spread, no interval and no test");
    else if (s.n < 4) notes.push(`only ${s.n} samples: outliers are not looked for below 4`);
    if (exact && !exact.reachesLevel) {
      notes.push(
        `only ${s.n} samples: the median's interval [min, max] covers ` +
          `${(exact.level * 100).toFixed(1)} %, not the ${options.level * 100} % asked ` +
          `(${smallestNForLevel(options.level)} samples reach it)`,
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
        ci: exact === null ? null : {
          low: exact.low,
          high: exact.high,
          level: exact.level,
          requestedLevel: exact.requestedLevel,
          method: exact.method,
        } satisfies Interval,
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

/** True when every value is above 0, so that a ratio interval on logs can be made. */
function allPositive(sorted: Float64Array): boolean {
  return sorted.length > 0 && sorted[0] > 0;
}

function pairwiseTests(
  prepared: Prepared[],
  direction: Direction,
  options: AnalyzeMetricOptions,
): PairwiseTest[] {
  const testable = prepared.filter((p) => p.sorted !== null && p.sorted.length >= 2);
  // Only pairs that can give an interval can give a false decision: they form the family.
  const intervals = testable.filter((p) => allPositive(p.sorted!)).length;
  const family = (intervals * (intervals - 1)) / 2;
  const pairLevel = bonferroniLevel(options.level, family);
  const margin = options.margin ?? DEFAULT_MARGIN;
  const logCache = new WeakMap<object, Float64Array>();
  const tests: PairwiseTest[] = [];
  for (let i = 0; i < testable.length; i++) {
    for (let j = i + 1; j < testable.length; j++) {
      const a = testable[i].sorted!;
      const b = testable[j].sorted!;
      const nameA = testable[i].summary.runtime;
      const nameB = testable[j].summary.runtime;
      const mw = mannWhitneyU(a, b);
      const welch = welchTTest(a, b);
      const notes: string[] = [];
      if (welch === null) notes.push("Welch's t undefined: neither sample varies");
      let decision: PairwiseTest["decision"] = null;
      if (direction !== "none") {
        const v = decideVerdict(b, a, {
          direction,
          margin,
          level: pairLevel,
          logCache,
          equivalence: false,
        });
        decision = {
          better: v.verdict === "better" ? nameA : v.verdict === "worse" ? nameB : null,
          ratio: v.ratio,
          low: v.low,
          high: v.high,
          level: v.level,
          method: v.intervalKind,
        };
      }
      tests.push({
        a: nameA,
        b: nameB,
        nA: a.length,
        nB: b.length,
        mannWhitney: { u: mw.u, p: mw.p, method: mw.method },
        welch,
        pAdjusted: null,
        significant: null,
        decision,
        cliffsDelta: cliffsDeltaFromU(mw.u, { m: a.length, n: b.length }),
        hodgesLehmann: hodgesLehmannShift(a, b),
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
  level: number,
): MetricRanking {
  const withValue = prepared.filter((p) => p.summary.central !== null);
  const without = prepared.filter((p) => p.summary.central === null);
  withValue.sort((x, y) => {
    const a = x.summary.central!;
    const b = y.summary.central!;
    return direction === "higher" ? b - a : a - b;
  });
  const tested = withValue.length > 0 && withValue.every((p) => p.summary.kind === "sample");
  const entries: RankEntry[] = [];
  if (tested) {
    const ids = withValue.map((p) => p.summary.runtime);
    const decided = pairwise
      .filter((t) => t.decision?.better)
      .map((t) => ({
        better: t.decision!.better!,
        worse: t.decision!.better === t.a ? t.b : t.a,
      }));
    const intervals = rankIntervals(ids, decided);
    for (const [k, p] of withValue.entries()) {
      const r = intervals[k];
      const notes: string[] = [];
      if (p.summary.n < 2) {
        notes.push(
          `${p.summary.n} sample: compared with no runtime, so it may rank anywhere in ` +
            `${r.best}–${r.worst}`,
        );
      }
      entries.push({
        runtime: r.runtime,
        rank: r.best,
        rankBest: r.best,
        rankWorst: r.worst,
        value: p.summary.central,
        tiedWith: r.undecided,
        notes,
      });
    }
  } else {
    let position = 1;
    for (const [i, p] of withValue.entries()) {
      if (i > 0 && p.summary.central !== withValue[i - 1].summary.central) position = i + 1;
      entries.push({
        runtime: p.summary.runtime,
        rank: position,
        rankBest: null,
        rankWorst: null,
        value: p.summary.central,
        tiedWith: withValue
          .filter((o) => o !== p && o.summary.central === p.summary.central)
          .map((o) => o.summary.runtime),
        notes: [],
      });
    }
  }
  for (const p of without) {
    entries.push({
      runtime: p.summary.runtime,
      rank: null,
      rankBest: null,
      rankWorst: null,
      value: null,
      tiedWith: [],
      notes: [`not ranked: ${p.summary.missingReason ?? "no value"}`],
    });
  }
  return tested
    ? {
      significance: "tested",
      method: "ordered by median; each runtime's rank is an interval from best possible " +
        "(1 + runtimes decided better) to worst possible (runtimes − those decided worse), " +
        "a pair decided when its ratio interval (pairwise[].decision: Welch's t on ln values, " +
        "or the exact Mann–Whitney interval with 10–50 samples a side) lies on one side of 1, " +
        `the intervals of all pairs holding together with ≥ ${level * 100} % (Bonferroni)`,
      entries,
    }
    : {
      significance: "unknown",
      method: "ordered by the published value; the source gives no spread, so whether " +
        "neighbours differ is unknown (only equal values share a rank)",
      entries,
    };
}

/** Rejects a value that is not a finite number, naming where it is. */
function checkFinite(values: MetricValues): void {
  for (const rv of values.runtimes.values()) {
    const at = rv.values.findIndex((v) => !Number.isFinite(v));
    if (at >= 0) {
      throw new RangeError(
        `metric "${values.info.id}", runtime "${rv.runtime}": the sample of iteration ` +
          `${rv.iterations[at]} in run "${rv.runIds[at]}" is ${rv.values[at]}; samples must be ` +
          "finite numbers (readResultSet rejects such files)",
      );
    }
    const published = rv.published.find((p) => p.value !== null && !Number.isFinite(p.value));
    if (published) {
      throw new RangeError(
        `metric "${values.info.id}", runtime "${rv.runtime}": the published value in run ` +
          `"${published.runId}" is ${published.value}; values must be finite numbers`,
      );
    }
  }
}

/**
 * Analyses one metric of a host group: summaries (median with its exact order-statistic
 * interval for samples; the published value for summaries), ratios to the baseline (or, when
 * the group has no baseline value, to the best runtime), pairwise Mann–Whitney and Welch tests
 * with Holm's correction, effect sizes and a decision per pair ({@link decideVerdict}, the
 * pairs' intervals simultaneous by Bonferroni), and the ranking as intervals from the decided
 * pairs. Direction `none` is reported, not ranked. Throws a RangeError naming the value when a
 * value is not finite.
 */
export function analyzeMetric(
  values: MetricValues,
  metricOptions: AnalyzeMetricOptions,
): MetricAnalysis {
  const options = { ...metricOptions, cache: metricOptions.cache ?? new WeakMap() };
  const { info } = values;
  checkFinite(values);
  const prepared = [...values.runtimes.values()].map((rv) => summarizeRuntime(rv, options));
  const summaries = prepared.map((p) => p.summary);
  const notes: string[] = [];
  const pairwise = pairwiseTests(prepared, info.direction, options);
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
      if (central === null || refCentral <= 0 || central < 0) {
        ratios.push({
          runtime: p.summary.runtime,
          reference: reference.runtime,
          ratio: null,
          overheadPercent: null,
          ci: null,
          notes: [
            central === null
              ? "no value"
              : `the ${refCentral <= 0 ? "reference's" : "runtime's"} value ` +
                `${refCentral <= 0 ? refCentral : central} is not above 0: no meaningful ratio`,
          ],
        });
        continue;
      }
      const ratio = central / refCentral;
      let ci: Interval | null = null;
      if (p === ref) rNotes.push("the reference itself");
      else if (p.sorted && ref.sorted && (p.sorted[0] < 0 || ref.sorted[0] < 0)) {
        rNotes.push("no interval: some values are below 0, where a ratio means nothing");
      } else if (p.sorted && ref.sorted) {
        ci = ratioOfMediansInterval(p.sorted, ref.sorted, {
          level: options.level,
          random: options.random,
          maxResamples: options.maxResamples,
          seed: options.seed,
          cache: options.cache,
        });
        if (ci === null) {
          rNotes.push("no interval: fewer than 2 samples on a side or a zero median");
        } else if (Math.min(p.sorted.length, ref.sorted.length) < RANK_INTERVAL_MIN_N) {
          rNotes.push(
            `a bootstrap of ${p.sorted.length} and ${ref.sorted.length} samples may cover less ` +
              `than its nominal ${options.level * 100} %; the verdict's interval states the ` +
              "level it reaches",
          );
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
    : rank(prepared, info.direction, pairwise, options.level);
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
