/**
 * Holm's step-down correction for multiple comparisons (Holm 1979).
 *
 * @module
 */

/**
 * Holm-adjusted p-values, in the input order: with p sorted ascending p₍₁₎ ≤ … ≤ p₍ₘ₎,
 * adj₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1) · p₍ⱼ₎). Null entries (untested comparisons)
 * stay null and do not count in m.
 *
 * @example
 * ```ts
 * holmAdjust([0.01, 0.04, 0.03]); // [0.03, 0.06, 0.06]
 * ```
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const order = pValues
    .map((p, index) => ({ p, index }))
    .filter((e): e is { p: number; index: number } => e.p !== null)
    .sort((x, y) => x.p - y.p || x.index - y.index);
  const m = order.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  order.forEach(({ p, index }, j) => {
    running = Math.max(running, Math.min(1, (m - j) * p));
    out[index] = running;
  });
  return out;
}
