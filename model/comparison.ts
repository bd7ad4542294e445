/**
 * The output of `compare`: a new run measured against a baseline run, metric by metric.
 *
 * @module
 */
import { z } from "zod";
import { DirectionSchema } from "./result_set.ts";
import { IntervalSchema } from "./analysis.ts";
import { ToleranceSchema } from "./tolerances.ts";

/** Version of the comparison format. */
export const COMPARISON_SCHEMA_VERSION = 1 as const;

/**
 * What a comparison concluded for one runtime × metric:
 * `pass` (within tolerance, or beyond it but not significant), `regression` (worse beyond the
 * tolerance and significant), `improvement` (better beyond the tolerance and significant),
 * `info` (no direction), `missing` (in the baseline only), `new` (in the new run only).
 */
export const VerdictSchema = z.enum([
  "pass",
  "regression",
  "improvement",
  "info",
  "missing",
  "new",
]);
/** A comparison verdict. */
export type Verdict = z.infer<typeof VerdictSchema>;

const Num = z.number().refine(Number.isFinite, "must be a finite number");

/** One side of a comparison. */
export const ComparedSideSchema = z.object({
  n: z.number().int().nonnegative(),
  /** Median of the samples (or the published value). */
  central: Num,
  ci: IntervalSchema.nullable(),
});

/** One runtime × metric compared. */
export const ComparisonRowSchema = z.object({
  runtime: z.string(),
  metric: z.string(),
  unit: z.string(),
  direction: DirectionSchema,
  baseline: ComparedSideSchema.nullable(),
  candidate: ComparedSideSchema.nullable(),
  /** (candidate ÷ baseline − 1) × 100, signed as measured. */
  changePercent: Num.nullable(),
  /** Interval of candidate ÷ baseline. */
  ratioCi: IntervalSchema.nullable(),
  /** How much worse the candidate is, positive = worse, in percent of the baseline. */
  worsePercent: Num.nullable(),
  tolerance: ToleranceSchema,
  /** Which rule of the tolerance file applied (`default` or `rules[i]`). */
  toleranceRule: z.string(),
  /** Whether the change goes beyond the tolerance in either direction. */
  beyondTolerance: z.boolean(),
  test: z.object({
    method: z.enum(["mann-whitney", "welch"]),
    p: Num,
    /** p after Holm's correction across every test of this comparison. */
    pAdjusted: Num,
  }).nullable(),
  significant: z.boolean().nullable(),
  verdict: VerdictSchema,
  notes: z.array(z.string()),
});
/** One runtime × metric compared. */
export type ComparisonRow = z.infer<typeof ComparisonRowSchema>;

/**
 * Why the gate cannot vouch for the new run, whatever its numbers say: `failures` (a runtime ×
 * benchmark failed steps in the new run and none in the baseline), `missing-runtime` (a runtime
 * of the baseline has no value in the new run), `missing-metric` (a runtime × metric of the
 * baseline has none), `no-samples` (its every value in the new run is empty or a warm-up).
 */
export const GateProblemSchema = z.object({
  cause: z.enum(["failures", "missing-runtime", "missing-metric", "no-samples"]),
  runtime: z.string(),
  benchmark: z.string().optional(),
  metric: z.string().optional(),
  /** One line saying what is wrong, for a person. */
  message: z.string(),
});
/** Why the gate cannot vouch for the new run. */
export type GateProblem = z.infer<typeof GateProblemSchema>;

/** A whole comparison. */
export const ComparisonSchema = z.object({
  schemaVersion: z.literal(COMPARISON_SCHEMA_VERSION),
  baselineRuns: z.array(z.string()),
  candidateRuns: z.array(z.string()),
  alpha: Num,
  rows: z.array(ComparisonRowSchema),
  regressions: z.number().int().nonnegative(),
  improvements: z.number().int().nonnegative(),
  /** What the gate cannot vouch for; `compare` fails on any unless told to allow them. */
  problems: z.array(GateProblemSchema),
  warnings: z.array(z.string()),
});
/** A whole comparison. */
export type Comparison = z.infer<typeof ComparisonSchema>;
