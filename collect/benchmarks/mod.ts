/**
 * The benchmark registry: every benchmark definition ocibench can run, and the named suites that
 * `collect --benchmarks` accepts.
 *
 * Suites: `quick`, `full` and `paper` (the paper's metrics at the paper's scale: its π and STREAM
 * sizes, which no other suite runs, bonnie++ and qperf), plus one per category (`cpu`, `memory`,
 * `startup`, `syscalls`, `disk`, `network`, `footprint`, `security`, `application`, `lifecycle`),
 * derived from each benchmark's `info.category`.
 *
 * @module
 */
import type { BenchmarkDefinition, BenchmarkTool } from "../types.ts";
import { startupBenchmark } from "./startup.ts";
import { piSingleBenchmark } from "./pi_single.ts";
import { piMultiBenchmark } from "./pi_multi.ts";
import { sysbenchCpuBenchmark } from "./sysbench_cpu.ts";
import { streamBenchmark } from "./stream.ts";
import { sysbenchMemoryBenchmark } from "./sysbench_memory.ts";
import { syscallsBenchmark } from "./syscalls.ts";
import { FIO_BENCHMARKS } from "./fio.ts";
import { BONNIE_BENCHMARKS } from "./bonnie.ts";
import { IPERF3_BENCHMARKS } from "./iperf3.ts";
import { qperfBenchmark } from "./qperf.ts";
import { footprintBenchmark } from "./footprint.ts";
import { densityBenchmark } from "./density.ts";
import { PAPER_SCALE_BENCHMARKS } from "./paper_scale.ts";
import { securityBenchmark } from "./security.ts";
import { nginxBenchmark } from "./nginx.ts";
import { redisBenchmark } from "./redis.ts";
import { postgresBenchmark } from "./postgres.ts";
import { firstResponseBenchmark } from "./first_response.ts";
import { concurrentStartBenchmark } from "./concurrent_start.ts";
import { checkpointBenchmark } from "./checkpoint.ts";

/** Every benchmark, in the order a report lists them. */
export const BENCHMARKS: BenchmarkDefinition[] = [
  startupBenchmark,
  piSingleBenchmark,
  piMultiBenchmark,
  sysbenchCpuBenchmark,
  streamBenchmark,
  sysbenchMemoryBenchmark,
  syscallsBenchmark,
  ...FIO_BENCHMARKS,
  ...BONNIE_BENCHMARKS,
  ...IPERF3_BENCHMARKS,
  qperfBenchmark,
  footprintBenchmark,
  densityBenchmark,
  securityBenchmark,
  nginxBenchmark,
  redisBenchmark,
  postgresBenchmark,
  firstResponseBenchmark,
  concurrentStartBenchmark,
  checkpointBenchmark,
];

/** Every benchmark `--benchmarks` can name: the registry, then the paper-scale ones. */
const NAMEABLE: BenchmarkDefinition[] = [...BENCHMARKS, ...PAPER_SCALE_BENCHMARKS];

/**
 * Named suites other than the category ones: `full` is every benchmark; `quick` the ones a
 * `--quick` collection runs by default (with their small sizes).
 */
export const NAMED_SUITES: Record<string, string[]> = {
  full: BENCHMARKS.map((b) => b.info.id),
  quick: [
    "startup",
    "pi_single",
    "pi_multi",
    "sysbench_cpu",
    "stream",
    "sysbench_memory",
    "syscalls",
    // One of each category issue 4 adds, so a quick run (and `war`) covers every category.
    "fio_layer_direct",
    "iperf3_tcp",
    "footprint_idle",
    // Seconds per runtime, and what the recommendation weighs performance against.
    "security",
  ],
  paper: [...PAPER_SCALE_BENCHMARKS.map((b) => b.info.id), "bonnie_layer", "qperf"],
};

/** Every suite name with its benchmark ids: the named suites plus one per category. */
export function listSuites(): Record<string, string[]> {
  const suites: Record<string, string[]> = {};
  for (const benchmark of BENCHMARKS) {
    (suites[benchmark.info.category] ??= []).push(benchmark.info.id);
  }
  return { ...suites, ...NAMED_SUITES, full: BENCHMARKS.map((b) => b.info.id) };
}

/**
 * Every tool the benchmarks declare, each binary once, in registry order: what the image recipe
 * installs, doctor checks and tool versions look up.
 */
export function benchmarkTools(
  benchmarks: readonly BenchmarkDefinition[] = BENCHMARKS,
): BenchmarkTool[] {
  const tools = new Map<string, BenchmarkTool>();
  for (const tool of benchmarks.flatMap((b) => b.tools)) {
    if (!tools.has(tool.binary)) tools.set(tool.binary, tool);
  }
  return [...tools.values()];
}

/** Looks a benchmark up by id. */
export function findBenchmark(id: string): BenchmarkDefinition | undefined {
  return NAMEABLE.find((b) => b.info.id === id);
}

/**
 * Turns a list of benchmark ids and suite names into definitions, in registry order, each once.
 * Raises RangeError naming an unknown entry and listing what exists.
 *
 * @example
 * ```ts
 * resolveBenchmarks(["cpu", "startup"]).map((b) => b.info.id);
 * // ["startup", "pi_single", "pi_multi", "sysbench_cpu"]
 * ```
 */
export function resolveBenchmarks(names: string[]): BenchmarkDefinition[] {
  const suites = listSuites();
  const wanted = new Set<string>();
  for (const name of names) {
    if (findBenchmark(name)) {
      wanted.add(name);
    } else if (suites[name]) {
      for (const id of suites[name]) wanted.add(id);
    } else {
      throw new RangeError(
        `unknown benchmark or suite "${name}"; benchmarks: ${
          BENCHMARKS.map((b) => b.info.id).join(", ")
        }; suites: ${Object.keys(suites).join(", ")}`,
      );
    }
  }
  return NAMEABLE.filter((b) => wanted.has(b.info.id));
}
