import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertStringIncludes,
  assertThrows,
} from "../tests/assert.ts";
import { InvalidInputError } from "../model/read_result_set.ts";
import { type IsolationClass, type ResultSet, ResultSetSchema } from "../model/result_set.ts";
import { AnalysisSchema, type Profile, type Recommendation } from "../model/analysis.ts";
import { analyzeResultSets } from "./analyze_result_sets.ts";
import { boundsOf, DEFAULT_CATEGORY_BOUNDS, desirability, recommend } from "./desirability.ts";
import { groupValues } from "./_group_values.ts";
import { BUILTIN_PROFILES, findProfile, parseProfiles } from "./profiles.ts";
import { createRandom } from "./random.ts";
import { resampleLocation, scoringTable } from "./scoring_table.ts";
import { SECURITY_POSTURE, securityPostureOf } from "./security_posture.ts";
import { IsolationClassSchema } from "../model/result_set.ts";

/** n values around `center`, uniform within ± spread/2 (seeded). */
function noisy(center: number, n: number, seed: number, spread: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => center + (random() - 0.5) * spread);
}

const ISOLATION: Record<string, IsolationClass> = {
  native: "native",
  runsc: "syscall-sandbox",
  "runsc-b": "syscall-sandbox",
};

/**
 * A result set of metrics (all lower is better, category cpu unless named "net.*") from
 * metric → runtime → values.
 */
function metricsSet(values: Record<string, Record<string, number[]>>): ResultSet {
  const runtimes = [...new Set(Object.values(values).flatMap((v) => Object.keys(v)))];
  const category = (metric: string) => (metric.startsWith("net.") ? "network" : "cpu");
  return ResultSetSchema.parse({
    schemaVersion: 1,
    runId: "desirability",
    status: "complete",
    host: { id: "h", description: "test host", cores: 2, memoryBytes: 2 ** 33 },
    runtimes: runtimes.map((id) => ({
      id,
      name: id,
      isolation: ISOLATION[id] ?? "os-container",
      historical: false,
    })),
    benchmarks: Object.keys(values).map((metric) => ({
      id: metric.split(".")[0],
      name: metric,
      category: category(metric),
      tool: "sh",
    })).filter((b, i, all) => all.findIndex((x) => x.id === b.id) === i),
    metrics: Object.keys(values).map((metric) => ({
      id: metric,
      benchmark: metric.split(".")[0],
      name: metric,
      category: category(metric),
      unit: "s",
      direction: "lower",
    })),
    samples: Object.entries(values).flatMap(([metric, perRuntime]) =>
      Object.entries(perRuntime).flatMap(([runtime, xs]) =>
        xs.map((value, iteration) => ({
          kind: "sample",
          runtime,
          benchmark: metric.split(".")[0],
          metric,
          unit: "s",
          direction: "lower",
          value,
          iteration,
          warmup: false,
          startedAt: "2026-01-01T00:00:00Z",
          finishedAt: "2026-01-01T00:00:01Z",
        }))
      )
    ),
    failures: [],
  });
}

const CPU_ONLY: Profile = {
  id: "cpu-only",
  name: "CPU only",
  description: "",
  weights: { cpu: 1 },
  security: 0,
  bounds: { cpu: { target: 1, unacceptable: 2 } },
};

function recommendationOf(set: ResultSet, profile: Profile = CPU_ONLY): Recommendation {
  const analysis = analyzeResultSets([set], { profiles: [profile] });
  AnalysisSchema.parse(analysis);
  return analysis.groups[0].recommendations[0];
}

function entryOf(rec: Recommendation, runtime: string) {
  const e = rec.entries.find((x) => x.runtime === runtime);
  assert(e, `${runtime} is listed`);
  return e;
}

Deno.test("desirability() maps a cost ratio linearly or on a log scale between the profile's bounds", () => {
  const linear = { target: 1, unacceptable: 1.5 };
  assertEquals(desirability(1, linear), 1);
  assertEquals(desirability(0.8, linear), 1, "better than the target needs nothing more");
  assertAlmostEquals(desirability(1.25, linear), 0.5, 1e-12);
  assertEquals(desirability(1.5, linear), 0);
  assertEquals(desirability(Infinity, linear), 0, "zero throughput: a veto");
  assertAlmostEquals(desirability(1.25, { ...linear, shape: 2 }), 0.25, 1e-12);
  const log = { target: 1, unacceptable: 100, scale: "log" as const };
  assertAlmostEquals(desirability(10, log), 0.5, 1e-12);
  assertAlmostEquals(desirability(1000 ** (1 / 3), { ...log, unacceptable: 1000 }), 2 / 3, 1e-12);
  assertEquals(desirability(0, log), 1, "a zero time is at least the target");
  assertThrows(
    () => desirability(1.2, { target: 1.5, unacceptable: 1 }),
    RangeError,
    "must be above target",
  );
});

