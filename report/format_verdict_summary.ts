/**
 * The decided facts of a host group as text lines: what `war` prints at the end and what
 * `analyze` leads with. Only verdicts against the baseline are stated; no runtime is named
 * best from a difference nothing decided.
 *
 * @module
 */
import type { BaselineVerdict, HostGroup } from "../model/analysis.ts";
import { summarizeVerdicts } from "../analyze/summarize_verdicts.ts";
import { escapeTerminal } from "./escape.ts";
import { formatNumber, formatRatio } from "./format_number.ts";

/** What to do about undetermined cells, as the summaries say it. */
export const HOW_TO_DECIDE =
  "collect --budget 45m spends a time budget on them, the closest to a decision first; more " +
  "repetitions (collect --repetitions N or --target-ci) also narrow the intervals";

/**
 * What a budgeted run said, when its time ran out, deciding the rest would take: the clause after
 * "to decide them: " of its end reason (collect/budget_policy.ts's describeOutlook), or undefined.
 */
export function budgetOutlook(endReason: string | undefined): string | undefined {
  return endReason?.match(/; to decide them: (.*)$/)?.[1];
}

/** Options of {@link formatVerdictSummary}. */
export interface VerdictSummaryOptions {
  /** Decided verdicts listed per runtime (the largest first); default 3. */
  perRuntime?: number;
  /**
   * What deciding the undetermined cells would take, when the run knows better than the general
   * advice (a budgeted run's own outlook); default {@link HOW_TO_DECIDE}.
   */
  howToDecide?: string;
}

function marginText(v: BaselineVerdict): string {
  return `±${formatNumber(v.margin * 100, { significant: 3 })} %`;
}

/**
 * One decided verdict as a line, e.g. `runsc-ptrace: syscalls.getppid worse, 45× [17×, 122×]`
 * or `podman-runc: sysbench_cpu.events_per_second equivalent to native within ±5 %`. The
 * ratio is runtime ÷ baseline of the metric's values; a decided difference whose interval
 * lies inside the margin says so.
 */
export function formatVerdictLine(v: BaselineVerdict): string {
  if (v.verdict === "equivalent") {
    return `${v.runtime}: ${v.metric} equivalent to ${v.baseline} within ${marginText(v)}`;
  }
  if (v.verdict === "undetermined") {
    return `${v.runtime}: ${v.metric} undetermined (${v.reason})`;
  }
  const interval = v.low === null || v.high === null
    ? ""
    : ` [${formatRatio(v.low)}, ${formatRatio(v.high)}]`;
  const small = v.withinMargin ? `, within ${marginText(v)}: too small to matter` : "";
  return `${v.runtime}: ${v.metric} ${v.verdict}, ${formatRatio(v.ratio)}${interval}${small}`;
}

/**
 * The decided verdicts of a group against its baseline as lines: the counts, per runtime its
 * largest decided differences and equivalences, then the number of undetermined cells and how
 * to decide them. Without a baseline it says there is nothing decided and why.
 */
export function formatVerdictSummary(
  group: HostGroup,
  options: VerdictSummaryOptions = {},
): string {
  const limit = options.perRuntime ?? 3;
  const s = summarizeVerdicts(group);
  const lines: string[] = [];
  if (s.baseline === null || s.total === 0) {
    lines.push(
      s.baseline === null
        ? `No verdicts for host group ${group.id}: it has no baseline runtime (name one with ` +
          "--baseline), so nothing is decided and no runtime is named best."
        : `No verdicts for host group ${group.id}: no ranked metric. Nothing is decided.`,
    );
    return lines.map((l) => escapeTerminal(l)).join("\n");
  }
  const { counts } = s;
  const decided = counts.worse + counts.better + counts.equivalent;
  const nText = s.n === null
    ? ""
    : s.n.min === s.n.max
    ? ` at n = ${s.n.min}`
    : ` at n = ${s.n.min}–${s.n.max}`;
  lines.push(
    `Decided against ${s.baseline}${nText} (each metric's intervals simultaneous; margins ` +
      `per metric): ${decided} of ${s.total} cells — ${counts.worse} worse, ${counts.better} ` +
      `better, ${counts.equivalent} equivalent.`,
  );
  const quiet: string[] = [];
  for (const r of s.runtimes) {
    const shown = [...r.worse, ...r.better, ...r.equivalent];
    if (shown.length === 0) {
      quiet.push(r.runtime);
      continue;
    }
    lines.push(
      `  ${r.runtime}: ${r.worse.length} worse, ${r.better.length} better, ` +
        `${r.equivalent.length} equivalent, ${r.undetermined} undetermined`,
    );
    const picked = [
      ...r.worse.slice(0, limit),
      ...r.better.slice(0, limit),
      ...r.equivalent.slice(0, limit),
    ];
    for (const v of picked) lines.push(`    ${formatVerdictLine(v)}`);
    const more = shown.length - picked.length;
    if (more > 0) lines.push(`    … and ${more} more decided (analyze --format md lists all)`);
  }
  if (quiet.length > 0) {
    lines.push(`  nothing decided for ${quiet.join(", ")}`);
  }
  if (s.notComparable.count > 0) {
    lines.push(
      `Not comparable: ${s.notComparable.count} of ${s.total} cells, left out of every ` +
        `comparison (${s.notComparable.reasons.join("; ")}).`,
    );
  }
  lines.push(
    counts.undetermined === 0
      ? "Every cell is decided."
      : `Undetermined: ${counts.undetermined} of ${s.total} cells (differences the intervals ` +
        `cannot tell from 1, nor bound inside the margin); ${
          options.howToDecide ?? HOW_TO_DECIDE
        }.`,
  );
  return lines.map((l) => escapeTerminal(l)).join("\n");
}
