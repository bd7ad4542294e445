import { assert, assertEquals, assertStringIncludes } from "../tests/assert.ts";
import { type IsolationClass, type ResultSet, ResultSetSchema } from "../model/result_set.ts";
import type { BaselineVerdict } from "../model/analysis.ts";
import { analyzeResultSets } from "../analyze/analyze_result_sets.ts";
import { createRandom } from "../analyze/random.ts";
import { formatAnalysis } from "./format_analysis.ts";
import { formatVerdictLine, formatVerdictSummary } from "./format_verdict_summary.ts";

/** Values around `center` with a relative spread (uniform ± spread/2), seeded. */
function around(center: number, n: number, seed: number, spread = 0.02): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => center * (1 + (random() - 0.5) * spread));
}

/** One metric "cpu.time" (s, lower is better) from runtime → values. */
function oneMetric(values: Record<string, number[]>): ResultSet {
  const isolation = (id: string): IsolationClass =>
    id === "native" ? "native" : id.startsWith("runsc") ? "syscall-sandbox" : "os-container";
  return ResultSetSchema.parse({
    schemaVersion: 1,
    runId: "summary",
    status: "complete",
    host: { id: "h", description: "test host", cores: 2, memoryBytes: 2 ** 33 },
    runtimes: Object.keys(values).map((id) => ({
      id,
      name: id,
      isolation: isolation(id),
      historical: false,
    })),
    benchmarks: [{ id: "cpu", name: "cpu", category: "cpu", tool: "sh" }],
    metrics: [{
      id: "cpu.time",
      benchmark: "cpu",
      name: "CPU time",
      category: "cpu",
      unit: "s",
      direction: "lower",
    }],
    samples: Object.entries(values).flatMap(([runtime, xs]) =>
      xs.map((value, iteration) => ({
        kind: "sample",
        runtime,
        benchmark: "cpu",
        metric: "cpu.time",
        unit: "s",
        direction: "lower",
        value,
        iteration,
        warmup: false,
        startedAt: "2026-01-01T00:00:00Z",
        finishedAt: "2026-01-01T00:00:01Z",
      }))
    ),
    failures: [],
  });
}

Deno.test("no 'best' is named when the runtimes' differences are undecided", () => {
  // runc and crun 3 % and 6 % slower than native with 10 % noise at n = 3: nothing decided,
  // though their medians differ.
  const set = oneMetric({
    native: around(10, 3, 1, 0.2),
    runc: around(10.3, 3, 2, 0.2),
    crun: around(10.6, 3, 3, 0.2),
  });
  const analysis = analyzeResultSets([set], { profiles: [] });
  const g = analysis.groups[0];
  assert(g.verdicts.every((v) => v.verdict === "undetermined"), "the premise: nothing decided");
  const summary = formatVerdictSummary(g);
  const table = formatAnalysis(analysis, "table");
  for (const [what, text] of [["war summary", summary], ["analyze table", table]]) {
    // A line that says "best" must not name a runtime (as "cpu: best podman-runc (1.23×)" did).
    const naming = text.split("\n").filter((l) =>
      /\bbest\b/i.test(l) && /\b(native|runc|crun)\b/.test(l)
    );
    assertEquals(naming, [], `${what} names a best`);
    assert(!/: [a-z][\w-]*\.[\w.]* (better|worse), /.test(text), `${what} states a verdict`);
  }
  assertStringIncludes(summary, "0 of 2 cells — 0 worse, 0 better, 0 equivalent");
  assertStringIncludes(summary, "nothing decided for runc, crun");
  assertStringIncludes(summary, "Undetermined: 2 of 2 cells");
  assertStringIncludes(summary, "more repetitions (collect --repetitions N or --target-ci)");
  // A budgeted run's own outlook replaces the general advice.
  const own = "to decide them: about 12m00s more of steps would decide 2 of the 2 open verdicts";
  const budgeted = formatVerdictSummary(g, { howToDecide: own });
  assertStringIncludes(budgeted, `Undetermined: 2 of 2 cells`);
  assertStringIncludes(budgeted, own);
  assert(!budgeted.includes("collect --budget 45m"), budgeted);
});

