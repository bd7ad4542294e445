/**
 * Runs one step of a collection: one repetition of one benchmark under one runtime, with a
 * timeout, and turns what the benchmark measured into samples (the one place that does) or into
 * a failure. A failing step never throws: it becomes a failure in the result.
 *
 * @module
 */
import type { Failure, Sample } from "../model/result_set.ts";
import type {
  AdapterContext,
  BenchmarkDefinition,
  MeasuredValue,
  RuntimeAdapter,
} from "./types.ts";
import type { PlanStep } from "./plan.ts";
import type { Clock } from "./run_effects.ts";
import { StepFailedError, tailLines } from "./errors.ts";
import { formatDuration } from "./progress.ts";

/** Default timeout of one step, in milliseconds. */
export const DEFAULT_STEP_TIMEOUT_MS = 15 * 60_000;
/** Extra time a benchmark gets past the step timeout to stop what it started, in milliseconds. */
export const STEP_ABORT_GRACE_MS = 15_000;

/** Options of {@link runStep}. */
export interface RunStepOptions {
  benchmark: BenchmarkDefinition;
  runtime: RuntimeAdapter;
  ctx: AdapterContext;
  /**
   * Set when the runtime is unusable although asked for by name: the step fails without running,
   * with `reason` as its message and `detail` as its stderr tail.
   */
  unusable?: { reason: string; detail: string };
  quick: boolean;
  /** Logical CPUs of the host. */
  cores: number;
  /** The step's timeout; the benchmark gets {@link STEP_ABORT_GRACE_MS} more to stop. */
  timeoutMs: number;
  /** Aborts the step (Ctrl-C): it ends as `interrupted`, not as a failure. */
  signal: AbortSignal;
  clock: Clock;
}

/** How a step ended. */
export type StepOutcome =
  | { status: "ok"; samples: Sample[]; wallMs: number; finishedAt: string }
  | { status: "failed"; failure: Failure; wallMs: number; finishedAt: string }
  | { status: "interrupted" };

/**
 * Checks what a benchmark returned: at least one value, each of a metric it declares, each finite.
 * Raises a TypeError naming the benchmark otherwise.
 */
export function checkValues(values: MeasuredValue[], benchmark: BenchmarkDefinition): void {
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

/**
 * The samples of one step from the values its benchmark measured (checked by
 * {@link checkValues}): unit and direction from the metric's declaration, iteration and warm-up
 * flag from the step.
 */
export function samplesOf(
  step: PlanStep,
  measured: {
    values: readonly MeasuredValue[];
    benchmark: BenchmarkDefinition;
    startedAt: string;
    finishedAt: string;
  },
): Sample[] {
  const metrics = new Map(measured.benchmark.metrics.map((m) => [m.id, m]));
  return measured.values.map((v) => {
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
      startedAt: measured.startedAt,
      finishedAt: measured.finishedAt,
    };
    if (v.topology) sample.topology = v.topology;
    if (v.notes) sample.notes = v.notes;
    return sample;
  });
}

/** Runs one step (see the module doc). */
export async function runStep(step: PlanStep, options: RunStepOptions): Promise<StepOutcome> {
  const { benchmark, clock, signal } = options;
  const startedAt = clock.date().toISOString();
  const t0 = clock.now();
  const failure = (message: string, error?: unknown): Failure => ({
    runtime: step.runtime,
    benchmark: step.benchmark,
    message,
    exitCode: error instanceof StepFailedError ? error.exitCode : null,
    stderrTail: error instanceof StepFailedError ? error.stderrTail : "",
    iteration: step.iteration,
    at: startedAt,
  });
  const ended = () => ({ wallMs: clock.now() - t0, finishedAt: clock.date().toISOString() });

  if (options.unusable) {
    const { reason, detail } = options.unusable;
    return {
      status: "failed",
      failure: { ...failure(reason), stderrTail: tailLines(detail, 20) },
      ...ended(),
    };
  }
  const timeout = new AbortController();
  const cancelTimeout = clock.timer(
    options.timeoutMs,
    () => timeout.abort(new Error("step timeout")),
  );
  let cancelHardTimeout = () => {};
  const hardTimeout = new Promise<never>((_, reject) => {
    cancelHardTimeout = clock.timer(
      options.timeoutMs + STEP_ABORT_GRACE_MS,
      () => reject(new Error("the benchmark did not stop after its timeout")),
    );
  });
  try {
    const values = await Promise.race([
      benchmark.measure({
        runtime: options.runtime,
        adapter: options.ctx,
        quick: options.quick,
        cores: options.cores,
        signal: AbortSignal.any([signal, timeout.signal]),
      }),
      hardTimeout,
    ]);
    checkValues(values, benchmark);
    const end = ended();
    return {
      status: "ok",
      samples: samplesOf(step, { values, benchmark, startedAt, finishedAt: end.finishedAt }),
      ...end,
    };
  } catch (error) {
    if (signal.aborted) return { status: "interrupted" };
    const message = (error as Error).message;
    return {
      status: "failed",
      failure: failure(
        timeout.signal.aborted
          ? `timed out after ${formatDuration(options.timeoutMs)}: ${message}`
          : message,
        error,
      ),
      ...ended(),
    };
  } finally {
    cancelTimeout();
    cancelHardTimeout();
  }
}
