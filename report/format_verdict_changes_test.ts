import { assertEquals, assertMatch } from "../tests/assert.ts";
import type { VerdictChanges } from "../analyze/verdict_changes.ts";
import { formatVerdictChanges, verdictChangeRows } from "./format_verdict_changes.ts";

const CHANGES: VerdictChanges = {
  baselines: { before: "native", after: "native" },
  moved: [
    {
      runtime: "runc",
      metric: "syscalls.read_zero",
      before: { verdict: "undetermined", ratio: 0.875, low: 0.453, high: 1.69, n: 3 },
      after: { verdict: "better", ratio: 0.705, low: 0.519, high: 0.958, n: 66 },
      movement: "decided",
    },
    {
      runtime: "crun",
      metric: "syscalls.getppid",
      before: { verdict: "worse", ratio: 1.4, low: 1.2, high: 1.6, n: 3 },
      after: null,
      movement: "gone",
    },
  ],
  unchanged: 5,
  counts: { reversed: 0, changed: 0, undecided: 0, decided: 1, gone: 1, new: 0, unchanged: 5 },
};

Deno.test("verdictChangeRows() gives the verdicts that moved as rows, with report names, leaving out one-sided pairs", () => {
  const rows = verdictChangeRows(CHANGES, (id) => (id === "runc" ? "runc 1.2" : id));
  assertEquals(rows, [{
    movement: "decided",
    runtime: "runc 1.2",
    metric: "syscalls.read_zero",
    before: "undetermined 0.875× [0.453, 1.69] n=3",
    after: "better 0.705× [0.519, 0.958] n=66",
  }]);
  // The text rendering sums the one-sided pairs per runtime instead.
  assertMatch(formatVerdictChanges(CHANGES, "table"), /only in the first run: crun \(1\)/);
});