Deno.test("parseProfiles() rejects reversed bounds, naming the profile and the category", () => {
  const profile = (bounds: unknown) => ({
    schemaVersion: 1,
    profiles: [{
      id: "mine",
      name: "Mine",
      description: "",
      weights: { cpu: 1, startup: 1 },
      security: 1,
      bounds,
    }],
  });
  const e = assertThrows(
    () =>
      parseProfiles(profile({ startup: { target: 10, unacceptable: 2, scale: "log" } }), "p.json"),
    InvalidInputError,
  );
  assertStringIncludes(e.message, 'Cannot read profile "p.json"');
  assertStringIncludes(e.message, "profiles[0].bounds.startup");
  assertStringIncludes(e.message, 'profile "mine" has reversed bounds for startup');
  assertStringIncludes(e.message, "unacceptable (2) must be above target (10)");
  const equal = assertThrows(
    () => parseProfiles(profile({ cpu: { unacceptable: 1 } }), "p.json"),
    InvalidInputError,
  );
  assertStringIncludes(equal.message, "unacceptable (1) must be above target (1)");
  assertThrows(
    () => parseProfiles(profile({ cpu: { unacceptable: 2, scale: "cubic" } }), "p.json"),
    InvalidInputError,
    "bounds.cpu.scale",
  );
  const ok = parseProfiles(profile({ cpu: { unacceptable: 2 } }), "p.json")[0];
  assertEquals(boundsOf(ok, "cpu"), { target: 1, unacceptable: 2, scale: "linear", shape: 1 });
  assertEquals(boundsOf(ok, "startup"), DEFAULT_CATEGORY_BOUNDS.startup);
});

Deno.test("the built-in profiles give bounds for every category they weigh; untrusted requires a sandbox or VM", () => {
  assertEquals(BUILTIN_PROFILES.length, 7);
  for (const p of BUILTIN_PROFILES) {
    for (const [category, w] of Object.entries(p.weights)) {
      if (w! > 0) assert(p.bounds?.[category as keyof typeof p.bounds], `${p.id}: ${category}`);
    }
  }
  const untrusted = findProfile("untrusted-multi-tenant").requires!.isolation!;
  assert(!untrusted.includes("os-container") && !untrusted.includes("native"));
  assert(untrusted.includes("syscall-sandbox") && untrusted.includes("microvm"));
  assertEquals(findProfile("io-heavy").weights.disk, 4);
  assertEquals(findProfile("web-service").weights.application, 4);
  const error = assertThrows(() => findProfile("gpu"), RangeError, 'unknown profile "gpu"');
  assertStringIncludes(error.message, "cpu-batch, network-microservice, io-heavy");
});

Deno.test("a runtime equivalent to the baseline scores as the baseline: its noise makes no difference in D", () => {
  const rec = recommendationOf(metricsSet({
    "loop.time": {
      native: noisy(10, 20, 1, 0.2),
      runc: noisy(10.1, 20, 2, 0.2), // 1 % slower, well inside ±5 %
      crun: noisy(9.95, 20, 3, 0.2),
      slow: noisy(13, 20, 4, 0.2),
    },
  }));
  const runc = entryOf(rec, "runc");
  const crun = entryOf(rec, "crun");
  for (const e of [runc, crun]) {
    assertEquals(e.categories[0].metricsEquivalent, 1, e.runtime);
    assertEquals(e.categories[0].ratio, 1, e.runtime);
    assertEquals(e.desirability, 1, e.runtime);
    assertStringIncludes(e.reasons.join(" "), "1 metric(s) within the margin of native");
  }
  assertEquals(runc.rank, crun.rank, "same D, same rank");
  assertEquals(runc.interval, { low: 1, high: 1, level: 0.95 });
  const slow = entryOf(rec, "slow");
  assertEquals(slow.categories[0].metricsEquivalent, 0);
  assertAlmostEquals(slow.desirability!, 1 - 0.3, 0.01, "ratio 1.3 between bounds 1 and 2");
  assert(slow.rank! > runc.rank!);
});

