import { assert, assertEquals, assertThrows } from "../tests/assert.ts";
import { createRandom, type Random } from "../analyze/random.ts";
import {
  budgetPolicy,
  type BudgetPolicyOptions,
  lookShare,
  remainingShare,
} from "./budget_policy.ts";
import {
  addStepResult,
  afterSchedule,
  initialMeasured,
  type Measured,
  type Schedule,
  type SchedulePlan,
  type SchedulingPolicy,
} from "./scheduler.ts";
import { planPairs, type PlanStep } from "./plan.ts";
import { simulateSchedule } from "./simulate_schedule.ts";

function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A simulated cell: log-normal values around `median` with coefficient of variation `cv`. */
interface SimCell {
  median: number;
  cv: number;
  stepMs: number;
}

interface Simulation {
  plan: SchedulePlan;
  metrics: BudgetPolicyOptions["metrics"];
  /** The truth of a (runtime, metric): its median, spread and step time. */
  cellOf(runtime: string, metric: string): SimCell;
}

/**
 * Runs `policy` as the run loop does (simulate_schedule.ts) on simulated values: each step takes
 * its cell's step time (±10 %) and 200 ms pass between steps (the harness).
 */
function drive(
  policy: SchedulingPolicy,
  sim: Simulation,
  seed: number,
): { schedules: Schedule[]; measured: Measured; clockMs: number } {
  const random = createRandom(seed);
  const metricsOf = (benchmark: string) => sim.metrics.filter((m) => m.benchmark === benchmark);
  return simulateSchedule(policy, sim.plan, {
    gapMs: 200,
    step: (step: PlanStep) => {
      const metrics = metricsOf(step.benchmark);
      return {
        wallMs: sim.cellOf(step.runtime, metrics[0].id).stepMs * (0.9 + 0.2 * random()),
        values: metrics.map((m) => {
          const c = sim.cellOf(step.runtime, m.id);
          return { metric: m.id, value: c.median * Math.exp(c.cv * normal(random)) };
        }),
      };
    },
  });
}

const RUNTIMES = ["native", "r1", "r2", "r3", "r4", "r5"];

/** `benchmarks` benchmarks of 4 metrics each; every runtime the same distribution (the null). */
function nullSimulation(benchmarks: number, seed: number): Simulation {
  const random = createRandom(seed);
  const ids = Array.from({ length: benchmarks }, (_, i) => `b${i}`);
  const metrics = ids.flatMap((b) =>
    [0, 1, 2, 3].map((j) => ({
      id: `${b}.m${j}`,
      benchmark: b,
      direction: j % 2 === 0 ? "lower" as const : "higher" as const,
    }))
  );
  const truth = new Map(metrics.map((m) => [m.id, {
    median: 10 ** (1 + 3 * random()),
    // From 0.5 % to 6 %, as in the published run: some decide at once, some need many runs.
    cv: 0.005 + 0.055 * random(),
    stepMs: 500 + 4500 * random(),
  }]));
  const stepMs = new Map(ids.map((b) => [b, truth.get(`${b}.m0`)!.stepMs]));
  return {
    plan: { cells: planPairs(RUNTIMES, ids), warmups: 1, seed },
    metrics,
    cellOf: (_runtime, metric) => ({
      ...truth.get(metric)!,
      stepMs: stepMs.get(metric.split(".")[0])!,
    }),
  };
}

