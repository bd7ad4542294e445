import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertStringIncludes,
  assertThrows,
} from "../../tests/assert.ts";
import { criuLogErrors, directorySize } from "./checkpoint.ts";
import type { AdapterContext, RunningContainer, RuntimeAdapter, StepSpec } from "../types.ts";
import { MetricInfoSchema } from "../../model/result_set.ts";
import { readToolOutput } from "./_fixture.ts";
import {
  nginxArgv,
  nginxBenchmark,
  nginxConfig,
  parseWrkOutput,
  WRK_REPORT_SCRIPT,
  wrkArgv,
} from "./nginx.ts";
import {
  parseRedisBenchmarkCsv,
  redisBenchmark,
  redisBenchmarkArgv,
  redisServerArgv,
} from "./redis.ts";
import { dropPageCache, firstResponseBenchmark } from "./first_response.ts";
import {
  CONCURRENCY_LEVELS,
  concurrentStartBenchmark,
  nearestRankPercentile,
} from "./concurrent_start.ts";

Deno.test("parseWrkOutput() reads the report line of a 4 KiB and a 1 MiB run", () => {
  const small = parseWrkOutput(readToolOutput("wrk", "wrk_4k_d2.stdout"));
  assertEquals(small.requests, 11308);
  assertAlmostEquals(small.durationS, 2.003113, 1e-9);
  assertEquals(small.bytes, 49201108);
  assertEquals(small.latencyMs.p50, 2.273);
  assertEquals(small.latencyMs.p99, 18.418);
  assertEquals(small.errors.status, 0);
  // wrk's own rounded summary agrees with the exact figures.
  assertAlmostEquals(small.requests / small.durationS, 5645.21, 1);
  const large = parseWrkOutput(readToolOutput("wrk", "wrk_1m_d2.stdout"));
  assertEquals(large.requests, 744);
  assertAlmostEquals(large.bytes / large.requests, 2 ** 20, 400); // body plus headers
  assertEquals(large.latencyMs.p99, 130.835);
  assert(large.latencyMs.p50 <= large.latencyMs.p90 && large.latencyMs.p90 <= large.latencyMs.p99);
});

Deno.test("parseWrkOutput() keeps the count of non-2xx answers", () => {
  const r = parseWrkOutput(readToolOutput("wrk", "wrk_404_d1.stdout"));
  assertEquals(r.errors.status, r.requests);
  assert(r.requests > 0);
});

Deno.test("parseWrkOutput() rejects output without the report line, naming the first line", () => {
  const refused = readToolOutput("wrk", "wrk_refused_d1.stdout") +
    readToolOutput("wrk", "wrk_refused_d1.stderr");
  const error = assertThrows(() => parseWrkOutput(refused), SyntaxError);
  assert(error.message.includes("unable to connect"), error.message);
  assertThrows(() => parseWrkOutput('OCIBENCH_WRK {"requests":1}\n'), SyntaxError, "lacks a field");
  assertThrows(() => parseWrkOutput("OCIBENCH_WRK {oops\n"), SyntaxError, "does not parse");
});

Deno.test("the report script in the fixtures is the one the benchmark uses", () => {
  assertEquals(readToolOutput("wrk", "report.lua"), WRK_REPORT_SCRIPT);
});

Deno.test("parseRedisBenchmarkCsv() reads GET and SET rows at pipeline 1 and 16", () => {
  const p1 = parseRedisBenchmarkCsv(readToolOutput("redis_benchmark", "redis_p1_n20000.stdout"));
  assertEquals(p1.map((r) => r.test), ["SET", "GET"]);
  assertEquals(p1[1], {
    test: "GET",
    rps: 12626.26,
    avgMs: 0.896,
    p50Ms: 0.383,
    p95Ms: 3.983,
    p99Ms: 10.399,
    maxMs: 24.959,
  });
  const p16 = parseRedisBenchmarkCsv(
    readToolOutput("redis_benchmark", "redis_p16_n200000.stdout"),
  );
  assertEquals(p16.find((r) => r.test === "SET")?.rps, 234192.05);
  // Pipelining raises throughput well above one command per round trip.
  assert(p16[0].rps > 5 * p1[0].rps);
});

