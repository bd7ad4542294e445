import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../tests/assert.ts";
import { ciHalfWidthPercent, decideAdaptive, tQuantile975 } from "./adaptive.ts";

Deno.test("tQuantile975() matches Student t tables and tends to 1.96", () => {
  assertEquals(tQuantile975(1), 12.706);
  assertEquals(tQuantile975(9), 2.262);
  assertAlmostEquals(tQuantile975(40), 2.021, 0.001);
  assertAlmostEquals(tQuantile975(120), 1.980, 0.001);
  assertAlmostEquals(tQuantile975(100000), 1.96, 0.001);
  assertThrows(() => tQuantile975(0), RangeError);
});

Deno.test("ciHalfWidthPercent() is t · s / √n over |mean|, in percent", () => {
  // mean 10, s = sqrt(2/3), n = 4 → 3.182 · 0.8165 / 2 / 10 · 100
  assertAlmostEquals(ciHalfWidthPercent([10, 11, 9, 10]), 3.182 * Math.sqrt(2 / 3) / 2 * 10, 1e-9);
  assertEquals(ciHalfWidthPercent([5]), Infinity);
  assertEquals(ciHalfWidthPercent([1, -1]), Infinity);
  assertEquals(ciHalfWidthPercent([3, 3, 3]), 0);
});

const target = { targetCiPercent: 2, maxRuns: 10, maxTimeS: 60 };

Deno.test("decideAdaptive() asks for more until the widest metric is within the target", () => {
  const wide = new Map([["a", [100, 101, 99]], ["b", [10, 12, 8]]]);
  const d = decideAdaptive({ runs: 3, elapsedS: 3, valuesByMetric: wide }, target);
  assertEquals(d.more, true);
  assertEquals(d.worstMetric, "b");
  const tight = new Map([["a", [100, 100.1, 99.9]], ["b", [10, 10.01, 9.99]]]);
  const done = decideAdaptive({ runs: 3, elapsedS: 3, valuesByMetric: tight }, target);
  assertEquals(done.more, false);
  assertEquals(done.reason, "converged");
  assert(done.worstCiPercent <= 2);
});

Deno.test("decideAdaptive() needs three runs, then stops at max-runs or max-time", () => {
  const two = new Map([["a", [100, 100]]]);
  assertEquals(decideAdaptive({ runs: 2, elapsedS: 1, valuesByMetric: two }, target).more, true);
  const wide = new Map([["a", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]]);
  const runs = decideAdaptive({ runs: 10, elapsedS: 5, valuesByMetric: wide }, target);
  assertEquals([runs.more, runs.reason], [false, "max-runs"]);
  const time = decideAdaptive({ runs: 5, elapsedS: 60, valuesByMetric: wide }, target);
  assertEquals([time.more, time.reason], [false, "max-time"]);
  const none = decideAdaptive({ runs: 0, elapsedS: 0, valuesByMetric: new Map() }, target);
  assertEquals([none.more, none.worstCiPercent], [true, Infinity]);
});
