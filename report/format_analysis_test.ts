import { assert, assertEquals, assertStringIncludes } from "../tests/assert.ts";
import { syntheticRun } from "../tests/synthetic_run.ts";
import type { ResultSet } from "../model/result_set.ts";
import { analyzeResultSets } from "../analyze/analyze_result_sets.ts";
import { compareResultSets } from "../analyze/compare_result_sets.ts";
import { formatAnalysis } from "./format_analysis.ts";
import { formatComparison } from "./format_comparison.ts";
import { formatVerdictSummary } from "./format_verdict_summary.ts";

// Clear the screen, move home, turn red; a C1 CSI; a bell; a right-to-left override.
const CLEAR = "\x1b[2J\x1b[H";
const HOSTILE_UNIT = '=HYPERLINK("http://x")\x1b[31m';

/** A run whose free text (host, metric name, unit, runtime name) carries terminal controls. */
function hostileRun(runId: string, seed: number, factor = 1): ResultSet {
  const set = syntheticRun(runId, seed, { "runc/startup.latency": factor });
  set.host.description = `${CLEAR}host\u009b2J\x07`;
  set.runtimes[1].name = "runc\u202eevil";
  set.metrics[0].name = `start${CLEAR}up\nsecond line`;
  set.metrics[0].unit = HOSTILE_UNIT;
  for (const s of set.samples) if (s.metric === "startup.latency") s.unit = HOSTILE_UNIT;
  return set;
}

function assertNoControls(text: string, what: string) {
  // deno-lint-ignore no-control-regex -- looking for control characters
  const found = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/.exec(text);
  assert(found === null, `${what} holds control U+${found?.[0].charCodeAt(0).toString(16)}`);
}

Deno.test("formatAnalysis() table and md show controls from data as escapes, never raw", () => {
  const analysis = analyzeResultSets([hostileRun("hostile", 1)], { seed: 1 });
  for (const format of ["table", "md"] as const) {
    const text = formatAnalysis(analysis, format);
    assertNoControls(text, format);
    assertStringIncludes(text, "\\x1b[2J\\x1b[Hhost\\x9b2J\\x07");
    // A line break inside a name is shown, not obeyed: the title stays one line.
    assertStringIncludes(text, "start\\x1b[2J\\x1b[Hup\\x0asecond line [startup.latency");
  }
});

Deno.test("formatAnalysis() and formatComparison() md leave no HTML tag active", () => {
  const set = hostileRun("hostile", 1);
  set.host.description = "<script>alert(1)</script>";
  set.metrics[0].name = "<img src=x onerror=alert(2)>";
  set.metrics[0].unit = "<svg onload=alert(3)>";
  for (const o of set.samples) if (o.metric === set.metrics[0].id) o.unit = set.metrics[0].unit;
  const text = formatAnalysis(analyzeResultSets([set], { seed: 1 }), "md");
  assertStringIncludes(text, "&lt;script>alert(1)&lt;/script>");
  assertStringIncludes(text, "&lt;img src=x onerror=alert(2)>");
  assert(!/<[a-z/!?]/i.test(text), "a tag survived");
  const comparison = compareResultSets([set], [set], {
    tolerances: { schemaVersion: 1, default: { percent: 5 }, rules: [] },
  });
  const compared = formatComparison(comparison, "md");
  assertStringIncludes(compared, "&lt;svg onload=alert(3)>");
  assert(!/<[a-z/!?]/i.test(compared), "a tag survived");
});

Deno.test("formatAnalysis() csv defuses formulas and keeps numbers as numbers", () => {
  const analysis = analyzeResultSets([hostileRun("hostile", 1)], { seed: 1 });
  const csv = formatAnalysis(analysis, "csv");
  const lines = csv.split("\r\n");
  assertEquals(lines.at(-1), "", "every line ends with CRLF");
  assertEquals(lines.length - 2, 4, "one row per metric × runtime");
  const row = lines.find((l) => l.includes(",native,"))!;
  assertStringIncludes(row, `"'=HYPERLINK(""http://x"")\x1b[31m"`);
  const columns = lines[0].split(",");
  const central = row.split(",").slice(-columns.length)[columns.indexOf("central")];
  assert(/^\d+(\.\d+)?$/.test(central), `central is a plain number, got ${central}`);
});

Deno.test("formatComparison() and formatVerdictSummary() show controls from data as escapes", () => {
  const comparison = compareResultSets([hostileRun("base", 1)], [hostileRun("new", 2, 1.5)], {
    tolerances: { schemaVersion: 1, default: { percent: 5 }, rules: [] },
  });
  for (const format of ["table", "md"] as const) {
    const text = formatComparison(comparison, format);
    assertNoControls(text, format);
    assertStringIncludes(text, '=HYPERLINK("http://x")\\x1b[31m');
    assertStringIncludes(text, "FAIL");
  }
  const analysis = analyzeResultSets([hostileRun("hostile", 1)], { seed: 1 });
  const summary = formatVerdictSummary(analysis.groups[0]);
  assertNoControls(summary, "summary");
  assertStringIncludes(summary, "Decided against native");
});

Deno.test("formatAnalysis() shows the measured security of each runtime with the properties it fails", () => {
  const set = syntheticRun("security", 3);
  const probe = (runtime: string, metric: string, value: number, unit = "1") => ({
    kind: "sample" as const,
    runtime,
    benchmark: "security",
    metric,
    unit,
    direction: "none" as const,
    value,
    iteration: 0,
    warmup: false,
    startedAt: "2026-01-01T00:00:00Z",
    finishedAt: "2026-01-01T00:00:01Z",
  });
  set.benchmarks.push({ id: "security", name: "probe", category: "security", tool: "probe" });
  set.metrics.push(
    {
      id: "security.host_kernel",
      benchmark: "security",
      name: "k",
      category: "security",
      unit: "1",
      direction: "none",
    },
    {
      id: "security.seccomp",
      benchmark: "security",
      name: "s",
      category: "security",
      unit: "1",
      direction: "none",
    },
  );
  set.samples.push(
    probe("native", "security.host_kernel", 1),
    probe("native", "security.seccomp", 0),
    probe("runc", "security.host_kernel", 1),
    probe("runc", "security.seccomp", 1),
  );
  const text = formatAnalysis(analyzeResultSets([set]), "table");
  assertStringIncludes(text, "Security measured by the probe");
  const native = text.split("\n").find((l) => /^\s+native\s+0\.000/.test(l));
  assert(native, text);
  assertStringIncludes(native, "host_kernel 1, seccomp 0");
  const md = formatAnalysis(analyzeResultSets([set]), "md");
  assertStringIncludes(md, "#### Security measured by the probe");
});
