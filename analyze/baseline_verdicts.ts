/**
 * The verdicts of every runtime against the baseline on one metric, with the intervals of the
 * metric made simultaneous.
 *
 * @module
 */
import type { BaselineVerdict } from "../model/analysis.ts";
import type { MetricValues, RuntimeValues } from "./_group_values.ts";
import { bonferroniLevel, decideVerdict } from "./verdict.ts";

/** Options of {@link baselineVerdicts}. */
export interface BaselineVerdictOptions {
  /** The baseline runtime id. */
  baseline: string;
  /** Every runtime of the group, in the order the verdicts list them. */
  runtimes: readonly string[];
  /** The metric's margin δ as a fraction, and the rule of the margin file that gave it. */
  margin: number;
  marginRule: string;
  /** Level at which the metric's intervals hold together, e.g. 0.95. */
  level: number;
}

function usable(rv: RuntimeValues | undefined): boolean {
  return rv !== undefined && rv.values.length >= 2 && rv.values.every((v) => v > 0);
}

/**
 * One verdict per runtime (the baseline left out) on a metric with direction `higher` or
 * `lower` ({@link decideVerdict}). False decisions are controlled across the runtimes of the
 * metric: each of the k intervals that can be made is at level 1 − (1 − level)/k (Bonferroni),
 * so that all hold together with probability ≥ `level` and the chance of any false `better` or
 * `worse` on the metric stays ≤ 1 − level. A runtime without samples, or the baseline without
 * them, gets `undetermined` with the reason. Returns [] for direction `none`.
 */
export function baselineVerdicts(
  values: MetricValues,
  options: BaselineVerdictOptions,
): BaselineVerdict[] {
  const { info } = values;
  if (info.direction === "none") return [];
  const direction = info.direction;
  const base = values.runtimes.get(options.baseline);
  const others = options.runtimes.filter((r) => r !== options.baseline);
  const comparisons = usable(base)
    ? others.filter((r) => usable(values.runtimes.get(r))).length
    : 0;
  const level = bonferroniLevel(options.level, comparisons);
  // The baseline's logarithms, taken once for all the runtimes compared with it.
  const logCache = new WeakMap<object, Float64Array>();
  return others.map((runtime) => {
    const rv = values.runtimes.get(runtime);
    const row = {
      metric: info.id,
      runtime,
      baseline: options.baseline,
      margin: options.margin,
      marginRule: options.marginRule,
      comparisons,
    };
    const missing = (side: string, what: RuntimeValues | undefined) =>
      what === undefined
        ? `${side} has no value of this metric`
        : what.values.length === 0 && what.notComparable
        ? `${side}'s values are not comparable (${what.notComparable.reason})`
        : what.values.length === 0 && what.published.length > 0
        ? `${side} has only published values, which carry no spread`
        : what.values.length === 0
        ? `${side} has no samples of this metric${
          what.failures.length > 0 ? ` (${what.failures.length} failed run(s))` : ""
        }`
        : null;
    const absent = missing("the baseline", base) ?? missing("the runtime", rv);
    if (absent !== null) {
      const notComparable = [base, rv].find((x) => x?.values.length === 0 && x.notComparable)
        ?.notComparable?.reason;
      return {
        ...row,
        ...(notComparable !== undefined ? { notComparable } : {}),
        ratio: null,
        low: null,
        high: null,
        level: null,
        method: "none",
        verdict: "undetermined" as const,
        beyondMargin: false,
        withinMargin: false,
        n: rv?.values.length ?? 0,
        baselineN: base?.values.length ?? 0,
        reason: `${absent}: nothing decided`,
      };
    }
    const v = decideVerdict(base!.values, rv!.values, {
      direction,
      margin: options.margin,
      level,
      logCache,
    });
    return {
      ...row,
      ratio: v.ratio,
      low: v.low,
      high: v.high,
      level: v.level,
      method: v.level === null ? v.method : `${v.method}; one of ${comparisons} simultaneous ` +
        `intervals (Bonferroni: together ≥ ${options.level * 100} %)`,
      verdict: v.verdict,
      beyondMargin: v.beyondMargin,
      withinMargin: v.withinMargin,
      n: v.n,
      baselineN: v.baselineN,
      reason: v.reason,
    };
  });
}
