/**
 * `stream`: our STREAM-style kernel (`collect/c/stream.c`, installed in the image as
 * `/usr/local/bin/stream`) → best rate (MB/s) and average time (s) of Copy, Scale, Add and Triad,
 * the eight columns of the paper's Table 11.
 *
 * Array sizes follow STREAM's rule in every mode: each array at least
 * {@link STREAM_LLC_FACTOR} × the host's last-level cache (read from sysfs, collect/cpu_cache.ts),
 * so the bandwidth is the memory's, not the cache's. Both sizes go into the result set's
 * parameters.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import type { MetricInfo } from "../../model/result_set.ts";
import { parseStepOutput } from "../errors.ts";
import { runBenchmarkStep } from "./_run_step.ts";
import { cpuCaches, lastLevelCache } from "../cpu_cache.ts";

/** Elements per array in a full collection at least: 160 MB per array. */
export const STREAM_ELEMENTS = 20_000_000;
/** Elements per array with `--quick` at least: 32 MB per array (more when the cache asks it). */
export const STREAM_QUICK_ELEMENTS = 4_000_000;
/** Each array is at least this many times the last-level cache (STREAM's rule). */
export const STREAM_LLC_FACTOR = 4;
/** Bytes of one array element (a double). */
const ELEMENT_BYTES = 8;
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

/** How the arrays of one run are sized. */
export interface StreamSizing {
  /** Elements per array. */
  elements: number;
  /** The host's last-level cache in bytes; undefined when sysfs lists none. */
  lastLevelCacheBytes?: number;
}

/**
 * Elements per array: the mode's minimum ({@link STREAM_ELEMENTS}, or
 * {@link STREAM_QUICK_ELEMENTS} with `quick`), raised to {@link STREAM_LLC_FACTOR} × the last-level
 * cache, rounded up to a whole million. With no cache known, quick mode uses the full size, the
 * only one known to be beyond the caches of common machines.
 */
export function streamElements(
  options: { quick: boolean; lastLevelCacheBytes?: number },
): number {
  const llc = options.lastLevelCacheBytes;
  if (llc === undefined) return STREAM_ELEMENTS;
  const rule = Math.ceil(STREAM_LLC_FACTOR * llc / ELEMENT_BYTES / 1e6) * 1e6;
  return Math.max(options.quick ? STREAM_QUICK_ELEMENTS : STREAM_ELEMENTS, rule);
}

let hostSizingCache: { lastLevelCacheBytes?: number } | undefined;

/** The sizing on this host, its last-level cache read from sysfs once per process. */
export function hostStreamSizing(quick: boolean): StreamSizing {
  hostSizingCache ??= { lastLevelCacheBytes: lastLevelCache(cpuCaches())?.sizeBytes };
  const { lastLevelCacheBytes } = hostSizingCache;
  return {
    elements: streamElements({ quick, lastLevelCacheBytes }),
    ...(lastLevelCacheBytes !== undefined ? { lastLevelCacheBytes } : {}),
  };
}

/** The parameters the result set records for a sizing. */
export function streamSizingParameters(sizing: StreamSizing): Record<string, number | string> {
  return {
    elementsUsed: sizing.elements,
    arrayBytes: sizing.elements * ELEMENT_BYTES,
    lastLevelCacheBytes: sizing.lastLevelCacheBytes ?? "unknown (not listed in sysfs)",
    arrayRule: `each array ≥ ${STREAM_LLC_FACTOR} × the last-level cache`,
  };
}

/** The metrics of a STREAM benchmark `benchmark`: best rate and average time of each kernel. */
export function streamMetrics(benchmark = "stream"): MetricInfo[] {
  return STREAM_KERNELS.flatMap((kernel): MetricInfo[] => {
    const label = kernel[0].toUpperCase() + kernel.slice(1);
    return [{
      id: `${benchmark}.${kernel}_best_rate`,
      benchmark,
      name: `${label} best rate`,
      category: "memory",
      unit: "MB/s",
      direction: "higher",
    }, {
      id: `${benchmark}.${kernel}_avg_time`,
      benchmark,
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
      elementsMin: STREAM_ELEMENTS,
      elementsMinQuick: STREAM_QUICK_ELEMENTS,
      ntimes: STREAM_NTIMES,
      threads: 1,
    },
  },
  tools: [],
  metrics: streamMetrics(),
  hostParameters: ({ quick }) => streamSizingParameters(hostStreamSizing(quick)),
  measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    return measureStream(ctx, "stream", hostStreamSizing(ctx.quick).elements, 180_000);
  },
};

/**
 * Runs our STREAM with `elements` per array inside the runtime and gives the values of
 * benchmark `benchmark` ({@link streamMetrics}); a run of another size is refused.
 */
export async function measureStream(
  ctx: MeasureContext,
  benchmark: string,
  elements: number,
  timeoutMs: number,
): Promise<MeasuredValue[]> {
  const argv = ["stream", "-n", String(elements), "-t", String(STREAM_NTIMES)];
  const result = await runBenchmarkStep(ctx, argv, { timeoutMs });
  const parsed = parseStepOutput(result, "stream", (r) => {
    const out = parseStream(r.stdout);
    if (out.elements !== elements) {
      throw new SyntaxError(
        `stream ran ${out.elements} elements per array, not the ${elements} asked`,
      );
    }
    return out;
  });
  return STREAM_KERNELS.flatMap((kernel) => [
    { metric: `${benchmark}.${kernel}_best_rate`, value: parsed.kernels[kernel].bestRateMBps },
    { metric: `${benchmark}.${kernel}_avg_time`, value: parsed.kernels[kernel].avgTimeS },
  ]);
}
