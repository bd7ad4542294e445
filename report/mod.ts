/**
 * Reports: notebooks (Markdown with front matter and TypeScript cells run in a sandbox) built
 * into one self-contained HTML file, Markdown with SVG figures beside it, and a CSV per table.
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
export { renderCsv } from "./render_csv.ts";
export type { CellOutput } from "./cell_output.ts";
export { escapeCsvField, escapeHtml, escapeMarkdown } from "./escape.ts";
