import { assert, assertEquals, assertStringIncludes } from "../tests/assert.ts";
import { syntheticRun } from "../tests/synthetic_run.ts";
import type { BudgetDesign, ResultSet } from "../model/result_set.ts";
import { analyzeResultSets } from "./analyze_result_sets.ts";

/** runc's start-up 2× native and its CPU the same: fresh verdicts worse and equivalent. */
function budgeted(design: Partial<BudgetDesign>): ResultSet {
  return {
    ...syntheticRun("20261201-180000-aaaaaa", 1, { "runc/startup.latency": 2 }),
    budget: {
      budgetMs: 8 * 60_000,
      minRuns: 3,
      baseline: "native",
      level: 0.95,
      looksPlanned: 3,
      looksMade: 3,
      endReason: "budget spent",
      verdicts: [],
      ...design,
    },
  };
}

const verdictOf = (set: ResultSet[], metric: string) =>
  analyzeResultSets(set).groups[0].verdicts.find((v) =>
    v.runtime === "runc" && v.metric === metric
  )!;

Deno.test("analysis of a budgeted run takes its verdicts from the run's looks, not afresh", () => {
  const set = budgeted({
    verdicts: [
      {
        runtime: "runc",
        metric: "startup.latency",
        verdict: "worse",
        ratio: 2.01,
        low: 1.9,
        high: 2.1,
        level: 0.99,
        look: 0,
        n: 4,
        baselineN: 4,
        reason: "decided at the first look",
        final: true,
      },
      {
        runtime: "runc",
        metric: "cpu.events",
        verdict: "undetermined",
        ratio: 1.001,
        low: 0.9,
        high: 1.11,
        level: 0.98,
        look: 2,
        n: 10,
        baselineN: 10,
        reason: "the interval reaches past the margin",
        final: false,
      },
    ],
  });
  const startup = verdictOf([set], "startup.latency");
  assertEquals([startup.verdict, startup.ratio, startup.low, startup.level, startup.n], [
    "worse",
    2.01,
    1.9,
    0.99,
    4,
  ]);
  assert(startup.beyondMargin);
  assertStringIncludes(startup.method, "decided at look 1 of 3 of a 8 min budget");
  // Fresh, runc's CPU is equivalent; the run's last look left it open, and so does analysis.
  const fresh = verdictOf([syntheticRun("x", 1, { "runc/startup.latency": 2 })], "cpu.events");
  assertEquals(fresh.verdict, "equivalent");
  const cpu = verdictOf([set], "cpu.events");
  assertEquals([cpu.verdict, cpu.low, cpu.high], ["undetermined", 0.9, 1.11]);
  assertStringIncludes(cpu.method, "still undetermined at look 3 of 3");
});

Deno.test("a verdict the budget's looks never recorded is undetermined, and pooled runs are taken afresh", () => {
  const set = budgeted({ verdicts: [] });
  const startup = verdictOf([set], "startup.latency");
  assertEquals(startup.verdict, "undetermined");
  assertStringIncludes(startup.reason, "the final data alone say worse");
  // Pooled with another run, the looks' split does not cover the data: verdicts come afresh.
  const other = syntheticRun("20261201-190000-bbbbbb", 2, { "runc/startup.latency": 2 });
  assertEquals(verdictOf([set, other], "startup.latency").verdict, "worse");
  // Against another baseline than the run's, too.
  const against = analyzeResultSets([set], { baseline: "runc" }).groups[0].verdicts
    .find((v) => v.runtime === "native" && v.metric === "startup.latency")!;
  assertEquals(against.verdict, "better");
});