Deno.test("parseRedisBenchmarkCsv() rejects a run that printed no CSV, and a bad header or row", () => {
  const refused = readToolOutput("redis_benchmark", "redis_refused.stdout") +
    readToolOutput("redis_benchmark", "redis_refused.stderr");
  assertThrows(() => parseRedisBenchmarkCsv(refused), SyntaxError, "Could not connect");
  assertThrows(() => parseRedisBenchmarkCsv('"test","rps"\n"GET","1"\n'), SyntaxError, "header");
  const header = readToolOutput("redis_benchmark", "redis_p1_n20000.stdout").split("\n")[0];
  assertThrows(
    () => parseRedisBenchmarkCsv(`${header}\n"GET","n/a","1","1","1","1","1","1"\n`),
    SyntaxError,
    "7 numbers",
  );
});

Deno.test("the application benchmarks declare valid metrics of category application", () => {
  for (const b of [nginxBenchmark, redisBenchmark]) {
    assertEquals(b.info.category, "application");
    for (const m of b.metrics) {
      MetricInfoSchema.parse(m);
      assertEquals(m.category, "application");
      assertEquals(m.benchmark, b.info.id);
    }
  }
  assertEquals(nginxBenchmark.metrics.length, 8);
  assertEquals(redisBenchmark.metrics.length, 12);
});

Deno.test("the servers' argv and configuration hold what the load generator relies on", () => {
  assert(nginxConfig(8080).includes("listen 8080;"));
  assert(nginxArgv().includes("daemon off;"));
  assertEquals(redisServerArgv().slice(1, 3), ["--bind", "{address}"]);
  const wrk = wrkArgv("http://169.254.77.1:8080/4k.bin", { durationS: 2, scriptPath: "/x.lua" });
  assertEquals(wrk.slice(-4), ["--latency", "-s", "/x.lua", "http://169.254.77.1:8080/4k.bin"]);
  const bench = redisBenchmarkArgv("169.254.77.1", { requests: 100, pipeline: 16 });
  assertEquals(bench.slice(bench.indexOf("-P"), bench.indexOf("-P") + 2), ["-P", "16"]);
  assert(bench.includes("--csv"));
});

Deno.test("nearestRankPercentile() takes the nearest rank; p99 of 16 values is the largest", () => {
  const values = [5, 1, 4, 2, 3];
  assertEquals(nearestRankPercentile(values, 50), 3);
  assertEquals(nearestRankPercentile([4, 1, 3, 2], 50), 2);
  assertEquals(nearestRankPercentile(Array.from({ length: 16 }, (_, i) => i), 99), 15);
  assertEquals(nearestRankPercentile([7], 99), 7);
  assertThrows(() => nearestRankPercentile([], 50), RangeError);
});

Deno.test("the lifecycle benchmarks declare every level and phase in category lifecycle", () => {
  for (const b of [firstResponseBenchmark, concurrentStartBenchmark]) {
    assertEquals(b.info.category, "lifecycle");
    for (const m of b.metrics) MetricInfoSchema.parse(m);
  }
  assertEquals(firstResponseBenchmark.metrics.map((m) => m.id), [
    "first_response.cold",
    "first_response.warm",
  ]);
  const ids = concurrentStartBenchmark.metrics.map((m) => m.id);
  for (const n of CONCURRENCY_LEVELS) assert(ids.includes(`concurrent_start.wall_n${n}`));
});

Deno.test("dropPageCache() says why it could not drop the cache", async () => {
  const why = await dropPageCache("/nonexistent/drop_caches");
  assert(why?.includes("/nonexistent/drop_caches"), why);
});

