/**
 * The budget policy (`collect --budget 45m`): the first rounds — warm-ups and `minRuns` measured
 * runs of every cell, benchmark by benchmark, the cheapest first, so that a budget too short for
 * all of them still ends with whole benchmarks to decide — then the rest of the time goes where
 * the verdicts against the baseline
 * (analyze/verdict.ts) are still `undetermined`, the cells expected to decide soonest per second
 * of step cost first. It stops when every cell is decided, when the budget is spent, or after its
 * last look, and says which.
 *
 * Repeated looks at the data inflate false decisions. The policy makes at most `looks` (K) looks,
 * the first right after the first rounds, the last when the budget is spent, and splits the error
 * rate over them in advance (Bonferroni over looks, {@link lookShare}: look j gets the share
 * 2^j/(2^K − 1)). K is set at the first look from the clock alone — one look after each round of
 * the open cells that the time left allows, at most `looks` — and the look at which the time runs
 * out (a clock fact too) gets what is left of the error rate ({@link remainingShare}), so the
 * shares of the looks made sum to one and a short budget does not waste its error rate on looks
 * it never reaches. At look j, each of the k runtimes that can be compared with the baseline on a
 * metric gets an interval at level 1 − share_j·(1 − level)/k (Bonferroni over runtimes too). A
 * decision, once made, is final (the metric is not looked at again; the cell stops once all its
 * metrics are decided), so over every look and runtime the chance of any false `better`/`worse`
 * on a metric stays ≤ 1 − level, whatever the dependence between looks, as long as step times do
 * not depend on the values measured (they decide when the time runs out). A resumed run starts
 * its looks afresh (decisions are not kept in the samples log), which spends the error rate
 * again.
 *
 * Cells whose values are known in advance not to be comparable (direct I/O under a runtime that
 * ignores O_DIRECT) are measured once, to show, and count neither as decided nor as undetermined.
 *
 * Pure: the run's time comes in as `Measured.clockMs` (the run loop reads its clock before each
 * call).
 *
 * @module
 */
import {
  bonferroniLevel,
  decideVerdict,
  type VerdictOptions,
  type VerdictResult,
} from "../analyze/verdict.ts";
import { createRandom } from "../analyze/random.ts";
import { DEFAULT_MARGINS, marginFor, type Margins } from "../model/margins.ts";
import type { BudgetDesign, BudgetVerdict, MetricInfo } from "../model/result_set.ts";
import { buildRound, type PlanStep, shuffled, stepKey } from "./plan.ts";
import { formatDuration } from "./progress.ts";
import {
  type Cell,
  cellKey,
  type CellStop,
  type CellTally,
  type Measured,
  type MetricDecision,
  type Schedule,
  type SchedulePlan,
  type SchedulingPolicy,
} from "./scheduler.ts";

/** Measured rounds of every cell before the first look. */
export const DEFAULT_MIN_RUNS = 3;
/** Most looks at the data, the first right after the first rounds (K of the split over looks). */
export const DEFAULT_LOOKS = 10;
/** Level at which a metric's decisions hold together, over every look and runtime. */
export const BUDGET_LEVEL = 0.95;

/** What a budgeted run records (in its samples log, so `--resume` does the same). */
export interface BudgetTarget {
  /** Time the whole run may take, in milliseconds. */
  budgetMs: number;
  /** Measured runs of every cell before the first look. */
  minRuns: number;
  /** The baseline runtime id. */
  baseline: string;
  /** Most looks at the data after the first rounds. */
  looks: number;
}

/** Options of {@link budgetPolicy}. */
export interface BudgetPolicyOptions extends BudgetTarget {
  /** The metrics of the run's benchmarks (those with direction `none` are not decided). */
  metrics: readonly Pick<MetricInfo, "id" | "benchmark" | "direction">[];
  /** Margins δ per metric; default config/margins.json. */
  margins?: Margins;
  /** Level of each metric's decisions over all looks; default {@link BUDGET_LEVEL}. */
  level?: number;
  /**
   * Cells (by {@link cellKey}) whose values are known before measuring not to be comparable
   * (e.g. direct I/O under a runtime that ignores O_DIRECT), with the reason: measured once, to
   * show, then stopped; they count neither as decided nor as undetermined.
   */
  notComparable?: ReadonlyMap<string, string>;
}

/** Where a budgeted run stands: what the progress line and the closing note say. */
export interface BudgetState {
  /** Non-baseline cells with every verdict decided. */
  decidedCells: number;
  /** Non-baseline cells that can never be decided (failing, values ≤ 0, baseline missing). */
  undecidableCells: number;
  /** Non-baseline cells, not-comparable ones left out. */
  totalCells: number;
  /** Non-baseline cells whose values are not comparable (not counted in the totals). */
  notComparableCells: number;
  /** Runtime × metric verdicts decided, and in all (not-comparable cells left out). */
  decidedVerdicts: number;
  totalVerdicts: number;
  /** Time left of the budget, in ms (never negative). */
  remainingMs: number;
}

