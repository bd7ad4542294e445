/**
 * `bonnie_<placement>`: bonnie++ as in the paper's Table 8 — sequential output per character and
 * per block, rewrite, sequential input per character and per block, random seeks, and file
 * creation (sequential and random order) — on the container's writable layer (`layer`) or a
 * bind-mounted host directory (`bind`), from its CSV line (`-q`). bonnie++ always goes through
 * the page cache here (its `-D` O_DIRECT mode fails on this machine's ext4); a full collection
 * writes a file twice the memory limit it sets on the container so that the cache cannot hold it
 * where the runtime enforces the limit.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import type { MetricInfo } from "../../model/result_set.ts";
import { parseStepOutput, StepFailedError } from "../errors.ts";
import { tailOf } from "../process.ts";
import { runBenchmarkStep } from "./_run_step.ts";
import { type DiskPlacement, prepareDiskTarget } from "./_disk.ts";

/** File size of a full collection, in MiB. */
export const BONNIE_SIZE_MIB = 2048;
/** RAM bonnie++ is told about (`-r`) and the container's memory limit, in MiB (full). */
export const BONNIE_RAM_MIB = 1024;
/**
 * File size with `--quick`, in MiB: 128 MiB was too fast to time (`+++++`) for every test on an
 * idle host here.
 */
export const BONNIE_QUICK_SIZE_MIB = 512;
/** RAM bonnie++ is told about with `--quick`, in MiB; no memory limit is set. */
export const BONNIE_QUICK_RAM_MIB = 256;
/**
 * Size of the per-character tests, in MiB. They make one system call per byte, which gVisor's
 * ptrace platform serves in tens of microseconds: bonnie++'s default 20 MiB would take most of an
 * hour there, 2 MiB takes minutes.
 */
export const BONNIE_CHAR_IO_MIB = 2;
/**
 * Size of the per-character tests with `--quick`: 0, skipped (`-f`); even 1 MiB takes minutes
 * under gVisor's ptrace platform.
 */
export const BONNIE_QUICK_CHAR_IO_MIB = 0;
/** Files (in multiples of 1024) of the file-creation tests. */
export const BONNIE_FILES_K = 16;
/** Files (in multiples of 1024) with `--quick`. */
export const BONNIE_QUICK_FILES_K = 4;

/**
 * The values bonnie++ prints in its CSV line; a test it skipped (empty field) or could not time
 * (`+++++`) is absent.
 */
export interface BonnieResult {
  /** e.g. "2.00a". */
  version: string;
  /** File size as printed, e.g. "128M". */
  fileSize: string;
  /** Sequential output per character, KiB/s. */
  seqOutputCharKiBPerS?: number;
  /** Sequential output per block, KiB/s. */
  seqOutputBlockKiBPerS?: number;
  /** Rewrite, KiB/s. */
  rewriteKiBPerS?: number;
  /** Sequential input per character, KiB/s. */
  seqInputCharKiBPerS?: number;
  /** Sequential input per block, KiB/s. */
  seqInputBlockKiBPerS?: number;
  /** Random seeks per second. */
  randomSeeksPerS?: number;
  /** Files created per second, sequential order. */
  seqCreatePerS?: number;
  /** Files deleted per second, sequential order. */
  seqDeletePerS?: number;
  /** Files created per second, random order. */
  randomCreatePerS?: number;
  /** Files deleted per second, random order. */
  randomDeletePerS?: number;
}

// Field positions of bonnie++'s CSV format 1.98 (see bon_csv2txt).
const FIELDS: [keyof BonnieResult, number][] = [
  ["seqOutputCharKiBPerS", 9],
  ["seqOutputBlockKiBPerS", 11],
  ["rewriteKiBPerS", 13],
  ["seqInputCharKiBPerS", 15],
  ["seqInputBlockKiBPerS", 17],
  ["randomSeeksPerS", 19],
  ["seqCreatePerS", 26],
  ["seqDeletePerS", 30],
  ["randomCreatePerS", 32],
  ["randomDeletePerS", 36],
];

