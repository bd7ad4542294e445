/**
 * Welch's unequal-variance t-test (Welch 1947) with Welch–Satterthwaite degrees of freedom
 * (Satterthwaite 1946), two-sided.
 *
 * @module
 */
import { studentTTwoSided } from "./_distributions.ts";
import { summarizeValues } from "./summarize_values.ts";

/** The result of {@link welchTTest}. */
export interface WelchResult {
  t: number;
  df: number;
  p: number;
}

/**
 * t = (mean_a − mean_b) ÷ √(s²_a/n_a + s²_b/n_b),
 * df = (s²_a/n_a + s²_b/n_b)² ÷ ((s²_a/n_a)²/(n_a − 1) + (s²_b/n_b)²/(n_b − 1)).
 * Returns null when a side has fewer than 2 values or both variances are zero (t undefined).
 */
export function welchTTest(a: ArrayLike<number>, b: ArrayLike<number>): WelchResult | null {
  const sa = summarizeValues(a);
  const sb = summarizeValues(b);
  if (sa.n < 2 || sb.n < 2 || sa.sd === null || sb.sd === null) return null;
  const va = (sa.sd * sa.sd) / sa.n;
  const vb = (sb.sd * sb.sd) / sb.n;
  const se2 = va + vb;
  if (!(se2 > 0)) return null;
  const t = (sa.mean! - sb.mean!) / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (sa.n - 1) + (vb * vb) / (sb.n - 1));
  return { t, df, p: studentTTwoSided(t, df) };
}