Deno.test("adding or removing a runtime changes no other runtime's D, interval or order", () => {
  const base = {
    native: noisy(10, 5, 1, 0.5),
    runc: noisy(11, 5, 2, 1),
    crun: noisy(11.3, 5, 3, 1),
  };
  const before = recommendationOf(metricsSet({ "loop.time": base }));
  const after = recommendationOf(metricsSet({
    "loop.time": { ...base, fast: noisy(9, 5, 4, 0.5), slow: noisy(19, 5, 5, 1) },
  }));
  for (const id of ["native", "runc", "crun"]) {
    const [a, b] = [entryOf(before, id), entryOf(after, id)];
    assertEquals(b.desirability, a.desirability, id);
    assertEquals(b.interval, a.interval, id);
  }
  const order = (r: Recommendation, keep: string[]) =>
    r.entries.filter((e) => keep.includes(e.runtime)).map((e) => e.runtime);
  assertEquals(order(after, ["native", "runc", "crun"]), order(before, ["native", "runc", "crun"]));
});

Deno.test("a runtime missing a weighed metric is not eligible, with the reason, never scored on what it has", () => {
  const rec = recommendationOf(metricsSet({
    "loop.time": { native: [10, 10.2, 9.9], runc: [11, 11.1, 10.9], crun: [10.5, 10.4, 10.6] },
    "spin.time": { native: [5, 5.1, 4.9], runc: [5.5, 5.4, 5.6] },
  }));
  const crun = entryOf(rec, "crun");
  assertEquals([crun.eligible, crun.rank, crun.desirability], [false, null, null]);
  assertStringIncludes(crun.ineligible.join(" "), "1 weighed metric(s) without a value");
  assertStringIncludes(crun.ineligible.join(" "), "spin.time");
  assertEquals(rec.entries.at(-1)!.runtime, "crun", "listed after the eligible ones");
  assertStringIncludes(rec.notes.join(" "), "1 of 3 runtimes are not eligible");
  // A metric the baseline lacks is left out for everyone alike, not held against anyone.
  const noBase = recommendationOf(metricsSet({
    "loop.time": { native: [10, 10.2, 9.9], runc: [11, 11.1, 10.9] },
    "spin.time": { runc: [5.5, 5.4, 5.6] },
  }));
  assert(entryOf(noBase, "runc").eligible);
  assertStringIncludes(noBase.notes.join(" "), "spin.time: the baseline native has no value");
});

Deno.test("a profile's required isolation leaves plain containers out while a sandbox was measured", () => {
  const values = {
    "loop.time": {
      native: noisy(10, 5, 1, 0.5),
      runc: noisy(10, 5, 2, 0.5),
      runsc: noisy(14, 5, 3, 0.5),
    },
  };
  // The profile's requirement, on the one category this set measures.
  const untrusted = { ...findProfile("untrusted-multi-tenant"), weights: { cpu: 1 } };
  const rec = recommendationOf(metricsSet(values), untrusted);
  assertEquals(rec.entries[0].runtime, "runsc");
  assertEquals(rec.entries[0].rank, 1);
  const runc = entryOf(rec, "runc");
  assertEquals(runc.eligible, false);
  assertStringIncludes(runc.ineligible[0], "requires isolation syscall-sandbox, microvm");
  assertStringIncludes(runc.ineligible[0], "this runtime is os-container");
  const none = recommendationOf(
    metricsSet({ "loop.time": { native: values["loop.time"].native, runc: [10, 10.1, 9.9] } }),
    untrusted,
  );
  assert(none.entries.every((e) => !e.eligible));
  assertStringIncludes(none.notes.join(" "), "no measured runtime meets the profile's requirement");
});

Deno.test("without a baseline no runtime is eligible, and each says why", () => {
  const set = metricsSet({ "loop.time": { runc: [1, 1.1, 0.9], crun: [2, 2.1, 1.9] } });
  const rec = analyzeResultSets([set], { profiles: [CPU_ONLY] }).groups[0].recommendations[0];
  assertEquals(rec.baseline, null);
  for (const e of rec.entries) {
    assertEquals(e.eligible, false);
    assertStringIncludes(e.ineligible[0], "no baseline in this group");
  }
});

