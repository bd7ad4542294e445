import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertStringIncludes,
  assertThrows,
} from "../tests/assert.ts";
import {
  erfc,
  incompleteBeta,
  logGamma,
  normalQuantile,
  normalSf,
  studentTTwoSided,
} from "./_distributions.ts";
import {
  medianAbsoluteDeviation,
  quantileSorted,
  sortedCopy,
  summarizeValues,
} from "./summarize_values.ts";
import { mannWhitneyU } from "./mann_whitney.ts";
import { welchTTest } from "./welch_t.ts";
import { holmAdjust } from "./holm_adjust.ts";
import { cliffsDeltaFromU, hodgesLehmannShift } from "./effect_size.ts";
import { detectOutliers } from "./detect_outliers.ts";
import { createRandom } from "./random.ts";
import { medianInPlace, select } from "./_select.ts";
import { bootstrapResamplesFor, medianInterval } from "./bootstrap_interval.ts";

interface Reference {
  samples: Record<string, number[]>;
  describe: Record<string, Record<string, number>>;
  pairs: {
    a: string;
    b: string;
    ties: boolean;
    mw_u: number;
    mw_asymptotic_p: number;
    mw_exact_p?: number;
    welch_t: number;
    welch_p: number;
    welch_df: number;
    cliffs_delta: number;
    hodges_lehmann: number;
  }[];
  holm: { p: number[]; adjusted: number[] }[];
  bootstrap_median_ci: { sample: string; low: number; high: number }[];
  special: {
    normal_sf: [number, number][];
    normal_ppf: [number, number][];
    t_two_sided: [number, number, number][];
    gammaln: [number, number][];
    betainc: [number, number, number, number][];
  };
}

const REF: Reference = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/reference_stats/reference.json", import.meta.url)),
);

function close(actual: number, expected: number, relative: number, what: string): void {
  const tolerance = expected === 0 ? 1e-12 : Math.abs(expected) * relative;
  assertAlmostEquals(actual, expected, tolerance, what);
}

Deno.test("special functions match SciPy (normal sf/ppf, t two-sided, gammaln, betainc)", () => {
  for (const [z, p] of REF.special.normal_sf) close(normalSf(z), p, 1e-12, `normalSf(${z})`);
  for (const [p, z] of REF.special.normal_ppf) close(normalQuantile(p), z, 1e-9, `ppf(${p})`);
  for (const [t, df, p] of REF.special.t_two_sided) {
    close(studentTTwoSided(t, df), p, 1e-10, `t(${t}, ${df})`);
  }
  for (const [x, g] of REF.special.gammaln) close(logGamma(x), g, 1e-12, `lgamma(${x})`);
  for (const [x, a, b, v] of REF.special.betainc) {
    close(incompleteBeta(x, a, b), v, 1e-11, `I(${x}; ${a}, ${b})`);
  }
  assertEquals(erfc(0), 1);
  close(erfc(-1), 2 - erfc(1), 1e-15, "erfc symmetry");
});

Deno.test("summarizeValues() and quantiles match NumPy on every reference sample", () => {
  for (const [name, values] of Object.entries(REF.samples)) {
    const ref = REF.describe[name];
    const s = summarizeValues(values);
    close(s.mean!, ref.mean, 1e-13, `${name} mean`);
    close(s.median!, ref.median, 1e-13, `${name} median`);
    close(s.sd!, ref.sd, 1e-12, `${name} sd`);
    assertEquals(s.min, ref.min);
    assertEquals(s.max, ref.max);
    const sorted = sortedCopy(values);
    for (const q of [10, 25, 75, 90]) {
      close(quantileSorted(sorted, q / 100), ref[`q${q}`], 1e-13, `${name} q${q}`);
    }
    close(medianAbsoluteDeviation(sorted), ref.mad, 1e-12, `${name} MAD`);
  }
});

Deno.test("summarizeValues() marks one value and no value with nulls, never NaN", () => {
  const one = summarizeValues([4.2]);
  assertEquals(one, { n: 1, mean: 4.2, median: 4.2, sd: null, cv: null, min: 4.2, max: 4.2 });
  const none = summarizeValues([]);
  assertEquals(none.mean, null);
  assertEquals(summarizeValues([0, 0, 0]).cv, null);
});

