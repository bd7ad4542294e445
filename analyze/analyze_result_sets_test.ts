import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertNotEquals,
  assertStringIncludes,
  assertThrows,
} from "../tests/assert.ts";
import { readResultSet } from "../model/read_result_set.ts";
import { type ResultSet, ResultSetSchema, type Sample } from "../model/result_set.ts";
import { AnalysisSchema, type MetricAnalysis } from "../model/analysis.ts";
import { analyzeResultSets } from "./analyze_result_sets.ts";
import { createRandom } from "./random.ts";
import { findProfile } from "./profiles.ts";

const PAPER_DIR = new URL("../fixtures/paper_2020/", import.meta.url);
const PAPER_FILES = [
  "table6_ycruncher.json",
  "table7_multicore.json",
  "table8_bonnie.json",
  "table10_ycruncher_io.json",
  "table11_stream.json",
  "table12_netperf.json",
];
const PAPER = await Promise.all(
  PAPER_FILES.map((f) => readResultSet(new URL(f, PAPER_DIR).pathname)),
);

function metricOf(analysis: ReturnType<typeof analyzeResultSets>, id: string): MetricAnalysis {
  const m = analysis.groups.flatMap((g) => g.metrics).find((x) => x.metric === id);
  assert(m, `metric ${id} is analysed`);
  return m;
}

/** A result set of raw samples: runtime → values, one metric "t" (seconds, lower is better). */
function sampleSet(
  values: Record<string, number[]>,
  options: { hostId?: string; runId?: string; metric?: string } = {},
): ResultSet {
  const metric = options.metric ?? "loop.time";
  const samples: Sample[] = Object.entries(values).flatMap(([runtime, xs]) =>
    xs.map((value, iteration) => ({
      kind: "sample" as const,
      runtime,
      benchmark: "loop",
      metric,
      unit: "s",
      direction: "lower" as const,
      value,
      iteration,
      warmup: false,
      startedAt: "2026-01-01T00:00:00Z",
      finishedAt: "2026-01-01T00:00:01Z",
    }))
  );
  return ResultSetSchema.parse({
    schemaVersion: 1,
    runId: options.runId ?? "run-a",
    status: "complete",
    host: {
      id: options.hostId ?? "host-a",
      description: "test host",
      cores: 2,
      memoryBytes: 2 ** 33,
    },
    runtimes: Object.keys(values).map((id) => ({
      id,
      name: id,
      isolation: id === "native" ? "native" : id === "runsc" ? "syscall-sandbox" : "os-container",
      historical: false,
    })),
    benchmarks: [{ id: "loop", name: "loop", category: "cpu", tool: "sh" }],
    metrics: [{
      id: metric,
      benchmark: "loop",
      name: "loop time",
      category: "cpu",
      unit: "s",
      direction: "lower",
    }],
    samples,
    failures: [],
  });
}

function noisy(center: number, n: number, seed: number, spread = 1): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => center + (random() - 0.5) * spread);
}

Deno.test("analyzeResultSets() merges the six paper tables into one host group that validates", () => {
  const analysis = analyzeResultSets(PAPER, { labels: PAPER_FILES });
  AnalysisSchema.parse(analysis);
  assertEquals(analysis.groups.length, 1);
  const g = analysis.groups[0];
  assertEquals(g.id, "azure-d2v3-france");
  assertEquals(g.sources.map((s) => s.label), PAPER_FILES);
  assertEquals(g.metrics.length, 2 + 2 + 4 + 7 + 8 + 8);
  assertEquals(g.baseline.used, null, "the paper has no native row");
  assertStringIncludes(g.baseline.note, "best runtime");
  assert(!JSON.stringify(analysis).includes("NaN"));
});

Deno.test("analyzeResultSets() ranks Table 6 by published mean, lower first, significance unknown", () => {
  const m = metricOf(analyzeResultSets(PAPER), "ycruncher.computation_time");
  assertEquals(m.kind, "summary");
  assertEquals(m.ranking!.significance, "unknown");
  assertEquals(m.ranking!.entries.map((e) => e.runtime), [
    "podman",
    "docker-ubuntu20",
    "rkt",
    "kata",
    "gvisor",
    "docker-ubuntu18",
    "firecracker",
    "wsl2",
  ]);
  assertEquals(m.ranking!.entries.map((e) => e.rank), [1, 2, 3, 4, 5, 6, 7, 8]);
  assertEquals(m.reference, {
    runtime: "podman",
    mode: "best",
    note: "no baseline runtime in this group: ratios are to the best runtime of this metric",
  });
  const wsl = m.ratios.find((r) => r.runtime === "wsl2")!;
  assertAlmostEquals(wsl.ratio!, 5.5852 / 4.6532, 1e-12);
  assertAlmostEquals(wsl.overheadPercent!, (5.5852 / 4.6532 - 1) * 100, 1e-9);
  assertEquals(wsl.ci, null);
  assertEquals(m.pairwise, []);
  const podman = m.summaries.find((s) => s.runtime === "podman")!;
  assertEquals(podman.reportedN, 10);
  assertEquals(podman.statistic, "mean");
  assertEquals(podman.sd, null);
});

