/**
 * The run loop of `collect`: detects the runtimes, runs the plan step by step (each step with a
 * timeout; a failing step is recorded and the run goes on), appends every value to
 * `results/<run-id>/samples.jsonl` as it is measured, continues a partial run on `--resume`
 * without redoing finished steps, stops cleanly on an abort signal (Ctrl-C) keeping every finished
 * sample, cleans up through the adapters, checks for leftovers and writes the result set to
 * `results/<run-id>.json`.
 *
 * Layout of a run under `outDir` (default `results/`):
 * - `<run-id>/samples.jsonl` — the samples log (see samples_log.ts);
 * - `<run-id>.json` — the result set, written at the end of every session (complete,
 *   interrupted or failed), validated against the schema.
 *
 * @module
 */
import type {
  Failure,
  HostInfo,
  MetricInfo,
  ResultSet,
  RunStatus,
  RuntimeInfo,
  Sample,
} from "../model/result_set.ts";
import { SCHEMA_VERSION } from "../model/result_set.ts";
import { writeResultSet } from "../model/write_result_set.ts";
import type {
  AdapterContext,
  BenchmarkDefinition,
  Detection,
  ImagePaths,
  MeasuredValue,
  RuntimeAdapter,
} from "./types.ts";
import { StepFailedError, tailLines } from "./errors.ts";
import { buildRound, planPairs, type PlanStep, stepKey } from "./plan.ts";
import {
  type LogRecord,
  readSamplesLog,
  type RunRecordOptions,
  SamplesLog,
  type SamplesLogContent,
} from "./samples_log.ts";
import { type AdaptiveDecision, decideAdaptive, MIN_ADAPTIVE_RUNS } from "./adaptive.ts";
import { formatDuration, Progress } from "./progress.ts";
import { gatherHostInfo } from "./host_info.ts";
import { REAL_PROCESS_EFFECTS } from "./process.ts";
import { imagePackageVersions, withToolVersion } from "./tool_versions.ts";

/** Default timeout of one step, in milliseconds. */
export const DEFAULT_STEP_TIMEOUT_MS = 15 * 60_000;
/** Extra time a benchmark gets past the step timeout to stop what it started, in milliseconds. */
export const STEP_ABORT_GRACE_MS = 15_000;

/** Options of {@link runCollection}. */
export interface RunCollectionOptions {
  runId: string;
  /** Results directory; the run writes `<outDir>/<runId>/samples.jsonl` and `<outDir>/<runId>.json`. */
  outDir: string;
  /** Continue the run `runId` from its samples log instead of starting it. */
  resume: boolean;
  /** The adapters of `record.runtimes`, in that order. */
  runtimes: RuntimeAdapter[];
  /** The definitions of `record.benchmarks`, in that order. */
  benchmarks: BenchmarkDefinition[];
  /** What the run does; stored in the log's first line, so a resumed run does the same. */
  record: RunRecordOptions;
  /** The benchmark image. */
  image: ImagePaths;
  /** Aborting stops the step in progress (its containers are stopped) and ends the run as `interrupted`. */
  signal?: AbortSignal;
  /** Progress display options; default a live line on a terminal, plain lines otherwise. */
  progress?: { live?: boolean; write?: (text: string) => void };
  /** Lists what of ours is left (containers, netns, mounts, temp dirs) under a name prefix. */
  findLeftovers?: (prefix: string) => Promise<string[]>;
  /** The host facts; gathered when absent. */
  host?: HostInfo;
  /** Directory for the run's private work directory; default the system temp directory. */
  tempDir?: string;
}

/** What a session of {@link runCollection} ended with. */
export interface CollectionOutcome {
  status: RunStatus;
  /** Where the result set was written. */
  resultPath: string;
  result: ResultSet;
  /** Runtimes not measured (unusable and not asked for by name), with the reason. */
  skippedRuntimes: { runtime: string; reason: string }[];
  /** What was left behind after cleanup (empty when clean). */
  leftovers: string[];
}