for (const [budget, minDecided] of [[60, 0.5], [20, 0.2]] as const) {
  Deno.test(`budgetPolicy() on null data, ${budget} min budget: at most 5 % of metrics get any false better/worse over every look`, () => {
    let metricsSeen = 0;
    let metricsWrong = 0;
    let decided = 0;
    let verdicts = 0;
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const sim = nullSimulation(10, seed);
      const policy = budgetPolicy({
        budgetMs: budget * 60_000,
        minRuns: 3,
        baseline: "native",
        looks: 10,
        metrics: sim.metrics,
      });
      const { measured, schedules } = drive(policy, sim, seed * 7919);
      assert(schedules.at(-1)!.endReason !== undefined);
      const wrong = new Set<string>();
      for (const tally of measured.cells.values()) {
        for (const d of tally.decisions?.values() ?? []) {
          decided++;
          if (d.verdict === "better" || d.verdict === "worse") wrong.add(d.metric);
        }
      }
      verdicts += sim.metrics.length * (RUNTIMES.length - 1);
      metricsSeen += sim.metrics.length;
      metricsWrong += wrong.size;
    }
    const rate = metricsWrong / metricsSeen;
    assert(rate <= 0.05, `${metricsWrong} of ${metricsSeen} metrics with a false decision`);
    // The policy must still decide: a policy that never decides would pass the line above.
    assert(decided / verdicts > minDecided, `only ${decided} of ${verdicts} verdicts decided`);
    console.log(
      `null data, ${budget} min: ${metricsWrong}/${metricsSeen} metrics with a false decision, ` +
        `${decided}/${verdicts} verdicts decided (equivalent)`,
    );
  });
}

/** One benchmark "work" of one metric; `truth` gives each runtime's cell. */
function simpleSimulation(
  runtimes: string[],
  truth: (runtime: string) => SimCell,
  direction: "lower" | "higher" = "lower",
): Simulation {
  return {
    plan: { cells: planPairs(runtimes, ["work", "other"]), warmups: 1, seed: 11 },
    metrics: [
      { id: "work.time", benchmark: "work", direction },
      { id: "other.time", benchmark: "other", direction },
      { id: "other.info", benchmark: "other", direction: "none" },
    ],
    cellOf: (runtime, metric) =>
      metric.startsWith("work.") ? truth(runtime) : { median: 50, cv: 0.002, stepMs: 1000 },
  };
}

Deno.test("budgetPolicy() decides a true 30 % difference within the budget and spends the time on it", () => {
  const sim = simpleSimulation(
    RUNTIMES,
    (r) => ({ median: r === "r3" ? 130 : 100, cv: 0.1, stepMs: 2000 }),
  );
  const policy = budgetPolicy({
    budgetMs: 20 * 60_000,
    minRuns: 3,
    baseline: "native",
    looks: 10,
    metrics: sim.metrics,
  });
  const { measured, schedules, clockMs } = drive(policy, sim, 5);
  const r3 = measured.cells.get("r3/work")!;
  assertEquals(r3.decisions?.get("work.time")?.verdict, "worse");
  assert(clockMs <= 20 * 60_000 + 2200 + 200, `ran ${clockMs} ms of a 20 min budget`);
  // At 10 % CV three runs cannot tell 30 %: it took looks, and more runs than the first rounds.
  const decision = r3.decisions!.get("work.time")!;
  assert(decision.look > 0 && decision.n > 3, JSON.stringify(decision));
  // The "other" cells (0.2 % spread) decide within a look or two: the time goes to "work".
  for (const r of RUNTIMES.slice(1)) {
    const other = measured.cells.get(`${r}/other`)!;
    assert(other.measuredRuns <= 6, `${r}/other ran ${other.measuredRuns} times`);
    assertEquals(other.stopped?.reason, "decided");
    assertEquals(other.decisions?.get("other.time")?.verdict, "equivalent");
    assertEquals(other.decisions?.has("other.info"), false);
  }
  const runs = (benchmark: string) =>
    RUNTIMES.reduce((sum, r) => sum + measured.cells.get(`${r}/${benchmark}`)!.measuredRuns, 0);
  assert(
    runs("work") > 5 * runs("other"),
    `${runs("work")} runs of work, ${runs("other")} of other`,
  );
  // The baseline is measured alongside the cells that need it.
  assert(measured.cells.get("native/work")!.measuredRuns >= decision.baselineN);
  assert(decision.baselineN > 3);
  const last = schedules.at(-1)!;
  assert(last.done && last.endReason !== undefined);
  assert(/^\d+\/10 cells decided, /.test(last.status!), last.status);
});

