/**
 * `concurrent_start`: N idle containers started at once (N = 1, 2, 4, 8, 16), each from its
 * start request to the moment it runs (collect/benchmarks/_idle.ts: a file it touches appears on
 * the host): the median and the 99th percentile over the N containers, the wall time until all
 * run, and the memory (PSS) per container while the N run together. The N containers of one
 * level are stopped before the next level starts.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import type { MetricInfo } from "../../model/result_set.ts";
import { processMemory } from "./_memory.ts";
import { idlePids, withIdleContainers } from "./_idle.ts";

/** The numbers of containers started at once. */
export const CONCURRENCY_LEVELS: readonly number[] = [1, 2, 4, 8, 16];
/** Wait after the last container runs before reading memory, in milliseconds. */
export const CONCURRENT_SETTLE_MS = 500;

const MIB = 2 ** 20;

/**
 * The nearest-rank percentile `p` (0–100) of `values`: the smallest value with at least p % of
 * the values at or below it. With 16 values or fewer the 99th is the largest. RangeError on an
 * empty list.
 *
 * @example
 * ```ts
 * nearestRankPercentile([4, 1, 3, 2], 50); // 2
 * ```
 */
export function nearestRankPercentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError("percentile of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

function metric(id: string, name: string, unit: string): MetricInfo {
  return {
    id: `concurrent_start.${id}`,
    benchmark: "concurrent_start",
    name,
    category: "lifecycle",
    unit,
    direction: "lower",
  };
}

/** The `concurrent_start` benchmark. */
export const concurrentStartBenchmark: BenchmarkDefinition = {
  info: {
    id: "concurrent_start",
    name: "concurrent start-up of idle containers",
    category: "lifecycle",
    tool: "procfs",
    description:
      "N idle containers (sleep) started at once, N = 1, 2, 4, 8, 16: per-container start time " +
      "(request to running) p50 and p99 (nearest rank; the slowest for N ≤ 16), wall time until " +
      "all run, PSS per container with the N running together.",
    parameters: {
      levels: CONCURRENCY_LEVELS.join(", "),
      workload: "sleep infinity",
      settleMs: CONCURRENT_SETTLE_MS,
      percentile: "nearest rank",
    },
  },
  tools: [],
  metrics: CONCURRENCY_LEVELS.flatMap((n) => [
    metric(`p50_n${n}`, `start time p50 with ${n} at once`, "ms"),
    metric(`p99_n${n}`, `start time p99 with ${n} at once`, "ms"),
    metric(`wall_n${n}`, `wall time until ${n} run`, "ms"),
    metric(`pss_n${n}`, `PSS per container with ${n} running`, "MiB"),
  ]),
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const values: MeasuredValue[] = [];
    for (const n of CONCURRENCY_LEVELS) {
      await withIdleContainers(ctx, async (starter) => {
        const t0 = performance.now();
        const started = await Promise.all(Array.from({ length: n }, () => starter.start()));
        const wallMs = performance.now() - t0;
        await new Promise((r) => setTimeout(r, CONCURRENT_SETTLE_MS));
        const memory = processMemory(await idlePids(started, ctx.runtime.id));
        const starts = started.map((s) => s.startMs);
        values.push(
          { metric: `concurrent_start.p50_n${n}`, value: nearestRankPercentile(starts, 50) },
          { metric: `concurrent_start.p99_n${n}`, value: nearestRankPercentile(starts, 99) },
          { metric: `concurrent_start.wall_n${n}`, value: wallMs },
        );
        if (memory.pssBytes !== undefined) {
          values.push({ metric: `concurrent_start.pss_n${n}`, value: memory.pssBytes / n / MIB });
        }
      });
    }
    return values;
  },
};
