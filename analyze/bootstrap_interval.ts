/**
 * Confidence intervals of a median and of a ratio of medians: the percentile bootstrap (Efron
 * 1979; Efron & Tibshirani 1993, ch. 13) for small n, and distribution-free or delta-method
 * intervals for larger n, where they reach their level without resampling.
 *
 * @module
 */
import { normalQuantile } from "./_distributions.ts";
import type { Random } from "./random.ts";
import { medianSorted } from "./summarize_values.ts";
import { medianInPlace } from "./_select.ts";

/** Largest n for which the median's interval is bootstrapped; above it, order statistics. */
export const BOOTSTRAP_MAX_N = 2000;
/**
 * Fewest values on each side for which a ratio of medians gets the closed-form interval
 * (delta method, standard errors from order statistics) instead of the bootstrap. From 50 values
 * a side it reaches its nominal 95 % in simulation (log-normal σ 0.1 and 0.5, shifted
 * exponential, uniform; `ratio_interval_test.ts`), as the bootstrap does, at no resampling cost.
 */
export const RATIO_CLOSED_FORM_MIN_N = 50;
/** Resampled values per interval: resamples = clamp(budget ÷ n, 200, maxResamples). */
export const BOOTSTRAP_DRAW_BUDGET = 400_000;
/** Fewest resamples the bootstrap ever uses. */
export const BOOTSTRAP_MIN_RESAMPLES = 200;

/** An interval and how it was obtained. */
export interface IntervalEstimate {
  low: number;
  high: number;
  level: number;
  method: string;
}

/** Options of the interval functions. */
export interface IntervalOptions {
  /** Coverage, e.g. 0.95. */
  level: number;
  random: Random;
  /** Upper limit of resamples (default 2000). */
  maxResamples?: number;
  /** Seed recorded in the method text. */
  seed?: number;
  /**
   * Resampled medians already drawn for a sorted sample (keyed by the array itself), so that
   * the ratio intervals of a metric reuse the bootstrap distributions of its median intervals
   * instead of resampling every sample again.
   */
  cache?: BootstrapCache;
}

/** Bootstrap distributions of medians (sorted), keyed by the sorted sample they came from. */
export type BootstrapCache = WeakMap<Float64Array, Float64Array>;

function bootstrapMedians(sorted: Float64Array, options: IntervalOptions): Float64Array {
  const cached = options.cache?.get(sorted);
  if (cached) return cached;
  const medians = resampledMedians(
    sorted,
    bootstrapResamplesFor(sorted.length, options.maxResamples),
    options.random,
  );
  options.cache?.set(sorted, medians);
  return medians;
}

/** Resamples used for `n` values: clamp(400 000 ÷ n, 200, max), so cost stays linear in n. */
export function bootstrapResamplesFor(n: number, maxResamples = 2000): number {
  const byBudget = Math.floor(BOOTSTRAP_DRAW_BUDGET / Math.max(1, n));
  return Math.max(
    Math.min(BOOTSTRAP_MIN_RESAMPLES, maxResamples),
    Math.min(maxResamples, byBudget),
  );
}

function resampledMedians(
  sorted: Float64Array,
  resamples: number,
  random: Random,
): Float64Array {
  const n = sorted.length;
  const buffer = new Float64Array(n);
  const medians = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) buffer[i] = sorted[Math.floor(random() * n)];
    medians[b] = medianInPlace(buffer, n);
  }
  return medians.sort();
}

function percentile(sortedStats: Float64Array, p: number): number {
  // Percentile interval endpoints as order statistics of the bootstrap distribution.
  const h = (sortedStats.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sortedStats.length - 1, lo + 1);
  return sortedStats[lo] + (h - lo) * (sortedStats[hi] - sortedStats[lo]);
}

/**
 * Distribution-free interval of the median from order statistics: ranks n/2 ∓ z·√n/2 of the
 * sorted values (normal approximation to Binomial(n, ½); Conover 1999, §3.2). Valid for large n.
 */
export function orderStatisticMedianInterval(
  sorted: Float64Array,
  level: number,
): IntervalEstimate {
  const n = sorted.length;
  const z = normalQuantile(1 - (1 - level) / 2);
  const j = Math.max(1, Math.floor(n / 2 - (z * Math.sqrt(n)) / 2));
  const k = Math.min(n, Math.ceil(1 + n / 2 + (z * Math.sqrt(n)) / 2));
  return {
    low: sorted[j - 1],
    high: sorted[k - 1],
    level,
    method:
      `distribution-free order-statistic interval of the median (ranks ${j} and ${k} of ${n}; ` +
      `used instead of the bootstrap above n = ${BOOTSTRAP_MAX_N})`,
  };
}