interface Need {
  tally: CellTally;
  /** Further runs to make: those that give the most expected decisions per run. */
  runs: number;
  /** Worth of the decisions expected within `runs` (see mostDecisionsPerRun). */
  decisions: number;
  /** Expected wall time of one step, in ms. */
  costMs: number;
}

/** Mean wall time of a cell's measured steps, or `fallback` before it has any. */
function stepCost(tally: CellTally | undefined, fallback: number): number {
  return tally && tally.measuredRuns > 0 ? tally.elapsedMs / tally.measuredRuns : fallback;
}

/** How many times the runs so far a prediction tries, smallest first. */
const GROWTH = [1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32];

/**
 * `values` as `m` times as many, with the same geometric mean and the same spread of ln values
 * (sample standard deviation): each value repeated, its ln deviation rescaled, the last copy
 * cut short for a fractional `m`.
 */
function grown(values: readonly number[], m: number): number[] {
  const n = values.length;
  const size = Math.round(n * m);
  const logs = values.map(Math.log);
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  const out: number[] = [];
  for (let i = 0; i < size; i++) out.push(logs[i % n]);
  const ss = (xs: number[], centre: number) => xs.reduce((a, x) => a + (x - centre) ** 2, 0);
  const outMean = out.reduce((a, b) => a + b, 0) / size;
  const target = ss(logs, mean) / (n - 1);
  const actual = ss(out, outMean) / (size - 1);
  const scale = actual > 0 ? Math.sqrt(target / actual) : 1;
  return out.map((x) => Math.exp(mean + (x - outMean) * scale));
}

/**
 * Runs more to expect before a verdict decides: the smallest growth of both sides (same centre,
 * same spread, more values) whose interval, by the verdict function itself, decides. Taking the
 * function's own interval accounts for its quantile falling as the degrees of freedom grow
 * (at n = 3 a t quantile of a small tail is many times its value at n = 6). Infinity when even
 * 32 times the runs would not decide.
 */
function expectedRuns(
  baseValues: readonly number[],
  values: readonly number[],
  options: VerdictOptions,
): number {
  if (!usable(baseValues) || !usable(values)) return 1;
  const decides = (m: number) =>
    decideVerdict(grown(baseValues, m), grown(values, m), options).verdict !== "undetermined";
  // Deciding is taken as monotone in the growth: a binary search over GROWTH.
  if (!decides(GROWTH[GROWTH.length - 1])) return Infinity;
  let low = -1;
  let high = GROWTH.length - 1;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (decides(GROWTH[mid])) high = mid;
    else low = mid;
  }
  return Math.max(1, Math.round(values.length * (GROWTH[high] - 1)));
}

function usable(values: readonly number[] | undefined): boolean {
  return values !== undefined && values.length >= 2 && values.every((v) => v > 0);
}

/** The next free measured iterations of a cell: after its runs, skipping finished steps. */
function freeIterations(
  tally: CellTally,
  count: number,
  warmups: number,
  finished: ReadonlySet<string>,
): number[] {
  const out: number[] = [];
  for (let i = warmups + tally.measuredRuns; out.length < count; i++) {
    if (!finished.has(stepKey({ ...tally, iteration: i }))) out.push(i);
  }
  return out;
}

/**
 * The budget policy (see the module doc). Cells of the baseline runtime are measured alongside
 * the cells that need them, as many times as the most-run of those in each look.
 *
 * @example
 * ```ts
 * const policy = budgetPolicy({
 *   budgetMs: 45 * 60_000, minRuns: 3, baseline: "native", looks: 10,
 *   metrics: [{ id: "startup.wall", benchmark: "startup", direction: "lower" }],
 * });
 * ```
 */
