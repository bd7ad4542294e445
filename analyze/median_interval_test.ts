import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../tests/assert.ts";
import {
  medianOrderInterval,
  orderStatisticCoverage,
  smallestNForLevel,
} from "./median_interval.ts";

const REF: {
  median_coverage: { n: number; level: number; j: number; coverage: number }[];
  smallest_n: Record<string, number>;
} = JSON.parse(
  await Deno.readTextFile(
    new URL("../fixtures/reference_stats/verdict_reference.json", import.meta.url),
  ),
);

Deno.test("medianOrderInterval() picks SciPy's binomial ranks and states the coverage reached", () => {
  for (const c of REF.median_coverage) {
    const sorted = Float64Array.from({ length: c.n }, (_, i) => 10 + i);
    const ci = medianOrderInterval(sorted, c.level)!;
    assertEquals(ci.ranks, [c.j, c.n + 1 - c.j], `n ${c.n}, level ${c.level}`);
    assertEquals([ci.low, ci.high], [sorted[c.j - 1], sorted[c.n - c.j]]);
    assertAlmostEquals(ci.level, c.coverage, 1e-12, `n ${c.n}, level ${c.level}`);
    assertEquals(ci.reachesLevel, c.coverage >= c.level);
    assertAlmostEquals(orderStatisticCoverage(c.n, c.j), c.coverage, 1e-12);
  }
});

Deno.test("medianOrderInterval() at n = 3 says [min, max] covers 75 %, below the 95 % asked", () => {
  const ci = medianOrderInterval(Float64Array.of(4, 5, 9), 0.95)!;
  assertEquals([ci.low, ci.high, ci.level, ci.reachesLevel], [4, 9, 0.75, false]);
  assert(ci.method.includes("75.0 %") && ci.method.includes("n ≥ 6"), ci.method);
  const six = medianOrderInterval(Float64Array.of(1, 2, 3, 4, 5, 6), 0.95)!;
  assertEquals([six.level, six.reachesLevel], [1 - 2 / 64, true]);
  assertEquals(medianOrderInterval(Float64Array.of(1), 0.95), null);
});

Deno.test("smallestNForLevel() matches SciPy: 5 for 90 %, 6 for 95 %, 8 for 99 %", () => {
  for (const [level, n] of Object.entries(REF.smallest_n)) {
    assertEquals(smallestNForLevel(Number(level)), n, `level ${level}`);
  }
  assertThrows(() => smallestNForLevel(1), RangeError);
  assertThrows(() => orderStatisticCoverage(3, 3), RangeError);
});