/**
 * Parses the CSV line bonnie++ prints with `-q` (CSV format 1.98, bonnie++ 1.98–2.00).
 * Raises SyntaxError when there is no such line (e.g. bonnie++ printed its usage or
 * "Can't write() - disk full?") or a field is neither a number nor `+++++`.
 */
export function parseBonnieCsv(stdout: string): BonnieResult {
  const line = stdout.split("\n").find((l) => /^1\.9\d,/.test(l.trim()));
  if (!line) {
    throw new SyntaxError(
      `bonnie++ printed no CSV line (first line: ${firstLine(stdout)})`,
    );
  }
  const cells = line.trim().split(",");
  if (cells.length < 38) {
    throw new SyntaxError(`bonnie++'s CSV line has ${cells.length} fields, expected at least 38`);
  }
  const result: BonnieResult = { version: cells[1], fileSize: cells[5] };
  for (const [key, index] of FIELDS) {
    const cell = cells[index];
    if (cell === "" || /^\++$/.test(cell)) continue;
    const value = Number(cell);
    if (!Number.isFinite(value)) {
      throw new SyntaxError(`bonnie++'s CSV field ${index} (${key}) is not a number: "${cell}"`);
    }
    (result as unknown as Record<string, number>)[key] = value;
  }
  return result;
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0];
  return line ? JSON.stringify(line) : "empty output";
}

/** Options of {@link bonnieArgv}. */
export interface BonnieArgvOptions {
  directory: string;
  sizeMiB: number;
  ramMiB: number;
  /** Files of the creation tests, in multiples of 1024. */
  filesK: number;
  /** Size of the per-character tests (`-f<N>`), in MiB; 0 skips them (`-f`). */
  charIoMiB: number;
}

/** The argv of one bonnie++ run (as root inside the container: `-u 0:0`). */
export function bonnieArgv(options: BonnieArgvOptions): string[] {
  return [
    "bonnie++",
    "-q",
    "-u",
    "0:0",
    "-m",
    "ocibench",
    "-d",
    options.directory,
    "-s",
    String(options.sizeMiB),
    "-r",
    String(options.ramMiB),
    "-n",
    String(options.filesK),
    options.charIoMiB > 0 ? `-f${options.charIoMiB}` : "-f",
  ];
}

const METRICS: { key: keyof BonnieResult; id: string; name: string; unit: string }[] = [
  {
    key: "seqOutputCharKiBPerS",
    id: "seq_output_char",
    name: "sequential output per char",
    unit: "KiB/s",
  },
  {
    key: "seqOutputBlockKiBPerS",
    id: "seq_output_block",
    name: "sequential output per block",
    unit: "KiB/s",
  },
  { key: "rewriteKiBPerS", id: "rewrite", name: "sequential rewrite", unit: "KiB/s" },
  {
    key: "seqInputCharKiBPerS",
    id: "seq_input_char",
    name: "sequential input per char",
    unit: "KiB/s",
  },
  {
    key: "seqInputBlockKiBPerS",
    id: "seq_input_block",
    name: "sequential input per block",
    unit: "KiB/s",
  },
  { key: "randomSeeksPerS", id: "random_seeks", name: "random seeks", unit: "seeks/s" },
  {
    key: "seqCreatePerS",
    id: "seq_create",
    name: "file creation, sequential order",
    unit: "files/s",
  },
  {
    key: "seqDeletePerS",
    id: "seq_delete",
    name: "file deletion, sequential order",
    unit: "files/s",
  },
  {
    key: "randomCreatePerS",
    id: "random_create",
    name: "file creation, random order",
    unit: "files/s",
  },
  {
    key: "randomDeletePerS",
    id: "random_delete",
    name: "file deletion, random order",
    unit: "files/s",
  },
];

/** The metrics of the bonnie++ benchmark `id`. */
export function bonnieMetrics(id: string): MetricInfo[] {
  return METRICS.map((m) => ({
    id: `${id}.${m.id}`,
    benchmark: id,
    name: `bonnie++ ${m.name}`,
    category: "disk",
    unit: m.unit,
    direction: "higher",
  }));
}

