/**
 * `sysbench_cpu`: sysbench's CPU test (primes up to 10 000 by trial division) with one thread per
 * core for a fixed time → events per second.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import { parseStepOutput } from "../errors.ts";
import { runBenchmarkStep } from "./_run_step.ts";

/** Seconds sysbench runs in a full collection. */
export const SYSBENCH_CPU_TIME_S = 10;
/** Seconds sysbench runs with `--quick`. */
export const SYSBENCH_CPU_QUICK_TIME_S = 1;

/** What `sysbench cpu run` reports. */
export interface SysbenchCpuResult {
  /** "events per second" of the "CPU speed" section. */
  eventsPerSecond: number;
  /** "total number of events". */
  totalEvents: number;
  /** "total time", in seconds. */
  totalTimeS: number;
  threads: number;
}

/**
 * Parses the standard output of `sysbench cpu ... run` (sysbench 1.0).
 * Raises SyntaxError when a field is missing (e.g. the output of a failed run).
 */
export function parseSysbenchCpu(stdout: string): SysbenchCpuResult {
  return {
    eventsPerSecond: field(stdout, /events per second:\s*([0-9.]+)/, "events per second"),
    totalEvents: field(stdout, /total number of events:\s*([0-9]+)/, "total number of events"),
    totalTimeS: field(stdout, /total time:\s*([0-9.]+)s/, "total time"),
    threads: field(stdout, /Number of threads:\s*([0-9]+)/, "Number of threads"),
  };
}

function field(text: string, pattern: RegExp, name: string): number {
  const match = text.match(pattern);
  if (!match) {
    throw new SyntaxError(`sysbench output has no "${name}" (first line: ${firstLine(text)})`);
  }
  return Number(match[1]);
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0];
  return line ? JSON.stringify(line) : "empty output";
}

/** The `sysbench_cpu` benchmark. */
export const sysbenchCpuBenchmark: BenchmarkDefinition = {
  info: {
    id: "sysbench_cpu",
    name: "sysbench cpu",
    category: "cpu",
    tool: "sysbench",
    description: "sysbench cpu (primes up to 10000), one thread per core, fixed duration.",
    parameters: {
      cpuMaxPrime: 10000,
      threads: "cores",
      timeS: SYSBENCH_CPU_TIME_S,
      timeSQuick: SYSBENCH_CPU_QUICK_TIME_S,
    },
  },
  tools: [{ binary: "sysbench", package: "sysbench" }],
  metrics: [{
    id: "sysbench_cpu.events_per_second",
    benchmark: "sysbench_cpu",
    name: "sysbench cpu events per second",
    category: "cpu",
    unit: "events/s",
    direction: "higher",
  }],
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const time = ctx.quick ? SYSBENCH_CPU_QUICK_TIME_S : SYSBENCH_CPU_TIME_S;
    const argv = sysbenchCpuArgv(ctx.cores, time);
    const result = await runBenchmarkStep(ctx, argv, { timeoutMs: (time + 60) * 1000 });
    const parsed = parseStepOutput(result, "sysbench cpu", (r) => parseSysbenchCpu(r.stdout));
    return [{ metric: "sysbench_cpu.events_per_second", value: parsed.eventsPerSecond }];
  },
};

/** The argv of one sysbench cpu run with `threads` threads for `timeS` seconds. */
export function sysbenchCpuArgv(threads: number, timeS: number): string[] {
  return [
    "sysbench",
    "cpu",
    "--cpu-max-prime=10000",
    `--threads=${threads}`,
    `--time=${timeS}`,
    "run",
  ];
}
