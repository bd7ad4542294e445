import { assert, assertEquals } from "./assert.ts";
import { readResultSet, readResultSets } from "../model/read_result_set.ts";
import { analyzeResultSets } from "../analyze/analyze_result_sets.ts";
import { summarizeVerdicts } from "../analyze/summarize_verdicts.ts";
import { BUILTIN_PROFILES } from "../analyze/profiles.ts";

const RUNS = new URL("../fixtures/runs/", import.meta.url).pathname;
const EXAMPLES = new URL("../examples/", import.meta.url).pathname;

Deno.test("the published run validates and holds raw samples of every runtime it names", async () => {
  const runs = await readResultSets([RUNS]);
  assert(runs.length >= 1, "a run is committed");
  for (const { path, set } of runs) {
    assertEquals(set.status, "complete", path);
    assert(set.samples.every((s) => s.kind === "sample"), `${path}: raw samples, not summaries`);
    for (const r of set.runtimes) {
      assert(set.samples.some((s) => s.runtime === r.id), `${path}: ${r.id} has samples`);
    }
    const log = await Deno.readTextFile(`${RUNS}${set.runId}/samples.jsonl`);
    assert(log.trim().split("\n").length > set.runtimes.length, `${path}: its samples log`);
  }
});

Deno.test("the example reports are committed and stay under 2 MB", async () => {
  for (const name of ["runtimes_war.html", "replication.html"]) {
    const { size } = await Deno.stat(EXAMPLES + name);
    assert(size > 10_000 && size < 2 * 1024 * 1024, `${name}: ${size} bytes`);
  }
});

Deno.test("the published run decides every runsc variant's system calls worse than native at n = 3", async () => {
  const set = await readResultSet(`${RUNS}20261127-102220-d5d4ad.json`);
  const group = analyzeResultSets([set]).groups[0];
  const sandboxes = set.runtimes.filter((r) => r.id.includes("runsc")).map((r) => r.id);
  assertEquals(sandboxes.length, 4);
  const syscalls = group.verdicts.filter((v) =>
    v.metric.startsWith("syscalls.") && sandboxes.includes(v.runtime)
  );
  assertEquals(syscalls.length, 2 * 4);
  for (const v of syscalls) {
    assertEquals([v.verdict, v.beyondMargin, v.n, v.baselineN], ["worse", true, 3, 3], v.reason);
    assert(v.low! > 2 && v.ratio! > 30, `${v.runtime} ${v.metric}: ${v.reason}`);
    assertEquals(v.comparisons, 14);
  }
  const ptrace = syscalls.find((v) =>
    v.runtime === "runsc-ptrace" && v.metric.endsWith("getppid")
  )!;
  // Geometric-mean ratio 45.0 with the 1 − 0.05/14 Welch interval on logs (SciPy: 16.6, 122).
  assert(Math.abs(ptrace.ratio! - 44.95) < 0.01 && Math.abs(ptrace.low! - 16.57) < 0.01);
  // No plain container is decided worse than native on system calls.
  assert(
    group.verdicts.filter((v) => v.metric.startsWith("syscalls.") && !sandboxes.includes(v.runtime))
      .every((v) => v.verdict !== "worse"),
  );
});

Deno.test("the published run: untrusted multi-tenant recommends a syscall sandbox; dropping any runtime leaves the others' order per profile", async () => {
  const set = await readResultSet(`${RUNS}20261127-102220-d5d4ad.json`);
  const full = analyzeResultSets([set]).groups[0];
  const orders = (recs: typeof full.recommendations) =>
    new Map(recs.map((r) => [r.profile.id, r.entries.filter((e) => e.eligible)]));
  const before = orders(full.recommendations);
  const untrusted = before.get("untrusted-multi-tenant")!;
  const isolation = (id: string) => set.runtimes.find((r) => r.id === id)!.isolation;
  assertEquals(isolation(untrusted[0].runtime), "syscall-sandbox");
  assert(untrusted.every((e) => isolation(e.runtime) !== "os-container"));
  for (const dropped of set.runtimes.map((r) => r.id)) {
    const smaller = {
      ...set,
      runtimes: set.runtimes.filter((r) => r.id !== dropped),
      samples: set.samples.filter((s) => s.runtime !== dropped),
      failures: set.failures.filter((f) => f.runtime !== dropped),
    };
    const group = analyzeResultSets([smaller]).groups[0];
    if (dropped === "native") {
      // The bounds are ratios to the baseline: without it nothing is eligible, and each says so.
      for (const r of group.recommendations) assert(r.entries.every((e) => !e.eligible));
      continue;
    }
    for (const [profile, entries] of orders(group.recommendations)) {
      const expected = before.get(profile)!.filter((e) => e.runtime !== dropped);
      // The same runtimes in the same order, each with the same D (its own data only).
      assertEquals(
        entries.map((e) => [e.runtime, e.desirability]),
        expected.map((e) => [e.runtime, e.desirability]),
        `${profile} without ${dropped}`,
      );
    }
  }
});

