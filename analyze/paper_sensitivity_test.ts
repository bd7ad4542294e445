import { assertEquals } from "../tests/assert.ts";
import type { ClaimValue } from "./paper_claims.ts";
import { evaluateClaims } from "./paper_claims.ts";
import {
  claimRobustness,
  orderingRobustness,
  rankMetrics,
  rankUnderScenarios,
} from "./paper_sensitivity.ts";

const VALUES: ClaimValue[] = [
  { runtime: "a", metric: "t", direction: "lower", value: 10, n: 10 },
  { runtime: "b", metric: "t", direction: "lower", value: 10.05, n: 10 },
  { runtime: "c", metric: "t", direction: "lower", value: 12, n: 10 },
  { runtime: "a", metric: "e", direction: "higher", value: 90 },
  { runtime: "b", metric: "e", direction: "higher", value: 120 },
  { runtime: "c", metric: "e", direction: "higher", value: 95 },
  { runtime: "a", metric: "none", direction: "none", value: 1 },
];
const FLAGGED = [{ runtime: "b", metric: "e", rule: "efficiency-above-100" }];

Deno.test("rankMetrics() ties values within the tolerance at the mean of their positions", () => {
  const exact = rankMetrics(VALUES, {
    flagged: [],
    scenario: { id: "x", excludeFlagged: false, tieWithin: 0 },
  });
  assertEquals([...exact.get("t")!], [["a", 1], ["b", 2], ["c", 3]]);
  const loose = rankMetrics(VALUES, {
    flagged: [],
    scenario: { id: "x", excludeFlagged: false, tieWithin: 0.01 },
  });
  assertEquals([...loose.get("t")!], [["a", 1.5], ["b", 1.5], ["c", 3]]);
  assertEquals(exact.has("none"), false);
});

Deno.test("rankUnderScenarios() changes the leader when a flagged value is left out", () => {
  const [printed, without] = rankUnderScenarios(VALUES, {
    flagged: FLAGGED,
    scenarios: [
      { id: "printed", excludeFlagged: false, tieWithin: 0 },
      { id: "without", excludeFlagged: true, tieWithin: 0 },
    ],
  });
  // As printed: a (1, 3) = 2, b (2, 1) = 1.5, c (3, 2) = 2.5 → b leads on its flagged value.
  assertEquals(printed.leaders, ["b"]);
  assertEquals(printed.runtimes.find((r) => r.runtime === "b")?.firsts, 1);
  // Without b's e: a (1, 2) = 1.5, b (2) = 2, c (3, 1) = 2 → a leads.
  assertEquals(without.leaders, ["a"]);
  assertEquals(without.runtimes.find((r) => r.runtime === "b")?.ranked, 1);
});

Deno.test("orderingRobustness() says which neighbour gaps survive each assumed spread", () => {
  const [t] = orderingRobustness(VALUES, { flagged: FLAGGED, cvs: [0.02, 0.05] });
  assertEquals(t.metric, "t");
  assertEquals(t.order, ["a", "b", "c"]);
  // a–b is 0.5 %: lost at 2 %; b–c is 19 %: survives both.
  assertEquals(t.gaps.map((g) => g.survives), [[false, false], [true, true]]);
  const e = orderingRobustness(VALUES, { flagged: FLAGGED, cvs: [0.02] }).find((m) =>
    m.metric === "e"
  )!;
  assertEquals(e.order, ["c", "a"]);
  assertEquals(e.nAssumed, true);
});

Deno.test("claimRobustness() holds a claim to every ordering it relies on", () => {
  const [close, clear] = evaluateClaims(
    [
      {
        id: "close",
        quote: "q",
        section: "s",
        rules: [{ kind: "best", runtimes: ["a"], metrics: ["t"] }],
      },
      {
        id: "clear",
        quote: "q",
        section: "s",
        rules: [{ kind: "worst", runtimes: ["c"], metrics: ["t"] }],
      },
    ],
    { values: VALUES, flagged: [] },
  );
  assertEquals(claimRobustness(close, { values: VALUES, cvs: [0.02, 0.05] }), [false, false]);
  assertEquals(claimRobustness(clear, { values: VALUES, cvs: [0.02, 0.05] }), [true, true]);
});
