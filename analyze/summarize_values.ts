/**
 * Descriptive statistics of one set of values: n, mean, median, standard deviation, coefficient
 * of variation, min, max, quantiles and the median absolute deviation.
 *
 * @module
 */
import { medianInPlace } from "./_select.ts";

/** The descriptive statistics of a set of values; null where n is too small. */
export interface ValueSummary {
  n: number;
  mean: number | null;
  median: number | null;
  /** Sample standard deviation (n − 1 denominator); null for n < 2. */
  sd: number | null;
  /** sd ÷ |mean| as a fraction; null for n < 2 or a zero mean. */
  cv: number | null;
  min: number | null;
  max: number | null;
}

/** Returns a sorted copy of `values` as a Float64Array (ascending). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  out.sort();
  return out;
}

/**
 * The p-quantile of ascending `sorted` values by linear interpolation between order statistics
 * (Hyndman & Fan 1996 definition 7, the default of R and NumPy).
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError("quantileSorted: no values");
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantileSorted: p must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The median of ascending `sorted` values (mean of the two middle ones for even n). */
export function medianSorted(sorted: ArrayLike<number>): number {
  return quantileSorted(sorted, 0.5);
}

/**
 * The median absolute deviation from the median, scaled by 1.4826 so that it estimates σ for
 * normal data (Hampel 1974; Rousseeuw & Croux 1993). `sorted` must be ascending.
 */
export function medianAbsoluteDeviation(sorted: ArrayLike<number>): number {
  const med = medianSorted(sorted);
  const deviations = new Float64Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) deviations[i] = Math.abs(sorted[i] - med);
  return 1.4826 * medianInPlace(deviations, deviations.length);
}

/**
 * Summarises values (any order). The mean and variance use Welford's one-pass update, which
 * stays accurate for values with a large common offset.
 *
 * @example
 * ```ts
 * summarizeValues([1, 2, 3, 4]); // { n: 4, mean: 2.5, median: 2.5, sd: 1.29…, … }
 * ```
 */
export function summarizeValues(values: ArrayLike<number>): ValueSummary {
  const n = values.length;
  if (n === 0) return { n, mean: null, median: null, sd: null, cv: null, min: null, max: null };
  const sorted = values instanceof Float64Array && isAscending(values)
    ? values
    : sortedCopy(values);
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i];
    const delta = x - mean;
    mean += delta / (i + 1);
    m2 += delta * (x - mean);
  }
  const sd = n >= 2 ? Math.sqrt(m2 / (n - 1)) : null;
  const cv = sd !== null && mean !== 0 ? sd / Math.abs(mean) : null;
  return { n, mean, median: medianSorted(sorted), sd, cv, min: sorted[0], max: sorted[n - 1] };
}

function isAscending(values: Float64Array): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] < values[i - 1]) return false;
  return true;
}
