/**
 * The short table `war` prints at the end: per category, the best and the worst runtime (see
 * `analyze/summarize_categories.ts`) as aligned text lines for a terminal.
 *
 * @module
 */
import type { HostGroup } from "../model/analysis.ts";
import { summarizeCategories } from "../analyze/summarize_categories.ts";
import { escapeTerminal } from "./escape.ts";
import { formatNumber, MISSING_VALUE } from "./format_number.ts";

/** The summary as aligned text lines, saying what the scores are relative to. */
export function formatCategorySummary(group: HostGroup): string {
  const rows = summarizeCategories(group);
  const ref = group.baseline.used ?? "the best runtime of each metric";
  const cell = (x: { runtime: string; score: number } | null) =>
    x ? `${x.runtime} (${formatNumber(x.score, { unit: "×" })})` : MISSING_VALUE;
  const table = [
    ["category", "best", "worst", "runtimes"],
    ...rows.map((r) => [r.category, cell(r.best), cell(r.worst), String(r.scored)]),
  ].map((r) => r.map((c) => escapeTerminal(c)));
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const lines = [
    `Per category: best and worst runtime, score relative to ${ref} (1 = same, above 1 = better)`,
    ...table.map((r) => "  " + r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()),
  ];
  return lines.map((line) => escapeTerminal(line)).join("\n");
}
