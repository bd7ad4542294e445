import { createRandom } from "../analyze/random.ts";
import { type ResultSet, SCHEMA_VERSION } from "../model/result_set.ts";

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
  const random = createRandom(seed);
  const metrics = [
    { id: "startup.latency", unit: "ms", direction: "lower" as const, base: 30 },
    { id: "cpu.events", unit: "events/s", direction: "higher" as const, base: 3200 },
  ];
  const runtimes = ["native", "runc"];
  const samples = runtimes.flatMap((runtime) =>
    metrics.flatMap((m) =>
      Array.from({ length: 10 }, (_, i) => ({
        kind: "sample" as const,
        runtime,
        benchmark: m.id.split(".")[0],
        metric: m.id,
        unit: m.unit,
        direction: m.direction,
        value: m.base * (factors[`${runtime}/${m.id}`] ?? 1) * (1 + (random() - 0.5) * noise),
        iteration: i,
        warmup: false,
        startedAt: "2026-11-27T08:00:00.000Z",
        finishedAt: "2026-11-27T08:00:01.000Z",
      }))
    )
  );
  return {
    schemaVersion: SCHEMA_VERSION,
    runId,
    status: "complete",
    host: { id: "ci", description: "test", cores: 2, memoryBytes: 2 ** 30 },
    runtimes: runtimes.map((id) => ({
      id,
      name: id,
      isolation: id === "native" ? "native" as const : "os-container" as const,
      historical: false,
    })),
    benchmarks: [
      { id: "startup", name: "startup", category: "startup", tool: "ocibench" },
      { id: "cpu", name: "cpu", category: "cpu", tool: "sysbench" },
    ],
    metrics: metrics.map((m) => ({
      id: m.id,
      benchmark: m.id.split(".")[0],
      name: m.id,
      category: m.id.startsWith("cpu") ? "cpu" as const : "startup" as const,
      unit: m.unit,
      direction: m.direction,
    })),
    samples,
    failures: [],
  };
}
