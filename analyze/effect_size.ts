/**
 * Effect sizes between two samples: Cliff's delta and the Hodges–Lehmann shift.
 *
 * @module
 */
import type { Random } from "./random.ts";
import { medianInPlace } from "./_select.ts";

/** Largest m·n for which the Hodges–Lehmann shift uses every pair; above, subsamples. */
export const HODGES_LEHMANN_MAX_PAIRS = 90_000;
/** Values drawn per side when the pairs are too many. */
export const HODGES_LEHMANN_SUBSAMPLE = 300;

/**
 * Cliff's delta (Cliff 1993): P(a > b) − P(a < b) in [−1, 1], from the Mann–Whitney U of a
 * (pairs a > b plus half the ties): δ = 2U ÷ (mn) − 1.
 */
export function cliffsDeltaFromU(u: number, sizes: { m: number; n: number }): number {
  return (2 * u) / (sizes.m * sizes.n) - 1;
}

/** The result of {@link hodgesLehmannShift}. */
export interface ShiftEstimate {
  shift: number;
  /** True when computed on seeded subsamples because m·n exceeded the pair limit. */
  subsampled: boolean;
}

/**
 * The Hodges–Lehmann estimate of the shift a − b (Hodges & Lehmann 1963): the median of all m·n
 * differences aᵢ − bⱼ (found by quickselect). Above 90 000 pairs, the median of the differences
 * between 300 values
 * drawn (with replacement, from `options.random`) from each side, and says so.
 */
export function hodgesLehmannShift(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: { random: Random },
): ShiftEstimate {
  const { random } = options;
  let xs = a;
  let ys = b;
  let subsampled = false;
  if (a.length * b.length > HODGES_LEHMANN_MAX_PAIRS) {
    xs = draw(a, random);
    ys = draw(b, random);
    subsampled = true;
  }
  const diffs = new Float64Array(xs.length * ys.length);
  let k = 0;
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < ys.length; j++) diffs[k++] = xs[i] - ys[j];
  }
  return { shift: medianInPlace(diffs, diffs.length), subsampled };
}

function draw(values: ArrayLike<number>, random: Random): Float64Array {
  const size = Math.min(values.length, HODGES_LEHMANN_SUBSAMPLE);
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = values[Math.floor(random() * values.length)];
  return out;
}
