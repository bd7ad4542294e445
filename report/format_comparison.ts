/**
 * Text renderings of a comparison (`compare`): an aligned table or Markdown. Pure. Control
 * characters in names from the results files are shown as escapes.
 *
 * @module
 */
import type { Comparison, ComparisonRow } from "../model/comparison.ts";
import { escapeMarkdownTags, escapeTerminal } from "./escape.ts";
import {
  formatInterval,
  formatNumber,
  formatPercent,
  formatPValue,
  MISSING_VALUE,
} from "./format_number.ts";
import { renderTextTable, type TextTable } from "./render_text_table.ts";

const VERDICT_LABEL: Record<ComparisonRow["verdict"], string> = {
  pass: "pass",
  regression: "FAIL",
  improvement: "better",
  info: "info",
  missing: "missing",
  new: "new",
};

function side(s: ComparisonRow["baseline"]): string {
  if (!s) return MISSING_VALUE;
  const ci = s.ci ? ` ${formatInterval(s.ci.low, s.ci.high)}` : "";
  return `${formatNumber(s.central)}${ci} n=${s.n}`;
}

function tolerance(row: ComparisonRow): string {
  return "percent" in row.tolerance
    ? `±${formatNumber(row.tolerance.percent, { unit: "%" })}`
    : `±${formatNumber(row.tolerance.absolute, { unit: row.unit })}`;
}

/** Renders a comparison as a plain-text table (`table`) or Markdown (`md`). */
export function formatComparison(comparison: Comparison, format: "table" | "md"): string {
  const block: TextTable = {
    title: `Comparison: ${comparison.candidateRuns.join(", ")} against ${
      comparison.baselineRuns.join(", ")
    } (median [95 % CI], α = ${comparison.alpha} after Holm)`,
    header: ["verdict", "runtime", "metric", "unit", "baseline", "new", "change", "tolerance", "p"],
    rows: comparison.rows.map((r) => [
      VERDICT_LABEL[r.verdict],
      r.runtime,
      r.metric,
      r.unit,
      side(r.baseline),
      side(r.candidate),
      formatPercent(r.changePercent, { alreadyPercent: true, signed: true }),
      tolerance(r),
      r.test ? formatPValue(r.test.pAdjusted) : MISSING_VALUE,
    ]),
    notes: [
      ...comparison.warnings,
      ...comparison.rows.filter((r) => r.verdict !== "pass" || r.notes.length > 0).flatMap((r) =>
        r.notes.map((n) => `${r.runtime} ${r.metric}: ${n}`)
      ),
    ],
  };
  const summary = comparison.regressions > 0
    ? `${comparison.regressions} regression(s) beyond tolerance: FAIL`
    : `no significant regression beyond tolerance: PASS` +
      (comparison.improvements > 0 ? ` (${comparison.improvements} improvement(s))` : "");
  return [...renderTextTable(block, format === "md"), summary]
    .map((line) => escapeTerminal(format === "md" ? escapeMarkdownTags(line) : line)).join("\n");
}
