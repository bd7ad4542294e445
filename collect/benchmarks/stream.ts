/**
 * `stream`: our STREAM-style kernel (`collect/c/stream.c`, installed in the image as
 * `/usr/local/bin/stream`) → best rate (MB/s) and average time (s) of Copy, Scale, Add and Triad,
 * the eight columns of the paper's Table 11.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import type { MetricInfo } from "../../model/result_set.ts";
import { parseStepOutput } from "../errors.ts";
import { runBenchmarkStep } from "./_run_step.ts";

/** Elements per array in a full collection: 160 MB per array, far beyond the caches. */
export const STREAM_ELEMENTS = 20_000_000;
/** Elements per array with `--quick`: 32 MB per array. */
export const STREAM_QUICK_ELEMENTS = 4_000_000;
/** Repetitions of the four kernels inside one run (the first is not counted). */
export const STREAM_NTIMES = 10;

/** The four kernels, in the order the program prints them. */
export const STREAM_KERNELS = ["copy", "scale", "add", "triad"] as const;
/** One of the four kernels. */
export type StreamKernel = typeof STREAM_KERNELS[number];

/** One kernel's line of output. */
export interface StreamKernelResult {
  /** Bytes moved / minimum time, in MB/s (1 MB = 10^6 bytes). */
  bestRateMBps: number;
  /** Average time of one run of the kernel, in seconds. */
  avgTimeS: number;
  minTimeS: number;
  maxTimeS: number;
}

/** What one run of the kernel reports. */
export interface StreamResult {
  elements: number;
  kernels: Record<StreamKernel, StreamKernelResult>;
}

/**
 * Parses the standard output of `stream`. Raises SyntaxError when a kernel line is missing or
 * the program did not print "Solution validates".
 */
export function parseStream(stdout: string): StreamResult {
  const size = stdout.match(/Array size = ([0-9]+) elements/);
  if (!size) {
    const first = stdout.trim().split("\n")[0];
    throw new SyntaxError(
      `stream output has no "Array size" line (first line: ${
        first ? JSON.stringify(first) : "empty output"
      })`,
    );
  }
  if (!/^Solution validates$/m.test(stdout)) {
    throw new SyntaxError('stream output does not end with "Solution validates"');
  }
  const kernels = {} as Record<StreamKernel, StreamKernelResult>;
  for (const kernel of STREAM_KERNELS) {
    const label = kernel[0].toUpperCase() + kernel.slice(1);
    const line = stdout.match(
      new RegExp(`^${label}\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)\\s*$`, "m"),
    );
    if (!line) throw new SyntaxError(`stream output has no line for the ${label} kernel`);
    kernels[kernel] = {
      bestRateMBps: Number(line[1]),
      avgTimeS: Number(line[2]),
      minTimeS: Number(line[3]),
      maxTimeS: Number(line[4]),
    };
  }
  return { elements: Number(size[1]), kernels };
}

function streamMetrics(): MetricInfo[] {
  return STREAM_KERNELS.flatMap((kernel): MetricInfo[] => {
    const label = kernel[0].toUpperCase() + kernel.slice(1);
    return [{
      id: `stream.${kernel}_best_rate`,
      benchmark: "stream",
      name: `${label} best rate`,
      category: "memory",
      unit: "MB/s",
      direction: "higher",
    }, {
      id: `stream.${kernel}_avg_time`,
      benchmark: "stream",
      name: `${label} average time`,
      category: "memory",
      unit: "s",
      direction: "lower",
    }];
  });
}

/** The `stream` benchmark. */
export const streamBenchmark: BenchmarkDefinition = {
  info: {
    id: "stream",
    name: "STREAM-style memory bandwidth",
    category: "memory",
    tool: "ocibench stream",
    description: "Copy, Scale, Add, Triad over three arrays of doubles, single thread " +
      "(collect/c/stream.c); best rate and average time of 9 counted runs, as the paper's Table 11.",
    parameters: {
      elements: STREAM_ELEMENTS,
      elementsQuick: STREAM_QUICK_ELEMENTS,
      ntimes: STREAM_NTIMES,
      threads: 1,
    },
  },
  tools: [],
  metrics: streamMetrics(),
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const elements = ctx.quick ? STREAM_QUICK_ELEMENTS : STREAM_ELEMENTS;
    const argv = ["stream", "-n", String(elements), "-t", String(STREAM_NTIMES)];
    const result = await runBenchmarkStep(ctx, argv, { timeoutMs: 180_000 });
    const parsed = parseStepOutput(result, "stream", (r) => parseStream(r.stdout));
    return STREAM_KERNELS.flatMap((kernel) => [
      { metric: `stream.${kernel}_best_rate`, value: parsed.kernels[kernel].bestRateMBps },
      { metric: `stream.${kernel}_avg_time`, value: parsed.kernels[kernel].avgTimeS },
    ]);
  },
};
