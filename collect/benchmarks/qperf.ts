/**
 * `qperf`: the paper's four netperf measurements with qperf between two endpoints of the runtime
 * under test (see `collect/network_endpoints.ts`): TCP and UDP bandwidth (`tcp_bw`, `udp_bw`: the stream tests)
 * and TCP and UDP latency (`tcp_lat`, `udp_lat`: ping-pong of 1-byte messages, the
 * request/response tests; qperf reports the one-way latency, half a round trip). Units are
 * unified (`-uu`: bytes/s and ns) so that nothing is lost to rounding.
 *
 * @module
 */
import type {
  BenchmarkDefinition,
  MeasureContext,
  MeasuredValue,
  ProcessResult,
} from "../types.ts";
import { parseStepOutput } from "../errors.ts";
import { runClientUntilConnected, withServerAndClient } from "../network_endpoints.ts";

/** The server's listen port (`-lp`). */
export const QPERF_PORT = 25301;
/** Seconds of each test in a full collection. */
export const QPERF_TIME_S = 10;
/** Seconds of each test with `--quick`. */
export const QPERF_QUICK_TIME_S = 2;
/** The tests, in the order they run. */
export const QPERF_TESTS = ["tcp_bw", "udp_bw", "tcp_lat", "udp_lat"] as const;

/** qperf's indicators per test, in base units: bytes/s for bandwidths, seconds for latencies. */
export type QperfResult = Record<string, Record<string, number>>;

/** A qperf run that reported an error (cannot connect, bad test, bad option). */
export class QperfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QperfError";
  }
}

const UNIT_FACTORS: Record<string, number> = {
  "bytes/sec": 1,
  "KB/sec": 1e3,
  "MB/sec": 1e6,
  "GB/sec": 1e9,
  "TB/sec": 1e12,
  "ns": 1e-9,
  "us": 1e-6,
  "ms": 1e-3,
  "sec": 1,
};

/**
 * Parses qperf's (0.4) client output: `test:` headers each followed by `name = value unit`
 * lines. Values come back in base units (bytes/s, seconds), whether printed unified (`-uu`) or
 * scaled (`GB/sec`, `us`). Raises {@link QperfError} on qperf's error lines and SyntaxError when
 * a test has no value or a unit is unknown.
 */
export function parseQperf(stdout: string, stderr = ""): QperfResult {
  const error = `${stderr}\n${stdout}`.split("\n").map((l) => l.trim()).find((l) =>
    /failed to connect|bad test|bad option|unable to bind|failed/.test(l)
  );
  if (error) throw new QperfError(`qperf: ${error}`);
  const result: QperfResult = {};
  let current: Record<string, number> | undefined;
  for (const line of stdout.split("\n")) {
    const header = line.match(/^([a-z_]+):\s*$/);
    if (header) {
      current = result[header[1]] = {};
      continue;
    }
    const value = line.match(/^\s+([a-z_]+)\s*=\s*([0-9.]+)\s+(\S+)/);
    if (value && current) {
      const factor = UNIT_FACTORS[value[3]];
      if (factor === undefined) {
        throw new SyntaxError(`qperf printed an unknown unit "${value[3]}" in "${line.trim()}"`);
      }
      current[value[1]] = Number(value[2]) * factor;
    }
  }
  if (Object.keys(result).length === 0) {
    throw new SyntaxError(`qperf printed no test result (first line: ${firstLine(stdout)})`);
  }
  for (const [test, values] of Object.entries(result)) {
    if (Object.keys(values).length === 0) {
      throw new SyntaxError(`qperf printed no value for ${test}`);
    }
  }
  return result;
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0];
  return line ? JSON.stringify(line) : "empty output";
}

/** The argv of the qperf server (it listens on every address of its network). */
export function qperfServerArgv(): string[] {
  return ["qperf", "-lp", String(QPERF_PORT)];
}

/** The argv of the qperf client running the four tests for `timeS` seconds each. */
export function qperfClientArgv(server: string, timeS: number): string[] {
  return ["qperf", "-lp", String(QPERF_PORT), "-t", String(timeS), "-uu", server, ...QPERF_TESTS];
}

/** Whether a qperf client result says the server was not listening yet. */
export function qperfNotReady(result: ProcessResult): boolean {
  return /failed to connect/.test(result.stdout + result.stderr);
}

const METRICS = [
  {
    test: "tcp_bw",
    key: "bw",
    id: "tcp_stream_throughput",
    name: "TCP stream bandwidth",
    unit: "MB/s",
    factor: 1e-6,
    direction: "higher",
  },
  {
    test: "udp_bw",
    key: "recv_bw",
    id: "udp_stream_throughput",
    name: "UDP stream bandwidth (received)",
    unit: "MB/s",
    factor: 1e-6,
    direction: "higher",
  },
  {
    test: "tcp_lat",
    key: "latency",
    id: "tcp_rr_latency",
    name: "TCP request/response latency (one way)",
    unit: "µs",
    factor: 1e6,
    direction: "lower",
  },
  {
    test: "udp_lat",
    key: "latency",
    id: "udp_rr_latency",
    name: "UDP request/response latency (one way)",
    unit: "µs",
    factor: 1e6,
    direction: "lower",
  },
] as const;

/** The `qperf` benchmark. */
export const qperfBenchmark: BenchmarkDefinition = {
  info: {
    id: "qperf",
    name: "qperf TCP/UDP bandwidth and latency",
    category: "network",
    tool: "qperf",
    description:
      "qperf tcp_bw, udp_bw, tcp_lat and udp_lat between two endpoints of the runtime (veth pair between two namespaces, or the engine's bridge): the paper's TCP_STREAM, UDP_STREAM, TCP_RR and UDP_RR.",
    parameters: {
      timeS: QPERF_TIME_S,
      timeSQuick: QPERF_QUICK_TIME_S,
      port: QPERF_PORT,
      latencyMessageBytes: 1,
    },
  },
  tools: [{ binary: "qperf", package: "qperf" }],
  metrics: METRICS.map((m) => ({
    id: `qperf.${m.id}`,
    benchmark: "qperf",
    name: `qperf ${m.name}`,
    category: "network" as const,
    unit: m.unit,
    direction: m.direction,
  })),
  measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const timeS = ctx.quick ? QPERF_QUICK_TIME_S : QPERF_TIME_S;
    // Both ends in the runtime, even one that declares it cannot host a reachable server: qperf's
    // server works there (iperf3's does not).
    return withServerAndClient(ctx, {
      serverArgv: qperfServerArgv(),
      serverNative: false,
      serverTimeoutMs: (8 * timeS + 120) * 1000,
    }, async (client) => {
      const what = `qperf client under ${ctx.runtime.id}`;
      const result = await runClientUntilConnected(
        client,
        qperfClientArgv(client.serverAddress, timeS),
        {
          timeoutMs: (QPERF_TESTS.length * timeS * 2 + 60) * 1000,
          notReady: qperfNotReady,
          what,
          signal: ctx.signal,
        },
      );
      return parseStepOutput(result, what, (r) => {
        const parsed = parseQperf(r.stdout, r.stderr);
        return METRICS.map((m) => {
          const value = parsed[m.test]?.[m.key];
          if (value === undefined) {
            throw new SyntaxError(`qperf printed no ${m.key} for ${m.test}`);
          }
          return { metric: `qperf.${m.id}`, value: value * m.factor, topology: client.topology };
        });
      });
    });
  },
};
