/**
 * The shape of an analysis: what `analyze/` produces from one or more result sets and what
 * `report/` and `compare` read. Per host group → per metric → per runtime summaries, ratios to a
 * baseline, pairwise tests, rankings, category scores, wins and losses, desirability
 * recommendations and sanity findings. Also the workload-profile file format.
 *
 * Numbers that cannot be computed are `null` with a note saying why; an analysis never holds NaN
 * or an infinity.
 *
 * @module
 */
import { z } from "zod";
import {
  CategorySchema,
  DirectionSchema,
  IsolationClassSchema,
  SummaryStatisticSchema,
} from "./result_set.ts";

/**
 * Version of the analysis format; bumped on any incompatible change (additions keep it).
 * 2: fields version 1 did not have are required (groups' `verdicts`, pairwise `decision`,
 * rankings' `rankBest` and `rankWorst`, recommendation entries' `eligible`, `interval` and
 * `ineligible`), and profile `bounds` are per category, on ratios to the baseline.
 */
export const ANALYSIS_SCHEMA_VERSION = 2 as const;

const Id = z.string().regex(
  /^[a-z0-9][a-z0-9._-]*$/,
  "must be lower-case letters, digits, '.', '_' or '-'",
);
/** A finite number (never NaN or ±Infinity). */
const Num = z.number().refine(Number.isFinite, "must be a finite number");
/** A finite number, or null when it cannot be computed (the reason is in a nearby note). */
const NumOrNull = Num.nullable();

/** A confidence interval of some estimate. */
export const IntervalSchema = z.object({
  low: Num,
  high: Num,
  /** Coverage the interval reaches, e.g. 0.95 (0.75 for [min, max] of 3 values). */
  level: Num,
  /** The coverage asked for, when the method's achieved level is computed (may differ). */
  requestedLevel: Num.optional(),
  /** How it was computed, e.g. "bootstrap percentile, 2000 resamples, seed 1". */
  method: z.string(),
});
/** A confidence interval. */
export type Interval = z.infer<typeof IntervalSchema>;

/** Which outlier rule flagged a value. */
export const OutlierRuleSchema = z.enum(["tukey", "mad"]);
/** Which outlier rule flagged a value. */
export type OutlierRule = z.infer<typeof OutlierRuleSchema>;

/** A value flagged as an outlier (flagged only: it stays in every statistic). */
export const OutlierSchema = z.object({
  /** The sample's iteration index in its result set. */
  iteration: z.number().int().nonnegative(),
  value: Num,
  rules: z.array(OutlierRuleSchema).min(1),
  /** The result set it came from. */
  runId: z.string(),
});
/** A flagged outlier. */
export type Outlier = z.infer<typeof OutlierSchema>;

/** Where the values behind a summary came from. */
export const ValueKindSchema = z.enum(["sample", "summary"]);
/** `sample` for raw measurements, `summary` for published values. */
export type ValueKind = z.infer<typeof ValueKindSchema>;

/** Descriptive statistics of one runtime on one metric. */
export const RuntimeSummarySchema = z.object({
  runtime: Id,
  kind: ValueKindSchema,
  /** Values used: raw non-warm-up samples, or published values (usually 1). */
  n: z.number().int().nonnegative(),
  /** For published values: the number of runs the source says it summarises. */
  reportedN: z.number().int().positive().optional(),
  /** For published values: which statistic the source prints. */
  statistic: SummaryStatisticSchema.optional(),
  /** Warm-up samples seen and left out of every statistic. */
  warmupExcluded: z.number().int().nonnegative(),
  mean: NumOrNull,
  median: NumOrNull,
  /** Sample standard deviation (n − 1 denominator). */
  sd: NumOrNull,
  /** Coefficient of variation sd ÷ |mean| (a fraction, 0.05 = 5 %). */
  cv: NumOrNull,
  min: NumOrNull,
  max: NumOrNull,
  /** The value comparisons use: the median of samples, or the published value. */
  central: NumOrNull,
  /** Confidence interval of `central`, or null (one value, or published data). */
  ci: IntervalSchema.nullable(),
  outliers: z.array(OutlierSchema),
  /** Why there is no value, when `central` is null. */
  missingReason: z.string().optional(),
  /**
   * Values of this runtime that do not measure what the metric says (kept out of every
   * statistic, verdict, ranking and score): how many, their median and why.
   */
  notComparable: z.object({
    reason: z.string(),
    n: z.number().int().positive(),
    median: NumOrNull,
  }).optional(),
  /** Anything a reader must know, e.g. "single sample: no spread and no interval". */
  notes: z.array(z.string()),
});
/** Descriptive statistics of one runtime on one metric. */
export type RuntimeSummary = z.infer<typeof RuntimeSummarySchema>;

