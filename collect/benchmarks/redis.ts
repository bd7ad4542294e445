/**
 * `redis`: Debian's redis-server inside the runtime under test (no persistence), loaded by
 * `redis-benchmark` running natively outside it (collect/app_endpoints.ts) with `--csv`: GET and
 * SET, each without pipelining and with 16 commands per pipeline, at a fixed number of clients
 * and requests: operations per second and latency p50/p99.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import type { MetricInfo } from "../../model/result_set.ts";
import { parseStepOutput, requireSuccess } from "../errors.ts";
import { withAppServer } from "../app_endpoints.ts";

/** The port redis listens on (inside its own network namespace or the engine's bridge). */
export const REDIS_PORT = 6379;
/** Parallel clients of redis-benchmark. */
export const REDIS_CLIENTS = 16;
/** Pipeline depths measured. */
export const REDIS_PIPELINES: readonly number[] = [1, 16];
/** Requests per test and pipeline depth in a full collection (`-n`), by depth. */
export const REDIS_REQUESTS: Readonly<Record<number, number>> = { 1: 100_000, 16: 1_000_000 };
/** Requests per test and pipeline depth with `--quick`, by depth. */
export const REDIS_QUICK_REQUESTS: Readonly<Record<number, number>> = { 1: 20_000, 16: 200_000 };
/** The commands measured, as redis-benchmark names them in `-t` and in its CSV. */
export const REDIS_TESTS: readonly ("GET" | "SET")[] = ["GET", "SET"];

