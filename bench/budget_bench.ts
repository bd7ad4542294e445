/**
 * Decided cells per minute of budget (`deno task bench:budget`, also part 4 of `deno task bench`):
 * the budget policy (`collect --budget`) against a fixed plan of the same duration, on simulated
 * cells shaped like the published run — each cell's median, spread (CV of its samples, on ln
 * values) and step wall time taken from fixtures/runs/20261127-102220-d5d4ad.json, plus the time
 * between steps that run spent outside them. No runtime runs: a whole comparison takes seconds.
 *
 * Both plans run through the real scheduler code (collect/simulate_schedule.ts). The fixed plan
 * makes as many full rounds as fit in the budget, and its verdicts are taken once at the end at
 * the analysis' level (0.95 over the runtimes of a metric); the budget policy's are the decisions
 * it made over its looks (the same 0.95 split over them as well).
 *
 * Usage: `deno run -A bench/budget_bench.ts [--seeds 3]`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readResultSet } from "../model/read_result_set.ts";
import type { ResultSet } from "../model/result_set.ts";
import { createRandom, type Random } from "../analyze/random.ts";
import { bonferroniLevel, decideVerdict } from "../analyze/verdict.ts";
import { DEFAULT_MARGINS, marginFor } from "../model/margins.ts";
import { BUDGET_LEVEL, budgetPolicy, DEFAULT_LOOKS } from "../collect/budget_policy.ts";
import { fixedRoundsPolicy, type Measured, type SchedulingPolicy } from "../collect/scheduler.ts";
import { simulateSchedule } from "../collect/simulate_schedule.ts";
import { formatDuration } from "../collect/progress.ts";
import { declaredNotComparableCells } from "../collect/mark_not_comparable.ts";
import { allAdapters } from "../collect/runtimes/mod.ts";

const PUBLISHED = new URL("../fixtures/runs/20261127-102220-d5d4ad.json", import.meta.url).pathname;
/** The smallest spread simulated: quantised values that repeat exactly would never decide. */
const MIN_CV = 0.002;

interface SimMetric {
  id: string;
  benchmark: string;
  direction: "higher" | "lower";
}

/** Cells of a published run, as the simulation draws from them. */
export interface SimulatedCells {
  runtimes: string[];
  benchmarks: string[];
  metrics: SimMetric[];
  /** `runtime/metric` → median and ln-spread of its values. */
  values: Map<string, { median: number; sdLog: number }>;
  /** `runtime/benchmark` → mean step wall time, ms. */
  stepMs: Map<string, number>;
  /** Time between steps the run spent outside them (detection, cleanup), per step, ms. */
  gapMs: number;
  /**
   * Cells (`runtime/benchmark`) not comparable by their adapters' declaration: the budget
   * measures them once, a fixed plan every round; neither counts their verdicts.
   */
  notComparable: Map<string, string>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The cells of `set` limited to `runtimes` and `benchmarks` (all when not given). */
export function cellsOf(
  set: ResultSet,
  only: { runtimes?: string[]; benchmarks?: string[] } = {},
): SimulatedCells {
  const runtimes = only.runtimes ?? set.runtimes.map((r) => r.id);
  const benchmarks = only.benchmarks ?? set.benchmarks.map((b) => b.id);
  const byMetric = new Map<string, number[]>();
  const steps = new Map<string, { start: number; end: number }>();
  for (const s of set.samples) {
    if (s.kind !== "sample" || s.warmup) continue;
    const key = `${s.runtime}/${s.metric}`;
    byMetric.set(key, [...(byMetric.get(key) ?? []), s.value]);
    const step = `${s.runtime}/${s.benchmark}/${s.iteration}`;
    const t = steps.get(step);
    const start = Date.parse(s.startedAt);
    const end = Date.parse(s.finishedAt);
    steps.set(
      step,
      t ? { start: Math.min(t.start, start), end: Math.max(t.end, end) } : { start, end },
    );
  }
  const stepSum = new Map<string, { ms: number; n: number }>();
  let allStepsMs = 0;
  for (const [key, t] of steps) {
    const cell = key.slice(0, key.lastIndexOf("/"));
    const sum = stepSum.get(cell) ?? { ms: 0, n: 0 };
    stepSum.set(cell, { ms: sum.ms + t.end - t.start, n: sum.n + 1 });
    allStepsMs += t.end - t.start;
  }
  const wallMs = Date.parse(set.finishedAt!) - Date.parse(set.startedAt!);
  const gapMs = Math.max(0, (wallMs - allStepsMs) / Math.max(1, steps.size));
  // Metrics every chosen runtime has, with a direction and values > 0 (ratios need logs).
  const metrics: SimMetric[] = set.metrics.filter((m) =>
    m.direction !== "none" && benchmarks.includes(m.benchmark) &&
    runtimes.every((r) => (byMetric.get(`${r}/${m.id}`) ?? []).every((v) => v > 0)) &&
    runtimes.every((r) => byMetric.has(`${r}/${m.id}`))
  ).map((m) => ({
    id: m.id,
    benchmark: m.benchmark,
    direction: m.direction as "higher" | "lower",
  }));
  const values = new Map<string, { median: number; sdLog: number }>();
  for (const r of runtimes) {
    for (const m of metrics) {
      const xs = byMetric.get(`${r}/${m.id}`)!;
      const logs = xs.map(Math.log);
      const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
      const sd = Math.sqrt(
        logs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, logs.length - 1),
      );
      values.set(`${r}/${m.id}`, { median: median(xs), sdLog: Math.max(MIN_CV, sd) });
    }
  }
  const stepMs = new Map<string, number>();
  for (const [cell, s] of stepSum) stepMs.set(cell, s.ms / s.n);
  const used = new Set(metrics.map((m) => m.benchmark));
  const notComparable = declaredNotComparableCells(
    allAdapters().filter((a) => runtimes.includes(a.id)),
    benchmarks,
  );
  return {
    runtimes,
    benchmarks: benchmarks.filter((b) => used.has(b)),
    metrics,
    values,
    stepMs,
    gapMs,
    notComparable,
  };
}

