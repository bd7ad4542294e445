/**
 * How much a ranking of published values (one number per runtime and metric, no spread) depends
 * on choices the paper did not make explicit: whether values the sanity checks flag as invalid
 * count, how close two values must be to share a rank, and whether a gap would survive an
 * ordinary run-to-run spread.
 *
 * @module
 */
import type { ClaimEvaluation, ClaimValue, FlaggedValue } from "./paper_claims.ts";
import { gapSurvives } from "./paper_claims.ts";

/** One way of ranking. */
export interface RankScenario {
  id: string;
  /** Leave flagged values out (the runtime is then not ranked on that metric). */
  excludeFlagged: boolean;
  /**
   * Values within this fraction of the best value of their run of near-equal values share one
   * rank (the mean of the positions they hold); 0 ties equal values only.
   */
  tieWithin: number;
}

/** The mean ranks of one scenario. */
export interface ScenarioRanks {
  scenario: RankScenario;
  /** Per runtime: mean rank over the metrics it is ranked on, and how many those are. */
  runtimes: { runtime: string; meanRank: number; ranked: number; firsts: number }[];
  /** Runtimes with the lowest mean rank (several when equal). */
  leaders: string[];
}

/** The scenarios a replication report shows: printed or flagged left out × three tie rules. */
export const DEFAULT_RANK_SCENARIOS: readonly RankScenario[] = [
  { id: "as printed, exact ties", excludeFlagged: false, tieWithin: 0 },
  { id: "flagged left out, exact ties", excludeFlagged: true, tieWithin: 0 },
  { id: "as printed, ties within 1 %", excludeFlagged: false, tieWithin: 0.01 },
  { id: "flagged left out, ties within 1 %", excludeFlagged: true, tieWithin: 0.01 },
  { id: "as printed, ties within 5 %", excludeFlagged: false, tieWithin: 0.05 },
  { id: "flagged left out, ties within 5 %", excludeFlagged: true, tieWithin: 0.05 },
];

/** Options of {@link rankMetrics}. */
export interface RankMetricsOptions {
  /** The values flagged as invalid. */
  flagged: readonly FlaggedValue[];
  scenario: RankScenario;
}

/** Ranks per metric of one scenario: metric → runtime → fractional rank (1 = best). */
export function rankMetrics(
  values: readonly ClaimValue[],
  options: RankMetricsOptions,
): Map<string, Map<string, number>> {
  const { flagged, scenario } = options;
  const flags = new Set(flagged.map((f) => `${f.runtime}\u0000${f.metric}`));
  const byMetric = new Map<string, ClaimValue[]>();
  for (const v of values) {
    if (v.direction === "none" || v.value === null) continue;
    if (scenario.excludeFlagged && flags.has(`${v.runtime}\u0000${v.metric}`)) continue;
    const list = byMetric.get(v.metric) ?? [];
    list.push(v);
    byMetric.set(v.metric, list);
  }
  const out = new Map<string, Map<string, number>>();
  for (const [metric, list] of byMetric) {
    const sign = list[0].direction === "lower" ? 1 : -1;
    const sorted = [...list].sort((a, b) => sign * (a.value! - b.value!));
    const ranks = new Map<string, number>();
    let start = 0;
    while (start < sorted.length) {
      // A run of near-equal values: each within tieWithin of the run's best value.
      let end = start + 1;
      const head = sorted[start].value!;
      while (
        end < sorted.length &&
        Math.abs(sorted[end].value! - head) <= scenario.tieWithin * Math.abs(head)
      ) end++;
      const rank = (start + 1 + end) / 2;
      for (let i = start; i < end; i++) ranks.set(sorted[i].runtime, rank);
      start = end;
    }
    out.set(metric, ranks);
  }
  return out;
}

/**
 * Mean rank of each runtime under each scenario, and who leads. Ranks are fractional: runtimes
 * sharing a rank get the mean of the positions they hold (1 and 2 tied → 1.5 each).
 */
export function rankUnderScenarios(
  values: readonly ClaimValue[],
  options: { flagged: readonly FlaggedValue[]; scenarios?: readonly RankScenario[] },
): ScenarioRanks[] {
  const { flagged, scenarios = DEFAULT_RANK_SCENARIOS } = options;
  return scenarios.map((scenario) => {
    const perMetric = rankMetrics(values, { flagged, scenario });
    const sums = new Map<string, { total: number; ranked: number; firsts: number }>();
    for (const ranks of perMetric.values()) {
      for (const [runtime, rank] of ranks) {
        const s = sums.get(runtime) ?? { total: 0, ranked: 0, firsts: 0 };
        s.total += rank;
        s.ranked++;
        if (rank === Math.min(...ranks.values())) s.firsts++;
        sums.set(runtime, s);
      }
    }
    const runtimes = [...sums].map(([runtime, s]) => ({
      runtime,
      meanRank: s.total / s.ranked,
      ranked: s.ranked,
      firsts: s.firsts,
    })).sort((a, b) => a.meanRank - b.meanRank || a.runtime.localeCompare(b.runtime));
    const best = runtimes[0]?.meanRank;
    return {
      scenario,
      runtimes,
      leaders: runtimes.filter((r) => r.meanRank === best).map((r) => r.runtime),
    };
  });
}

