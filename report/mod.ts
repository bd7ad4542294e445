/**
 * Reports: notebooks (Markdown with front matter and TypeScript cells run in a sandbox) built
 * into one self-contained HTML file, Markdown with SVG figures beside it, and a CSV per table;
 * and the text renderings of analyses and comparisons for the command line (tables, Markdown,
 * CSV), with the one number formatter and the one CSV writer they share.
 * See `report/README.md` for the notebook format and the trust model.
 *
 * @module
 */
export {
  buildReport,
  type BuildReportOptions,
  type BuiltReport,
  LATEST_RUN,
  resolveDatasets,
} from "./build_report.ts";
export {
  type CellBlock,
  type CellOptions,
  type Notebook,
  type NotebookMeta,
  parseNotebook,
  type ProseBlock,
} from "./parse_notebook.ts";
export {
  CELL_TIMEOUT_MS,
  CellError,
  type ExecutedNotebook,
  runCells,
  type RunCellsOptions,
} from "./run_cells.ts";
export { composeReport, type ReportBlock, type ReportDocument } from "./compose_report.ts";
export { renderHtml, REPORT_CSP } from "./render_html.ts";
export { renderMarkdown } from "./render_markdown.ts";
export { csvField, csvText, type CsvValue, renderCsv } from "./render_csv.ts";
export type { CellOutput } from "./cell_output.ts";
export {
  escapeHtml,
  escapeMarkdown,
  escapeTerminal,
  type EscapeTerminalOptions,
  jsonForTerminal,
} from "./escape.ts";
export {
  formatInterval,
  formatNumber,
  type FormatNumberOptions,
  formatPercent,
  formatPValue,
  formatRatio,
  MISSING_VALUE,
} from "./format_number.ts";
export { renderTextTable, type TextTable } from "./render_text_table.ts";
export { CSV_COLUMNS, formatAnalysis, type TextFormat } from "./format_analysis.ts";
export { formatComparison } from "./format_comparison.ts";
export {
  formatVerdictLine,
  formatVerdictSummary,
  HOW_TO_DECIDE,
  type VerdictSummaryOptions,
} from "./format_verdict_summary.ts";
