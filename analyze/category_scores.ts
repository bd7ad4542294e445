/**
 * Category scores and wins/losses from analysed metrics.
 *
 * @module
 */
import type { CategoryScore, MetricAnalysis, WinLoss } from "../model/analysis.ts";
import { type Category, CategorySchema } from "../model/result_set.ts";

function geometricMean(values: number[]): number {
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

/**
 * A runtime's normalised ratio on a ranked metric, oriented so that 1 = the metric's reference
 * and larger is better: value ÷ reference when higher is better, reference ÷ value when lower
 * is better. Null when either is missing or not positive (a ratio of signs means nothing).
 */
export function normalisedRatio(metric: MetricAnalysis, runtime: string): number | null {
  if (metric.direction === "none" || metric.reference === null) return null;
  const value = metric.summaries.find((s) => s.runtime === runtime)?.central ?? null;
  const ref = metric.summaries.find((s) => s.runtime === metric.reference!.runtime)?.central ??
    null;
  if (value === null || ref === null || !(value > 0) || !(ref > 0)) return null;
  return metric.direction === "higher" ? value / ref : ref / value;
}

/**
 * Per runtime and category: the geometric mean of its normalised ratios over the category's
 * ranked metrics (Fleming & Wallace 1986 on summarising normalised benchmark results with the
 * geometric mean); `overall` is the geometric mean of the runtime's category scores, each
 * category counting once whatever its number of metrics. Metrics with direction `none` are
 * left out. The reference is the baseline where the group has it, otherwise each metric's
 * best runtime (then scores are ≤ 1 and 1 means "best on every metric"). A metric on which
 * any runtime's value is ≤ 0 has no ratio for it (0 ms or 0 % loss, the best possible, would be
 * infinitely better): it is left out for every runtime alike, and each score's notes say so,
 * rather than silently scoring some runtimes without it.
 */
export function categoryScores(metrics: MetricAnalysis[], runtimes: string[]): CategoryScore[] {
  const out: CategoryScore[] = [];
  const ranked = metrics.filter((m) => m.direction !== "none" && m.reference !== null);
  const leftOut = new Map<string, string>(); // metric id → why
  for (const m of ranked) {
    const bad = m.summaries.filter((s) => s.central !== null && s.central <= 0);
    if (bad.length > 0) {
      leftOut.set(
        m.metric,
        `${m.metric} left out for every runtime: values ≤ 0 have no ratio (` +
          bad.map((s) => `${s.runtime} ${s.central}`).join(", ") + ")",
      );
    }
  }
  for (const runtime of runtimes) {
    const categoryValues: number[] = [];
    let usedTotal = 0;
    let missingTotal = 0;
    const allNotes: string[] = [];
    for (const category of CategorySchema.options as Category[]) {
      const inCategory = ranked.filter((m) => m.category === category);
      if (inCategory.length === 0) continue;
      const notes = inCategory.filter((m) => leftOut.has(m.metric)).map((m) =>
        leftOut.get(m.metric)!
      );
      const ratios = inCategory
        .filter((m) => !leftOut.has(m.metric))
        .map((m) => normalisedRatio(m, runtime))
        .filter((r): r is number => r !== null);
      const missing = inCategory.length - ratios.length;
      const score = ratios.length > 0 ? geometricMean(ratios) : null;
      if (score !== null) categoryValues.push(score);
      usedTotal += ratios.length;
      missingTotal += missing;
      allNotes.push(...notes);
      out.push({
        runtime,
        category,
        score,
        metricsUsed: ratios.length,
        metricsMissing: missing,
        notes,
      });
    }
    out.push({
      runtime,
      category: "overall",
      score: categoryValues.length > 0 ? geometricMean(categoryValues) : null,
      metricsUsed: usedTotal,
      metricsMissing: missingTotal,
      notes: allNotes,
    });
  }
  return out;
}

/**
 * Per runtime: on how many ranked metrics it holds rank 1 (wins) and the last rank (losses),
 * out of the ranked metrics where it has a value. A metric on which every runtime shares rank 1
 * counts as neither.
 */
export function winsAndLosses(metrics: MetricAnalysis[], runtimes: string[]): WinLoss[] {
  const table = new Map(runtimes.map((r) => [r, { runtime: r, wins: 0, losses: 0, ranked: 0 }]));
  for (const m of metrics) {
    if (!m.ranking) continue;
    const ranks = m.ranking.entries.filter((e) => e.rank !== null).map((e) => e.rank!);
    if (ranks.length === 0) continue;
    const last = Math.max(...ranks);
    for (const e of m.ranking.entries) {
      const row = table.get(e.runtime);
      if (!row || e.rank === null) continue;
      row.ranked++;
      // When every runtime shares rank 1 nobody won or lost that metric.
      if (last === 1) continue;
      if (e.rank === 1) row.wins++;
      else if (e.rank === last) row.losses++;
    }
  }
  return [...table.values()];
}
