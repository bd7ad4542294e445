/**
 * The verdicts of a budgeted collection (`collect --budget`) as its looks made them. Its looks
 * split the error rate between them (collect/budget_policy.ts); a verdict taken afresh from the
 * final data at the nominal level would spend that rate again on every cell the looks left open,
 * and could declare a difference the run itself did not. So for a group made of one budgeted
 * result set, compared with the baseline the run decided against, each verdict is the one its
 * looks recorded: decided at a look, or undetermined at the last one. Pure.
 *
 * @module
 */
import type { BaselineVerdict } from "../model/analysis.ts";
import type { BudgetDesign, BudgetVerdict, ResultSet } from "../model/result_set.ts";
import { marginPosition } from "./verdict.ts";

function look(v: BudgetVerdict, design: BudgetDesign): string {
  return `look ${v.look + 1} of ${design.looksMade} of a ${
    Math.round(design.budgetMs / 60_000)
  } min budget`;
}

function positionOf(v: BudgetVerdict, margin: number) {
  return v.low === null || v.high === null
    ? { beyondMargin: false, withinMargin: false }
    : marginPosition(v.low, v.high, margin);
}

/**
 * `verdicts` (taken afresh by {@link baselineVerdicts}) with those of the budgeted run put in
 * their place when `sets` is one budgeted result set whose baseline is `baseline`; otherwise
 * `verdicts` unchanged. Not-comparable verdicts stay as they are. A verdict the looks did not
 * record (a cell stopped before any look, an interrupted run) is undetermined.
 */
export function withBudgetVerdicts(
  verdicts: BaselineVerdict[],
  sets: readonly ResultSet[],
  baseline: string,
): BaselineVerdict[] {
  const design = sets.length === 1 ? sets[0].budget : undefined;
  if (!design || design.baseline !== baseline) return verdicts;
  const recorded = new Map(design.verdicts.map((v) => [`${v.runtime}\u0000${v.metric}`, v]));
  return verdicts.map((v): BaselineVerdict => {
    if (v.notComparable !== undefined) return v;
    const r = recorded.get(`${v.runtime}\u0000${v.metric}`);
    if (r === undefined) {
      if (v.verdict === "undetermined") return v;
      return {
        ...v,
        verdict: "undetermined",
        beyondMargin: false,
        withinMargin: false,
        reason: "the budgeted run's looks never decided this one (its cell stopped before a " +
          `look, or the run was interrupted); the final data alone say ${v.verdict}, but at a ` +
          "level its looks did not reserve",
      };
    }
    const decided = r.verdict !== "undetermined";
    const position = positionOf(r, v.margin);
    return {
      ...v,
      ratio: r.ratio,
      low: r.low,
      high: r.high,
      level: r.level,
      method: `${v.method}; ${decided ? "decided at" : "still undetermined at"} ${
        look(r, design)
      } (collect --budget: the error rate split over the looks)`,
      verdict: r.verdict,
      beyondMargin: decided && r.verdict !== "equivalent" && position.beyondMargin,
      withinMargin: position.withinMargin,
      n: r.n,
      baselineN: r.baselineN,
      reason: r.reason,
    };
  });
}
