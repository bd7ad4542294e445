/**
 * The one CSV writer (RFC 4180: comma separated, CRLF line ends, quotes where needed), for
 * report tables, `analyze --format csv` and anything else that writes CSV. Tables hold the raw
 * values, not the rounded ones shown.
 *
 * @module
 */
import type { ReportTable } from "./compose_report.ts";

/** A value of a CSV cell: numbers and booleans are written as such, null/undefined as empty. */
export type CsvValue = string | number | boolean | null | undefined;

/**
 * One CSV field. Text a spreadsheet would run as a formula — starting with `=`, `+`, `-`, `@`,
 * tab or carriage return — gets a leading `'` (OWASP's CSV-injection advice), whatever follows,
 * so text that merely looks like a number (`"-3.5"`) is defused too; numbers passed as numbers
 * stay numbers (`-3.5` is written `-3.5`). Then, per RFC 4180, a field holding a comma, a quote,
 * a line break or leading/trailing white space is quoted, with quotes inside doubled.
 *
 * @example
 * ```ts
 * csvField("=HYPERLINK(\"http://x\")"); // "\"'=HYPERLINK(\"\"http://x\"\")\""
 * csvField(-3.5);                         // "-3.5"
 * csvField("-3.5");                       // "'-3.5"
 * ```
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  if (/[",\r\n]/.test(text) || /^\s|\s$/.test(text)) return `"${text.replaceAll('"', '""')}"`;
  return text;
}

/** CSV text of `rows` (the first is usually the header), each line ended by CRLF. */
export function csvText(rows: readonly (readonly CsvValue[])[]): string {
  return rows.map((row) => row.map(csvField).join(",") + "\r\n").join("");
}

/** Renders `table` as CSV text: a header row of column labels, then one row per table row. */
export function renderCsv(table: Pick<ReportTable, "columns" | "rows">): string {
  return csvText([
    table.columns.map((c) => c.label),
    ...table.rows.map((row) => row.map((cell) => cell.raw)),
  ]);
}
