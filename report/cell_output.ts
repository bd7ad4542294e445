/**
 * What a cell produces, in the form that crosses from the cell sandbox to the builder:
 * plain data only (strings and numbers), nothing executable.
 *
 * @module
 */

/** A column of a rendered table. */
export interface TableColumnOutput {
  key: string;
  /** Header as shown. */
  label: string;
  align: "left" | "right";
}

/**
 * The shade of a table cell that carries a verdict: colour on screen, and the cell's text says
 * the same so that it reads in grey print.
 */
export const CELL_TONES = [
  "worse",
  "better",
  "equivalent",
  "mixed",
  "undetermined",
  "not-comparable",
] as const;
/** One of {@link CELL_TONES}. */
export type CellTone = typeof CELL_TONES[number];

/** One cell of a rendered table: the text shown and the raw value written to the CSV. */
export interface TableCellOutput {
  text: string;
  raw: string | number | boolean | null;
  /** Shown in bold (e.g. the best value of a column). */
  strong?: boolean;
  /** Shown greyed: a value kept for reference, not compared (e.g. not comparable). */
  muted?: boolean;
  /** Shaded by the verdict it shows (HTML only; the text carries it too). */
  tone?: CellTone;
}

/** A figure: one standalone SVG document (legend included) with its caption and alternative. */
export interface FigureOutput {
  kind: "figure";
  svg: string;
  caption?: string;
  /** Text alternative; the builder generates one from the axes when a cell gives none. */
  alt?: string;
  /** Generated description of the chart (marks, axes), used when `alt` is missing. */
  description: string;
  id?: string;
}

/** A table with its caption; the builder writes its rows to a CSV file too. */
export interface TableOutput {
  kind: "table";
  caption?: string;
  id?: string;
  columns: TableColumnOutput[];
  rows: TableCellOutput[][];
  /** Optional text under the table (e.g. what bold means). */
  note?: string;
}

/** HTML made with the `html` template of the cell context (its interpolations are escaped). */
export interface HtmlOutput {
  kind: "html";
  html: string;
}

/** Markdown made with the `md` template (its interpolations are escaped). */
export interface MarkdownOutput {
  kind: "markdown";
  markdown: string;
}

/** Plain text (a returned string or number); always escaped where it is placed. */
export interface TextOutput {
  kind: "text";
  text: string;
}

/** Any other returned value, shown as JSON in a code block. */
export interface JsonOutput {
  kind: "json";
  text: string;
}

/** Everything a cell or an inline expression can produce. */
export type CellOutput =
  | FigureOutput
  | TableOutput
  | HtmlOutput
  | MarkdownOutput
  | TextOutput
  | JsonOutput;

/** Where a cell failed: the message and, when known, the line inside the cell (1-based). */
export interface CellErrorOutput {
  name: string;
  message: string;
  /** 1-based line inside the cell's code, when the error points into it. */
  line?: number;
  column?: number;
}
