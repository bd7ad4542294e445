import { assert, assertEquals } from "./assert.ts";
import { readResultSet } from "../model/read_result_set.ts";
import type { ResultSet, SummaryValue } from "../model/result_set.ts";

const DIR = new URL("../fixtures/paper_2020/", import.meta.url).pathname;

function value(set: ResultSet, runtime: string, metric: string): SummaryValue {
  const found = set.samples.filter((s) => s.runtime === runtime && s.metric === metric);
  assertEquals(found.length, 1, `${runtime} ${metric} appears once`);
  assert(found[0].kind === "summary");
  return found[0];
}

const EIGHT = [
  "docker-ubuntu18",
  "docker-ubuntu20",
  "firecracker",
  "gvisor",
  "kata",
  "podman",
  "rkt",
  "wsl2",
];

/** Each table: file, metrics it must hold, and values checked against the printed paper. */
const TABLES: {
  file: string;
  metrics: string[];
  values: [string, string, number][];
}[] = [
  {
    file: "table6_ycruncher.json",
    metrics: ["ycruncher.computation_time", "ycruncher.total_time"],
    values: [
      ["podman", "ycruncher.computation_time", 4.6532],
      ["wsl2", "ycruncher.total_time", 6.0235],
      ["docker-ubuntu18", "ycruncher.computation_time", 5.074],
    ],
  },
  {
    file: "table7_multicore.json",
    metrics: ["ycruncher.cpu_utilization", "ycruncher.multicore_efficiency"],
    values: [
      ["podman", "ycruncher.cpu_utilization", 198.087],
      ["docker-ubuntu20", "ycruncher.multicore_efficiency", 108.739],
      ["docker-ubuntu18", "ycruncher.multicore_efficiency", 96.458],
    ],
  },
  {
    file: "table8_bonnie.json",
    metrics: [
      "bonnie.seq_output_block",
      "bonnie.seq_output_char",
      "bonnie.seq_input_block",
      "bonnie.seq_input_char",
    ],
    values: [
      ["gvisor", "bonnie.seq_output_block", 368],
      ["firecracker", "bonnie.seq_output_char", 1.2],
      ["docker-ubuntu18", "bonnie.seq_input_block", 3913],
      ["kata", "bonnie.seq_input_char", 23],
    ],
  },
  {
    file: "table10_ycruncher_io.json",
    metrics: [
      "ycruncher_io.seq_write",
      "ycruncher_io.seq_read",
      "ycruncher_io.strided_write",
      "ycruncher_io.strided_read",
      "ycruncher_io.streaming_computation",
      "ycruncher_io.streaming_disk_io",
      "ycruncher_io.ratio",
    ],
    values: [
      ["gvisor", "ycruncher_io.strided_read", 234],
      ["docker-ubuntu18", "ycruncher_io.ratio", 0.0581172],
      ["wsl2", "ycruncher_io.streaming_disk_io", 71.4],
    ],
  },
  {
    file: "table11_stream.json",
    metrics: ["copy", "scale", "add", "triad"].flatMap((k) => [
      `stream.${k}_best_rate`,
      `stream.${k}_avg_time`,
    ]),
    values: [
      ["docker-ubuntu20", "stream.add_avg_time", 0.4913836],
      ["gvisor", "stream.copy_best_rate", 14304.3],
      ["kata", "stream.scale_avg_time", 0.106128],
      ["wsl2", "stream.triad_best_rate", 11405],
    ],
  },
  {
    file: "table12_netperf.json",
    metrics: ["tcp_stream", "udp_stream", "tcp_rr", "udp_rr"].flatMap((k) => [
      `netperf.${k}_throughput`,
      `netperf.${k}_latency`,
    ]),
    values: [
      ["rkt", "netperf.tcp_stream_throughput", 9557.65],
      ["gvisor", "netperf.tcp_rr_latency", 1130.2],
      ["podman", "netperf.udp_rr_throughput", 15638.8],
      ["wsl2", "netperf.udp_stream_latency", 50.96],
    ],
  },
];

