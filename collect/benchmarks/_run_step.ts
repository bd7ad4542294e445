/**
 * Running one benchmark command in the runtime under test, shared by the definitions in this
 * folder: no network, the run's abort signal, and a non-zero exit turned into a StepFailedError.
 *
 * @module
 */
import { requireSuccess } from "../errors.ts";
import type { MeasureContext, ProcessResult, StepSpec } from "../types.ts";

/** Options of {@link runBenchmarkStep}. */
export interface RunBenchmarkStepOptions {
  /** Kill the step after this long, in milliseconds. */
  timeoutMs: number;
  /** Extra fields of the step (limits, mounts, env). */
  step?: Partial<Omit<StepSpec, "argv" | "timeoutMs" | "signal">>;
}

/**
 * Runs `argv` inside the runtime of `ctx` and returns its result when it exited with code 0;
 * raises StepFailedError (collect/errors.ts) otherwise.
 */
export async function runBenchmarkStep(
  ctx: MeasureContext,
  argv: string[],
  options: RunBenchmarkStepOptions,
): Promise<ProcessResult> {
  const result = await ctx.runtime.run({
    network: { kind: "none" },
    ...options.step,
    argv,
    timeoutMs: options.timeoutMs,
    signal: ctx.signal,
  }, ctx.adapter);
  return requireSuccess(result, `${argv[0]} under ${ctx.runtime.id}`);
}
