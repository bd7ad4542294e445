/**
 * Which scheduling policy a run's record asks for.
 *
 * @module
 */
import type { AdaptiveTarget } from "./adaptive.ts";
import { budgetPolicy, type BudgetTarget } from "./budget_policy.ts";
import type { MetricInfo } from "../model/result_set.ts";
import { fixedRoundsPolicy, type SchedulingPolicy, targetCiPolicy } from "./scheduler.ts";

/**
 * The policy of a run's record: the budget policy with `budget` (verdicts on `metrics`),
 * `targetCiPolicy` with `adaptive`, else fixed rounds. `notComparable`: the cells known not to be
 * comparable (collect/mark_not_comparable.ts), which a budget measures once only.
 */
export function policyOf(
  record: { adaptive?: AdaptiveTarget; repetitions?: number; budget?: BudgetTarget },
  metrics: readonly Pick<MetricInfo, "id" | "benchmark" | "direction">[] = [],
  notComparable: ReadonlyMap<string, string> = new Map(),
): SchedulingPolicy {
  if (record.budget) return budgetPolicy({ ...record.budget, metrics, notComparable });
  return record.adaptive
    ? targetCiPolicy(record.adaptive)
    : fixedRoundsPolicy(record.repetitions ?? 0);
}
