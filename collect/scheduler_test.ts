import { assert, assertEquals, assertNotEquals } from "../tests/assert.ts";
import {
  addStepResult,
  afterSchedule,
  cellKey,
  fixedRoundsPolicy,
  initialMeasured,
  type Measured,
  type Schedule,
  type SchedulePlan,
  type SchedulingPolicy,
  targetCiPolicy,
} from "./scheduler.ts";
import { buildRound, planPairs, type PlanStep, stepKey } from "./plan.ts";
import { policyOf } from "./policy_of.ts";

const plan: SchedulePlan = {
  cells: planPairs(["native", "runc", "crun"], ["startup", "stream"]),
  warmups: 1,
  seed: 42,
};

/**
 * Runs `policy` to the end as the run loop does, every step giving `valueOf(step)` (undefined: the
 * step fails) after 100 ms; returns the schedules handed out.
 */
function drive(
  policy: SchedulingPolicy,
  valueOf: (step: PlanStep) => number | undefined,
  start: Measured = initialMeasured(plan),
): { schedules: Schedule[]; measured: Measured } {
  let measured = start;
  const schedules: Schedule[] = [];
  for (let guard = 0; guard < 1000; guard++) {
    const schedule = policy.next(plan, measured);
    schedules.push(schedule);
    measured = afterSchedule(measured, schedule);
    if (schedule.done) return { schedules, measured };
    for (const step of schedule.steps) {
      const value = valueOf(step);
      measured = addStepResult(measured, {
        step,
        wallMs: 100,
        ...(value === undefined ? {} : { values: [{ metric: `${step.benchmark}.m`, value }] }),
      });
    }
  }
  throw new Error("the policy never ended");
}

Deno.test("fixedRoundsPolicy() hands out warm-up then measured rounds, each a seeded shuffle of every cell", () => {
  const { schedules, measured } = drive(fixedRoundsPolicy(3), () => 1);
  assertEquals(schedules.length, 5);
  assertEquals(schedules.at(-1), { steps: [], stops: [], done: true, plannedSteps: 24 });
  schedules.slice(0, 4).forEach((s, iteration) => {
    assertEquals(s.steps, buildRound(plan.cells, { iteration, warmup: iteration === 0, seed: 42 }));
    assertEquals(s.plannedSteps, 24);
  });
  assertNotEquals(schedules[1].steps.map(cellKey), schedules[2].steps.map(cellKey));
  assertEquals(measured.finished.size, 24);
  assertEquals(measured.elapsedMs, 2400);
  const native = measured.cells.get("native/startup")!;
  assertEquals([native.measuredRuns, native.elapsedMs, native.values.get("startup.m")], [
    3,
    300,
    [1, 1, 1],
  ]);
});

Deno.test("a policy leaves out steps finished in an earlier session and hands out the rest", () => {
  let before = initialMeasured(plan);
  const done = buildRound(plan.cells, { iteration: 1, warmup: false, seed: 42 }).slice(0, 4);
  for (const step of done) {
    before = addStepResult(before, { step, wallMs: 7, values: [{ metric: "x", value: 1 }] });
  }
  before = { ...before, round: 1 };
  const schedule = fixedRoundsPolicy(2).next(plan, before);
  assertEquals(schedule.steps.length, plan.cells.length - 4);
  for (const step of done) assert(!schedule.steps.some((s) => stepKey(s) === stepKey(step)));
});

Deno.test("addStepResult() counts a warm-up in the run's time only, and a failed step as a failure", () => {
  const warm = addStepResult(initialMeasured(plan), {
    step: { runtime: "runc", benchmark: "stream", iteration: 0, warmup: true },
    wallMs: 50,
    values: [{ metric: "stream.m", value: 3 }],
  });
  assertEquals(warm.elapsedMs, 50);
  assertEquals(warm.cells.get("runc/stream")!.measuredRuns, 0);
  const failed = addStepResult(warm, {
    step: { runtime: "runc", benchmark: "stream", iteration: 1, warmup: false },
    wallMs: 20,
  });
  const tally = failed.cells.get("runc/stream")!;
  assertEquals([tally.measuredRuns, tally.failures, tally.values.size], [1, 1, 0]);
  assertEquals(failed.finished, new Set(["runc/stream/0", "runc/stream/1"]));
  // The state it came from is left as it was.
  assertEquals(warm.cells.get("runc/stream")!.measuredRuns, 0);
});

Deno.test("targetCiPolicy() keeps only the cells that need more runs, and says why each stopped", () => {
  const target = { targetCiPercent: 5, maxRuns: 8, maxTimeS: 600 };
  let n = 0;
  const { schedules, measured } = drive(targetCiPolicy(target), (step) => {
    n++;
    if (step.runtime === "crun" && step.benchmark === "stream") return undefined;
    if (step.runtime === "runc") return n % 2 === 0 ? 10 : 1000;
    return 100;
  });
  const runsOf = (key: string) => measured.cells.get(key)!.measuredRuns;
  assertEquals(runsOf("native/startup"), 3);
  assertEquals(runsOf("runc/startup"), 8);
  assertEquals(runsOf("crun/stream"), 3);
  const stops = schedules.flatMap((s) => s.stops.map((x) => [cellKey(x.cell), x.stop.reason]));
  assertEquals(
    new Map(stops as [string, string][]),
    new Map([
      ["native/startup", "converged"],
      ["native/stream", "converged"],
      ["runc/startup", "max-runs"],
      ["runc/stream", "max-runs"],
      ["crun/startup", "converged"],
      ["crun/stream", "failing"],
    ]),
  );
  assertEquals(stops.length, 6, "a cell stopped twice");
  // The warm-up round holds every cell; later rounds only the cells still going, shuffled.
  assertEquals(schedules[0].steps.length, 6);
  assert(schedules[0].steps.every((s) => s.warmup && s.iteration === 0));
  const last = schedules.at(-2)!;
  assertEquals(new Set(last.steps.map((s) => s.runtime)), new Set(["runc"]));
  // Planned steps: warm-ups plus each cell's runs once stopped, its cap until then.
  assertEquals(schedules[0].plannedSteps, 6 + 6 * 8);
  assertEquals(schedules.at(-1)!.plannedSteps, 6 + 3 + 3 + 8 + 8 + 3 + 3);
});

Deno.test("targetCiPolicy() stops a cell at max-time, counted on its own measured steps", () => {
  const policy = targetCiPolicy({ targetCiPercent: 0.001, maxRuns: 100, maxTimeS: 0.45 });
  let n = 0;
  const { measured } = drive(policy, () => ++n);
  // 100 ms a step: 0.45 s is passed after the 5th measured step of each cell.
  for (const tally of measured.cells.values()) {
    assertEquals([tally.measuredRuns, tally.stopped?.reason], [5, "max-time"]);
  }
});

Deno.test("policyOf() picks target-ci with an adaptive record, fixed rounds otherwise", () => {
  const adaptive = drive(
    policyOf({ adaptive: { targetCiPercent: 5, maxRuns: 4, maxTimeS: 60 } }),
    () => 1,
  );
  assertEquals(adaptive.measured.cells.get("runc/stream")!.stopped?.reason, "converged");
  const fixed = drive(policyOf({ repetitions: 2 }), () => 1);
  assertEquals(fixed.measured.finished.size, 6 * 3);
  assertEquals(fixed.measured.cells.get("runc/stream")!.stopped, undefined);
});