/** A runtime compared with the reference runtime of its metric. */
export const BaselineRatioSchema = z.object({
  runtime: Id,
  reference: Id,
  /** central(runtime) ÷ central(reference). */
  ratio: NumOrNull,
  /**
   * Cost relative to the reference in percent, positive = worse: (ratio − 1) × 100 when lower is
   * better, (1 ÷ ratio − 1) × 100 when higher is better, (ratio − 1) × 100 when direction is none.
   */
  overheadPercent: NumOrNull,
  /** Interval of `ratio`. */
  ci: IntervalSchema.nullable(),
  notes: z.array(z.string()),
});
/** A runtime compared with the reference runtime. */
export type BaselineRatio = z.infer<typeof BaselineRatioSchema>;

/** Two runtimes compared on one metric. */
export const PairwiseTestSchema = z.object({
  a: Id,
  b: Id,
  nA: z.number().int().nonnegative(),
  nB: z.number().int().nonnegative(),
  mannWhitney: z.object({
    /** U statistic of sample a (pairs a > b plus half the ties). */
    u: Num,
    /** Two-sided p-value. */
    p: Num,
    method: z.enum(["exact", "normal-tie-corrected"]),
  }).nullable(),
  welch: z.object({
    t: Num,
    /** Welch–Satterthwaite degrees of freedom. */
    df: Num,
    /** Two-sided p-value. */
    p: Num,
  }).nullable(),
  /** Mann–Whitney p after Holm's correction across the comparisons of this metric. */
  pAdjusted: NumOrNull,
  /** pAdjusted < alpha; null when untested. */
  significant: z.boolean().nullable(),
  /**
   * The decision of a against b on the ratio a ÷ b (see {@link BaselineVerdictSchema}), with each
   * interval at a Bonferroni level over the metric's pairs; null for direction `none`.
   */
  decision: z.object({
    /** The runtime decided better, or null when the two are not decided apart. */
    better: Id.nullable(),
    /** a ÷ b and its interval (null when no interval can be made: n < 2, values ≤ 0). */
    ratio: NumOrNull,
    low: NumOrNull,
    high: NumOrNull,
    /** Coverage this interval reaches. */
    level: NumOrNull,
    /** `welch-log`: Welch's t on ln values; `rank-log`: the exact Mann–Whitney interval. */
    method: z.enum(["welch-log", "rank-log"]).nullable(),
  }).nullable(),
  /** Cliff's delta in [−1, 1]: P(a > b) − P(a < b). */
  cliffsDelta: NumOrNull,
  /** Hodges–Lehmann shift: median of all differences a − b, in the metric's unit. */
  hodgesLehmann: NumOrNull,
  notes: z.array(z.string()),
});
/** Two runtimes compared on one metric. */
export type PairwiseTest = z.infer<typeof PairwiseTestSchema>;

/** One line of a ranking. */
export const RankEntrySchema = z.object({
  runtime: Id,
  /**
   * 1 = best. With decided comparisons (`tested`): the best possible rank, as `rankBest`. With
   * published values (`unknown`): the place by value, equal values sharing (1, 1, 3).
   */
  rank: z.number().int().positive().nullable(),
  /** Best possible rank: 1 + the runtimes decided better than this one; null when untested. */
  rankBest: z.number().int().positive().nullable(),
  /** Worst possible rank: runtimes ranked − those decided worse than this one. */
  rankWorst: z.number().int().positive().nullable(),
  value: NumOrNull,
  /** Runtimes not decided apart from this one (excluding itself); equal values when untested. */
  tiedWith: z.array(Id),
  notes: z.array(z.string()),
});
/** One line of a ranking. */
export type RankEntry = z.infer<typeof RankEntrySchema>;

/** The ranking of runtimes on one metric. */
export const MetricRankingSchema = z.object({
  /** `tested`: rank intervals from decided comparisons; `unknown`: plain order by value. */
  significance: z.enum(["tested", "unknown"]),
  method: z.string(),
  entries: z.array(RankEntrySchema),
});
/** The ranking of runtimes on one metric. */
export type MetricRanking = z.infer<typeof MetricRankingSchema>;

