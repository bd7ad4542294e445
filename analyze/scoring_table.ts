/**
 * What the recommendation scores: per ranked metric and runtime, the cost ratio to the baseline
 * (1 = as the baseline, above 1 = worse), whether the runtime is equivalent to the baseline
 * there, and the same ratio under seeded resampling of the samples. Each value depends only on
 * the runtime's own samples and the baseline's, never on which other runtimes were measured.
 *
 * @module
 */
import type { MetricAnalysis } from "../model/analysis.ts";
import type { Category } from "../model/result_set.ts";
import type { MetricValues } from "./_group_values.ts";
import { createRandom, type Random, streamSeed } from "./random.ts";
import { decideVerdict } from "./verdict.ts";

/** Default number of resamples behind the stability of a recommendation. */
export const DEFAULT_SCORING_RESAMPLES = 200;

/** One runtime on one metric. */
export interface ScoringCell {
  /**
   * Cost ratio to the baseline, oriented: value ÷ baseline when lower is better, baseline ÷
   * value when higher is better; 1 when the runtime is equivalent to the baseline; Infinity for
   * zero throughput (a veto), 0 for a zero time. Null when the runtime has no usable value.
   */
  cost: number | null;
  /**
   * The runtime's interval against the baseline lies inside the metric's margin (verdict
   * `equivalent`, or a difference decided yet too small to matter), so `cost` is 1.
   */
  equivalent: boolean;
  /** The cost in each resample (all 1 when equivalent); empty when `cost` is null. */
  resampled: Float64Array;
  /** Published values held fixed in the resamples (they carry no spread). */
  fixed: boolean;
  /** Why there is no cost, when `cost` is null. */
  missing?: string;
  /**
   * Set (to the reason) when the cell was excluded as not comparable: the recommendation leaves
   * the metric out of this runtime's category instead of counting it missing.
   */
  notComparable?: string;
}

/** One ranked metric. */
export interface ScoringMetric {
  metric: string;
  category: Category;
  /** Why no runtime can be scored on it (the baseline has no usable value), or null. */
  unusable: string | null;
  /** Per runtime id (the baseline included, at cost 1). */
  cells: Map<string, ScoringCell>;
}

/** The input of the recommendation: every ranked metric against the baseline. */
export interface ScoringTable {
  baseline: string;
  resamples: number;
  /** Level of each runtime's own interval in the equivalence decision, e.g. 0.95. */
  level: number;
  metrics: ScoringMetric[];
}

/** Options of {@link scoringTable}. */
export interface ScoringTableOptions {
  baseline: string;
  /** Level of the per-runtime equivalence decision, e.g. 0.95. */
  level: number;
  /** The practical margin δ of a metric (a fraction). */
  marginOf: (metric: string) => number;
  seed: number;
  /** Resamples; default {@link DEFAULT_SCORING_RESAMPLES}. */
  resamples?: number;
  /**
   * Why a runtime's values of a metric must not be scored (e.g. flagged not comparable), or
   * null: such a cell counts as missing, with that reason, so the runtime is not eligible for
   * a profile that weighs the metric.
   */
  exclude?: (metric: string, runtime: string) => string | null;
}

/** The location a cost rests on: the geometric mean when every value is > 0, else the median. */
function location(values: ArrayLike<number>): number {
  let positive = true;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] > 0)) positive = false;
    else sum += Math.log(values[i]);
  }
  if (positive) return Math.exp(sum / values.length);
  return median(Float64Array.from(values).sort());
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/** A standard normal deviate (Box–Muller) from two uniforms of `random`. */
function normal(random: Random): number {
  const u = 1 - random(); // (0, 1]: no log of 0
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * A gamma deviate of shape `a` and scale 1: Marsaglia and Tsang's (2000) squeeze method, with
 * U^(1/a) boosting a shape below 1.
 */
function gamma(a: number, random: Random): number {
  if (a < 1) return gamma(a + 1, random) * random() ** (1 / a);
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(random);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - random(); // (0, 1]: no log of 0
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < x * x / 2 + d * (1 - v + Math.log(v))) {
      return d * v;
    }
  }
}

/**
 * `resamples` draws of {@link location} of `values`, as uncertain as the t intervals the
 * verdicts use. With every value > 0 and n ≥ 2: the log-mean drawn from its t distribution,
 * mean of the ln values + s/√n · T with T a Student t deviate of n − 1 degrees of freedom. A
 * bootstrap of a handful of values would be far too sure: the percentile interval of 3 values'
 * mean spans about their range, a third of the t interval's width, so a runtime could come first
 * in most resamples on differences the verdicts leave undetermined. One value: itself. With a
 * value ≤ 0: bootstrap replicates of the median (Efron 1979).
 */
