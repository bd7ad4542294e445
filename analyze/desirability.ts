/**
 * Derringer–Suich desirability (Derringer & Suich 1980): each metric mapped to d ∈ [0, 1],
 * combined per category and with a security-posture score into one weighted geometric mean per
 * runtime, then ranked into a recommendation for a workload profile.
 *
 * @module
 */
import type {
  DesirabilityBounds,
  HostGroup,
  MetricAnalysis,
  Profile,
  Recommendation,
  RecommendationEntry,
} from "../model/analysis.ts";
import { type Category, CategorySchema, type Direction } from "../model/result_set.ts";
import { securityPostureOf } from "./security_posture.ts";

/**
 * Share of the observed range by which data-derived bounds are widened on the unacceptable
 * side, so that the worst observed runtime gets a small positive d instead of a veto.
 */
export const DATA_BOUND_MARGIN = 0.1;

/** Options of {@link desirability}: which way is better, and the bounds. */
export type DesirabilityOptions = DesirabilityBounds & { direction: Direction };

/** Options of {@link recommend}. */
export interface RecommendOptions {
  /** The runtimes to rank (a host group's). */
  runtimes: HostGroup["runtimes"];
  profile: Profile;
}

/**
 * One-sided Derringer–Suich desirability of `y`. Larger is better: d = ((y − L) ÷ (T − L))^s
 * between the unacceptable value L and the target T, 0 below L and 1 above T; smaller is
 * better mirrors it (d = ((U − y) ÷ (U − T))^s).
 *
 * @example
 * ```ts
 * desirability(75, { direction: "higher", unacceptable: 50, target: 100 }); // 0.5
 * ```
 */
export function desirability(y: number, options: DesirabilityOptions): number {
  const s = options.shape ?? 1;
  const { unacceptable: u, target: t, direction } = options;
  if (u === t) return 1;
  const fraction = direction === "lower" ? (u - y) / (u - t) : (y - u) / (t - u);
  if (fraction <= 0) return 0;
  if (fraction >= 1) return 1;
  return fraction ** s;
}

/**
 * Bounds from the observed values: target = best value, unacceptable = worst value moved
 * {@link DATA_BOUND_MARGIN} of the range further away — but never below 0 when higher is
 * better and no value is negative: zero throughput is unacceptable (d = 0, a veto), not merely
 * the worst. Null when there are no values.
 */
export function dataBounds(values: number[], direction: Direction): DesirabilityBounds | null {
  if (values.length === 0) return null;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const margin = DATA_BOUND_MARGIN * (max - min);
  if (direction === "lower") return { unacceptable: max + margin, target: min };
  return { unacceptable: min >= 0 ? Math.max(0, min - margin) : min - margin, target: max };
}

function weightedGeometricMean(parts: { d: number; w: number }[]): number | null {
  const total = parts.reduce((s, p) => s + p.w, 0);
  if (!(total > 0)) return null;
  let log = 0;
  for (const p of parts) {
    if (p.w === 0) continue;
    if (p.d <= 0) return 0;
    log += (p.w / total) * Math.log(p.d);
  }
  return Math.exp(log);
}

function fmt(x: number): string {
  return x.toFixed(2);
}

/**
 * Ranks a group's runtimes for a profile. Per ranked metric the profile weighs (category weight
 * > 0, or a per-metric weight), d comes from the profile's explicit bounds or from the data
 * ({@link dataBounds}); per category, D_c is the weighted geometric mean of its metrics' d; the
 * overall D is the weighted geometric mean of the D_c and the runtime's security-posture score,
 * with the profile's weights renormalised over the categories the runtime has data for (a
 * missing category is named in the reasons, not scored as zero).
 */