export function budgetPolicy(options: BudgetPolicyOptions): SchedulingPolicy {
  const { budgetMs, minRuns, baseline, looks } = options;
  if (!(budgetMs > 0)) throw new RangeError(`budget must be positive, got ${budgetMs} ms`);
  if (!Number.isInteger(minRuns) || minRuns < 2) {
    throw new RangeError(`min-runs must be an integer of at least 2, got ${minRuns}`);
  }
  if (!Number.isInteger(looks) || looks < 1) {
    throw new RangeError(`looks must be a positive integer, got ${looks}`);
  }
  const level = options.level ?? BUDGET_LEVEL;
  const margins = options.margins ?? DEFAULT_MARGINS;
  const metricsOf = new Map<string, { id: string; direction: "higher" | "lower" }[]>();
  for (const m of options.metrics) {
    if (m.direction === "none") continue;
    const list = metricsOf.get(m.benchmark) ?? [];
    list.push({ id: m.id, direction: m.direction });
    metricsOf.set(m.benchmark, list);
  }
  const marginOf = (metric: string) => marginFor(margins, metric).margin;
  const notComparable = options.notComparable ?? new Map<string, string>();
  /** Looks this run makes (at most `looks`), set at the first look from the clock (see below). */
  let plannedLooks: number | undefined;
  /** The round at which the first rounds were found done: look 0 is handed out then. */
  let firstRoundsEnded: number | undefined;

  return {
    next(plan, measured) {
      const firstRounds = plan.warmups + minRuns;
      const usedMs = measured.clockMs ?? measured.elapsedMs;
      const remainingMs = Math.max(0, budgetMs - usedMs);
      const tallies = [...measured.cells.values()];
      const shownOnly = (t: CellTally) => notComparable.has(cellKey(t));
      const others = tallies.filter((t) => t.runtime !== baseline && !shownOnly(t));
      const notComparableCells = tallies.filter((t) => t.runtime !== baseline && shownOnly(t));
      const meanStepMs = measured.finished.size > 0
        ? measured.elapsedMs / measured.finished.size
        : 0;
      const state = (
        extra: Map<string, CellStop>,
        fresh: NonNullable<Schedule["decisions"]> = [],
      ): BudgetState => {
        let decidedCells = 0;
        let undecidableCells = 0;
        let decidedVerdicts = 0;
        let totalVerdicts = 0;
        for (const t of others) {
          const stop = t.stopped ?? extra.get(cellKey(t));
          const metrics = metricsOf.get(t.benchmark) ?? [];
          totalVerdicts += metrics.length;
          decidedVerdicts += metrics.filter((m) => t.decisions?.has(m.id)).length +
            fresh.filter((d) => d.cell === cellKey(t)).length;
          if (stop?.reason === "decided") decidedCells++;
          else if (stop) undecidableCells++;
        }
        return {
          decidedCells,
          undecidableCells,
          totalCells: others.length,
          notComparableCells: notComparableCells.length,
          decidedVerdicts,
          totalVerdicts,
          remainingMs,
        };
      };
      const statusOf = (s: BudgetState) =>
        `${s.decidedCells}/${s.totalCells} cells decided, ${formatDuration(s.remainingMs)} of ${
          formatDuration(budgetMs)
        } left`;
      const end = (
        why: string,
        extra: Pick<Schedule, "stops" | "decisions"> & {
          made?: number;
          open?: NonNullable<Schedule["looks"]>["open"];
          outlook?: readonly OpenMetric[];
        },
      ): Schedule => {
        const stops = new Map(extra.stops.map((s) => [cellKey(s.cell), s.stop]));
        const s = state(stops, extra.decisions);
        return {
          stops: extra.stops,
          ...(extra.decisions ? { decisions: extra.decisions } : {}),
          looks: {
            planned: plannedLooks ?? extra.made ?? 0,
            made: extra.made ?? 0,
            level,
            open: extra.open ?? [],
          },
          steps: [],
          done: true,
          plannedSteps: measured.finished.size,
          status: statusOf(s),
          endReason: `${why}: ${s.decidedCells} of ${s.totalCells} cells decided` +
            (s.undecidableCells > 0 ? ` (${s.undecidableCells} cannot be)` : "") +
            `, ${s.decidedVerdicts} of ${s.totalVerdicts} runtime × metric verdicts` +
            (s.notComparableCells > 0
              ? ` (${s.notComparableCells} not-comparable cells measured once, left out)`
              : "") +
            "; " +
            `${formatDuration(Math.min(usedMs, budgetMs))} of the ${
              formatDuration(budgetMs)
            } budget used` +
            (extra.outlook && extra.outlook.length > 0
              ? `; ${
                describeOutlook(
                  outlook(extra.outlook, (t) => stepCost(t, meanStepMs), baseOf),
                  usedMs,
                )
              }`
              : ""),
        };
      };

      const baseOf = (benchmark: string) => measured.cells.get(`${baseline}/${benchmark}`);
      /**
       * A look at the data: decides what the intervals at this look's share of the error rate
       * decide, stops the cells that are done, and lists what the others still need.
       */
      const lookAt = (look: number, share: number) => {
        const stops: Schedule["stops"] = [];
        const decisions: NonNullable<Schedule["decisions"]> = [];
        const openVerdicts: NonNullable<Schedule["decisions"]> = [];
        const needs: Need[] = [];
        const outlook: OpenMetric[] = [];
        const stop = (tally: CellTally, reason: "decided" | "undecidable" | "failing", d = "") =>
          stops.push({
            cell: tally,
            stop: reason === "failing"
              ? { more: false, reason }
              : { more: false, reason, detail: d },
          });
        const failing = (t: CellTally | undefined) =>
          t !== undefined && t.failures >= minRuns && t.values.size === 0;
        for (const tally of notComparableCells) {
          if (tally.stopped) continue;
          stops.push({
            cell: tally,
            stop: {
              more: false,
              reason: "not-comparable",
              detail: notComparable.get(cellKey(tally))!,
            },
          });
        }

        for (const tally of others) {
          if (tally.stopped) continue;
          const metrics = metricsOf.get(tally.benchmark) ?? [];
          const base = baseOf(tally.benchmark);
          if (failing(tally)) {
            stop(tally, "failing");
            continue;
          }
          if (!base || failing(base)) {
            stop(
              tally,
              "undecidable",
              base
                ? `the baseline ${baseline} fails this benchmark`
                : `no baseline ${baseline} cell`,
            );
            continue;
          }
          const runsEach: number[] = [];
          let hopeless: string | undefined;
          let openMetrics = 0;
          for (const metric of metrics) {
            if (tally.decisions?.has(metric.id)) continue;
            const baseValues = base.values.get(metric.id);
            const values = tally.values.get(metric.id);
            // The family of this metric at this look: every runtime that can give an interval.
            const k = others.filter((o) =>
              o.benchmark === tally.benchmark && usable(o.values.get(metric.id))
            ).length;
            const options: VerdictOptions = {
              direction: metric.direction,
              margin: marginOf(metric.id),
              level: bonferroniLevel(1 - share * (1 - level), k),
            };
            const v = decideVerdict(baseValues ?? [], values ?? [], options);
            if (v.verdict !== "undetermined") {
              decisions.push({ cell: cellKey(tally), decision: decisionOf(metric.id, v, look) });
              continue;
            }
            const enough = (values?.length ?? 0) >= minRuns && (baseValues?.length ?? 0) >= minRuns;
            if (v.intervalKind === null && enough) {
              hopeless ??= `${metric.id}: ${v.reason}`;
              continue;
            }
            openMetrics++;
            openVerdicts.push({ cell: cellKey(tally), decision: decisionOf(metric.id, v, look) });
            const runs = expectedRuns(baseValues ?? [], values ?? [], options);
            runsEach.push(runs);
            outlook.push(
              (values?.length ?? 0) >= 2 && (baseValues?.length ?? 0) >= 2 ? { tally, runs } : {
                tally,
                runs,
                short: {
                  runs: Math.max(1, minRuns - tally.measuredRuns),
                  baseRuns: Math.max(0, minRuns - (base.measuredRuns ?? 0)),
                },
              },
            );
          }
          if (openMetrics === 0) {
            if (hopeless) stop(tally, "undecidable", hopeless);
            else stop(tally, "decided", `every verdict decided after ${tally.measuredRuns} runs`);
            continue;
          }
          needs.push({
            tally,
            ...mostDecisionsPerRun(runsEach),
            costMs: stepCost(tally, meanStepMs),
          });
        }
        // A baseline cell stops once no cell of its benchmark needs it.
        for (const tally of tallies) {
          if (tally.runtime !== baseline || tally.stopped) continue;
          if (!needs.some((n) => n.tally.benchmark === tally.benchmark)) {
            stop(tally, "decided", "no cell of its benchmark needs the baseline any more");
          }
        }
        return { stops, decisions, needs, openVerdicts, outlook };
      };

      // Warm-ups and the first measured rounds, benchmark by benchmark, the cheapest first, as
      // long as the budget lasts (see firstRoundsBlock).
      const pending = firstRoundSteps(plan, firstRounds, notComparable)
        .filter((step) => !measured.finished.has(stepKey(step)));
      if (pending.length > 0) {
        // No look has been made and none will follow: this one gets the whole error rate.
        const onlyLook = () => {
          const { stops, decisions, openVerdicts, outlook: open } = lookAt(0, 1);
          plannedLooks = 1;
          return end("budget spent before the first rounds ended (one look)", {
            stops,
            decisions,
            made: 1,
            open: openVerdicts,
            outlook: open,
          });
        };
        if (remainingMs <= 0) return onlyLook();
        const { steps, costOf } = firstRoundsBlock(plan, measured, pending, baseline, meanStepMs);
        const expectedMs: Record<string, number> = {};
        for (const t of tallies) expectedMs[cellKey(t)] = stepCost(t, costOf(t.benchmark));
        if (steps.length > 0 && expectedMs[cellKey(steps[0])] > remainingMs) return onlyLook();
        return {
          steps,
          stops: [],
          done: false,
          plannedSteps: (plan.cells.length - notComparable.size) * firstRounds + notComparable.size,
          deadline: { atMs: budgetMs, expectedMs },
          status: statusOf(state(new Map())),
        };
      }
      firstRoundsEnded ??= measured.round;

      const look = measured.round - firstRoundsEnded;
      // How many looks: set at the first, from the clock alone (what the first rounds cost and
      // the time left), never from the values: one look after each round of every open cell
      // that the time left allows, at most `looks`. A short budget so makes few looks, each
      // with a larger share of the error rate, instead of planning looks it never reaches.
      if (look === 0 || plannedLooks === undefined) {
        const roundMs = tallies.filter((t) => !shownOnly(t) && !t.stopped)
          .reduce((sum, t) => sum + stepCost(t, meanStepMs), 0);
        const rounds = roundMs > 0 ? Math.floor(remainingMs / roundMs) : looks;
        plannedLooks = Math.min(looks, Math.max(look + 1, 1 + Math.max(1, rounds)));
      }
      const lookCount = plannedLooks;
      if (look >= lookCount) {
        return end(`all ${lookCount} looks made`, { stops: [], made: lookCount });
      }
      // The last look is the one at which no step of an open cell fits in the time left (a
      // clock fact) or the last planned: it gets what is left of the error rate, so the shares
      // of the looks made always sum to one.
      const openCosts = others.filter((t) => !t.stopped).map((t) => stepCost(t, meanStepMs));
      const clockEnds = remainingMs <= 0 || remainingMs < Math.min(...openCosts);
      const last = clockEnds || look === lookCount - 1;
      const share = last ? remainingShare(look, lookCount) : lookShare(look, lookCount);
      const { stops, decisions, needs, openVerdicts, outlook: open } = lookAt(look, share);
      const extra = { stops, decisions, made: look + 1 };
      const final = { ...extra, open: openVerdicts, outlook: open };
      if (needs.length === 0) return end("every cell decided", final);
      if (clockEnds) {
        return end(
          look === 0
            ? "budget spent after the first rounds (one look)"
            : `budget spent (look ${look + 1} of ${lookCount}, the last)`,
          final,
        );
      }
      if (last) return end(`all ${lookCount} looks made`, final);

      // Most expected decisions per second of step time first.
      const rate = (n: Need) => n.decisions / (n.runs * n.costMs || 1);
      needs.sort((a, b) => rate(b) - rate(a) || cellKey(a.tally).localeCompare(cellKey(b.tally)));
      // The runs between this look and the next: a share of the time left, so that the last
      // look (looks − 1) comes when the budget is spent.
      const sliceMs = remainingMs / (lookCount - 1 - look);
      const runsOf = new Map<string, number>();
      let spentMs = 0;
      const take = (need: Need, roomMs: number): boolean => {
        const base = baseOf(need.tally.benchmark)!;
        const baseKey = cellKey(base);
        const baseCost = stepCost(base, meanStepMs);
        // At most double a cell's runs in one look, so the estimate is renewed as data come.
        let runs = Math.min(need.runs, Math.max(1, need.tally.measuredRuns));
        const costOf = (r: number) =>
          r * need.costMs + Math.max(0, r - (runsOf.get(baseKey) ?? 0)) * baseCost;
        while (runs > 1 && costOf(runs) > roomMs - spentMs) runs--;
        if (costOf(runs) > roomMs - spentMs) return false;
        spentMs += costOf(runs);
        runsOf.set(cellKey(need.tally), runs);
        runsOf.set(baseKey, Math.max(runs, runsOf.get(baseKey) ?? 0));
        return true;
      };
      for (const need of needs) take(need, sliceMs);
      // A slice too small for any step still gets one run of the first cell that fits the time left.
      if (runsOf.size === 0) needs.some((need) => take({ ...need, runs: 1 }, remainingMs));
      if (runsOf.size === 0) {
        return end(
          `budget spent: no step of an undetermined cell fits in the ${
            formatDuration(remainingMs)
          } left`,
          final,
        );
      }
      const steps = interleave(plan, measured, runsOf);
      const expectedMs: Record<string, number> = {};
      for (const key of runsOf.keys()) {
        expectedMs[key] = stepCost(measured.cells.get(key), meanStepMs);
      }
      const stopped = new Map(stops.map((s) => [cellKey(s.cell), s.stop]));
      const s = state(stopped, decisions);
      return {
        steps,
        stops,
        decisions,
        done: false,
        plannedSteps: measured.finished.size + steps.length +
          (meanStepMs > 0 ? Math.floor(Math.max(0, remainingMs - spentMs) / meanStepMs) : 0),
        deadline: { atMs: budgetMs, expectedMs },
        status: statusOf(s),
      };
    },
  };
}

