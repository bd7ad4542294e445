/**
 * ocibench: run the same OCI image under many container runtimes, measure CPU, memory, disk,
 * network, start-up and footprint, analyse the samples and render a paper-like report.
 *
 * The public API, by use:
 * - **Results**: read and validate result sets (`readResultSets`), their schemas and types.
 * - **Collect**: plan and run a collection (`runCollection`), runtimes, benchmarks, doctor.
 * - **Analyze**: `analyzeResultSets` and the statistics it is built from.
 * - **Compare**: gate an upgrade — `compareResultSets` with tolerances from `readTolerances`.
 * - **Report**: build notebooks into HTML/Markdown/SVG/CSV (`buildReport`) and render analyses
 *   and comparisons as text (`formatAnalysis`, `formatComparison`).
 *
 * @example Gate a new run against a baseline run
 * ```ts
 * import {
 *   compareResultSets,
 *   DEFAULT_TOLERANCES_PATH,
 *   formatComparison,
 *   readResultSets,
 *   readTolerances,
 * } from "./mod.ts";
 *
 * const tolerances = await readTolerances(DEFAULT_TOLERANCES_PATH);
 * const baseline = (await readResultSets(["results/base.json"])).map((r) => r.set);
 * const candidate = (await readResultSets(["results/new.json"])).map((r) => r.set);
 * const comparison = compareResultSets(baseline, candidate, { tolerances });
 * console.log(formatComparison(comparison, "table"));
 * if (comparison.regressions > 0) Deno.exit(1);
 * ```
 *
 * @module
 */

// Results: read, validate and write result sets; their schemas and types.
export {
  type BenchmarkInfo,
  BenchmarkInfoSchema,
  type Category,
  CategorySchema,
  type Direction,
  DirectionSchema,
  type Failure,
  FailureSchema,
  type HostInfo,
  HostInfoSchema,
  type IsolationClass,
  IsolationClassSchema,
  type MetricInfo,
  MetricInfoSchema,
  type Observation,
  ObservationSchema,
  type ResultSet,
  ResultSetSchema,
  type RunStatus,
  RunStatusSchema,
  type RuntimeInfo,
  RuntimeInfoSchema,
  type Sample,
  SampleSchema,
  SCHEMA_VERSION,
  type SummaryValue,
  SummaryValueSchema,
} from "./model/result_set.ts";
export {
  expandResultPaths,
  InvalidInputError,
  parseResultSet,
  readResultSet,
  readResultSets,
} from "./model/read_result_set.ts";
export { writeResultSet } from "./model/write_result_set.ts";
export { resultSetJsonSchema } from "./model/write_json_schema.ts";

// Collect: plan and run a collection on the runtimes this host has.
export { runCollection, type RunCollectionOptions } from "./collect/run_loop.ts";
export { newRunId, type RunLayout, runLayout } from "./model/run_layout.ts";
export { buildPlan, type PlanOptions, type PlanStep } from "./collect/plan.ts";
export {
  budgetPolicy,
  type BudgetPolicyOptions,
  type BudgetTarget,
  DEFAULT_LOOKS,
  DEFAULT_MIN_RUNS,
  lookShare,
} from "./collect/budget_policy.ts";
export { simulateSchedule, type SimulateScheduleOptions } from "./collect/simulate_schedule.ts";
export { BENCHMARKS, listSuites, resolveBenchmarks } from "./collect/benchmarks/mod.ts";
export {
  adapterById,
  type AdapterOptions,
  allAdapters,
  cleanupAll,
  detectAll,
  type DetectedRuntime,
  RUNTIME_IDS,
} from "./collect/runtimes/mod.ts";
export type {
  AdapterContext,
  BenchmarkDefinition,
  Detection,
  ImagePaths,
  MeasureContext,
  MeasuredValue,
  Mount,
  NetworkSpec,
  ProcessResult,
  RunningContainer,
  RuntimeAdapter,
  StepSpec,
} from "./collect/types.ts";
export { buildImage, findImage, type ImageOptions } from "./collect/image.ts";
export { findLeftovers } from "./collect/leftovers.ts";
export {
  type DoctorOptions,
  type DoctorReport,
  type DoctorRuntime,
  type DoctorTool,
  formatDoctorReport,
  runDoctor,
} from "./collect/doctor.ts";
export { type FioResult, parseFioJson } from "./collect/benchmarks/fio.ts";
export { type BonnieResult, parseBonnieCsv } from "./collect/benchmarks/bonnie.ts";
export { type Iperf3Result, parseIperf3Json } from "./collect/benchmarks/iperf3.ts";
export { parseQperf, type QperfResult } from "./collect/benchmarks/qperf.ts";

