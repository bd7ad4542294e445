/**
 * Runs a scheduling policy on simulated steps exactly as the run loop does (the clock given to
 * the policy, schedules folded in, a schedule's deadline honoured), without any runtime: for
 * tests of a policy's statistics and for the bench's comparisons of policies.
 *
 * @module
 */
import type { PlanStep } from "./plan.ts";
import {
  addStepResult,
  afterSchedule,
  cellKey,
  initialMeasured,
  type Measured,
  type Schedule,
  type SchedulePlan,
  type SchedulingPolicy,
} from "./scheduler.ts";

/** What one simulated step gave. */
export interface SimulatedStep {
  /** Its wall time, in milliseconds. */
  wallMs: number;
  /** Its values; undefined when it failed. */
  values?: readonly { metric: string; value: number }[];
}

/** Options of {@link simulateSchedule}. */
export interface SimulateScheduleOptions {
  /** Runs one step. */
  step: (step: PlanStep) => SimulatedStep;
  /** Time between steps that no step accounts for (harness, cleanup), in ms; default 0. */
  gapMs?: number;
  /** Give up after this many schedules (a policy that never ends); default 100,000. */
  maxSchedules?: number;
}

/** The end of a simulated run. */
export interface SimulatedRun {
  /** Every schedule the policy handed out, the last one `done`. */
  schedules: Schedule[];
  measured: Measured;
  /** The run's clock at the end, in ms. */
  clockMs: number;
  /** Steps run. */
  steps: number;
}

/**
 * Drives `policy` over `plan` to its end with simulated steps (see the module doc). Throws when
 * the policy does not end within `maxSchedules`.
 */
export function simulateSchedule(
  policy: SchedulingPolicy,
  plan: SchedulePlan,
  options: SimulateScheduleOptions,
): SimulatedRun {
  const gapMs = options.gapMs ?? 0;
  let measured = initialMeasured(plan);
  let clockMs = 0;
  let steps = 0;
  const schedules: Schedule[] = [];
  for (let n = 0; n < (options.maxSchedules ?? 100_000); n++) {
    const schedule = policy.next(plan, { ...measured, clockMs });
    schedules.push(schedule);
    measured = afterSchedule(measured, schedule);
    if (schedule.done) return { schedules, measured: { ...measured, clockMs }, clockMs, steps };
    for (const [i, step] of schedule.steps.entries()) {
      const d = schedule.deadline;
      if (i > 0 && d && clockMs + (d.expectedMs[cellKey(step)] ?? 0) > d.atMs) break;
      const result = options.step(step);
      clockMs += result.wallMs + gapMs;
      steps++;
      measured = addStepResult(measured, {
        step,
        wallMs: result.wallMs,
        ...(result.values ? { values: result.values } : {}),
      });
    }
  }
  throw new Error(`the policy did not end within ${options.maxSchedules ?? 100_000} schedules`);
}