Deno.test("analyzeResultSets() shares a rank between equal published values and leaves gVisor's ?? unranked", () => {
  const a = analyzeResultSets(PAPER);
  const seqRead = metricOf(a, "ycruncher_io.seq_read");
  const firstFive = seqRead.ranking!.entries.slice(0, 5);
  assert(firstFive.every((e) => e.rank === 1 && e.value === 51.6));
  assertEquals(seqRead.ranking!.entries[5].rank, 6);
  const eff = metricOf(a, "ycruncher.multicore_efficiency");
  const gvisor = eff.ranking!.entries.find((e) => e.runtime === "gvisor")!;
  assertEquals(gvisor.rank, null);
  assertStringIncludes(gvisor.notes[0], "unable to obtain CPU information");
  assertEquals(metricOf(a, "ycruncher_io.ratio").ranking, null, "direction none is not ranked");
});

Deno.test("analyzeResultSets() category scores are geometric means of ratios to each metric's best", () => {
  const g = analyzeResultSets(PAPER).groups[0];
  const podmanCpu = g.categories.find((c) => c.runtime === "podman" && c.category === "cpu")!;
  // Podman is best on computation time, total time and utilisation; efficiency's best is 108.739.
  assertAlmostEquals(podmanCpu.score!, (99.043 / 108.739) ** (1 / 4), 1e-12);
  assertEquals(podmanCpu.metricsUsed, 4);
  const gvisorCpu = g.categories.find((c) => c.runtime === "gvisor" && c.category === "cpu")!;
  assertEquals(gvisorCpu.metricsUsed, 2);
  assertEquals(gvisorCpu.metricsMissing, 2);
  const overall = g.categories.filter((c) => c.category === "overall");
  assertEquals(overall.length, 8);
  assert(overall.every((c) => c.score! > 0 && c.score! <= 1));
  const podmanWins = g.winsLosses.find((w) => w.runtime === "podman")!;
  assert(podmanWins.wins >= 6, `podman wins ${podmanWins.wins}`);
});

Deno.test("analyzeResultSets() sanity checks find the paper's impossible and inconsistent values", () => {
  const findings = analyzeResultSets(PAPER, { labels: PAPER_FILES }).groups[0].sanity;
  const find = (rule: string, runtime: string, metric?: string) =>
    findings.find((f) =>
      f.rule === rule &&
      f.values.some((v) => v.runtime === runtime && (metric === undefined || v.metric === metric))
    );
  const eff = find("efficiency-above-100", "docker-ubuntu20")!;
  assertEquals(eff.severity, "error");
  assertEquals(eff.values[0].value, 108.739);
  assertEquals(eff.values[0].source, "Table 7");
  assertEquals(eff.where, ["table7_multicore.json (paper-2020-table7)"]);
  const ratio = find("efficiency-vs-utilisation", "docker-ubuntu20")!;
  assertStringIncludes(ratio.message, "197.705 % ÷ 2 cores = 98.85 %");
  assertEquals(find("efficiency-vs-utilisation", "podman"), undefined, "podman is consistent");
  const disk = find(
    "disk-throughput-above-device-max",
    "docker-ubuntu18",
    "bonnie.seq_input_block",
  )!;
  assertStringIncludes(disk.message, "3913 MB/s");
  assertEquals(
    find("disk-throughput-above-device-max", "kata", "bonnie.seq_input_block"),
    undefined,
  );
  assert(find("per-char-faster-than-block", "podman", "bonnie.seq_output_char"));
  const strided = find("scattered-faster-than-sequential", "gvisor", "ycruncher_io.strided_read")!;
  assertStringIncludes(strided.message, "234 MB/s");
  assertEquals(
    findings.filter((f) => f.rule === "scattered-faster-than-sequential").length,
    1,
    "only gVisor's strided read outruns its sequential read",
  );
  assert(find("throughput-latency-inconsistent", "docker-ubuntu18", "netperf.tcp_rr_throughput"));
  assert(findings.some((f) => f.rule === "rr-throughput-unit"));
  const precision = find(
    "printed-precision-inconsistent",
    "docker-ubuntu20",
    "stream.add_avg_time",
  )!;
  assertStringIncludes(precision.message, "0.4913836");
  assert(find("stream-array-size-differs", "kata"));
  assertEquals(find("stream-array-size-differs", "podman"), undefined);
  assert(find("missing-value", "gvisor", "ycruncher.cpu_utilization"));
  assert(find("network-above-memory-bandwidth", "podman", "netperf.tcp_stream_throughput"));
});

