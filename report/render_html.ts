/**
 * The report as one self-contained HTML file: inline CSS and SVG, nothing fetched, readable
 * without JavaScript, a print stylesheet, and a Content-Security-Policy that forbids every
 * script, so that nothing from a results file can run even if it slipped through escaping.
 *
 * @module
 */
import type { CellOutput } from "./cell_output.ts";
import type { ReportBlock, ReportDocument } from "./compose_report.ts";
import { escapeHtml } from "./escape.ts";
import { inlineMarkdownToHtml, markdownToHtml } from "./_markdown.ts";
import { type CellError, type ExecutedProse, inlinePlaceholder } from "./run_cells.ts";

/** The Content-Security-Policy of every report: no scripts, no requests, inline styles only. */
export const REPORT_CSP = "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; " +
  "img-src data:; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'";

/** Renders `doc` as a complete HTML document (UTF-8 text). */
export function renderHtml(doc: ReportDocument): string {
  const title = proseInline(doc.title);
  const plainTitle = title.replace(/<[^>]*>/g, "");
  const parts: string[] = [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="ocibench report">',
    `<title>${plainTitle}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    "<article>",
    "<header>",
    `<h1 class="title">${title}</h1>`,
  ];
  if (doc.authors.length) {
    parts.push(`<p class="authors">${doc.authors.map(escapeHtml).join(", ")}</p>`);
  }
  if (doc.abstract) {
    const abstract = proseBlock(doc.abstract).replace(
      /^<p>/,
      '<p><strong class="abstract-label">Abstract.</strong> ',
    );
    parts.push(`<section class="abstract" aria-label="Abstract">${abstract}</section>`);
  }
  if (doc.datasets.length) {
    const list = doc.datasets.map((d) => `<code>${escapeHtml(d)}</code>`).join(", ");
    const note = doc.dataNote ? ` <span class="data-note">${escapeHtml(doc.dataNote)}</span>` : "";
    parts.push(`<p class="datasets"><strong>Data.</strong> ${list}.${note}</p>`);
  }
  parts.push("</header>");
  for (const block of doc.blocks) parts.push(renderBlock(block));
  parts.push("</article>", "</body>", "</html>");
  return parts.join("\n") + "\n";
}

function renderBlock(block: ReportBlock): string {
  switch (block.kind) {
    case "prose":
      return proseBlock(block);
    case "code":
      return `<pre class="code"><code>${escapeHtml(block.code)}</code></pre>`;
    case "figure":
      return [
        `<figure class="figure" id="${escapeHtml(block.anchor)}">`,
        `<div class="plot">${block.svg}</div>`,
        `<figcaption><span class="label">Figure ${block.number}.</span> ${
          escapeHtml(block.caption)
        }</figcaption>`,
        "</figure>",
      ].join("\n");
    case "table": {
      const head = block.columns.map((c) =>
        `<th scope="col" class="${c.align}">${escapeHtml(c.label)}</th>`
      ).join("");
      const body = block.rows.map((row) =>
        "<tr>" +
        row.map((cell, i) => {
          const text = escapeHtml(cell.text);
          const tone = cell.tone ? ` tone tone-${cell.tone}` : "";
          return `<td class="${block.columns[i].align}${cell.muted ? " muted" : ""}${tone}">${
            cell.strong ? `<strong>${text}</strong>` : text
          }</td>`;
        }).join("") + "</tr>"
      ).join("\n");
      const note = block.note ? `\n<p class="table-note">${escapeHtml(block.note)}</p>` : "";
      return [
        `<figure class="table" id="${escapeHtml(block.anchor)}">`,
        "<table>",
        `<caption><span class="label">Table ${block.number}.</span> ${
          escapeHtml(block.caption)
        }</caption>`,
        `<thead><tr>${head}</tr></thead>`,
        `<tbody>\n${body}\n</tbody>`,
        `</table>${note}`,
        "</figure>",
      ].join("\n");
    }
    case "html":
      return `<div class="cell-html">${block.html}</div>`;
    case "markdown":
      return markdownToHtml(block.markdown);
    case "text":
      return `<p class="cell-text">${escapeHtml(block.text)}</p>`;
    case "json":
      return `<pre class="cell-json"><code>${escapeHtml(block.text)}</code></pre>`;
    case "error":
      return `<div class="cell-error" role="note"><strong>Error.</strong> ${
        escapeHtml(block.message)
      }</div>`;
  }
}

function inlineHtml(value: CellOutput | CellError): string {
  if (value instanceof Error) {
    return `<span class="inline-error">[${escapeHtml(value.message)}]</span>`;
  }
  switch (value.kind) {
    case "html":
      return value.html;
    case "markdown":
      return inlineMarkdownToHtml(value.markdown);
    case "text":
    case "json":
      return escapeHtml(value.text);
    default:
      return `[${value.kind} cannot be shown inline]`;
  }
}

function substitute(html: string, prose: ExecutedProse): string {
  return html.replace(/OCIBENCHINLINE(\d+)X/g, (whole, i) => {
    const value = prose.inline[Number(i)];
    return value === undefined || inlinePlaceholder(Number(i)) !== whole
      ? whole
      : inlineHtml(value);
  });
}

function proseBlock(prose: ExecutedProse): string {
  return substitute(markdownToHtml(prose.text), prose).trimEnd();
}

function proseInline(prose: ExecutedProse): string {
  return substitute(inlineMarkdownToHtml(prose.text.trim()), prose);
}

const STYLE = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --rule: #222; --faint: #e6e6e6; }
html { background: #fff; color: var(--ink); }
body { margin: 0; font: 17px/1.5 "Latin Modern Roman", "CMU Serif", "STIX Two Text", Georgia,
  "Times New Roman", serif; font-variant-numeric: oldstyle-nums proportional-nums;
  text-rendering: optimizeLegibility; }
article { max-width: 46rem; margin: 0 auto; padding: 2.5rem 1.5rem 4rem; }
header { text-align: center; margin-bottom: 2rem; }
h1.title { font-size: 1.75rem; line-height: 1.25; font-weight: 700; margin: 0 0 .75rem; }
.authors { font-size: 1.05rem; margin: 0 0 1.5rem; text-align: center; }
.abstract { text-align: justify; hyphens: auto; font-size: .92rem; margin: 0 2.5rem 1rem; }
.abstract p { margin: .4rem 0; }
.datasets { font-size: .8rem; color: var(--muted); margin: 0 2.5rem; text-align: left; }
.datasets code { font-size: .78rem; }
.data-note { display: block; margin-top: .25rem; font-style: italic; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; }
h3 { font-size: 1.08rem; margin: 1.6rem 0 .5rem; }
h4 { font-size: 1rem; font-style: italic; font-weight: 400; margin: 1.2rem 0 .4rem; }
p, li { text-align: justify; hyphens: auto; }
a { color: inherit; }
code { font-family: "Latin Modern Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: .85em; font-variant-numeric: normal; }
pre { background: #f7f7f5; border-left: 3px solid #ccc; padding: .6rem .9rem; overflow-x: auto;
  font-size: .82rem; line-height: 1.4; }
pre code { font-size: inherit; }
blockquote { margin: 1rem 2rem; color: var(--muted); }
figure { margin: 1.8rem 0; break-inside: avoid; page-break-inside: avoid; }
figure.figure .plot { display: flex; justify-content: center; }
figure.figure svg { max-width: 100%; height: auto; overflow: visible; }
figcaption, caption { font-size: .88rem; line-height: 1.4; text-align: left; }
figcaption { margin: .6rem 1rem 0; }
caption { caption-side: top; margin-bottom: .5rem; }
.label { font-weight: 700; }
figure.table { overflow-x: auto; }
table { border-collapse: collapse; margin: 0 auto; font-size: .86rem;
  font-variant-numeric: lining-nums tabular-nums; border-top: 1.5px solid var(--rule);
  border-bottom: 1.5px solid var(--rule); }
thead th { border-bottom: 1px solid var(--rule); font-weight: 600; vertical-align: bottom; }
th, td { padding: .28rem .7rem; vertical-align: top; }
thead th { vertical-align: bottom; }
td { border-top: 1px solid var(--faint); }
.left { text-align: left; }
.right { text-align: right; }
td.right { white-space: nowrap; }
td.muted { color: #999; }
td.tone { font-size: .74rem; line-height: 1.25; padding: .2rem .3rem; -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
td.tone-worse { background: #f7cdc6; }
td.tone-better { background: #c9dcf2; }
td.tone-equivalent { background: #dcefd6; }
td.tone-mixed { background: #f5e3b3; }
td.tone-undetermined { color: #666; font-style: italic; }
td.tone-not-comparable { color: #888; font-style: italic; background: #f2f2f2; }
@media (min-width: 56rem) { figure.table:has(td.tone) { margin-left: -4.5rem; margin-right: -4.5rem; } }
@media (min-width: 76rem) { figure.table:has(td.tone) { margin-left: -12rem; margin-right: -12rem; } }
.table-note { font-size: .8rem; color: var(--muted); margin: .4rem 1rem 0; }
.cell-text { font-variant-numeric: lining-nums; }
.cell-error, .inline-error { color: #8a1111; }
.cell-error { border: 1px solid #d9a3a3; background: #fbf0f0; padding: .5rem .8rem;
  font: .85rem/1.4 "DejaVu Sans Mono", Menlo, monospace; white-space: pre-wrap; }
hr { border: 0; border-top: 1px solid #bbb; margin: 2rem 0; }
@media (max-width: 40rem) {
  body { font-size: 16px; } .abstract, .datasets { margin: 0; } figcaption { margin: .5rem 0 0; }
}
@media print {
  @page { size: A4; margin: 2cm 2.2cm; }
  body { font-size: 10.5pt; }
  article { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  pre { white-space: pre-wrap; border-left-color: #999; }
  figure.table:has(td.tone) th, figure.table:has(td.tone) td { font-size: 7pt; padding: .1rem .2rem; }
  a { text-decoration: none; }
}
`.trim();
