import { assertEquals, assertThrows } from "../tests/assert.ts";
import { syntheticRun } from "../tests/synthetic_run.ts";
import { analyzeResultSets } from "./analyze_result_sets.ts";
import { movementOf, verdictChanges, type VerdictSide } from "./verdict_changes.ts";

const side = (verdict: VerdictSide["verdict"]): VerdictSide => ({
  verdict,
  ratio: 1,
  low: 1,
  high: 1,
  n: 5,
});

Deno.test("movementOf() tells reversals, changes, new decisions and lost ones apart", () => {
  assertEquals(movementOf(side("better"), side("worse")), "reversed");
  assertEquals(movementOf(side("worse"), side("better")), "reversed");
  assertEquals(movementOf(side("equivalent"), side("worse")), "changed");
  assertEquals(movementOf(side("undetermined"), side("equivalent")), "decided");
  assertEquals(movementOf(side("not-comparable"), side("worse")), "decided");
  assertEquals(movementOf(side("worse"), side("undetermined")), "undecided");
  assertEquals(movementOf(side("undetermined"), side("not-comparable")), "unchanged");
  assertEquals(movementOf(side("worse"), side("worse")), "unchanged");
  assertEquals(movementOf(null, side("worse")), "new");
  assertEquals(movementOf(side("worse"), null), "gone");
});

Deno.test("verdictChanges() finds the verdicts that moved between two analysed runs", () => {
  // Before: runc's start-up 2× native (worse), its CPU the same (equivalent).
  // After: its start-up the same, its CPU 30 % slower.
  const before = analyzeResultSets([syntheticRun("a", 1, { "runc/startup.latency": 2 })]);
  const after = analyzeResultSets([syntheticRun("b", 2, { "runc/cpu.events": 0.7 })]);
  const changes = verdictChanges(before, after);
  assertEquals(changes.baselines, { before: "native", after: "native" });
  assertEquals(
    changes.moved.map((
      c,
    ) => [c.runtime, c.metric, c.before?.verdict, c.after?.verdict, c.movement]),
    [
      ["runc", "cpu.events", "equivalent", "worse", "changed"],
      ["runc", "startup.latency", "worse", "equivalent", "changed"],
    ],
  );
  assertEquals(changes.unchanged, 0);
  // The same run on both sides moves nothing.
  const same = verdictChanges(before, before);
  assertEquals([same.moved.length, same.unchanged], [0, 2]);
});

Deno.test("verdictChanges() refuses an analysis of several host groups", () => {
  const one = analyzeResultSets([syntheticRun("a", 1)]);
  const two = { ...one, groups: [one.groups[0], one.groups[0]] };
  assertThrows(() => verdictChanges(two, one), RangeError, "got 2 groups");
});
