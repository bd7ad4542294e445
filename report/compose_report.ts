/**
 * Turns an executed notebook into a report document: figures and tables numbered in order of
 * appearance, captions and text alternatives settled, cross-references (`[@id]`) resolved,
 * file names given to the SVG and CSV files that go beside the report.
 *
 * @module
 */
import type {
  CellOutput,
  HtmlOutput,
  JsonOutput,
  MarkdownOutput,
  TableCellOutput,
  TableColumnOutput,
  TextOutput,
} from "./cell_output.ts";
import { escapeMarkupText } from "./sanitize_markup.ts";
import type { CellError, ExecutedNotebook, ExecutedProse } from "./run_cells.ts";

/** A numbered figure. */
export interface ReportFigure {
  kind: "figure";
  number: number;
  /** Standalone SVG with `aria-label` and `<title>` set to the text alternative. */
  svg: string;
  caption: string;
  alt: string;
  /** Name of the SVG file written beside the report. */
  file: string;
  anchor: string;
}

/** A numbered table. */
export interface ReportTable {
  kind: "table";
  number: number;
  caption: string;
  columns: TableColumnOutput[];
  rows: TableCellOutput[][];
  note?: string;
  /** Name of the CSV file written beside the report. */
  file: string;
  anchor: string;
}

/** One block of the report, in order. */
export type ReportBlock =
  | ExecutedProse
  | { kind: "code"; lang: string; code: string }
  | ReportFigure
  | ReportTable
  | HtmlOutput
  | MarkdownOutput
  | TextOutput
  | JsonOutput
  | { kind: "error"; message: string };

/** A report ready to be written as HTML or Markdown. */
export interface ReportDocument {
  /** Base name of the files, e.g. `replication`. */
  name: string;
  title: ExecutedProse;
  authors: string[];
  abstract?: ExecutedProse;
  /** The datasets read, as shown to readers. */
  datasets: string[];
  /** A note shown under the datasets (e.g. that example data stood in for a run). */
  dataNote?: string;
  blocks: ReportBlock[];
}

/** Options of {@link composeReport}. */
export interface ComposeReportOptions {
  /** Base name of the output files. */
  name: string;
  datasets: string[];
  dataNote?: string;
}

/** Numbers figures and tables, settles captions and alternatives, resolves `[@id]`. */
export function composeReport(
  executed: ExecutedNotebook,
  options: ComposeReportOptions,
): ReportDocument {
  const blocks: ReportBlock[] = [];
  const labels = new Map<string, string>();
  let figures = 0;
  let tables = 0;
  const errorBlock = (error: CellError): ReportBlock => ({ kind: "error", message: error.message });
  for (const block of executed.blocks) {
    if (block.kind === "prose") {
      blocks.push(block);
      continue;
    }
    const { options: cellOptions, code, lang } = block.cell;
    if (cellOptions.echo || cellOptions.norun) blocks.push({ kind: "code", lang, code });
    if (block.error) blocks.push(errorBlock(block.error));
    if (cellOptions.hidden) continue;
    let first = true;
    for (const output of block.outputs) {
      const id = first ? cellOptions.id : undefined;
      if (output.kind === "figure") {
        figures++;
        const caption = output.caption ?? cellOptions.caption ?? "";
        const alt = cellOptions.alt ?? output.alt ??
          (caption ? `${caption}. ${output.description}` : output.description);
        const anchor = output.id ?? id ?? `figure-${figures}`;
        labels.set(anchor, `Figure ${figures}`);
        blocks.push({
          kind: "figure",
          number: figures,
          svg: labelSvg(output.svg, alt),
          caption,
          alt,
          file: `${options.name}-figure-${figures}.svg`,
          anchor,
        });
        first = false;
      } else if (output.kind === "table") {
        tables++;
        const anchor = output.id ?? id ?? `table-${tables}`;
        labels.set(anchor, `Table ${tables}`);
        blocks.push({
          kind: "table",
          number: tables,
          caption: output.caption ?? cellOptions.caption ?? "",
          columns: output.columns,
          rows: output.rows,
          ...(output.note ? { note: output.note } : {}),
          file: `${options.name}-table-${tables}.csv`,
          anchor,
        });
        first = false;
      } else {
        blocks.push(output);
      }
    }
  }
  const resolve = (prose: ExecutedProse): ExecutedProse => ({
    ...prose,
    text: prose.text.replace(/\[@([\w.-]+)\]/g, (whole, id) => labels.get(id) ?? whole),
  });
  return {
    name: options.name,
    title: executed.title,
    authors: executed.notebook.meta.authors,
    ...(executed.abstract ? { abstract: resolve(executed.abstract) } : {}),
    datasets: options.datasets,
    ...(options.dataNote ? { dataNote: options.dataNote } : {}),
    blocks: blocks.map((b) => (b.kind === "prose" ? resolve(b) : b)),
  };
}

/**
 * Longest text alternative kept whole, in characters. A figure of every runtime × metric would
 * otherwise carry all its values twice more (label and title: 270 KB for one heat map of 16
 * runtimes), values its tables and CSV files already give.
 */
export const MAX_ALT_CHARS = 3000;

/** `alt` cut at a list boundary before {@link MAX_ALT_CHARS}, saying where the rest is. */
export function boundedAlt(alt: string): string {
  if (alt.length <= MAX_ALT_CHARS) return alt;
  const cut = alt.lastIndexOf("; ", MAX_ALT_CHARS);
  const head = alt.slice(0, cut > MAX_ALT_CHARS / 2 ? cut : MAX_ALT_CHARS);
  return `${head}; … (${alt.length - head.length} more characters of values: the report's ` +
    "tables and CSV files give them all)";
}

/** Puts the text alternative on the SVG root (`aria-label`) and as its `<title>`. */
function labelSvg(svg: string, fullAlt: string): string {
  const open = /^<svg\b[^>]*>/.exec(svg);
  if (!open) return svg;
  const alt = boundedAlt(fullAlt);
  const tag = open[0].replace(/^<svg/, `<svg aria-label="${escapeMarkupText(alt)}"`);
  return `${tag}<title>${escapeMarkupText(alt)}</title>${svg.slice(open[0].length)}`;
}

/** The inline value that {@link ExecutedProse} holds at index `i`, as plain text. */
export function inlineText(value: CellOutput | CellError): string {
  if (value instanceof Error) return `[error: ${value.message}]`;
  switch (value.kind) {
    case "text":
    case "json":
      return value.text;
    case "markdown":
      return value.markdown;
    case "html":
      return value.html;
    default:
      return `[${value.kind}]`;
  }
}
