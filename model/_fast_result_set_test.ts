import { assert, assertEquals } from "../tests/assert.ts";
import { parseResultSetFast } from "./_fast_result_set.ts";
import { ResultSetSchema } from "./result_set.ts";

const FIXTURES = [
  "fixtures/runs/20261127-102220-d5d4ad.json",
  "fixtures/notebooks/run_quick_native_runc_crun_runsc.json",
  "fixtures/notebooks/hostile_results.json",
  "fixtures/paper_2020/table6_ycruncher.json",
  "fixtures/paper_2020/table7_multicore.json",
  "fixtures/paper_2020/table8_bonnie.json",
  "fixtures/paper_2020/table10_ycruncher_io.json",
  "fixtures/paper_2020/table11_stream.json",
  "fixtures/paper_2020/table12_netperf.json",
];

async function load(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(path));
}

Deno.test("parseResultSetFast() gives what the schema gives, key order included, on every fixture", async () => {
  for (const path of FIXTURES) {
    const data = await load(path);
    const fast = parseResultSetFast(data);
    assert(fast !== null, `${path}: the fast path gave up on a valid file`);
    assertEquals(JSON.stringify(fast), JSON.stringify(ResultSetSchema.parse(data)), path);
  }
});

/** A small valid set: two samples and a published summary. */
function small(): Record<string, unknown> & { samples: Record<string, unknown>[] } {
  const sample = (iteration: number) => ({
    kind: "sample",
    runtime: "runc",
    benchmark: "cpu",
    metric: "cpu.events",
    unit: "events/s",
    direction: "higher",
    value: 3200.5,
    iteration,
    warmup: false,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01+02:00",
  });
  return {
    schemaVersion: 1,
    runId: "small",
    status: "complete",
    host: { id: "h", description: "h", cores: 2, memoryBytes: 1024 },
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
    samples: [sample(0), sample(1), {
      kind: "summary",
      runtime: "runc",
      benchmark: "cpu",
      metric: "cpu.events",
      unit: "events/s",
      direction: "higher",
      value: null,
      statistic: "mean",
      n: 3,
      missingReason: "not printed",
    }],
    failures: [],
  };
}

Deno.test("parseResultSetFast() strips unknown keys and reorders keys as the schema does", () => {
  const data = small();
  data.samples[0] = { extra: 1, ...data.samples[0], notes: "n" };
  const { kind: _, ...rest } = data.samples[1];
  data.samples[1] = { ...rest, kind: "sample", topology: "client:runc" };
  const fast = parseResultSetFast(data);
  assert(fast !== null);
  assertEquals(JSON.stringify(fast), JSON.stringify(ResultSetSchema.parse(data)));
  assertEquals(Object.keys(fast.samples[0]).at(-1), "notes");
  assert(!("extra" in fast.samples[0]));
});

Deno.test("parseResultSetFast() gives up wherever the schema finds a problem", () => {
  const mutations: [string, (s: Record<string, unknown>[]) => void][] = [
    ["value as text", (s) => (s[0].value = "12,5")],
    ["iteration below 0", (s) => (s[0].iteration = -1)],
    ["iteration not whole", (s) => (s[0].iteration = 1.5)],
    ["30 February", (s) => (s[0].startedAt = "2026-02-30T00:00:00Z")],
    ["no offset", (s) => (s[0].finishedAt = "2026-01-01T00:00:00")],
    ["unknown runtime", (s) => (s[0].runtime = "crun")],
    ["unit of another metric", (s) => (s[0].unit = "ms")],
    ["benchmark of another metric", (s) => (s[0].benchmark = "mem")],
    ["warmup as text", (s) => (s[0].warmup = "no")],
    ["topology as a number", (s) => (s[0].topology = 5)],
    ["unknown kind", (s) => (s[0].kind = "other")],
    ["missing value without a reason", (s) => delete s[2].missingReason],
    ["unknown statistic", (s) => (s[2].statistic = "avg")],
    ["n of 0", (s) => (s[2].n = 0)],
    ["a sample that is not an object", (s) => (s[1] = null as unknown as Record<string, unknown>)],
  ];
  for (const [what, mutate] of mutations) {
    const data = small();
    mutate(data.samples);
    assertEquals(parseResultSetFast(data), null, what);
    assert(!ResultSetSchema.safeParse(data).success, `${what}: the schema accepts it too`);
  }
  assertEquals(parseResultSetFast({ ...small(), runId: "Not An Id" }), null);
  assertEquals(parseResultSetFast([]), null);
});

Deno.test("parseResultSetFast() keeps every field the schema keeps: host noise and not-comparable marks", () => {
  const data = small();
  data.samples[0] = {
    ...data.samples[0],
    notComparable: { reason: "served from a cache" },
    hostNoise: {
      stealPercent: 1.5,
      loadBefore: 0.5,
      loadAfter: 0.75,
      othersRunnableBefore: 0,
      othersRunnableAfter: 1,
    },
  };
  const fast = parseResultSetFast(data);
  assert(fast !== null, "the fast path gave up on a valid file");
  assertEquals(JSON.stringify(fast), JSON.stringify(ResultSetSchema.parse(data)));
});