Deno.test("budgetPolicy() stops when every cell is decided, says so, and interleaves runtimes in a seeded order", () => {
  const sim = simpleSimulation(
    ["native", "a", "b", "c"],
    (r) => ({ median: r === "a" ? 200 : 100, cv: 0.03, stepMs: 1000 }),
  );
  const policy = budgetPolicy({
    budgetMs: 3 * 3_600_000,
    minRuns: 3,
    baseline: "native",
    looks: 10,
    metrics: sim.metrics,
  });
  const { measured, schedules, clockMs } = drive(policy, sim, 9);
  const last = schedules.at(-1)!;
  assert(last.endReason!.startsWith("every cell decided: 6 of 6 cells decided"), last.endReason);
  assert(clockMs < 3 * 3_600_000);
  assertEquals(measured.cells.get("a/work")!.decisions!.get("work.time")!.verdict, "worse");
  for (const r of ["b", "c"]) {
    assertEquals(
      measured.cells.get(`${r}/work`)!.decisions!.get("work.time")!.verdict,
      "equivalent",
    );
  }
  // First the baseline's warm-up and first run of each benchmark (what each costs), then each
  // benchmark's first rounds whole: round by round, each round a shuffle of its runtimes.
  const key = (x: PlanStep) => `${x.runtime}/${x.benchmark}/${x.iteration}`;
  assertEquals(schedules[0].steps.map(key).sort(), [
    "native/other/0",
    "native/other/1",
    "native/work/0",
    "native/work/1",
  ]);
  const blocks = schedules.slice(1, 3);
  assertEquals(blocks.map((b) => b.steps[0].benchmark).sort(), ["other", "work"]);
  const orders: string[] = [];
  for (const block of blocks) {
    assertEquals(new Set(block.steps.map((x) => x.benchmark)).size, 1);
    // 4 runtimes × (1 warm-up + 3 runs), less the baseline's 2 steps already made.
    assertEquals(block.steps.length, 14);
    assert(block.steps.every((x, i) => i === 0 || block.steps[i - 1].iteration <= x.iteration));
    assert(block.steps.every((x) => x.warmup === (x.iteration === 0)));
    for (const iteration of [2, 3]) {
      orders.push(
        block.steps.filter((x) => x.iteration === iteration).map((x) => x.runtime).join(),
      );
    }
  }
  assert(new Set(orders).size > 1, "every round in the same order");
  // Every step of the run has its own iteration per cell.
  const keys = schedules.flatMap((s) =>
    s.steps.map((x) => `${x.runtime}/${x.benchmark}/${x.iteration}`)
  );
  assertEquals(new Set(keys).size, keys.length);
  // The same seed gives the same schedules.
  const again = drive(
    budgetPolicy({
      budgetMs: 3 * 3_600_000,
      minRuns: 3,
      baseline: "native",
      looks: 10,
      metrics: sim.metrics,
    }),
    sim,
    9,
  );
  assertEquals(again.schedules.map((s) => s.steps), schedules.map((s) => s.steps));
});

Deno.test("budgetPolicy() ends when the budget is spent, at most one step over, and never starts a step that cannot fit", () => {
  const sim = simpleSimulation(
    ["native", "a", "b"],
    (r) => ({ median: r === "a" ? 103 : 100, cv: 0.08, stepMs: 3000 }),
  );
  const budgetMs = 2 * 60_000;
  const policy = budgetPolicy({
    budgetMs,
    minRuns: 3,
    baseline: "native",
    looks: 10,
    metrics: sim.metrics,
  });
  const { schedules, clockMs } = drive(policy, sim, 3);
  const last = schedules.at(-1)!;
  assert(last.endReason!.startsWith("budget spent"), last.endReason);
  assert(clockMs <= budgetMs + 3300 + 200, `ran ${clockMs} ms of ${budgetMs}`);
  assert(last.endReason!.includes("of the 2m00s budget used"), last.endReason);
});