Deno.test("a decided difference leads the summary as a verdict line with its interval", () => {
  const set = oneMetric({
    native: around(1000, 3, 1),
    "runsc-ptrace": around(45000, 3, 2),
    runc: around(1010, 3, 3, 0.3),
  });
  const analysis = analyzeResultSets([set], { profiles: [] });
  const g = analysis.groups[0];
  const summary = formatVerdictSummary(g);
  const lines = summary.split("\n");
  assertStringIncludes(lines[0], "Decided against native at n = 3");
  assertStringIncludes(lines[0], "1 of 2 cells — 1 worse, 0 better, 0 equivalent");
  const v = g.verdicts.find((x) => x.runtime === "runsc-ptrace")!;
  assertEquals(v.verdict, "worse");
  const line = lines.find((l) => l.includes("runsc-ptrace: cpu.time worse, "));
  assert(line, summary);
  assert(/worse, 4\d\.?\d?× \[\d+(\.\d+)?×, \d+(\.\d+)?×\]$/.test(line.trim()), line);
  assertStringIncludes(summary, "nothing decided for runc");
  assertStringIncludes(summary, "Undetermined: 1 of 2 cells");
  // analyze's terminal output leads with the same verdicts, before any metric table.
  const table = formatAnalysis(analysis, "table");
  assert(table.indexOf("runsc-ptrace: cpu.time worse") < table.indexOf("CPU time [cpu.time"));
});

Deno.test("formatVerdictLine() states equivalence with the margin, and a decided yet small difference", () => {
  const base: BaselineVerdict = {
    metric: "sysbench_cpu.events_per_second",
    runtime: "podman-runc",
    baseline: "native",
    ratio: 0.995,
    low: 0.98,
    high: 1.01,
    level: 0.99,
    method: "welch",
    margin: 0.05,
    marginRule: "default",
    verdict: "equivalent",
    beyondMargin: false,
    withinMargin: true,
    n: 20,
    baselineN: 20,
    comparisons: 14,
    reason: "",
  };
  assertEquals(
    formatVerdictLine(base),
    "podman-runc: sysbench_cpu.events_per_second equivalent to native within ±5 %",
  );
  assertEquals(
    formatVerdictLine({ ...base, verdict: "worse", ratio: 0.97, low: 0.96, high: 0.98 }),
    "podman-runc: sysbench_cpu.events_per_second worse, 0.97× [0.96×, 0.98×], within ±5 %: " +
      "too small to matter",
  );
});

Deno.test("the analyze table shows the coverage the medians' intervals reach and rank intervals", () => {
  const set = oneMetric({
    native: around(1000, 3, 1),
    "runsc-ptrace": around(45000, 3, 2),
    runc: around(1010, 3, 3, 0.3),
  });
  const table = formatAnalysis(analyzeResultSets([set], { profiles: [] }), "table");
  assertStringIncludes(table, "75 % CI");
  assert(!table.includes("95 % CI"), "no nominal level the interval does not reach");
  // native and runc are not decided apart: each may rank 1 or 2; runsc-ptrace is 3rd.
  const row = (id: string) =>
    table.split("\n").map((l) => l.trim()).find((l) => new RegExp(`^[0-9–]+ +${id} `).test(l))!;
  assert(row("native").startsWith("1–2 "), row("native"));
  assert(row("runc").startsWith("1–2 "), row("runc"));
  assert(row("runsc-ptrace").startsWith("3 "), row("runsc-ptrace"));
  assertStringIncludes(table, "2 of 3 pairs decided apart");
  assertStringIncludes(table, "against native: 1 worse, 0 better, 0 equivalent, 1 undetermined");
  assert(!table.includes("Mann–Whitney, Holm"), "the old note is gone");
});
