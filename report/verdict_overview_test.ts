import { assert, assertEquals, assertMatch, assertStringIncludes } from "../tests/assert.ts";
import type {
  BaselineVerdict,
  HostGroup,
  MetricAnalysis,
  Recommendation,
  RecommendationEntry,
  VerdictKind,
} from "../model/analysis.ts";
import type { Category } from "../model/result_set.ts";
import { readResultSet } from "../model/read_result_set.ts";
import { analyzeResultSets } from "../analyze/analyze_result_sets.ts";
import {
  cautionNotes,
  decidedCosts,
  formatVerdictCounts,
  recommendationOverview,
  verdictMatrix,
} from "./verdict_overview.ts";

const METRICS: [string, Category, string][] = [
  ["syscalls.getppid", "syscalls", "getppid system call"],
  ["syscalls.read_zero", "syscalls", "1-byte read of /dev/zero"],
  ["sysbench_cpu.events_per_second", "cpu", "sysbench cpu events per second"],
  ["iperf3_udp.stream_throughput", "network", "iperf3 UDP stream throughput (received)"],
  ["iperf3_tcp.stream_throughput", "network", "iperf3 TCP stream throughput (received)"],
  ["fio_layer_direct.seq_read_bandwidth", "disk", "fio sequential read bandwidth"],
];

function verdict(
  runtime: string,
  metric: string,
  kind: VerdictKind,
  ratio: number,
  extra: Partial<BaselineVerdict> = {},
): BaselineVerdict {
  return {
    metric,
    runtime,
    baseline: "native",
    ratio,
    low: ratio * 0.9,
    high: ratio * 1.1,
    level: 0.99,
    method: "Welch t on log values",
    margin: 0.05,
    marginRule: "default",
    verdict: kind,
    beyondMargin: kind === "worse" || kind === "better",
    withinMargin: kind === "equivalent",
    n: 5,
    baselineN: 5,
    comparisons: 2,
    reason: "",
    ...extra,
  };
}

function group(verdicts: BaselineVerdict[], recommendations: Recommendation[] = []): HostGroup {
  const runtimes = [...new Set(["native", ...verdicts.map((v) => v.runtime)])];
  return {
    id: "vm",
    description: "a VM",
    hostIds: ["vm"],
    pooled: false,
    sources: [],
    runtimes: runtimes.map((id) => ({
      id,
      name: id,
      isolation: id === "native" ? "native" : "os-container",
      historical: false,
    })),
    baseline: { requested: "native", used: "native", note: "" },
    metrics: METRICS.map(([metric, category, name]) =>
      ({ metric, category, name }) as unknown as MetricAnalysis
    ),
    verdicts,
    categories: [],
    winsLosses: [],
    recommendations,
    sanity: [],
  };
}

Deno.test("verdictMatrix() gives each runtime × category the verdict its decided metrics share, with the ratio furthest from 1", () => {
  const g = group([
    verdict("runsc", "syscalls.getppid", "worse", 45),
    verdict("runsc", "syscalls.read_zero", "worse", 39),
    verdict("runsc", "sysbench_cpu.events_per_second", "equivalent", 1.01),
    // Decided both ways in one category: mixed; 0.01 lies further from 1 than 3.
    verdict("runsc", "iperf3_udp.stream_throughput", "worse", 0.01),
    verdict("runsc", "iperf3_tcp.stream_throughput", "better", 3),
    verdict("runsc", "fio_layer_direct.seq_read_bandwidth", "undetermined", 9, {
      notComparable: "served from a cache",
    }),
    verdict("runc", "syscalls.getppid", "undetermined", 1.3),
    verdict("runc", "syscalls.read_zero", "better", 0.7),
  ]);
  const m = verdictMatrix(g);
  assertEquals(m.categories, ["syscalls", "cpu", "network", "disk"]);
  assertEquals(m.rows.map((r) => r.runtime), ["runsc", "runc"]);
  const runsc = m.rows[0].cells;
  assertEquals(runsc.syscalls?.state, "worse");
  assertEquals(runsc.syscalls?.text, "worse 45× 2/2");
  assertEquals(runsc.cpu?.text, "equivalent 1/1");
  assertEquals(runsc.network?.state, "mixed");
  assertEquals(runsc.network?.lead?.metric, "iperf3_udp.stream_throughput");
  assertEquals(runsc.network?.text, "mixed 0.01×–3× 2/2");
  assertEquals(runsc.disk?.state, "not-comparable");
  // An undetermined metric lowers the count; the cell still shows what is decided.
  assertEquals(m.rows[1].cells.syscalls?.text, "better 0.7× 1/2");
  assertEquals(m.rows[1].cells.cpu, undefined);
});

