/**
 * A paper's published values beside a fresh run of the same metrics: for each pair of runtimes
 * (runtime ÷ baseline) and each metric, the paper's ratio (one per combination of its rows, e.g.
 * Podman ÷ Docker 18 and Podman ÷ Docker 20) and the run's ratio with its interval and verdict
 * ({@link decideVerdict}, the intervals of one metric made simultaneous with Bonferroni), and
 * whether the paper's ordering holds on this host.
 *
 * Ratios, not values, are compared: the hosts, tools and sizes differ, but which runtime is
 * faster, and by how much, can be compared.
 *
 * @module
 */
import type { ResultSet } from "../model/result_set.ts";
import type { BesideRunSpec } from "../model/paper_claim.ts";
import type { VerdictKind } from "../model/analysis.ts";
import type { ClaimValue } from "./paper_claims.ts";
import { bonferroniLevel, decideVerdict } from "./verdict.ts";

/** What the run says of the paper's ordering. */
export type OrderingHere =
  | "holds" // the run decides the same side as every paper ratio (equivalent for a printed tie)
  | "reversed" // the run decides the other side (better or worse for a printed tie)
  | "equivalent" // the run finds them within the margin
  | "undecided" // the run's interval straddles 1 without lying within the margin
  | "paper mixed" // the paper's own ratios (e.g. its two Docker rows) disagree
  | "no paper value"; // the paper printed no value for one side (e.g. "??")

/** One metric of one pair. */
export interface BesideRow {
  pair: string;
  paperMetric: string;
  runMetric: string;
  direction: "higher" | "lower";
  /** runtime ÷ baseline for each combination of the paper's rows. */
  paperRatios: { runtime: string; baseline: string; ratio: number }[];
  /** The run's ratio with its interval; null when not computable (reason in `reason`). */
  ratio: number | null;
  low: number | null;
  high: number | null;
  level: number | null;
  verdict: VerdictKind;
  n: number;
  baselineN: number;
  ordering: OrderingHere;
  /** Every paper ratio inside the run's interval. */
  paperInside: boolean;
  reason: string;
}

/** Options of {@link compareBesideRun}. */
export interface BesideRunOptions {
  /** The paper's published values. */
  paper: readonly ClaimValue[];
  /** Which run metrics and runtimes stand for the paper's. */
  spec: BesideRunSpec;
  /** Practical margin δ of the verdicts (default 0.05). */
  margin?: number;
  /** Simultaneous coverage of one metric's intervals (default 0.95). */
  level?: number;
}

/**
 * Compares the paper's ratios with a run's, per pair and metric of `spec`. The run's values are
 * its measured samples (warm-ups and values marked not comparable left out). Raises RangeError
 * when a metric of `spec` is absent from the paper's values or has no direction.
 */
export function compareBesideRun(run: ResultSet, options: BesideRunOptions): BesideRow[] {
  const { paper, spec } = options;
  const margin = options.margin ?? 0.05;
  const level = bonferroniLevel(options.level ?? 0.95, spec.pairs.length);
  const paperValue = new Map(paper.map((v) => [`${v.runtime}\u0000${v.metric}`, v]));
  const runSamples = new Map<string, number[]>();
  for (const s of run.samples) {
    if (s.kind !== "sample" || s.warmup || s.notComparable) continue;
    const k = `${s.runtime}\u0000${s.metric}`;
    runSamples.set(k, [...(runSamples.get(k) ?? []), s.value]);
  }
  const rows: BesideRow[] = [];
  for (const m of spec.metrics) {
    const any = paper.find((v) => v.metric === m.paper);
    if (!any) throw new RangeError(`besideRun: paper metric "${m.paper}" has no published value`);
    if (any.direction === "none") {
      throw new RangeError(`besideRun: paper metric "${m.paper}" has no direction`);
    }
    const direction = any.direction;
    for (const pair of spec.pairs) {
      const paperRatios = pair.paper.runtime.flatMap((r) =>
        pair.paper.baseline.flatMap((b) => {
          const x = paperValue.get(`${r}\u0000${m.paper}`)?.value;
          const y = paperValue.get(`${b}\u0000${m.paper}`)?.value;
          return x && y ? [{ runtime: r, baseline: b, ratio: x / y }] : [];
        })
      );
      const base = runSamples.get(`${pair.run.baseline}\u0000${m.run}`) ?? [];
      const mine = runSamples.get(`${pair.run.runtime}\u0000${m.run}`) ?? [];
      const v = decideVerdict(base, mine, { direction, margin, level });
      // A ratio above 1 is better when higher is better; exactly 1 is a tie as printed.
      const side = (ratio: number) =>
        ratio === 1 ? "tie" : (ratio > 1) === (direction === "higher") ? "better" : "worse";
      const paperSides = new Set(paperRatios.map((p) => side(p.ratio)));
      const ordering: OrderingHere = paperSides.size === 0
        ? "no paper value"
        : paperSides.size > 1
        ? "paper mixed"
        : v.verdict === "undetermined"
        ? "undecided"
        : paperSides.has("tie")
        ? (v.verdict === "equivalent" ? "holds" : "reversed")
        : v.verdict === "equivalent"
        ? "equivalent"
        : paperSides.has(v.verdict)
        ? "holds"
        : "reversed";
      rows.push({
        pair: pair.label,
        paperMetric: m.paper,
        runMetric: m.run,
        direction,
        paperRatios,
        ratio: v.ratio,
        low: v.low,
        high: v.high,
        level: v.level,
        verdict: v.verdict,
        n: v.n,
        baselineN: v.baselineN,
        ordering,
        paperInside: v.low !== null && v.high !== null && paperRatios.length > 0 &&
          paperRatios.every((p) => p.ratio >= v.low! && p.ratio <= v.high!),
        reason: v.reason,
      });
    }
  }
  return rows;
}
