/**
 * Analysis of result sets (pure): descriptive statistics, bootstrap intervals, outliers,
 * ratios to a baseline, pairwise tests with Holm's correction, rankings, category scores,
 * Derringer–Suich desirability per workload profile, and sanity checks.
 *
 * The entry point is {@link analyzeResultSets}; the building blocks are exported for notebooks
 * and for `compare`.
 *
 * @module
 */
export * from "./analyze_result_sets.ts";
export * from "./analyze_metric.ts";
export * from "./summarize_values.ts";
export * from "./detect_outliers.ts";
export * from "./bootstrap_interval.ts";
export * from "./mann_whitney.ts";
export * from "./welch_t.ts";
export * from "./holm_adjust.ts";
export * from "./effect_size.ts";
export * from "./category_scores.ts";
export * from "./desirability.ts";
export * from "./scoring_table.ts";
export * from "./summarize_verdicts.ts";
export * from "./security_posture.ts";
export * from "./profiles.ts";
export * from "./check_sanity.ts";
export * from "./random.ts";
export * from "./verdict.ts";
export * from "./baseline_verdicts.ts";
export * from "./median_interval.ts";
export * from "./rank_intervals.ts";
export * from "./mark_not_comparable.ts";
export * from "./paper_claims.ts";
export * from "./paper_sensitivity.ts";
export * from "./paper_beside_run.ts";