Deno.test("stability: a clear first comes first in every resample; two runtimes alike are tied and share it", () => {
  const rec = recommendationOf(
    metricsSet({
      "loop.time": {
        native: noisy(10, 6, 1, 0.4),
        runc: noisy(12, 6, 2, 0.4),
        crun: noisy(12, 6, 3, 0.4),
        slow: noisy(17, 6, 4, 0.4),
      },
    }),
    { ...CPU_ONLY, security: 1 },
  );
  const runc = entryOf(rec, "runc");
  const crun = entryOf(rec, "crun");
  assertEquals(rec.resamples, 200);
  // os-container 0.4 beats native's security 0.1 by far: runc or crun is always first.
  assertAlmostEquals(runc.firstProbability! + crun.firstProbability!, 1, 1e-12);
  assert(runc.firstProbability! > 0.05 && crun.firstProbability! > 0.05, "shared");
  assert(runc.tiedWith.includes("crun") && crun.tiedWith.includes("runc"));
  const slow = entryOf(rec, "slow");
  assertEquals(slow.firstProbability, 0);
  assert(!slow.tiedWith.includes("runc"));
  assert(slow.interval!.high < runc.interval!.low);
  assertStringIncludes(rec.notes.join(" "), "tied, the data do not tell them apart");
  const sum = rec.entries.reduce((s, e) => s + (e.firstProbability ?? 0), 0);
  assertAlmostEquals(sum, 1, 1e-12);
});

Deno.test("resampleLocation() draws geometric means as uncertain as a t interval: wide for 3 values, normal for many", () => {
  // ln values 0, ln 2, ln 4: mean ln 2, s = ln 2, standard error ln 2 / √3; t(2) 97.5 % = 4.303.
  const small = [...resampleLocation([1, 2, 4], 4000, createRandom(1))].map(Math.log)
    .sort((a, b) => a - b);
  const se = Math.log(2) / Math.sqrt(3);
  const quantile = (xs: number[], p: number) => xs[Math.floor(p * (xs.length - 1))];
  assertAlmostEquals(quantile(small, 0.5), Math.log(2), 0.05, "centred on the geometric mean");
  assertAlmostEquals((quantile(small, 0.975) - Math.log(2)) / se, 4.303, 0.6);
  assertAlmostEquals((Math.log(2) - quantile(small, 0.025)) / se, 4.303, 0.6);
  // Far wider than the values' range, which a bootstrap's interval would not pass.
  assert(Math.exp(quantile(small, 0.975)) > 8 && Math.exp(quantile(small, 0.025)) < 0.5);
  const values = noisy(100, 1000, 7, 20);
  const large = resampleLocation(values, 4000, createRandom(2));
  const logs = values.map(Math.log);
  const m = logs.reduce((s, x) => s + x, 0) / logs.length;
  const seLarge = Math.sqrt(
    logs.reduce((s, x) => s + (x - m) ** 2, 0) / (logs.length - 1) / logs.length,
  );
  const drawn = [...large].map(Math.log);
  const dm = drawn.reduce((s, x) => s + x, 0) / drawn.length;
  const dsd = Math.sqrt(drawn.reduce((s, x) => s + (x - dm) ** 2, 0) / (drawn.length - 1));
  assertAlmostEquals(dm, m, seLarge / 5);
  assertAlmostEquals(dsd / seLarge, 1, 0.06);
  // One value is itself; with a zero among the values: the median of each bootstrap resample.
  assert(resampleLocation([7], 10, createRandom(4)).every((x) => x === 7));
  const withZero = resampleLocation([0, 3, 3, 3, 9], 500, createRandom(3));
  assert(withZero.every((x) => [0, 3, 9].includes(x)));
});

Deno.test("every isolation class has a security-posture score in (0, 1] with a rationale", () => {
  for (const isolation of IsolationClassSchema.options) {
    const s = securityPostureOf(isolation);
    assert(s.score > 0 && s.score <= 1);
    assert(s.rationale.length > 40);
  }
  assertEquals(SECURITY_POSTURE.length, IsolationClassSchema.options.length);
  assert(securityPostureOf("microvm").score > securityPostureOf("os-container").score);
});

