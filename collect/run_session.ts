/**
 * A session of a run: what one `collect` (or `collect --resume`) keeps on disk while it goes. It
 * holds the run's lock, opens the samples log (new, or continued after its last complete line),
 * records every finished step in it, owns the private work directory, and at the end builds and
 * writes the result set. The file layout is model/run_layout.ts; the effects come in.
 *
 * @module
 */
import type {
  BudgetDesign,
  Failure,
  HostInfo,
  HostNoiseSummary,
  MetricInfo,
  ResultSet,
  RunStatus,
  RuntimeInfo,
  Sample,
} from "../model/result_set.ts";
import { SCHEMA_VERSION } from "../model/result_set.ts";
import { formatResultSet } from "../model/write_result_set.ts";
import type { RunLayout } from "../model/run_layout.ts";
import type { BenchmarkDefinition, Detection, ImagePaths, RuntimeAdapter } from "./types.ts";
import type { PlanStep } from "./plan.ts";
import { stepKey } from "./plan.ts";
import {
  type LogRecord,
  readSamplesLog,
  type RunRecordOptions,
  SamplesLog,
  type SamplesLogContent,
} from "./samples_log.ts";
import { acquireHostLock, acquireRunLock, checkRunLock, type RunLock } from "./run_lock.ts";
import type { RunEffects, RunFileSystem } from "./run_effects.ts";
import type { StepOutcome } from "./step_runner.ts";
import { imagePackageVersions, withToolVersion } from "./tool_versions.ts";
import { markCollectedNotComparable } from "./mark_not_comparable.ts";
import { NOISE_RULE } from "./host_noise.ts";

/** The name prefix of everything a run creates: `ocibench-` and the last 6 characters of its id. */
export function namePrefixOf(runId: string): string {
  return `ocibench-${runId.replace(/[^a-z0-9]/g, "").slice(-6)}`;
}

/** Reads the options a run was started with, from its samples log (for `--resume`). */
export async function readRunRecord(
  layout: RunLayout,
  fs: RunFileSystem,
): Promise<RunRecordOptions> {
  let content: SamplesLogContent;
  try {
    content = await readSamplesLog(layout.samplesLog, fs);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `Cannot resume run "${layout.runId}": no samples log at ${layout.samplesLog}`,
      );
    }
    throw error;
  }
  if (!content.run) {
    throw new Error(
      `Cannot resume run "${layout.runId}": ${layout.samplesLog} has no "run" record`,
    );
  }
  return content.run.options;
}

/** A runtime of the session: its adapter and what detection and preparation found. */
export interface RuntimeState {
  adapter: RuntimeAdapter;
  detection?: Detection;
  /** Why every step of this runtime fails without running (asked for by name but unusable). */
  brokenReason?: string;
  prepared: boolean;
}

/** Options of {@link RunSession.open}. */
export interface OpenSessionOptions {
  layout: RunLayout;
  /** What the run does; written as the log's first line of a new run. */
  record: RunRecordOptions;
  /** Continue the run from its samples log instead of starting it. */
  resume: boolean;
  /** The host's collection lock (collect/run_lock.ts). */
  hostLockPath: string;
  effects: RunEffects;
  /** Where the session's messages go (e.g. the progress display). */
  log: (message: string) => void;
}

/** Options of {@link RunSession.resultSet}. */
export interface ResultSetInput {
  status: RunStatus;
  host: HostInfo;
  runtimes: Iterable<RuntimeState>;
  benchmarks: readonly BenchmarkDefinition[];
  image: ImagePaths;
  quick: boolean;
}

/** An open session of a run (see the module doc). */
export class RunSession {
  readonly layout: RunLayout;
  /** When the run started (its first session). */
  readonly startedAt: string;
  /** What earlier sessions left in the log, when resuming. */
  readonly previous?: SamplesLogContent;
  /** Every sample of finished steps, earlier sessions' first. */
  readonly samples: Sample[];
  /** Every failure of finished steps, earlier sessions' first. */
  readonly failures: Failure[];
  /** Notes for the result set. */
  readonly notes: string[] = [];
  /** The looks and verdicts of a budgeted run, for the result set (set by the run loop). */
  budget?: BudgetDesign;
  #log: SamplesLog;
  #lock: RunLock;
  #hostLock?: RunLock;
  #effects: RunEffects;
  #logOpen = true;

  private constructor(
    layout: RunLayout,
    opened: { startedAt: string; previous?: SamplesLogContent; log: SamplesLog; lock: RunLock },
    effects: RunEffects,
  ) {
    this.layout = layout;
    this.startedAt = opened.startedAt;
    this.previous = opened.previous;
    this.samples = [...(opened.previous?.samples ?? [])];
    this.failures = [...(opened.previous?.failures ?? [])];
    this.#log = opened.log;
    this.#lock = opened.lock;
    this.#effects = effects;
  }

