/**
 * Selection of order statistics in expected linear time, for medians of large arrays.
 *
 * @module
 */

/**
 * Quickselect: the k-th smallest (0-based) of `a[0 … end − 1]`, reordering `a` in place
 * (Hoare 1961). `start` > 0 searches `a[start … end − 1]` only: right after a selection of
 * rank `start`, every value from there on is at or above it, so the ranks agree.
 */
export function select(a: Float64Array, k: number, end: number, start = 0): number {
  let lo = start;
  let hi = end - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** The median of the first `n` values of `a`, reordering them (O(n) expected). */
export function medianInPlace(a: Float64Array, n: number): number {
  const hi = select(a, n >>> 1, n);
  if (n % 2 === 1) return hi;
  let lo = -Infinity;
  for (let i = 0; i < n >>> 1; i++) if (a[i] > lo) lo = a[i];
  return (lo + hi) / 2;
}