Deno.test("decidedCosts() names decided differences only, per category the largest, and the categories equivalent throughout", () => {
  const g = group([
    verdict("runsc", "syscalls.getppid", "worse", 37, { low: 33, high: 41 }),
    verdict("runsc", "syscalls.read_zero", "worse", 20),
    verdict("runsc", "iperf3_udp.stream_throughput", "worse", 0.01, { low: 0.005, high: 0.02 }),
    // Far from 1 but undetermined: never in the sentence.
    verdict("runsc", "iperf3_tcp.stream_throughput", "undetermined", 500),
    verdict("runsc", "sysbench_cpu.events_per_second", "equivalent", 1.01),
    verdict("runc", "syscalls.getppid", "undetermined", 1.2),
  ]);
  const sentences = decidedCosts(g, {
    runtime: (id) => (id === "runsc" ? "gVisor" : id),
    category: (c) =>
      ({ syscalls: "system calls", cpu: "CPU", network: "network" })[c as string] ??
        c,
  });
  assertEquals(sentences.map((s) => s.runtime), ["runsc", "runc"]);
  assertEquals(
    sentences[0].text,
    "gVisor: worse in network (iperf3 UDP stream throughput 0.01× [0.005, 0.02]), system calls " +
      "(getppid system call 37× [33, 41]); equivalent to native in CPU (1 undetermined).",
  );
  assert(!sentences[0].text.includes("500"), "an undetermined ratio is not stated");
  assertEquals(sentences[1].text, "runc: nothing decided against native (1 undetermined).");
  const capped = decidedCosts(g, { limit: 1 })[0].text;
  assertStringIncludes(capped, "decided differences in 1 more category");
});

Deno.test("formatVerdictCounts() counts decided, undetermined and not-comparable verdicts apart", () => {
  const g = group([
    verdict("runsc", "syscalls.getppid", "worse", 45),
    verdict("runsc", "sysbench_cpu.events_per_second", "equivalent", 1),
    verdict("runsc", "syscalls.read_zero", "undetermined", 2),
    verdict("runsc", "fio_layer_direct.seq_read_bandwidth", "undetermined", 9, {
      notComparable: "served from a cache",
    }),
  ]);
  assertEquals(
    formatVerdictCounts(g),
    "Against native at n = 5: 2 of 4 runtime × metric verdicts decided (50%: 1 worse, 0 better, " +
      "1 equivalent), 1 undetermined (25%) and 1 not comparable (25%).",
  );
  const none = { ...g, baseline: { ...g.baseline, used: null } };
  assertMatch(formatVerdictCounts(none), /no baseline runtime/);
});

function entry(runtime: string, part: Partial<RecommendationEntry>): RecommendationEntry {
  return {
    runtime,
    eligible: true,
    rank: null,
    desirability: null,
    interval: null,
    firstProbability: null,
    tiedWith: [],
    security: 0.5,
    categories: [],
    reasons: [],
    ineligible: [],
    ...part,
  };
}

function recommendation(
  name: string,
  entries: RecommendationEntry[],
  notes: string[] = [],
): Recommendation {
  return {
    profile: { id: name.toLowerCase(), name, description: "" },
    baseline: "native",
    resamples: 200,
    method: "",
    entries,
    notes,
  };
}

