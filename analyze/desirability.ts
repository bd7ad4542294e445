/**
 * Derringer–Suich desirability (Derringer & Suich 1980) on ratios to the baseline: per category
 * the geometric mean of a runtime's cost ratios is mapped to d ∈ [0, 1] by the profile's bounds,
 * then combined with the security score (measured, or the isolation class's estimate) into one
 * weighted geometric mean D per runtime.
 * D depends only on the runtime's own samples, the baseline's and the profile: adding or
 * removing another runtime never changes it, nor the order of the others.
 *
 * @module
 */
import type {
  BoundsScale,
  CategoryBounds,
  HostGroup,
  Profile,
  Recommendation,
  RecommendationEntry,
  SecurityAssessment,
} from "../model/analysis.ts";
import { type Category, CategorySchema } from "../model/result_set.ts";
import type { ScoringCell, ScoringMetric, ScoringTable } from "./scoring_table.ts";
import { securityPostureOf } from "./security_posture.ts";
import { checkSecurityRequirement, type RequirementCheck } from "./security_score.ts";

/**
 * Bounds of a category a profile gives none for: the ratio to the baseline at which d = 1 and
 * at which d = 0. CPU and memory on a linear scale (50 % slower is unacceptable); the others
 * on a log scale, as their ratios to a plain process span orders of magnitude (a container
 * starts 5–300× slower than a process, gVisor's system calls cost ~40×).
 */
export const DEFAULT_CATEGORY_BOUNDS: Readonly<Record<Category, Required<CategoryBounds>>> = {
  cpu: { target: 1, unacceptable: 1.5, scale: "linear", shape: 1 },
  memory: { target: 1, unacceptable: 1.5, scale: "linear", shape: 1 },
  disk: { target: 1, unacceptable: 4, scale: "log", shape: 1 },
  network: { target: 1, unacceptable: 10, scale: "log", shape: 1 },
  startup: { target: 1, unacceptable: 1000, scale: "log", shape: 1 },
  footprint: { target: 1, unacceptable: 300, scale: "log", shape: 1 },
  syscalls: { target: 1, unacceptable: 100, scale: "log", shape: 1 },
  // Never used on a ratio: security metrics have direction none and enter D through the
  // measured score (analyze/security_score.ts) and the profile's `security` weight.
  security: { target: 1, unacceptable: 2, scale: "linear", shape: 1 },
  // A served application pays the runtime's network and syscall costs only in part.
  application: { target: 1, unacceptable: 4, scale: "log", shape: 1 },
  lifecycle: { target: 1, unacceptable: 1000, scale: "log", shape: 1 },
};

/** The bounds a profile uses for a category: its own, completed by the defaults. */
export function boundsOf(profile: Profile, category: Category): Required<CategoryBounds> {
  const given = profile.bounds?.[category];
  if (!given) return DEFAULT_CATEGORY_BOUNDS[category];
  return {
    target: given.target ?? 1,
    unacceptable: given.unacceptable,
    scale: given.scale ?? "linear",
    shape: given.shape ?? 1,
  };
}

/** Options of {@link desirability}: the bounds on the cost ratio (larger is worse). */
export interface DesirabilityOptions {
  /** Ratio with d = 1. */
  target: number;
  /** Ratio with d = 0; must be above `target`. */
  unacceptable: number;
  /** `linear` (default) or `log`. */
  scale?: BoundsScale;
  /** Shape exponent s; default 1. */
  shape?: number;
}

/**
 * One-sided Derringer–Suich desirability of a cost ratio r (smaller is better): d = ((U − r) ÷
 * (U − T))^s between the target T and the unacceptable U, 1 at or below T, 0 at or beyond U;
 * on the `log` scale with ln r, ln T, ln U. r = Infinity (zero throughput) gives 0.
 *
 * @example
 * ```ts
 * desirability(1.25, { target: 1, unacceptable: 1.5 }); // 0.5
 * desirability(10, { target: 1, unacceptable: 100, scale: "log" }); // 0.5
 * ```
 */
export function desirability(ratio: number, options: DesirabilityOptions): number {
  const { target: t, unacceptable: u } = options;
  const s = options.shape ?? 1;
  if (!(u > t)) {
    throw new RangeError(
      `desirability: unacceptable (${u}) must be above target (${t}); ratios above 1 are worse`,
    );
  }
  if (Number.isNaN(ratio)) throw new RangeError("desirability: the ratio is NaN");
  if (ratio <= t) return 1;
  if (ratio >= u) return 0;
  const fraction = options.scale === "log"
    ? (Math.log(u) - Math.log(ratio)) / (Math.log(u) - Math.log(t))
    : (u - ratio) / (u - t);
  return fraction ** s;
}

