import { assert, assertEquals } from "../tests/assert.ts";
import { readResultSet } from "./read_result_set.ts";
import type { ResultSet } from "./result_set.ts";
import { sampleCells, sampleColumns } from "./sample_columns.ts";

/** Each runtime × metric's distinct topologies in file order, from the samples as objects. */
function topologiesOfSamples(set: ResultSet): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of set.samples) {
    if (s.kind !== "sample") continue;
    const key = `${s.runtime} ${s.metric}`;
    const list = out.get(key) ?? [];
    out.set(key, list);
    if (s.topology !== undefined && !list.includes(s.topology)) list.push(s.topology);
  }
  return out;
}

function topologiesOfCells(set: ResultSet): Map<string, string[]> {
  return new Map(sampleCells(set).map((c) => [`${c.runtime} ${c.metric}`, c.topologies]));
}

Deno.test("sampleCells() gives each cell's topologies as the samples name them, in file order", async () => {
  const read = await readResultSet("fixtures/runs/20261127-102220-d5d4ad.json");
  const columns = sampleColumns(read);
  const fromColumns = topologiesOfCells(read);
  assert(sampleColumns(read) === columns, "the cells were made from the samples as objects");
  const expected = topologiesOfSamples(read);
  assert([...expected.values()].some((t) => t.length > 0), "the fixture names no topology");
  assertEquals(fromColumns, expected);
  // The same from a set whose samples are objects (its columns made from them).
  assertEquals(topologiesOfCells({ ...read, samples: read.samples }), expected);
});

Deno.test("sampleCells() counts the topologies of warm-ups and of samples kept apart", async () => {
  const read = await readResultSet("fixtures/runs/20261127-102220-d5d4ad.json");
  const first = read.samples.find((s) => s.kind === "sample" && s.topology === undefined)!;
  if (first.kind !== "sample") throw new Error("unreachable");
  const samples = [
    { ...first, warmup: true, topology: "warm" },
    // A timestamp the columns do not keep: this sample travels apart.
    { ...first, startedAt: "2026-01-01T01:00:00+01:00", topology: "apart" },
    { ...first, topology: "warm" },
    { ...first },
  ];
  const cells = sampleCells({ ...read, samples });
  assertEquals(cells.length, 1);
  assertEquals(cells[0].topologies, ["warm", "apart"]);
  assertEquals(cells[0].values.length, 3);
  assertEquals(cells[0].warmups, 1);
});
