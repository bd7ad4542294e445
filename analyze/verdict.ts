/**
 * The verdict on one runtime against a baseline on one metric: the ratio runtime ÷ baseline
 * with an interval whose method fits the sample sizes, and a direction-aware decision against
 * a practical margin δ — `better`, `worse`, `equivalent` or `undetermined`.
 *
 * @module
 */
import { studentTQuantile } from "./_distributions.ts";
import { mannWhitneyExactCdf } from "./mann_whitney.ts";
import type { VerdictKind } from "../model/analysis.ts";

/** Fewest samples on each side for the rank-based interval; below, Welch's t on logs. */
export const RANK_INTERVAL_MIN_N = 10;
/** Most samples on a side for the rank-based interval (its exact null distribution). */
export const RANK_INTERVAL_MAX_N = 50;

/** Which interval a verdict rests on: Welch's t or the rank-based interval, on ln values. */
export type IntervalKind = "welch-log" | "rank-log";

/** Options of {@link decideVerdict}. */
export interface VerdictOptions {
  /** Which way is better for the metric. */
  direction: "higher" | "lower";
  /** The practical margin δ as a fraction (0.05 = ±5 %): equivalent inside [1/(1+δ), 1+δ]. */
  margin: number;
  /**
   * Coverage asked of this one interval, e.g. 0.95, or 1 − 0.05/k for one of k simultaneous
   * intervals ({@link bonferroniLevel}).
   */
  level: number;
  /**
   * The ln values already taken of a sample (keyed by the sample itself), so that a runtime
   * compared with many others takes its logarithms once; filled as it goes.
   */
  logCache?: WeakMap<object, Float64Array>;
  /**
   * Whether an interval across 1 may still decide `equivalent` (default true). Callers that act
   * only on a difference (the pairwise ranks) set false and skip the equivalence interval.
   */
  equivalence?: boolean;
}

/** The outcome of {@link decideVerdict}. Ratios are runtime ÷ baseline. */
export interface VerdictResult {
  /** Point estimate of the ratio (the method's: geometric-mean or Hodges–Lehmann ratio). */
  ratio: number | null;
  low: number | null;
  high: number | null;
  /** The coverage the interval reaches (never a nominal level it does not reach). */
  level: number | null;
  /** How the interval was computed, or why there is none. */
  method: string;
  /** The interval's method as an id: Welch's t or the rank-based interval on ln values. */
  intervalKind: IntervalKind | null;
  verdict: VerdictKind;
  /** For `better`/`worse`: true when the whole interval lies beyond the margin. */
  beyondMargin: boolean;
  /**
   * The whole interval lies inside [1/(1+δ), 1+δ]: true for every `equivalent`, and for a
   * `better`/`worse` too small to matter (decided, yet within the margin).
   */
  withinMargin: boolean;
  n: number;
  baselineN: number;
  /** One line saying why this verdict. */
  reason: string;
}

/**
 * The per-interval level that makes k intervals hold together with probability ≥ `level`
 * (Bonferroni: each at 1 − (1 − level)/k; valid whatever their dependence).
 *
 * @example
 * ```ts
 * bonferroniLevel(0.95, 14); // 0.99642…
 * ```
 */
export function bonferroniLevel(level: number, comparisons: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  return 1 - (1 - level) / Math.max(1, comparisons);
}

/** A number with 3 significant digits for the one-line reasons. */
function short(x: number): string {
  return String(Number(x.toPrecision(3)));
}

function logs(values: ArrayLike<number>, cache?: WeakMap<object, Float64Array>): Float64Array {
  const known = cache?.get(values);
  if (known) return known;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.log(values[i]);
  cache?.set(values, out);
  return out;
}

function nonPositive(values: ArrayLike<number>): { count: number; smallest: number } {
  let count = 0;
  let smallest = Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] <= 0) {
      count++;
      if (values[i] < smallest) smallest = values[i];
    }
  }
  return { count, smallest };
}

/** Mean and sample variance in two passes (logs have no large common offset to cancel). */
function meanAndVariance(xs: Float64Array): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i];
  const mean = sum / xs.length;
  let m2 = 0;
  for (let i = 0; i < xs.length; i++) {
    const delta = xs[i] - mean;
    m2 += delta * delta;
  }
  return { mean, variance: m2 / (xs.length - 1) };
}

interface LogInterval {
  kind: IntervalKind;
  estimate: number;
  low: number;
  high: number;
  level: number;
  method: string;
}

/**
 * Welch's t interval of mean(ln a) − mean(ln b) (Welch 1947, Satterthwaite df): exp of it is an
 * interval of the ratio of geometric means. Null when neither side varies.
 */
