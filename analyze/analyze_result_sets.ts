/**
 * The entry point of the analysis: result sets in, one {@link Analysis} out.
 *
 * @module
 */
import type { ResultSet } from "../model/result_set.ts";
import {
  type Analysis,
  ANALYSIS_SCHEMA_VERSION,
  type HostGroup,
  type Profile,
  type Recommendation,
} from "../model/analysis.ts";
import { groupValues } from "./_group_values.ts";
import { analyzeMetric } from "./analyze_metric.ts";
import { categoryScores, winsAndLosses } from "./category_scores.ts";
import { checkSanity } from "./check_sanity.ts";
import { recommend } from "./desirability.ts";
import { BUILTIN_PROFILES } from "./profiles.ts";
import { createRandom } from "./random.ts";
import { SECURITY_POSTURE } from "./security_posture.ts";
import { baselineVerdicts } from "./baseline_verdicts.ts";
import { withBudgetVerdicts } from "./budget_verdicts.ts";
import { scoringTable } from "./scoring_table.ts";
import { assessSecurity, securityModel } from "./security_score.ts";
import { DEFAULT_MARGINS, marginFor, type Margins } from "../model/margins.ts";

/** Options of {@link analyzeResultSets}. */
export interface AnalyzeOptions {
  /** Runtime id that ratios are taken against; default `native`. */
  baseline?: string;
  /**
   * True when the caller named the baseline (default: true when `baseline` is given): then a
   * group without it is an error listing the ids it has. When false and the baseline is absent,
   * ratios are to the best runtime of each metric.
   */
  baselineExplicit?: boolean;
  /** Seed of the pseudo-random generator used by the bootstrap; default 1. */
  seed?: number;
  /** Confidence level of every interval; default 0.95. */
  confidenceLevel?: number;
  /** Significance level after Holm's correction; default 0.05. */
  alpha?: number;
  /** Upper limit of bootstrap resamples per interval; default 2000 (fewer for large n). */
  bootstrapResamples?: number;
  /** Analyse all hosts as one group instead of one group per `host.id`. */
  pool?: boolean;
  /** Workload profiles to recommend for; default: the built-in profiles. */
  profiles?: Profile[];
  /** A label per result set (e.g. its file name), in the same order as the sets. */
  labels?: string[];
  /** CV above which a runtime's samples are flagged as highly variable; default 0.10. */
  cvWarningThreshold?: number;
  /** Practical margins δ per metric for the verdicts; default `config/margins.json`. */
  margins?: Margins;
}

/**
 * Analyses result sets: groups them by host (or pools them on request), summarises every
 * runtime × metric, compares runtimes with the baseline and with each other, ranks them, scores
 * categories, recommends runtimes per workload profile and checks the data for impossible or
 * inconsistent values. Pure: no I/O, no clock; randomness comes from `options.seed`.
 *
 * @example
 * ```ts
 * const analysis = analyzeResultSets([set], { seed: 1 });
 * for (const m of analysis.groups[0].metrics) console.log(m.metric, m.ranking?.entries);
 * ```
 */