/** An undetermined metric of a cell at a look, and the further runs it is expected to need. */
interface OpenMetric {
  tally: CellTally;
  /** Further runs of the cell (and of its baseline) expected to decide it; Infinity: not in 32×. */
  runs: number;
  /**
   * Runs of the cell and of its baseline still missing to the first rounds, when either side has
   * fewer than 2 values: then no spread exists to predict from, and `runs` is not a prediction.
   */
  short?: { runs: number; baseRuns: number };
}

/** What deciding the open verdicts would take (see {@link outlook}). */
export interface Outlook {
  /** Verdicts left undetermined. */
  open: number;
  /** Of them, those expected to decide within 32 times their runs. */
  decidable: number;
  /** Step time those would take, cells and their baselines, in ms. */
  moreMs: number;
  /** Of the open ones, those with fewer than 2 values a side: nothing can be predicted of them. */
  unmeasured: number;
  /** Step time that finishing their first rounds would take, in ms. */
  firstRoundsMs: number;
}

/**
 * What deciding the open verdicts would take, from the same prediction the policy schedules by
 * (each metric's interval grown with the same centre and spread): for each cell the runs its
 * slowest decidable metric needs, times the cell's step time, plus the baseline's runs (as many
 * as the most-run cell of its benchmark). A prediction, not a promise: the spread is re-measured
 * as the runs come. A metric with fewer than 2 values on a side has no spread to grow: it is
 * counted apart, with the time its first rounds still need, and never as decidable.
 */
