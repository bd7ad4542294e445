/**
 * `startup`: create→exit latency of `true`, measured around the adapter's `run()`: from spawning
 * the runtime's command to its exit, including create, start, the workload's exit and removal
 * (bucketbench / Kata style start latency).
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import { runBenchmarkStep } from "./_run_step.ts";

/** How long one `true` may take before it counts as a failure, in milliseconds. */
export const STARTUP_TIMEOUT_MS = 60_000;

/** The `startup` benchmark. */
export const startupBenchmark: BenchmarkDefinition = {
  info: {
    id: "startup",
    name: "start latency of true",
    category: "startup",
    tool: "true",
    description: "Wall time of one run of `true` through the runtime, from spawn to exit " +
      "(create, start, exit, remove), on the monotonic clock.",
    parameters: { argv: "true" },
  },
  tools: [],
  metrics: [{
    id: "startup.create_to_exit",
    benchmark: "startup",
    name: "create→exit latency of true",
    category: "startup",
    unit: "ms",
    direction: "lower",
  }],
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const result = await runBenchmarkStep(ctx, ["true"], { timeoutMs: STARTUP_TIMEOUT_MS });
    return [{ metric: "startup.create_to_exit", value: result.wallMs }];
  },
};
