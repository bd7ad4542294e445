/**
 * The data model: zod schemas for every file ocibench writes or reads, the types derived from
 * them, and the functions that read and write result sets.
 *
 * @module
 */
export * from "./result_set.ts";
export * from "./format_issues.ts";
export * from "./read_result_set.ts";
export * from "./sample_columns.ts";
export * from "./write_result_set.ts";
export * from "./analysis.ts";
export * from "./run_layout.ts";
export * from "./margins.ts";
export * from "./match_wildcard.ts";
