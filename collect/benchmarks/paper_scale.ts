/**
 * The paper's CPU and memory benchmarks at the paper's scale (Debab & Hidouci 2020, Tables 6, 7
 * and 11), for a run set beside the published tables:
 *
 * - `pi_paper`: one `pi` (CLN) per core at once to {@link PI_PAPER_DIGITS} digits, 5–10 s on
 *   each core of an idle 2-core host of ours and up to 30 s on a busy one → time, CPU utilisation and multi-core efficiency,
 *   as y-cruncher's multi-threaded run of Tables 6–7 reports them. The paper's runs took about
 *   4.7 min each; ten of them per runtime do not fit a collection of minutes, so the duration is
 *   the paper's order of magnitude in seconds, not minutes.
 * - `stream_paper`: STREAM with {@link STREAM_PAPER_ELEMENTS} elements per array, the size the
 *   paper's Table 11 implies: average time × best rate ÷ bytes per element bounds the elements
 *   per array from above (the average time is at least the best run's), 231–273 million on every
 *   row but Kata's (82 million), the tightest 231–233 million from Docker 18; 10 repetitions, as
 *   STREAM's default.
 *
 * They are not in the `full` suite (a 5.5 GB STREAM does not belong in every run); the `paper`
 * suite of `collect/benchmarks/mod.ts` names them.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import type { MetricInfo } from "../../model/result_set.ts";
import { cpuUtilizationPercent, measurePi, PI_SCRIPT } from "./_pi.ts";
import { measureStream, STREAM_NTIMES, streamMetrics } from "./stream.ts";

/** Digits of each `pi` instance of `pi_paper`: 5–10 s on an idle core here. */
export const PI_PAPER_DIGITS = 4_000_000;
/**
 * Elements per array of `stream_paper`: at most 231–233 million by Table 11's Docker 18 row
 * (average time × best rate ÷ 16 or 24 bytes per element), so 3 arrays of 1.84 GB.
 */
export const STREAM_PAPER_ELEMENTS = 230_000_000;

function piPaperMetrics(): MetricInfo[] {
  const metric = (
    id: string,
    name: string,
    unit: string,
    direction: "lower" | "higher",
    description: string,
  ): MetricInfo => ({
    id: `pi_paper.${id}`,
    benchmark: "pi_paper",
    name,
    category: "cpu",
    unit,
    direction,
    description,
  });
  return [
    metric(
      "time",
      "pi, all cores, computation time",
      "s",
      "lower",
      "Wall time inside the container.",
    ),
    metric(
      "total_time",
      "pi, all cores, total time",
      "s",
      "lower",
      "Wall time of the container run.",
    ),
    metric(
      "cpu_utilization",
      "CPU utilisation",
      "%",
      "higher",
      "(user + system CPU time) / wall time × 100; N busy cores give N × 100 %.",
    ),
    metric(
      "multicore_efficiency",
      "multi-core efficiency",
      "%",
      "higher",
      "CPU utilisation / number of instances (one per core), as y-cruncher reports it.",
    ),
  ];
}

/** `pi_paper`: y-cruncher's multi-threaded run of Tables 6–7, with `pi` per core. */
export const piPaperBenchmark: BenchmarkDefinition = {
  info: {
    id: "pi_paper",
    name: "pi, one instance per core, paper-like duration",
    category: "cpu",
    tool: "pi",
    description:
      "One pi (CLN) per logical core at once, to a digit count that takes 5–10 s on an idle core, " +
      "as long as the machine allows, timed by bash's time keyword inside the container (Tables 6–7 of the paper).",
    parameters: { digits: PI_PAPER_DIGITS, instances: "cores", script: PI_SCRIPT },
  },
  tools: [{ binary: "pi", package: "pi" }],
  metrics: piPaperMetrics(),
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const instances = ctx.cores;
    const { timing, result } = await measurePi(ctx, instances, { digits: PI_PAPER_DIGITS });
    const values: MeasuredValue[] = [
      { metric: "pi_paper.time", value: timing.realS },
      { metric: "pi_paper.total_time", value: result.wallMs / 1000 },
    ];
    // A runtime that hides children's CPU time (getrusage) would report 0 %: not a measurement.
    if (timing.userS + timing.sysS > 0) {
      const utilization = cpuUtilizationPercent(timing);
      values.push(
        { metric: "pi_paper.cpu_utilization", value: utilization },
        { metric: "pi_paper.multicore_efficiency", value: utilization / instances },
      );
    }
    return values;
  },
};

/** `stream_paper`: STREAM at the array size the paper's Table 11 implies. */
export const streamPaperBenchmark: BenchmarkDefinition = {
  info: {
    id: "stream_paper",
    name: "STREAM at the paper's array size",
    category: "memory",
    tool: "ocibench stream",
    description: "Copy, Scale, Add, Triad over three arrays of doubles, single thread " +
      "(collect/c/stream.c), at the array size Table 11's times and rates imply.",
    parameters: {
      elements: STREAM_PAPER_ELEMENTS,
      arrayBytes: STREAM_PAPER_ELEMENTS * 8,
      ntimes: STREAM_NTIMES,
      threads: 1,
    },
  },
  tools: [],
  metrics: streamMetrics("stream_paper"),
  measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    return measureStream(ctx, "stream_paper", STREAM_PAPER_ELEMENTS, 600_000);
  },
};

/** The paper-scale benchmarks, outside the `full` suite. */
export const PAPER_SCALE_BENCHMARKS: BenchmarkDefinition[] = [
  piPaperBenchmark,
  streamPaperBenchmark,
];
