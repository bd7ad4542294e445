/**
 * The Mann–Whitney U test (Mann & Whitney 1947; Wilcoxon rank-sum), two-sided.
 *
 * @module
 */
import { normalSf } from "./_distributions.ts";

/** Largest sample size on either side for which the exact null distribution is used. */
export const MANN_WHITNEY_EXACT_MAX_N = 50;

/** The result of {@link mannWhitneyU}. */
export interface MannWhitneyResult {
  /** U of sample a: pairs with a > b, plus half of the tied pairs. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  method: "exact" | "normal-tie-corrected";
  /** Whether any value occurs in both or in one sample more than once. */
  ties: boolean;
}

/** Options of {@link mannWhitneyU}. */
export interface MannWhitneyOptions {
  /** `auto` (default): exact without ties when both n ≤ 50, else the normal approximation. */
  method?: "auto" | "exact" | "normal";
}

/**
 * Number of arrangements of m a-values and n b-values giving each U = 0…mn (no ties), by the
 * recurrence f(u; i, j) = f(u − j; i − 1, j) + f(u; i, j − 1) (Mann & Whitney 1947, eq. 1).
 */
function exactCounts(m: number, n: number): Float64Array {
  const key = `${m},${n}`;
  const known = EXACT_COUNTS.get(key);
  if (known) return known;
  // rows[i] = f(·; i, j) for the current j.
  const rows: Float64Array[] = [];
  for (let i = 0; i <= m; i++) {
    rows.push(new Float64Array(m * n + 1));
    rows[i][0] = 1; // j = 0: U is 0 in exactly one way
  }
  for (let j = 1; j <= n; j++) {
    for (let i = 1; i <= m; i++) {
      const prev = rows[i - 1];
      const row = rows[i];
      // row currently holds f(·; i, j − 1); add f(u − j; i − 1, j), highest u first.
      for (let u = i * j; u >= j; u--) row[u] += prev[u - j];
    }
  }
  EXACT_COUNTS.set(key, rows[m]);
  return rows[m];
}

// The null distribution depends on m and n only: a metric's comparisons share a few sizes.
const EXACT_COUNTS = new Map<string, Float64Array>();

/**
 * P(U ≤ u) for u = 0…mn under the exact null distribution of the Mann–Whitney U of samples of
 * sizes m and n without ties (Mann & Whitney 1947). Cached per (m, n); cost O(m²n²) once.
 */
export function mannWhitneyExactCdf(m: number, n: number): Float64Array {
  if (!(Number.isInteger(m) && Number.isInteger(n) && m > 0 && n > 0)) {
    throw new RangeError(`mannWhitneyExactCdf: sizes must be positive integers, got ${m}, ${n}`);
  }
  const counts = exactCounts(m, n);
  let total = 0;
  for (const c of counts) total += c;
  const cdf = new Float64Array(counts.length);
  let running = 0;
  for (let u = 0; u < counts.length; u++) {
    running += counts[u];
    cdf[u] = running / total;
  }
  return cdf;
}

/**
 * Two-sided Mann–Whitney U test of samples `a` and `b` given ascending. The exact p-value
 * is 2·P(U ≥ max(U_a, U_b)) under the exact null distribution (no ties only). Otherwise the
 * normal approximation with tie correction σ² = mn/12 · ((N + 1) − Σ(t³ − t) / (N(N − 1)))
 * and a continuity correction of ½ (Lehmann 1975, §1.4); the same choices as SciPy's
 * `mannwhitneyu` with `method="asymptotic"`. Runs in O(m + n) on sorted input.
 */
export function mannWhitneyU(
  a: Float64Array,
  b: Float64Array,
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) throw new RangeError("mannWhitneyU: both samples need values");
  // NaN compares false with everything: the merge below would never move past it.
  for (const [name, xs] of [["a", a], ["b", b]] as const) {
    // A plain loop: a callback per value cost more than the merge itself.
    for (let at = 0; at < xs.length; at++) {
      if (xs[at] !== xs[at]) {
        throw new RangeError(`mannWhitneyU: sample ${name}[${at}] is NaN; give numbers`);
      }
    }
  }
  // Merge the sorted samples, ranking tie groups with their average rank.
  let i = 0;
  let j = 0;
  let rankSumA = 0;
  let tieTerm = 0;
  let ties = false;
  let position = 0;
  while (i < m || j < n) {
    const v = i < m && (j >= n || a[i] <= b[j]) ? a[i] : b[j];
    let countA = 0;
    let countB = 0;
    while (i < m && a[i] === v) {
      i++;
      countA++;
    }
    while (j < n && b[j] === v) {
      j++;
      countB++;
    }
    const t = countA + countB;
    const averageRank = position + (t + 1) / 2;
    rankSumA += countA * averageRank;
    if (t > 1) {
      ties = true;
      tieTerm += t * t * t - t;
    }
    position += t;
  }
  const u = rankSumA - (m * (m + 1)) / 2;
  const mn = m * n;
  const uMax = Math.max(u, mn - u);
  const wantExact = options.method === "exact" ||
    (options.method !== "normal" && !ties && m <= MANN_WHITNEY_EXACT_MAX_N &&
      n <= MANN_WHITNEY_EXACT_MAX_N);
  if (wantExact && !ties) {
    const counts = exactCounts(m, n);
    let total = 0;
    let tail = 0;
    for (let k = 0; k <= mn; k++) {
      total += counts[k];
      if (k >= uMax) tail += counts[k];
    }
    return { u, p: Math.min(1, (2 * tail) / total), method: "exact", ties };
  }
  const big = m + n;
  const variance = (mn / 12) * (big + 1 - tieTerm / (big * (big - 1)));
  if (!(variance > 0)) return { u, p: 1, method: "normal-tie-corrected", ties };
  const z = (uMax - mn / 2 - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normalSf(z)), method: "normal-tie-corrected", ties };
}
