/**
 * The report as Markdown (GitHub-flavoured): prose as written with inline values filled in,
 * figures as images pointing to the SVG files beside it, tables as pipe tables with a link to
 * their CSV. Values from data are escaped so that they stay text.
 *
 * @module
 */
import type { CellOutput } from "./cell_output.ts";
import type { ReportBlock, ReportDocument } from "./compose_report.ts";
import { escapeMarkdown } from "./escape.ts";
import { defuseMarkdown } from "./_markdown.ts";
import type { CellError, ExecutedProse } from "./run_cells.ts";

/** Renders `doc` as Markdown text; the SVG and CSV files it links are written by the builder. */
export function renderMarkdown(doc: ReportDocument): string {
  const parts: string[] = [`# ${prose(doc.title).trim()}`];
  if (doc.authors.length) parts.push(doc.authors.map(escapeMarkdown).join(", "));
  if (doc.abstract) parts.push(`**Abstract.** ${prose(doc.abstract).trim()}`);
  if (doc.datasets.length) {
    const note = doc.dataNote ? ` *${escapeMarkdown(doc.dataNote)}*` : "";
    parts.push(`**Data.** ${doc.datasets.map(codeSpan).join(", ")}.${note}`);
  }
  for (const block of doc.blocks) parts.push(renderBlock(block));
  return parts.join("\n\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

function renderBlock(block: ReportBlock): string {
  switch (block.kind) {
    case "prose":
      return prose(block).trim();
    case "code":
      return fence(block.code, block.lang);
    case "figure":
      return [
        `![${escapeMarkdown(block.alt)}](${block.file})`,
        "",
        `*Figure ${block.number}.* ${escapeMarkdown(block.caption)}`,
      ].join("\n");
    case "table": {
      const cell = (text: string) => escapeMarkdown(text) || " ";
      const header = `| ${block.columns.map((c) => cell(c.label)).join(" | ")} |`;
      const rule = `|${
        block.columns.map((c) => (c.align === "right" ? "---:" : ":---")).join("|")
      }|`;
      const rows = block.rows.map((row) =>
        `| ${
          row.map((c) =>
            c.strong ? `**${cell(c.text)}**` : c.muted ? `<sub>${cell(c.text)}</sub>` : cell(c.text)
          ).join(" | ")
        } |`
      );
      const note = block.note ? `\n\n${escapeMarkdown(block.note)}` : "";
      return [
        `**Table ${block.number}.** ${escapeMarkdown(block.caption)} ([CSV](${block.file}))`,
        "",
        header,
        rule,
        ...rows,
      ].join("\n") + note;
    }
    case "html":
      return block.html;
    case "markdown":
      return defuseMarkdown(block.markdown);
    case "text":
      return escapeMarkdown(block.text);
    case "json":
      return fence(block.text, "json");
    case "error":
      return `> **Error.** ${escapeMarkdown(block.message)}`;
  }
}

function inline(value: CellOutput | CellError): string {
  if (value instanceof Error) return `*\\[error: ${escapeMarkdown(value.message)}\\]*`;
  switch (value.kind) {
    case "markdown":
      return defuseMarkdown(value.markdown);
    case "html":
      return value.html;
    case "text":
    case "json":
      return escapeMarkdown(value.text);
    default:
      return `\\[${value.kind}\\]`;
  }
}

function prose(block: ExecutedProse): string {
  return defuseMarkdown(block.text).replace(/OCIBENCHINLINE(\d+)X/g, (whole, i) => {
    const value = block.inline[Number(i)];
    return value === undefined ? whole : inline(value);
  });
}

function fence(code: string, lang: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${lang}\n${code}\n${ticks}`;
}

function codeSpan(text: string): string {
  const clean = text.replace(/[\r\n]+/g, " ");
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${clean.startsWith("`") || clean.endsWith("`") ? ` ${clean} ` : clean}${ticks}`;
}