/** Everything about one metric in one host group. */
export const MetricAnalysisSchema = z.object({
  metric: Id,
  benchmark: Id,
  name: z.string(),
  category: CategorySchema,
  unit: z.string(),
  direction: DirectionSchema,
  /** runIds of the result sets that hold values of this metric. */
  sources: z.array(z.string()),
  /** `mixed` when some runtimes have raw samples and others only published values. */
  kind: z.enum(["sample", "summary", "mixed"]),
  summaries: z.array(RuntimeSummarySchema),
  /** The runtime ratios are taken against, and why it was chosen. */
  reference: z.object({
    runtime: Id,
    mode: z.enum(["baseline", "best"]),
    note: z.string(),
  }).nullable(),
  ratios: z.array(BaselineRatioSchema),
  pairwise: z.array(PairwiseTestSchema),
  /** Null for direction `none` (reported, not ranked). */
  ranking: MetricRankingSchema.nullable(),
  notes: z.array(z.string()),
});
/** Everything about one metric in one host group. */
export type MetricAnalysis = z.infer<typeof MetricAnalysisSchema>;

/** A runtime's score in one category (or overall). */
export const CategoryScoreSchema = z.object({
  runtime: Id,
  /** A category, or `overall`. */
  category: z.union([CategorySchema, z.literal("overall")]),
  /**
   * Geometric mean of normalised ratios, oriented so that 1 = the reference and larger is
   * better; null when the runtime has no ranked metric in the category.
   */
  score: NumOrNull,
  metricsUsed: z.number().int().nonnegative(),
  metricsMissing: z.number().int().nonnegative(),
  /** Why metrics were left out of this score, e.g. values ≤ 0 that have no ratio. */
  notes: z.array(z.string()),
});
/** A runtime's score in one category. */
export type CategoryScore = z.infer<typeof CategoryScoreSchema>;

/** How often a runtime came first and last across ranked metrics. */
export const WinLossSchema = z.object({
  runtime: Id,
  /** Metrics on which it holds rank 1 (shared or not), unless every runtime holds rank 1. */
  wins: z.number().int().nonnegative(),
  /** Metrics on which it holds the last rank (shared or not) while not also holding rank 1. */
  losses: z.number().int().nonnegative(),
  /** Ranked metrics on which it has a value. */
  ranked: z.number().int().nonnegative(),
});
/** Wins and losses of a runtime. */
export type WinLoss = z.infer<typeof WinLossSchema>;

/** A security-posture score of an isolation class, with its rationale. */
export const SecurityPostureSchema = z.object({
  isolation: IsolationClassSchema,
  /** In (0, 1]; 1 = strongest separation from the host kernel. */
  score: Num,
  rationale: z.string(),
});
/** A security-posture score. */
export type SecurityPosture = z.infer<typeof SecurityPostureSchema>;

/** One measured security property of a runtime, judged by the scoring model. */
export const SecurityPropertyCheckSchema = z.object({
  /** The metric id, `security.<name>`. */
  metric: z.string(),
  /** The runtime's value (the median of its samples), or null when it has none. */
  value: NumOrNull,
  /** Whether the value passes the property's rule; null without a value. */
  passed: z.boolean().nullable(),
  /**
   * `measured`: scored on its value; `other-kernel`: a failed property of the kernel the workload
   * talks to, which is not the host's, so it earns part of its weight; `missing`: no value, left
   * out.
   */
  basis: z.enum(["measured", "other-kernel", "missing"]),
  /** Its weight in the score (0: shown, not scored). */
  weight: Num,
  /** The share of the weight it earns: 1 met, 0 failed, a part for `other-kernel`. */
  credit: Num,
});
/** One security property of a runtime. */
export type SecurityPropertyCheck = z.infer<typeof SecurityPropertyCheckSchema>;

/** A runtime's measured security posture (analyze/security_score.ts). */
export const SecurityAssessmentSchema = z.object({
  runtime: Id,
  isolation: IsolationClassSchema,
  /** True when the score rests on the probe's values; false: the isolation class's estimate. */
  measured: z.boolean(),
  /** In [0, 1]: weighted share of the scored properties met (or the class's estimate). */
  score: Num,
  /** The isolation class's estimate, shown beside the measured score. */
  classScore: Num,
  properties: z.array(SecurityPropertyCheckSchema),
  notes: z.array(z.string()),
});
/** A runtime's security posture. */
export type SecurityAssessment = z.infer<typeof SecurityAssessmentSchema>;

