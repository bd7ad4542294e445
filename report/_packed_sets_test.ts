import { assert, assertEquals } from "../tests/assert.ts";
import { readResultSet } from "../model/read_result_set.ts";
import type { ResultSet } from "../model/result_set.ts";
import { sampleCells, sampleColumns } from "../model/sample_columns.ts";
import { type PackedResultSet, packResultSets, unpackResultSet } from "./_packed_sets.ts";

function packResultSet(set: ResultSet): PackedResultSet {
  return packResultSets([[set]]).packed[0][0];
}

/** Packs, sends through JSON and bytes as the sandbox protocol does, and unpacks. */
function roundTrip(set: ResultSet): ResultSet {
  const { packed, bytes } = packResultSets([[set]]);
  return unpackResultSet(JSON.parse(JSON.stringify(packed[0][0])), bytes.slice());
}

Deno.test("a packed set unpacks to the same JSON, key order included", async () => {
  for (
    const path of [
      "fixtures/runs/20261127-102220-d5d4ad.json",
      "fixtures/notebooks/run_quick_native_runc_crun_runsc.json",
      "fixtures/paper_2020/table8_bonnie.json",
    ]
  ) {
    const set = await readResultSet(path);
    assertEquals(JSON.stringify(roundTrip(set)), JSON.stringify(set), path);
    // Measured runs travel as columns; published tables (summaries only) as they are.
    const apart = packResultSet(set).samples.other.length;
    const measured = set.samples.filter((o) => o.kind === "sample").length;
    assertEquals(apart, set.samples.length - measured, path);
  }
});

Deno.test("samples that do not fit the columns travel as they are", async () => {
  const set = await readResultSet("fixtures/notebooks/run_quick_native_runc_crun_runsc.json");
  const samples = set.samples.slice(0, 7).map((o) => {
    const { topology: _t, notes: _n, ...rest } = o as Record<string, unknown>;
    return rest as typeof o;
  });
  const [a, b, c, d, e, f, g] = samples;
  if (f.kind === "sample") f.startedAt = "2024-02-29T12:00:00.000Z"; // a leap day: fits
  if (g.kind === "sample") g.startedAt = "0050-01-01T00:00:00.000Z"; // Date.UTC reads 1950
  // Notes before topology: not the schema's order.
  if (a.kind === "sample") Object.assign(a, { notes: "a note", topology: "client:runc" });
  if (e.kind === "sample") Object.assign(e, { topology: "client:runc", notes: "a note" });
  if (b.kind === "sample") b.startedAt = "2026-01-01T01:00:00+01:00";
  if (c.kind === "sample") c.finishedAt = "2026-02-29T00:00:00.000Z"; // rolls over in Date
  if (d.kind === "sample") d.unit = "other unit";
  const odd = { ...set, samples };
  const packed = packResultSet(odd);
  assertEquals(packed.samples.other.map(([i]) => i), [0, 1, 2, 3, 6]);
  assertEquals(JSON.stringify(roundTrip(odd)), JSON.stringify(odd));
});

Deno.test("the samples of an unpacked set are made when first read, once", async () => {
  const set = await readResultSet("fixtures/notebooks/run_quick_native_runc_crun_runsc.json");
  const unpacked = roundTrip(set);
  const first = unpacked.samples;
  assert(first === unpacked.samples, "read twice, made twice");
  assertEquals(first.length, set.samples.length);
  assertEquals(Object.keys(unpacked), Object.keys(set));
});

Deno.test("timestamps come back as toISOString writes them, years 0100 to 9999", async () => {
  const set = await readResultSet("fixtures/notebooks/run_quick_native_runc_crun_runsc.json");
  const first = Date.UTC(100, 0, 1);
  const last = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
  let state = 7;
  const samples = set.samples.filter((o) => o.kind === "sample").slice(0, 1).flatMap((o) =>
    Array.from({ length: 3000 }, () => {
      state = (state * 48271) % 2147483647;
      const ms = first + Math.floor((state / 2147483647) * (last - first));
      return {
        ...o,
        startedAt: new Date(ms).toISOString(),
        finishedAt: new Date(ms).toISOString(),
      };
    })
  );
  const many = { ...set, samples };
  assertEquals(packResultSet(many).samples.other.length, 0);
  assertEquals(JSON.stringify(roundTrip(many)), JSON.stringify(many));
});

Deno.test("a set read from a file is packed from its columns, never made as objects", async () => {
  const set = await readResultSet("fixtures/runs/20261127-102220-d5d4ad.json");
  const columns = sampleColumns(set);
  const { packed, bytes } = packResultSets([[set]]);
  assert(sampleColumns(set) === columns, "packing read the set's samples as objects");
  const back = unpackResultSet(packed[0][0], bytes);
  assertEquals(sampleCells(back), sampleCells(set));
  assertEquals(JSON.stringify(back), JSON.stringify(set));
});