export function recommend(metrics: MetricAnalysis[], options: RecommendOptions): Recommendation {
  const { profile } = options;
  const notes: string[] = [];
  const categories = CategorySchema.options as Category[];
  const weightOf = (m: MetricAnalysis) =>
    (profile.weights[m.category] ?? 0) > 0 ? (profile.metricWeights?.[m.metric] ?? 1) : 0;
  const used = metrics.filter((m) => m.direction !== "none" && weightOf(m) > 0);
  const bounds = new Map<string, DesirabilityBounds>();
  for (const m of used) {
    const given = profile.bounds?.[m.metric];
    const values = m.summaries.map((s) => s.central).filter((v): v is number => v !== null);
    const b = given ?? dataBounds(values, m.direction);
    if (b) bounds.set(m.metric, b);
  }
  const weighted = categories.filter((c) => (profile.weights[c] ?? 0) > 0);
  const withData = new Set(used.map((m) => m.category));
  const absent = weighted.filter((c) => !withData.has(c));
  if (absent.length > 0) {
    notes.push(
      `the profile weighs ${absent.join(", ")} but this group has no ranked metric ` +
        "there: left out for every runtime",
    );
  }
  const untested = used.filter((m) => m.ranking?.significance !== "tested").length;
  if (untested > 0) {
    notes.push(
      `${untested} of the ${used.length} weighed metrics have no decided comparisons ` +
        "(published values carry no spread): small differences in D may be noise",
    );
  }
  const tiedAtTop = used.filter((m) =>
    m.ranking?.significance === "tested" &&
    m.ranking.entries.filter((e) => e.rank === 1).length > 1
  ).length;
  if (tiedAtTop > 0) {
    notes.push(
      `on ${tiedAtTop} of the ${used.length} weighed metrics several runtimes may rank ` +
        "first (they are not decided apart), yet D still uses their medians",
    );
  }
  const entries: RecommendationEntry[] = options.runtimes.map((runtime) => {
    const posture = securityPostureOf(runtime.isolation);
    const reasons: string[] = [];
    const perCategory = weighted.filter((c) => withData.has(c)).map((category) => {
      const parts = used
        .filter((m) => m.category === category)
        .map((m) => {
          const value = m.summaries.find((s) => s.runtime === runtime.id)?.central ?? null;
          const b = bounds.get(m.metric);
          return value === null || !b
            ? null
            : { d: desirability(value, { ...b, direction: m.direction }), w: weightOf(m) };
        })
        .filter((p): p is { d: number; w: number } => p !== null);
      return {
        category,
        desirability: parts.length > 0 ? weightedGeometricMean(parts) : null,
        weight: profile.weights[category] ?? 0,
        metricsUsed: parts.length,
      };
    });
    const scored = perCategory.filter((c) => c.desirability !== null);
    const missing = perCategory.filter((c) => c.desirability === null).map((c) => c.category);
    const overall = scored.length === 0 ? null : weightedGeometricMean([
      ...scored.map((c) => ({ d: c.desirability!, w: c.weight })),
      { d: posture.score, w: profile.security },
    ]);
    if (scored.length > 0) {
      const best = scored.reduce((a, b) => (b.desirability! > a.desirability! ? b : a));
      const worst = scored.reduce((a, b) => (b.desirability! < a.desirability! ? b : a));
      reasons.push(
        `strongest: ${best.category} (d = ${fmt(best.desirability!)}, weight ${best.weight})`,
      );
      if (worst !== best) {
        reasons.push(
          `weakest: ${worst.category} (d = ${fmt(worst.desirability!)}, weight ${worst.weight})`,
        );
      }
      const vetoed = scored.filter((c) => c.desirability === 0).map((c) => c.category);
      if (vetoed.length > 0) {
        reasons.push(`unacceptable in ${vetoed.join(", ")} (d = 0 at the profile's bounds)`);
      }
    } else {
      reasons.push("no value on any metric this profile weighs");
    }
    reasons.push(
      `security ${fmt(posture.score)} (${runtime.isolation}, weight ${profile.security})`,
    );
    if (missing.length > 0) {
      reasons.push(`no data for ${missing.join(", ")}: scored without it`);
    }
    if (runtime.historical) reasons.push("published data only: cannot be measured again here");
    return {
      runtime: runtime.id,
      rank: null,
      desirability: overall,
      security: posture.score,
      categories: perCategory,
      reasons,
    };
  });
  const order = entries
    .filter((e) => e.desirability !== null)
    .sort((a, b) => b.desirability! - a.desirability!);
  let position = 0;
  order.forEach((e, i) => {
    if (i === 0 || e.desirability !== order[i - 1].desirability) position = i + 1;
    e.rank = position;
  });
  entries.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
  return {
    profile: { id: profile.id, name: profile.name, description: profile.description },
    method: "Derringer–Suich one-sided desirability per metric (bounds from the profile or from " +
      `the data, worst value widened by ${DATA_BOUND_MARGIN * 100} % of the range), weighted ` +
      "geometric mean per category, then with the security-posture score, weights renormalised " +
      "over the categories a runtime has data for",
    entries,
    notes,
  };
}