Deno.test("recommendationOverview() names one first only when no interval of D overlaps its own", () => {
  const requirement = "isolation syscall-sandbox";
  const alone = recommendation("Untrusted", [
    entry("runsc", {
      rank: 1,
      desirability: 0.57,
      firstProbability: 0.96,
      requirementChecks: [{ requirement, met: true, detail: "" }],
    }),
    entry("runc", {
      eligible: false,
      ineligible: ["the profile requires isolation syscall-sandbox; this runtime is os-container"],
      requirementChecks: [{ requirement, met: false, detail: "" }],
    }),
    entry("crun", {
      eligible: false,
      ineligible: ["the profile requires isolation syscall-sandbox; this runtime is os-container"],
    }),
  ]);
  const row = recommendationOverview(alone);
  assertEquals(row.first, "runsc (D 0.57)");
  assertEquals(row.decided, true);
  assertEquals(row.probability, "runsc 96%");
  assertEquals(row.requirements, requirement);
  assertEquals(
    row.notEligible,
    "runc, crun: the profile requires isolation syscall-sandbox; this runtime is os-container",
  );
  const tied = recommendation("Batch", [
    entry("crun", { rank: 1, desirability: 0.87, firstProbability: 0.66, tiedWith: ["lxc"] }),
    entry("lxc", { rank: 2, desirability: 0.85, firstProbability: 0.34, tiedWith: ["crun"] }),
  ]);
  const t = recommendationOverview(tied);
  assertEquals(t.decided, false);
  assertEquals(
    t.first,
    "no single first: crun (D 0.87) tied with lxc (their intervals of D overlap)",
  );
  assertEquals(t.requirements, "none asked");
  assertEquals(t.notEligible, "none");
  assertEquals(t.covers, "—");
  const weighed = (category: "cpu" | "memory", metricsUsed: number) => ({
    category,
    ratio: 1,
    desirability: 1,
    weight: 1,
    metricsUsed,
    metricsEquivalent: 0,
  });
  const covering = recommendation("Batch", [
    entry("crun", { rank: 1, categories: [weighed("cpu", 3), weighed("memory", 0)] }),
  ]);
  assertEquals(
    recommendationOverview(covering, { category: (c) => c.toUpperCase() }).covers,
    "CPU",
  );
});

Deno.test("cautionNotes() says each note once with its profiles and leaves out what the table shows", () => {
  const shared = "12 weighed metric(s) left out for every runtime alike";
  const notes = cautionNotes([
    recommendation("A", [], [
      shared,
      "crun has the highest D, but the intervals overlap those of lxc: tied, the data do not tell them apart",
      "2 of 15 runtimes are not eligible (reasons with each)",
    ]),
    recommendation("B", [], [
      shared,
      "crun and lxc share the highest D (0.90)",
      "the profile weighs memory, which this group did not measure on the baseline: D covers cpu only",
    ]),
  ]);
  assertEquals(notes, [{ note: shared, profiles: ["A", "B"] }]);
});

Deno.test("the published run's first screen: runsc's system calls decided worse, nothing stated that is undecided", async () => {
  const set = await readResultSet(
    new URL("../fixtures/runs/20261127-102220-d5d4ad.json", import.meta.url).pathname,
  );
  const g = analyzeResultSets([set], { seed: 1 }).groups[0];
  const m = verdictMatrix(g);
  for (const id of ["runsc-ptrace", "docker-runsc", "podman-runsc", "containerd-runsc"]) {
    const cell = m.rows.find((r) => r.runtime === id)!.cells.syscalls!;
    assertEquals([cell.state, cell.decided, cell.comparable], ["worse", 2, 2], id);
  }
  // Every cell's counts are those of the analysis' verdicts, never recomputed otherwise.
  const categoryOf = new Map(g.metrics.map((x) => [x.metric, x.category]));
  for (const row of m.rows) {
    for (const [category, cell] of Object.entries(row.cells)) {
      const mine = g.verdicts.filter((v) =>
        v.runtime === row.runtime && categoryOf.get(v.metric) === category && !v.notComparable
      );
      assertEquals(cell!.decided, mine.filter((v) => v.verdict !== "undetermined").length);
    }
  }
  // Each ratio a sentence states is that of a decided verdict of its runtime.
  for (const s of decidedCosts(g)) {
    const decided = g.verdicts.filter((v) =>
      v.runtime === s.runtime && v.verdict !== "undetermined"
    );
    for (const [, metricRatio] of s.text.matchAll(/ (\d[\d.]*)× \[/g)) {
      assert(
        decided.some((v) => Math.abs(Number(metricRatio) / v.ratio! - 1) < 0.01),
        `${s.runtime}: ${metricRatio}× is not a decided verdict's ratio`,
      );
    }
  }
  const untrusted = g.recommendations.find((r) => r.profile.id === "untrusted-multi-tenant")!;
  const row = recommendationOverview(untrusted);
  assertMatch(row.first, /runsc/);
  assertMatch(row.requirements, /isolation syscall-sandbox/);
  assertMatch(row.notEligible, /runc.*os-container/);
});