Deno.test("parseProfiles() names the file, the JSON path, what was expected and what was found", () => {
  const bad = {
    schemaVersion: 1,
    profiles: [{ id: "mine", name: "Mine", description: "", weights: { cpu: "3" }, security: 1 }],
  };
  const e1 = assertThrows(() => parseProfiles(bad, "my.json"), InvalidInputError);
  assertStringIncludes(e1.message, 'Cannot read profile "my.json"');
  assertStringIncludes(e1.message, 'profiles[0].weights.cpu: expected number, got string "3"');
  const e2 = assertThrows(
    () =>
      parseProfiles(
        { id: "x", name: "X", description: "", weights: { gpu: 1 }, security: 1 },
        "p.json",
      ),
    InvalidInputError,
  );
  assertStringIncludes(e2.message, "weights: unexpected field(s) gpu");
  const e3 = assertThrows(
    () =>
      parseProfiles({ id: "x", name: "X", description: "", weights: {}, security: 0 }, "p.json"),
    InvalidInputError,
  );
  assertStringIncludes(e3.message, "expected at least one weight above 0");
  const e4 = assertThrows(
    () =>
      parseProfiles({
        id: "x",
        name: "X",
        description: "",
        weights: { cpu: 1 },
        security: 1,
        extra: 2,
      }, "p.json"),
    InvalidInputError,
  );
  assertStringIncludes(e4.message, "unexpected field(s) extra");
  const one = parseProfiles(
    { id: "x", name: "X", description: "d", weights: { cpu: 1 }, security: 2 },
    "p.json",
  );
  assertEquals(one[0].security, 2);
});

Deno.test("scoringTable() leaves out a cell the caller excludes, and the runtime is not eligible with that reason", () => {
  const set = metricsSet({
    "loop.time": { native: [10, 10.2, 9.9], runc: [11, 11.1, 10.9], crun: [10.5, 10.4, 10.6] },
  });
  const group = analyzeResultSets([set], { profiles: [] }).groups[0];
  const values = groupValues([{ set }], false)[0].metrics;
  const table = scoringTable(values, group.metrics, {
    baseline: "native",
    level: 0.95,
    seed: 1,
    marginOf: () => 0.05,
    exclude: (metric, runtime) =>
      metric === "loop.time" && runtime === "crun" ? "flagged not comparable" : null,
  });
  const rec = recommend(table, { runtimes: group.runtimes, profile: CPU_ONLY, level: 0.95 });
  const crun = entryOf(rec, "crun");
  assertEquals(crun.eligible, false);
  assertStringIncludes(crun.ineligible.join(" "), "loop.time: flagged not comparable");
  assert(entryOf(rec, "runc").eligible);
});

Deno.test("recommend() ranks no runtime measured once: one value resamples to itself, so D would have no interval", () => {
  // crun measured once: its D would be the same in every resample and "first" in all of them.
  const set = metricsSet({
    "loop.time": { native: [10, 10.2, 9.9], runc: [11, 11.1, 10.9], crun: [9] },
  });
  const rec = recommendationOf(set, CPU_ONLY);
  const crun = entryOf(rec, "crun");
  assertEquals([crun.eligible, crun.desirability, crun.firstProbability], [false, null, null]);
  assertStringIncludes(crun.ineligible.join(" "), "loop.time: one measured run, no spread");
  assert(entryOf(rec, "runc").eligible);
  // The baseline measured once: the metric has no ratio for any runtime, said once.
  const once = recommendationOf(
    metricsSet({ "loop.time": { native: [10], runc: [11, 11.1, 10.9], crun: [9, 9.1, 8.9] } }),
    CPU_ONLY,
  );
  assert(
    once.entries.every((e) => !e.eligible),
    JSON.stringify(once.entries.map((e) => e.ineligible)),
  );
  assertStringIncludes(once.notes.join(" "), "loop.time: one measured run, no spread");
});

Deno.test("recommend() leaves out, as not comparable, a metric the tool did not time in runs that timed its siblings", () => {
  // runc's runs gave loop.time but never loop.other (as bonnie++ prints +++++ for a test served
  // from a cache); crun's runs failed to give either value of loop.other... by giving none at all.
  const set = metricsSet({
    "loop.time": { native: [10, 10.2, 9.9], runc: [11, 11.1, 10.9] },
    "loop.other": { native: [5, 5.1, 4.9] },
  });
  const rec = recommendationOf(set, CPU_ONLY);
  const runc = entryOf(rec, "runc");
  assert(runc.eligible, runc.ineligible.join("; "));
  assertStringIncludes(runc.reasons.join(" "), "the tool timed it in 0 of the 3 runs");
  assertEquals(runc.categories[0].metricsUsed, 1);
});