Deno.test("mannWhitneyU() matches SciPy: exact without ties, normal with tie correction", () => {
  for (const pair of REF.pairs) {
    const a = sortedCopy(REF.samples[pair.a]);
    const b = sortedCopy(REF.samples[pair.b]);
    const normal = mannWhitneyU(a, b, { method: "normal" });
    assertEquals(normal.u, pair.mw_u, `${pair.a} U`);
    close(normal.p, pair.mw_asymptotic_p, 1e-10, `${pair.a} asymptotic p`);
    assertEquals(normal.ties, pair.ties);
    const auto = mannWhitneyU(a, b);
    if (pair.mw_exact_p !== undefined) {
      assertEquals(auto.method, "exact", `${pair.a} uses the exact distribution`);
      close(auto.p, pair.mw_exact_p, 1e-12, `${pair.a} exact p`);
    } else {
      assertEquals(auto.method, "normal-tie-corrected", `${pair.a} has ties`);
    }
  }
});

Deno.test("mannWhitneyU() gives the textbook exact p of 2/20 for {1,2,3} vs {4,5,6}", () => {
  // All C(6,3) = 20 arrangements are equally likely; U = 0 and U = 9 have one each.
  const r = mannWhitneyU(new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6]));
  assertEquals(r.u, 0);
  assertAlmostEquals(r.p, 0.1, 1e-15);
  // All values tied: no evidence of a difference, p = 1 rather than NaN.
  assertEquals(mannWhitneyU(new Float64Array([2, 2]), new Float64Array([2, 2, 2])).p, 1);
});

Deno.test("welchTTest() matches SciPy's ttest_ind(equal_var=False)", () => {
  for (const pair of REF.pairs) {
    const r = welchTTest(REF.samples[pair.a], REF.samples[pair.b])!;
    close(r.t, pair.welch_t, 1e-12, `${pair.a} t`);
    close(r.df, pair.welch_df, 1e-12, `${pair.a} df`);
    close(r.p, pair.welch_p, 1e-9, `${pair.a} p`);
  }
  assertEquals(welchTTest([1], [2, 3]), null);
  assertEquals(welchTTest([1, 1], [1, 1]), null);
});

Deno.test("holmAdjust() matches the definition, keeps order and leaves nulls out of m", () => {
  for (const { p, adjusted } of REF.holm) {
    const out = holmAdjust(p);
    out.forEach((v, i) => close(v!, adjusted[i], 1e-14, `holm[${i}]`));
  }
  assertEquals(holmAdjust([0.01, null, 0.04]), [0.02, null, 0.04]);
});

Deno.test("cliffsDeltaFromU() and hodgesLehmannShift() match brute force", () => {
  for (const pair of REF.pairs) {
    const a = REF.samples[pair.a];
    const b = REF.samples[pair.b];
    const u = mannWhitneyU(sortedCopy(a), sortedCopy(b)).u;
    close(
      cliffsDeltaFromU(u, { m: a.length, n: b.length }),
      pair.cliffs_delta,
      1e-12,
      `${pair.a} delta`,
    );
    assertAlmostEquals(hodgesLehmannShift(a, b), pair.hodges_lehmann, 1e-9, `${pair.a} HL`);
  }
});

Deno.test("detectOutliers() flags the 45.0 timing by both rules and keeps the others", () => {
  const values = REF.samples.timings_a;
  const flags = detectOutliers(values);
  assertEquals(flags, [{ index: values.indexOf(45.0), tukey: true, mad: true }]);
  assertEquals(detectOutliers([1, 2, 100]), [], "n < 4 is never flagged");
  // Over half the values equal: MAD is 0 and must not flag every other value.
  const flat = detectOutliers([5, 5, 5, 5, 5, 6]);
  assert(flat.every((f) => !f.mad));
});

Deno.test("normalQuantile() rejects p outside (0, 1)", () => {
  assertThrows(() => normalQuantile(1), RangeError, "p must be in (0, 1)");
});