Deno.test("analyzeResultSets() with an unknown explicit baseline lists the runtimes there are", () => {
  const error = assertThrows(
    () => analyzeResultSets(PAPER, { baseline: "native" }),
    RangeError,
    'baseline "native" is not a runtime of host group "azure-d2v3-france"',
  );
  assertStringIncludes(error.message, "podman, docker-ubuntu20, rkt");
});

Deno.test("analyzeResultSets() ranks samples as intervals: equal runtimes overlap, a slower one is last", () => {
  const base = noisy(10, 20, 1);
  const set = sampleSet({
    native: base,
    runc: [...base].reverse(), // the same values: no difference
    runsc: base.map((x) => x * 1.5),
  });
  const analysis = analyzeResultSets([set], { seed: 7 });
  AnalysisSchema.parse(analysis);
  const m = analysis.groups[0].metrics[0];
  assertEquals(m.ranking!.significance, "tested");
  const ranks = Object.fromEntries(
    m.ranking!.entries.map((e) => [e.runtime, [e.rank, e.rankBest, e.rankWorst]]),
  );
  assertEquals(ranks.native, [1, 1, 2]);
  assertEquals(ranks.runc, [1, 1, 2]);
  assertEquals(ranks.runsc, [3, 3, 3]);
  assertEquals(m.reference!.mode, "baseline");
  const runsc = m.ratios.find((r) => r.runtime === "runsc")!;
  assertAlmostEquals(runsc.ratio!, 1.5, 1e-12);
  assertAlmostEquals(runsc.overheadPercent!, 50, 1e-9);
  assert(runsc.ci!.low < 1.5 && runsc.ci!.high > 1.5 && runsc.ci!.low > 1.3, "CI around 1.5");
  const test = m.pairwise.find((p) => p.a === "native" && p.b === "runsc")!;
  assertEquals(test.mannWhitney!.method, "exact");
  assertEquals(test.significant, true);
  assertEquals(test.cliffsDelta, -1);
  assertEquals(m.pairwise.find((p) => p.b === "runc")!.significant, false);
  assertEquals(test.decision!.better, "native");
  assertEquals(m.pairwise.find((p) => p.b === "runc")!.decision!.better, null);
  assertEquals(m.pairwise.length, 3);
  const s = m.summaries.find((x) => x.runtime === "native")!;
  assert(s.ci!.low <= s.median! && s.median! <= s.ci!.high);
  const sorted = [...base].sort((x, y) => x - y);
  // n = 20: order statistics 6 and 15 cover 1 − 2·P(Bin(20, ½) ≤ 5) = 0.9586.
  assertEquals([s.ci!.low, s.ci!.high], [sorted[5], sorted[14]]);
  assertAlmostEquals(s.ci!.level, 0.958610534667969, 1e-12);
  assertEquals(s.ci!.requestedLevel, 0.95);
});

Deno.test("analyzeResultSets() is reproducible for a seed and flags outliers without dropping them", () => {
  const values = [...noisy(10, 30, 3), 40];
  const set = sampleSet({ native: values, runc: noisy(10.5, 30, 4) });
  const a = analyzeResultSets([set], { seed: 5 });
  const b = analyzeResultSets([set], { seed: 5 });
  const c = analyzeResultSets([set], { seed: 6 });
  assertEquals(a, b);
  assertNotEquals(a.groups[0].metrics[0].ratios[1].ci, c.groups[0].metrics[0].ratios[1].ci);
  const native = a.groups[0].metrics[0].summaries[0];
  assertEquals(native.n, 31);
  assertEquals(native.max, 40);
  assertEquals(native.outliers.map((o) => [o.iteration, o.value, o.rules]), [[30, 40, [
    "tukey",
    "mad",
  ]]]);
  assert(a.groups[0].sanity.some((f) => f.rule === "suspicious-outliers"));
});

