/**
 * Titled tables as text, for the command line: aligned plain text for a terminal, or Markdown.
 * Every string is passed through {@link escapeTerminal} first, so names from a results file
 * cannot steer the terminal.
 *
 * @module
 */
import { escapeMarkdownTags, escapeTerminal } from "./escape.ts";

/** A titled table with notes under it, as {@link renderTextTable} prints it. */
export interface TextTable {
  title: string;
  header: string[];
  rows: string[][];
  notes: string[];
}

/** Cells longer than this in the last column do not widen it (they are printed last anyway). */
const LONG_LAST_CELL = 60;

/**
 * Renders a titled table as lines: aligned plain text (title, header, rows, `note:` lines) or,
 * with `markdown`, a level-4 heading, a Markdown table (`|` in cells escaped) and a list of
 * notes, with no HTML tag left active. Control characters in any string are shown as escapes.
 */
export function renderTextTable(table: TextTable, markdown: boolean): string[] {
  const text = (s: string) => escapeTerminal(s);
  const header = table.header.map(text);
  const rows = table.rows.map((r) => r.map(text));
  const notes = table.notes.map(text);
  if (markdown) {
    const esc = (s: string) => escapeMarkdownTags(s.replaceAll("|", "\\|"));
    return [
      `#### ${escapeMarkdownTags(text(table.title))}`,
      "",
      `| ${header.map(esc).join(" | ")} |`,
      `| ${header.map(() => "---").join(" | ")} |`,
      ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
      "",
      ...notes.map((n) => `- ${escapeMarkdownTags(n)}`),
      "",
    ];
  }
  const widths = header.map((h, i) =>
    Math.max(
      h.length,
      ...rows.map((r) => (i === r.length - 1 && r[i].length > LONG_LAST_CELL ? 0 : r[i].length)),
    )
  );
  const line = (cells: string[]) =>
    "  " + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [
    text(table.title),
    line(header),
    ...rows.map(line),
    ...notes.map((n) => `  note: ${n}`),
    "",
  ];
}
