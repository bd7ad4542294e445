/**
 * Text renderings of the verdicts that moved between two runs (`compare --verdicts`): an aligned
 * table or Markdown, the most serious movements first, then the counts. Pure.
 *
 * @module
 */
import type { VerdictChanges, VerdictSide } from "../analyze/verdict_changes.ts";
import { escapeMarkdownTags, escapeTerminal } from "./escape.ts";
import { formatInterval, formatRatio, MISSING_VALUE } from "./format_number.ts";
import { renderTextTable } from "./render_text_table.ts";

function side(s: VerdictSide | null): string {
  if (s === null) return MISSING_VALUE;
  if (s.ratio === null) return `${s.verdict} n=${s.n}`;
  return `${s.verdict} ${formatRatio(s.ratio)} ${
    formatInterval(s.low, s.high, { significant: 3 })
  } n=${s.n}`;
}

/** One verdict that moved, as a row of a report's table. */
export interface VerdictChangeRow {
  movement: string;
  runtime: string;
  metric: string;
  /** The verdict before, e.g. `undetermined 1.2× [0.9, 1.6] n=3`, or — when it was not there. */
  before: string;
  after: string;
}

/**
 * The verdicts that moved (not the pairs on one side only, which `formatVerdictChanges` sums
 * per runtime) as rows, the most serious movements first; `name` turns a runtime id into the
 * name a report shows.
 */
export function verdictChangeRows(
  changes: VerdictChanges,
  name: (id: string) => string = String,
): VerdictChangeRow[] {
  return changes.moved.filter((m) => m.movement !== "gone" && m.movement !== "new").map((m) => ({
    movement: m.movement,
    runtime: name(m.runtime),
    metric: m.metric,
    before: side(m.before),
    after: side(m.after),
  }));
}

/**
 * Renders the verdicts that moved as a plain-text table (`table`) or Markdown (`md`), with a
 * closing line of counts.
 */
export function formatVerdictChanges(changes: VerdictChanges, format: "table" | "md"): string {
  const { before, after } = changes.baselines;
  const against = before === after ? before ?? "the baseline" : `${before} → ${after}`;
  const c = changes.counts;
  const summary = `Verdicts against ${against}: ${c.reversed} reversed, ${c.changed} changed, ` +
    `${c.undecided} no longer decided, ${c.decided} newly decided, ${c.gone} gone, ${c.new} new, ` +
    `${changes.unchanged} unchanged`;
  // Pairs on one side only are summed up by runtime: listing every metric of a runtime that one
  // run lacks says nothing more.
  const onOneSide = (movement: "gone" | "new") => {
    const runtimes = new Map<string, number>();
    for (const m of changes.moved) {
      if (m.movement === movement) runtimes.set(m.runtime, (runtimes.get(m.runtime) ?? 0) + 1);
    }
    return [...runtimes].map(([r, n]) => `${r} (${n})`).join(", ");
  };
  const moved = changes.moved.filter((m) => m.movement !== "gone" && m.movement !== "new");
  const notes = [
    c.gone > 0 ? `only in the first run: ${onOneSide("gone")}` : "",
    c.new > 0 ? `only in the second run: ${onOneSide("new")}` : "",
  ].filter((n) => n !== "");
  const lines = moved.length === 0 && notes.length === 0 ? [] : renderTextTable({
    title: `Verdicts against ${against} that moved (ratio to it [interval])`,
    header: ["movement", "runtime", "metric", "before", "after"],
    rows: moved.map((m) => [m.movement, m.runtime, m.metric, side(m.before), side(m.after)]),
    notes,
  }, format === "md");
  return [...lines, summary]
    .map((line) => escapeTerminal(format === "md" ? escapeMarkdownTags(line) : line)).join("\n");
}
