import { assertEquals, assertThrows } from "../tests/assert.ts";
import { rankIntervals } from "./rank_intervals.ts";

Deno.test("rankIntervals() does not chain ties: a ≈ b, b ≈ c, a beats c gives 1–2, 1–3, 2–3", () => {
  const r = rankIntervals(["a", "b", "c"], [{ better: "a", worse: "c" }]);
  assertEquals(r.map((x) => [x.runtime, x.best, x.worst, x.undecided]), [
    ["a", 1, 2, ["b"]],
    ["b", 1, 3, ["a", "c"]],
    ["c", 2, 3, ["b"]],
  ]);
});

Deno.test("rankIntervals() gives exact ranks when every pair is decided, 1–n when none is", () => {
  const all = rankIntervals(["x", "y", "z"], [
    { better: "y", worse: "x" },
    { better: "y", worse: "z" },
    { better: "z", worse: "x" },
  ]);
  assertEquals(all.map((x) => [x.runtime, x.best, x.worst]), [["x", 3, 3], ["y", 1, 1], [
    "z",
    2,
    2,
  ]]);
  const none = rankIntervals(["x", "y", "z"], []);
  assertEquals(none.map((x) => [x.best, x.worst]), [[1, 3], [1, 3], [1, 3]]);
});

Deno.test("rankIntervals() keeps best ≤ worst and rejects a pair decided twice", () => {
  const r = rankIntervals(["a", "b", "c", "d"], [
    { better: "a", worse: "b" },
    { better: "c", worse: "d" },
    { better: "a", worse: "unknown" },
  ]);
  for (const x of r) assertEquals(x.best <= x.worst, true);
  assertEquals(r.map((x) => [x.best, x.worst]), [[1, 3], [2, 4], [1, 3], [2, 4]]);
  assertThrows(
    () => rankIntervals(["a", "b"], [{ better: "a", worse: "b" }, { better: "b", worse: "a" }]),
    RangeError,
    "decided twice",
  );
});
