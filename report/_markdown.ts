// Markdown → HTML for notebook prose, shared by the HTML writer, and the defusing of Markdown
// written to the .md file. Raw HTML in prose is shown as text, never passed through: prose is
// Markdown only, and values from data arrive escaped. Links lead only to anchors, relative
// paths, http(s) and mailto; images only to relative paths (nothing is fetched from elsewhere).
import { Marked, type Token, type Tokens } from "marked";
import { escapeHtml, escapeMarkdown } from "./escape.ts";

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html(token) {
      return escapeHtml(token.text);
    },
    link(token) {
      const text = this.parser.parseInline(token.tokens);
      return safeLink(token.href)
        ? `<a href="${escapeHtml(token.href)}"${
          token.title ? ` title="${escapeHtml(token.title)}"` : ""
        }>${text}</a>`
        : text;
    },
    image(token) {
      return safeImage(token.href)
        ? `<img src="${escapeHtml(token.href)}" alt="${escapeHtml(token.text)}">`
        : escapeHtml(token.text);
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

function safeLink(href: string): boolean {
  return /^(#|https?:\/\/|mailto:)/i.test(href) || safeImage(href);
}

/** A relative path: no scheme, not protocol-relative, not absolute. */
function safeImage(href: string): boolean {
  // deno-lint-ignore no-control-regex
  return !/^([a-z][a-z0-9+.-]*:|\/|\\)/i.test(href.trim()) && !/[\u0000-\u001f]/.test(href);
}

/**
 * Markdown made safe to write to a `.md` file that a viewer will render: raw HTML becomes text,
 * links to anything but anchors, relative paths, http(s) and mailto keep only their text, and
 * images that are not relative paths keep only their alternative text.
 */
export function defuseMarkdown(markdown: string): string {
  return rewriteAll(marked.lexer(markdown), markdown);
}

function rewriteAll(tokens: Token[], raw: string): string {
  let out = "";
  let cursor = 0;
  for (const token of tokens) {
    const rewritten = rewrite(token);
    if (rewritten === token.raw) continue;
    const at = raw.indexOf(token.raw, cursor);
    // Where the lexer normalised the source, the whole span is made text.
    if (at < 0) return escapeHtml(raw);
    out += raw.slice(cursor, at) + rewritten;
    cursor = at + token.raw.length;
  }
  return out + raw.slice(cursor);
}

function rewrite(token: Token): string {
  switch (token.type) {
    case "html":
      return escapeHtml(token.raw);
    case "link":
      return safeLink((token as Tokens.Link).href)
        ? rewriteAll((token as Tokens.Link).tokens, token.raw)
        : escapeMarkdown((token as Tokens.Link).text);
    case "image":
      return safeImage((token as Tokens.Image).href)
        ? token.raw
        : escapeMarkdown((token as Tokens.Image).text);
    case "code":
    case "codespan":
      return token.raw;
  }
  const children: Token[] = [];
  if ("tokens" in token && Array.isArray(token.tokens)) children.push(...token.tokens);
  if (token.type === "list") children.push(...(token as Tokens.List).items);
  if (token.type === "table") {
    const table = token as Tokens.Table;
    for (const cell of [...table.header, ...table.rows.flat()]) children.push(...cell.tokens);
  }
  return children.length ? rewriteAll(children, token.raw) : token.raw;
}