Deno.test("medianInPlace() equals the median of the sorted values, odd and even n, with ties", () => {
  const random = createRandom(9);
  for (const n of [1, 2, 3, 10, 11, 100, 1001]) {
    for (let trial = 0; trial < 5; trial++) {
      const values = Float64Array.from({ length: n }, () => Math.floor(random() * 20));
      const expected = summarizeValues(values).median!;
      assertEquals(medianInPlace(Float64Array.from(values), n), expected, `n = ${n}`);
    }
  }
});

/** The median of every difference a − b, by forming and sorting them. */
function bruteHodgesLehmann(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const diffs = new Float64Array(a.length * b.length);
  let k = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) diffs[k++] = a[i] - b[j];
  diffs.sort();
  const t = diffs.length;
  return t % 2 === 1 ? diffs[(t - 1) / 2] : (diffs[t / 2 - 1] + diffs[t / 2]) / 2;
}

Deno.test("hodgesLehmannShift() is exact for any sizes, with ties, in any order", () => {
  const random = createRandom(2);
  for (let trial = 0; trial < 300; trial++) {
    const small = trial < 150;
    const m = 1 + Math.floor(random() * (small ? 12 : 300));
    const n = 1 + Math.floor(random() * (small ? 12 : 300));
    // Half the trials draw from 10 values only: many tied differences, also at the median.
    const tied = trial % 2 === 0;
    const draw = () => tied ? Math.floor(random() * 10) : random() * 100 - 50;
    const a = Array.from({ length: m }, draw);
    const b = Array.from({ length: n }, draw);
    assertEquals(hodgesLehmannShift(a, b), bruteHodgesLehmann(a, b), `${m} × ${n}`);
  }
  // Above the sizes where the differences were once subsampled: still every pair counts.
  const a = Float64Array.from({ length: 1500 }, () => random() * 10 + 5).sort();
  const b = Float64Array.from({ length: 1100 }, () => random() * 10).sort();
  assertEquals(hodgesLehmannShift(a, b), bruteHodgesLehmann(a, b));
  assertEquals(hodgesLehmannShift([5, 6, 7], [1, 2]), 4.5);
  assert(Number.isNaN(hodgesLehmannShift([], [1])));
});

Deno.test("select() from a start just selected gives the same rank as a whole selection", () => {
  const random = createRandom(5);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(random() * 600);
    // Half the trials with many ties.
    const values = Float64Array.from(
      { length: n },
      () => trial % 2 === 0 ? Math.floor(random() * 8) : random(),
    );
    const sorted = values.slice().sort();
    const low = Math.floor(random() * n);
    const high = low + Math.floor(random() * (n - low));
    assertEquals(select(values, low, n), sorted[low]);
    assertEquals(select(values, high, n, low), sorted[high], `${low} then ${high} of ${n}`);
  }
});

Deno.test("bootstrapResamplesFor() caps the resamples so cost stays linear in n", () => {
  assertEquals(bootstrapResamplesFor(10), 2000);
  assertEquals(bootstrapResamplesFor(1000), 400);
  assertEquals(bootstrapResamplesFor(100_000), 200);
  const sorted = sortedCopy(Array.from({ length: 5000 }, (_, i) => i));
  const ci = medianInterval(sorted, { level: 0.95, random: createRandom(1) })!;
  assertStringIncludes(ci.method, "order-statistic");
  assert(ci.low < 2499.5 && ci.high > 2499.5 && ci.high - ci.low < 200);
  assertEquals(medianInterval(sortedCopy([3]), { level: 0.95, random: createRandom(1) }), null);
});

Deno.test("medianInterval() agrees with SciPy's percentile bootstrap of the median", () => {
  // Different random streams: endpoints may differ by about one order statistic.
  for (const ref of REF.bootstrap_median_ci) {
    const values = REF.samples[ref.sample];
    const tolerance = 0.05 * (Math.max(...values) - Math.min(...values));
    const ci = medianInterval(sortedCopy(values), { level: 0.95, random: createRandom(1) })!;
    assertAlmostEquals(ci.low, ref.low, tolerance, `${ref.sample} low`);
    assertAlmostEquals(ci.high, ref.high, tolerance, `${ref.sample} high`);
  }
});
