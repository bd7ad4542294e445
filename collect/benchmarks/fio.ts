/**
 * `fio_<placement>_<cache>`: fio's four classic jobs run one after the other on one file —
 * sequential write and read with 1 MiB blocks, random write and read with 4 KiB blocks, one
 * synchronous job at a time (`psync`, queue depth 1) — on the container's writable layer
 * (`layer`) or a bind-mounted host directory (`bind`), with O_DIRECT (`direct`, the page cache
 * bypassed) or through the page cache (`buffered`: fio invalidates the file's cached pages before
 * each job and fsyncs at the end of each write job). → bandwidth, IOPS and the p50/p99
 * completion latency (`clat`) of each job, from fio's JSON output.
 *
 * Every job is time-based: it loops over its file for a ramp (not counted), then for a fixed
 * runtime. A job bounded by its file size instead ends after a few milliseconds when the file is
 * small, and fio divides by its job time in whole milliseconds: 32 MiB in 24 ms gives exactly
 * 1,333 MiB/s for every runtime that lands on 24 ms. {@link checkFioRuntimes} refuses a result
 * whose jobs did not run their full runtime, so no value carries that quantisation.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import type { MetricInfo } from "../../model/result_set.ts";
import { parseStepOutput } from "../errors.ts";
import { runBenchmarkStep } from "./_run_step.ts";
import { type DiskPlacement, prepareDiskTarget } from "./_disk.ts";

/** File size of a full collection, in MiB: larger than any disk cache. */
export const FIO_SIZE_MIB = 1024;
/** File size with `--quick`, in MiB. */
export const FIO_QUICK_SIZE_MIB = 64;
/** Time each job runs before it is measured, in seconds (fio's `--ramp_time`). */
export const FIO_RAMP_S = 2;
/** Ramp with `--quick`, in seconds. */
export const FIO_QUICK_RAMP_S = 1;
/** Measured time of each job, in seconds (fio's `--runtime`, with `--time_based`). */
export const FIO_RUNTIME_S = 10;
/** Measured time of each job with `--quick`, in seconds. */
export const FIO_QUICK_RUNTIME_S = 2;
/**
 * The largest relative step of a bandwidth that fio's millisecond job clock may cause, e.g.
 * 0.001: a job measured over at least 1,000 ms. fio reports `bytes × 1000 / runtime_ms`, so two
 * neighbouring values differ by a factor of 1 + 1/runtime_ms.
 */
export const FIO_MAX_CLOCK_STEP = 0.001;

/** The four jobs, in the order fio runs them (`stonewall` between them). */
export const FIO_JOBS = [
  { name: "seq-write", id: "seq_write", rw: "write", bs: "1M", direction: "write" },
  { name: "seq-read", id: "seq_read", rw: "read", bs: "1M", direction: "read" },
  { name: "rand-write", id: "rand_write", rw: "randwrite", bs: "4k", direction: "write" },
  { name: "rand-read", id: "rand_read", rw: "randread", bs: "4k", direction: "read" },
] as const;

/** Page-cache use of a fio benchmark. */
export type FioCache = "direct" | "buffered";

/** What one fio job reports for the direction it ran. */
export interface FioJobResult {
  /** Bandwidth in MiB/s (fio's `bw_bytes` / 2^20). */
  bandwidthMiBPerS: number;
  /** I/O operations per second. */
  iops: number;
  /** Median completion latency, in microseconds. */
  clatP50Us: number;
  /** 99th-percentile completion latency, in microseconds. */
  clatP99Us: number;
  /** Bytes transferred. */
  ioBytes: number;
  /** Time the job was measured over, in milliseconds (fio's whole-millisecond clock). */
  runtimeMs: number;
}

/** fio's JSON output reduced to what ocibench keeps. */
export interface FioResult {
  /** e.g. "fio-3.33". */
  version: string;
  /** Per job name (`seq-write`, …). */
  jobs: Record<string, FioJobResult>;
}

/** Options of {@link fioArgv}. */
export interface FioArgvOptions {
  /** Directory of the test file, as the container sees it. */
  directory: string;
  sizeMiB: number;
  /** O_DIRECT (true) or buffered I/O. */
  direct: boolean;
  /** Unmeasured time at the start of each job, in seconds. */
  rampS: number;
  /** Measured time of each job, in seconds. */
  runtimeS: number;
}

/** The argv of one fio run of the four jobs. */
export function fioArgv(options: FioArgvOptions): string[] {
  const argv = [
    "fio",
    "--output-format=json",
    `--directory=${options.directory}`,
    "--filename=ocibench-fio.dat",
    `--size=${options.sizeMiB}M`,
    "--ioengine=psync",
    `--direct=${options.direct ? 1 : 0}`,
    "--invalidate=1",
    "--end_fsync=1",
    "--time_based",
    `--ramp_time=${options.rampS}`,
    `--runtime=${options.runtimeS}`,
  ];
  for (const job of FIO_JOBS) {
    argv.push(`--name=${job.name}`, `--rw=${job.rw}`, `--bs=${job.bs}`, "--stonewall");
  }
  argv.push("--unlink=1");
  return argv;
}

