/**
 * Analysis of result sets (pure): descriptive statistics, bootstrap intervals, outliers,
 * ratios to a baseline, pairwise tests with Holm's correction, rankings, category scores,
 * Derringer–Suich desirability per workload profile, and sanity checks.
 *
 * @module
 */
export * from "./analyze_result_sets.ts";