Deno.test("budgetPolicy() stops a failing cell, and the cells whose baseline fails, with the reason", () => {
  const plan: SchedulePlan = {
    cells: planPairs(["native", "a", "b"], ["w", "v"]),
    warmups: 0,
    seed: 1,
  };
  const policy = budgetPolicy({
    budgetMs: 3_600_000,
    minRuns: 2,
    baseline: "native",
    looks: 5,
    metrics: [{ id: "w.t", benchmark: "w", direction: "lower" }, {
      id: "v.t",
      benchmark: "v",
      direction: "lower",
    }],
  });
  let measured = initialMeasured(plan);
  for (let i = 0; i < 50; i++) {
    const schedule = policy.next(plan, measured);
    measured = afterSchedule(measured, schedule);
    if (schedule.done) break;
    for (const step of schedule.steps) {
      const fails = (step.runtime === "a" && step.benchmark === "w") ||
        (step.runtime === "native" && step.benchmark === "v");
      measured = addStepResult(measured, {
        step,
        wallMs: 10,
        ...(fails
          ? {}
          : { values: [{ metric: `${step.benchmark}.t`, value: 10 + (step.iteration % 3) }] }),
      });
    }
  }
  const stopOf = (key: string) => measured.cells.get(key)!.stopped;
  assertEquals(stopOf("a/w")?.reason, "failing");
  assertEquals(stopOf("a/v"), {
    more: false,
    reason: "undecidable",
    detail: "the baseline native fails this benchmark",
  });
  assertEquals(stopOf("b/v")?.reason, "undecidable");
});

Deno.test("budgetPolicy() refuses a budget, min-runs or looks that cannot work", () => {
  const base = { budgetMs: 1000, minRuns: 3, baseline: "native", looks: 10, metrics: [] };
  assertThrows(() => budgetPolicy({ ...base, budgetMs: 0 }), RangeError, "budget must be positive");
  assertThrows(
    () => budgetPolicy({ ...base, minRuns: 1 }),
    RangeError,
    "min-runs must be an integer of at least 2",
  );
  assertThrows(
    () => budgetPolicy({ ...base, looks: 0 }),
    RangeError,
    "looks must be a positive integer",
  );
});

Deno.test("lookShare() splits the whole error rate over the looks, doubling from look to look", () => {
  for (const looks of [1, 3, 10]) {
    const shares = Array.from({ length: looks }, (_, j) => lookShare(j, looks));
    assert(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 1e-12, `${looks}: ${shares}`);
    shares.slice(1).forEach((s, j) => assert(Math.abs(s / shares[j] - 2) < 1e-12));
  }
  assert(Math.abs(lookShare(9, 10) - 512 / 1023) < 1e-15);
});

Deno.test("budgetPolicy() spent within the first rounds makes one look with the whole error rate", () => {
  const sim = simpleSimulation(
    ["native", "a", "b"],
    // a is 1.5× native; b 3 % off at 5 % spread, which three runs cannot decide.
    // Cheaper than the other benchmark, so its first rounds come first.
    (r) =>
      r === "a"
        ? { median: 150, cv: 0.02, stepMs: 800 }
        : { median: r === "b" ? 103 : 100, cv: 0.05, stepMs: 800 },
  );
  const run = (budgetMs: number) =>
    drive(
      budgetPolicy({ budgetMs, minRuns: 3, baseline: "native", looks: 10, metrics: sim.metrics }),
      sim,
      4,
    );
  // 6 cells, 1.0–1.2 s a step with the harness: warm-ups and three rounds take about 26 s, the
  // benchmark "work" (first after the baseline's) done by about 15 s.
  for (const budgetMs of [20_000, 25_000]) {
    const { measured, schedules } = run(budgetMs);
    const last = schedules.at(-1)!;
    assert(last.endReason!.includes("(one look)"), last.endReason);
    const a = measured.cells.get("a/work")!;
    assertEquals(a.decisions?.get("work.time")?.verdict, "worse", `${budgetMs}: ${last.endReason}`);
    assertEquals(a.decisions?.get("work.time")?.level! > 0.95, true);
  }
});