Deno.test("analyzeResultSets() marks a metric with one sample per runtime, never NaN", () => {
  const set = sampleSet({ native: [2], runc: [3] });
  const analysis = analyzeResultSets([set]);
  AnalysisSchema.parse(analysis);
  const m = analysis.groups[0].metrics[0];
  const s = m.summaries[0];
  assertEquals([s.n, s.sd, s.cv, s.ci], [1, null, null, null]);
  assertStringIncludes(s.notes.join(" "), "single sample");
  // Nothing is decided: each may rank anywhere in 1–2.
  assertEquals(m.ranking!.significance, "tested");
  assertEquals(m.ranking!.entries.map((e) => [e.runtime, e.rankBest, e.rankWorst]), [
    ["native", 1, 2],
    ["runc", 1, 2],
  ]);
  assertEquals(m.pairwise, []);
  assertEquals(m.ratios.find((r) => r.runtime === "runc")!.ratio, 1.5);
  assert(!JSON.stringify(analysis).includes("NaN"));
});

Deno.test("analyzeResultSets() keeps hosts apart unless asked to pool", () => {
  const a = sampleSet({ native: noisy(10, 10, 1), runc: noisy(11, 10, 2) }, { hostId: "h1" });
  const b = sampleSet({ native: noisy(20, 10, 3), runc: noisy(21, 10, 4) }, {
    hostId: "h2",
    runId: "run-b",
  });
  const apart = analyzeResultSets([a, b]);
  assertEquals(apart.groups.map((g) => g.id), ["h1", "h2"]);
  assertStringIncludes(apart.notes[0], "separate groups");
  assertEquals(apart.groups[0].metrics[0].summaries[0].n, 10);
  const pooled = analyzeResultSets([a, b], { pool: true });
  assertEquals(pooled.groups.length, 1);
  assertEquals(pooled.groups[0].pooled, true);
  assertEquals(pooled.groups[0].hostIds, ["h1", "h2"]);
  assertEquals(pooled.groups[0].metrics[0].summaries[0].n, 20);
  assertStringIncludes(pooled.notes[0], "pooled");
});

Deno.test("analyzeResultSets() warns when pooled result sets ran under different mitigations", () => {
  const vulnerabilities = (spectreV2: string) => ({
    meltdown: "Not affected",
    spectre_v2: spectreV2,
  });
  const a = sampleSet({ native: noisy(10, 10, 1), runc: noisy(11, 10, 2) }, { hostId: "h1" });
  a.host.vulnerabilities = vulnerabilities("Mitigation: Retpolines; IBPB: conditional");
  const b = sampleSet({ native: noisy(20, 10, 3), runc: noisy(21, 10, 4) }, {
    hostId: "h2",
    runId: "run-b",
  });
  b.host.vulnerabilities = vulnerabilities("Mitigation: Enhanced / Automatic IBRS");
  const pooled = analyzeResultSets([a, b], { pool: true, labels: ["a.json", "b.json"] });
  const warning = pooled.groups[0].sanity.find((f) => f.rule === "mitigations-differ");
  assert(warning, "a finding on the differing mitigations");
  assertEquals(warning.severity, "warning");
  assertStringIncludes(warning.message, 'spectre_v2: "Mitigation: Retpolines; IBPB: conditional"');
  assertStringIncludes(warning.message, '"Mitigation: Enhanced / Automatic IBRS" in b.json');
  assert(!warning.message.includes("meltdown"), "only what differs is named");
  assertEquals(warning.where, ["a.json (run-a)", "b.json (run-b)"]);
  assertEquals(AnalysisSchema.safeParse(pooled).success, true);

  // Kept apart, each group has one set: nothing to warn about.
  const apart = analyzeResultSets([a, b]);
  assert(apart.groups.every((g) => !g.sanity.some((f) => f.rule.startsWith("mitigations"))));
  // The same mitigations pool without a warning.
  b.host.vulnerabilities = a.host.vulnerabilities;
  const same = analyzeResultSets([a, b], { pool: true });
  assertEquals(same.groups[0].sanity.filter((f) => f.rule.startsWith("mitigations")), []);
  // A set that does not record them is said to be unknown, not assumed equal.
  delete b.host.vulnerabilities;
  const unknown = analyzeResultSets([a, b], { pool: true }).groups[0].sanity
    .filter((f) => f.rule.startsWith("mitigations"));
  assertEquals(unknown.map((f) => [f.rule, f.severity, f.where]), [
    ["mitigations-unknown", "info", ["run-b"]],
  ]);
});

