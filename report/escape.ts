/**
 * Escaping of every string that comes from data (host names, versions, error messages, runtime
 * names) before it is placed in HTML, Markdown or CSV.
 *
 * @module
 */

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<script>alert("x")</script>'); // "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Escapes text for Markdown prose and table cells: the characters that make emphasis, code,
 * links, tables and strike-through get a backslash, and so does a leading heading, list or rule
 * marker; `<`, `>` and `&` become entities (so no raw HTML
 * survives), and line breaks become spaces (a table cell is one line).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, " ")
    .replace(/[\\`*_\[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    // What means something only at the start of a line: headings, lists, quotes.
    .replace(/^(\s*)([#+\-=])/, "$1\\$2")
    .replace(/^(\s*\d+)([.)])(?=\s|$)/, "$1\\$2");
}

/**
 * Quotes one CSV field as RFC 4180 asks: fields holding a comma, a quote, a line break or
 * leading/trailing spaces are quoted, quotes inside are doubled. A field that a spreadsheet
 * would run as a formula (`=`, `+`, `-`, `@` followed by a non-digit) gets a leading `'`.
 */
export function escapeCsvField(text: string): string {
  let value = text;
  if (/^[=+\-@]/.test(value) && !/^[+-]?(\d|\.\d)/.test(value)) value = `'${value}`;
  if (/[",\r\n]/.test(value) || /^\s|\s$/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}
