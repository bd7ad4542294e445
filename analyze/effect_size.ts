/**
 * Effect sizes between two samples: Cliff's delta and the Hodges–Lehmann shift.
 *
 * @module
 */
import { select } from "./_select.ts";

/**
 * Cliff's delta (Cliff 1993): P(a > b) − P(a < b) in [−1, 1], from the Mann–Whitney U of a
 * (pairs a > b plus half the ties): δ = 2U ÷ (mn) − 1.
 */
export function cliffsDeltaFromU(u: number, sizes: { m: number; n: number }): number {
  return (2 * u) / (sizes.m * sizes.n) - 1;
}

/** Candidates left below which the selection gathers them and finishes by quickselect. */
const GATHER_AT = 4096;
/** Candidates drawn per round to place the two pivots that bracket the one sought. */
const PIVOT_SAMPLE = 512;

function ascending(values: ArrayLike<number>): Float64Array {
  let sorted = true;
  for (let i = 1; i < values.length && sorted; i++) sorted = values[i - 1] <= values[i];
  if (sorted && values instanceof Float64Array) return values;
  const out = Float64Array.from(values);
  if (!sorted) out.sort();
  return out;
}

/**
 * The differences a[i] − b[n − 1 − c] form a matrix (row i, column c) sorted along rows and
 * columns (rounding of a subtraction is monotone, so the computed differences keep that order).
 * Each row's candidates are columns lo[i] … hi[i] − 1. The buffers below serve every call (an
 * analysis computes tens of thousands of estimates; allocating them each time cost more than
 * the selection itself at small sizes) and grow to the largest sizes seen.
 */
let rowsHeld = 0;
let columnsHeld = 0;
/** b reversed: row i, column c holds a[i] − rb[c]. */
let rb = new Float64Array(0);
let lo = new Int32Array(0);
let hi = new Int32Array(0);
let lowBelow = new Int32Array(0);
let lowUpTo = new Int32Array(0);
let highBelow = new Int32Array(0);
let highUpTo = new Int32Array(0);
const sample = new Float64Array(PIVOT_SAMPLE);
const gathered = new Float64Array(GATHER_AT);
/** Totals of the last {@link countAround}: differences below the pivot, and at or below it. */
let countBelow = 0;
let countUpTo = 0;
/** The answer of the last {@link selectDifferences}: the k-th and (k + 1)-th smallest. */
let kthSmallest = 0;
let nextSmallest = 0;

function reserve(m: number, n: number): void {
  if (m > rowsHeld) {
    rowsHeld = Math.max(m, 2 * rowsHeld);
    lo = new Int32Array(rowsHeld);
    hi = new Int32Array(rowsHeld);
    lowBelow = new Int32Array(rowsHeld);
    lowUpTo = new Int32Array(rowsHeld);
    highBelow = new Int32Array(rowsHeld);
    highUpTo = new Int32Array(rowsHeld);
  }
  if (n > columnsHeld) {
    columnsHeld = Math.max(n, 2 * columnsHeld);
    rb = new Float64Array(columnsHeld);
  }
}

/**
 * Counts differences < pivot and ≤ pivot in each of the m rows into `below` and `upTo`,
 * walking the staircase from the last row up (as the row falls, the counts can only grow):
 * O(m + n). Sets the totals in countBelow and countUpTo. Every count lies within its row's
 * candidates.
 */
function countAround(
  a: Float64Array,
  pivot: number,
  below: Int32Array,
  upTo: Int32Array,
): void {
  let totalBelow = 0;
  let totalUpTo = 0;
  let cb = 0;
  let cu = 0;
  for (let i = a.length - 1; i >= 0; i--) {
    const ai = a[i];
    const end = hi[i];
    if (cb < lo[i]) cb = lo[i];
    while (cb < end && ai - rb[cb] < pivot) cb++;
    if (cu < cb) cu = cb;
    while (cu < end && ai - rb[cu] <= pivot) cu++;
    below[i] = cb;
    upTo[i] = cu;
    totalBelow += cb;
    totalUpTo += cu;
  }
  countBelow = totalBelow;
  countUpTo = totalUpTo;
}

/** The smallest difference at or right of column from[i] in any row (Infinity when none). */
function smallestFrom(a: Float64Array, n: number, from: Int32Array): number {
  let out = Infinity;
  for (let i = 0; i < a.length; i++) {
    if (from[i] < n) {
      const v = a[i] - rb[from[i]];
      if (v < out) out = v;
    }
  }
  return out;
}

/** The answer when the k-th smallest equals the pivot, `total` differences being ≤ it. */
function foundAt(
  a: Float64Array,
  n: number,
  k: number,
  pivot: number,
  upTo: Int32Array,
  total: number,
): void {
  kthSmallest = pivot;
  // The next is the pivot again or the smallest difference above it.
  const next = k + 1 < total ? pivot : smallestFrom(a, n, upTo);
  nextSmallest = next === Infinity ? pivot : next;
}

