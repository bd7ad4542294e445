/**
 * The exact distribution-free interval of a median from order statistics, with the coverage it
 * achieves rather than the one asked for.
 *
 * @module
 */

/** An order-statistic interval of the median and what it achieves. */
export interface MedianInterval {
  low: number;
  high: number;
  /** Achieved coverage 1 − 2·P(B ≤ j − 1), B ~ Binomial(n, ½); e.g. 0.75 for [min, max] at n = 3. */
  level: number;
  /** The coverage asked for. */
  requestedLevel: number;
  /** False when even [min, max] covers less than asked (n below {@link smallestNForLevel}). */
  reachesLevel: boolean;
  /** 1-based ranks of the ends: j and n + 1 − j. */
  ranks: [number, number];
  method: string;
}

/** P(B ≤ k) for B ~ Binomial(n, ½), k = 0…⌊n/2⌋, by summing C(n, i) / 2ⁿ in log space. */
function binomialHalfCdf(n: number, kMax: number): Float64Array {
  const out = new Float64Array(kMax + 1);
  let logC = 0; // ln C(n, 0)
  let sum = 0;
  for (let i = 0; i <= kMax; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    sum += Math.exp(logC - n * Math.LN2);
    out[i] = sum;
  }
  return out;
}

/** Coverage of [x₍ⱼ₎, x₍ₙ₊₁₋ⱼ₎] for the median of n values: 1 − 2·P(Binomial(n, ½) ≤ j − 1). */
export function orderStatisticCoverage(n: number, j: number): number {
  if (!(Number.isInteger(n) && Number.isInteger(j) && j >= 1 && 2 * j <= n + 1)) {
    throw new RangeError(`orderStatisticCoverage: need integers 1 ≤ j ≤ (n + 1)/2, got ${n}, ${j}`);
  }
  return Math.max(0, 1 - 2 * binomialHalfCdf(n, j - 1)[j - 1]);
}

/**
 * The smallest n for which [min, max] covers the median with at least `level`
 * (1 − 2⁽¹⁻ⁿ⁾ ≥ level): 6 for 0.95, 8 for 0.99.
 */
export function smallestNForLevel(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  let n = 2;
  while (1 - 2 ** (1 - n) < level) n++;
  return n;
}

/**
 * The distribution-free interval [x₍ⱼ₎, x₍ₙ₊₁₋ⱼ₎] of the median of ascending `sorted` values
 * (Thompson 1936; Conover 1999, §3.2), j the largest rank whose exact binomial coverage is at
 * least `level`. Below {@link smallestNForLevel} no j reaches it: the interval is then
 * [min, max] with its true, lower coverage and `reachesLevel: false`. Null for n < 2.
 *
 * @example
 * ```ts
 * medianOrderInterval(Float64Array.of(1, 2, 3), 0.95)!.level; // 0.75
 * ```
 */
export function medianOrderInterval(sorted: Float64Array, level: number): MedianInterval | null {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const n = sorted.length;
  if (n < 2) return null;
  const half = Math.floor((n + 1) / 2);
  const cdf = binomialHalfCdf(n, half - 1);
  // Largest j with 1 − 2·cdf[j − 1] ≥ level; coverage falls as j grows.
  let j = 1;
  while (j < half && 1 - 2 * cdf[j] >= level) j++;
  const achieved = Math.max(0, 1 - 2 * cdf[j - 1]);
  const reaches = achieved >= level;
  return {
    low: sorted[j - 1],
    high: sorted[n - j],
    level: achieved,
    requestedLevel: level,
    reachesLevel: reaches,
    ranks: [j, n + 1 - j],
    method: `order statistics ${j} and ${n + 1 - j} of ${n} (exact binomial coverage ` +
      `${(achieved * 100).toFixed(1)} %` +
      (reaches
        ? ")"
        : `, below the ${level * 100} % asked: that needs n ≥ ${smallestNForLevel(level)})`),
  };
}
