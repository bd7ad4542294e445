import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertStringIncludes,
  assertThrows,
} from "../../tests/assert.ts";
import { MetricInfoSchema } from "../../model/result_set.ts";
import { findProfile } from "../../analyze/profiles.ts";
import { BENCHMARKS } from "./mod.ts";
import { readToolOutput } from "./_fixture.ts";
import { nearestRankPercentile } from "./concurrent_start.ts";
import {
  parsePgbenchLog,
  parsePgbenchOutput,
  PGBENCH_CLIENTS,
  PGBENCH_SCALE,
  pgbenchInitArgv,
  pgbenchRunArgv,
  POSTGRES_DIRECTORY,
  POSTGRES_START_SCRIPT,
  postgresBenchmark,
  postgresServerArgv,
  preparePostgresDirectory,
} from "./postgres.ts";

const out = (name: string) => readToolOutput("pgbench", name);

Deno.test("parsePgbenchOutput() reads the TPC-B-like and the select-only summaries", () => {
  const tpcb = parsePgbenchOutput(out("tpcb_c4_t3.stdout"), out("tpcb_c4_t3.stderr"));
  assertEquals(tpcb, {
    scale: 4,
    clients: 4,
    threads: 1,
    transactions: 1273,
    failed: 0,
    latencyAverageMs: 9.226,
    tps: 433.570111,
  });
  const select = parsePgbenchOutput(out("select_c4_t3.stdout"));
  assertEquals(select.transactions, 11583);
  assertEquals(select.tps, 3955.359045);
  assertEquals(select.latencyAverageMs, 1.011);
  // Reading only, no row locks and no WAL: many times the read-write rate.
  assert(select.tps > 5 * tpcb.tps);
});

Deno.test("parsePgbenchOutput() keeps the failed count and the average that includes them", () => {
  const r = parsePgbenchOutput(out("conflict_c4_t1.stdout"), out("conflict_c4_t1.stderr"));
  assertEquals(r.transactions, 286);
  assertEquals(r.failed, 354);
  assertEquals(r.latencyAverageMs, 5.902);
  assertEquals(r.scale, 1);
});

Deno.test("parsePgbenchOutput() rejects a refused connection and an aborted run, quoting pgbench", () => {
  const refused = assertThrows(
    () => parsePgbenchOutput(out("refused.stdout"), out("refused.stderr")),
    SyntaxError,
  );
  assertStringIncludes(refused.message, "printed no summary");
  assertStringIncludes(refused.message, "Connection refused");
  // The aborted run printed a whole summary on stdout; only stderr tells it is incomplete.
  assert(/^tps = /m.test(out("aborted.stdout")));
  const aborted = assertThrows(
    () => parsePgbenchOutput(out("aborted.stdout"), out("aborted.stderr")),
    SyntaxError,
  );
  assertStringIncludes(aborted.message, "aborted");
  assertStringIncludes(aborted.message, "terminating connection due to administrator command");
  assertThrows(
    () => parsePgbenchOutput(out("tpcb_c4_t3.stdout").replace(/^latency average.*$/m, "")),
    SyntaxError,
    "no latency average",
  );
  assertThrows(() => parsePgbenchOutput(""), SyntaxError, "no output");
});

Deno.test("parsePgbenchLog() reads every transaction's latency, and the failed ones apart", () => {
  const tpcb = parsePgbenchLog(out("tpcb_c4_t3.log"));
  // One line per transaction the summary counts.
  assertEquals(tpcb.latenciesUs.length, 1273);
  assertEquals(tpcb.failed, 0);
  assertEquals(tpcb.latenciesUs[0], 3584);
  assertEquals(nearestRankPercentile(tpcb.latenciesUs, 50), 5459);
  assertEquals(nearestRankPercentile(tpcb.latenciesUs, 99), 42125);
  // The log's mean is near the summary's average (pgbench derives that from the duration).
  const mean = tpcb.latenciesUs.reduce((a, b) => a + b, 0) / tpcb.latenciesUs.length / 1000;
  assertAlmostEquals(mean, 9.226, 0.5);
  const conflict = parsePgbenchLog(out("conflict_c4_t1.log"));
  assertEquals(conflict.latenciesUs.length, 286);
  assertEquals(conflict.failed, 354);
});

