/**
 * `density`: N idle containers at once (default 10, 3 with `--quick`), started one after the
 * other → the start time of each additional container (mean and the last one, which shows how
 * start-up degrades as containers accumulate), the memory per container (PSS and RSS summed over
 * every container's host processes, divided by N).
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import { processMemory } from "./_memory.ts";
import { idlePids, withIdleContainers } from "./_idle.ts";

/** Containers started in a full collection. */
export const DENSITY_CONTAINERS = 10;
/** Containers started with `--quick`. */
export const DENSITY_QUICK_CONTAINERS = 3;
/** Wait after the last container runs before reading memory, in milliseconds. */
export const DENSITY_SETTLE_MS = 2000;

const MIB = 2 ** 20;

function metric(id: string, name: string, unit: string) {
  return {
    id: `density.${id}`,
    benchmark: "density",
    name,
    category: "footprint" as const,
    unit,
    direction: "lower" as const,
  };
}

/** The `density` benchmark. */
export const densityBenchmark: BenchmarkDefinition = {
  info: {
    id: "density",
    name: "density of idle containers",
    category: "footprint",
    tool: "procfs",
    description:
      "N idle containers (sleep) started one after the other and kept running together: start time per additional container and memory per container.",
    parameters: {
      containers: DENSITY_CONTAINERS,
      containersQuick: DENSITY_QUICK_CONTAINERS,
      workload: "sleep infinity",
      settleMs: DENSITY_SETTLE_MS,
    },
  },
  tools: [],
  metrics: [
    metric("mean_start_time", "mean start time of an additional idle container", "ms"),
    metric("last_start_time", "start time of the last idle container", "ms"),
    metric("pss_per_container", "PSS per idle container", "MiB"),
    metric("rss_per_container", "RSS per idle container", "MiB"),
  ],
  measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const count = ctx.quick ? DENSITY_QUICK_CONTAINERS : DENSITY_CONTAINERS;
    return withIdleContainers(ctx, async (starter) => {
      for (let i = 0; i < count; i++) await starter.start();
      await new Promise((r) =>
        setTimeout(r, ctx.quick ? DENSITY_SETTLE_MS / 4 : DENSITY_SETTLE_MS)
      );
      const memory = processMemory(await idlePids(starter.started, ctx.runtime.id));
      const starts = starter.started.map((s) => s.startMs);
      const values: MeasuredValue[] = [
        {
          metric: "density.mean_start_time",
          value: starts.reduce((a, b) => a + b, 0) / starts.length,
        },
        { metric: "density.last_start_time", value: starts[starts.length - 1] },
        { metric: "density.rss_per_container", value: memory.rssBytes / count / MIB },
      ];
      if (memory.pssBytes !== undefined) {
        values.push({ metric: "density.pss_per_container", value: memory.pssBytes / count / MIB });
      }
      return values;
    });
  },
};
