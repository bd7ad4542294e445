/**
 * Per category, the best and the worst runtime and their scores relative to the reference
 * (native when it was measured): what `war` prints at the end. Pure.
 *
 * @module
 */
import type { HostGroup } from "../model/analysis.ts";

/** One category's line. */
export interface CategorySummaryRow {
  category: string;
  best: { runtime: string; score: number } | null;
  worst: { runtime: string; score: number } | null;
  /** Runtimes with a score in this category. */
  scored: number;
}

/**
 * Best and worst runtime per category (and `overall`) by category score — the geometric mean of
 * normalised ratios, 1 = the reference, larger is better. The reference itself is left out of
 * best/worst, so the line reads "the best and worst alternative to native".
 */
export function summarizeCategories(group: HostGroup): CategorySummaryRow[] {
  const reference = group.baseline.used;
  const categories = [...new Set(group.categories.map((c) => c.category))];
  categories.sort((a, b) => (a === "overall" ? 1 : b === "overall" ? -1 : a.localeCompare(b)));
  return categories.map((category) => {
    const scored = group.categories
      .filter((c) => c.category === category && c.score !== null && c.runtime !== reference)
      .map((c) => ({ runtime: c.runtime, score: c.score! }))
      .sort((a, b) => b.score - a.score || a.runtime.localeCompare(b.runtime));
    return {
      category,
      best: scored[0] ?? null,
      worst: scored.length > 1 ? scored[scored.length - 1] : null,
      scored: scored.length,
    };
  });
}