export function resampleLocation(
  values: ArrayLike<number>,
  resamples: number,
  random: Random,
): Float64Array {
  const n = values.length;
  const out = new Float64Array(resamples);
  if (n === 0) return out.fill(NaN);
  let positive = true;
  for (let i = 0; i < n; i++) if (!(values[i] > 0)) positive = false;
  if (positive) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += Math.log(values[i]);
    mean /= n;
    if (n === 1) return out.fill(values[0]);
    let m2 = 0;
    for (let i = 0; i < n; i++) m2 += (Math.log(values[i]) - mean) ** 2;
    const se = Math.sqrt(m2 / (n - 1) / n);
    const df = n - 1;
    for (let b = 0; b < resamples; b++) {
      // Student's t: a normal over the root of a chi-square (twice a gamma of shape df/2) ÷ df.
      const t = normal(random) / Math.sqrt((2 * gamma(df / 2, random)) / df);
      // t of one degree of freedom is Cauchy: keep the draw a finite positive number, so that
      // no ratio of two draws is NaN.
      out[b] = Math.exp(Math.max(-700, Math.min(700, mean + se * t)));
    }
    return out;
  }
  const draw = new Float64Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) draw[i] = values[Math.floor(random() * n)];
    out[b] = median(draw.sort());
  }
  return out;
}

/**
 * Why a measured cell of one run is not scored: each resample of one value is that value, so D's
 * interval would have no width and the share of resamples a runtime is first would read as
 * certainty that nothing measured.
 */
const ONE_RUN = "one measured run, no spread to resample (collect at least 2)";

/**
 * Why a runtime's measured values of a metric are not a measurement of it, when the tool gave
 * fewer values of it than of the other metrics of the same benchmark in the same runs (bonnie++
 * prints +++++ for a test too fast to time, i.e. served from a cache, not the disk): the runs
 * measured, the metric not. Null otherwise (a failed run gives none of its metrics: missing).
 */
function untimedIn(
  values: readonly MetricValues[],
  raw: MetricValues | undefined,
  runtime: string,
): string | null {
  const own = raw?.runtimes.get(runtime);
  if (!raw || (own?.published.length ?? 0) > 0) return null;
  let most = 0;
  for (const v of values) {
    if (v.info.benchmark !== raw.info.benchmark || v === raw) continue;
    most = Math.max(most, v.runtimes.get(runtime)?.values.length ?? 0);
  }
  const got = own?.values.length ?? 0;
  if (got >= most) return null;
  return `the tool timed it in ${got} of the ${most} runs that timed the benchmark's other ` +
    "metrics (e.g. bonnie++'s +++++, too fast to time: served from a cache, not measured)";
}

/** A cell left out of a runtime's score as not comparable, with the reason. */
function notComparableCell(metric: string, reason: string): ScoringCell {
  return {
    cost: null,
    equivalent: false,
    resampled: new Float64Array(0),
    fixed: false,
    missing: `${metric}: ${reason}`,
    notComparable: reason,
  };
}

function orient(direction: "higher" | "lower", value: number, base: number): number {
  if (direction === "lower") return value / base;
  return value === 0 ? Infinity : base / value;
}

function short(x: number): string {
  return String(Number(x.toPrecision(3)));
}

/**
 * Builds the {@link ScoringTable} of a host group. Per ranked metric: the baseline's location
 * (geometric mean of its samples, or its published value) must be > 0 and, measured, rest on at
 * least 2 runs, else the metric is unusable for every runtime alike; a runtime measured once has
 * no cost there (`missing`). Per runtime: the cost ratio of locations; `equivalent`
 * (cost 1) when the interval of {@link decideVerdict} at `level` — the runtime's own interval,
 * not one of the metric's simultaneous ones, so that it does not depend on how many runtimes
 * were compared — lies inside the metric's margin: every runtime whose verdict is `equivalent`
 * (a wider, simultaneous interval inside the margin) is then equivalent here too, and so is a
 * difference decided yet too small to matter. Resampling: each runtime × metric cell
 * and the baseline's own draw from their own seeded streams.
 */