interface FioJsonSide {
  io_bytes: number;
  bw_bytes: number;
  iops: number;
  /** Milliseconds the side was measured over. */
  runtime?: number;
  clat_ns?: { percentile?: Record<string, number> };
}

/**
 * Parses fio's `--output-format=json` output (fio 3.x). Lines fio prints before the JSON (its
 * error messages) are skipped. Raises SyntaxError when there is no JSON or a field is missing,
 * and Error naming the job when a job reports a non-zero `error` (an errno, e.g. 28 = no space).
 */
export function parseFioJson(stdout: string): FioResult {
  const start = stdout.search(/^\{/m);
  if (start < 0) {
    throw new SyntaxError(`fio printed no JSON (first line: ${firstLine(stdout)})`);
  }
  let doc: { "fio version"?: string; jobs?: unknown[] };
  try {
    doc = JSON.parse(stdout.slice(start));
  } catch (error) {
    throw new SyntaxError(`fio's JSON output does not parse: ${(error as Error).message}`);
  }
  if (!Array.isArray(doc.jobs)) throw new SyntaxError('fio\'s JSON output has no "jobs" array');
  const jobs: Record<string, FioJobResult> = {};
  for (const raw of doc.jobs as Record<string, unknown>[]) {
    const name = String(raw.jobname);
    if (typeof raw.error === "number" && raw.error !== 0) {
      throw new Error(`fio job "${name}" failed with errno ${raw.error}${errnoName(raw.error)}`);
    }
    const read = raw.read as FioJsonSide | undefined;
    const write = raw.write as FioJsonSide | undefined;
    const side = (write?.io_bytes ?? 0) > (read?.io_bytes ?? 0) ? write : read;
    if (!side || side.io_bytes === 0) {
      throw new SyntaxError(`fio job "${name}" transferred no data`);
    }
    const percentile = side.clat_ns?.percentile;
    const p50 = percentile?.["50.000000"];
    const p99 = percentile?.["99.000000"];
    if (typeof p50 !== "number" || typeof p99 !== "number") {
      throw new SyntaxError(`fio job "${name}" has no 50th/99th clat percentile`);
    }
    if (typeof side.runtime !== "number") {
      throw new SyntaxError(`fio job "${name}" has no runtime`);
    }
    jobs[name] = {
      bandwidthMiBPerS: side.bw_bytes / 2 ** 20,
      iops: side.iops,
      clatP50Us: p50 / 1000,
      clatP99Us: p99 / 1000,
      ioBytes: side.io_bytes,
      runtimeMs: side.runtime,
    };
  }
  return { version: doc["fio version"] ?? "unknown", jobs };
}

/**
 * Refuses a fio result whose bandwidths are quantised by fio's millisecond clock: raises a
 * SyntaxError naming every job that was measured over less than `runtimeS` (it ended with its
 * file, not its time: the run was not time-based) or over too few milliseconds for
 * {@link FIO_MAX_CLOCK_STEP}. Tolerates 1 ms less than asked, as fio's clock rounds.
 */
export function checkFioRuntimes(result: FioResult, options: { runtimeS: number }): void {
  const askedMs = options.runtimeS * 1000;
  const problems: string[] = [];
  for (const [name, job] of Object.entries(result.jobs)) {
    const step = job.bandwidthMiBPerS / job.runtimeMs;
    const where = `fio job "${name}" was measured over ${job.runtimeMs} ms`;
    if (job.runtimeMs < askedMs - 1) {
      problems.push(
        `${where}, not the ${askedMs} ms asked (it ended with its file: not time-based), so ` +
          `its ${job.bandwidthMiBPerS.toFixed(1)} MiB/s moves in steps of ${step.toFixed(1)} MiB/s`,
      );
    } else if (1 / job.runtimeMs > FIO_MAX_CLOCK_STEP) {
      problems.push(
        `${where}: fio's millisecond clock quantises its bandwidth in steps of ` +
          `${(100 / job.runtimeMs).toFixed(2)} %, above ${FIO_MAX_CLOCK_STEP * 100} %`,
      );
    }
  }
  if (problems.length > 0) throw new SyntaxError(problems.join("; "));
}

function errnoName(errno: number): string {
  const names: Record<number, string> = {
    2: "ENOENT",
    5: "EIO",
    13: "EACCES",
    22: "EINVAL",
    28: "ENOSPC, no space left on device",
    30: "EROFS",
  };
  return names[errno] ? ` (${names[errno]})` : "";
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0];
  return line ? JSON.stringify(line) : "empty output";
}

/** Options of {@link fioBenchmark}. */
export interface FioBenchmarkOptions {
  placement: DiskPlacement;
  cache: FioCache;
}