Deno.test("budgetPolicy() given too little time for the first rounds measures whole benchmarks, cheapest first, and predicts nothing of the rest", () => {
  // Three benchmarks: "cheap" (0.5 s a step), "mid" (1 s) and "dear" (20 s), listed dearest
  // first; runtime "a" is twice as slow as native on everything, "b" like native.
  const benchmarks = ["dear", "mid", "cheap"];
  const stepOf: Record<string, number> = { cheap: 500, mid: 1000, dear: 20_000 };
  const sim: Simulation = {
    plan: { cells: planPairs(["native", "a", "b"], benchmarks), warmups: 0, seed: 5 },
    metrics: benchmarks.map((b) => ({
      id: `${b}.time`,
      benchmark: b,
      direction: "lower" as const,
    })),
    cellOf: (runtime, metric) => ({
      median: runtime === "a" ? 200 : 100,
      cv: 0.02,
      stepMs: stepOf[metric.split(".")[0]],
    }),
  };
  // The baseline's probe (about 22 s), then 3 runtimes × 3 runs of "cheap" and of "mid" less the
  // baseline's first (about 6 s and 10 s): 60 s leaves "dear" with its probe only.
  const { measured, schedules } = drive(
    budgetPolicy({
      budgetMs: 60_000,
      minRuns: 3,
      baseline: "native",
      looks: 10,
      metrics: sim.metrics,
    }),
    sim,
    8,
  );
  const blocks = schedules.slice(1).filter((s) => s.steps.length > 0).map((s) =>
    s.steps[0].benchmark
  );
  assertEquals(blocks.slice(0, 2), ["cheap", "mid"]);
  for (const b of ["cheap", "mid"]) {
    assertEquals(measured.cells.get(`a/${b}`)!.decisions?.get(`${b}.time`)?.verdict, "worse", b);
    assertEquals(measured.cells.get(`b/${b}`)!.measuredRuns, 3);
  }
  assert((measured.cells.get("a/dear")?.measuredRuns ?? 0) <= 1);
  const reason = schedules.at(-1)!.endReason!;
  assert(reason.startsWith("budget spent before the first rounds ended (one look)"), reason);
  // "dear" has at most one run a side: no prediction of what deciding it takes, only the time
  // its first rounds still need.
  assert(
    /(: |; )2 have fewer than 2 runs a side, too few to predict from: their first rounds need about \d+m\d\ds more \(a --budget of about \d+m\d\ds\)/
      .test(reason),
    reason,
  );
});

Deno.test("remainingShare() gives the last look what the earlier looks left, whichever look ends", () => {
  for (const looks of [1, 2, 4, 10]) {
    for (let last = 0; last < looks; last++) {
      let total = remainingShare(last, looks);
      for (let j = 0; j < last; j++) total += lookShare(j, looks);
      assert(Math.abs(total - 1) < 1e-12, `${looks} looks, last ${last}: ${total}`);
    }
  }
  assertEquals(remainingShare(9, 10), lookShare(9, 10));
});