export function outlook(
  open: readonly OpenMetric[],
  costOf: (tally: CellTally) => number,
  baseOf: (benchmark: string) => CellTally | undefined,
): Outlook {
  const runsOfCell = new Map<string, { tally: CellTally; runs: number }>();
  const firstOfCell = new Map<string, { tally: CellTally; runs: number }>();
  const firstOfBase = new Map<string, number>();
  let decidable = 0;
  let unmeasured = 0;
  for (const { tally, runs, short } of open) {
    const key = cellKey(tally);
    if (short) {
      unmeasured++;
      firstOfCell.set(key, { tally, runs: Math.max(short.runs, firstOfCell.get(key)?.runs ?? 0) });
      firstOfBase.set(
        tally.benchmark,
        Math.max(short.baseRuns, firstOfBase.get(tally.benchmark) ?? 0),
      );
      continue;
    }
    if (!Number.isFinite(runs)) continue;
    decidable++;
    runsOfCell.set(key, { tally, runs: Math.max(runs, runsOfCell.get(key)?.runs ?? 0) });
  }
  let moreMs = 0;
  const baselineRuns = new Map<string, number>();
  for (const { tally, runs } of runsOfCell.values()) {
    moreMs += runs * costOf(tally);
    baselineRuns.set(tally.benchmark, Math.max(runs, baselineRuns.get(tally.benchmark) ?? 0));
  }
  for (const [benchmark, runs] of baselineRuns) {
    const base = baseOf(benchmark);
    if (base) moreMs += runs * costOf(base);
  }
  let firstRoundsMs = 0;
  for (const { tally, runs } of firstOfCell.values()) firstRoundsMs += runs * costOf(tally);
  for (const [benchmark, runs] of firstOfBase) {
    const base = baseOf(benchmark);
    if (base) firstRoundsMs += runs * costOf(base);
  }
  return { open: open.length, decidable, moreMs, unmeasured, firstRoundsMs };
}