Deno.test("analyzeResultSets() leaves out, and reports, a metric defined differently in two sets", () => {
  const a = sampleSet({ native: [1, 2, 3] });
  const b = structuredClone(sampleSet({ native: [4, 5, 6] }, { runId: "run-b" }));
  b.metrics[0].unit = "ms";
  for (const s of b.samples) s.unit = "ms";
  const g = analyzeResultSets([a, b]).groups[0];
  assertEquals(g.metrics[0].summaries[0].n, 3);
  const f = g.sanity.find((x) => x.rule === "metric-definition-conflict")!;
  assertEquals(f.severity, "error");
  assertStringIncludes(f.message, "ms/lower");
});

Deno.test("analyzeResultSets() recommends with reasons and the security posture of each class", () => {
  const set = sampleSet({
    native: noisy(10, 10, 1),
    runc: noisy(10.2, 10, 2),
    runsc: noisy(20, 10, 3),
  });
  const analysis = analyzeResultSets([set]);
  const recs = analysis.groups[0].recommendations;
  assertEquals(recs.map((r) => r.profile.id), [
    "cpu-batch",
    "network-microservice",
    "io-heavy",
    "untrusted-multi-tenant",
    "balanced",
    "web-service",
    "database",
  ]);
  // The set measures CPU only: a profile that weighs more is not assessed on it, and says what
  // to collect.
  for (const rec of recs) {
    assert(rec.entries.every((e) => !e.eligible && e.desirability === null), rec.profile.id);
    assertStringIncludes(rec.entries[0].ineligible[0], "this group did not measure");
  }
  const webService = recs.find((r) => r.profile.id === "web-service")!;
  assertStringIncludes(webService.notes.join(" "), "application (weight 4 of");
  assertStringIncludes(webService.notes.join(" "), "application,lifecycle to assess it");
  // The same profiles weighing CPU alone. CPU batch: runc, 2 % slower than native, wins on its
  // better security; runsc, twice as slow, comes last. Untrusted multi-tenant: security
  // dominates and runsc comes first.
  const cpuOnly = analyzeResultSets([set], {
    profiles: ["cpu-batch", "untrusted-multi-tenant"].map((id) => ({
      ...findProfile(id),
      weights: { cpu: 1 },
    })),
  }).groups[0].recommendations;
  assertEquals(cpuOnly[0].entries.map((e) => e.runtime), ["runc", "native", "runsc"]);
  assertEquals(cpuOnly[1].entries[0].runtime, "runsc");
  const sandbox = cpuOnly[1].entries.find((e) => e.runtime === "runsc")!;
  assertEquals(sandbox.security, 0.7);
  assert(sandbox.reasons.some((r) => r.startsWith("security 0.70 (syscall-sandbox")));
  assertEquals(analysis.securityPosture.length, 6);
  assert(analysis.securityPosture.every((s) => s.rationale.length > 40));
});

Deno.test("analyzeResultSets() flags negative times, high CV, CPU above cores × 100 % and failures", () => {
  const set = structuredClone(sampleSet({
    native: [1, 1.01, 0.99, 1.02],
    runc: [1, 2, 0.5, 3, -0.2],
  }));
  set.metrics.push({
    id: "loop.cpu_utilization",
    benchmark: "loop",
    name: "CPU utilisation",
    category: "cpu",
    unit: "%",
    direction: "higher",
  });
  for (const [runtime, value] of [["native", 199], ["runc", 250]] as const) {
    set.samples.push({
      kind: "sample",
      runtime,
      benchmark: "loop",
      metric: "loop.cpu_utilization",
      unit: "%",
      direction: "higher",
      value,
      iteration: 0,
      warmup: false,
      startedAt: "2026-01-01T00:00:00Z",
      finishedAt: "2026-01-01T00:00:01Z",
    });
  }
  set.runtimes.push({
    id: "runsc",
    name: "runsc",
    isolation: "syscall-sandbox",
    historical: false,
  });
  set.failures.push({
    runtime: "runsc",
    benchmark: "loop",
    message: "exit code 1: no such file",
    exitCode: 1,
    stderrTail: "",
  });
  const g = analyzeResultSets([ResultSetSchema.parse(set)], { labels: ["run.json"] }).groups[0];
  const rules = (runtime: string) =>
    g.sanity.filter((f) => f.values.some((v) => v.runtime === runtime)).map((f) => f.rule);
  assertEquals(rules("native"), []);
  const runc = rules("runc");
  assert(runc.includes("negative-value"));
  assert(runc.includes("high-variability"));
  assert(runc.includes("utilisation-above-cores"));
  const failed = g.metrics[0].summaries.find((s) => s.runtime === "runsc")!;
  assertEquals(failed.central, null);
  assertEquals(failed.missingReason, "failed: exit code 1: no such file");
  const missing = g.sanity.find((f) =>
    f.rule === "missing-value" && f.values[0].runtime === "runsc"
  )!;
  assertStringIncludes(missing.message, "no such file");
  assertEquals(
    g.metrics[0].ranking!.entries.find((e) => e.runtime === "runsc")!.rank,
    null,
  );
  assert(g.sanity.find((f) => f.rule === "negative-value")!.where[0].startsWith("run.json"));
});

