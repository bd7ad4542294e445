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

/** Options of {@link formatComparison}. */
export interface FormatComparisonOptions {
  /** The gate accepts the comparison's problems (`compare --allow-missing`). */
  allowMissing?: boolean;
}

/**
 * Renders a comparison as a plain-text table (`table`) or Markdown (`md`), ending with the gate's
 * verdict: FAIL on a regression or on a problem the gate cannot vouch for (unless allowed).
 */
export function formatComparison(
  comparison: Comparison,
  format: "table" | "md",
  options: FormatComparisonOptions = {},
): string {
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
  // Problems (failed steps, missing runtimes or metrics, empty cells) block the gate unless the
  // caller accepts them; the CLI lists each on standard error.
  const blocking = options.allowMissing ? 0 : comparison.problems.length;
  const problems = `${blocking} problem(s) the gate cannot vouch for, listed on standard error ` +
    "(--allow-missing accepts them)";
  const summary = comparison.regressions > 0
    ? `${comparison.regressions} regression(s) beyond tolerance` +
      (blocking > 0 ? ` and ${problems}` : "") + ": FAIL"
    : blocking > 0
    ? `${problems}: FAIL`
    : `no significant regression beyond tolerance: PASS` +
      (comparison.improvements > 0 ? ` (${comparison.improvements} improvement(s))` : "");
  return [...renderTextTable(block, format === "md"), summary]
    .map((line) => escapeTerminal(format === "md" ? escapeMarkdownTags(line) : line)).join("\n");
}