/**
 * The k-th smallest (0-based) and the (k + 1)-th smallest of the m·n differences aᵢ − bⱼ of
 * ascending `a` and `b`, without forming them, into kthSmallest and nextSmallest. The
 * differences form a matrix sorted along its rows and columns (Johnson & Mizoguchi 1978;
 * Monahan 1984, ACM TOMS Algorithm 616): each round draws a stratified sample of the candidates
 * left, takes two pivots of it that bracket the sought rank (Floyd & Rivest 1975), counts the
 * differences below and at each along the matrix's staircase in O(m + n), and keeps only the
 * candidates between them. O((m + n) log(mn)) time, O(m + n) memory; exact whatever the
 * pivots, which a fixed-seed generator draws.
 */
function selectDifferences(a: Float64Array, b: Float64Array, k: number): void {
  const m = a.length;
  const n = b.length;
  reserve(m, n);
  for (let c = 0; c < n; c++) rb[c] = b[n - 1 - c];
  lo.fill(0, 0, m);
  hi.fill(n, 0, m);
  let state = 0x2545f491;
  let before = 0; // differences left of every row's candidates, all ranked before the answer
  let left = m * n; // candidates
  for (;;) {
    if (left <= GATHER_AT) {
      let g = 0;
      for (let i = 0; i < m; i++) {
        const ai = a[i];
        for (let c = lo[i]; c < hi[i]; c++) gathered[g++] = ai - rb[c];
      }
      const kth = select(gathered, k - before, left);
      // select() leaves what follows the k-th at or above it; past the candidates, the rest of
      // each row lies above an earlier pivot, so above every candidate.
      let next = Infinity;
      for (let j = k - before + 1; j < left; j++) if (gathered[j] < next) next = gathered[j];
      if (next === Infinity) next = smallestFrom(a, n, hi);
      kthSmallest = kth;
      nextSmallest = next === Infinity ? kth : next;
      return;
    }
    // A stratified sample: one candidate drawn from each of PIVOT_SAMPLE equal slices of the
    // candidates, in order, so that one walk down the rows finds them all.
    let row = 0;
    let rowStart = 0; // candidates in the rows before `row`
    for (let t = 0; t < PIVOT_SAMPLE; t++) {
      // xorshift32: only places pivots, never changes the result.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const r = Math.floor(((t + (state >>> 0) / 4294967296) * left) / PIVOT_SAMPLE);
      while (r >= rowStart + hi[row] - lo[row]) {
        rowStart += hi[row] - lo[row];
        row++;
      }
      sample[t] = a[row] - rb[lo[row] + r - rowStart];
    }
    // The sought candidate's place in the sample, widened by 0.8 binomial standard errors either
    // side (a stratified sample's quantiles vary less than that; a miss costs a round, no more:
    // 0.8 took fewest rounds in all, by measurement, from 0.5 to 1.5);
    // the two pivots are order statistics of the sample (quickselect, no sort).
    const place = ((k - before + 0.5) / left) * PIVOT_SAMPLE;
    const spread = 0.8 * Math.sqrt(PIVOT_SAMPLE);
    const lowAt = Math.max(0, Math.floor(place - spread));
    const pivotLow = select(sample, lowAt, PIVOT_SAMPLE);
    // select() left every value from lowAt on at or above pivotLow: the high pivot is there.
    const highAt = Math.min(PIVOT_SAMPLE - 1, Math.ceil(place + spread));
    const pivotHigh = select(sample, highAt, PIVOT_SAMPLE, lowAt);
    countAround(a, pivotLow, lowBelow, lowUpTo);
    const lowCountBelow = countBelow;
    const lowCountUpTo = countUpTo;
    if (k < lowCountBelow) {
      hi.set(lowBelow.subarray(0, m));
    } else if (k < lowCountUpTo) {
      return foundAt(a, n, k, pivotLow, lowUpTo, lowCountUpTo);
    } else {
      countAround(a, pivotHigh, highBelow, highUpTo);
      if (k >= countBelow && k < countUpTo) {
        return foundAt(a, n, k, pivotHigh, highUpTo, countUpTo);
      }
      if (k < countBelow) {
        lo.set(lowUpTo.subarray(0, m));
        hi.set(highBelow.subarray(0, m));
      } else lo.set(highUpTo.subarray(0, m));
    }
    before = 0;
    left = 0;
    for (let i = 0; i < m; i++) {
      before += lo[i];
      left += hi[i] - lo[i];
    }
  }
}

/**
 * The Hodges–Lehmann estimate of the shift a − b (Hodges & Lehmann 1963): the median of all m·n
 * differences aᵢ − bⱼ (the mean of the two middle ones for even m·n), exact for any sizes in
 * O((m + n) log(mn)) expected time and O(m + n) memory, without forming the differences
 * (Monahan 1984). `a` and `b` may come in any order. NaN for an empty side.
 *
 * @example
 * ```ts
 * hodgesLehmannShift([5, 6, 7], [1, 2]); // 4.5
 * ```
 */
export function hodgesLehmannShift(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return NaN;
  const total = m * n;
  selectDifferences(ascending(a), ascending(b), (total - 1) >>> 1);
  return total % 2 === 1 ? kthSmallest : (kthSmallest + nextSmallest) / 2;
}