Deno.test("criuLogErrors() quotes CRIU's first errors from the log the runtime's message names", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/dump.log`, readToolOutput("criu", "runc_checkpoint_dump.log"));
    const message = 'level=error msg="criu failed: type DUMP errno 0\\nlog file: dump.log"';
    const quoted = criuLogErrors(message, dir)!;
    assertStringIncludes(quoted, "Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds");
    assertStringIncludes(quoted, `${dir}/dump.log`);
    assertEquals(quoted.split(" | ").length, 3);
    // An absolute path in the message (podman's) is read as it stands.
    assertEquals(criuLogErrors(`log file: ${dir}/dump.log"`, "/elsewhere"), quoted);
    assertEquals(criuLogErrors("no log named", dir), undefined);
    assertEquals(criuLogErrors("log file: missing.log", dir), undefined);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("directorySize() sums the files below a directory", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.mkdirSync(`${dir}/a/b`, { recursive: true });
    Deno.writeFileSync(`${dir}/x`, new Uint8Array(10));
    Deno.writeFileSync(`${dir}/a/b/y`, new Uint8Array(1000));
    Deno.symlinkSync(`${dir}/x`, `${dir}/link`);
    assertEquals(await directorySize(dir), 1010);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

/** A runtime whose containers are ready after `delayMs(index)`: it touches their ready files. */
function fakeIdleRuntime(delayMs: (index: number) => number): {
  runtime: RuntimeAdapter;
  stopped: string[];
} {
  const stopped: string[] = [];
  let started = 0;
  const runtime = {
    id: "fake",
    name: "fake",
    isolation: "os-container",
    capabilities: { hostsReachableServer: true, networks: ["none"] },
    start(step: StepSpec): Promise<RunningContainer> {
      const index = started++;
      const mount = step.mounts![0];
      const file = step.env!.OCIBENCH_READY.replace(mount.containerPath, mount.hostPath);
      const timer = setTimeout(() => Deno.writeTextFileSync(file, ""), delayMs(index));
      const name = `ocibench-fake-${index}`;
      return Promise.resolve({
        name,
        pids: () => Promise.resolve([Deno.pid]),
        stop() {
          clearTimeout(timer);
          stopped.push(name);
          return Promise.resolve({
            exitCode: 0,
            stdout: "",
            stderr: "",
            timedOut: false,
            wallMs: 0,
            startedAt: "",
            finishedAt: "",
          });
        },
      });
    },
  } as unknown as RuntimeAdapter;
  return { runtime, stopped };
}

Deno.test("concurrent_start gives p50, p99, wall and PSS per level and stops every container", async () => {
  const workDir = Deno.makeTempDirSync();
  try {
    // Container i of a level is ready after 20 + 10·(i mod 4) ms: the slowest sets p99 and wall.
    const { runtime, stopped } = fakeIdleRuntime((i) => 20 + 10 * (i % 4));
    const values = await concurrentStartBenchmark.measure({
      runtime,
      adapter: { workDir, namePrefix: "ocibench-t", log: () => {} } as unknown as AdapterContext,
      quick: true,
      cores: 2,
    });
    const total = CONCURRENCY_LEVELS.reduce((a, b) => a + b, 0);
    assertEquals(stopped.length, total);
    const value = (id: string) => values.find((v) => v.metric === `concurrent_start.${id}`)!.value;
    for (const n of CONCURRENCY_LEVELS) {
      assert(value(`p50_n${n}`) <= value(`p99_n${n}`), `p50 ≤ p99 at ${n}`);
      assert(value(`p99_n${n}`) <= value(`wall_n${n}`) + 1, `p99 ≤ wall at ${n}`);
      assert(value(`pss_n${n}`) > 0, `PSS at ${n}`);
    }
    // With 16 at once, some containers wait 50 ms: the p99 is at least that, the p50 below it.
    assert(value("p99_n16") >= 49, `p99_n16 = ${value("p99_n16")}`);
    assert(value("p50_n16") < value("p99_n16"));
    // PSS per container divides this process's memory by N.
    assertAlmostEquals(value("pss_n16") * 16, value("pss_n1"), value("pss_n1") * 0.5);
  } finally {
    Deno.removeSync(workDir, { recursive: true });
  }
});