/** One row of redis-benchmark's CSV. */
export interface RedisBenchmarkRow {
  /** The test, e.g. `GET`. */
  test: string;
  /** Requests per second. */
  rps: number;
  /** Latencies in milliseconds. */
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

const CSV_HEADER = [
  "test",
  "rps",
  "avg_latency_ms",
  "min_latency_ms",
  "p50_latency_ms",
  "p95_latency_ms",
  "p99_latency_ms",
  "max_latency_ms",
];

function splitCsvLine(line: string): string[] {
  return line.split(",").map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"));
}

/**
 * Parses redis-benchmark's `--csv` output (redis 7: a header row, then one quoted row per test).
 * SyntaxError when the header is not the one redis 7 prints or a row does not hold numbers.
 */
export function parseRedisBenchmarkCsv(stdout: string): RedisBenchmarkRow[] {
  const lines = stdout.split("\n").map((l) => l.trim()).filter((l) => l.startsWith('"'));
  if (lines.length === 0) {
    const first = stdout.trim().split("\n")[0];
    throw new SyntaxError(
      `redis-benchmark printed no CSV (first line: ${
        first ? JSON.stringify(first) : "empty output"
      })`,
    );
  }
  const header = splitCsvLine(lines[0]);
  if (header.join(",") !== CSV_HEADER.join(",")) {
    throw new SyntaxError(
      `redis-benchmark's CSV header is ${JSON.stringify(lines[0])}, expected ${
        CSV_HEADER.join(",")
      }`,
    );
  }
  return lines.slice(1).map((line) => {
    const cells = splitCsvLine(line);
    const numbers = cells.slice(1).map(Number);
    if (cells.length !== CSV_HEADER.length || !numbers.every((n) => Number.isFinite(n) && n >= 0)) {
      throw new SyntaxError(`redis-benchmark's CSV row does not hold 7 numbers: ${line}`);
    }
    const [rps, avgMs, , p50Ms, p95Ms, p99Ms, maxMs] = numbers;
    return { test: cells[0], rps, avgMs, p50Ms, p95Ms, p99Ms, maxMs };
  });
}

/** The argv of redis-server: in the foreground, bound to `{address}`, no persistence. */
export function redisServerArgv(): string[] {
  return [
    "redis-server",
    "--bind",
    "{address}",
    "--port",
    String(REDIS_PORT),
    "--protected-mode",
    "no",
    "--save",
    "",
    "--appendonly",
    "no",
    "--daemonize",
    "no",
  ];
}

/** The argv of one redis-benchmark run of GET and SET at pipeline depth `pipeline`. */
export function redisBenchmarkArgv(
  address: string,
  options: { requests: number; pipeline: number },
): string[] {
  return [
    "redis-benchmark",
    "-h",
    address,
    "-p",
    String(REDIS_PORT),
    "-c",
    String(REDIS_CLIENTS),
    "-n",
    String(options.requests),
    "-P",
    String(options.pipeline),
    "-t",
    REDIS_TESTS.map((t) => t.toLowerCase()).join(","),
    "--csv",
  ];
}

function metric(id: string, name: string, unit: string, higher: boolean): MetricInfo {
  return {
    id: `redis.${id}`,
    benchmark: "redis",
    name,
    category: "application",
    unit,
    direction: higher ? "higher" : "lower",
  };
}

/** The `redis` benchmark. */
export const redisBenchmark: BenchmarkDefinition = {
  info: {
    id: "redis",
    name: "redis GET/SET under redis-benchmark",
    category: "application",
    tool: "redis-server + redis-benchmark",
    description:
      "redis-server inside the runtime (no persistence); redis-benchmark --csv runs natively " +
      "outside it (its own network namespace over a veth pair, or the host side of the engine's " +
      "bridge), pinned to the last CPU: GET and SET with pipeline 1 and 16, operations/s and " +
      "latency p50/p99.",
    parameters: {
      clients: REDIS_CLIENTS,
      pipelines: REDIS_PIPELINES.join(", "),
      requests: REDIS_PIPELINES.map((p) => `P${p}: ${REDIS_REQUESTS[p]}`).join(", "),
      requestsQuick: REDIS_PIPELINES.map((p) => `P${p}: ${REDIS_QUICK_REQUESTS[p]}`).join(", "),
      valueBytes: 3,
      port: REDIS_PORT,
    },
  },
  tools: [
    { binary: "redis-server", package: "redis-server" },
    { binary: "redis-benchmark", package: "redis-tools" },
  ],
  metrics: REDIS_TESTS.flatMap((test) =>
    REDIS_PIPELINES.flatMap((p) => {
      const id = `${test.toLowerCase()}_p${p}`;
      return [
        metric(`${id}_ops`, `redis ${test} pipeline ${p} operations/s`, "ops/s", true),
        metric(`${id}_latency_p50`, `redis ${test} pipeline ${p} latency p50`, "ms", false),
        metric(`${id}_latency_p99`, `redis ${test} pipeline ${p} latency p99`, "ms", false),
      ];
    })
  ),
  measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const requests = ctx.quick ? REDIS_QUICK_REQUESTS : REDIS_REQUESTS;
    return withAppServer(ctx, {
      serverArgv: redisServerArgv(),
      port: REDIS_PORT,
      probe: { mode: "redis" },
      serverTimeoutMs: 30 * 60_000,
    }, async (load) => {
      const values: MeasuredValue[] = [];
      for (const pipeline of REDIS_PIPELINES) {
        const what = `redis-benchmark -P ${pipeline} against redis under ${ctx.runtime.id}`;
        const result = requireSuccess(
          await load.runLoad(
            redisBenchmarkArgv(load.serverAddress, { requests: requests[pipeline], pipeline }),
            10 * 60_000,
          ),
          what,
        );
        const rows = parseStepOutput(result, what, (p) => {
          const parsed = parseRedisBenchmarkCsv(p.stdout);
          for (const test of REDIS_TESTS) {
            if (!parsed.some((r) => r.test === test)) {
              throw new SyntaxError(`no ${test} row in redis-benchmark's CSV`);
            }
          }
          return parsed;
        });
        for (const test of REDIS_TESTS) {
          const row = rows.find((r) => r.test === test)!;
          const id = `redis.${test.toLowerCase()}_p${pipeline}`;
          const topology = load.topology;
          values.push(
            { metric: `${id}_ops`, value: row.rps, topology },
            { metric: `${id}_latency_p50`, value: row.p50Ms, topology },
            { metric: `${id}_latency_p99`, value: row.p99Ms, topology },
          );
        }
      }
      return values;
    });
  },
};
