// Markdown → HTML for notebook prose, shared by the HTML writer. Raw HTML in prose is shown as
// text, never passed through: prose is Markdown only, and values from data arrive escaped.
import { Marked } from "marked";
import { escapeHtml } from "./escape.ts";

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html(token) {
      return escapeHtml(token.text);
    },
  },
});

/** Renders block Markdown to HTML. */
export function markdownToHtml(markdown: string): string {
  return marked.parse(markdown, { async: false });
}

/** Renders inline Markdown (no surrounding paragraph) to HTML. */
export function inlineMarkdownToHtml(markdown: string): string {
  return marked.parseInline(markdown, { async: false });
}
