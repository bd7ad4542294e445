/**
 * Text renderings of a comparison (`compare`): an aligned table or Markdown. Pure.
 *
 * @module
 */
import type { Comparison, ComparisonRow } from "../model/comparison.ts";
import { type Block, formatNumber, renderTable } from "./format_analysis.ts";

const VERDICT_LABEL: Record<ComparisonRow["verdict"], string> = {
  pass: "pass",
  regression: "FAIL",
  improvement: "better",
  info: "info",
  missing: "missing",
  new: "new",
};

function side(s: ComparisonRow["baseline"]): string {
  if (!s) return "–";
  const ci = s.ci ? ` [${formatNumber(s.ci.low)}, ${formatNumber(s.ci.high)}]` : "";
  return `${formatNumber(s.central)}${ci} n=${s.n}`;
}

function percent(x: number | null): string {
  if (x === null) return "–";
  const r = Math.round(x * 10) / 10;
  return `${r > 0 ? "+" : ""}${r.toFixed(1)} %`;
}

function tolerance(row: ComparisonRow): string {
  return "percent" in row.tolerance
    ? `±${row.tolerance.percent} %`
    : `±${formatNumber(row.tolerance.absolute)} ${row.unit}`;
}

/** Renders a comparison as a plain-text table (`table`) or Markdown (`md`). */
export function formatComparison(comparison: Comparison, format: "table" | "md"): string {
  const block: Block = {
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
      percent(r.changePercent),
      tolerance(r),
      r.test ? formatNumber(r.test.pAdjusted) : "–",
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
  return [...renderTable(block, format === "md"), summary].join("\n");
}
