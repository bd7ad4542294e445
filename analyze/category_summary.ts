/**
 * The short table `war` prints at the end: per category, the best and the worst runtime and
 * their scores relative to the reference (native when it was measured). Pure.
 *
 * @module
 */
import type { HostGroup } from "../model/analysis.ts";
import { formatNumber } from "./format_analysis.ts";

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

/** The summary as aligned text lines, saying what the scores are relative to. */
export function formatCategorySummary(group: HostGroup): string {
  const rows = summarizeCategories(group);
  const ref = group.baseline.used ?? "the best runtime of each metric";
  const cell = (x: { runtime: string; score: number } | null) =>
    x ? `${x.runtime} (${formatNumber(x.score)}×)` : "–";
  const table = [
    ["category", "best", "worst", "runtimes"],
    ...rows.map((r) => [r.category, cell(r.best), cell(r.worst), String(r.scored)]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  return [
    `Per category: best and worst runtime, score relative to ${ref} (1 = same, above 1 = better)`,
    ...table.map((r) => "  " + r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()),
  ].join("\n");
}
