/**
 * CSV of a report table (RFC 4180: comma separated, CRLF line ends, quotes where needed),
 * holding the raw values, not the rounded ones shown.
 *
 * @module
 */
import type { ReportTable } from "./compose_report.ts";
import { escapeCsvField } from "./escape.ts";

/** Renders `table` as CSV text: a header row of column labels, then one row per table row. */
export function renderCsv(table: Pick<ReportTable, "columns" | "rows">): string {
  const lines = [table.columns.map((c) => escapeCsvField(c.label)).join(",")];
  for (const row of table.rows) {
    lines.push(
      row.map((cell) => escapeCsvField(cell.raw === null ? "" : String(cell.raw))).join(","),
    );
  }
  return lines.join("\r\n") + "\r\n";
}
