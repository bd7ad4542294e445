/**
 * The samples log of a run, `results/<run-id>/samples.jsonl`: one JSON record a line, appended
 * and fsynced as each value is measured, so a crash loses at most the step in progress.
 *
 * Records (`type`):
 * - `run`: the first line; the run id, start time and the options needed to resume it;
 * - `sample`: one measured value (a model `Sample`) of step `step`;
 * - `failure`: a step that produced no value (a model `Failure`);
 * - `step`: the end marker of step `step`. Only steps with a marker count as finished: the
 *   samples of a step without one (the process died in the middle) are dropped on reading, and
 *   the step is measured again on `--resume`, so every sample ends up in the result exactly once.
 *
 * A torn last line (the process died while writing it) is tolerated and cut off before appending.
 *
 * @module
 */
import { z } from "zod";
import { FailureSchema, SampleSchema } from "../model/result_set.ts";
import type { Failure, Sample } from "../model/result_set.ts";
import { type OpenFile, REAL_FILE_SYSTEM, type RunFileSystem } from "./run_effects.ts";

/** The options a run was started with, kept in its `run` record so `--resume` can continue it. */
export const RunRecordOptionsSchema = z.object({
  runtimes: z.array(z.string()),
  /** Runtimes named by the user (recorded as failures when unusable) rather than discovered. */
  explicitRuntimes: z.boolean(),
  benchmarks: z.array(z.string()),
  quick: z.boolean(),
  seed: z.number().int(),
  warmups: z.number().int().nonnegative(),
  repetitions: z.number().int().positive().optional(),
  adaptive: z.object({
    targetCiPercent: z.number().positive(),
    maxRuns: z.number().int().positive(),
    maxTimeS: z.number().positive(),
  }).optional(),
  /** `--budget`: the time the run may take and how its verdicts are decided (budget_policy.ts). */
  budget: z.object({
    budgetMs: z.number().positive(),
    minRuns: z.number().int().min(2),
    baseline: z.string(),
    looks: z.number().int().positive(),
  }).optional(),
  stepTimeoutMs: z.number().positive(),
});
/** The options a run was started with. */
export type RunRecordOptions = z.infer<typeof RunRecordOptionsSchema>;

/** One line of the samples log. */
export const LogRecordSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("run"),
    runId: z.string(),
    startedAt: z.string(),
    options: RunRecordOptionsSchema,
  }),
  z.object({ type: z.literal("sample"), step: z.string(), sample: SampleSchema }),
  z.object({ type: z.literal("failure"), step: z.string(), failure: FailureSchema }),
  z.object({
    type: z.literal("step"),
    step: z.string(),
    status: z.enum(["ok", "failed"]),
    /** Wall time of the step, in milliseconds. */
    wallMs: z.number().nonnegative(),
    finishedAt: z.string(),
  }),
]);
/** One line of the samples log. */
export type LogRecord = z.infer<typeof LogRecordSchema>;

/** What a samples log holds once read. */
export interface SamplesLogContent {
  /** The `run` record, when the log has one. */
  run?: Extract<LogRecord, { type: "run" }>;
  /** Samples of finished steps, in log order. */
  samples: Sample[];
  /** Failures of finished steps, in log order. */
  failures: Failure[];
  /** Finished steps by key (`runtime/benchmark/iteration`), with their wall time in ms. */
  finished: Map<string, { status: "ok" | "failed"; wallMs: number }>;
  /** Samples dropped because their step has no end marker. */
  droppedSamples: number;
  /** Whether the last line was torn (cut off mid-write) and ignored. */
  tornLastLine: boolean;
  /** Byte length of the complete lines (where appending continues). */
  validBytes: number;
}

/**
 * Parses the text of a samples log. A last line without its newline is taken as torn (the
 * process died while writing it) and ignored; a complete line that is not a valid record raises
 * SyntaxError naming the line.
 */
export function parseSamplesLog(text: string, path = "samples.jsonl"): SamplesLogContent {
  const content: SamplesLogContent = {
    samples: [],
    failures: [],
    finished: new Map(),
    droppedSamples: 0,
    tornLastLine: false,
    validBytes: 0,
  };
  const pendingSamples = new Map<string, Sample[]>();
  const pendingFailures = new Map<string, Failure[]>();
  const encoder = new TextEncoder();
  const lines = text.split("\n");
  // Text ending in "\n" splits into a last empty string; anything else there is a torn line.
  const torn = lines.pop() ?? "";
  content.tornLastLine = torn !== "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let record: LogRecord;
    try {
      record = LogRecordSchema.parse(JSON.parse(line));
    } catch (error) {
      throw new SyntaxError(
        `Cannot read samples log "${path}": line ${i + 1} is not a valid record (${
          (error as Error).message.split("\n")[0].slice(0, 200)
        })`,
      );
    }
    content.validBytes += encoder.encode(line).length + 1;
    switch (record.type) {
      case "run":
        content.run ??= record;
        break;
      case "sample":
        pendingSamples.set(record.step, [
          ...(pendingSamples.get(record.step) ?? []),
          record.sample,
        ]);
        break;
      case "failure":
        pendingFailures.set(record.step, [
          ...(pendingFailures.get(record.step) ?? []),
          record.failure,
        ]);
        break;
      case "step":
        content.samples.push(...(pendingSamples.get(record.step) ?? []));
        content.failures.push(...(pendingFailures.get(record.step) ?? []));
        pendingSamples.delete(record.step);
        pendingFailures.delete(record.step);
        content.finished.set(record.step, { status: record.status, wallMs: record.wallMs });
        break;
    }
  }
  for (const samples of pendingSamples.values()) content.droppedSamples += samples.length;
  return content;
}

/** Reads a samples log from disk (see {@link parseSamplesLog}). */
export async function readSamplesLog(
  path: string,
  fs: RunFileSystem = REAL_FILE_SYSTEM,
): Promise<SamplesLogContent> {
  return parseSamplesLog(await fs.readTextFile(path), path);
}

/**
 * An open samples log that appends records, each written whole and fsynced before `append`
 * resolves.
 */
export class SamplesLog {
  #file: OpenFile;
  #encoder = new TextEncoder();
  /** The file's path. */
  readonly path: string;

  private constructor(path: string, file: OpenFile) {
    this.path = path;
    this.#file = file;
  }

  /** Creates a new log; raises `Deno.errors.AlreadyExists` when the file exists. */
  static async create(path: string, fs: RunFileSystem = REAL_FILE_SYSTEM): Promise<SamplesLog> {
    const file = await fs.open(path, { write: true, createNew: true });
    return new SamplesLog(path, file);
  }

  /**
   * Opens an existing log to continue it: cuts a torn last line off (to `validBytes` of
   * {@link readSamplesLog}) and appends after it.
   */
  static async resume(
    path: string,
    validBytes: number,
    fs: RunFileSystem = REAL_FILE_SYSTEM,
  ): Promise<SamplesLog> {
    const file = await fs.open(path, { read: true, write: true });
    await file.truncate(validBytes);
    await file.seek(validBytes, Deno.SeekMode.Start);
    return new SamplesLog(path, file);
  }

  /** Appends records as lines, then fsyncs. */
  async append(...records: LogRecord[]): Promise<void> {
    const bytes = this.#encoder.encode(records.map((r) => JSON.stringify(r) + "\n").join(""));
    let written = 0;
    while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
    await this.#file.sync();
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }
}