Deno.test("budgetPolicy() plans as many looks as rounds fit in the time left, and the last spends the rest of the error rate", () => {
  const sim = simpleSimulation(
    ["native", "a", "b"],
    // b 3 % off at 5 % spread: it stays open until the budget is spent.
    (r) => ({ median: r === "b" ? 103 : 100, cv: 0.05, stepMs: 1000 }),
  );
  // 6 cells at about 1.2 s: the first rounds take about 29 s, a round of the 6 about 7 s, so
  // 50 s leave room for 2–3 more rounds, far fewer than the 10 looks allowed.
  const { schedules, measured } = drive(
    budgetPolicy({
      budgetMs: 50_000,
      minRuns: 3,
      baseline: "native",
      looks: 10,
      metrics: sim.metrics,
    }),
    sim,
    11,
  );
  const last = schedules.at(-1)!;
  const made = /look (\d+) of (\d+)|all (\d+) looks/.exec(last.endReason!);
  assert(made, last.endReason);
  const planned = Number(made[2] ?? made[3]);
  assert(planned >= 2 && planned <= 4, last.endReason);
  const b = measured.cells.get("b/work")!;
  // b is never decided at 5 % spread in this time, and no false decision is made for it.
  assert(!b.decisions?.has("work.time") || b.decisions.get("work.time")!.verdict !== "better");
});

Deno.test("budgetPolicy() measures a not-comparable cell once, stops it with the reason and leaves it out of the counts", () => {
  const sim = simpleSimulation(
    ["native", "a", "b"],
    (r) => ({ median: r === "a" ? 150 : 100, cv: 0.01, stepMs: 1000 }),
  );
  const reason = "b does not honour O_DIRECT (declared)";
  const { schedules, measured } = drive(
    budgetPolicy({
      budgetMs: 10 * 60_000,
      minRuns: 3,
      baseline: "native",
      looks: 10,
      metrics: sim.metrics,
      notComparable: new Map([["b/work", reason]]),
    }),
    sim,
    5,
  );
  const b = measured.cells.get("b/work")!;
  assertEquals(b.measuredRuns, 1);
  assertEquals(b.decisions?.size ?? 0, 0);
  assertEquals(b.stopped, { more: false, reason: "not-comparable", detail: reason });
  const stepsOfB = schedules.flatMap((s) => s.steps).filter((s) =>
    s.runtime === "b" && s.benchmark === "work"
  );
  assertEquals(stepsOfB.map((s) => s.warmup), [false]);
  const end = schedules.at(-1)!.endReason!;
  // a/work, a/other and b/other are counted; b/work is not.
  assert(/\d of 3 cells decided/.test(end), end);
  assert(end.includes("1 not-comparable cells measured once, left out"), end);
});

Deno.test("budgetPolicy() says what deciding the open verdicts would take, and a run given that budget decides them", () => {
  // Three runtimes equal to the baseline at CV 6 %: equivalence needs tens of runs a side.
  const sim = simpleSimulation(
    ["native", "a", "b"],
    () => ({ median: 100, cv: 0.06, stepMs: 3000 }),
  );
  const decidedOf = (reason: string) =>
    Number(/, (\d+) of (\d+) runtime × metric/.exec(reason)![1]);
  const short = drive(
    budgetPolicy({
      budgetMs: 2 * 60_000,
      minRuns: 3,
      baseline: "native",
      looks: 10,
      metrics: sim.metrics,
    }),
    sim,
    21,
  ).schedules.at(-1)!.endReason!;
  const said =
    /to decide them: about (\d+)m00s more of steps would decide (\d+) of the (\d+) open verdicts \(a --budget of about (\d+)m00s\)/
      .exec(short);
  assert(said, short);
  const suggested = Number(said[4]);
  assert(Number(said[2]) >= 1 && suggested > 2, short);
  const long = drive(
    budgetPolicy({
      budgetMs: suggested * 60_000,
      minRuns: 3,
      baseline: "native",
      looks: 10,
      metrics: sim.metrics,
    }),
    sim,
    22,
  ).schedules.at(-1)!.endReason!;
  // The prediction is from the spread seen at 2 minutes: the longer run decides what it said
  // it would, give or take one verdict.
  assert(
    decidedOf(long) >= decidedOf(short) + Number(said[2]) - 1,
    `2m: ${short}\n${suggested}m: ${long}`,
  );
});