function welchLogInterval(la: Float64Array, lb: Float64Array, level: number): LogInterval | null {
  const a = meanAndVariance(la);
  const b = meanAndVariance(lb);
  const va = a.variance / la.length;
  const vb = b.variance / lb.length;
  const se2 = va + vb;
  if (!(se2 > 0)) return null;
  const df = (se2 * se2) / ((va * va) / (la.length - 1) + (vb * vb) / (lb.length - 1));
  const q = studentTQuantile(1 - (1 - level) / 2, df);
  const d = a.mean - b.mean;
  const half = q * Math.sqrt(se2);
  return {
    kind: "welch-log",
    estimate: d,
    low: d - half,
    high: d + half,
    level,
    method: `Welch's t on ln values (ratio of geometric means), df ${df.toFixed(1)}; ` +
      "assumes roughly log-normal values",
  };
}

function hasTies(sorted: Float64Array): boolean {
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return true;
  return false;
}

/**
 * The distribution-free interval of the shift ln a − ln b from the Mann–Whitney test
 * (Lehmann 1975, §2.6; Bauer 1972): order statistics c and mn + 1 − c of the m·n differences,
 * c the largest with P(U ≤ c − 1) ≤ (1 − level)/2 under the exact null distribution, so the
 * achieved coverage 1 − 2·P(U ≤ c − 1) is at least `level`. Centre: the Hodges–Lehmann
 * estimate. Null when the sizes cannot reach `level`.
 */
function rankLogInterval(la: Float64Array, lb: Float64Array, level: number): LogInterval | null {
  const m = la.length;
  const n = lb.length;
  const cdf = mannWhitneyExactCdf(m, n);
  const tail = (1 - level) / 2;
  let c = 0;
  while (c < cdf.length && cdf[c] <= tail) c++;
  // Now cdf[c − 1] ≤ tail < cdf[c]: the interval uses order statistics c and mn + 1 − c.
  if (c === 0) return null;
  const diffs = new Float64Array(m * n);
  let k = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) diffs[k++] = la[i] - lb[j];
  diffs.sort();
  const mn = m * n;
  const centre = mn % 2 === 1 ? diffs[(mn - 1) / 2] : (diffs[mn / 2 - 1] + diffs[mn / 2]) / 2;
  const ties = hasTies(Float64Array.from([...la, ...lb]).sort());
  return {
    kind: "rank-log",
    estimate: centre,
    low: diffs[c - 1],
    high: diffs[mn - c],
    level: 1 - 2 * cdf[c - 1],
    method: `rank-based interval of the ratio (Mann–Whitney inversion on ln values, ` +
      `differences ${c} and ${mn + 1 - c} of ${mn}; Hodges–Lehmann centre)` +
      (ties ? "; ties among the values make the stated level approximate" : ""),
  };
}

/**
 * Where an interval [low, high] of a ratio lies against the margin δ: entirely beyond 1 ± δ (on
 * either side), or entirely inside [1/(1 + δ), 1 + δ].
 */
export function marginPosition(
  low: number,
  high: number,
  margin: number,
): { beyondMargin: boolean; withinMargin: boolean } {
  const upper = 1 + margin;
  const lower = 1 / upper;
  return { beyondMargin: low > upper || high < lower, withinMargin: low >= lower && high <= upper };
}

/**
 * Decides whether a runtime is better than, worse than or equivalent to the baseline on one
 * metric, or that the data cannot tell. Ratio = runtime ÷ baseline, on log values because
 * performance data are ratio-scale. The interval's method fits n: with at least
 * {@link RANK_INTERVAL_MIN_N} and at most {@link RANK_INTERVAL_MAX_N} samples on each side,
 * the exact rank-based (Mann–Whitney) interval, whose achieved level is computed exactly;
 * otherwise Welch's t on ln values (for small n it assumes roughly log-normal values, for
 * large n the central limit theorem carries it). Verdicts: `better`/`worse` when the interval
 * at `level` lies entirely on one side of 1 (`beyondMargin` when entirely beyond 1 ± δ);
 * otherwise `equivalent` when the interval at level 2·`level` − 1 lies inside [1/(1+δ), 1+δ] —
 * the two one-sided tests of equivalence (Schuirmann 1987), each at the error rate 1 − `level`
 * that a difference is decided at, so a false `equivalent` (a true ratio beyond the margin) is
 * as rare as a false `better` or `worse`; else `undetermined`. Fewer than 2 samples on a side,
 * values ≤ 0 (no logarithm) or no spread on either side give `undetermined` with the reason.
 *
 * @example
 * ```ts
 * const v = decideVerdict([1000, 1010, 990], [41000, 45000, 43000], {
 *   direction: "lower", margin: 0.05, level: 0.95,
 * });
 * v.verdict; // "worse"
 * ```
 */