/** The name prefix of everything a run creates: `ocibench-` and the last 6 characters of its id. */
export function namePrefixOf(runId: string): string {
  return `ocibench-${runId.replace(/[^a-z0-9]/g, "").slice(-6)}`;
}

/** The paths of a run under `outDir`. */
export function runPaths(
  outDir: string,
  runId: string,
): { dir: string; log: string; result: string } {
  return {
    dir: `${outDir}/${runId}`,
    log: `${outDir}/${runId}/samples.jsonl`,
    result: `${outDir}/${runId}.json`,
  };
}

/** A new run id: UTC date and time and 6 random hex digits, e.g. `20261127-075501-3f9a0c`. */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
  const random = crypto.getRandomValues(new Uint8Array(3));
  return `${stamp}-${[...random].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Reads the options a run was started with, from its samples log (for `--resume`). */
export async function readRunRecord(outDir: string, runId: string): Promise<RunRecordOptions> {
  const { log } = runPaths(outDir, runId);
  let content: SamplesLogContent;
  try {
    content = await readSamplesLog(log);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`Cannot resume run "${runId}": no samples log at ${log}`);
    }
    throw error;
  }
  if (!content.run) throw new Error(`Cannot resume run "${runId}": ${log} has no "run" record`);
  return content.run.options;
}

interface RuntimeState {
  adapter: RuntimeAdapter;
  detection?: Detection;
  /** Why every step of this runtime fails without running (asked for by name but unusable). */
  brokenReason?: string;
  prepared: boolean;
}

interface PairState {
  runtime: string;
  benchmark: string;
  measuredRuns: number;
  failures: number;
  elapsedMs: number;
  values: Map<string, number[]>;
  stopped?: AdaptiveDecision | { more: false; reason: "failing" };
}

function mountsUnder(dir: string): string[] {
  let mountinfo = "";
  try {
    mountinfo = Deno.readTextFileSync("/proc/self/mountinfo");
  } catch {
    return [];
  }
  return mountinfo.split("\n").map((l) => l.split(" ")[4]).filter((p) =>
    p !== undefined && (p === dir || p.startsWith(dir + "/"))
  ).sort((a, b) => b.length - a.length);
}

/**
 * Removes our work directory, first detaching any mount left under it (a killed earlier session
 * may have left bundle overlays there). Never removes through a mount that is still attached:
 * returns the mount points it could not detach, and then keeps the directory.
 */
async function removeWorkDir(dir: string): Promise<string[]> {
  for (const point of mountsUnder(dir)) {
    await REAL_PROCESS_EFFECTS.run(["umount", "-l", point], { timeoutMs: 30_000 }).catch(() => {});
  }
  const still = mountsUnder(dir);
  if (still.length === 0) await Deno.remove(dir, { recursive: true }).catch(() => {});
  return still;
}

/**
 * Runs (or resumes) one collection and writes its result set. Never throws for a failing step or
 * runtime: those become failures in the result. Throws only when the run cannot be recorded at
 * all (results directory not writable, a corrupt samples log).
 */
export async function runCollection(options: RunCollectionOptions): Promise<CollectionOutcome> {
  const { record, runId } = options;
  const paths = runPaths(options.outDir, runId);
  const signal = options.signal ?? new AbortController().signal;
  const progress = new Progress({ total: 0, ...options.progress });
  const namePrefix = namePrefixOf(runId);

  // The samples log: new, or continued after its last complete line.
  let previous: SamplesLogContent | undefined;
  let log: SamplesLog;
  let startedAt: string;
  if (options.resume) {
    previous = await readSamplesLog(paths.log);
    if (!previous.run) throw new Error(`Cannot resume: ${paths.log} has no "run" record`);
    startedAt = previous.run.startedAt;
    log = await SamplesLog.resume(paths.log, previous.validBytes);
    const dropped = previous.droppedSamples
      ? `; ${previous.droppedSamples} samples of unfinished steps dropped, those steps run again`
      : "";
    progress.log(
      `resuming ${runId}: ${previous.finished.size} steps already done` +
        `${previous.tornLastLine ? "; a torn last line was cut off" : ""}${dropped}`,
    );
  } else {
    await Deno.mkdir(paths.dir, { recursive: true });
    startedAt = new Date().toISOString();
    log = await SamplesLog.create(paths.log);
    await log.append({ type: "run", runId, startedAt, options: record });
  }

  const samples: Sample[] = [...(previous?.samples ?? [])];
  const failures: Failure[] = [...(previous?.failures ?? [])];
  const finished = new Map(previous?.finished ?? []);
  const notes: string[] = [];
  const skippedRuntimes: { runtime: string; reason: string }[] = [];

  const host = options.host ?? await gatherHostInfo();
  const workDir = `${options.tempDir ?? "/tmp"}/${namePrefix}-work`;
  const stuck = await removeWorkDir(workDir);
  if (stuck.length > 0) {
    throw new Error(`Cannot reuse ${workDir}: mounts still attached under it: ${stuck.join(", ")}`);
  }
  await Deno.mkdir(workDir, { recursive: true });
  const ctx: AdapterContext = {
    image: options.image,
    workDir,
    namePrefix,
    log: (message) => progress.log(message),
  };

  const runtimes = new Map<string, RuntimeState>();
  let interrupted = false;
  try {
    // Detection: a runtime asked for by name that is unusable fails every step; one found by
    // discovery is skipped by name with the reason.
    for (const adapter of options.runtimes) {
      if (signal.aborted) break;
      const state: RuntimeState = { adapter, prepared: false };
      runtimes.set(adapter.id, state);
      try {
        state.detection = await adapter.detect(ctx);
      } catch (error) {
        state.detection = { usable: false, reason: `detect failed: ${(error as Error).message}` };
      }
      if (!state.detection.usable) {
        const reason = state.detection.reason ?? "unusable";
        const fix = state.detection.fix ? ` (fix: ${state.detection.fix})` : "";
        if (record.explicitRuntimes) {
          state.brokenReason = `${adapter.id} is unusable: ${reason}${fix}`;
          progress.log(
            `runtime ${adapter.id} unusable, its steps are recorded as failures: ${reason}`,
          );
        } else {
          skippedRuntimes.push({ runtime: adapter.id, reason: reason + fix });
          progress.runtimeSkipped(adapter.id, reason + fix);
        }
        continue;
      }
      try {
        await adapter.prepare(ctx);
        state.prepared = true;
      } catch (error) {
        state.prepared = true; // cleanup() must still run
        state.brokenReason = `${adapter.id} could not be prepared: ${(error as Error).message}`;
        progress.log(state.brokenReason);
      }
    }

    const activeRuntimes = [...runtimes.values()].filter((r) =>
      r.detection?.usable || r.brokenReason
    );
    const benchmarksById = new Map(options.benchmarks.map((b) => [b.info.id, b]));
    const pairs: { runtime: string; benchmark: string }[] = [];
    for (
      const pair of planPairs(activeRuntimes.map((r) => r.adapter.id), [...benchmarksById.keys()])
    ) {
      const why = benchmarksById.get(pair.benchmark)!.unsupported?.(
        runtimes.get(pair.runtime)!.adapter,
      );
      if (why) {
        const note = `${pair.benchmark} not run under ${pair.runtime}: ${why}`;
        notes.push(note);
        progress.log(`skipped ${note}`, true);
      } else {
        pairs.push(pair);
      }
    }

    const pairStates = new Map<string, PairState>(pairs.map((p) => [
      `${p.runtime}/${p.benchmark}`,
      { ...p, measuredRuns: 0, failures: 0, elapsedMs: 0, values: new Map() },
    ]));
    const account = (step: PlanStep, wallMs: number, values: Sample[] | undefined) => {
      const pair = pairStates.get(`${step.runtime}/${step.benchmark}`);
      if (!pair || step.warmup) return;
      pair.measuredRuns++;
      pair.elapsedMs += wallMs;
      if (!values) pair.failures++;
      for (const s of values ?? []) {
        pair.values.set(s.metric, [...(pair.values.get(s.metric) ?? []), s.value]);
      }
    };
    // Fold in what earlier sessions measured, so adaptive decisions see it.
    if (previous) {
      const byStep = new Map<string, Sample[]>();
      for (const s of previous.samples) {
        const key = stepKey(s);
        byStep.set(key, [...(byStep.get(key) ?? []), s]);
      }
      for (const [key, done] of previous.finished) {
        const [runtime, benchmark, iteration] = key.split("/");
        const warmup = Number(iteration) < record.warmups;
        const step = { runtime, benchmark, iteration: Number(iteration), warmup };
        account(step, done.wallMs, done.status === "ok" ? byStep.get(key) ?? [] : undefined);
      }
    }

    const fixedRounds = record.warmups + (record.repetitions ?? 0);
    const estimateTotal = () => {
      if (!record.adaptive) return pairs.length * fixedRounds;
      let total = pairs.length * record.warmups;
      for (const p of pairStates.values()) {
        total += p.stopped ? p.measuredRuns : Math.max(p.measuredRuns, record.adaptive.maxRuns);
      }
      return total;
    };
    progress.setTotal(estimateTotal());
    const planned = new Set<string>();

    const runStep = async (step: PlanStep): Promise<"done" | "interrupted"> => {
      const key = stepKey(step);
      planned.add(key);
      if (finished.has(key)) return "done";
      const state = runtimes.get(step.runtime)!;
      const benchmark = benchmarksById.get(step.benchmark)!;
      progress.stepStarted(step);
      const stepStartedAt = new Date().toISOString();
      const t0 = performance.now();
      let values: MeasuredValue[] | undefined;
      let failure: Failure | undefined;
      if (state.brokenReason) {
        failure = {
          runtime: step.runtime,
          benchmark: step.benchmark,
          message: state.brokenReason,
          exitCode: null,
          stderrTail: tailLines(state.detection?.reason ?? "", 20),
          iteration: step.iteration,
          at: stepStartedAt,
        };
      } else {
        const timeout = new AbortController();
        const timer = setTimeout(
          () => timeout.abort(new Error("step timeout")),
          record.stepTimeoutMs,
        );
        const stepSignal = AbortSignal.any([signal, timeout.signal]);
        let hardTimer: ReturnType<typeof setTimeout> | undefined;
        try {
          values = await Promise.race([
            benchmark.measure({
              runtime: state.adapter,
              adapter: ctx,
              quick: record.quick,
              cores: host.cores,
              signal: stepSignal,
            }),
            new Promise<never>((_, reject) => {
              hardTimer = setTimeout(
                () => reject(new Error("the benchmark did not stop after its timeout")),
                record.stepTimeoutMs + STEP_ABORT_GRACE_MS,
              );
            }),
          ]);
          checkValues(values, benchmark);
        } catch (error) {
          if (signal.aborted) {
            progress.stepFinished(step, "skipped", "interrupted");
            return "interrupted";
          }
          const timedOut = timeout.signal.aborted;
          const e = error as Error;
          failure = {
            runtime: step.runtime,
            benchmark: step.benchmark,
            message: timedOut
              ? `timed out after ${formatDuration(record.stepTimeoutMs)}: ${e.message}`
              : e.message,
            exitCode: e instanceof StepFailedError ? e.exitCode : null,
            stderrTail: e instanceof StepFailedError ? e.stderrTail : "",
            iteration: step.iteration,
            at: stepStartedAt,
          };
          values = undefined;
        } finally {
          clearTimeout(timer);
          clearTimeout(hardTimer);
        }
      }
      const wallMs = performance.now() - t0;
      const finishedAt = new Date().toISOString();
      const records: LogRecord[] = [];
      let stepSamples: Sample[] | undefined;
      if (values) {
        const metrics = new Map(benchmark.metrics.map((m) => [m.id, m]));
        stepSamples = values.map((v) => {
          const metric = metrics.get(v.metric)!;
          const sample: Sample = {
            kind: "sample",
            runtime: step.runtime,
            benchmark: step.benchmark,
            metric: v.metric,
            unit: metric.unit,
            direction: metric.direction,
            value: v.value,
            iteration: step.iteration,
            warmup: step.warmup,
            startedAt: stepStartedAt,
            finishedAt,
          };
          if (v.topology) sample.topology = v.topology;
          if (v.notes) sample.notes = v.notes;
          return sample;
        });
        for (const sample of stepSamples) records.push({ type: "sample", step: key, sample });
      } else if (failure) {
        records.push({ type: "failure", step: key, failure });
      }
      records.push({
        type: "step",
        step: key,
        status: values ? "ok" : "failed",
        wallMs,
        finishedAt,
      });
      await log.append(...records);
      if (stepSamples) samples.push(...stepSamples);
      if (failure) failures.push(failure);
      finished.set(key, { status: values ? "ok" : "failed", wallMs });
      account(step, wallMs, stepSamples);
      progress.stepFinished(step, values ? "ok" : "failed", failure?.message);
      return "done";
    };

    progress.addDone(previous ? [...previous.finished.keys()].length : 0);
    // Warm-up rounds, then measured rounds: every pair in a fixed plan, or the pairs that have
    // not reached the target in adaptive mode.
    rounds: for (let iteration = 0;; iteration++) {
      const warmup = iteration < record.warmups;
      let roundPairs: { runtime: string; benchmark: string }[];
      if (warmup || !record.adaptive) {
        if (iteration >= fixedRounds && !record.adaptive) break;
        roundPairs = pairs;
      } else {
        roundPairs = [];
        for (const pair of pairStates.values()) {
          if (pair.stopped) continue;
          const decision: PairState["stopped"] = pair.failures >= MIN_ADAPTIVE_RUNS &&
              pair.values.size === 0
            ? { more: false, reason: "failing" }
            : decideAdaptive({
              runs: pair.measuredRuns,
              elapsedS: pair.elapsedMs / 1000,
              valuesByMetric: pair.values,
            }, record.adaptive);
          if (decision.more) {
            roundPairs.push(pair);
          } else {
            pair.stopped = decision;
            reportAdaptiveStop(pair, record.adaptive.targetCiPercent, progress, notes);
          }
        }
        progress.setTotal(estimateTotal());
        if (roundPairs.length === 0) break;
      }
      for (const step of buildRound(roundPairs, { iteration, warmup, seed: record.seed })) {
        if (signal.aborted || (await runStep(step)) === "interrupted") {
          interrupted = true;
          break rounds;
        }
      }
    }
    if (signal.aborted) interrupted = true;
  } finally {
    // Cleanup runs whatever happened: every prepared adapter, then our work directory.
    for (const state of runtimes.values()) {
      if (!state.prepared && !state.detection?.usable) continue;
      try {
        await state.adapter.cleanup(ctx);
      } catch (error) {
        const note = `cleanup of ${state.adapter.id} failed: ${(error as Error).message}`;
        notes.push(note);
        progress.log(note);
      }
    }
    const stuck = await removeWorkDir(workDir);
    if (stuck.length > 0) notes.push(`mounts still attached under ${workDir}: ${stuck.join(", ")}`);
    log.close();
    progress.close();
  }

  const leftovers = options.findLeftovers ? await options.findLeftovers(namePrefix) : [];
  if (leftovers.length > 0) {
    const note = `left behind after cleanup: ${leftovers.join(", ")}`;
    notes.push(note);
    progress.log(`warning: ${note}`, true);
  }
  for (const s of skippedRuntimes) notes.push(`skipped runtime ${s.runtime}: ${s.reason}`);

  const status: RunStatus = interrupted
    ? "interrupted"
    : samples.length === 0 && failures.length > 0
    ? "failed"
    : "complete";
  const result = buildResultSet({
    runId,
    status,
    startedAt,
    host,
    runtimes,
    benchmarks: options.benchmarks,
    image: options.image,
    quick: record.quick,
    samples,
    failures,
    notes,
  });
  await writeResultSet(paths.result, result);
  progress.finish();
  progress.log(
    `${status}: ${samples.length} samples, ${failures.length} failures → ${paths.result}`,
  );
  return { status, resultPath: paths.result, result, skippedRuntimes, leftovers };
}

function reportAdaptiveStop(
  pair: PairState,
  target: number,
  progress: Progress,
  notes: string[],
): void {
  const stop = pair.stopped!;
  const name = `${pair.runtime}/${pair.benchmark}`;
  if (stop.reason === "converged") {
    progress.log(
      `${name}: 95 % CI within ±${target} % after ${pair.measuredRuns} runs`,
    );
    return;
  }
  const worst = "worstCiPercent" in stop && Number.isFinite(stop.worstCiPercent)
    ? `±${stop.worstCiPercent.toFixed(1)} % (${stop.worstMetric})`
    : "unknown";
  const why = stop.reason === "failing"
    ? `stopped after ${pair.failures} failed runs`
    : `reached --${stop.reason} after ${pair.measuredRuns} runs with the 95 % CI at ${worst}, ` +
      `above the ±${target} % target`;
  const note = `${name}: ${why}`;
  notes.push(note);
  progress.log(note, true);
}

function checkValues(values: MeasuredValue[], benchmark: BenchmarkDefinition): void {
  const known = new Set(benchmark.metrics.map((m) => m.id));
  for (const v of values) {
    if (!known.has(v.metric)) {
      throw new TypeError(`${benchmark.info.id} returned an unknown metric "${v.metric}"`);
    }
    if (!Number.isFinite(v.value)) {
      throw new TypeError(`${benchmark.info.id} returned ${v.value} for ${v.metric}`);
    }
  }
  if (values.length === 0) throw new TypeError(`${benchmark.info.id} returned no values`);
}

function buildResultSet(input: {
  runId: string;
  status: RunStatus;
  startedAt: string;
  host: HostInfo;
  runtimes: Map<string, RuntimeState>;
  benchmarks: BenchmarkDefinition[];
  image: ImagePaths;
  quick: boolean;
  samples: Sample[];
  failures: Failure[];
  notes: string[];
}): ResultSet {
  const used = new Set([...input.samples, ...input.failures].map((o) => o.runtime));
  const runtimes: RuntimeInfo[] = [];
  for (const [id, state] of input.runtimes) {
    if (!state.detection?.usable && !used.has(id) && !state.brokenReason) continue;
    const a = state.adapter;
    const info: RuntimeInfo = { id, name: a.name, isolation: a.isolation, historical: false };
    if (a.engine) info.engine = a.engine;
    if (a.lowLevelRuntime) info.lowLevelRuntime = a.lowLevelRuntime;
    if (state.detection?.version) info.version = state.detection.version;
    if (state.detection?.components) info.components = state.detection.components;
    if (state.brokenReason) info.notes = state.brokenReason;
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
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: input.runId,
    title: `ocibench collection ${input.runId}${input.quick ? " (quick)" : ""}`,
    status: input.status,
    startedAt: input.startedAt,
    finishedAt: new Date().toISOString(),
    host: input.host,
    runtimes,
    benchmarks: input.benchmarks.map((b) => ({
      ...withToolVersion(b.info, packages, input.image.hash),
      parameters: { ...b.info.parameters, mode: input.quick ? "quick" : "full" },
    })),
    metrics,
    samples: input.samples,
    failures: input.failures,
    ...(input.notes.length > 0 ? { notes: input.notes.join("\n") } : {}),
  };
}
