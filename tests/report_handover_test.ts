/**
 * buildReport given the sets already read and their analysis (as `war` gives them): it uses
 * them as they are instead of reading and analysing the files again, and returns the analysis
 * its cells saw.
 */
import { analyzeResultSets } from "../analyze/analyze_result_sets.ts";
import { buildReport } from "../report/build_report.ts";
import { readResultSet } from "../model/read_result_set.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";

const RUN = "fixtures/notebooks/run_quick_native_runc_crun_runsc.json";

const NOTEBOOK = `---
title: "Hand-over"
datasets: []
---

Run \${sets[0].runId}, \${analysis.groups.length} groups, baseline \${analysis.groups[0]?.baseline.used}.
`;

async function withNotebook(f: (path: string, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-report-handover-" });
  try {
    await Deno.writeTextFile(`${dir}/handover.md`, NOTEBOOK);
    await f(`${dir}/handover.md`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("buildReport() uses the sets it is given instead of reading the files again", async () => {
  await withNotebook(async (path, dir) => {
    const set = { ...(await readResultSet(RUN)), runId: "given-not-read" };
    const built = await buildReport(path, { outDir: `${dir}/site`, data: [RUN], dataSets: [set] });
    const markdown = await Deno.readTextFile(`${dir}/site/handover.md`);
    assert(markdown.includes("Run given-not-read,"), markdown);
    // The analysis it returns is the notebook's: seed 1, the set labelled with its file name.
    const label = RUN.split("/").at(-1)!;
    assertEquals(built.analysis, analyzeResultSets([set], { seed: 1, labels: [label] }));
  });
});

Deno.test("buildReport() gives the cells the analysis it is given, and returns it", async () => {
  await withNotebook(async (path, dir) => {
    const set = await readResultSet(RUN);
    const label = RUN.split("/").at(-1)!;
    const analysis = analyzeResultSets([set], { seed: 1, labels: [label], baseline: "runc" });
    const built = await buildReport(path, {
      outDir: `${dir}/site`,
      data: [RUN],
      dataSets: [set],
      analysis,
    });
    assert(built.analysis === analysis, "the analysis returned is not the one given");
    const markdown = await Deno.readTextFile(`${dir}/site/handover.md`);
    assert(markdown.includes("baseline runc."), markdown);
  });
});

Deno.test("buildReport() refuses sets given that do not match the dataset files", async () => {
  await withNotebook(async (path, dir) => {
    const set = await readResultSet(RUN);
    await assertRejects(
      () => buildReport(path, { outDir: `${dir}/site`, data: [RUN], dataSets: [set, set] }),
      RangeError,
      "2 result sets given for 1 dataset files",
    );
  });
});