/**
 * One clause of the closing line: how to decide what is left, e.g. "to decide them: about 12m of
 * steps would decide 41 of the 57 open verdicts (a --budget of about 20m); 16 would need more
 * than 32 times their runs". Verdicts with fewer than 2 runs a side get no prediction, only the
 * time their first rounds still need.
 */
export function describeOutlook(o: Outlook, usedMs: number): string {
  const predicted = o.open - o.unmeasured;
  const hopeless = predicted - o.decidable;
  // Rounded up to the minute: the suggestion should not fall short by its own rounding.
  const minutes = (ms: number) => formatDuration(Math.ceil(ms / 60_000) * 60_000);
  const clauses: string[] = [];
  if (o.decidable > 0) {
    clauses.push(
      `about ${minutes(o.moreMs)} more of steps would decide ${o.decidable} of the ${o.open} ` +
        `open verdicts (a --budget of about ${minutes(usedMs + o.moreMs)})`,
    );
  }
  if (o.unmeasured > 0) {
    clauses.push(
      `${o.unmeasured} have fewer than 2 runs a side, too few to predict from: their first ` +
        `rounds need about ${minutes(o.firstRoundsMs)} more (a --budget of about ${
          minutes(usedMs + o.firstRoundsMs + o.moreMs)
        }), then what deciding them takes can be told`,
    );
  }
  if (hopeless > 0) {
    clauses.push(
      `${hopeless} would need more than 32 times their runs (a wider margin, or a quieter host)`,
    );
  }
  if (o.decidable === 0 && o.unmeasured === 0) {
    return `of the ${o.open} open verdicts, ${clauses[0]}`;
  }
  return `to decide them: ${clauses.join("; ")}`;
}

