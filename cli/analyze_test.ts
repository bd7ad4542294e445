import { assert, assertEquals, assertStringIncludes } from "../tests/assert.ts";
import { AnalysisSchema } from "../model/analysis.ts";
import { syntheticRun } from "../tests/synthetic_run.ts";

const ROOT = new URL("..", import.meta.url).pathname;

async function analyze(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "analyze", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("analyze fixtures/paper_2020 prints per table the rankings, category scores and findings", async () => {
  const r = await analyze("fixtures/paper_2020");
  assertEquals(r.code, 0, r.stderr);
  const text = r.stdout;
  for (const table of ["Table 6.", "Table 7.", "Table 8.", "Table 10.", "Table 11.", "Table 12."]) {
    assertStringIncludes(text, table);
  }
  assert(text.indexOf("Table 6.") < text.indexOf("Table 10."), "tables in numeric order");
  assertStringIncludes(text, "Category scores");
  assertStringIncludes(text, "[error] efficiency-above-100");
  assertStringIncludes(text, 'no runtime "native" in this group');
  assert(!text.includes("NaN"));
  // The Table 6 ranking, first line under the header.
  assert(/Average of computation time[^\n]*\n[^\n]*\n\s+1\s+podman\s+4\.653/.test(text));
});

Deno.test("analyze --format json prints an analysis that validates against AnalysisSchema", async () => {
  const r = await analyze("fixtures/paper_2020", "--format", "json", "--profile", "balanced");
  assertEquals(r.code, 0, r.stderr);
  const analysis = AnalysisSchema.parse(JSON.parse(r.stdout));
  assertEquals(analysis.settings.profiles, ["balanced"]);
  assertEquals(analysis.groups[0].recommendations.length, 1);
});

Deno.test("analyze --format csv and md write one row per host × metric × runtime and Markdown tables", async () => {
  const csv = await analyze("fixtures/paper_2020/table6_ycruncher.json", "--format", "csv");
  assertEquals(csv.code, 0, csv.stderr);
  const lines = csv.stdout.trim().split("\n");
  assertEquals(lines.length, 1 + 2 * 8);
  assert(lines[0].startsWith("group,source,metric"));
  const md = await analyze("fixtures/paper_2020/table6_ycruncher.json", "--format", "md");
  assertStringIncludes(md.stdout, "| rank | runtime |");
});

Deno.test("analyze rejects an unknown baseline, an unknown profile and a malformed profile file", async () => {
  const baseline = await analyze("fixtures/paper_2020", "--baseline", "native");
  assertEquals(baseline.code, 2);
  assertStringIncludes(baseline.stderr, 'baseline "native" is not a runtime');
  assertStringIncludes(baseline.stderr, "podman");
  const given = await analyze("fixtures/paper_2020", "--baseline", "podman", "--format", "csv");
  assertEquals(given.code, 0, given.stderr);
  assertStringIncludes(given.stdout, ",podman,");
  const profile = await analyze("fixtures/paper_2020", "--profile", "gpu-farm");
  assertEquals(profile.code, 2);
  assertStringIncludes(profile.stderr, 'unknown profile "gpu-farm"; known profiles: cpu-batch');
  const dir = await Deno.makeTempDir({ prefix: "ocibench-analyze-test-" });
  try {
    const file = `${dir}/profile.json`;
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        id: "mine",
        name: "Mine",
        description: "",
        weights: { cpu: -1 },
        security: 1,
      }),
    );
    const bad = await analyze("fixtures/paper_2020", "--profile", file);
    assertEquals(bad.code, 1);
    assertStringIncludes(bad.stderr, `Cannot read profile "${file}": weights.cpu:`);
    await Deno.writeTextFile(file, '{"id": "mine",');
    const broken = await analyze("fixtures/paper_2020", "--profile", file);
    assertEquals(broken.code, 1);
    assertStringIncludes(broken.stderr, "not valid JSON at line 1");
    const seed = await analyze("fixtures/paper_2020", "--seed", "x");
    assertEquals(seed.code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("analyze --format json gives a verdict per runtime × metric against --baseline, with --margins", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const margins = `${dir}/margins.json`;
    await Deno.writeTextFile(
      margins,
      JSON.stringify({
        schemaVersion: 1,
        default: { percent: 5 },
        rules: [{ metric: "syscalls.*", percent: 50 }],
      }),
    );
    const run = "fixtures/runs/20261127-102220-d5d4ad.json";
    const r = await analyze(run, "--format", "json", "--baseline", "runc", "--margins", margins);
    assertEquals(r.code, 0, r.stderr);
    const group = AnalysisSchema.parse(JSON.parse(r.stdout)).groups[0];
    const ranked = group.metrics.filter((m) => m.direction !== "none").length;
    assertEquals(group.verdicts.length, ranked * (group.runtimes.length - 1));
    const v = group.verdicts.find((x) =>
      x.metric === "syscalls.getppid" && x.runtime === "runsc-ptrace"
    )!;
    assertEquals([v.baseline, v.margin, v.marginRule, v.verdict], [
      "runc",
      0.5,
      "rules[0]",
      "worse",
    ]);
    const bad = await analyze(run, "--margins", `${dir}/missing.json`);
    assertEquals(bad.code, 1);
    assertStringIncludes(bad.stderr, "missing.json");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("analyze prints no terminal control from a results file, and defuses its CSV", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-analyze-test-" });
  try {
    const set = syntheticRun("hostile", 1);
    set.host.description = "\x1b[2J\x1b]0;owned\x07\u009b31m";
    set.metrics[0].unit = "=1+1";
    for (const s of set.samples) if (s.metric === set.metrics[0].id) s.unit = "=1+1";
    await Deno.writeTextFile(`${dir}/hostile.json`, JSON.stringify(set));
    for (const format of ["table", "md", "json"]) {
      const r = await analyze(`${dir}/hostile.json`, "--format", format);
      assertEquals(r.code, 0, r.stderr);
      // deno-lint-ignore no-control-regex -- looking for control characters
      assert(!/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(r.stdout), `raw control in ${format}`);
    }
    const csv = await analyze(`${dir}/hostile.json`, "--format", "csv");
    assertStringIncludes(csv.stdout, ",'=1+1,");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
