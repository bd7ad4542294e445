/**
 * Integration: one disk (fio on a bind mount, O_DIRECT), one network (qperf between two
 * endpoints) and the footprint benchmark through native, runc, runsc and podman with `--quick`
 * sizes, each turned into a result set that must validate; and the cleanliness of failed and
 * interrupted network and density runs. A runtime this host cannot use is skipped by name with
 * the reason printed. After each test no container, namespace, mount, process or temp dir of ours
 * is left (collect/leftovers.ts).
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "./assert.ts";
import {
  findTestImage,
  leftoversBesidesWorkDir,
  removeWorkDirOnUnload,
  testCleanupLeavesNothing,
  usableRuntimes,
} from "./integration.ts";
import { createAdapterContext } from "../collect/runtimes/mod.ts";
import { findLeftovers } from "../collect/leftovers.ts";
import { StepFailedError } from "../collect/errors.ts";
import type {
  AdapterContext,
  BenchmarkDefinition,
  MeasureContext,
  MeasuredValue,
  RuntimeAdapter,
} from "../collect/types.ts";
import { type ResultSet, ResultSetSchema, SCHEMA_VERSION } from "../model/result_set.ts";
import { fioBenchmark } from "../collect/benchmarks/fio.ts";
import { qperfBenchmark } from "../collect/benchmarks/qperf.ts";
import { iperf3Benchmark } from "../collect/benchmarks/iperf3.ts";
import { footprintBenchmark } from "../collect/benchmarks/footprint.ts";
import { densityBenchmark } from "../collect/benchmarks/density.ts";
import { runClientUntilConnected, withServerAndClient } from "../collect/network_endpoints.ts";
import { qperfClientArgv, qperfNotReady } from "../collect/benchmarks/qperf.ts";

const RUNTIMES = ["native", "runc", "runsc-ptrace", "podman-runc"];

const { image, problem: imageProblem } = findTestImage("disk_network_test");

const run = `dn${crypto.randomUUID().slice(0, 6)}`;
const ctx: AdapterContext = createAdapterContext({
  image,
  run,
  log: (m) => console.log(`  [adapter] ${m}`),
});
const { adapters, unusable } = await usableRuntimes(ctx, RUNTIMES, () => imageProblem);
// When a filter leaves out the final clean-up test, the run's work dir still goes.
removeWorkDirOnUnload(ctx);

function measureContext(runtime: RuntimeAdapter, signal?: AbortSignal): MeasureContext {
  return { runtime, adapter: ctx, quick: true, cores: navigator.hardwareConcurrency, signal };
}

const leftoversNow = () => leftoversBesidesWorkDir(ctx);

/** The result set a collection would write for these values (one repetition). */
function resultSetOf(
  runtime: RuntimeAdapter,
  measured: { benchmark: BenchmarkDefinition; values: MeasuredValue[] }[],
): ResultSet {
  const at = new Date().toISOString();
  return ResultSetSchema.parse({
    schemaVersion: SCHEMA_VERSION,
    runId: `test-${run}`,
    status: "complete",
    host: { id: "test-host", description: "integration test", cores: 2, memoryBytes: 2 ** 30 },
    runtimes: [{
      id: runtime.id,
      name: runtime.name,
      isolation: runtime.isolation,
      historical: false,
    }],
    benchmarks: measured.map((m) => m.benchmark.info),
    metrics: measured.flatMap((m) => m.benchmark.metrics),
    samples: measured.flatMap(({ benchmark, values }) =>
      values.map((v) => {
        const metric = benchmark.metrics.find((m) => m.id === v.metric);
        assert(metric, `${benchmark.info.id} produced an undeclared metric ${v.metric}`);
        return {
          kind: "sample",
          runtime: runtime.id,
          benchmark: benchmark.info.id,
          metric: v.metric,
          unit: metric.unit,
          direction: metric.direction,
          value: v.value,
          iteration: 0,
          warmup: false,
          startedAt: at,
          finishedAt: at,
          topology: v.topology,
          notes: v.notes,
        };
      })
    ),
    failures: [],
  });
}

for (const id of RUNTIMES) {
  Deno.test({
    name:
      `${id}: fio (bind mount, O_DIRECT), qperf and footprint measure, validate and leave nothing`,
    ignore: unusable.has(id),
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const runtime = adapters.get(id)!;
      const fio = fioBenchmark({ placement: "bind", cache: "direct" });
      const measured: { benchmark: BenchmarkDefinition; values: MeasuredValue[] }[] = [];
      for (const benchmark of [fio, qperfBenchmark, footprintBenchmark]) {
        const values = await benchmark.measure(measureContext(runtime));
        console.log(
          `  ${id} ${benchmark.info.id}: ${
            values.map((v) => `${v.metric.split(".")[1]}=${v.value.toPrecision(4)}`).join(" ")
          }`,
        );
        measured.push({ benchmark, values });
        assertEquals(await leftoversNow(), "", `left behind after ${benchmark.info.id}`);
      }
      const set = resultSetOf(runtime, measured);
      const value = (metric: string) => set.samples.find((s) => s.metric === metric)?.value;
      // fio: 16 values; a 1 MiB block write moves as many MiB/s as it does IO/s.
      assertEquals(measured[0].values.length, 16);
      for (const v of measured[0].values) assert(v.value > 0, `${v.metric} = ${v.value}`);
      const bw = value("fio_bind_direct.seq_write_bandwidth")!;
      assert(Math.abs(value("fio_bind_direct.seq_write_iops")! - bw) < 0.01 * bw + 0.01);
      // qperf: both stream bandwidths and both latencies, between endpoints of this runtime.
      assertEquals(measured[1].values.length, 4);
      for (const v of measured[1].values) {
        assert(v.value > 0, `${v.metric} = ${v.value}`);
        assertStringIncludes(v.topology ?? "", `client:${id} server:${id}`);
      }
      // footprint: PSS at most RSS, at least one host process.
      const pss = value("footprint_idle.pss");
      const rss = value("footprint_idle.rss")!;
      assert(rss > 0);
      if (pss !== undefined && pss !== null) assert(pss > 0 && pss <= rss, `pss ${pss} rss ${rss}`);
      assert(value("footprint_idle.host_processes")! >= 1);
    },
  });
}

