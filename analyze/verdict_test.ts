import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../tests/assert.ts";
import { bonferroniLevel, decideVerdict, RANK_INTERVAL_MIN_N } from "./verdict.ts";
import { studentTQuantile } from "./_distributions.ts";
import { createRandom } from "./random.ts";

interface Case {
  name: string;
  baseline: number[];
  runtime: number[];
  level: number;
  ratio: number;
  low: number;
  high: number;
  df?: number;
  achieved?: number;
}

const REF: { welch_log: Case[]; rank_log: Case[]; t_ppf: [number, number, number][] } = JSON
  .parse(
    await Deno.readTextFile(
      new URL("../fixtures/reference_stats/verdict_reference.json", import.meta.url),
    ),
  );

function close(actual: number | null, expected: number, relative: number, what: string): void {
  assert(actual !== null, `${what}: got null`);
  assertAlmostEquals(actual, expected, Math.abs(expected) * relative, what);
}

Deno.test("decideVerdict() matches SciPy's Welch interval on ln values for small n", () => {
  for (const c of REF.welch_log) {
    const v = decideVerdict(c.baseline, c.runtime, {
      direction: "lower",
      margin: 0.05,
      level: c.level,
      equivalence: false,
    });
    close(v.ratio, c.ratio, 1e-12, `${c.name}: ratio`);
    close(v.low, c.low, 1e-8, `${c.name}: low`);
    close(v.high, c.high, 1e-8, `${c.name}: high`);
    assertEquals(v.level, c.level, c.name);
    assert(v.method.startsWith("Welch's t on ln values"), v.method);
    assert(v.method.includes(`df ${c.df!.toFixed(1)}`), `${c.name}: ${v.method}`);
  }
});

Deno.test("decideVerdict() matches the enumerated rank-based interval and its achieved level", () => {
  for (const c of REF.rank_log) {
    assert(Math.min(c.baseline.length, c.runtime.length) >= RANK_INTERVAL_MIN_N);
    const v = decideVerdict(c.baseline, c.runtime, {
      direction: "higher",
      margin: 0.05,
      level: c.level,
      equivalence: false,
    });
    close(v.ratio, c.ratio, 1e-12, `${c.name}: ratio`);
    close(v.low, c.low, 1e-12, `${c.name}: low`);
    close(v.high, c.high, 1e-12, `${c.name}: high`);
    close(v.level, c.achieved!, 1e-12, `${c.name}: achieved level`);
    assert(v.level! >= c.level, "the achieved level is at least the one asked for");
    assert(v.method.startsWith("rank-based interval"), v.method);
  }
});

Deno.test("studentTQuantile() matches SciPy's t.ppf, fractional df included", () => {
  for (const [p, df, t] of REF.t_ppf) {
    assertAlmostEquals(studentTQuantile(p, df), t, Math.abs(t) * 1e-9, `p ${p}, df ${df}`);
  }
});

Deno.test("decideVerdict() is direction-aware: a 40× slower time is worse, a 40× throughput better", () => {
  const base = [1000, 1040, 980];
  const slow = [41000, 45000, 43000];
  const worse = decideVerdict(base, slow, { direction: "lower", margin: 0.05, level: 0.95 });
  assertEquals([worse.verdict, worse.beyondMargin], ["worse", true]);
  assert(worse.low! > 1.05 && worse.ratio! > 40 && worse.ratio! < 45);
  assert(worse.reason.includes("above 1") && worse.reason.includes("beyond the ±5 % margin"));
  const better = decideVerdict(base, slow, { direction: "higher", margin: 0.05, level: 0.95 });
  assertEquals([better.verdict, better.beyondMargin], ["better", true]);
  assertEquals([better.ratio, better.low, better.high], [worse.ratio, worse.low, worse.high]);
});

Deno.test("decideVerdict() calls a tight interval inside the margin equivalent", () => {
  const base = [100, 100.4, 99.7, 100.2, 99.9, 100.1];
  const same = [100.3, 99.8, 100.1, 100.0, 99.6, 100.2];
  const v = decideVerdict(base, same, { direction: "lower", margin: 0.05, level: 0.95 });
  assertEquals([v.verdict, v.withinMargin], ["equivalent", true]);
  assert(v.low! >= 1 / 1.05 && v.high! <= 1.05);
  assert(v.reason.includes("within the ±5 % margin"), v.reason);
});

Deno.test("decideVerdict() flags a decided difference smaller than the margin", () => {
  const base = [100, 100.1, 99.9, 100.05, 99.95];
  const slower = base.map((x) => x * 1.02);
  const v = decideVerdict(base, slower, { direction: "lower", margin: 0.05, level: 0.95 });
  assertEquals([v.verdict, v.beyondMargin, v.withinMargin], ["worse", false, true]);
  assert(v.high! < 1.05, "the interval lies within the margin");
  assert(v.reason.includes("not entirely beyond"), v.reason);
});

Deno.test("decideVerdict() leaves a wide interval across 1 undetermined", () => {
  const v = decideVerdict([10, 14, 8], [11, 7, 15], {
    direction: "lower",
    margin: 0.05,
    level: 0.95,
  });
  assertEquals(v.verdict, "undetermined");
  assert(v.low! < 1 && v.high! > 1.05);
  assert(v.reason.includes("more samples"), v.reason);
});

