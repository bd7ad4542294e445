/**
 * `sysbench_memory`: sysbench's memory test, sequential writes of 1 MiB blocks by one thread for a
 * fixed time → MiB per second.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import { parseStepOutput } from "../errors.ts";
import { runBenchmarkStep } from "./_run_step.ts";

/** Seconds sysbench runs in a full collection. */
export const SYSBENCH_MEMORY_TIME_S = 5;
/** Seconds sysbench runs with `--quick`. */
export const SYSBENCH_MEMORY_QUICK_TIME_S = 1;

/** What `sysbench memory run` reports. */
export interface SysbenchMemoryResult {
  /** The rate in "… MiB transferred (R MiB/sec)", in MiB/s. */
  mibPerSecond: number;
  /** MiB transferred in total. */
  transferredMiB: number;
  /** "Total operations", i.e. blocks written or read. */
  operations: number;
  /** "total time", in seconds. */
  totalTimeS: number;
}

/**
 * Parses the standard output of `sysbench memory ... run` (sysbench 1.0).
 * Raises SyntaxError when the transfer line is missing (e.g. the output of a failed run).
 */
export function parseSysbenchMemory(stdout: string): SysbenchMemoryResult {
  const rate = stdout.match(/([0-9.]+) MiB transferred \(([0-9.]+) MiB\/sec\)/);
  const ops = stdout.match(/Total operations:\s*([0-9]+)/);
  const time = stdout.match(/total time:\s*([0-9.]+)s/);
  if (!rate || !ops || !time) {
    const missing = !rate ? "MiB transferred" : !ops ? "Total operations" : "total time";
    const first = stdout.trim().split("\n")[0];
    throw new SyntaxError(
      `sysbench memory output has no "${missing}" (first line: ${
        first ? JSON.stringify(first) : "empty output"
      })`,
    );
  }
  return {
    mibPerSecond: Number(rate[2]),
    transferredMiB: Number(rate[1]),
    operations: Number(ops[1]),
    totalTimeS: Number(time[1]),
  };
}

/** The `sysbench_memory` benchmark. */
export const sysbenchMemoryBenchmark: BenchmarkDefinition = {
  info: {
    id: "sysbench_memory",
    name: "sysbench memory",
    category: "memory",
    tool: "sysbench",
    description: "sysbench memory: sequential writes of 1 MiB blocks, one thread, fixed duration.",
    parameters: {
      blockSize: "1M",
      operation: "write",
      threads: 1,
      timeS: SYSBENCH_MEMORY_TIME_S,
      timeSQuick: SYSBENCH_MEMORY_QUICK_TIME_S,
    },
  },
  tools: [{ binary: "sysbench", package: "sysbench" }],
  metrics: [{
    id: "sysbench_memory.throughput",
    benchmark: "sysbench_memory",
    name: "sysbench memory write throughput",
    category: "memory",
    unit: "MiB/s",
    direction: "higher",
  }],
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const time = ctx.quick ? SYSBENCH_MEMORY_QUICK_TIME_S : SYSBENCH_MEMORY_TIME_S;
    const argv = sysbenchMemoryArgv(time);
    const result = await runBenchmarkStep(ctx, argv, { timeoutMs: (time + 60) * 1000 });
    const parsed = parseStepOutput(
      result,
      "sysbench memory",
      (r) => parseSysbenchMemory(r.stdout),
    );
    return [{ metric: "sysbench_memory.throughput", value: parsed.mibPerSecond }];
  },
};

/** The argv of one sysbench memory run for `timeS` seconds. */
export function sysbenchMemoryArgv(timeS: number): string[] {
  return [
    "sysbench",
    "memory",
    "--memory-block-size=1M",
    "--memory-total-size=100G",
    "--memory-oper=write",
    "--threads=1",
    `--time=${timeS}`,
    "run",
  ];
}