// Analyze: the whole analysis, its result types, and the statistics it is built from.
export { type AnalyzeOptions, analyzeResultSets } from "./analyze/analyze_result_sets.ts";
export {
  type Analysis,
  AnalysisSchema,
  type CategoryBounds,
  type CategoryScore,
  type HostGroup,
  type MetricAnalysis,
  type Profile,
  type Recommendation,
  type RuntimeSummary,
  type SanityFinding,
  type SecurityPosture,
  type WinLoss,
} from "./model/analysis.ts";
export { type BaselineVerdict, BaselineVerdictSchema, type VerdictKind } from "./model/analysis.ts";
export {
  bonferroniLevel,
  decideVerdict,
  type IntervalKind,
  type VerdictOptions,
  type VerdictResult,
} from "./analyze/verdict.ts";
export { type BaselineVerdictOptions, baselineVerdicts } from "./analyze/baseline_verdicts.ts";
export {
  type MedianInterval,
  medianOrderInterval,
  smallestNForLevel,
} from "./analyze/median_interval.ts";
export { type RankInterval, rankIntervals } from "./analyze/rank_intervals.ts";
export {
  DEFAULT_MARGINS,
  DEFAULT_MARGINS_PATH,
  marginFor,
  type MarginRule,
  type Margins,
  MarginsSchema,
  readMargins,
} from "./model/margins.ts";
export { summarizeValues, type ValueSummary } from "./analyze/summarize_values.ts";
export { detectOutliers, type OutlierFlags } from "./analyze/detect_outliers.ts";
export {
  type IntervalEstimate,
  type IntervalOptions,
  medianInterval,
  ratioOfMediansInterval,
} from "./analyze/bootstrap_interval.ts";
export {
  type MannWhitneyOptions,
  type MannWhitneyResult,
  mannWhitneyU,
} from "./analyze/mann_whitney.ts";
export { type WelchResult, welchTTest } from "./analyze/welch_t.ts";
export { holmAdjust } from "./analyze/holm_adjust.ts";
export { cliffsDeltaFromU, hodgesLehmannShift } from "./analyze/effect_size.ts";
export { categoryScores, winsAndLosses } from "./analyze/category_scores.ts";
export {
  type RuntimeVerdicts,
  summarizeVerdicts,
  type VerdictSummary,
} from "./analyze/summarize_verdicts.ts";
export {
  boundsOf,
  DEFAULT_CATEGORY_BOUNDS,
  desirability,
  type DesirabilityOptions,
  recommend,
  type RecommendOptions,
} from "./analyze/desirability.ts";
export {
  DEFAULT_SCORING_RESAMPLES,
  resampleLocation,
  type ScoringCell,
  type ScoringMetric,
  type ScoringTable,
  scoringTable,
  type ScoringTableOptions,
} from "./analyze/scoring_table.ts";
export { BUILTIN_PROFILES, findProfile, parseProfiles } from "./analyze/profiles.ts";
export { SECURITY_POSTURE, securityPostureOf } from "./analyze/security_posture.ts";
export { createRandom, type Random } from "./analyze/random.ts";

// Compare: gate a new run against a baseline with tolerances.
export { type CompareOptions, compareResultSets } from "./analyze/compare_result_sets.ts";
export {
  type Comparison,
  type ComparisonRow,
  ComparisonSchema,
  type Verdict,
} from "./model/comparison.ts";
export {
  DEFAULT_TOLERANCES_PATH,
  readTolerances,
  type Tolerance,
  toleranceFor,
  type ToleranceRule,
  type Tolerances,
  TolerancesSchema,
} from "./model/tolerances.ts";

// Report: notebooks into HTML, Markdown, SVG and CSV; analyses and comparisons as text.
export { buildReport, type BuildReportOptions, type BuiltReport } from "./report/build_report.ts";
export {
  type CellBlock,
  type CellOptions,
  type Notebook,
  type NotebookMeta,
  parseNotebook,
  type ProseBlock,
} from "./report/parse_notebook.ts";
export { CellError } from "./report/run_cells.ts";
export type {
  CellContext,
  FigureOptions,
  ObservationRow,
  TableColumn,
  TableOptions,
} from "./report/cell_context.ts";
export { formatAnalysis, type TextFormat } from "./report/format_analysis.ts";
export { formatComparison } from "./report/format_comparison.ts";
export {
  formatVerdictLine,
  formatVerdictSummary,
  type VerdictSummaryOptions,
} from "./report/format_verdict_summary.ts";
export {
  formatInterval,
  formatNumber,
  type FormatNumberOptions,
  formatPercent,
  formatPValue,
  formatRatio,
} from "./report/format_number.ts";
export { csvField, csvText, type CsvValue } from "./report/render_csv.ts";
export {
  escapeHtml,
  escapeMarkdown,
  escapeTerminal,
  type EscapeTerminalOptions,
} from "./report/escape.ts";