function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** How a plan did: decided cells and verdicts (against native) and the time it took. */
export interface PlanOutcome {
  steps: number;
  clockMs: number;
  decidedCells: number;
  cells: number;
  decidedVerdicts: number;
  verdicts: number;
}

function run(
  policy: SchedulingPolicy,
  cells: SimulatedCells,
  seed: number,
): Measured & { steps: number } {
  const random = createRandom(seed);
  const plan = {
    cells: cells.runtimes.flatMap((runtime) =>
      cells.benchmarks.map((benchmark) => ({ runtime, benchmark }))
    ),
    warmups: 0,
    seed,
  };
  const metricsOf = new Map(
    cells.benchmarks.map((b) => [b, cells.metrics.filter((m) => m.benchmark === b)]),
  );
  const result = simulateSchedule(policy, plan, {
    gapMs: cells.gapMs,
    step: (step) => ({
      wallMs: cells.stepMs.get(`${step.runtime}/${step.benchmark}`)! * (0.9 + 0.2 * random()),
      values: metricsOf.get(step.benchmark)!.map((m) => {
        const v = cells.values.get(`${step.runtime}/${m.id}`)!;
        return { metric: m.id, value: v.median * Math.exp(v.sdLog * normal(random)) };
      }),
    }),
  });
  return { ...result.measured, steps: result.steps };
}

/** The verdicts of a fixed plan, taken once at its end as the analysis takes them. */
function fixedOutcome(measured: Measured & { steps: number }, cells: SimulatedCells): PlanOutcome {
  const others = cells.runtimes.filter((r) => r !== "native");
  let decidedCells = 0;
  let decidedVerdicts = 0;
  const decided = new Map<string, boolean>();
  for (const m of cells.metrics) {
    const base = measured.cells.get(`native/${m.benchmark}`)!.values.get(m.id) ?? [];
    const level = bonferroniLevel(BUDGET_LEVEL, others.length);
    for (const r of others) {
      if (cells.notComparable.has(`${r}/${m.benchmark}`)) continue;
      const values = measured.cells.get(`${r}/${m.benchmark}`)!.values.get(m.id) ?? [];
      const v = decideVerdict(base, values, {
        direction: m.direction,
        margin: marginFor(DEFAULT_MARGINS, m.id).margin,
        level,
      });
      const ok = v.verdict !== "undetermined";
      if (ok) decidedVerdicts++;
      const cell = `${r}/${m.benchmark}`;
      decided.set(cell, (decided.get(cell) ?? true) && ok);
    }
  }
  for (const ok of decided.values()) if (ok) decidedCells++;
  return {
    steps: measured.steps,
    clockMs: measured.clockMs ?? 0,
    decidedCells,
    cells: decided.size,
    decidedVerdicts,
    verdicts: comparableVerdicts(cells),
  };
}

function budgetOutcome(measured: Measured & { steps: number }, cells: SimulatedCells): PlanOutcome {
  const others = [...measured.cells.values()].filter((t) =>
    t.runtime !== "native" && !cells.notComparable.has(`${t.runtime}/${t.benchmark}`)
  );
  return {
    steps: measured.steps,
    clockMs: measured.clockMs ?? 0,
    decidedCells: others.filter((t) => t.stopped?.reason === "decided").length,
    cells: others.length,
    decidedVerdicts: others.reduce((sum, t) => sum + (t.decisions?.size ?? 0), 0),
    verdicts: comparableVerdicts(cells),
  };
}