/** A bonnie++ benchmark for one placement, e.g. `bonnie_bind`. */
export function bonnieBenchmark(placement: DiskPlacement): BenchmarkDefinition {
  const id = `bonnie_${placement}`;
  return {
    info: {
      id,
      name: `bonnie++ on ${placement === "layer" ? "writable layer" : "bind mount"}`,
      category: "disk",
      tool: "bonnie++",
      description: `bonnie++ (the paper's Table 8) on ${
        placement === "layer" ? "the container's writable layer" : "a bind-mounted host directory"
      }, buffered I/O.`,
      parameters: {
        placement,
        cache: "buffered",
        direct: false,
        sizeMiB: BONNIE_SIZE_MIB,
        ramMiB: BONNIE_RAM_MIB,
        memoryLimitMiB: BONNIE_RAM_MIB,
        sizeMiBQuick: BONNIE_QUICK_SIZE_MIB,
        ramMiBQuick: BONNIE_QUICK_RAM_MIB,
        filesK: BONNIE_FILES_K,
        filesKQuick: BONNIE_QUICK_FILES_K,
        charIoMiB: BONNIE_CHAR_IO_MIB,
        charIoMiBQuick: BONNIE_QUICK_CHAR_IO_MIB,
      },
    },
    tools: [{ binary: "bonnie++", package: "bonnie++" }],
    metrics: bonnieMetrics(id),
    async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
      const target = await prepareDiskTarget(ctx, placement);
      try {
        const argv = bonnieArgv({
          directory: target.directory,
          sizeMiB: ctx.quick ? BONNIE_QUICK_SIZE_MIB : BONNIE_SIZE_MIB,
          ramMiB: ctx.quick ? BONNIE_QUICK_RAM_MIB : BONNIE_RAM_MIB,
          filesK: ctx.quick ? BONNIE_QUICK_FILES_K : BONNIE_FILES_K,
          charIoMiB: ctx.quick ? BONNIE_QUICK_CHAR_IO_MIB : BONNIE_CHAR_IO_MIB,
        });
        const result = await runBenchmarkStep(ctx, argv, {
          timeoutMs: ctx.quick ? 300_000 : 1_800_000,
          step: {
            mounts: target.mounts,
            // The page cache is charged to the container's memory cgroup: a limit half the file
            // size keeps bonnie++'s file out of the cache where the runtime enforces limits.
            limits: ctx.quick ? undefined : { memoryBytes: BONNIE_RAM_MIB * 2 ** 20 },
          },
        });
        const parsed = parseStepOutput(
          result,
          `bonnie++ under ${ctx.runtime.id}`,
          (r) => parseBonnieCsv(r.stdout),
        );
        const untimed = METRICS.filter((m) => parsed[m.key] === undefined).map((m) => m.id);
        if (untimed.length === METRICS.length) {
          throw new StepFailedError(
            `bonnie++ under ${ctx.runtime.id} timed nothing: every test was skipped or too ` +
              `fast to time (+++++), e.g. served from the page cache; its CSV line: ` +
              tailOf(result.stdout.trim(), 400),
            { exitCode: result.exitCode, stderrTail: result.stderr },
          );
        }
        const notes = [
          target.notes,
          untimed.length > 0
            ? `no value from bonnie++ (skipped, or +++++: too fast to time): ${untimed.join(", ")}`
            : undefined,
        ].filter((n) => n !== undefined).join("; ") || undefined;
        return METRICS.filter((m) => parsed[m.key] !== undefined).map((m) => ({
          metric: `${id}.${m.id}`,
          value: parsed[m.key] as number,
          notes,
        }));
      } finally {
        await target.remove();
      }
    },
  };
}

/** bonnie++ on the writable layer and on a bind mount. */
export const BONNIE_BENCHMARKS: BenchmarkDefinition[] = [
  bonnieBenchmark("layer"),
  bonnieBenchmark("bind"),
];