export function scoringTable(
  values: readonly MetricValues[],
  metrics: readonly MetricAnalysis[],
  options: ScoringTableOptions,
): ScoringTable {
  const { baseline, level } = options;
  const resamples = Math.max(0, Math.trunc(options.resamples ?? DEFAULT_SCORING_RESAMPLES));
  const out: ScoringMetric[] = [];
  for (const m of metrics) {
    const direction = m.direction;
    if (direction === "none") continue;
    const raw = values.find((v) => v.info.id === m.metric);
    const samplesOf = (runtime: string) => raw?.runtimes.get(runtime)?.values ?? [];
    const centralOf = (runtime: string) =>
      m.summaries.find((s) => s.runtime === runtime)?.central ?? null;
    const draws = (runtime: string): { point: number; draws: Float64Array; fixed: boolean } => {
      const samples = samplesOf(runtime);
      if (samples.length > 0) {
        const random = createRandom(
          streamSeed(options.seed, `${m.metric}\u0000${runtime}\u0000scoring`),
        );
        return {
          point: location(samples),
          draws: resampleLocation(samples, resamples, random),
          fixed: false,
        };
      }
      const central = centralOf(runtime);
      return {
        point: central ?? NaN,
        draws: new Float64Array(resamples).fill(central ?? NaN),
        fixed: true,
      };
    };
    const cells = new Map<string, ScoringCell>();
    // The baseline's logarithms, taken once for all the runtimes compared with it.
    const logCache = new WeakMap<object, Float64Array>();
    const base = draws(baseline);
    const unusable = Number.isNaN(base.point)
      ? `${m.metric}: the baseline ${baseline} has no value`
      : base.point <= 0
      ? `${m.metric}: the baseline ${baseline}'s value ${short(base.point)} is not above 0, ` +
        "so no ratio to it exists"
      : samplesOf(baseline).length === 1
      ? `${m.metric}: ${ONE_RUN}`
      : null;
    if (unusable === null) {
      const margin = options.marginOf(m.metric);
      for (const s of m.summaries) {
        if (s.runtime === baseline) {
          cells.set(baseline, {
            cost: 1,
            equivalent: true,
            resampled: new Float64Array(resamples).fill(1),
            fixed: base.fixed,
          });
          continue;
        }
        // Left out as not comparable: flagged by the caller, or not timed where its siblings were.
        const excluded = options.exclude?.(m.metric, s.runtime) ??
          untimedIn(values, raw, s.runtime);
        if (excluded !== null) {
          cells.set(s.runtime, notComparableCell(m.metric, excluded));
          continue;
        }
        const own = draws(s.runtime);
        if (samplesOf(s.runtime).length === 1) {
          cells.set(s.runtime, {
            cost: null,
            equivalent: false,
            resampled: new Float64Array(0),
            fixed: false,
            missing: `${m.metric}: ${ONE_RUN}`,
          });
          continue;
        }
        if (Number.isNaN(own.point) || own.point < 0) {
          cells.set(s.runtime, {
            cost: null,
            equivalent: false,
            resampled: new Float64Array(0),
            fixed: own.fixed,
            missing: Number.isNaN(own.point)
              ? `no value of ${m.metric}` +
                (s.missingReason ? ` (${s.missingReason})` : "")
              : `${m.metric}: value ${short(own.point)} below 0 has no ratio`,
          });
          continue;
        }
        const runtimeSamples = samplesOf(s.runtime);
        const baseSamples = samplesOf(baseline);
        const equivalent = runtimeSamples.length >= 2 && baseSamples.length >= 2 &&
          decideVerdict(baseSamples, runtimeSamples, { direction, margin, level, logCache })
            .withinMargin;
        const resampled = new Float64Array(resamples);
        for (let b = 0; b < resamples; b++) {
          resampled[b] = equivalent
            ? 1
            : own.draws[b] < 0 || !(base.draws[b] > 0)
            ? orient(direction, own.point, base.point)
            : orient(direction, own.draws[b], base.draws[b]);
        }
        cells.set(s.runtime, {
          cost: equivalent ? 1 : orient(direction, own.point, base.point),
          equivalent,
          resampled,
          fixed: own.fixed && base.fixed,
        });
      }
    }
    if (unusable === null && raw) {
      // A runtime whose runs timed the benchmark's other metrics but never this one has no
      // summary of it: its cell says why, rather than "no value".
      for (const v of values) {
        if (v.info.benchmark !== raw.info.benchmark) continue;
        for (const runtime of v.runtimes.keys()) {
          if (cells.has(runtime) || runtime === baseline) continue;
          const untimed = untimedIn(values, raw, runtime);
          if (untimed !== null) cells.set(runtime, notComparableCell(m.metric, untimed));
        }
      }
    }
    out.push({ metric: m.metric, category: m.category, unusable, cells });
  }
  return { baseline, resamples, level, metrics: out };
}
