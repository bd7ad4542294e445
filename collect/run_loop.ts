/**
 * The run loop of `collect`: detects the runtimes, asks the scheduler (scheduler.ts) for steps
 * and runs each with the step runner (step_runner.ts) — a failing step is recorded and the run
 * goes on — while the session (run_session.ts) appends every value to the samples log as it is
 * measured, continues a partial run on `--resume` without redoing finished steps and writes the
 * result set. An abort signal (Ctrl-C) stops the step in progress and ends the run as
 * `interrupted`, keeping every finished sample; cleanup goes through the adapters, then leftovers
 * are looked for. Where the files go: model/run_layout.ts.
 *
 * @module
 */
import type { HostInfo, ResultSet, RunStatus } from "../model/result_set.ts";
import { runLayout } from "../model/run_layout.ts";
import type { AdapterContext, BenchmarkDefinition, ImagePaths, RuntimeAdapter } from "./types.ts";
import { planPairs, type PlanStep, stepKey } from "./plan.ts";
import type { RunRecordOptions } from "./samples_log.ts";
import { Progress } from "./progress.ts";
import { gatherHostInfo } from "./host_info.ts";
import { REAL_RUN_EFFECTS, type RunEffects } from "./run_effects.ts";
import {
  makeWorkDir,
  namePrefixOf,
  removeWorkDir,
  RunSession,
  type RuntimeState,
} from "./run_session.ts";
import {
  addStepResult,
  afterSchedule,
  type Cell,
  cellKey,
  type CellStop,
  type CellTally,
  initialMeasured,
  type Measured,
  type SchedulePlan,
  type SchedulingPolicy,
} from "./scheduler.ts";
import { policyOf } from "./policy_of.ts";
import { budgetDesignOf } from "./budget_policy.ts";
import { declaredNotComparableCells } from "./mark_not_comparable.ts";
import { StepWatch } from "./watched_step.ts";
import { defaultHostLockPath } from "./run_lock.ts";

export { newRunId } from "../model/run_layout.ts";
export { namePrefixOf, readRunRecord } from "./run_session.ts";
export { DEFAULT_STEP_TIMEOUT_MS, STEP_ABORT_GRACE_MS } from "./step_runner.ts";