  /**
   * Takes the host's lock (raising HostLockedError naming the other run's id and pid when another
   * collection runs on this host) and the run's lock (raising RunLockedError naming the holder's
   * pid when another session has it), and opens its samples log: a new one with the run record as its first line, or, when
   * resuming, the existing one cut after its last complete line.
   */
  static async open(options: OpenSessionOptions): Promise<RunSession> {
    const { layout, effects } = options;
    const { fs, clock } = effects;
    const now = clock.date().toISOString();
    // The same run collected elsewhere is the more telling refusal: checked before the host's.
    if (options.resume) await checkRunLock(layout, fs);
    const hostLock = await acquireHostLock(options.hostLockPath, {
      fs,
      pid: effects.pid,
      since: now,
      runId: layout.runId,
    });
    if (hostLock.tookOver) {
      const old = hostLock.tookOver;
      options.log(
        `note: took over this host's collection lock from run ${old.runId} (pid ${old.pid}), ` +
          `which is no longer running (since ${old.since})`,
      );
    }
    let session: RunSession;
    try {
      session = await RunSession.#openRun(options, now);
    } catch (error) {
      await hostLock.release();
      throw error;
    }
    session.#hostLock = hostLock;
    return session;
  }

  static async #openRun(options: OpenSessionOptions, now: string): Promise<RunSession> {
    const { layout, effects } = options;
    const { fs } = effects;
    if (!options.resume) await fs.mkdir(layout.dir);
    let lock: RunLock;
    try {
      lock = await acquireRunLock(layout, { fs, pid: effects.pid, since: now });
    } catch (error) {
      if (options.resume && error instanceof Deno.errors.NotFound) {
        throw new Error(`Cannot resume run "${layout.runId}": no run directory ${layout.dir}`);
      }
      throw error;
    }
    try {
      if (lock.tookOver) {
        options.log(
          `note: took over the lock of run ${layout.runId} from pid ${lock.tookOver.pid}, ` +
            `which is no longer collecting it (since ${lock.tookOver.since})`,
        );
      }
      if (!options.resume) {
        const log = await SamplesLog.create(layout.samplesLog, fs);
        await log.append({
          type: "run",
          runId: layout.runId,
          startedAt: now,
          options: options.record,
        });
        return new RunSession(layout, { startedAt: now, log, lock }, effects);
      }
      const previous = await readSamplesLog(layout.samplesLog, fs);
      if (!previous.run) throw new Error(`Cannot resume: ${layout.samplesLog} has no "run" record`);
      const log = await SamplesLog.resume(layout.samplesLog, previous.validBytes, fs);
      const dropped = previous.droppedSamples
        ? `; ${previous.droppedSamples} samples of unfinished steps dropped, those steps run again`
        : "";
      options.log(
        `resuming ${layout.runId}: ${previous.finished.size} steps already done` +
          `${previous.tornLastLine ? "; a torn last line was cut off" : ""}${dropped}`,
      );
      return new RunSession(
        layout,
        { startedAt: previous.run.startedAt, previous, log, lock },
        effects,
      );
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Appends a finished step to the log (samples or failure, then its end marker) and keeps it. */
  async recordStep(
    step: PlanStep,
    outcome: Exclude<StepOutcome, { status: "interrupted" }>,
  ): Promise<void> {
    const key = stepKey(step);
    const records: LogRecord[] = outcome.status === "ok"
      ? outcome.samples.map((sample) => ({ type: "sample", step: key, sample }))
      : [{ type: "failure", step: key, failure: outcome.failure }];
    records.push({
      type: "step",
      step: key,
      status: outcome.status,
      wallMs: outcome.wallMs,
      finishedAt: outcome.finishedAt,
    });
    await this.#log.append(...records);
    if (outcome.status === "ok") this.samples.push(...outcome.samples);
    else this.failures.push(outcome.failure);
  }

  /** Closes the samples log; safe to call twice. */
  closeLog(): void {
    if (!this.#logOpen) return;
    this.#logOpen = false;
    this.#log.close();
  }

  /** The result set of the session's samples and failures. */
  resultSet(input: ResultSetInput): ResultSet {
    const used = new Set([...this.samples, ...this.failures].map((o) => o.runtime));
    const runtimes: RuntimeInfo[] = [];
    const states = [...input.runtimes]; // may be a one-shot iterator
    for (const state of states) {
      const id = state.adapter.id;
      if (!state.detection?.usable && !used.has(id) && !state.brokenReason) continue;
      const a = state.adapter;
      const info: RuntimeInfo = { id, name: a.name, isolation: a.isolation, historical: false };
      if (a.engine) info.engine = a.engine;
      if (a.lowLevelRuntime) info.lowLevelRuntime = a.lowLevelRuntime;
      if (a.platform) info.platform = { name: a.platform.name, legacy: a.platform.legacy };
      if (state.detection?.version) info.version = state.detection.version;
      if (state.detection?.components) info.components = state.detection.components;
      const notes = [state.detection?.notes, state.brokenReason].filter((n) => n);
      if (notes.length > 0) info.notes = notes.join("; ");
      runtimes.push(info);
      used.delete(id);
    }
    // A runtime measured in an earlier session but not detected now still owns its samples.
    for (const id of used) {
      runtimes.push({
        id,
        name: id,
        isolation: "os-container",
        historical: false,
        notes: "not detected in the last session",
      });
    }
    const metrics: MetricInfo[] = input.benchmarks.flatMap((b) => b.metrics);
    const packages = imagePackageVersions(input.image);
    const adapters = states.map((state) => state.adapter);
    return markCollectedNotComparable({
      schemaVersion: SCHEMA_VERSION,
      runId: this.layout.runId,
      title: `ocibench collection ${this.layout.runId}${input.quick ? " (quick)" : ""}`,
      status: input.status,
      startedAt: this.startedAt,
      finishedAt: this.#effects.clock.date().toISOString(),
      host: input.host,
      runtimes,
      benchmarks: input.benchmarks.map((b) => ({
        ...withToolVersion(b.info, packages, input.image.hash),
        parameters: {
          ...b.info.parameters,
          ...b.hostParameters?.({ quick: input.quick }),
          mode: input.quick ? "quick" : "full",
        },
      })),
      metrics,
      samples: this.samples,
      failures: this.failures,
      ...hostNoiseSummaryOf(this.samples),
      ...(this.budget ? { budget: this.budget } : {}),
      ...(this.notes.length > 0 ? { notes: this.notes.join("\n") } : {}),
    }, adapters);
  }

  /** Validates and writes the result set to `<run-id>.json`, atomically. */
  async writeResult(set: ResultSet): Promise<void> {
    await this.#effects.fs.writeFileAtomic(
      this.layout.result,
      formatResultSet(this.layout.result, set),
    );
  }

  /** Closes the log and releases the run's and the host's locks; safe to call twice. */
  async close(): Promise<void> {
    this.closeLog();
    await this.#lock.release();
    await this.#hostLock?.release();
  }
}

/**
 * How many steps had their host noise read, were re-run, and are still disturbed, counted from
 * the samples (so earlier sessions' steps count too); nothing when no step was watched.
 */
export function hostNoiseSummaryOf(
  samples: readonly Sample[],
): { hostNoise?: HostNoiseSummary } {
  const watched = new Set<string>();
  const rerun = new Set<string>();
  const disturbed = new Set<string>();
  for (const s of samples) {
    if (!s.hostNoise) continue;
    const key = stepKey(s);
    watched.add(key);
    if (s.hostNoise.rerunAfter) rerun.add(key);
    if (s.hostNoise.disturbed) disturbed.add(key);
  }
  if (watched.size === 0) return {};
  return {
    hostNoise: {
      rule: NOISE_RULE,
      stepsWatched: watched.size,
      stepsRerun: rerun.size,
      stepsDisturbed: disturbed.size,
    },
  };
}

async function mountsUnder(dir: string, fs: RunFileSystem): Promise<string[]> {
  let mountinfo = "";
  try {
    mountinfo = await fs.readTextFile("/proc/self/mountinfo");
  } catch {
    return [];
  }
  return mountinfo.split("\n").map((l) => l.split(" ")[4]).filter((p) =>
    p !== undefined && (p === dir || p.startsWith(dir + "/"))
  ).sort((a, b) => b.length - a.length);
}

/**
 * Removes a run's work directory, first detaching any mount left under it (a killed earlier
 * session may have left bundle overlays there). Never removes through a mount that is still
 * attached: returns the mount points it could not detach, and then keeps the directory.
 */
export async function removeWorkDir(dir: string, effects: RunEffects): Promise<string[]> {
  for (const point of await mountsUnder(dir, effects.fs)) {
    await effects.process.run(["umount", "-l", point], { timeoutMs: 30_000 }).catch(() => {});
  }
  const still = await mountsUnder(dir, effects.fs);
  if (still.length === 0) await effects.fs.remove(dir).catch(() => {});
  return still;
}

/**
 * Makes a fresh work directory `dir` (removing what an earlier session left there); raises an
 * Error when mounts under it cannot be detached.
 */
export async function makeWorkDir(dir: string, effects: RunEffects): Promise<void> {
  const stuck = await removeWorkDir(dir, effects);
  if (stuck.length > 0) {
    throw new Error(`Cannot reuse ${dir}: mounts still attached under it: ${stuck.join(", ")}`);
  }
  await effects.fs.mkdir(dir);
}
