import { assertEquals, assertMatch, assertNotEquals } from "../tests/assert.ts";
import { namePrefixOf, newRunId, runPaths } from "./run_loop.ts";
import { ResultSetSchema } from "../model/result_set.ts";

Deno.test("newRunId() is a valid result-set id, sortable by time and random at the end", () => {
  const id = newRunId(new Date("2026-11-27T08:03:46.123Z"));
  assertMatch(id, /^20261127-080346-[0-9a-f]{6}$/);
  assertEquals(ResultSetSchema.shape.runId.safeParse(id).success, true);
  assertNotEquals(newRunId(), newRunId());
});

Deno.test("namePrefixOf() gives every run its own `ocibench-` prefix from its random part", () => {
  assertEquals(namePrefixOf("20261127-080346-3ff34d"), "ocibench-3ff34d");
  assertNotEquals(namePrefixOf(newRunId()), namePrefixOf(newRunId()));
});

Deno.test("runPaths() puts the samples log in the run's directory and the result beside it", () => {
  assertEquals(runPaths("results", "r1"), {
    dir: "results/r1",
    log: "results/r1/samples.jsonl",
    result: "results/r1.json",
  });
});
