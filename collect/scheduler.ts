/**
 * The scheduler of a collection: which steps to run next, given the plan and what was measured so
 * far. Pure: no clock, no files, no processes; the run loop feeds it and runs what it hands out.
 *
 * The loop asks a {@link SchedulingPolicy} for the next steps, runs them, folds each result into
 * the {@link Measured} state with {@link addStepResult}, moves past the handed-out steps with
 * {@link afterSchedule}, and asks again until the policy says `done`. A policy hands out rounds:
 * warm-up rounds first, then measured rounds, every round in a seeded shuffled order across
 * runtimes (plan.ts), so a slow drift of the host spreads over every runtime. Two policies exist:
 * - {@link fixedRoundsPolicy}: `repetitions` measured rounds of every cell;
 * - {@link targetCiPolicy} (`--target-ci`): after the warm-ups, a round holds the cells whose
 *   95 % CI is not yet within the target and that have not reached their budget (adaptive.ts).
 * - `budgetPolicy` (`--budget`, budget_policy.ts): after the warm-ups and a first round of
 *   `--min-runs`, spends a time budget where verdicts against the baseline are undetermined.
 * The budget policy reads the run's real clock from `Measured.clockMs`, which the run loop sets
 * before each call, so the policy stays a function of its inputs.
 *
 * @module
 */
import {
  type AdaptiveDecision,
  type AdaptiveTarget,
  decideAdaptive,
  MIN_ADAPTIVE_RUNS,
} from "./adaptive.ts";
import { buildRound, type PlanStep, stepKey } from "./plan.ts";
import type { VerdictKind } from "../model/analysis.ts";

/** One cell of the plan: a benchmark under a runtime. */
export interface Cell {
  runtime: string;
  benchmark: string;
}

/** The key of a cell: `runtime/benchmark`. */
export function cellKey(cell: Cell): string {
  return `${cell.runtime}/${cell.benchmark}`;
}

/** What a scheduler plans over. */
export interface SchedulePlan {
  /** The cells to measure, in plan order (runtimes outermost). */
  cells: readonly Cell[];
  /** Warm-up rounds before the measured ones; their steps are flagged `warmup`. */
  warmups: number;
  /** Seed of every round's shuffle. */
  seed: number;
}

/** Why a cell gets no more steps. */
export type CellStop =
  | (AdaptiveDecision & { more: false })
  | { more: false; reason: "failing" }
  | {
    more: false;
    /**
     * `decided`: every verdict of the cell is decided; `undecidable`: one never can be;
     * `not-comparable`: its values do not measure what their metrics say (measured to show only).
     */
    reason: "decided" | "undecidable" | "not-comparable";
    detail: string;
  };

/** A verdict against the baseline that a policy decided for good on one metric of a cell. */
export interface MetricDecision {
  metric: string;
  verdict: VerdictKind;
  /** Runtime ÷ baseline and its interval (null when no interval could be made). */
  ratio: number | null;
  low: number | null;
  high: number | null;
  /** The coverage asked of the interval at this look. */
  level: number | null;
  /** The look (0-based) at which it was decided. */
  look: number;
  n: number;
  baselineN: number;
  reason: string;
}

/** What the measured (non-warm-up) steps of one cell gave so far. */
export interface CellTally extends Cell {
  /** Measured steps finished, failed ones included. */
  measuredRuns: number;
  /** Measured steps that failed. */
  failures: number;
  /** Wall time of its measured steps, in milliseconds. */
  elapsedMs: number;
  /** Values of each metric from its successful measured steps. */
  values: ReadonlyMap<string, readonly number[]>;
  /** Set once the policy stopped the cell. */
  stopped?: CellStop;
  /** Verdicts a policy decided for good, by metric (a decision is never looked at again). */
  decisions?: ReadonlyMap<string, MetricDecision>;
}

/** What was measured so far: the scheduler's input besides the plan. */
export interface Measured {
  /** Rounds handed out so far, i.e. the index of the next round. */
  round: number;
  /** Each planned cell by {@link cellKey}. */
  cells: ReadonlyMap<string, CellTally>;
  /** Keys of the finished steps (this session's and earlier ones'): never handed out again. */
  finished: ReadonlySet<string>;
  /** Wall time of every finished step, warm-ups included, in milliseconds. */
  elapsedMs: number;
  /**
   * Time the run has taken by the session's clock, in milliseconds: steps plus detection and
   * everything between them. Set by the run loop before each `next`; absent in a bare fold.
   */
  clockMs?: number;
}

/** What a policy hands out. */
export interface Schedule {
  /** The steps to run next, in order; finished steps are left out. */
  steps: PlanStep[];
  /** Cells stopped by this decision, with why. */
  stops: { cell: CellTally; stop: CellStop }[];
  /** True when the run has nothing more to do (then `steps` is empty). */
  done: boolean;
  /** The steps the whole run is expected to take, finished ones included (for progress). */
  plannedSteps: number;
  /** Metric verdicts decided by this look, by cell key; folded into the cells' `decisions`. */
  decisions?: { cell: string; decision: MetricDecision }[];
  /**
   * Don't start a step of this schedule (after its first, which the policy checked) once
   * `clockMs` + the step's expected cost would pass `atMs`; costs by cell key, in ms.
   */
  deadline?: { atMs: number; expectedMs: Readonly<Record<string, number>> };
  /** A short state line for the progress display, e.g. "12/30 cells decided, 4m10s left". */
  status?: string;
  /** When `done`: why the run stops, in one line. */
  endReason?: string;
  /**
   * When `done`, from a policy that decides verdicts by looks (the budget policy): the looks
   * planned and made, and the last look's verdicts that stayed undetermined, by cell key.
   */
  looks?: {
    planned: number;
    made: number;
    level: number;
    open: { cell: string; decision: MetricDecision }[];
  };
}