/** The published run: the newest committed run that was collected with `--budget`. */
async function publishedBudgetRun() {
  const runs = (await readResultSets([RUNS])).filter((r) => r.set.budget !== undefined);
  assert(runs.length >= 1, "a budgeted run is committed");
  return runs.sort((a, b) => a.set.runId.localeCompare(b.set.runId)).at(-1)!.set;
}

Deno.test("the published budgeted run: untrusted multi-tenant's first meets its requirements on gVisor's current platform", async () => {
  const set = await publishedBudgetRun();
  const group = analyzeResultSets([set]).groups[0];
  const rec = group.recommendations.find((r) => r.profile.id === "untrusted-multi-tenant")!;
  const first = rec.entries.find((e) => e.eligible && e.rank === 1);
  assert(first, `no first: ${rec.entries.map((e) => e.ineligible.join("; ")).join(" | ")}`);
  const runtime = set.runtimes.find((r) => r.id === first.runtime)!;
  assertEquals(runtime.isolation, "syscall-sandbox");
  assert(!runtime.platform?.legacy, `${runtime.id} runs on a legacy platform`);
  assertEquals(first.securityMeasured, true);
  assert((first.requirementChecks ?? []).length > 0);
  for (const check of first.requirementChecks!) assert(check.met, check.requirement);
  // No plain OS container, and nothing on a legacy platform, is eligible.
  for (const e of rec.entries.filter((x) => x.eligible)) {
    const r = set.runtimes.find((x) => x.id === e.runtime)!;
    assert(r.isolation !== "os-container" && r.isolation !== "native" && !r.platform?.legacy, r.id);
  }
});

Deno.test("the published budgeted run: every ranked runtime rests on at least 2 runs of each metric its profile weighs", async () => {
  const set = await publishedBudgetRun();
  const group = analyzeResultSets([set]).groups[0];
  const runs = new Map<string, Set<number>>();
  for (const s of set.samples) {
    if (s.kind !== "sample" || s.warmup) continue;
    const key = `${s.runtime}\u0000${s.metric}`;
    runs.set(key, (runs.get(key) ?? new Set()).add(s.iteration));
  }
  let checked = 0;
  for (const rec of group.recommendations) {
    const profile = BUILTIN_PROFILES.find((p) => p.id === rec.profile.id)!;
    const weighed = group.metrics.filter((m) =>
      m.direction !== "none" && (profile.weights[m.category] ?? 0) > 0 &&
      (profile.metricWeights?.[m.metric] ?? 1) > 0
    );
    // The baseline's own cost is 1 by definition; the others are ranked against it.
    for (const e of rec.entries.filter((x) => x.eligible && x.runtime !== group.baseline.used)) {
      for (const m of weighed) {
        const base = runs.get(`${group.baseline.used}\u0000${m.metric}`)?.size ?? 0;
        const own = runs.get(`${e.runtime}\u0000${m.metric}`)?.size ?? 0;
        const left = group.verdicts.find((v) => v.runtime === e.runtime && v.metric === m.metric)
          ?.notComparable;
        if (base < 2 || left !== undefined) continue;
        // A metric the tool timed in fewer runs than its siblings is left out, and said so.
        const siblings = Math.max(
          ...group.metrics.filter((x) => x.benchmark === m.benchmark)
            .map((x) => runs.get(`${e.runtime}\u0000${x.metric}`)?.size ?? 0),
        );
        if (own < siblings) {
          assert(
            e.reasons.some((r) => r.includes(m.metric) || r.includes("more")),
            `${rec.profile.id} ${e.runtime} ${m.metric}: ${e.reasons.join(" | ")}`,
          );
          continue;
        }
        assert(own >= 2, `${rec.profile.id}: ${e.runtime} ranked on ${own} run(s) of ${m.metric}`);
        checked++;
      }
    }
  }
  assert(checked > 100, `only ${checked} cells checked`);
});

Deno.test("the published budgeted run's README states the verdict counts its analysis gives", async () => {
  const set = await publishedBudgetRun();
  const group = analyzeResultSets([set]).groups[0];
  const { counts, notComparable, total } = summarizeVerdicts(group);
  const decided = counts.worse + counts.better + counts.equivalent;
  const readme = await Deno.readTextFile(`${RUNS}README.md`);
  const section = readme.slice(readme.indexOf(`## \`${set.runId}\``));
  assert(section.length > 0 && readme.includes(`## \`${set.runId}\``), "a section of its own");
  for (
    const text of [
      `${decided} of ${total} runtime × metric verdicts`,
      `${counts.undetermined} undetermined`,
      `${notComparable.count} not comparable`,
    ]
  ) assert(section.includes(text), `README: "${text}" missing`);
});