/** How a category's desirability falls from the target to the unacceptable ratio. */
export const BoundsScaleSchema = z.enum(["linear", "log"]);
/** `linear` on the ratio itself, `log` on its logarithm (for ratios spanning orders of magnitude). */
export type BoundsScale = z.infer<typeof BoundsScaleSchema>;

/**
 * Derringer–Suich bounds of one category, on the cost ratio to the baseline (the category's
 * geometric mean of direction-oriented ratios: 1 = as the baseline, 1.5 = 50 % worse).
 */
export const CategoryBoundsSchema = z.object({
  /** Ratio with desirability 1 (at or below it, no better is needed); default 1. */
  target: Num.positive().optional(),
  /** Ratio with desirability 0 (at or beyond it the runtime is unacceptable). */
  unacceptable: Num.positive(),
  /** `linear` (default) or `log`: d falls linearly in the ratio or in its logarithm. */
  scale: BoundsScaleSchema.optional(),
  /** Shape exponent s (1 = linear in the scale); default 1. */
  shape: Num.positive().optional(),
}).strict();
/** Bounds of one category. */
export type CategoryBounds = z.infer<typeof CategoryBoundsSchema>;

const Weight = Num.nonnegative();

/** One way to meet a profile's security requirement: every listed property passes. */
export const SecurityAlternativeSchema = z.object({
  /** What a person reads, e.g. "no direct host-kernel system calls". */
  name: z.string().min(1),
  /** Metric ids of security properties (model/security_properties.ts) that must all pass. */
  all: z.array(z.string()).min(1),
}).strict();
/** One way to meet a profile's security requirement. */
export type SecurityAlternative = z.infer<typeof SecurityAlternativeSchema>;

/** What a runtime's measured security must be for a profile. */
export const SecurityRequirementSchema = z.object({
  /** The lowest measured security score accepted. */
  minScore: Num.min(0).max(1).optional(),
  /** Alternatives: a runtime must meet at least one of them. */
  anyOf: z.array(SecurityAlternativeSchema).min(1).optional(),
}).strict();
/** What a runtime's measured security must be for a profile. */
export type SecurityRequirement = z.infer<typeof SecurityRequirementSchema>;

/** Properties a runtime must have to be eligible for a profile. */
export const ProfileRequirementsSchema = z.object({
  /**
   * Isolation classes accepted. With `security` given, this applies only to a runtime without
   * security-probe values (older runs, published data); otherwise to every runtime.
   */
  isolation: z.array(IsolationClassSchema).min(1).optional(),
  /** Requirements on the measured security properties and score. */
  security: SecurityRequirementSchema.optional(),
}).strict();
/** Properties a runtime must have to be eligible for a profile. */
export type ProfileRequirements = z.infer<typeof ProfileRequirementsSchema>;

/** A workload profile: how much each category and security matter. */
export const ProfileSchema = z.object({
  id: Id,
  name: z.string().min(1),
  description: z.string(),
  /** Weight per category; a category left out weighs 0. */
  weights: z.partialRecord(CategorySchema, Weight),
  /** Weight of the security-posture score. */
  security: Weight,
  /** Per-metric weights inside their category (default 1; 0 leaves the metric out). */
  metricWeights: z.record(z.string(), Weight).optional(),
  /** Per-category bounds on the ratio to the baseline; a category left out uses the defaults. */
  bounds: z.partialRecord(CategorySchema, CategoryBoundsSchema).optional(),
  /** What a runtime must be to be eligible at all (e.g. an isolation class). */
  requires: ProfileRequirementsSchema.optional(),
}).strict();
/** A workload profile. */
export type Profile = z.infer<typeof ProfileSchema>;

/** A file of workload profiles. */
export const ProfileFileSchema = z.object({
  schemaVersion: z.literal(1),
  profiles: z.array(ProfileSchema).min(1),
}).strict();
/** A file of workload profiles. */
export type ProfileFile = z.infer<typeof ProfileFileSchema>;