/**
 * A `level` interval of the median of ascending `sorted` values: percentile bootstrap with
 * {@link bootstrapResamplesFor} resamples for n ≤ 2000, the order-statistic interval above.
 * Returns null for n < 2 (no spread to resample).
 */
export function medianInterval(
  sorted: Float64Array,
  options: IntervalOptions,
): IntervalEstimate | null {
  const n = sorted.length;
  if (n < 2) return null;
  if (n > BOOTSTRAP_MAX_N) return orderStatisticMedianInterval(sorted, options.level);
  const medians = bootstrapMedians(sorted, options);
  const resamples = medians.length;
  const alpha = 1 - options.level;
  return {
    low: percentile(medians, alpha / 2),
    high: percentile(medians, 1 - alpha / 2),
    level: options.level,
    method: `percentile bootstrap of the median, ${resamples} resamples` +
      (options.seed === undefined ? "" : `, seed ${options.seed}`),
  };
}

/**
 * A `level` interval of median(a) ÷ median(b) for ascending samples a and b. With at least
 * {@link RATIO_CLOSED_FORM_MIN_N} values on each side, or more than {@link BOOTSTRAP_MAX_N} on
 * one: the delta method on ln(ratio), each median's standard error taken from its
 * order-statistic interval (width ÷ 2z; cf. Price & Bonett 2002). Below:
 * percentile bootstrap, resampling a and b independently (Efron & Tibshirani 1993); each
 * side's bootstrap medians come from `options.cache` when an earlier interval drew them. Null
 * when a side has fewer than 2 values or a median that is zero (no ratio), or when a bootstrap
 * median of b hits zero.
 */
export function ratioOfMediansInterval(
  a: Float64Array,
  b: Float64Array,
  options: IntervalOptions,
): IntervalEstimate | null {
  if (a.length < 2 || b.length < 2) return null;
  const medA = medianSorted(a);
  const medB = medianSorted(b);
  if (medB === 0) return null;
  const closedForm = Math.min(a.length, b.length) >= RATIO_CLOSED_FORM_MIN_N ||
    Math.max(a.length, b.length) > BOOTSTRAP_MAX_N;
  if (!closedForm) {
    const ma = bootstrapMedians(a, options);
    const mb = bootstrapMedians(b, options);
    // Independent draws from the two bootstrap distributions of the medians (each sorted):
    // the same as pairing two independent resamplings in a random order.
    const resamples = Math.max(ma.length, mb.length);
    const ratios = new Float64Array(resamples);
    for (let i = 0; i < resamples; i++) {
      const denominator = mb[Math.floor(options.random() * mb.length)];
      if (denominator === 0) return null;
      ratios[i] = ma[Math.floor(options.random() * ma.length)] / denominator;
    }
    ratios.sort();
    const alpha = 1 - options.level;
    return {
      low: percentile(ratios, alpha / 2),
      high: percentile(ratios, 1 - alpha / 2),
      level: options.level,
      method: `percentile bootstrap of the ratio of medians, ${resamples} resampled ratios` +
        (options.seed === undefined ? "" : `, seed ${options.seed}`),
    };
  }
  if (medA <= 0 || medB <= 0) return null;
  const z = normalQuantile(1 - (1 - options.level) / 2);
  const ia = orderStatisticMedianInterval(a, options.level);
  const ib = orderStatisticMedianInterval(b, options.level);
  const seA = (ia.high - ia.low) / (2 * z);
  const seB = (ib.high - ib.low) / (2 * z);
  const seLog = Math.sqrt((seA / medA) ** 2 + (seB / medB) ** 2);
  const ratio = medA / medB;
  return {
    low: ratio * Math.exp(-z * seLog),
    high: ratio * Math.exp(z * seLog),
    level: options.level,
    method: "delta method on ln(ratio of medians), standard errors from order-statistic " +
      `intervals (used instead of the bootstrap from n = ${RATIO_CLOSED_FORM_MIN_N} a side or ` +
      `above n = ${BOOTSTRAP_MAX_N})`,
  };
}