Deno.test("parsePgbenchLog() names a line that is not a transaction", () => {
  assertThrows(() => parsePgbenchLog("0 1 512 0 1 2\nnot a log\n"), SyntaxError, "line 2");
  assertThrows(() => parsePgbenchLog("0 1 1.5 0 1 2\n"), SyntaxError, "no latency");
  assertEquals(parsePgbenchLog("\n").latenciesUs, []);
});

Deno.test("the postgres benchmark declares valid application metrics and its sizes", () => {
  assertEquals(postgresBenchmark.info.category, "application");
  for (const m of postgresBenchmark.metrics) {
    MetricInfoSchema.parse(m);
    assertEquals(m.benchmark, "postgres");
  }
  assertEquals(postgresBenchmark.metrics.map((m) => m.id), [
    "postgres.tpcb_tps",
    "postgres.tpcb_latency_avg",
    "postgres.tpcb_latency_p50",
    "postgres.tpcb_latency_p99",
    "postgres.select_tps",
    "postgres.select_latency_avg",
    "postgres.select_latency_p50",
    "postgres.select_latency_p99",
  ]);
  const p = postgresBenchmark.info.parameters!;
  assertEquals([p.scale, p.clients], [PGBENCH_SCALE, PGBENCH_CLIENTS]);
  assertStringIncludes(String(p.settings), "synchronous_commit=off");
});

Deno.test("pgbench's argv reaches the server as the load generator relies on", () => {
  const init = pgbenchInitArgv("169.254.77.1");
  assertEquals(init.slice(init.indexOf("-i"), init.indexOf("-i") + 3), ["-i", "-s", "4"]);
  const run = pgbenchRunArgv("169.254.77.1", {
    script: "select-only",
    durationS: 3,
    logPrefix: "/w/select",
  });
  for (
    const [flag, value] of [["-h", "169.254.77.1"], ["-c", "4"], ["-T", "3"], ["-b", "select-only"]]
  ) {
    assertEquals(run[run.indexOf(flag) + 1], value, flag);
  }
  assert(run.includes("--log") && run.includes("--log-prefix=/w/select"));
  assertEquals(run.at(-1), "postgres");
});

Deno.test("the server step runs the start script from the mount, which switches to postgres", async () => {
  assertEquals(postgresServerArgv(), ["sh", `${POSTGRES_DIRECTORY}/start.sh`, "{address}"]);
  assert(POSTGRES_START_SCRIPT.includes('listen_addresses="$1"'));
  assert(POSTGRES_START_SCRIPT.includes("-c synchronous_commit=off"));
  // Both programs run as postgres; nothing in the script is tied to one mount point.
  assertEquals(POSTGRES_START_SCRIPT.match(/\$as_postgres "\$bin\/(initdb|postgres)"/g)?.length, 2);
  assert(!POSTGRES_START_SCRIPT.includes(POSTGRES_DIRECTORY));
  const mount = await preparePostgresDirectory("ocibench-pgtest");
  try {
    assert(mount.hostPath.split("/").pop()!.startsWith("ocibench-pgtest-postgres-"));
    assertEquals(mount.containerPath, POSTGRES_DIRECTORY);
    assertEquals((await Deno.stat(mount.hostPath)).mode! & 0o777, 0o755);
    assertEquals(await Deno.readTextFile(`${mount.hostPath}/start.sh`), POSTGRES_START_SCRIPT);
  } finally {
    await Deno.remove(mount.hostPath, { recursive: true });
  }
});

Deno.test("the start script is valid sh", async () => {
  const check = await new Deno.Command("sh", { args: ["-n", "-c", POSTGRES_START_SCRIPT] })
    .output();
  assertEquals(check.code, 0, new TextDecoder().decode(check.stderr));
});

Deno.test("each application metric is weighed by one profile: the database's or the web service's", () => {
  const weighs = (id: string, metric: string) => (findProfile(id).metricWeights?.[metric] ?? 1) > 0;
  for (const m of BENCHMARKS.flatMap((b) => b.metrics)) {
    if (m.category !== "application") continue;
    const database = weighs("database", m.id);
    assertEquals(database, m.benchmark === "postgres", `database profile on ${m.id}`);
    assertEquals(weighs("web-service", m.id), !database, `web-service profile on ${m.id}`);
  }
});
