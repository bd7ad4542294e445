/**
 * `footprint_idle`: the memory one idle container costs the host — its runtime, shim and sandbox
 * processes plus the workload (`sleep`), i.e. every host process its adapter's `pids()` names,
 * excluding daemons shared by all containers (dockerd, containerd). Summed PSS
 * (`/proc/<pid>/smaps_rollup`) where readable, and RSS; the notes say when PSS was not.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import { StepFailedError } from "../errors.ts";
import { processMemory } from "./_memory.ts";
import { withIdleContainers } from "./_idle.ts";

/** Wait after the container is running before reading its memory, in milliseconds. */
export const FOOTPRINT_SETTLE_MS = 2000;
/** The same with `--quick`. */
export const FOOTPRINT_QUICK_SETTLE_MS = 500;

const MIB = 2 ** 20;

/**
 * The `footprint_idle` benchmark (not `footprint`, which names the suite of this category).
 */
export const footprintBenchmark: BenchmarkDefinition = {
  info: {
    id: "footprint_idle",
    name: "idle container memory footprint",
    category: "footprint",
    tool: "procfs",
    description:
      "Memory of one idle container (sleep): PSS and RSS summed over its runtime, shim, sandbox and workload processes on the host; shared daemons excluded.",
    parameters: {
      workload: "sleep infinity",
      settleMs: FOOTPRINT_SETTLE_MS,
      settleMsQuick: FOOTPRINT_QUICK_SETTLE_MS,
      memory: "PSS from /proc/<pid>/smaps_rollup, RSS from /proc/<pid>/status",
    },
  },
  tools: [],
  metrics: [
    {
      id: "footprint_idle.pss",
      benchmark: "footprint_idle",
      name: "idle container PSS (runtime + shim + sandbox + workload)",
      category: "footprint",
      unit: "MiB",
      direction: "lower",
    },
    {
      id: "footprint_idle.rss",
      benchmark: "footprint_idle",
      name: "idle container RSS (runtime + shim + sandbox + workload)",
      category: "footprint",
      unit: "MiB",
      direction: "lower",
    },
    {
      id: "footprint_idle.host_processes",
      benchmark: "footprint_idle",
      name: "host processes of an idle container",
      category: "footprint",
      unit: "processes",
      direction: "none",
    },
  ],
  measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    return withIdleContainers(ctx, async (starter) => {
      const { container } = await starter.start();
      await new Promise((r) =>
        setTimeout(r, ctx.quick ? FOOTPRINT_QUICK_SETTLE_MS : FOOTPRINT_SETTLE_MS)
      );
      const pids = await container.pids();
      const memory = processMemory(pids);
      if (memory.processes === 0) {
        throw new StepFailedError(
          `${ctx.runtime.id} names no live host process for its idle container ${container.name}`,
          { exitCode: null, stderrTail: "" },
        );
      }
      const notes = memory.pssBytes === undefined
        ? `PSS unreadable for pids ${memory.pssUnreadable.join(", ")}: RSS only`
        : undefined;
      const values: MeasuredValue[] = [
        { metric: "footprint_idle.rss", value: memory.rssBytes / MIB, notes },
        { metric: "footprint_idle.host_processes", value: memory.processes },
      ];
      if (memory.pssBytes !== undefined) {
        values.unshift({ metric: "footprint_idle.pss", value: memory.pssBytes / MIB });
      }
      return values;
    });
  },
};
