/**
 * The plan of a collection: runtimes × benchmarks × repetitions, warm-up runs first and flagged,
 * and within each round the (runtime, benchmark) pairs in a seeded random order, so that a slow
 * drift of the host (thermal, noisy neighbours) spreads over every runtime instead of favouring
 * the ones measured first.
 *
 * @module
 */
import { createRandom } from "../analyze/random.ts";

/** One step: one repetition of one benchmark under one runtime. */
export interface PlanStep {
  runtime: string;
  benchmark: string;
  /** 0-based index within its (runtime, benchmark), warm-ups included (they come first). */
  iteration: number;
  warmup: boolean;
}

/** Options of {@link buildRound} and {@link buildPlan}. */
export interface PlanOptions {
  runtimes: string[];
  benchmarks: string[];
  /** Measured repetitions per (runtime, benchmark). */
  repetitions: number;
  /** Warm-up runs per (runtime, benchmark), before the measured ones; their samples are flagged. */
  warmups: number;
  /** Seed of the shuffle; the same seed gives the same order. */
  seed: number;
}

/** The key that identifies a step in the samples log: `runtime/benchmark/iteration`. */
export function stepKey(step: Pick<PlanStep, "runtime" | "benchmark" | "iteration">): string {
  return `${step.runtime}/${step.benchmark}/${step.iteration}`;
}

/** A copy of `items` in random order (Fisher–Yates, Durstenfeld's in-place variant). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The steps of round `iteration` for the given (runtime, benchmark) pairs, shuffled with a
 * generator seeded by `seed` and the round number, so any round can be rebuilt on its own (this
 * is what lets `--resume` and adaptive repetitions recompute the same order).
 */
export function buildRound(
  pairs: readonly { runtime: string; benchmark: string }[],
  options: { iteration: number; warmup: boolean; seed: number },
): PlanStep[] {
  const random = createRandom((options.seed ^ Math.imul(options.iteration + 1, 0x9e3779b1)) >>> 0);
  return shuffled(pairs, random).map((p) => ({
    runtime: p.runtime,
    benchmark: p.benchmark,
    iteration: options.iteration,
    warmup: options.warmup,
  }));
}

/** Every (runtime, benchmark) pair, runtimes outermost. */
export function planPairs(
  runtimes: readonly string[],
  benchmarks: readonly string[],
): { runtime: string; benchmark: string }[] {
  return runtimes.flatMap((runtime) => benchmarks.map((benchmark) => ({ runtime, benchmark })));
}

/**
 * The fixed plan: `warmups` warm-up rounds then `repetitions` measured rounds; each round holds
 * every (runtime, benchmark) pair once, in a seeded random order.
 *
 * @example
 * ```ts
 * buildPlan({ runtimes: ["native", "runc"], benchmarks: ["startup"], repetitions: 2, warmups: 1, seed: 1 });
 * // 6 steps: iteration 0 (warm-up) for both runtimes, then iterations 1 and 2
 * ```
 */
export function buildPlan(options: PlanOptions): PlanStep[] {
  if (!Number.isInteger(options.repetitions) || options.repetitions < 1) {
    throw new RangeError(`repetitions must be a positive integer, got ${options.repetitions}`);
  }
  if (!Number.isInteger(options.warmups) || options.warmups < 0) {
    throw new RangeError(`warmups must be a non-negative integer, got ${options.warmups}`);
  }
  const pairs = planPairs(options.runtimes, options.benchmarks);
  const steps: PlanStep[] = [];
  for (let iteration = 0; iteration < options.warmups + options.repetitions; iteration++) {
    steps.push(
      ...buildRound(pairs, { iteration, warmup: iteration < options.warmups, seed: options.seed }),
    );
  }
  return steps;
}