Deno.test("decideVerdict() decides nothing from values ≤ 0, one sample or no spread, and says why", () => {
  const options = { direction: "higher" as const, margin: 0.05, level: 0.95 };
  const zero = decideVerdict([5, 5.1, 4.9], [0, 0, 0], options);
  assertEquals([zero.verdict, zero.ratio, zero.low, zero.high], ["undetermined", null, null, null]);
  assert(zero.reason.includes("≤ 0 on the runtime side"), zero.reason);
  const negative = decideVerdict([-1, 2, 3], [4, 5, 6], options);
  assert(negative.reason.includes("baseline side (smallest -1)"), negative.reason);
  const one = decideVerdict([5, 5.1], [7], options);
  assertEquals([one.verdict, one.n, one.baselineN], ["undetermined", 1, 2]);
  assert(one.reason.includes("at least 2 on each side"), one.reason);
  const flat = decideVerdict([5, 5, 5], [7, 7, 7], options);
  assertEquals(flat.verdict, "undetermined");
  assert(flat.reason.includes("neither side varies"), flat.reason);
});

Deno.test("decideVerdict() rejects non-finite values and bad options with what was wrong", () => {
  const ok = { direction: "lower" as const, margin: 0.05, level: 0.95 };
  assertThrows(() => decideVerdict([1, NaN], [1, 2], ok), RangeError, "baseline value [1] is NaN");
  assertThrows(
    () => decideVerdict([1, 2], [1, Infinity], ok),
    RangeError,
    "runtime value [1] is Infinity",
  );
  assertThrows(() => decideVerdict([1, 2], [1, 2], { ...ok, margin: 0 }), RangeError, "margin");
  assertThrows(() => decideVerdict([1, 2], [1, 2], { ...ok, level: 1 }), RangeError, "level");
});

Deno.test("decideVerdict() falls back to Welch when the rank interval cannot reach the level", () => {
  // With 10 vs 10 values the most extreme exact tail is 1/184756 a side: 1 − 1e-6 is out of reach.
  const base = Array.from({ length: 10 }, (_, i) => 100 + i);
  const runtime = base.map((x) => x * 3);
  const reachable = decideVerdict(base, runtime, { direction: "lower", margin: 0.05, level: 0.99 });
  assert(reachable.method.startsWith("rank-based"), reachable.method);
  const v = decideVerdict(base, runtime, { direction: "lower", margin: 0.05, level: 1 - 1e-6 });
  assert(v.method.startsWith("Welch's t"), v.method);
  assertEquals(v.verdict, "worse");
});

Deno.test("bonferroniLevel() splits the error rate over the comparisons", () => {
  assertAlmostEquals(bonferroniLevel(0.95, 14), 1 - 0.05 / 14, 1e-15);
  assertEquals(bonferroniLevel(0.95, 0), 0.95);
  assertThrows(() => bonferroniLevel(1.5, 3), RangeError);
});

Deno.test("decideVerdict() decides equivalence by two one-sided tests: the interval at 2·level − 1", () => {
  // Across 1 and beyond the ±5 % margin at 95 %, inside it at 90 %: equivalent by the two
  // one-sided tests at 5 % each, the interval shown being the 90 % one.
  const base = [100, 106, 95.5, 101.5, 97, 104.5];
  const same = [101.5, 95.5, 104.5, 98.5, 106, 97];
  const at95 = decideVerdict(base, same, {
    direction: "higher",
    margin: 0.05,
    level: 0.95,
    equivalence: false,
  });
  const at90 = decideVerdict(base, same, {
    direction: "higher",
    margin: 0.05,
    level: 0.90,
    equivalence: false,
  });
  assert(at95.high! > 1.05 || at95.low! < 1 / 1.05, `95 %: [${at95.low}, ${at95.high}]`);
  assert(at90.high! <= 1.05 && at90.low! >= 1 / 1.05, `90 %: [${at90.low}, ${at90.high}]`);
  const v = decideVerdict(base, same, { direction: "higher", margin: 0.05, level: 0.95 });
  assertEquals(v.verdict, "equivalent");
  assertEquals([v.low, v.high], [at90.low, at90.high]);
  assertAlmostEquals(v.level!, 0.9, 1e-12);
  assert(v.method.includes("two one-sided tests"), v.method);
  assertEquals(at95.verdict, "undetermined", "without the equivalence test nothing is decided");
});

Deno.test("decideVerdict(): at a true ratio on the margin, a false equivalent is at most as rare as 1 − level", () => {
  // Log-normal values, CV ≈ 5 %, the runtime's true ratio exactly 1 + δ: `equivalent` is false
  // here, and the two one-sided tests at 5 % each keep it to ≤ 5 % (about 5 % at this boundary).
  const random = createRandom(20261201);
  const normal = () => {
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const sample = (centre: number, n: number) =>
    Array.from({ length: n }, () => centre * Math.exp(0.05 * normal()));
  for (const n of [5, 20]) {
    const trials = 2000;
    let equivalent = 0;
    for (let t = 0; t < trials; t++) {
      const v = decideVerdict(sample(100, n), sample(105, n), {
        direction: "lower",
        margin: 0.05,
        level: 0.95,
      });
      if (v.verdict === "equivalent") equivalent++;
    }
    // 5 % plus three binomial standard errors of 2,000 trials.
    assert(
      equivalent / trials <= 0.05 + 3 * Math.sqrt(0.05 * 0.95 / trials),
      `n = ${n}: ${equivalent}`,
    );
  }
});
