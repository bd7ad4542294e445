import { assert, assertEquals, assertStringIncludes } from "../tests/assert.ts";
import { compareResultSets } from "./compare_result_sets.ts";
import type { ResultSet } from "../model/result_set.ts";
import { syntheticRun } from "../tests/synthetic_run.ts";
import { ComparisonSchema } from "../model/comparison.ts";
import type { Tolerances } from "../model/tolerances.ts";

const TOLERANCES: Tolerances = {
  schemaVersion: 1,
  default: { percent: 5 },
  rules: [{ metric: "cpu.*", runtime: "run*", absolute: 50 }],
};

Deno.test("compareResultSets() flags a 20 % start-up regression of one runtime and nothing else", () => {
  const c = compareResultSets(
    [syntheticRun("base", 1)],
    [syntheticRun("next", 2, { "runc/startup.latency": 1.2 })],
    { tolerances: TOLERANCES },
  );
  ComparisonSchema.parse(c);
  assertEquals(c.regressions, 1);
  const row = c.rows.find((r) => r.verdict === "regression")!;
  assertEquals([row.runtime, row.metric], ["runc", "startup.latency"]);
  assert(row.worsePercent! > 17 && row.worsePercent! < 23, `worse ${row.worsePercent}`);
  assertEquals(row.test?.method, "mann-whitney");
  assert(row.test!.pAdjusted < 0.05);
  assert(row.ratioCi!.low > 1.15 && row.ratioCi!.high < 1.25, JSON.stringify(row.ratioCi));
});

Deno.test("compareResultSets() treats a drop in a higher-is-better metric as a regression", () => {
  const c = compareResultSets(
    [syntheticRun("base", 1)],
    [syntheticRun("next", 2, { "native/cpu.events": 0.8 })],
    { tolerances: TOLERANCES },
  );
  assertEquals(c.rows.filter((r) => r.verdict === "regression").map((r) => r.runtime), ["native"]);
});

Deno.test("compareResultSets() passes noise within the tolerance", () => {
  const c = compareResultSets([syntheticRun("base", 1)], [syntheticRun("next", 3)], {
    tolerances: TOLERANCES,
  });
  assertEquals(c.regressions, 0);
  assertEquals(c.rows.map((r) => r.verdict), ["pass", "pass", "pass", "pass"]);
});

Deno.test("compareResultSets() uses the first matching rule, and an absolute tolerance", () => {
  // runc's cpu.events falls by 40 events/s (1.25 %): within 50 absolute.
  const c = compareResultSets(
    [syntheticRun("base", 1)],
    [syntheticRun("next", 2, { "runc/cpu.events": 0.9875 })],
    { tolerances: TOLERANCES },
  );
  const row = c.rows.find((r) => r.runtime === "runc" && r.metric === "cpu.events")!;
  assertEquals(row.toleranceRule, "rules[0]");
  assertEquals(row.tolerance, { absolute: 50 });
  assertEquals(row.verdict, "pass");
  const strict = compareResultSets(
    [syntheticRun("base", 1)],
    [syntheticRun("next", 2, { "runc/cpu.events": 0.9875 })],
    { tolerances: { ...TOLERANCES, rules: [{ metric: "cpu.*", absolute: 10 }] } },
  );
  assertEquals(
    strict.rows.find((r) => r.runtime === "runc" && r.metric === "cpu.events")!.verdict,
    "regression",
  );
});

Deno.test("compareResultSets() calls a change beyond tolerance that is not significant noise", () => {
  // 8 % slower start-up, but ±20 % noise and 3 values a side: not significant.
  const keep = (s: ResultSet) => ({
    ...s,
    samples: s.samples.filter((x) => x.kind === "sample" && x.iteration < 3),
  });
  const c = compareResultSets(
    [keep(syntheticRun("base", 1, {}, 0.4))],
    [keep(syntheticRun("next", 2, { "runc/startup.latency": 1.08 }, 0.4))],
    { tolerances: TOLERANCES },
  );
  const row = c.rows.find((r) => r.runtime === "runc" && r.metric === "startup.latency")!;
  assertEquals(row.test?.method, "welch");
  assert(row.beyondTolerance, `worse ${row.worsePercent}`);
  assertEquals(row.significant, false);
  assertEquals(row.verdict, "pass");
  assertStringIncludes(row.notes.join(" "), "not significant");
});

Deno.test("compareResultSets() reports metrics on one side only and warns about different hosts", () => {
  const base = syntheticRun("base", 1);
  const next = syntheticRun("next", 2);
  next.host = { ...next.host, id: "other" };
  next.samples = next.samples.filter((s) => s.runtime !== "runc");
  next.runtimes = next.runtimes.filter((r) => r.id !== "runc");
  const c = compareResultSets([base], [next], { tolerances: TOLERANCES });
  assertEquals(c.rows.filter((r) => r.verdict === "missing").length, 2);
  assertEquals(c.regressions, 0);
  assertStringIncludes(c.warnings[0], "different hosts");
});

Deno.test("compareResultSets() lists new failures, a missing runtime, a missing metric and empty samples", () => {
  const next = syntheticRun("next", 2);
  // runc lost every value; native lost cpu.events to a failure and has only warm-up start-ups.
  next.samples = next.samples.filter((s) => s.runtime === "native" && s.metric !== "cpu.events");
  next.samples.forEach((s) => s.kind === "sample" && (s.warmup = true));
  next.failures = [
    { runtime: "native", benchmark: "cpu", message: "exit 1\nmore", exitCode: 1, stderrTail: "" },
    { runtime: "native", benchmark: "cpu", message: "exit 1", exitCode: 1, stderrTail: "" },
  ];
  const c = compareResultSets([syntheticRun("base", 1)], [next], { tolerances: TOLERANCES });
  ComparisonSchema.parse(c);
  assertEquals(c.regressions, 0);
  assertEquals(c.problems.map((p) => p.message), [
    "native cpu: 2 failing step(s) in the new run, none in the baseline (first: exit 1)",
    "runc: in the baseline, but the new run has no value for it",
    "native cpu.events: in the baseline, but the new run has no value for it",
    `native startup.latency: all ${next.samples.length} value(s) of the new run are empty or warm-ups`,
  ]);
});

Deno.test("compareResultSets() does not count failures the baseline had too", () => {
  const failure = { runtime: "runc", benchmark: "cpu", message: "x", exitCode: 1, stderrTail: "" };
  const base = { ...syntheticRun("base", 1), failures: [failure] };
  const next = { ...syntheticRun("next", 3), failures: [failure, failure] };
  assertEquals(compareResultSets([base], [next], { tolerances: TOLERANCES }).problems, []);
});