Deno.test("analyzeResultSets() ranks a metric mixing samples and published values without significance", () => {
  const measured = sampleSet({ native: [1, 1.1, 0.9] });
  const published = structuredClone(sampleSet({ native: [5] }, { runId: "paper" }));
  published.status = "published";
  published.runtimes = [{ id: "old", name: "old", isolation: "os-container", historical: true }];
  published.samples = [{
    kind: "summary",
    runtime: "old",
    benchmark: "loop",
    metric: "loop.time",
    unit: "s",
    direction: "lower",
    value: 2,
    statistic: "mean",
  }];
  const m = analyzeResultSets([measured, ResultSetSchema.parse(published)]).groups[0].metrics[0];
  assertEquals(m.kind, "mixed");
  assertEquals(m.ranking!.significance, "unknown");
  assertEquals(m.ranking!.entries.map((e) => e.runtime), ["native", "old"]);
  assertEquals(m.ratios.find((r) => r.runtime === "old")!.ratio, 2);
  assertEquals(m.sources, ["run-a", "paper"]);
});

Deno.test("winsAndLosses() counts no win when every runtime shares rank 1", () => {
  const base = noisy(10, 8, 1);
  const tie = analyzeResultSets([sampleSet({ native: base, runc: [...base].reverse() })]);
  assertEquals(tie.groups[0].winsLosses.map((w) => [w.runtime, w.wins, w.losses, w.ranked]), [
    ["native", 0, 0, 1],
    ["runc", 0, 0, 1],
  ]);
  const apart = analyzeResultSets([sampleSet({ native: base, runc: base.map((x) => x * 2) })]);
  assertEquals(apart.groups[0].winsLosses.map((w) => [w.runtime, w.wins, w.losses]), [
    ["native", 1, 0],
    ["runc", 0, 1],
  ]);
});

Deno.test("analyzeResultSets() flags a computation time above the total time it is part of", () => {
  const table6 = structuredClone(PAPER[0]);
  assertEquals(findingsOf([table6], "part-above-total"), []);
  const cell = table6.samples.find((o) =>
    o.runtime === "kata" && o.metric === "ycruncher.computation_time"
  )!;
  cell.value = 5.5; // total time is 5.3054
  const found = findingsOf([table6], "part-above-total");
  assertEquals(found.length, 1);
  assertEquals(found[0].values.map((v) => v.value), [5.5, 5.3054]);
});

function findingsOf(sets: ResultSet[], rule: string) {
  return analyzeResultSets(sets).groups[0].sanity.filter((f) => f.rule === rule);
}

Deno.test("analyzeResultSets() says how many steps the host disturbed, and only when it did", () => {
  const set = sampleSet({ native: noisy(10, 5, 1), runc: noisy(11, 5, 2) });
  const hostNoise = { rule: "steal > 5 %", stepsWatched: 10, stepsRerun: 3, stepsDisturbed: 1 };
  const notes = analyzeResultSets([{ ...set, hostNoise }]).notes;
  assert(
    notes.includes(
      "run-a: the host disturbed 3 of 10 steps, which were run again; 1 kept values are still " +
        "disturbed (steal > 5 %)",
    ),
    notes.join("\n"),
  );
  const quiet = { ...hostNoise, stepsRerun: 0, stepsDisturbed: 0 };
  assertEquals(
    analyzeResultSets([{ ...set, hostNoise: quiet }]).notes.filter((n) => n.includes("disturbed")),
    [],
  );
});