const firstUsable = ["runc", "native"].find((id) => !unusable.has(id));

Deno.test({
  name: "iperf3 under runsc runs its client in gVisor against a native server and says so",
  ignore: unusable.has("runsc-ptrace"),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const runtime = adapters.get("runsc-ptrace")!;
    const tcp = await iperf3Benchmark("tcp").measure(measureContext(runtime));
    assertEquals(tcp.map((v) => v.metric), ["iperf3_tcp.stream_throughput"]);
    assert(tcp[0].value > 0);
    assertStringIncludes(tcp[0].topology ?? "", "client:runsc-ptrace server:native");
    // The topology gives the reason the runtime declares for not hosting the server.
    assert(runtime.capabilities.serverLimitation, "runsc declares why it hosts no server");
    assertStringIncludes(tcp[0].topology ?? "", runtime.capabilities.serverLimitation);
    assertEquals(await leftoversNow(), "");
    // UDP under gVisor often loses iperf3's final results exchange: either values, or a failure
    // that says so after the retries, and nothing left behind in both cases.
    try {
      const udp = await iperf3Benchmark("udp").measure(measureContext(runtime));
      assertEquals(udp.map((v) => v.metric).sort(), [
        "iperf3_udp.stream_jitter",
        "iperf3_udp.stream_loss",
        "iperf3_udp.stream_throughput",
      ]);
      console.log(`  runsc-ptrace iperf3_udp: ${udp.map((v) => v.value.toPrecision(4)).join(" ")}`);
    } catch (error) {
      assert(error instanceof StepFailedError, String(error));
      assertStringIncludes(error.message, "unable to receive results");
      assertStringIncludes(error.message, "(attempt 4)");
      console.log(`  runsc-ptrace iperf3_udp failed as gVisor does here: ${error.message}`);
    }
    assertEquals(await leftoversNow(), "");
  },
});

for (const id of ["runc", "native"]) {
  Deno.test({
    name: `${id}: a network benchmark whose server cannot start fails and leaves nothing`,
    ignore: unusable.has(id),
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const mctx = measureContext(adapters.get(id)!);
      const error = await assertRejects(
        () =>
          withServerAndClient(mctx, {
            serverArgv: ["sh", "-c", "echo cannot serve >&2; exit 3"],
            serverNative: false,
            serverTimeoutMs: 60_000,
          }, (client) =>
            runClientUntilConnected(client, qperfClientArgv(client.serverAddress, 1), {
              timeoutMs: 30_000,
              notReady: qperfNotReady,
              readyWithinMs: 1000,
              what: `qperf client under ${id}`,
            })),
        StepFailedError,
        "the server did not answer in time",
      );
      assertStringIncludes(error.message, `qperf client under ${id}`);
      assertEquals(await leftoversNow(), "");
    },
  });
}

Deno.test({
  name:
    `${firstUsable}: a network benchmark aborted mid-transfer stops its server and removes its namespaces`,
  ignore: firstUsable === undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const controller = new AbortController();
    const runtime = adapters.get(firstUsable!)!;
    const measuring = qperfBenchmark.measure(measureContext(runtime, controller.signal));
    // Abort once the namespaces exist and the client is running.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const found = await findLeftovers(ctx.namePrefix);
      if (found.some((l) => l.kind === "netns")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1500));
    controller.abort();
    await assertRejects(() => measuring);
    assertEquals(await leftoversNow(), "");
  },
});

Deno.test({
  name: `${firstUsable}: density aborted while starting its containers stops every one`,
  ignore: firstUsable === undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const controller = new AbortController();
    const runtime = adapters.get(firstUsable!)!;
    // A full collection starts 10: abort after the first two are up.
    const mctx = { ...measureContext(runtime, controller.signal), quick: false };
    const measuring = densityBenchmark.measure(mctx);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const ready = [...Deno.readDirSync(ctx.workDir)].filter((e) =>
        e.name.startsWith("ocibench-ready-")
      );
      const count = ready.length === 0
        ? 0
        : [...Deno.readDirSync(`${ctx.workDir}/${ready[0].name}`)].length;
      if (count >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    controller.abort();
    await assertRejects(() => measuring);
    assertEquals(await leftoversNow(), "");
  },
});

testCleanupLeavesNothing(
  ctx,
  adapters,
  "after the disk, network and footprint tests nothing of ours is left",
);
