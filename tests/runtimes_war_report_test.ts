/**
 * Builds `notebooks/runtimes_war.md` from a real budgeted run, with the published run as the
 * previous one, and reads what the report says first: the verdict matrix and the decided facts
 * before the methodology, the verdicts the budgeted run's looks recorded, what changed since the
 * previous run, the sections in their order, and no "best" anywhere.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { buildReport } from "../report/build_report.ts";
import { readResultSet } from "../model/read_result_set.ts";
import { analyzeResultSets } from "../analyze/analyze_result_sets.ts";
import { formatVerdictCounts } from "../report/verdict_overview.ts";

const BUDGETED = "fixtures/notebooks/run_budget_native_runc_runsc.json";
const PUBLISHED = "fixtures/runs/20261127-102220-d5d4ad.json";

Deno.test({
  name:
    "the runtimes war report leads with the verdicts, the budgeted run's own, and what changed since the previous run",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "ocibench-war-report-" });
    try {
      await buildReport("notebooks/runtimes_war.md", {
        outDir: out,
        data: [BUDGETED],
        previous: PUBLISHED,
      });
      const md = await Deno.readTextFile(`${out}/runtimes_war.md`);
      const headings = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      assertEquals(headings, [
        "1 What this run decides",
        "2 What changed since the previous run",
        "3 Methodology",
        "4 Results by category",
        "5 Which runtime for which workload, in detail",
        "6 Security posture, measured",
        "7 Applications and the container lifecycle",
        "8 Beside the paper's figures",
        "9 Sanity findings",
        "10 Limitations",
      ]);
      // The first screen: the matrix is the first table, the recommendation the second, both
      // before the methodology.
      const lead = md.slice(0, md.indexOf("## 2 "));
      assertMatch(lead, /\*\*Table 1\.\*\* Verdicts against native/);
      assertMatch(lead, /\*\*Table 2\.\*\* Recommendation per workload profile/);
      // The verdicts are those the budgeted run's looks recorded, as the analysis gives them.
      const set = await readResultSet(BUDGETED);
      const group = analyzeResultSets([set], { seed: 1 }).groups[0];
      const ptrace = group.verdicts.find((v) =>
        v.runtime === "runsc-ptrace" && v.metric === "syscalls.getppid"
      )!;
      assertEquals(ptrace.verdict, "worse");
      assertMatch(ptrace.method, /decided at look \d+ of \d+ of a 4 min budget/);
      const matrixRow = lead.split("\n").find((l) => l.startsWith("| runsc"))!;
      assertMatch(matrixRow, /\| worse [\d.]+× 2\/2 \|/);
      assertStringIncludes(
        lead,
        formatVerdictCounts(group, {
          runtime: (id) => set.runtimes.find((r) => r.id === id)!.name,
        }),
      );
      assertMatch(md, /its verdicts are those its 10 looks at the data recorded/);
      // What changed: a table of the verdicts that moved since the published run.
      const changed = md.slice(md.indexOf("## 2 "), md.indexOf("## 3 "));
      assertMatch(changed, /Verdicts that moved since 20261127-102220-d5d4ad/);
      assertMatch(changed, /\| decided \| runc \| syscalls\.read\\_zero \| undetermined /);
      // No "best" rests on anything: the word appears only in STREAM's metric names.
      const best = [...md.matchAll(/.{0,30}\bbest\b.{0,30}/gi)].map((m) => m[0])
        .filter((t) => !/best[ _]rate/i.test(t));
      assertEquals(best, []);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "the runtimes war report says so when no previous run is given",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "ocibench-war-report-" });
    try {
      await buildReport("notebooks/runtimes_war.md", { outDir: out, data: [BUDGETED] });
      const md = await Deno.readTextFile(`${out}/runtimes_war.md`);
      const changed = md.slice(md.indexOf("## 2 "), md.indexOf("## 3 "));
      assertStringIncludes(changed, "No previous run was given");
      assert(!changed.includes("Table"), "no table without a previous run");
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