/** One runtime's place in a profile's recommendation. */
export const RecommendationEntrySchema = z.object({
  runtime: Id,
  /** False when a requirement is not met or a weighed metric has no value (see `ineligible`). */
  eligible: z.boolean(),
  /** Place by D among the eligible runtimes (equal D share it); null when not eligible. */
  rank: z.number().int().positive().nullable(),
  /** Overall desirability D in [0, 1] (weighted geometric mean), null when not eligible. */
  desirability: NumOrNull,
  /** Percentile interval of D over the resamples of the samples; null when not eligible. */
  interval: z.object({ low: Num, high: Num, level: Num }).nullable(),
  /** Share of the resamples in which this runtime has the highest D among the eligible. */
  firstProbability: NumOrNull,
  /** Eligible runtimes whose D interval overlaps this one's: not told apart by the data. */
  tiedWith: z.array(Id),
  security: Num,
  /** True when `security` is the measured score; false or absent: the isolation class's estimate. */
  securityMeasured: z.boolean().optional(),
  /** Each requirement of the profile checked for this runtime: met or not, and why. */
  requirementChecks: z.array(z.object({
    requirement: z.string(),
    met: z.boolean(),
    detail: z.string(),
  })).optional(),
  /** Per category the profile weighs: the cost ratio to the baseline and its desirability. */
  categories: z.array(z.object({
    category: CategorySchema,
    /** Weighted geometric mean of the metrics' cost ratios (1 = baseline, above 1 = worse). */
    ratio: NumOrNull,
    desirability: NumOrNull,
    weight: Num,
    metricsUsed: z.number().int().nonnegative(),
    /**
     * Metrics on which the runtime's own interval against the baseline lies inside the margin
     * (equivalent, or decided yet too small to matter), so scored at ratio 1.
     */
    metricsEquivalent: z.number().int().nonnegative(),
  })),
  reasons: z.array(z.string()),
  /** Why the runtime is not eligible (empty when it is). */
  ineligible: z.array(z.string()),
});
/** One runtime's place in a recommendation. */
export type RecommendationEntry = z.infer<typeof RecommendationEntrySchema>;

/** A ranked recommendation for one workload profile. */
export const RecommendationSchema = z.object({
  profile: z.object({ id: Id, name: z.string(), description: z.string() }),
  /** The runtime the bounds' ratios are taken against; null when the group has none. */
  baseline: Id.nullable(),
  /** Resamples behind the intervals of D and the probabilities of coming first. */
  resamples: z.number().int().nonnegative(),
  method: z.string(),
  entries: z.array(RecommendationEntrySchema),
  notes: z.array(z.string()),
});
/** A ranked recommendation. */
export type Recommendation = z.infer<typeof RecommendationSchema>;

/** How serious a sanity finding is. */
export const SeveritySchema = z.enum(["error", "warning", "info"]);
/** `error`: impossible; `warning`: inconsistent or unreliable; `info`: worth a look. */
export type Severity = z.infer<typeof SeveritySchema>;

/** One value a finding is about. */
export const FindingValueSchema = z.object({
  runtime: Id.optional(),
  metric: z.string().optional(),
  value: NumOrNull,
  unit: z.string().optional(),
  /** runId of the result set it came from. */
  runId: z.string().optional(),
  /** Where the source printed it, e.g. "Table 8". */
  source: z.string().optional(),
});
/** One value a finding is about. */
export type FindingValue = z.infer<typeof FindingValueSchema>;

/** Something in the data that is impossible, inconsistent, missing or unreliable. */
export const SanityFindingSchema = z.object({
  /** Stable rule id, e.g. `disk-throughput-above-device-max`. */
  rule: z.string(),
  severity: SeveritySchema,
  message: z.string(),
  values: z.array(FindingValueSchema),
  /** runIds (and file labels when given) the values come from. */
  where: z.array(z.string()),
});
/** A sanity finding. */
export type SanityFinding = z.infer<typeof SanityFindingSchema>;

/** A result set that went into a group. */
export const SourceInfoSchema = z.object({
  runId: z.string(),
  title: z.string().optional(),
  /** The file it was read from, when the caller said. */
  label: z.string().optional(),
  hostId: z.string(),
  status: z.string(),
});
/** A result set that went into a group. */
export type SourceInfo = z.infer<typeof SourceInfoSchema>;

/** The four verdicts of a runtime against the baseline. */
export const VerdictKindSchema = z.enum(["better", "worse", "equivalent", "undetermined"]);
/** The four verdicts of a runtime against the baseline. */
export type VerdictKind = z.infer<typeof VerdictKindSchema>;

/**
 * One runtime against the baseline on one metric: the ratio runtime ÷ baseline with its
 * interval (method and achieved level stated) and the verdict against the margin δ.
 */