/** Options of {@link runCollection}. */
export interface RunCollectionOptions {
  runId: string;
  /** Results directory; the run's files go where model/run_layout.ts says. */
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
  /** The host's collection lock; default `defaultHostLockPath()` of collect/run_lock.ts. */
  hostLockPath?: string;
  /** Files, clock and processes; default the real ones. */
  effects?: RunEffects;
  /** Decides the steps; default the record's (fixed rounds, `--target-ci` or `--budget`). */
  policy?: SchedulingPolicy;
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

/**
 * Runs (or resumes) one collection and writes its result set. Never throws for a failing step or
 * runtime: those become failures in the result. Throws only when the run cannot be recorded at
 * all (results directory not writable, a corrupt samples log), another session holds the run
 * (RunLockedError, naming its pid) or another collection runs on this host (HostLockedError,
 * naming its run and pid).
 */
export async function runCollection(options: RunCollectionOptions): Promise<CollectionOutcome> {
  const { record, runId } = options;
  const effects = options.effects ?? REAL_RUN_EFFECTS;
  const layout = runLayout(options.outDir, runId);
  const signal = options.signal ?? new AbortController().signal;
  const startedMs = effects.clock.now();
  const progress = new Progress({ total: 0, now: () => effects.clock.now(), ...options.progress });
  const namePrefix = namePrefixOf(runId);
  let session: RunSession;
  try {
    session = await RunSession.open({
      layout,
      record,
      resume: options.resume,
      hostLockPath: options.hostLockPath ?? defaultHostLockPath(),
      effects,
      log: (m) => progress.log(m),
    });
  } catch (error) {
    progress.close();
    throw error;
  }
  try {
    // One warm timer spawns every measured command of the collection (collect/timer_server.ts).
    const closeTimer = await effects.openStepTimer();
    try {
      return await collectInSession(session, options, {
        effects,
        signal,
        progress,
        namePrefix,
        startedMs,
      });
    } finally {
      await closeTimer();
    }
  } finally {
    await session.close();
  }
}

/** The run inside an open session: runtimes up, the schedule run, cleanup, the result written. */
async function collectInSession(
  session: RunSession,
  options: RunCollectionOptions,
  run: {
    effects: RunEffects;
    signal: AbortSignal;
    progress: Progress;
    namePrefix: string;
    /** When this session started, by `effects.clock` (a budget counts from there). */
    startedMs: number;
  },
): Promise<CollectionOutcome> {
  const { record } = options;
  const { effects, signal, progress, namePrefix } = run;
  const skippedRuntimes: { runtime: string; reason: string }[] = [];
  const host = options.host ?? await gatherHostInfo({ effects: effects.process });
  const workDir = `${options.tempDir ?? "/tmp"}/${namePrefix}-work`;
  try {
    await makeWorkDir(workDir, effects);
  } catch (error) {
    session.closeLog();
    progress.close();
    throw error;
  }
  const ctx: AdapterContext = {
    image: options.image,
    workDir,
    namePrefix,
    log: (message) => progress.log(message),
  };

  const runtimes = new Map<string, RuntimeState>();
  let interrupted = false;
  try {
    await detectRuntimes(options.runtimes, runtimes, {
      ctx,
      signal,
      progress,
      explicit: record.explicitRuntimes,
      skipped: skippedRuntimes,
    });
    const plan = planOf(options.benchmarks, runtimes, record, (note) => {
      session.notes.push(note);
      progress.log(`skipped ${note}`, true);
    });
    const ended = await runSchedule(session, plan, {
      policy: options.policy ?? policyOf(
        record,
        options.benchmarks.flatMap((b) => b.metrics),
        declaredNotComparableCells(
          [...runtimes.values()].map((r) => r.adapter),
          options.benchmarks.map((b) => b.info.id),
        ),
      ),
      benchmarks: options.benchmarks,
      runtimes,
      record,
      ctx,
      cores: host.cores,
      ...run,
    });
    interrupted = ended === "interrupted" || signal.aborted;
  } finally {
    // Cleanup runs whatever happened: every prepared adapter, then our work directory.
    for (const state of runtimes.values()) {
      if (!state.prepared && !state.detection?.usable) continue;
      try {
        await state.adapter.cleanup(ctx);
      } catch (error) {
        const note = `cleanup of ${state.adapter.id} failed: ${(error as Error).message}`;
        session.notes.push(note);
        progress.log(note);
      }
    }
    const stuck = await removeWorkDir(workDir, effects);
    if (stuck.length > 0) {
      session.notes.push(`mounts still attached under ${workDir}: ${stuck.join(", ")}`);
    }
    session.closeLog();
    progress.close();
  }

  const leftovers = options.findLeftovers ? await options.findLeftovers(namePrefix) : [];
  if (leftovers.length > 0) {
    const note = `left behind after cleanup: ${leftovers.join(", ")}`;
    session.notes.push(note);
    progress.log(`warning: ${note}`, true);
  }
  for (const s of skippedRuntimes) session.notes.push(`skipped runtime ${s.runtime}: ${s.reason}`);

  const status: RunStatus = interrupted
    ? "interrupted"
    : session.samples.length === 0 && session.failures.length > 0
    ? "failed"
    : "complete";
  const result = session.resultSet({
    status,
    host,
    runtimes: runtimes.values(),
    benchmarks: options.benchmarks,
    image: options.image,
    quick: record.quick,
  });
  await session.writeResult(result);
  progress.finish();
  const noise = result.hostNoise;
  if (noise && noise.stepsRerun > 0) {
    progress.log(
      `host noise: ${noise.stepsRerun} of ${noise.stepsWatched} steps were run again because the ` +
        `host disturbed them; ${noise.stepsDisturbed} kept values are still disturbed`,
      true,
    );
  }
  progress.log(
    `${status}: ${session.samples.length} samples, ${session.failures.length} failures → ${session.layout.result}`,
  );
  return { status, resultPath: session.layout.result, result, skippedRuntimes, leftovers };
}

/**
 * Asks the policy for steps and runs them until it is done or the signal aborts: each step
 * through the step runner, recorded in the session, folded into what the policy sees next.
 */
async function runSchedule(
  session: RunSession,
  plan: SchedulePlan,
  options: {
    policy: SchedulingPolicy;
    benchmarks: readonly BenchmarkDefinition[];
    runtimes: ReadonlyMap<string, RuntimeState>;
    record: RunRecordOptions;
    ctx: AdapterContext;
    cores: number;
    effects: RunEffects;
    signal: AbortSignal;
    progress: Progress;
    startedMs: number;
  },
): Promise<"done" | "interrupted"> {
  const { policy, record, runtimes, ctx, signal, progress } = options;
  const clock = options.effects.clock;
  const benchmarksById = new Map(options.benchmarks.map((b) => [b.info.id, b]));
  const watch = new StepWatch();
  let measured = foldPrevious(initialMeasured(plan), session, record.warmups);
  // A resumed run's clock goes on from the time its earlier sessions spent in steps.
  const earlierMs = measured.elapsedMs;
  const clockMs = () => earlierMs + clock.now() - options.startedMs;
  progress.addDone(session.previous?.finished.size ?? 0);
  for (;;) {
    const schedule = policy.next(plan, { ...measured, clockMs: clockMs() });
    for (const { cell, stop } of schedule.stops) {
      reportStop(cell, stop, record.adaptive?.targetCiPercent, progress, session.notes);
    }
    progress.setTotal(schedule.plannedSteps);
    progress.setStatus(schedule.status);
    measured = afterSchedule(measured, schedule);
    if (schedule.done) {
      if (record.budget) session.budget = budgetDesignOf(record.budget, measured, schedule);
      if (schedule.endReason) {
        session.notes.push(`stopped: ${schedule.endReason}`);
        progress.log(`stopped: ${schedule.endReason}`, true);
      }
      return "done";
    }
    // An interrupted budgeted run keeps the verdicts its looks decided so far.
    if (record.budget) session.budget = budgetDesignOf(record.budget, measured, undefined);
    for (const [i, step] of schedule.steps.entries()) {
      if (signal.aborted) return "interrupted";
      const deadline = schedule.deadline;
      // The policy checked the first step against the time left; the others are checked here.
      if (
        i > 0 && deadline && clockMs() + (deadline.expectedMs[cellKey(step)] ?? 0) > deadline.atMs
      ) {
        break;
      }
      const state = runtimes.get(step.runtime)!;
      progress.stepStarted(step);
      const outcome = await watch.run(step, {
        benchmark: benchmarksById.get(step.benchmark)!,
        runtime: state.adapter,
        ctx,
        ...(state.brokenReason
          ? { unusable: { reason: state.brokenReason, detail: state.detection?.reason ?? "" } }
          : {}),
        quick: record.quick,
        cores: options.cores,
        timeoutMs: record.stepTimeoutMs,
        signal,
        clock: options.effects.clock,
        procfs: options.effects.procfs,
        onRerun: (why) =>
          progress.log(`${stepKey(step)}: the host disturbed it (${why}), run again`),
        onGiveUp: (cell, why) =>
          progress.log(
            `${cell}: its re-run was disturbed too (${why}); its disturbed steps are kept ` +
              "without a re-run from now on",
            true,
          ),
      });
      if (outcome.status === "interrupted") {
        progress.stepFinished(step, "skipped", "interrupted");
        return "interrupted";
      }
      await session.recordStep(step, outcome);
      measured = addStepResult(measured, {
        step,
        wallMs: outcome.wallMs,
        ...(outcome.status === "ok" ? { values: outcome.samples } : {}),
      });
      progress.stepFinished(
        step,
        outcome.status,
        outcome.status === "failed" ? outcome.failure.message : undefined,
      );
    }
  }
}

/**
 * Detection: a runtime asked for by name that is unusable fails every step; one found by
 * discovery is skipped by name with the reason. A usable one is prepared.
 */
async function detectRuntimes(
  adapters: readonly RuntimeAdapter[],
  into: Map<string, RuntimeState>,
  options: {
    ctx: AdapterContext;
    signal: AbortSignal;
    progress: Progress;
    explicit: boolean;
    skipped: { runtime: string; reason: string }[];
  },
): Promise<void> {
  const { ctx, progress } = options;
  for (const adapter of adapters) {
    if (options.signal.aborted) break;
    const state: RuntimeState = { adapter, prepared: false };
    into.set(adapter.id, state);
    try {
      state.detection = await adapter.detect(ctx);
    } catch (error) {
      state.detection = { usable: false, reason: `detect failed: ${(error as Error).message}` };
    }
    if (!state.detection.usable) {
      const reason = state.detection.reason ?? "unusable";
      const fix = state.detection.fix ? ` (fix: ${state.detection.fix})` : "";
      if (options.explicit) {
        state.brokenReason = `${adapter.id} is unusable: ${reason}${fix}`;
        progress.log(
          `runtime ${adapter.id} unusable, its steps are recorded as failures: ${reason}`,
        );
      } else {
        options.skipped.push({ runtime: adapter.id, reason: reason + fix });
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
}

/** The cells of the run: every active runtime × benchmark, less what a benchmark cannot run on. */
function planOf(
  benchmarks: readonly BenchmarkDefinition[],
  runtimes: ReadonlyMap<string, RuntimeState>,
  record: RunRecordOptions,
  skip: (note: string) => void,
): SchedulePlan {
  const active = [...runtimes.values()].filter((r) => r.detection?.usable || r.brokenReason);
  const byId = new Map(benchmarks.map((b) => [b.info.id, b]));
  const cells: Cell[] = [];
  for (const pair of planPairs(active.map((r) => r.adapter.id), [...byId.keys()])) {
    const why = byId.get(pair.benchmark)!.unsupported?.(runtimes.get(pair.runtime)!.adapter);
    if (why) skip(`${pair.benchmark} not run under ${pair.runtime}: ${why}`);
    else cells.push(pair);
  }
  return { cells, warmups: record.warmups, seed: record.seed };
}

/** `measured` with the steps earlier sessions finished folded in, so decisions see them. */
function foldPrevious(measured: Measured, session: RunSession, warmups: number): Measured {
  const previous = session.previous;
  if (!previous) return measured;
  const byStep = new Map<string, { metric: string; value: number }[]>();
  for (const s of previous.samples) {
    const key = stepKey(s);
    byStep.set(key, [...(byStep.get(key) ?? []), s]);
  }
  for (const [key, done] of previous.finished) {
    const [runtime, benchmark, iteration] = key.split("/");
    const step: PlanStep = {
      runtime,
      benchmark,
      iteration: Number(iteration),
      warmup: Number(iteration) < warmups,
    };
    measured = addStepResult(measured, {
      step,
      wallMs: done.wallMs,
      ...(done.status === "ok" ? { values: byStep.get(key) ?? [] } : {}),
    });
  }
  return measured;
}

function reportStop(
  cell: CellTally,
  stop: CellStop,
  target: number | undefined,
  progress: Progress,
  notes: string[],
): void {
  const name = `${cell.runtime}/${cell.benchmark}`;
  if (stop.reason === "decided") {
    progress.log(`${name}: ${stop.detail}`);
    return;
  }
  if (stop.reason === "undecidable" || stop.reason === "not-comparable") {
    const note = stop.reason === "undecidable"
      ? `${name}: cannot be decided: ${stop.detail}`
      : `${name}: not comparable, measured once to show: ${stop.detail}`;
    notes.push(note);
    progress.log(note, true);
    return;
  }
  if (stop.reason === "converged") {
    progress.log(`${name}: 95 % CI within ±${target} % after ${cell.measuredRuns} runs`);
    return;
  }
  const worst = "worstCiPercent" in stop && Number.isFinite(stop.worstCiPercent)
    ? `±${stop.worstCiPercent.toFixed(1)} % (${stop.worstMetric})`
    : "unknown";
  const why = stop.reason === "failing"
    ? `stopped after ${cell.failures} failed runs`
    : `reached --${stop.reason} after ${cell.measuredRuns} runs with the 95 % CI at ${worst}, ` +
      `above the ±${target} % target`;
  const note = `${name}: ${why}`;
  notes.push(note);
  progress.log(note, true);
}
