/**
 * A step run with the host's load read just before and just after it (collect/host_noise.ts):
 * the reading goes into every sample of the step, and a step the host disturbed is run once more.
 * The re-run's values are the ones kept, marked with why the first run was disturbed; if the
 * re-run is disturbed too, its values are kept and marked disturbed, never dropped.
 *
 * A cell (runtime × benchmark) whose re-run was disturbed too is not re-run again in the same
 * collection ({@link StepWatch}): its disturbance comes with the work itself (e.g. this VM's
 * hypervisor steals CPU while it serves direct disk I/O), and a second run would only spend time.
 * Its later disturbed steps are kept at once, marked disturbed.
 *
 * @module
 */
import type { HostNoise } from "../model/result_set.ts";
import type { PlanStep } from "./plan.ts";
import { disturbanceOf, hostNoiseOf, type ProcFs, readHostLoad } from "./host_noise.ts";
import { runStep, type RunStepOptions, type StepOutcome } from "./step_runner.ts";

/** Options of {@link runWatchedStep}. */
export interface RunWatchedStepOptions extends RunStepOptions {
  procfs: ProcFs;
  /** Told when a step is run again because the host disturbed it, with why. */
  onRerun?: (reason: string) => void;
  /** Whether a disturbed step may be run again (default true). */
  rerun?: boolean;
  /** The steal, in percent, the benchmark's own work causes so far (host_noise.ts); default 0. */
  ownSteal?: () => number;
  /** Told the noise of every run of the step (a re-run's first run too). */
  onNoise?: (noise: HostNoise) => void;
}

interface Attempt {
  outcome: StepOutcome;
  noise?: HostNoise;
  disturbed?: string;
}

async function attempt(step: PlanStep, options: RunWatchedStepOptions): Promise<Attempt> {
  const before = await readHostLoad(options.procfs);
  const outcome = await runStep(step, options);
  if (outcome.status === "interrupted" || before === undefined) return { outcome };
  const after = await readHostLoad(options.procfs);
  if (after === undefined) return { outcome };
  const noise = hostNoiseOf(before, after);
  // Judged against the earlier runs only, then added to them.
  const disturbed = disturbanceOf(noise, options.cores, options.ownSteal?.() ?? 0);
  options.onNoise?.(noise);
  return { outcome, noise, disturbed };
}

function withNoise<T extends StepOutcome>(outcome: T, noise: HostNoise | undefined): T {
  if (outcome.status !== "ok" || noise === undefined) return outcome;
  return { ...outcome, samples: outcome.samples.map((s) => ({ ...s, hostNoise: noise })) };
}

/** Runs a step watching the host's load (see the module doc). */
export async function runWatchedStep(
  step: PlanStep,
  options: RunWatchedStepOptions,
): Promise<StepOutcome> {
  const first = await attempt(step, options);
  // A failed step is recorded as it failed: running it again would hide a failure.
  if (first.outcome.status !== "ok" || first.disturbed === undefined) {
    return withNoise(first.outcome, first.noise);
  }
  if (options.rerun === false) {
    return withNoise(first.outcome, first.noise && { ...first.noise, disturbed: first.disturbed });
  }
  options.onRerun?.(first.disturbed);
  const second = await attempt(step, options);
  const outcome = second.outcome;
  if (outcome.status === "interrupted") return outcome;
  const noise: HostNoise | undefined = second.noise && {
    ...second.noise,
    ...(second.disturbed ? { disturbed: second.disturbed } : {}),
    rerunAfter: first.disturbed,
  };
  // The step's cost is both runs: a scheduler spending a time budget must see it.
  return { ...withNoise(outcome, noise), wallMs: first.outcome.wallMs + outcome.wallMs };
}

/** Options of {@link StepWatch.run}: those of {@link runWatchedStep} but `rerun`. */
export type StepWatchOptions = Omit<RunWatchedStepOptions, "rerun" | "ownSteal" | "onNoise"> & {
  /** Told when a cell's re-run was disturbed too, so its steps are no longer re-run. */
  onGiveUp?: (cell: string, reason: string) => void;
};

/**
 * Watches the steps of one collection, remembering the cells not to re-run and the steal each
 * benchmark's own work causes (the median of its earlier runs, any runtime: see host_noise.ts).
 */
export class StepWatch {
  #noRerun = new Set<string>();
  #steal = new Map<string, number[]>();

  /** The median steal of the benchmark's runs so far, in percent; 0 before any. */
  ownSteal(benchmark: string): number {
    const seen = [...(this.#steal.get(benchmark) ?? [])].sort((a, b) => a - b);
    if (seen.length === 0) return 0;
    const mid = seen.length >> 1;
    return seen.length % 2 === 1 ? seen[mid] : (seen[mid - 1] + seen[mid]) / 2;
  }

  /** Runs a step with {@link runWatchedStep}, re-running it only when its cell may be. */
  async run(step: PlanStep, options: StepWatchOptions): Promise<StepOutcome> {
    const cell = `${step.runtime}/${step.benchmark}`;
    const outcome = await runWatchedStep(step, {
      ...options,
      rerun: !this.#noRerun.has(cell),
      ownSteal: () => this.ownSteal(step.benchmark),
      onNoise: (noise) => {
        const list = this.#steal.get(step.benchmark) ?? [];
        list.push(noise.stealPercent);
        this.#steal.set(step.benchmark, list);
      },
    });
    const noise = outcome.status === "ok" ? outcome.samples[0]?.hostNoise : undefined;
    if (noise?.rerunAfter && noise.disturbed) {
      this.#noRerun.add(cell);
      options.onGiveUp?.(cell, noise.disturbed);
    }
    return outcome;
  }
}