/**
 * The share of the error rate spent at look `look` (0-based) of `looks`: doubling from look to
 * look, 2^look / (2^looks − 1), so the shares sum to 1 and the last look, on the most data, gets
 * about half. (Early looks have few runs and decide only large differences, which a small share
 * does not stop; in the bench this decides more than equal shares.)
 */
export function lookShare(look: number, looks: number): number {
  return 2 ** look / (2 ** looks - 1);
}

/** The share of the error rate left for look `look` when it is the last: its own and the rest. */
export function remainingShare(look: number, looks: number): number {
  return (2 ** looks - 2 ** look) / (2 ** looks - 1);
}

/**
 * Of a cell's undetermined metrics, each expected to decide after `runsEach[i]` more runs: the
 * number of runs that gives the most decisions per run, and their worth (the metrics decided,
 * twice when that is all of them). In the bench the bonus for a whole cell decides more cells
 * for a few verdicts less.
 */
function mostDecisionsPerRun(runsEach: number[]): { runs: number; decisions: number } {
  const sorted = runsEach.filter(Number.isFinite).sort((a, b) => a - b);
  let best = { runs: 1, decisions: 0 };
  for (const [i, runs] of sorted.entries()) {
    // Deciding all of them counts twice: the cell is decided and costs no more runs.
    const value = i + 1 === runsEach.length ? 2 * (i + 1) : i + 1;
    if (value / runs > best.decisions / best.runs) best = { runs, decisions: value };
  }
  return best;
}

function decisionOf(metric: string, v: VerdictResult, look: number): MetricDecision {
  return {
    metric,
    verdict: v.verdict,
    ratio: v.ratio,
    low: v.low,
    high: v.high,
    level: v.level,
    look,
    n: v.n,
    baselineN: v.baselineN,
    reason: v.reason,
  };
}

/**
 * Every step of the first rounds: `firstRounds` iterations (warm-ups first) of each cell, only the
 * first measured one of a not-comparable cell.
 */
function firstRoundSteps(
  plan: SchedulePlan,
  firstRounds: number,
  notComparable: ReadonlyMap<string, string>,
): PlanStep[] {
  return plan.cells.flatMap((cell) => {
    const iterations = notComparable.has(cellKey(cell))
      ? [plan.warmups]
      : Array.from({ length: firstRounds }, (_, i) => i);
    return iterations.map((iteration) => ({
      runtime: cell.runtime,
      benchmark: cell.benchmark,
      iteration,
      warmup: iteration < plan.warmups,
    }));
  });
}

/**
 * The next block of the first rounds. First, where a benchmark's step cost is not known yet, the
 * baseline's warm-ups and first measured run of it (one step of each benchmark tells what each
 * costs); then every pending first-round step of the cheapest benchmark, round by round, each
 * round in a seeded shuffled order across runtimes. A short budget so ends with the cheap
 * benchmarks measured `min-runs` times on every runtime, decidable at its one look, rather than
 * every benchmark measured once and nothing decidable. A benchmark's runtimes still share each
 * round, so a drift of the host spreads over them; benchmarks are compared only within
 * themselves. Without a baseline cell, a benchmark's cost is known after its first block.
 */
