/**
 * Flags outliers by two rules; flagged values are reported, never dropped.
 *
 * @module
 */
import { medianAbsoluteDeviation, medianSorted, quantileSorted } from "./summarize_values.ts";

/** The MAD rule's threshold on |x − median| ÷ MAD (Iglewicz & Hoaglin 1993 use 3.5). */
export const MAD_OUTLIER_THRESHOLD = 3.5;
/** Tukey's fence multiplier of the interquartile range (Tukey 1977). */
export const TUKEY_FENCE_IQR = 1.5;

/** Which rules flag one value. */
export interface OutlierFlags {
  /** Index into the `values` passed in. */
  index: number;
  tukey: boolean;
  mad: boolean;
}

/**
 * Flags values outside Tukey's fences [Q1 − 1.5 IQR, Q3 + 1.5 IQR] (Tukey 1977, quartiles by
 * linear interpolation, Hyndman & Fan type 7) or whose modified z-score |x − median| ÷ MAD exceeds
 * 3.5 (MAD scaled by 1.4826; Iglewicz & Hoaglin 1993). `sortedValues`, when given, must be the
 * same values in ascending order (saves a sort). Needs n ≥ 4; returns [] below. A zero MAD
 * (over half the values equal) disables the MAD rule rather than flagging every other value.
 */
export function detectOutliers(
  values: ArrayLike<number>,
  sortedValues?: Float64Array,
): OutlierFlags[] {
  const n = values.length;
  if (n < 4) return [];
  const sorted = sortedValues ?? Float64Array.from(values).sort();
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const iqr = q3 - q1;
  const lowFence = q1 - TUKEY_FENCE_IQR * iqr;
  const highFence = q3 + TUKEY_FENCE_IQR * iqr;
  const med = medianSorted(sorted);
  const mad = medianAbsoluteDeviation(sorted);
  const flags: OutlierFlags[] = [];
  for (let i = 0; i < n; i++) {
    const x = values[i];
    const tukey = x < lowFence || x > highFence;
    const madFlag = mad > 0 && Math.abs(x - med) / mad > MAD_OUTLIER_THRESHOLD;
    if (tukey || madFlag) flags.push({ index: i, tukey, mad: madFlag });
  }
  return flags;
}
