import { assert, assertEquals } from "./assert.ts";
import { readResultSets } from "../model/read_result_set.ts";

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
