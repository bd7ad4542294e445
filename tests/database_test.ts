/**
 * Integration: the database benchmark through native, runc, runsc and bubblewrap (whose user
 * namespace maps root alone, so the server switches user through a nested one) with `--quick`
 * durations: PostgreSQL, started as its own user inside the runtime, answers pgbench running natively
 * outside it (the topology says so) and gives every metric; a server whose start script fails
 * fails with the script's own message and leaves nothing. A runtime this host cannot use is
 * skipped by name with the reason printed. After each test no container, namespace, mount,
 * process or temp dir of ours is left (collect/leftovers.ts).
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
import { postgresBenchmark } from "../collect/benchmarks/postgres.ts";
import { withAppServer } from "../collect/app_endpoints.ts";
import { findExecutable, pathExists } from "../collect/host_fs.ts";

const RUNTIMES = ["native", "runc", "runsc-ptrace", "bubblewrap"];

const { image, problem: imageProblem } = findTestImage("database_test");
const missingTools = ["pgbench", "setpriv", "gcc"].filter((t) => !findExecutable(t).path);
// The baseline runs the host's own server; the image carries its own.
const hostServer = pathExists("/usr/lib/postgresql")
  ? undefined
  : "no PostgreSQL server on the host (apt-get install postgresql-15)";
const imageServer = imageProblem || pathExists(`${image.rootfs}/usr/lib/postgresql`)
  ? undefined
  : `the image ${image.hash} has no PostgreSQL server (rebuild it: deno task image)`;

const run = `db${crypto.randomUUID().slice(0, 6)}`;
const ctx: AdapterContext = createAdapterContext({
  image,
  run,
  log: (m) => console.log(`  [adapter] ${m}`),
});
const { adapters, unusable } = await usableRuntimes(ctx, RUNTIMES, (id) =>
  imageProblem ??
    (missingTools.length > 0
      ? `missing on the host: ${missingTools.join(", ")} (see .ci/apt_packages.txt)`
      : undefined) ??
    (id === "native" ? hostServer : imageServer));
removeWorkDirOnUnload(ctx);

function measureContext(runtime: RuntimeAdapter): MeasureContext {
  return { runtime, adapter: ctx, quick: true, cores: navigator.hardwareConcurrency };
}

for (const id of RUNTIMES) {
  Deno.test({
    name: `${id}: PostgreSQL runs as its own user and answers pgbench from outside the runtime`,
    ignore: unusable.has(id),
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const values = await postgresBenchmark.measure(measureContext(adapters.get(id)!));
      console.log(
        `  ${id} postgres: ${
          values.map((v) => `${v.metric.split(".")[1]}=${v.value.toPrecision(4)}`).join(" ")
        }`,
      );
      assertEquals(
        values.map((v) => v.metric).sort(),
        postgresBenchmark.metrics.map((m) => m.id).sort(),
        "every metric it declares",
      );
      const value = (metric: string) =>
        values.find((v) => v.metric === `postgres.${metric}`)!.value;
      for (const v of values) {
        assert(v.value > 0 && Number.isFinite(v.value), `${v.metric} = ${v.value}`);
        assertStringIncludes(v.topology ?? "", `server:${id} (`);
        assertStringIncludes(v.topology ?? "", "load:native (load generator pinned to CPU");
      }
      for (const script of ["tpcb", "select"]) {
        assert(value(`${script}_latency_p50`) <= value(`${script}_latency_p99`), script);
      }
      // Four clients, each waiting for its answer: at most 4 transactions per mean latency
      // (Little's law), with room for the summary's rounding.
      const bound = (4 / value("select_latency_avg")) * 1000 * 1.05;
      assert(value("select_tps") <= bound, `select tps ${value("select_tps")} > ${bound}`);
      assertEquals(await leftoversBesidesWorkDir(ctx), "", "left behind");
    },
  });
}

Deno.test({
  name: "native: a start script that fails reports its own message and leaves nothing",
  ignore: unusable.has("native"),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const error = await assertRejects(
      () =>
        withAppServer(measureContext(adapters.get("native")!), {
          // What the start script meets as a user this system lacks.
          serverArgv: ["setpriv", "--reuid=ocibench-no-such-user", "--clear-groups", "true"],
          port: 5432,
          probe: { mode: "postgres" },
          serverTimeoutMs: 30_000,
          readyWithinMs: 2_000,
        }, () => Promise.resolve()),
      StepFailedError,
    );
    assertStringIncludes(error.message, "did not answer");
    assertStringIncludes(error.message, "Connection refused");
    assertStringIncludes(error.stderrTail, "ocibench-no-such-user");
    assertEquals(await leftoversBesidesWorkDir(ctx), "");
  },
});

testCleanupLeavesNothing(ctx, adapters);