export function decideVerdict(
  baselineValues: ArrayLike<number>,
  runtimeValues: ArrayLike<number>,
  options: VerdictOptions,
): VerdictResult {
  const { direction, margin, level } = options;
  if (direction !== "higher" && direction !== "lower") {
    throw new RangeError(`decideVerdict: direction must be "higher" or "lower", got ${direction}`);
  }
  if (!(margin > 0 && Number.isFinite(margin))) {
    throw new RangeError(`decideVerdict: margin must be a positive fraction, got ${margin}`);
  }
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`decideVerdict: level must be in (0, 1), got ${level}`);
  }
  for (const [side, xs] of [["baseline", baselineValues], ["runtime", runtimeValues]] as const) {
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i])) {
        throw new RangeError(
          `decideVerdict: ${side} value [${i}] is ${xs[i]}; give finite numbers`,
        );
      }
    }
  }
  const n = runtimeValues.length;
  const baselineN = baselineValues.length;
  const none = (method: string, reason: string): VerdictResult => ({
    ratio: null,
    low: null,
    high: null,
    level: null,
    method,
    intervalKind: null,
    verdict: "undetermined",
    beyondMargin: false,
    withinMargin: false,
    n,
    baselineN,
    reason,
  });
  if (n < 2 || baselineN < 2) {
    return none(
      "none",
      `${n} runtime and ${baselineN} baseline samples: an interval needs at least 2 on each side`,
    );
  }
  const runtimeBad = nonPositive(runtimeValues);
  const baselineBad = nonPositive(baselineValues);
  if (runtimeBad.count + baselineBad.count > 0) {
    const sides = [runtimeBad.count > 0 ? "runtime" : "", baselineBad.count > 0 ? "baseline" : ""]
      .filter((x) => x !== "").join(" and ");
    return none(
      "none",
      `${runtimeBad.count + baselineBad.count} value(s) ≤ 0 on the ${sides} side (smallest ` +
        `${
          short(Math.min(runtimeBad.smallest, baselineBad.smallest))
        }) have no logarithm: no ratio ` +
        "interval, nothing decided",
    );
  }
  const la = logs(runtimeValues, options.logCache);
  const lb = logs(baselineValues, options.logCache);
  const useRanks = Math.min(n, baselineN) >= RANK_INTERVAL_MIN_N &&
    Math.max(n, baselineN) <= RANK_INTERVAL_MAX_N;
  const intervalAt = (at: number) =>
    (useRanks ? rankLogInterval(la, lb, at) : null) ?? welchLogInterval(la, lb, at);
  let interval = intervalAt(level);
  if (interval === null) {
    return none(
      "none",
      "neither side varies (every value repeats): no interval, nothing decided",
    );
  }
  let tost = false;
  if (interval.low <= 0 && interval.high >= 0 && options.equivalence !== false && level > 0.5) {
    // Across 1: equivalence is decided by two one-sided tests, each at the error rate 1 − level,
    // whose joint statement is the interval at level 2·level − 1 (Schuirmann 1987).
    const narrower = intervalAt(2 * level - 1);
    if (
      narrower !== null &&
      marginPosition(Math.exp(narrower.low), Math.exp(narrower.high), margin).withinMargin
    ) {
      interval = narrower;
      tost = true;
    }
  }
  const ratio = Math.exp(interval.estimate);
  const low = Math.exp(interval.low);
  const high = Math.exp(interval.high);
  const upper = 1 + margin;
  const lower = 1 / upper;
  const pct = `±${short(margin * 100)} %`;
  const shown = `ratio ${short(ratio)} [${short(low)}, ${short(high)}]`;

  let verdict: VerdictKind;
  let beyondMargin = false;
  const position = marginPosition(low, high, margin);
  const withinMargin = position.withinMargin;
  let reason: string;
  if (!tost && (low > 1 || high < 1)) {
    const above = low > 1;
    verdict = above === (direction === "higher") ? "better" : "worse";
    beyondMargin = position.beyondMargin;
    reason = `${shown} (${direction} is better) lies entirely ${above ? "above" : "below"} 1` +
      (beyondMargin
        ? ` and beyond the ${pct} margin`
        : `, though not entirely beyond the ${pct} margin: a decided difference that may be small`);
  } else if (withinMargin) {
    verdict = "equivalent";
    reason = `${shown} lies within the ${pct} margin [${short(lower)}, ${short(upper)}]` +
      (tost ? ` (two one-sided tests at ${short((1 - level) * 100)} % each)` : "");
  } else {
    verdict = "undetermined";
    reason = `${shown} includes 1 and reaches beyond the ${pct} margin: ` +
      "more samples are needed to decide";
  }
  return {
    ratio,
    low,
    high,
    level: interval.level,
    method: tost
      ? `${interval.method}; equivalence by two one-sided tests, each at ${
        short((1 - level) * 100)
      } %: the interval at ${short((2 * level - 1) * 100)} % lies within the margin`
      : interval.method,
    intervalKind: interval.kind,
    verdict,
    beyondMargin,
    withinMargin,
    n,
    baselineN,
    reason,
  };
}
