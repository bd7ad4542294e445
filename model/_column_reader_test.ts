import { assert, assertEquals } from "../tests/assert.ts";
import { readResultSetColumns, readResultSetFileColumns } from "./_column_reader.ts";
import { ResultSetSchema } from "./result_set.ts";
import { observationCount, sampleColumns } from "./sample_columns.ts";

const FIXTURES = [
  "fixtures/runs/20261127-102220-d5d4ad.json",
  "fixtures/notebooks/run_quick_native_runc_crun_runsc.json",
  "fixtures/notebooks/hostile_results.json",
  "fixtures/paper_2020/table6_ycruncher.json",
  "fixtures/paper_2020/table8_bonnie.json",
  "fixtures/paper_2020/table11_stream.json",
  "fixtures/paper_2020/table12_netperf.json",
];

const encode = (data: unknown, indent?: number) =>
  new TextEncoder().encode(JSON.stringify(data, null, indent));

/** What the ordinary path gives: JSON.parse, then the schema. */
function schemaOf(bytes: Uint8Array): string {
  return JSON.stringify(ResultSetSchema.parse(JSON.parse(new TextDecoder().decode(bytes))));
}

Deno.test("readResultSetColumns() gives what the schema gives, key order included, on every fixture", async () => {
  for (const path of FIXTURES) {
    const bytes = await Deno.readFile(path);
    const set = readResultSetColumns(bytes);
    assert(set !== null, `${path}: the column reader gave up on a valid file`);
    assertEquals(JSON.stringify(set), schemaOf(bytes), path);
  }
});

Deno.test("readResultSetColumns() keeps measured samples as columns and makes objects only when read", async () => {
  const bytes = await Deno.readFile("fixtures/runs/20261127-102220-d5d4ad.json");
  const set = readResultSetColumns(bytes)!;
  const columns = sampleColumns(set);
  assertEquals(columns.count, 4839);
  assertEquals(columns.other.size, 0, "every sample of a measured run fits the columns");
  assertEquals(observationCount(set), 4839);
  const first = set.samples;
  assert(first === set.samples, "the samples are made once");
  // Once made, the objects are what analysis reads (a caller may have changed them).
  assert(sampleColumns(set) !== columns);
});

/** A small valid set whose samples use every optional field. */
function small(): Record<string, unknown> & { samples: Record<string, unknown>[] } {
  const sample = (iteration: number) => ({
    kind: "sample",
    runtime: "runc",
    benchmark: "cpu",
    metric: "cpu.events",
    unit: "events/s",
    direction: "higher",
    value: 3200.123456789012,
    iteration,
    warmup: iteration === 0,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.250Z",
  });
  return {
    schemaVersion: 1,
    runId: "small",
    status: "complete",
    host: { id: "h", description: "a host", cores: 2, memoryBytes: 1024 },
    runtimes: [{ id: "runc", name: "runc", isolation: "os-container", historical: false }],
    benchmarks: [{ id: "cpu", name: "cpu", category: "cpu", tool: "sysbench" }],
    metrics: [{
      id: "cpu.events",
      benchmark: "cpu",
      name: "events",
      category: "cpu",
      unit: "events/s",
      direction: "higher",
    }],
    samples: [
      sample(0),
      { ...sample(1), topology: "client:runc", notes: 'a "quoted" note → µs' },
      {
        ...sample(2),
        hostNoise: {
          stealPercent: 0.5,
          loadBefore: 1,
          loadAfter: 1.25,
          othersRunnableBefore: 0,
          othersRunnableAfter: 2,
          disturbed: "steal 0.5 %",
        },
      },
      { ...sample(3), notComparable: { reason: "served from a cache" }, value: -0, iteration: 3 },
      {
        kind: "summary",
        runtime: "runc",
        benchmark: "cpu",
        metric: "cpu.events",
        unit: "events/s",
        direction: "higher",
        value: null,
        statistic: "mean",
        missingReason: "not printed",
      },
      { ...sample(5), startedAt: "2026-01-01T01:00:00+01:00" },
      { ...sample(6), value: 1e21, iteration: 6 },
      { ...sample(7), value: 0.000123456789012345678, iteration: 7 },
    ],
    failures: [],
  };
}