/** Decides the next steps of a run from the plan and what was measured so far. */
export interface SchedulingPolicy {
  next(plan: SchedulePlan, measured: Measured): Schedule;
}

/** The state before any step: every cell empty, or folded from an earlier session's steps. */
export function initialMeasured(plan: SchedulePlan): Measured {
  return {
    round: 0,
    cells: new Map(plan.cells.map((c) => [cellKey(c), {
      runtime: c.runtime,
      benchmark: c.benchmark,
      measuredRuns: 0,
      failures: 0,
      elapsedMs: 0,
      values: new Map(),
    }])),
    finished: new Set(),
    elapsedMs: 0,
  };
}

/** The result of one step, as the scheduler sees it. */
export interface StepResult {
  step: PlanStep;
  wallMs: number;
  /** The step's values; undefined when it failed. */
  values?: readonly { metric: string; value: number }[];
}

/**
 * `measured` with one finished step folded in: the step is finished; a measured step of a planned
 * cell counts in its tally (a warm-up counts only in the run's elapsed time).
 */
export function addStepResult(measured: Measured, result: StepResult): Measured {
  const { step, wallMs, values } = result;
  const finished = new Set(measured.finished).add(stepKey(step));
  const key = cellKey(step);
  const tally = measured.cells.get(key);
  let cells = measured.cells;
  if (tally && !step.warmup) {
    const byMetric = new Map(tally.values);
    for (const v of values ?? []) {
      byMetric.set(v.metric, [...(byMetric.get(v.metric) ?? []), v.value]);
    }
    cells = new Map(cells).set(key, {
      ...tally,
      measuredRuns: tally.measuredRuns + 1,
      failures: tally.failures + (values ? 0 : 1),
      elapsedMs: tally.elapsedMs + wallMs,
      values: byMetric,
    });
  }
  return { ...measured, cells, finished, elapsedMs: measured.elapsedMs + wallMs };
}

/** `measured` after a schedule was handed out: its stops recorded, its round counted. */
export function afterSchedule(measured: Measured, schedule: Schedule): Measured {
  let cells = measured.cells;
  const decisions = schedule.decisions ?? [];
  if (schedule.stops.length > 0 || decisions.length > 0) {
    const next = new Map(cells);
    for (const { cell, decision } of decisions) {
      const tally = next.get(cell);
      if (!tally) continue;
      const decided = new Map(tally.decisions).set(decision.metric, decision);
      next.set(cell, { ...tally, decisions: decided });
    }
    for (const { cell, stop } of schedule.stops) {
      next.set(cellKey(cell), { ...next.get(cellKey(cell))!, stopped: stop });
    }
    cells = next;
  }
  return { ...measured, cells, round: measured.round + (schedule.done ? 0 : 1) };
}

function round(
  plan: SchedulePlan,
  measured: Measured,
  cells: readonly Cell[],
): PlanStep[] {
  const warmup = measured.round < plan.warmups;
  return buildRound(cells, { iteration: measured.round, warmup, seed: plan.seed })
    .filter((step) => !measured.finished.has(stepKey(step)));
}

/**
 * A fixed plan: `warmups` warm-up rounds then `repetitions` measured rounds, each holding every
 * cell once.
 */
export function fixedRoundsPolicy(repetitions: number): SchedulingPolicy {
  return {
    next(plan, measured) {
      const rounds = plan.warmups + repetitions;
      const plannedSteps = plan.cells.length * rounds;
      if (measured.round >= rounds) return { steps: [], stops: [], done: true, plannedSteps };
      return { steps: round(plan, measured, plan.cells), stops: [], done: false, plannedSteps };
    },
  };
}

/**
 * Adaptive repetitions (`--target-ci`): after the warm-up rounds, each round holds the cells that
 * still need a run by {@link decideAdaptive}; a cell whose first {@link MIN_ADAPTIVE_RUNS} measured
 * runs all failed stops as `failing`. Done when no cell needs a run.
 */
export function targetCiPolicy(target: AdaptiveTarget): SchedulingPolicy {
  return {
    next(plan, measured) {
      const warmupSteps = plan.cells.length * plan.warmups;
      const tallies = [...measured.cells.values()];
      const estimate = (stopped: ReadonlySet<string>) =>
        warmupSteps + tallies.reduce(
          (sum, t) =>
            sum + (t.stopped || stopped.has(cellKey(t))
              ? t.measuredRuns
              : Math.max(t.measuredRuns, target.maxRuns)),
          0,
        );
      if (measured.round < plan.warmups) {
        return {
          steps: round(plan, measured, plan.cells),
          stops: [],
          done: false,
          plannedSteps: estimate(new Set()),
        };
      }
      const going: Cell[] = [];
      const stops: Schedule["stops"] = [];
      for (const tally of tallies) {
        if (tally.stopped) continue;
        const decision: CellStop | AdaptiveDecision =
          tally.failures >= MIN_ADAPTIVE_RUNS && tally.values.size === 0
            ? { more: false, reason: "failing" }
            : decideAdaptive({
              runs: tally.measuredRuns,
              elapsedS: tally.elapsedMs / 1000,
              valuesByMetric: tally.values,
            }, target);
        if (decision.more) going.push(tally);
        else stops.push({ cell: tally, stop: decision as CellStop });
      }
      const plannedSteps = estimate(new Set(stops.map((s) => cellKey(s.cell))));
      if (going.length === 0) return { steps: [], stops, done: true, plannedSteps };
      return { steps: round(plan, measured, going), stops, done: false, plannedSteps };
    },
  };
}