/** Options of {@link recommend}. */
export interface RecommendOptions {
  /** The runtimes to rank (a host group's). */
  runtimes: HostGroup["runtimes"];
  profile: Profile;
  /** Level of the intervals of D, e.g. 0.95. */
  level: number;
  /**
   * Each runtime's security posture (analyze/security_score.ts); a measured one replaces the
   * isolation class's estimate in D and is what a profile's `requires.security` is checked on.
   */
  security?: readonly SecurityAssessment[];
}

function weightedGeometricMean(parts: { d: number; w: number }[]): number {
  const total = parts.reduce((s, p) => s + p.w, 0);
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

function ratioText(x: number): string {
  return x === Infinity ? "∞×" : `${Number(x.toPrecision(3))}×`;
}

/** Percentile (type 7) of sorted values. */
function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The isolation classes a profile accepts, as prose. */
function isolationList(classes: readonly string[]): string {
  return classes.length === 1
    ? classes[0]
    : `${classes.slice(0, -1).join(", ")} or ${classes.at(-1)}`;
}

interface Scored {
  entry: RecommendationEntry;
  draws: Float64Array;
}

/**
 * Ranks a group's runtimes for a profile on its {@link ScoringTable} (null when the group has
 * no baseline: then no runtime is eligible, with the reason).
 *
 * - Eligibility: a runtime must meet the profile's `requires` (e.g. its isolation classes),
 *   have a value of every metric the profile weighs (category weight > 0, metric weight > 0)
 *   that the baseline has, and not run on a legacy platform its makers replaced as the default
 *   (gVisor's ptrace: its systrap represents gVisor); otherwise it is listed as not eligible,
 *   with the reasons, and never scored on what it has.
 * - Per weighed category: the cost ratio is the weighted geometric mean of the runtime's
 *   metric ratios (a runtime within the margin of the baseline on a metric counts 1 there; a ratio
 *   below 1 ÷ U counts as 1 ÷ U, so one metric cannot buy back the whole category), and
 *   d_c comes from the profile's bounds on it ({@link desirability}).
 * - D: the weighted geometric mean of the d_c and the security score: the measured one
 *   (`options.security`) where the probe ran, else the isolation class's estimate.
 * - Requirements: `requires.security` is checked on measured properties; `requires.isolation`
 *   on the class (with `requires.security`, only for a runtime without probe values).
 * - Stability: the same D in each resample of the table; the percentile interval of D at
 *   `level`, and the share of resamples in which each eligible runtime is first (ties share).
 *   Runtimes whose intervals overlap are listed as tied.
 */
export function recommend(table: ScoringTable | null, options: RecommendOptions): Recommendation {
  const { profile, level } = options;
  const notes: string[] = [];
  const categories = (CategorySchema.options as Category[]).filter((c) =>
    (profile.weights[c] ?? 0) > 0
  );
  const metricWeight = (metric: string) => profile.metricWeights?.[metric] ?? 1;
  const used = (table?.metrics ?? []).filter((m) =>
    categories.includes(m.category) && metricWeight(m.metric) > 0 && m.unusable === null
  );
  const unusable = (table?.metrics ?? []).filter((m) =>
    categories.includes(m.category) && metricWeight(m.metric) > 0 && m.unusable !== null
  );
  if (unusable.length > 0) {
    const named = unusable.slice(0, 3).map((m) => m.unusable).join("; ");
    notes.push(
      `${unusable.length} weighed metric(s) left out for every runtime alike, as the baseline ` +
        `has no ratio there: ${named}` +
        (unusable.length > 3 ? `; and ${unusable.slice(3).map((m) => m.metric).join(", ")}` : ""),
    );
  }
  const measured = categories.filter((c) => used.some((m) => m.category === c));
  const absent = categories.filter((c) => !measured.includes(c));
  // A category the profile weighs that the group did not measure leaves every runtime without
  // it: none is eligible, as none would be alone (a recommendation for web services from a run
  // without a web server would rest on what the profile weighs least).
  const totalWeight = categories.reduce((sum, c) => sum + profile.weights[c]!, 0);
  const absentText = absent.map((c) =>
    `${c} (weight ${Number(profile.weights[c]!.toPrecision(3))} of ${
      Number(totalWeight.toPrecision(3))
    })`
  ).join(", ");
  if (table !== null && absent.length > 0) {
    notes.push(
      `not assessed: the profile weighs ${absentText}, which this group did not measure on ` +
        `the baseline (collect --benchmarks ${absent.join(",")} to assess it)`,
    );
  }
  const required = profile.requires?.isolation;
  const requiredSecurity = profile.requires?.security;
  const resamples = table?.resamples ?? 0;
  const scored: Scored[] = options.runtimes.map((runtime) => {
    const assessment = options.security?.find((s) => s.runtime === runtime.id);
    const measuredSecurity = assessment?.measured === true;
    const securityScore = measuredSecurity
      ? assessment.score
      : securityPostureOf(runtime.isolation).score;
    const ineligible: string[] = [];
    const reasons: string[] = [];
    const checks: RequirementCheck[] = [];
    if (table === null) {
      ineligible.push(
        "no baseline in this group: the profile's bounds are ratios to the baseline " +
          "(name one with --baseline)",
      );
    }
    if (table !== null && absent.length > 0) {
      ineligible.push(
        `this group did not measure ${absentText} on the baseline, which the profile weighs`,
      );
    }
    if (runtime.platform?.legacy) {
      ineligible.push(
        `it runs on the ${runtime.platform.name} platform, which its makers have replaced as ` +
          "the default (a legacy platform): measured for comparison, not recommended",
      );
    }
    if (requiredSecurity && measuredSecurity) {
      // Measured properties decide; the isolation class is only the fallback without them.
      for (const check of checkSecurityRequirement(requiredSecurity, assessment)) {
        checks.push(check);
        if (!check.met) {
          ineligible.push(`the profile requires ${check.requirement}: ${check.detail}`);
        }
      }
    } else if (required) {
      const met = required.includes(runtime.isolation);
      checks.push({
        requirement: `isolation ${isolationList(required)}` +
          (requiredSecurity ? " (no security-probe values)" : ""),
        met,
        detail: `isolation class ${runtime.isolation}`,
      });
      if (!met) {
        ineligible.push(
          `the profile requires isolation ${isolationList(required)}; this runtime is ` +
            runtime.isolation +
            (requiredSecurity ? " and has no security-probe values to be judged on" : ""),
        );
      }
    } else if (requiredSecurity) {
      checks.push({
        requirement: "measured security",
        met: false,
        detail: "no security-probe values",
      });
      ineligible.push(
        "the profile requires measured security properties; this runtime has no " +
          "security-probe values (collect --benchmarks security)",
      );
    }
    // A value that does not measure what its metric says is left out of this runtime's
    // category (said in its reasons), not counted missing.
    const comparable = (m: ScoringMetric) => m.cells.get(runtime.id)?.notComparable === undefined;
    const missing = used.filter(comparable).map((m) => m.cells.get(runtime.id)).filter((c) =>
      c === undefined || c.cost === null
    );
    if (table !== null && missing.length > 0) {
      const named = used.filter(comparable).filter((m) => {
        const c = m.cells.get(runtime.id);
        return c === undefined || c.cost === null;
      }).map((m) => m.cells.get(runtime.id)?.missing ?? `no value of ${m.metric}`);
      ineligible.push(
        `${missing.length} weighed metric(s) without a value: ${named.slice(0, 3).join("; ")}` +
          (named.length > 3 ? `; and ${named.length - 3} more` : ""),
      );
    }
    const excluded = used.filter((m) => !comparable(m));
    const emptied = measured.filter((category) =>
      used.some((m) => m.category === category) &&
      !used.some((m) => m.category === category && comparable(m))
    );
    if (table !== null && emptied.length > 0) {
      const why = excluded.filter((m) => emptied.includes(m.category)).slice(0, 3)
        .map((m) => m.cells.get(runtime.id)!.missing ?? m.metric);
      ineligible.push(`no comparable value in ${emptied.join(", ")} (${why.join("; ")})`);
    }
    if (excluded.length > 0) {
      const why = [...new Set(excluded.map((m) => m.cells.get(runtime.id)!.notComparable))];
      reasons.push(
        `${excluded.length} weighed metric(s) left out of its score as ${why.join("; ")}: ` +
          excluded.slice(0, 3).map((m) => m.metric).join(", ") +
          (excluded.length > 3 ? ` and ${excluded.length - 3} more` : ""),
      );
    }
    const entry: RecommendationEntry = {
      runtime: runtime.id,
      eligible: ineligible.length === 0,
      rank: null,
      desirability: null,
      interval: null,
      firstProbability: null,
      tiedWith: [],
      security: securityScore,
      ...(options.security ? { securityMeasured: measuredSecurity } : {}),
      ...(checks.length > 0 ? { requirementChecks: checks } : {}),
      categories: [],
      reasons,
      ineligible,
    };
    if (!entry.eligible) return { entry, draws: new Float64Array(0) };
    const perCategory = measured.map((category) => {
      const bounds = boundsOf(profile, category);
      const floor = 1 / bounds.unacceptable;
      const metrics = used.filter((m) => m.category === category && comparable(m));
      const weightTotal = metrics.reduce((s, m) => s + metricWeight(m.metric), 0);
      const ratioOf = (pick: (c: ScoringCell) => number) => {
        let log = 0;
        for (const m of metrics) {
          const cost = Math.max(floor, pick(m.cells.get(runtime.id)!));
          if (cost === Infinity) return Infinity;
          log += (metricWeight(m.metric) / weightTotal) * Math.log(cost);
        }
        return Math.exp(log);
      };
      const point = ratioOf((c) => c.cost!);
      const draws = new Float64Array(resamples);
      for (let b = 0; b < resamples; b++) {
        draws[b] = desirability(ratioOf((c) => c.resampled[b]), bounds);
      }
      return {
        category,
        bounds,
        ratio: point,
        desirability: desirability(point, bounds),
        weight: profile.weights[category] ?? 0,
        metricsUsed: metrics.length,
        metricsEquivalent: metrics.filter((m) => m.cells.get(runtime.id)!.equivalent).length,
        draws,
      };
    });
    const combine = (d: (c: typeof perCategory[0]) => number) =>
      weightedGeometricMean([
        ...perCategory.map((c) => ({ d: d(c), w: c.weight })),
        { d: securityScore, w: profile.security },
      ]);
    entry.desirability = combine((c) => c.desirability);
    const draws = new Float64Array(resamples);
    for (let b = 0; b < resamples; b++) draws[b] = combine((c) => c.draws[b]);
    if (resamples > 0) {
      const sorted = Float64Array.from(draws).sort();
      entry.interval = {
        low: quantile(sorted, (1 - level) / 2),
        high: quantile(sorted, 1 - (1 - level) / 2),
        level,
      };
    }
    entry.categories = perCategory.map((c) => ({
      category: c.category,
      ratio: c.ratio === Infinity ? null : c.ratio,
      desirability: c.desirability,
      weight: c.weight,
      metricsUsed: c.metricsUsed,
      metricsEquivalent: c.metricsEquivalent,
    }));
    if (perCategory.length > 0) {
      const best = perCategory.reduce((a, b) => (b.desirability > a.desirability ? b : a));
      const worst = perCategory.reduce((a, b) => (b.desirability < a.desirability ? b : a));
      reasons.push(
        `strongest: ${best.category} (${ratioText(best.ratio)} ${table!.baseline}, d = ${
          fmt(best.desirability)
        })`,
      );
      if (worst !== best) {
        reasons.push(
          `weakest: ${worst.category} (${ratioText(worst.ratio)} ${table!.baseline}, d = ${
            fmt(worst.desirability)
          })`,
        );
      }
      const vetoed = perCategory.filter((c) => c.desirability === 0).map((c) =>
        `${c.category} ${ratioText(c.ratio)}`
      );
      if (vetoed.length > 0) {
        reasons.push(`unacceptable in ${vetoed.join(", ")} (d = 0 at the profile's bounds)`);
      }
      const equivalent = perCategory.reduce((s, c) => s + c.metricsEquivalent, 0);
      if (equivalent > 0 && runtime.id !== table!.baseline) {
        reasons.push(
          `${equivalent} metric(s) within the margin of ${table!.baseline}: scored as ${
            table!.baseline
          } there`,
        );
      }
    }
    reasons.push(
      measuredSecurity
        ? `security ${fmt(securityScore)} measured (${runtime.isolation} class estimate ` +
          `${fmt(securityPostureOf(runtime.isolation).score)}, weight ${profile.security})`
        : `security ${fmt(securityScore)} (${runtime.isolation}, weight ${profile.security})`,
    );
    if (runtime.historical) reasons.push("published data only: cannot be measured again here");
    return { entry, draws };
  });

  const eligible = scored.filter((s) => s.entry.eligible);
  const order = [...eligible].sort((a, b) => b.entry.desirability! - a.entry.desirability!);
  order.forEach((s, i) => {
    const previous = order[i - 1]?.entry;
    s.entry.rank = previous && previous.desirability === s.entry.desirability
      ? previous.rank
      : i + 1;
  });
  if (resamples > 0 && eligible.length > 0) {
    const firsts = new Float64Array(eligible.length);
    for (let b = 0; b < resamples; b++) {
      let top = -Infinity;
      for (const s of eligible) top = Math.max(top, s.draws[b]);
      const winners = eligible.filter((s) => s.draws[b] === top).length;
      eligible.forEach((s, i) => {
        if (s.draws[b] === top) firsts[i] += 1 / winners;
      });
    }
    eligible.forEach((s, i) => (s.entry.firstProbability = firsts[i] / resamples));
    for (const s of eligible) {
      const mine = s.entry.interval!;
      s.entry.tiedWith = order.filter((o) =>
        o !== s && o.entry.interval!.low <= mine.high && mine.low <= o.entry.interval!.high
      ).map((o) => o.entry.runtime);
    }
  }
  const entries = [
    ...order.map((s) => s.entry),
    ...scored.filter((s) => !s.entry.eligible)
      .map((s) => s.entry),
  ];
  const left = scored.length - eligible.length;
  if (left > 0) {
    notes.push(`${left} of ${scored.length} runtimes are not eligible (reasons with each)`);
  }
  const judgedOnSecurity = requiredSecurity !== undefined &&
    (options.security ?? []).some((s) => s.measured);
  if (judgedOnSecurity && table !== null && eligible.length === 0) {
    notes.push(
      "no measured runtime meets the profile's security requirement: measure one that does " +
        "(collect --benchmarks security) to get a recommendation",
    );
  } else if (required && table !== null && eligible.length === 0) {
    const legacyOnly = options.runtimes.filter((r) =>
      r.platform?.legacy && required.includes(r.isolation)
    );
    notes.push(
      legacyOnly.length > 0
        ? `no measured runtime meets the profile's requirement (isolation ` +
          `${isolationList(required)}) on a current platform: ${
            legacyOnly.map((r) => r.id).join(", ")
          } ran on a legacy one; measure the current one to get a recommendation`
        : `no measured runtime meets the profile's requirement (isolation ` +
          `${isolationList(required)}): measure one to get a recommendation`,
    );
  }
  const firsts = order.filter((s) => s.entry.rank === 1).map((s) => s.entry);
  const firstIds = firsts.map((e) => e.runtime);
  const tiedWithFirst = [...new Set(firsts.flatMap((e) => e.tiedWith))].filter((id) =>
    !firstIds.includes(id)
  );
  if (firsts.length > 1) {
    notes.push(`${firstIds.join(" and ")} share the highest D (${fmt(firsts[0].desirability!)})`);
  }
  if (tiedWithFirst.length > 0) {
    notes.push(
      `${firstIds.join(" and ")} ${firsts.length > 1 ? "have" : "has"} the highest D, but ` +
        `the intervals overlap those of ${tiedWithFirst.join(", ")}: tied, the data do not ` +
        "tell them apart",
    );
  }
  const fixed = used.some((m) =>
    eligible.some((s) => {
      const c = m.cells.get(s.entry.runtime);
      return c !== undefined && c.cost !== null && c.fixed && s.entry.runtime !== table?.baseline;
    })
  );
  if (fixed) {
    notes.push("published values carry no spread: they are held fixed in the resamples");
  }
  const bounds = measured.map((c) => {
    const b = boundsOf(profile, c);
    return `${c} ${b.target}→${b.unacceptable}${b.scale === "log" ? " (log)" : ""}`;
  });
  return {
    profile: { id: profile.id, name: profile.name, description: profile.description },
    baseline: table?.baseline ?? null,
    resamples,
    method: "Derringer–Suich one-sided desirability per category on the cost ratio to " +
      `${table?.baseline ?? "the baseline"} (weighted geometric mean of the metrics' ratios; ` +
      `a runtime whose own ${level * 100} % interval against the baseline lies inside the ` +
      "metric's margin counts 1 there), bounds from the profile" +
      (bounds.length > 0 ? ` (d = 1 → d = 0: ${bounds.join(", ")})` : "") +
      (options.security?.some((s) => s.measured)
        ? "; D = weighted geometric mean of the categories and the security score (measured " +
          "by the security probe where it ran, else the isolation class's estimate); "
        : "; D = weighted geometric mean of the categories and the security-posture score; ") +
      `stability from ${resamples} seeded draws of every cell (its log-mean from its t ` +
      `distribution, as uncertain as the verdicts' intervals; ${level * 100} % percentile ` +
      "interval of D, share of draws in which a runtime is first; a cell measured once is not " +
      "scored)",
    entries,
    notes,
  };
}