Deno.test("readResultSetColumns() reads every optional field and rare form as the schema does", () => {
  for (const indent of [undefined, 2]) {
    const bytes = encode(small(), indent);
    const set = readResultSetColumns(bytes);
    assert(set !== null, "a valid file");
    assertEquals(JSON.stringify(set), schemaOf(bytes));
    const columns = sampleColumns(readResultSetColumns(bytes)!);
    // The summary and the timestamp with an offset are kept apart, as they are.
    assertEquals([...columns.other.keys()], [4, 5]);
    assertEquals(columns.notComparable.get(3), "served from a cache");
    assertEquals(columns.hostNoise?.disturbed.get(2), "steal 0.5 %");
  }
});

Deno.test("readResultSetColumns() reads keys in any order and samples before the metrics they name", () => {
  const data = small();
  const { samples, ...rest } = data;
  const shuffled = samples.map((o) => Object.fromEntries(Object.entries(o).reverse()));
  const first = { samples: shuffled, ...rest, extra: { ignored: [1, "}"] } };
  const bytes = encode(first, 1);
  const set = readResultSetColumns(bytes);
  assert(set !== null);
  assertEquals(JSON.stringify(set), schemaOf(bytes));
});

Deno.test("readResultSetColumns() gives up on anything the schema or JSON.parse would refuse", () => {
  const cases: [string, (d: ReturnType<typeof small>) => unknown][] = [
    ["an unknown runtime", (d) => (d.samples[1].runtime = "crun", d)],
    ["a unit not the metric's", (d) => (d.samples[1].unit = "s", d)],
    ["a negative iteration", (d) => (d.samples[1].iteration = -1, d)],
    ["a fractional iteration", (d) => (d.samples[1].iteration = 1.5, d)],
    ["a date that does not exist", (d) => (d.samples[1].startedAt = "2026-02-29T00:00:00.000Z", d)],
    ["an empty not-comparable reason", (d) => (d.samples[3].notComparable = { reason: "" }, d)],
    [
      "negative host noise",
      (d) => ((d.samples[2].hostNoise as { loadBefore: number }).loadBefore = -1, d),
    ],
    ["a null value of a sample", (d) => (d.samples[1].value = null, d)],
    ["a missing value without a reason", (d) => (delete d.samples[4].missingReason, d)],
    ["no samples", (d) => (delete (d as Record<string, unknown>).samples, d)],
  ];
  for (const [what, change] of cases) {
    assertEquals(readResultSetColumns(encode(change(small()))), null, what);
  }
  const text = new TextDecoder().decode(encode(small()));
  for (
    const [what, broken] of [
      ["a trailing comma", text.replace(/\]\s*,\s*"failures"/, '],,"failures"')],
      ["text after the object", text + "x"],
      ["a duplicate key", text.replace('"runId":"small"', '"runId":"small","runId":"b"')],
      ["a number JSON does not allow", text.replace('"iteration":1,', '"iteration":01,')],
      ["infinity", text.replace("1e+21", "1e999")],
    ]
  ) {
    assertEquals(readResultSetColumns(new TextEncoder().encode(broken)), null, what);
  }
});

Deno.test("readResultSetFileColumns() reads a file a chunk at a time as the bytes reader does", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Larger than a chunk and a window, with a published value, a long note and an odd
    // timestamp placed across chunk boundaries.
    const data = small();
    const base = data.samples[0];
    data.samples = Array.from({ length: 60_000 }, (_, i) => ({ ...base, iteration: i }));
    data.samples[20_000] = { ...base, notes: "x".repeat(3 << 20) };
    data.samples[40_000] = small().samples[4];
    data.samples[50_000] = { ...base, startedAt: "2026-01-01T01:00:00+01:00" };
    const bytes = encode(data, 2);
    assert(bytes.length > 20 << 20);
    const path = `${dir}/big.json`;
    await Deno.writeFile(path, bytes);
    const streamed = readResultSetFileColumns(path, 512 << 20);
    assert(streamed !== null, "a valid file");
    assertEquals(JSON.stringify(streamed), JSON.stringify(readResultSetColumns(bytes)));
    // The sample longer than the window ahead is read on its own, as are the rare forms.
    assertEquals([...sampleColumns(readResultSetFileColumns(path, 512 << 20)!).other.keys()], [
      20_000,
      40_000,
      50_000,
    ]);
    assertEquals(readResultSetFileColumns(path, 1 << 20), null, "over the limit");
    await Deno.writeFile(path, bytes.subarray(0, bytes.length - 2));
    assertEquals(readResultSetFileColumns(path, 512 << 20), null, "cut short");
    assertEquals(readResultSetFileColumns(dir, 512 << 20), null, "a directory");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