/** Options of {@link orderingRobustness} and {@link claimRobustness}. */
export interface RobustnessOptions {
  /** The values flagged as invalid (left out). */
  flagged?: readonly FlaggedValue[];
  /** Assumed run-to-run coefficients of variation, e.g. [0.02, 0.05]. */
  cvs: readonly number[];
  /** Runs behind a value whose source does not say (default 3). */
  assumedN?: number;
}

/** Whether each adjacent gap of one metric's order survives each assumed spread. */
export interface MetricRobustness {
  metric: string;
  direction: "higher" | "lower";
  /** Valid runtimes, best first. */
  order: string[];
  /** Gap i lies between order[i] and order[i + 1]: ratio worse ÷ better (≥ 1 = gap size). */
  gaps: { better: string; worse: string; factor: number; survives: boolean[] }[];
  /** n used per runtime, and whether it was assumed. */
  nAssumed: boolean;
}

function nOf(v: ClaimValue, assumedN: number): number {
  return v.n !== undefined && v.n >= 2 ? v.n : assumedN;
}

/**
 * For each metric (flagged values left out): the order of the runtimes and whether each gap
 * between neighbours survives each assumed CV ({@link gapSurvives}, with the n each table
 * states, or `assumedN` where it states none).
 */
export function orderingRobustness(
  values: readonly ClaimValue[],
  options: RobustnessOptions,
): MetricRobustness[] {
  const assumedN = options.assumedN ?? 3;
  const flagged = options.flagged ?? [];
  const flags = new Set(flagged.map((f) => `${f.runtime}\u0000${f.metric}`));
  const byMetric = new Map<string, ClaimValue[]>();
  for (const v of values) {
    if (v.direction === "none" || v.value === null || v.value <= 0) continue;
    if (flags.has(`${v.runtime}\u0000${v.metric}`)) continue;
    byMetric.set(v.metric, [...(byMetric.get(v.metric) ?? []), v]);
  }
  return [...byMetric].map(([metric, list]) => {
    const direction = list[0].direction as "higher" | "lower";
    const sorted = [...list].sort((a, b) =>
      direction === "lower" ? a.value! - b.value! : b.value! - a.value!
    );
    const gaps = sorted.slice(1).map((worse, i) => {
      const better = sorted[i];
      return {
        better: better.runtime,
        worse: worse.runtime,
        factor: direction === "lower" ? worse.value! / better.value! : better.value! / worse.value!,
        survives: options.cvs.map((cv) =>
          gapSurvives(better.value!, worse.value!, {
            direction,
            cv,
            nA: nOf(better, assumedN),
            nB: nOf(worse, assumedN),
          })
        ),
      };
    });
    return {
      metric,
      direction,
      order: sorted.map((v) => v.runtime),
      gaps,
      nAssumed: list.some((v) => v.n === undefined || v.n < 2),
    };
  });
}

/**
 * Whether a claim's holding, counted checks keep holding under each assumed CV: every ordering
 * they rely on ([better, worse] pairs) must survive ({@link gapSurvives}). null per CV when no
 * counted check orders runtimes (e.g. a claim of similarity, or one resting on flagged values).
 */
export function claimRobustness(
  evaluation: ClaimEvaluation,
  options: RobustnessOptions & { values: readonly ClaimValue[] },
): (boolean | null)[] {
  const { values } = options;
  const assumedN = options.assumedN ?? 3;
  const lookup = new Map(values.map((v) => [`${v.runtime}\u0000${v.metric}`, v]));
  const pairs = evaluation.checks
    .filter((c) => !c.restsOnFlagged && c.holds === true)
    .flatMap((c) => c.orderings.map(([a, b]) => [c.metric, a, b] as const));
  if (pairs.length === 0) return options.cvs.map(() => null);
  return options.cvs.map((cv) =>
    pairs.every(([metric, a, b]) => {
      const va = lookup.get(`${a}\u0000${metric}`)!;
      const vb = lookup.get(`${b}\u0000${metric}`)!;
      return gapSurvives(va.value!, vb.value!, {
        direction: va.direction as "higher" | "lower",
        cv,
        nA: nOf(va, assumedN),
        nB: nOf(vb, assumedN),
      });
    })
  );
}
