import { createRandom } from "../analyze/random.ts";
import {
  type BenchmarkInfo,
  type HostInfo,
  type IsolationClass,
  type MetricInfo,
  type ResultSet,
  SCHEMA_VERSION,
} from "../model/result_set.ts";

/** What {@link syntheticResultSet} builds. */
export interface SyntheticResultSetOptions {
  runId: string;
  /** Seed of the one generator every value draws from, in runtime → metric → sample order. */
  seed: number;
  host: HostInfo;
  runtimes: { id: string; isolation: IsolationClass }[];
  benchmarks: BenchmarkInfo[];
  metrics: MetricInfo[];
  /** Samples per runtime and metric. */
  perCell: number;
  /** The value of sample `iteration` of runtime number `r` for `metric` (number `m`). */
  value(r: number, metric: MetricInfo, m: number, random: () => number): number;
}

/** A complete result set of raw samples made up from `options`, for tests and benchmarks. */
export function syntheticResultSet(options: SyntheticResultSetOptions): ResultSet {
  const random = createRandom(options.seed);
  const samples: ResultSet["samples"] = [];
  options.runtimes.forEach((runtime, r) => {
    options.metrics.forEach((metric, m) => {
      for (let i = 0; i < options.perCell; i++) {
        samples.push({
          kind: "sample",
          runtime: runtime.id,
          benchmark: metric.benchmark,
          metric: metric.id,
          unit: metric.unit,
          direction: metric.direction,
          value: options.value(r, metric, m, random),
          iteration: i,
          warmup: false,
          startedAt: "2026-01-01T00:00:00.000Z",
          finishedAt: "2026-01-01T00:00:01.000Z",
        });
      }
    });
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: options.runId,
    status: "complete",
    host: options.host,
    runtimes: options.runtimes.map(({ id, isolation }) => ({
      id,
      name: id,
      isolation,
      historical: false,
    })),
    benchmarks: options.benchmarks,
    metrics: options.metrics,
    samples,
    failures: [],
  };
}

/**
 * A synthetic run for tests of comparisons: runtimes native and runc, metrics startup.latency
 * (ms, lower) and cpu.events (events/s, higher), 10 samples each, every value multiplied by
 * `factors["runtime/metric"]` with uniform noise of ± noise ÷ 2 (seeded).
 */
export function syntheticRun(
  runId: string,
  seed: number,
  factors: Record<string, number> = {},
  noise = 0.02,
): ResultSet {
  const base: Record<string, number> = { "startup.latency": 30, "cpu.events": 3200 };
  const runtimes = [
    { id: "native", isolation: "native" as const },
    { id: "runc", isolation: "os-container" as const },
  ];
  return syntheticResultSet({
    runId,
    seed,
    host: { id: "ci", description: "test", cores: 2, memoryBytes: 2 ** 30 },
    runtimes,
    benchmarks: [
      { id: "startup", name: "startup", category: "startup", tool: "ocibench" },
      { id: "cpu", name: "cpu", category: "cpu", tool: "sysbench" },
    ],
    metrics: [
      {
        id: "startup.latency",
        benchmark: "startup",
        name: "startup.latency",
        category: "startup",
        unit: "ms",
        direction: "lower",
      },
      {
        id: "cpu.events",
        benchmark: "cpu",
        name: "cpu.events",
        category: "cpu",
        unit: "events/s",
        direction: "higher",
      },
    ],
    perCell: 10,
    value: (r, metric, _m, random) =>
      base[metric.id] * (factors[`${runtimes[r].id}/${metric.id}`] ?? 1) *
      (1 + (random() - 0.5) * noise),
  });
}
