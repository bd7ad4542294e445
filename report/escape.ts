/**
 * Escaping of every string that comes from data (host names, versions, error messages, runtime
 * names) before it is placed in HTML or Markdown or printed to a terminal (CSV: `render_csv.ts`).
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

/** Options of {@link escapeTerminal}. */
export interface EscapeTerminalOptions {
  /** Keep `\n` as a line break (for whole lines of output); by default it is shown as `\n`. */
  keepLineBreaks?: boolean;
}

// C0 controls, DEL, C1 controls, and the Unicode marks that reorder text (bidi overrides and
// isolates), which would let a string print as something else than it is.
// deno-lint-ignore no-control-regex -- matching control characters is the point
const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes control characters visible before text reaches a terminal: each C0 control (tab and
 * line breaks included, unless `keepLineBreaks` keeps `\n`), DEL and C1 control prints as
 * `\xHH`, and bidi reordering marks print as `\uHHHH`. So a runtime or metric name from a hostile
 * results file cannot move the cursor, recolour or clear the terminal, or reorder a line: an
 * escape sequence `ESC [ 2 J` prints as the text `\x1b[2J`.
 *
 * @example
 * ```ts
 * escapeTerminal("runc\x1b[31m"); // "runc\\x1b[31m"
 * ```
 */
export function escapeTerminal(text: string, options: EscapeTerminalOptions = {}): string {
  return text.replace(TERMINAL_CONTROL, (c) => {
    if (c === "\n" && options.keepLineBreaks) return c;
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * `JSON.stringify(value, null, 2)` safe to print on a terminal: JSON already escapes C0
 * controls; this also writes DEL, C1 controls and bidi marks as `\uHHHH` escapes (the same
 * JSON value, only spelled differently).
 */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Keeps Markdown meant to be read as text free of HTML: a `<` that would open a tag, comment or
 * declaration (followed by a letter, `/`, `!` or `?`) becomes `&lt;`; any other text, `p < 0.05`
 * included, is unchanged. For the command line's Markdown, which stays readable as plain text.
 */
export function escapeMarkdownTags(text: string): string {
  return text.replace(/<(?=[A-Za-z/!?])/g, "&lt;");
}
