/**
 * The replication notebook's verdicts come from rules over the paper's fixtures: the claims in
 * its front matter, checked against the tables, give the outcomes the rendered example prints,
 * and changing one fixture value changes a verdict.
 */
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { parseNotebook } from "../report/parse_notebook.ts";
import { readResultSet } from "../model/read_result_set.ts";
import type { ResultSet } from "../model/result_set.ts";
import { readPaperClaims } from "../model/paper_claim.ts";
import {
  analyzeResultSets,
  countOutcomes,
  evaluateClaims,
  flaggedValues,
  publishedValues,
} from "../analyze/mod.ts";

const NOTEBOOK = "notebooks/replication.md";
const FILES = [
  "table6_ycruncher.json",
  "table7_multicore.json",
  "table8_bonnie.json",
  "table10_ycruncher_io.json",
  "table11_stream.json",
  "table12_netperf.json",
];

const notebook = parseNotebook(await Deno.readTextFile(NOTEBOOK), NOTEBOOK);
const claims = readPaperClaims(notebook.meta.extra.claims);
const paper = await Promise.all(FILES.map((f) => readResultSet(`fixtures/paper_2020/${f}`)));

/** The notebook's evaluation: flags from the analysis of the sets, then the rules. */
function evaluate(sets: ResultSet[]) {
  const analysis = analyzeResultSets(sets, { seed: 1 });
  const flagged = flaggedValues(analysis.groups.flatMap((g) => g.sanity));
  return evaluateClaims(claims, { values: publishedValues(sets), flagged });
}

/** `sets` with one printed value replaced. */
function withValue(sets: ResultSet[], runtime: string, metric: string, value: number): ResultSet[] {
  let changed = 0;
  const out = sets.map((set) => ({
    ...set,
    samples: set.samples.map((s) => {
      if (s.runtime !== runtime || s.metric !== metric) return s;
      changed++;
      return { ...s, value };
    }),
  }));
  assertEquals(changed, 1, `${runtime} ${metric} is one value of the fixtures`);
  return out;
}

const outcome = (evaluations: ReturnType<typeof evaluate>, id: string) =>
  evaluations.find((e) => e.id === id)!.outcome;

Deno.test("replication claims: every claim of the notebook is checked, with the four outcomes", () => {
  const evaluations = evaluate(paper);
  assertEquals(evaluations.length, claims.length);
  assert(claims.length >= 14, `${claims.length} claims`);
  // One of each outcome, from the tables as printed.
  assertEquals(outcome(evaluations, "cpu-wsl2-slowest"), "supported");
  assertEquals(outcome(evaluations, "cpu-os-level-better"), "partly");
  assertEquals(outcome(evaluations, "network-tcp-sandboxes-over-docker"), "contradicted");
  assertEquals(outcome(evaluations, "disk-gvisor-strided-read"), "flagged");
  // Docker 20's 108.739 % efficiency is flagged: the claim holds on the valid values only.
  const multicore = evaluations.find((e) => e.id === "cpu-multicore-podman-rkt")!;
  assertEquals([multicore.outcome, multicore.asPrinted], ["supported", "partly"]);
  assert(multicore.flaggedRead.some((f) => f.runtime === "docker-ubuntu20"));
});

Deno.test("replication claims: changing one fixture value changes a verdict", () => {
  const before = evaluate(paper);
  // Kata's TCP_STREAM above both Docker rows: the claim that sandboxes outrun Docker is partly true.
  const faster = evaluate(
    withValue(paper, "kata", "netperf.tcp_stream_throughput", 13000),
  );
  assertEquals(outcome(before, "network-tcp-sandboxes-over-docker"), "contradicted");
  assertEquals(outcome(faster, "network-tcp-sandboxes-over-docker"), "partly");
  // WSL2 no longer slowest on computation time: supported becomes partly.
  const quicker = evaluate(withValue(paper, "wsl2", "ycruncher.computation_time", 4.9));
  assertEquals(outcome(quicker, "cpu-wsl2-slowest"), "partly");
  // Docker 20's efficiency made consistent with its utilisation (98.85 %): nothing is flagged,
  // and the claim holds as printed too.
  const fixed = evaluate(
    withValue(paper, "docker-ubuntu20", "ycruncher.multicore_efficiency", 98.85),
  );
  const multicore = fixed.find((e) => e.id === "cpu-multicore-podman-rkt")!;
  assertEquals([multicore.outcome, multicore.asPrinted], ["supported", "supported"]);
});

Deno.test("replication example: its abstract's counts are the rules' outcomes", async () => {
  const counts = countOutcomes(evaluate(paper));
  const example = await Deno.readTextFile("examples/replication.md");
  const abstract = example.split("\n").find((l) => l.startsWith("**Abstract.**"))!;
  assertStringIncludes(abstract, `each of the paper's ${claims.length} conclusions`);
  assertStringIncludes(
    abstract,
    `${counts.supported} conclusions are supported, ${counts.partly} partly supported and ` +
      `${counts.contradicted} contradicted by the values; ${counts.flagged} rest only on values ` +
      "flagged as invalid",
  );
});