/** The metrics of the fio benchmark `id`: bandwidth, IOPS, p50 and p99 latency of each job. */
export function fioMetrics(id: string): MetricInfo[] {
  const metrics: MetricInfo[] = [];
  for (const job of FIO_JOBS) {
    const label = `${job.id.replace("_", " ")} (${job.bs})`;
    const base = { benchmark: id, category: "disk" as const };
    metrics.push(
      {
        ...base,
        id: `${id}.${job.id}_bandwidth`,
        name: `fio ${label} bandwidth`,
        unit: "MiB/s",
        direction: "higher",
      },
      {
        ...base,
        id: `${id}.${job.id}_iops`,
        name: `fio ${label} IOPS`,
        unit: "IO/s",
        direction: "higher",
      },
      {
        ...base,
        id: `${id}.${job.id}_clat_p50`,
        name: `fio ${label} median completion latency`,
        unit: "µs",
        direction: "lower",
      },
      {
        ...base,
        id: `${id}.${job.id}_clat_p99`,
        name: `fio ${label} 99th-percentile completion latency`,
        unit: "µs",
        direction: "lower",
      },
    );
  }
  return metrics;
}

/** A fio benchmark for one placement and one page-cache mode, e.g. `fio_bind_direct`. */
export function fioBenchmark(options: FioBenchmarkOptions): BenchmarkDefinition {
  const id = `fio_${options.placement}_${options.cache}`;
  const where = options.placement === "layer"
    ? "the container's writable layer"
    : "a bind-mounted host directory";
  const how = options.cache === "direct"
    ? "O_DIRECT (page cache bypassed)"
    : "buffered (page cache invalidated before each job, fsync at the end of writes)";
  return {
    info: {
      id,
      name: `fio on ${
        options.placement === "layer" ? "writable layer" : "bind mount"
      }, ${options.cache}`,
      category: "disk",
      tool: "fio",
      description:
        `fio sequential write/read (1 MiB) then random write/read (4 KiB), psync, queue depth 1, on ${where}, ${how}.`,
      parameters: {
        placement: options.placement,
        cache: options.cache,
        direct: options.cache === "direct",
        ioengine: "psync",
        timeBased: true,
        sizeMiB: FIO_SIZE_MIB,
        sizeMiBQuick: FIO_QUICK_SIZE_MIB,
        rampS: FIO_RAMP_S,
        rampSQuick: FIO_QUICK_RAMP_S,
        runtimeS: FIO_RUNTIME_S,
        runtimeSQuick: FIO_QUICK_RUNTIME_S,
      },
    },
    tools: [{ binary: "fio", package: "fio" }],
    metrics: fioMetrics(id),
    async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
      const target = await prepareDiskTarget(ctx, options.placement);
      try {
        const runtimeS = ctx.quick ? FIO_QUICK_RUNTIME_S : FIO_RUNTIME_S;
        const argv = fioArgv({
          directory: target.directory,
          sizeMiB: ctx.quick ? FIO_QUICK_SIZE_MIB : FIO_SIZE_MIB,
          direct: options.cache === "direct",
          rampS: ctx.quick ? FIO_QUICK_RAMP_S : FIO_RAMP_S,
          runtimeS,
        });
        const result = await runBenchmarkStep(ctx, argv, {
          timeoutMs: ctx.quick ? 180_000 : 900_000,
          step: { mounts: target.mounts },
        });
        const parsed = parseStepOutput(result, `fio under ${ctx.runtime.id}`, (r) => {
          const out = parseFioJson(r.stdout);
          for (const job of FIO_JOBS) {
            if (!out.jobs[job.name]) throw new SyntaxError(`fio reported no job "${job.name}"`);
          }
          checkFioRuntimes(out, { runtimeS });
          return out;
        });
        const values: MeasuredValue[] = [];
        // A runtime that serves O_DIRECT through a cache of its own measures that cache too.
        const cached = options.cache === "direct" && ctx.runtime.capabilities.directIo === false
          ? `${ctx.runtime.id} does not honour O_DIRECT: its own cache serves this I/O`
          : undefined;
        const notes = [target.notes, cached].filter((n) => n !== undefined).join("; ") ||
          undefined;
        for (const job of FIO_JOBS) {
          const r = parsed.jobs[job.name];
          values.push(
            { metric: `${id}.${job.id}_bandwidth`, value: r.bandwidthMiBPerS, notes },
            { metric: `${id}.${job.id}_iops`, value: r.iops, notes },
            { metric: `${id}.${job.id}_clat_p50`, value: r.clatP50Us, notes },
            { metric: `${id}.${job.id}_clat_p99`, value: r.clatP99Us, notes },
          );
        }
        return values;
      } finally {
        await target.remove();
      }
    },
  };
}

/** fio on the writable layer and on a bind mount, each with O_DIRECT and buffered. */
export const FIO_BENCHMARKS: BenchmarkDefinition[] = [
  fioBenchmark({ placement: "layer", cache: "direct" }),
  fioBenchmark({ placement: "bind", cache: "direct" }),
  fioBenchmark({ placement: "layer", cache: "buffered" }),
  fioBenchmark({ placement: "bind", cache: "buffered" }),
];
