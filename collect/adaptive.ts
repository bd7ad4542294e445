/**
 * Adaptive repetitions (`--target-ci`): keep measuring a (runtime, benchmark) until the 95 %
 * confidence interval of the mean of each of its metrics is narrow enough, or a budget runs out.
 *
 * The interval is Student's t interval of the mean: half-width = t(0.975, n − 1) · s / √n, with s
 * the sample standard deviation; it is compared with the target as a percentage of |mean|.
 *
 * @module
 */

/** Default target half-width of the 95 % CI, in percent of the mean. */
export const DEFAULT_TARGET_CI_PERCENT = 5;
/** Default cap on measured repetitions per (runtime, benchmark) in adaptive mode. */
export const DEFAULT_MAX_RUNS = 30;
/** Default cap on measuring time per (runtime, benchmark) in adaptive mode, in seconds. */
export const DEFAULT_MAX_TIME_S = 600;
/** Measured repetitions always made before the interval is looked at. */
export const MIN_ADAPTIVE_RUNS = 3;

// t(0.975, df) for df = 1..30 (two-sided 95 %), from the Student t distribution.
const T_975 = [
  12.706,
  4.303,
  3.182,
  2.776,
  2.571,
  2.447,
  2.365,
  2.306,
  2.262,
  2.228,
  2.201,
  2.179,
  2.16,
  2.145,
  2.131,
  2.12,
  2.11,
  2.101,
  2.093,
  2.086,
  2.08,
  2.074,
  2.069,
  2.064,
  2.06,
  2.056,
  2.052,
  2.048,
  2.045,
  2.042,
];

/**
 * The 0.975 quantile of Student's t with `df` degrees of freedom: tabulated up to 30, then the
 * Cornish–Fisher expansion around the normal quantile 1.95996 (error < 0.001 there).
 */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) {
    throw new RangeError(`degrees of freedom must be a positive integer, got ${df}`);
  }
  if (df <= T_975.length) return T_975[df - 1];
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/**
 * Half-width of the 95 % t interval of the mean of `values`, in percent of |mean|.
 * Infinity with fewer than two values or a zero mean.
 *
 * @example
 * ```ts
 * ciHalfWidthPercent([10, 11, 9, 10]); // ≈ 13 (mean 10, s ≈ 0.82, t(3) = 3.182)
 * ```
 */
export function ciHalfWidthPercent(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return Infinity;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (mean === 0) return Infinity;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return tQuantile975(n - 1) * Math.sqrt(variance / n) / Math.abs(mean) * 100;
}

/** The budget of adaptive repetitions. */
export interface AdaptiveTarget {
  /** Target half-width of the 95 % CI, in percent of the mean. */
  targetCiPercent: number;
  /** Stop after this many measured repetitions. */
  maxRuns: number;
  /** Stop once the measured repetitions have taken this long in total, in seconds. */
  maxTimeS: number;
}

/** Where a (runtime, benchmark) stands. */
export interface AdaptiveState {
  /** Measured (non-warm-up) repetitions made so far, failed ones included. */
  runs: number;
  /** Their total wall time, in seconds. */
  elapsedS: number;
  /** Values of each metric from the successful measured repetitions. */
  valuesByMetric: ReadonlyMap<string, readonly number[]>;
}

/** Whether to measure a (runtime, benchmark) again, and why not. */
export interface AdaptiveDecision {
  more: boolean;
  /** Why it stopped: the target was met, or a budget ran out. */
  reason?: "converged" | "max-runs" | "max-time";
  /** The widest CI half-width over its metrics, in percent (Infinity when unknown). */
  worstCiPercent: number;
  /** The metric with the widest interval. */
  worstMetric?: string;
}

/**
 * Decides whether a (runtime, benchmark) needs another repetition: yes until at least
 * {@link MIN_ADAPTIVE_RUNS} runs and every metric's CI half-width is at most the target, unless
 * `maxRuns` or `maxTimeS` is reached.
 */
export function decideAdaptive(state: AdaptiveState, target: AdaptiveTarget): AdaptiveDecision {
  let worstCiPercent = Infinity;
  let worstMetric: string | undefined;
  for (const [metric, values] of state.valuesByMetric) {
    const ci = ciHalfWidthPercent(values);
    if (worstMetric === undefined || ci > worstCiPercent) {
      worstCiPercent = ci;
      worstMetric = metric;
    }
  }
  const minRuns = Math.min(MIN_ADAPTIVE_RUNS, target.maxRuns);
  if (state.runs >= minRuns && worstCiPercent <= target.targetCiPercent) {
    return { more: false, reason: "converged", worstCiPercent, worstMetric };
  }
  if (state.runs >= target.maxRuns) {
    return { more: false, reason: "max-runs", worstCiPercent, worstMetric };
  }
  if (state.elapsedS >= target.maxTimeS) {
    return { more: false, reason: "max-time", worstCiPercent, worstMetric };
  }
  return { more: true, worstCiPercent, worstMetric };
}