export const BaselineVerdictSchema = z.object({
  metric: z.string(),
  runtime: Id,
  baseline: Id,
  /** Point estimate of runtime ÷ baseline (geometric-mean or Hodges–Lehmann ratio). */
  ratio: NumOrNull,
  low: NumOrNull,
  high: NumOrNull,
  /** Coverage this interval reaches; the set of a metric's intervals holds together ≥ settings.confidenceLevel. */
  level: NumOrNull,
  method: z.string(),
  /** δ as a fraction: equivalent inside [1/(1 + δ), 1 + δ]. */
  margin: Num.positive(),
  /** Which rule of the margin file gave δ (`default` or `rules[i]`). */
  marginRule: z.string(),
  verdict: VerdictKindSchema,
  /** For `better`/`worse`: the whole interval lies beyond the margin. */
  beyondMargin: z.boolean(),
  /**
   * The whole interval lies inside [1/(1 + δ), 1 + δ]: every `equivalent`, and a `better`/`worse`
   * decided yet too small to matter.
   */
  withinMargin: z.boolean(),
  n: z.number().int().nonnegative(),
  baselineN: z.number().int().nonnegative(),
  /** Intervals of this metric made simultaneous (Bonferroni); 0 when no interval was made. */
  comparisons: z.number().int().nonnegative(),
  reason: z.string(),
  /**
   * Set (to the reason) when the runtime's values of the metric do not measure what it says:
   * the verdict is `undetermined` and stays so however many samples come.
   */
  notComparable: z.string().optional(),
});
/** One runtime against the baseline on one metric. */
export type BaselineVerdict = z.infer<typeof BaselineVerdictSchema>;

/** All result sets of one host (or all of them, when pooled). */
export const HostGroupSchema = z.object({
  /** The host id, or `pooled` when hosts were pooled on request. */
  id: z.string(),
  description: z.string(),
  hostIds: z.array(z.string()),
  pooled: z.boolean(),
  sources: z.array(SourceInfoSchema),
  runtimes: z.array(z.object({
    id: Id,
    name: z.string(),
    isolation: IsolationClassSchema,
    historical: z.boolean(),
    /** Its execution platform, where it has several (e.g. gVisor's systrap or legacy ptrace). */
    platform: z.object({ name: z.string(), legacy: z.boolean() }).optional(),
  })),
  /** What was asked for and what ratios were actually taken against. */
  baseline: z.object({
    requested: z.string(),
    /** The runtime used, or null when ratios are to the best runtime of each metric. */
    used: Id.nullable(),
    note: z.string(),
  }),
  metrics: z.array(MetricAnalysisSchema),
  /**
   * Every runtime × ranked metric against the baseline (empty when the group has none), in
   * metric order.
   */
  verdicts: z.array(BaselineVerdictSchema),
  categories: z.array(CategoryScoreSchema),
  winsLosses: z.array(WinLossSchema),
  recommendations: z.array(RecommendationSchema),
  sanity: z.array(SanityFindingSchema),
  /** Each runtime's security posture (absent in analyses made before it was measured). */
  security: z.array(SecurityAssessmentSchema).optional(),
});
/** All result sets of one host. */
export type HostGroup = z.infer<typeof HostGroupSchema>;

/** The options an analysis ran with, recorded in its output. */
export const AnalysisSettingsSchema = z.object({
  baseline: z.string(),
  /** True when the baseline was given explicitly (then it must exist in every group). */
  baselineExplicit: z.boolean(),
  seed: z.number().int(),
  confidenceLevel: Num,
  alpha: Num,
  bootstrapResamples: z.number().int().positive(),
  pooled: z.boolean(),
  profiles: z.array(z.string()),
  cvWarningThreshold: Num,
});
/** The options an analysis ran with. */
export type AnalysisSettings = z.infer<typeof AnalysisSettingsSchema>;

/** The result of analysing one or more result sets. */
export const AnalysisSchema = z.object({
  schemaVersion: z.literal(ANALYSIS_SCHEMA_VERSION),
  settings: AnalysisSettingsSchema,
  /** The security-posture scores used, with their rationale. */
  securityPosture: z.array(SecurityPostureSchema),
  /**
   * The security scoring model (analyze/security_score.ts): each measured property's rule,
   * weight, why and sources. Present when a group carries measured security.
   */
  securityModel: z.array(z.object({
    metric: z.string(),
    name: z.string(),
    better: z.enum(["lower", "higher"]),
    threshold: Num,
    hostKernelOnly: z.boolean(),
    weight: Num,
    why: z.string(),
    sources: z.array(z.object({ short: z.string(), title: z.string(), url: z.string() })),
  })).optional(),
  groups: z.array(HostGroupSchema),
  /** Notes about the analysis as a whole (e.g. hosts kept apart). */
  notes: z.array(z.string()),
});
/** The result of analysing one or more result sets. */
export type Analysis = z.infer<typeof AnalysisSchema>;