/** Runtime × metric verdicts against native, not-comparable cells left out. */
function comparableVerdicts(cells: SimulatedCells): number {
  return cells.runtimes.filter((r) => r !== "native").reduce(
    (sum, r) =>
      sum + cells.metrics.filter((m) => !cells.notComparable.has(`${r}/${m.benchmark}`)).length,
    0,
  );
}

/** Compares the two plans on `cells` with `budgetMs`, averaged over `seeds` simulated runs. */
export function compareWithFixed(
  cells: SimulatedCells,
  budgetMs: number,
  seeds: number,
): { budget: PlanOutcome; fixed: PlanOutcome; rounds: number } {
  const roundMs = cells.runtimes.length * cells.benchmarks.length * cells.gapMs +
    [...cells.stepMs.entries()].filter(([k]) =>
      cells.runtimes.includes(k.split("/")[0]) && cells.benchmarks.includes(k.split("/")[1])
    ).reduce((a, [, ms]) => a + ms, 0);
  const rounds = Math.max(1, Math.floor(budgetMs / roundMs));
  const sum = (list: PlanOutcome[]): PlanOutcome => {
    const mean = (f: (o: PlanOutcome) => number) =>
      list.reduce((a, o) => a + f(o), 0) / list.length;
    return {
      steps: mean((o) => o.steps),
      clockMs: mean((o) => o.clockMs),
      decidedCells: mean((o) => o.decidedCells),
      cells: list[0].cells,
      decidedVerdicts: mean((o) => o.decidedVerdicts),
      verdicts: list[0].verdicts,
    };
  };
  const budgets: PlanOutcome[] = [];
  const fixeds: PlanOutcome[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const policy = budgetPolicy({
      budgetMs,
      minRuns: 3,
      baseline: "native",
      looks: DEFAULT_LOOKS,
      metrics: cells.metrics,
      notComparable: cells.notComparable,
    });
    budgets.push(budgetOutcome(run(policy, cells, seed), cells));
    fixeds.push(fixedOutcome(run(fixedRoundsPolicy(rounds), cells, seed), cells));
  }
  return { budget: sum(budgets), fixed: sum(fixeds), rounds };
}

function line(label: string, o: PlanOutcome, budgetMs: number): string {
  const minutes = budgetMs / 60_000;
  return `   ${label.padEnd(22)} ${String(Math.round(o.steps)).padStart(6)}  ${
    formatDuration(o.clockMs).padStart(7)
  }  ${`${o.decidedCells.toFixed(1)}/${o.cells}`.padStart(11)}  ${
    `${o.decidedVerdicts.toFixed(0)}/${o.verdicts}`.padStart(11)
  }  ${(o.decidedCells / minutes).toFixed(2).padStart(14)}`;
}

/** Prints the comparison for the acceptance layout and the whole published run. */
export async function budgetBench(seeds = 3): Promise<void> {
  const set = await readResultSet(PUBLISHED);
  const layouts = [
    {
      name: "native,runc,crun,runsc-ptrace × startup,syscalls,sysbench_cpu,stream,fio_bind_direct",
      cells: cellsOf(set, {
        runtimes: ["native", "runc", "crun", "runsc-ptrace"],
        benchmarks: ["startup", "syscalls", "sysbench_cpu", "stream", "fio_bind_direct"],
      }),
      budgets: [8, 15],
    },
    {
      name: "the whole published run (15 runtimes × 18 benchmarks)",
      cells: cellsOf(set),
      budgets: [60, 120],
    },
  ];
  console.log(
    `4. decided cells per minute of budget: --budget against a fixed plan of the same duration, ` +
      `simulated from ${set.runId} (${seeds} seeds)`,
  );
  for (const layout of layouts) {
    console.log(
      `   ${layout.name}: ${layout.cells.metrics.length} metrics, gap ${
        formatDuration(layout.cells.gapMs)
      } a step`,
    );
    console.log(
      "   plan                    steps     time  cells dec.  verdicts dec.  cells/min budget",
    );
    for (const minutes of layout.budgets) {
      const budgetMs = minutes * 60_000;
      const { budget, fixed, rounds } = compareWithFixed(layout.cells, budgetMs, seeds);
      console.log(line(`--budget ${minutes}m`, budget, budgetMs));
      console.log(line(`fixed ${rounds} rounds (${minutes}m)`, fixed, budgetMs));
    }
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { seeds: { type: "string", default: "3" } },
  });
  await budgetBench(Number(values.seeds));
}