export function analyzeResultSets(sets: ResultSet[], options: AnalyzeOptions = {}): Analysis {
  const baseline = options.baseline ?? DEFAULT_BASELINE;
  const baselineExplicit = options.baselineExplicit ?? options.baseline !== undefined;
  const seed = Math.trunc(options.seed ?? 1);
  const level = options.confidenceLevel ?? 0.95;
  const alpha = options.alpha ?? 0.05;
  const maxResamples = Math.max(1, Math.trunc(options.bootstrapResamples ?? 2000));
  const pool = options.pool ?? false;
  const profiles = options.profiles ?? BUILTIN_PROFILES;
  const cvThreshold = options.cvWarningThreshold ?? 0.1;
  const margins = options.margins ?? DEFAULT_MARGINS;
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  }
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (options.labels && options.labels.length !== sets.length) {
    throw new RangeError(
      `got ${options.labels.length} labels for ${sets.length} result sets; give one per set`,
    );
  }
  const labelled = sets.map((set, i) => ({
    set,
    ...(options.labels ? { label: options.labels[i] } : {}),
  }));
  const grouped = groupValues(labelled, pool);
  const notes: string[] = [];
  if (sets.length === 0) notes.push("no result sets given: nothing to analyse");
  if (!pool && grouped.length > 1) {
    notes.push(
      `${grouped.length} hosts (${grouped.map((g) => g.id).join(", ")}) are analysed as ` +
        "separate groups; pool them (--pool) to compare across hosts",
    );
  }
  for (const set of sets) {
    const noise = set.hostNoise;
    if (!noise || (noise.stepsRerun === 0 && noise.stepsDisturbed === 0)) continue;
    notes.push(
      `${set.runId}: the host disturbed ${noise.stepsRerun} of ${noise.stepsWatched} steps, ` +
        `which were run again; ${noise.stepsDisturbed} kept values are still disturbed ` +
        `(${noise.rule})`,
    );
  }
  if (pool && new Set(sets.map((s) => s.host.id)).size > 1) {
    notes.push(
      "hosts were pooled on request: differences between hosts are mixed into every " +
        "comparison of runtimes",
    );
  }
  const groups: HostGroup[] = grouped.map((g) => {
    const ids = g.runtimes.map((r) => r.id);
    const has = ids.includes(baseline);
    if (!has && baselineExplicit) {
      throw new RangeError(
        `baseline "${baseline}" is not a runtime of host group "${g.id}"; its runtimes are: ` +
          `${ids.join(", ")}`,
      );
    }
    const metrics = g.metrics.map((m) =>
      analyzeMetric(m, {
        baseline: has ? baseline : null,
        level,
        alpha,
        random: createRandom(seed ^ hashString(`${g.id}\u0000${m.info.id}`)),
        seed,
        maxResamples,
        margin: marginFor(margins, m.info.id).margin,
      })
    );
    const verdicts = has
      ? withBudgetVerdicts(
        g.metrics.flatMap((m) => {
          const { margin, rule } = marginFor(margins, m.info.id);
          return baselineVerdicts(m, { baseline, runtimes: ids, margin, marginRule: rule, level });
        }),
        g.sets.map((s) => s.set),
        baseline,
      )
      : [];
    const group: HostGroup = {
      id: g.id,
      description: g.description,
      hostIds: g.hostIds,
      pooled: g.pooled,
      sources: g.sources,
      runtimes: g.runtimes.map((r) => ({
        id: r.id,
        name: r.name,
        isolation: r.isolation,
        historical: r.historical,
        ...(r.platform ? { platform: r.platform } : {}),
      })),
      baseline: {
        requested: baseline,
        used: has ? baseline : null,
        note: has
          ? `ratios are to "${baseline}"`
          : `no runtime "${baseline}" in this group: ratios and category scores are to the ` +
            "best runtime of each metric (scores ≤ 1, 1 = best), and there are no verdicts " +
            "(they need a baseline: --baseline)",
      },
      metrics,
      verdicts,
      categories: categoryScores(metrics, ids),
      winsLosses: winsAndLosses(metrics, ids),
      recommendations: [],
      sanity: checkSanity(g, metrics, { cvThreshold }),
    };
    const scoring = has && profiles.length > 0
      ? scoringTable(g.metrics, metrics, {
        baseline,
        level,
        seed,
        marginOf: (metric) => marginFor(margins, metric).margin,
        exclude: (metric, runtime) => {
          const summary = metrics.find((m) => m.metric === metric)?.summaries
            .find((s) => s.runtime === runtime);
          return summary?.notComparable && summary.central === null
            ? `not comparable: ${summary.notComparable.reason}`
            : null;
        },
      })
      : null;
    const security = assessSecurity(metrics, { runtimes: group.runtimes });
    // Only a group the probe measured carries assessments: older analyses stay as they were.
    if (security.some((s) => s.measured)) group.security = security;
    group.recommendations = profiles.map((p) =>
      flagDoubtfulValues(
        recommend(scoring, {
          runtimes: group.runtimes,
          profile: p,
          level,
          ...(group.security ? { security } : {}),
        }),
        group,
      )
    );
    return group;
  });
  return {
    schemaVersion: ANALYSIS_SCHEMA_VERSION,
    settings: {
      baseline,
      baselineExplicit,
      seed,
      confidenceLevel: level,
      alpha,
      bootstrapResamples: maxResamples,
      pooled: pool,
      profiles: profiles.map((p) => p.id),
      cvWarningThreshold: cvThreshold,
    },
    securityPosture: [...SECURITY_POSTURE],
    ...(groups.some((g) => g.security) ? { securityModel: securityModel() } : {}),
    groups,
    notes,
  };
}

/**
 * Adds a reason to each recommended runtime whose values in the profile's categories are
 * flagged by an error or warning of the sanity checks, so a recommendation never hides that it
 * rests on doubtful data.
 */
function flagDoubtfulValues(rec: Recommendation, group: HostGroup): Recommendation {
  for (const entry of rec.entries) {
    const weighed = new Set(
      entry.categories.filter((c) => c.metricsUsed > 0).map((c) => c.category),
    );
    const rules = new Set<string>();
    for (const f of group.sanity) {
      if (f.severity === "info") continue;
      const hit = f.values.some((v) => {
        if (v.runtime !== entry.runtime || v.metric === undefined) return false;
        const metric = group.metrics.find((m) => m.metric === v.metric);
        return metric !== undefined && weighed.has(metric.category);
      });
      if (hit) rules.add(f.rule);
    }
    if (rules.size > 0) {
      entry.reasons.push(
        `rests partly on values the sanity checks doubt (${[...rules].join(", ")})`,
      );
    }
  }
  return rec;
}

/** The baseline runtime id used when none is given. */
export const DEFAULT_BASELINE = "native";

/** FNV-1a hash of a string (32 bits), to give each metric its own reproducible random stream. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