Deno.test("recommend() leaves a not-comparable metric out of that runtime's category, which its other metrics still score", () => {
  const set = metricsSet({
    "loop.time": { native: [10, 10.2, 9.9], runc: [11, 11.1, 10.9], crun: [10.5, 10.4, 10.6] },
    "loop.other": { native: [5, 5.1, 4.9], runc: [5, 5.1, 4.9], crun: [7.5, 7.6, 7.4] },
  });
  const group = analyzeResultSets([set], { profiles: [] }).groups[0];
  const values = groupValues([{ set }], false)[0].metrics;
  const table = scoringTable(values, group.metrics, {
    baseline: "native",
    level: 0.95,
    seed: 1,
    marginOf: () => 0.05,
    exclude: (metric, runtime) =>
      metric === "loop.other" && runtime === "crun" ? "flagged not comparable" : null,
  });
  const rec = recommend(table, { runtimes: group.runtimes, profile: CPU_ONLY, level: 0.95 });
  const crun = entryOf(rec, "crun");
  assert(crun.eligible, crun.ineligible.join("; "));
  assertStringIncludes(
    crun.reasons.join(" "),
    "1 weighed metric(s) left out of its score as flagged not comparable: loop.other",
  );
  assertEquals(crun.categories[0].metricsUsed, 1);
  // crun is scored on loop.time alone (5 % slower), not on its 1.5× loop.other.
  assertEquals(entryOf(rec, "runc").categories[0].metricsUsed, 2);
  assert(crun.categories[0].ratio! < 1.1, String(crun.categories[0].ratio));
});

Deno.test("a profile weighing a category the group did not measure makes no runtime eligible", () => {
  const set = metricsSet({ "loop.time": { native: [10, 10.2, 9.9], runc: [11, 11.1, 10.9] } });
  const rec = recommendationOf(set, { ...CPU_ONLY, weights: { network: 1 }, bounds: undefined });
  assert(rec.entries.every((e) => !e.eligible && e.desirability === null));
  assertStringIncludes(rec.entries[0].ineligible[0], "did not measure network (weight 1 of 1)");
  assertStringIncludes(rec.notes.join(" "), "not assessed: the profile weighs network");
  // One weighed category missing is enough: the runtimes would all be scored without it.
  const partly = recommendationOf(set, {
    ...CPU_ONLY,
    weights: { cpu: 3, network: 1 },
    bounds: undefined,
  });
  assert(partly.entries.every((e) => !e.eligible && e.desirability === null));
  assertStringIncludes(partly.entries[0].ineligible[0], "did not measure network (weight 1 of 4)");
});

Deno.test("recommend() lists a runtime on a legacy platform as not eligible, and its modern sibling stands for it", () => {
  const set = metricsSet({
    "loop.time": {
      native: noisy(10, 8, 1, 0.2),
      "runsc-a": noisy(11, 8, 2, 0.2),
      "runsc-b": noisy(10.5, 8, 3, 0.2),
    },
  });
  set.runtimes = set.runtimes.map((r) =>
    r.id === "runsc-a"
      ? { ...r, isolation: "syscall-sandbox", platform: { name: "ptrace", legacy: true } }
      : r.id === "runsc-b"
      ? { ...r, isolation: "syscall-sandbox", platform: { name: "systrap", legacy: false } }
      : r
  );
  const analysis = analyzeResultSets([set], { profiles: [CPU_ONLY] });
  const group = analysis.groups[0];
  assertEquals(group.runtimes.find((r) => r.id === "runsc-a")?.platform, {
    name: "ptrace",
    legacy: true,
  });
  const rec = group.recommendations[0];
  const legacy = entryOf(rec, "runsc-a");
  assertEquals(legacy.eligible, false);
  assertStringIncludes(legacy.ineligible.join(" "), "ptrace platform");
  assertStringIncludes(legacy.ineligible.join(" "), "legacy platform");
  assert(entryOf(rec, "runsc-b").eligible, entryOf(rec, "runsc-b").ineligible.join("; "));
  assertEquals(AnalysisSchema.safeParse(analysis).success, true);

  // With only the legacy one measured, a profile that requires a sandbox says why none is eligible.
  const sandboxOnly: Profile = { ...CPU_ONLY, requires: { isolation: ["syscall-sandbox"] } };
  set.runtimes = set.runtimes.filter((r) => r.id !== "runsc-b");
  set.samples = set.samples.filter((o) => o.runtime !== "runsc-b");
  const alone = analyzeResultSets([set], { profiles: [sandboxOnly] }).groups[0].recommendations[0];
  assertEquals(alone.entries.filter((e) => e.eligible), []);
  assert(
    alone.notes.some((n) => n.includes("runsc-a ran on a legacy one")),
    alone.notes.join("; "),
  );
});
