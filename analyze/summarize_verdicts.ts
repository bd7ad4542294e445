/**
 * The decided facts of a host group against its baseline, for the summaries that lead `analyze`,
 * `war` and the report: per runtime its decided verdicts (largest first) and how many cells
 * are undetermined. Pure.
 *
 * @module
 */
import type { BaselineVerdict, HostGroup, VerdictKind } from "../model/analysis.ts";

/** One runtime's decided verdicts. */
export interface RuntimeVerdicts {
  runtime: string;
  /** Decided worse, the largest difference first (by |ln ratio|). */
  worse: BaselineVerdict[];
  /** Decided better, the largest difference first. */
  better: BaselineVerdict[];
  /** Equivalent to the baseline within the metric's margin. */
  equivalent: BaselineVerdict[];
  /** Cells of this runtime that nothing decides (not-comparable ones left out). */
  undetermined: number;
  /** Cells of this runtime whose values are not comparable (never decided, whatever n). */
  notComparable: number;
}

/** What {@link summarizeVerdicts} returns. */
export interface VerdictSummary {
  /** The baseline, or null when the group has none (then there are no verdicts). */
  baseline: string | null;
  /** Runtime × metric cells with a verdict. */
  total: number;
  /** `undetermined` leaves out the not-comparable cells, counted in `notComparable`. */
  counts: Record<VerdictKind, number>;
  /** Cells whose values do not measure what the metric says, with their reasons. */
  notComparable: { count: number; reasons: string[] };
  /** Runtimes in the group's order, the baseline left out. */
  runtimes: RuntimeVerdicts[];
  /** Smallest and largest n behind a verdict, or null when there are none. */
  n: { min: number; max: number } | null;
}

function size(v: BaselineVerdict): number {
  return v.ratio === null ? 0 : Math.abs(Math.log(v.ratio));
}

/**
 * Counts a group's verdicts and, per runtime, lists the decided ones. A runtime is never named
 * better or worse than another here: only each against the baseline, as decided by the
 * verdict's interval (see `analyze/baseline_verdicts.ts`).
 */
export function summarizeVerdicts(group: HostGroup): VerdictSummary {
  const counts: Record<VerdictKind, number> = {
    better: 0,
    worse: 0,
    equivalent: 0,
    undetermined: 0,
  };
  const reasons = new Set<string>();
  let notComparable = 0;
  for (const v of group.verdicts) {
    if (v.notComparable !== undefined) {
      notComparable++;
      reasons.add(v.notComparable);
    } else counts[v.verdict]++;
  }
  const ns = group.verdicts.filter((v) => v.verdict !== "undetermined" || v.n > 0).map((v) => v.n);
  const runtimes = group.runtimes.filter((r) => r.id !== group.baseline.used).map((r) => {
    const mine = group.verdicts.filter((v) => v.runtime === r.id);
    const pick = (kind: VerdictKind) =>
      mine.filter((v) => v.verdict === kind).sort((a, b) =>
        size(b) - size(a) || a.metric.localeCompare(b.metric)
      );
    return {
      runtime: r.id,
      worse: pick("worse"),
      better: pick("better"),
      equivalent: pick("equivalent"),
      undetermined: mine.filter((v) => v.verdict === "undetermined" && !v.notComparable).length,
      notComparable: mine.filter((v) => v.notComparable !== undefined).length,
    };
  });
  return {
    baseline: group.baseline.used,
    total: group.verdicts.length,
    counts,
    notComparable: { count: notComparable, reasons: [...reasons] },
    runtimes,
    n: ns.length > 0 ? { min: Math.min(...ns), max: Math.max(...ns) } : null,
  };
}
