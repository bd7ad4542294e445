/**
 * Integration: the application and lifecycle benchmarks through native, runc and runsc with
 * `--quick` durations: nginx under wrk and redis under redis-benchmark give every metric, with
 * the load generator native and outside the runtime (the topology says so); the time to first
 * response is measured cold and warm; a checkpoint either gives its four values or fails with the
 * runtime's (or CRIU's) own reason; a server that cannot start fails and leaves nothing. A
 * runtime this host cannot use is skipped by name with the reason printed. After each test no
 * container, namespace, mount, process or temp dir of ours is left (collect/leftovers.ts).
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
import { StepFailedError } from "../collect/errors.ts";
import type { AdapterContext, MeasureContext, RuntimeAdapter } from "../collect/types.ts";
import { nginxBenchmark } from "../collect/benchmarks/nginx.ts";
import { redisBenchmark } from "../collect/benchmarks/redis.ts";
import { firstResponseBenchmark } from "../collect/benchmarks/first_response.ts";
import { checkpointBenchmark } from "../collect/benchmarks/checkpoint.ts";
import { withAppServer } from "../collect/app_endpoints.ts";
import { findExecutable } from "../collect/host_fs.ts";

const RUNTIMES = ["native", "runc", "runsc-ptrace"];

const { image, problem: imageProblem } = findTestImage("application_test");
const missingTools = ["wrk", "redis-benchmark", "nginx", "redis-server", "gcc"].filter((t) =>
  !findExecutable(t).path
);

const run = `ap${crypto.randomUUID().slice(0, 6)}`;
const ctx: AdapterContext = createAdapterContext({
  image,
  run,
  log: (m) => console.log(`  [adapter] ${m}`),
});
const { adapters, unusable } = await usableRuntimes(ctx, RUNTIMES, () =>
  imageProblem ??
    (missingTools.length > 0
      ? `missing on the host: ${missingTools.join(", ")} (see .ci/apt_packages.txt)`
      : undefined));
removeWorkDirOnUnload(ctx);

function measureContext(runtime: RuntimeAdapter): MeasureContext {
  return { runtime, adapter: ctx, quick: true, cores: navigator.hardwareConcurrency };
}

const leftoversNow = () => leftoversBesidesWorkDir(ctx);

for (const id of RUNTIMES) {
  Deno.test({
    name: `${id}: nginx, redis and the first response measure with the load outside the runtime`,
    ignore: unusable.has(id),
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const runtime = adapters.get(id)!;
      for (const benchmark of [nginxBenchmark, redisBenchmark, firstResponseBenchmark]) {
        const values = await benchmark.measure(measureContext(runtime));
        console.log(
          `  ${id} ${benchmark.info.id}: ${
            values.map((v) => `${v.metric.split(".")[1]}=${v.value.toPrecision(4)}`).join(" ")
          }`,
        );
        assertEquals(
          values.map((v) => v.metric).sort(),
          benchmark.metrics.map((m) => m.id).sort(),
          `${benchmark.info.id} gives every metric it declares`,
        );
        for (const v of values) {
          assert(v.value > 0 && Number.isFinite(v.value), `${v.metric} = ${v.value}`);
          // The server in the runtime under test, the load generator native, on its own CPU.
          assertStringIncludes(v.topology ?? "", `server:${id} (`);
          assertStringIncludes(v.topology ?? "", "load:native (load generator pinned to CPU");
        }
        assertEquals(await leftoversNow(), "", `left behind after ${benchmark.info.id}`);
      }
    },
  });
}

Deno.test({
  name: "runc: a checkpoint gives its four values or fails with CRIU's own reason",
  ignore: unusable.has("runc"),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    try {
      const values = await checkpointBenchmark.measure(measureContext(adapters.get("runc")!));
      assertEquals(values.length, 4);
      for (const v of values) assert(v.value > 0, `${v.metric} = ${v.value}`);
    } catch (error) {
      assert(error instanceof StepFailedError, String(error));
      assertStringIncludes(error.message, "checkpoint under runc failed");
      console.log(`  runc checkpoint failed here: ${error.message}`);
    }
    assertEquals(await leftoversNow(), "");
  },
});

Deno.test({
  name:
    "native: a server that never answers fails naming the probe's last error and leaves nothing",
  ignore: unusable.has("native"),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const error = await assertRejects(
      () =>
        withAppServer(measureContext(adapters.get("native")!), {
          // Exits at once: nothing ever listens.
          serverArgv: ["true"],
          port: 8080,
          probe: { mode: "http", path: "/" },
          serverTimeoutMs: 30_000,
          readyWithinMs: 2_000,
        }, () => Promise.resolve()),
      StepFailedError,
    );
    assertStringIncludes(error.message, "did not answer");
    assertStringIncludes(error.message, "Connection refused");
    assertEquals(await leftoversNow(), "");
  },
});

testCleanupLeavesNothing(ctx, adapters);