function firstRoundsBlock(
  plan: SchedulePlan,
  measured: Measured,
  pending: readonly PlanStep[],
  baseline: string,
  fallbackMs: number,
): { steps: PlanStep[]; costOf: (benchmark: string) => number } {
  // Each benchmark's step cost: the mean over its cells measured so far of their mean step time.
  const sums = new Map<string, { total: number; cells: number }>();
  for (const t of measured.cells.values()) {
    if (t.measuredRuns === 0) continue;
    const sum = sums.get(t.benchmark) ?? { total: 0, cells: 0 };
    sums.set(t.benchmark, {
      total: sum.total + t.elapsedMs / t.measuredRuns,
      cells: sum.cells + 1,
    });
  }
  const known = new Map([...sums].map(([b, { total, cells }]) => [b, total / cells]));
  const costOf = (benchmark: string) => known.get(benchmark) ?? fallbackMs;
  const benchmarks = [...new Set(pending.map((s) => s.benchmark))];
  const probe = pending.filter((s) =>
    s.runtime === baseline && !known.has(s.benchmark) && s.iteration <= plan.warmups
  );
  if (probe.length > 0) {
    const random = createRandom((plan.seed ^ 0x2545f491) >>> 0);
    const order = shuffled([...new Set(probe.map((s) => s.benchmark))], random);
    return {
      steps: order.flatMap((b) =>
        probe.filter((s) => s.benchmark === b).sort((x, y) => x.iteration - y.iteration)
      ),
      costOf,
    };
  }
  // Known costs first, cheapest first; unknown ones (no baseline cell) after, in plan order.
  const next =
    [...benchmarks].sort((a, b) => (known.get(a) ?? Infinity) - (known.get(b) ?? Infinity) || 0)[0];
  const mine = pending.filter((s) => s.benchmark === next);
  const cells = [...new Map(mine.map((s) => [cellKey(s), { runtime: s.runtime, benchmark: next }]))
    .values()];
  const steps: PlanStep[] = [];
  for (const iteration of [...new Set(mine.map((s) => s.iteration))].sort((a, b) => a - b)) {
    const wanted = new Set(mine.filter((s) => s.iteration === iteration).map(stepKey));
    steps.push(
      ...buildRound(cells, { iteration, warmup: iteration < plan.warmups, seed: plan.seed })
        .filter((step) => wanted.has(stepKey(step))),
    );
  }
  return { steps, costOf };
}

/**
 * The steps of a look: sub-round s holds every cell with more than s runs, each sub-round in a
 * seeded shuffled order across runtimes, each step at its cell's next free iteration.
 */
function interleave(
  plan: SchedulePlan,
  measured: Measured,
  runsOf: ReadonlyMap<string, number>,
): PlanStep[] {
  const iterations = new Map<string, number[]>();
  for (const [key, runs] of runsOf) {
    iterations.set(
      key,
      freeIterations(measured.cells.get(key)!, runs, plan.warmups, measured.finished),
    );
  }
  const most = Math.max(...runsOf.values());
  const steps: PlanStep[] = [];
  for (let s = 0; s < most; s++) {
    const cells: Cell[] = plan.cells.filter((c) => (runsOf.get(cellKey(c)) ?? 0) > s);
    const random = createRandom(
      (plan.seed ^ Math.imul(measured.round + 1, 0x9e3779b1) ^ Math.imul(s + 1, 0x85ebca6b)) >>> 0,
    );
    for (const c of shuffled(cells, random)) {
      steps.push({
        runtime: c.runtime,
        benchmark: c.benchmark,
        iteration: iterations.get(cellKey(c))![s],
        warmup: false,
      });
    }
  }
  return steps;
}

/**
 * What a budgeted run's result set records of its looks (model's `budget`): every verdict the
 * looks decided for good, and, when the policy ended (`last`, its final schedule), the last look's
 * undetermined ones. An interrupted run has no final schedule: its decided verdicts only.
 */
export function budgetDesignOf(
  target: BudgetTarget,
  measured: Measured,
  last: Schedule | undefined,
  level = BUDGET_LEVEL,
): BudgetDesign {
  const verdicts: BudgetVerdict[] = [];
  const add = (cell: string, d: MetricDecision, final: boolean) =>
    verdicts.push({
      runtime: cell.slice(0, cell.indexOf("/")),
      metric: d.metric,
      verdict: d.verdict,
      ratio: d.ratio,
      low: d.low,
      high: d.high,
      level: d.level,
      look: d.look,
      n: d.n,
      baselineN: d.baselineN,
      reason: d.reason,
      final,
    });
  for (const tally of measured.cells.values()) {
    for (const d of tally.decisions?.values() ?? []) add(cellKey(tally), d, true);
  }
  for (const { cell, decision } of last?.looks?.open ?? []) add(cell, decision, false);
  verdicts.sort((a, b) => a.runtime.localeCompare(b.runtime) || a.metric.localeCompare(b.metric));
  const made = last?.looks?.made ?? verdicts.reduce((m, v) => Math.max(m, v.look + 1), 0);
  return {
    budgetMs: target.budgetMs,
    minRuns: target.minRuns,
    baseline: target.baseline,
    level: last?.looks?.level ?? level,
    looksPlanned: last?.looks?.planned ?? made,
    looksMade: made,
    ...(last?.endReason ? { endReason: last.endReason } : {}),
    verdicts,
  };
}