for (const table of TABLES) {
  Deno.test(`paper fixture ${table.file} validates and holds the printed values`, async () => {
    const set = await readResultSet(DIR + table.file);
    assertEquals(set.status, "published");
    assertEquals(set.runtimes.map((r) => r.id).sort(), EIGHT);
    assert(set.runtimes.every((r) => r.historical), "paper rows are historical");
    assertEquals(set.metrics.map((m) => m.id).sort(), [...table.metrics].sort());
    assertEquals(set.samples.length, EIGHT.length * table.metrics.length);
    assertEquals(set.host.cores, 2);
    assertEquals(set.host.memoryBytes, 8 * 1024 ** 3);
    for (const [runtime, metric, expected] of table.values) {
      assertEquals(value(set, runtime, metric).value, expected, `${runtime} ${metric}`);
    }
    for (const m of set.metrics) {
      if (m.unit === "MB/s") assertEquals(m.direction, "higher", m.id);
      if (m.unit === "s" || m.unit === "min" || m.unit === "ms") {
        assertEquals(m.direction, "lower", m.id);
      }
    }
  });
}

Deno.test("paper fixture table7 records gVisor's '??' as missing with the reason, never 0", async () => {
  const set = await readResultSet(DIR + "table7_multicore.json");
  for (const metric of ["ycruncher.cpu_utilization", "ycruncher.multicore_efficiency"]) {
    const v = value(set, "gvisor", metric);
    assertEquals(v.value, null);
    assertEquals(v.printed, "??");
    assert(v.missingReason?.includes("unable to obtain CPU information"));
  }
  const present = set.samples.filter((s) => s.value !== null);
  assertEquals(present.length, 14);
});

Deno.test("paper fixtures keep the two Docker rows distinct and give each runtime one id", async () => {
  const ids = new Map<string, string>();
  for await (const entry of Deno.readDir(DIR)) {
    if (!entry.name.endsWith(".json")) continue;
    const set = await readResultSet(DIR + entry.name);
    for (const r of set.runtimes) {
      const previous = ids.get(r.id);
      if (previous) assertEquals(r.name, previous, `${r.id} named alike everywhere`);
      ids.set(r.id, r.name);
    }
  }
  assertEquals(ids.get("docker-ubuntu18"), "Docker 18 (Ubuntu 18.04 host)");
  assertEquals(ids.get("docker-ubuntu20"), "Docker 20 (Ubuntu 20.04 host)");
  assertEquals(ids.size, 8);
});

Deno.test("paper fixtures are what fixtures/paper_2020/build.ts writes", async () => {
  const { buildTables } = await import("../fixtures/paper_2020/build.ts");
  for (const [file, set] of buildTables()) {
    const onDisk = JSON.parse(await Deno.readTextFile(DIR + file));
    assertEquals(onDisk, JSON.parse(JSON.stringify(set)), file);
  }
});

Deno.test("paper fixtures label each value with the statistic the paper prints, unknown where it does not say", async () => {
  const stream = await readResultSet(DIR + "table11_stream.json");
  // STREAM prints the best rate and the average time of its trials.
  assertEquals(value(stream, "podman", "stream.copy_best_rate").statistic, "best");
  assertEquals(value(stream, "podman", "stream.copy_avg_time").statistic, "mean");
  assertEquals(value(stream, "kata", "stream.triad_avg_time").statistic, "mean");
  for (const file of ["table8_bonnie.json", "table10_ycruncher_io.json"]) {
    const set = await readResultSet(DIR + file);
    assert(set.samples.every((s) => s.kind === "summary" && s.statistic === "unknown"), file);
  }
  const cpu = await readResultSet(DIR + "table6_ycruncher.json");
  assertEquals(value(cpu, "podman", "ycruncher.computation_time").statistic, "mean");
  assertEquals(value(cpu, "podman", "ycruncher.computation_time").n, 10);
});

Deno.test("paper fixtures keep y-cruncher's digit count as printed, and WSL2 without an engine", async () => {
  const cpu = await readResultSet(DIR + "table6_ycruncher.json");
  assertEquals(cpu.benchmarks[0].parameters, { digitsAsPrinted: "500.000" });
  assert(cpu.benchmarks[0].description?.includes("500 million"));
  assertEquals(cpu.runtimes.find((r) => r.id === "wsl2")?.engine, undefined);
  assert(cpu.host.description.includes("from one template"));
});
