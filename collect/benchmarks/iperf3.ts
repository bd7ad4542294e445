/**
 * `iperf3_tcp` and `iperf3_udp`: the paper's TCP_STREAM and UDP_STREAM between two endpoints of the runtime under
 * test (see `collect/network_endpoints.ts` for where they run), with iperf3's JSON output (`-J`): TCP throughput
 * from client to server as the receiver counted it; UDP from server to client (`-R`) at an
 * unlimited send rate (`-b 0`): throughput received, loss and jitter.
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

/** The server's TCP (and UDP) port. */
export const IPERF3_PORT = 25201;
/** Seconds of each transfer in a full collection. */
export const IPERF3_TIME_S = 10;
/** Seconds of each transfer with `--quick`. */
export const IPERF3_QUICK_TIME_S = 2;
/** Runs of one transfer whose results exchange failed before it counts as a failure. */
export const IPERF3_ATTEMPTS = 4;

/** What ocibench keeps of an iperf3 client's JSON report. */
export interface Iperf3Result {
  protocol: "TCP" | "UDP";
  /** Throughput as the receiver counted it, in bits per second. */
  receivedBitsPerS: number;
  /** Throughput the sender pushed, in bits per second. */
  sentBitsPerS: number;
  /** Duration of the measurement, in seconds. */
  seconds: number;
  /** UDP only: lost datagrams, in percent of those sent. */
  lostPercent?: number;
  /** UDP only: jitter, in milliseconds. */
  jitterMs?: number;
  /** TCP only: retransmitted segments. */
  retransmits?: number;
}

/** An iperf3 run that reported an error, e.g. "unable to connect to server: Connection refused". */
export class Iperf3Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Iperf3Error";
  }
}

/**
 * Parses the JSON report of an iperf3 (3.x) client run with `-J`. Raises {@link Iperf3Error}
 * when the report carries an `error` (iperf3 may still exit 0 then), SyntaxError when the text
 * is not such a report.
 */
export function parseIperf3Json(stdout: string): Iperf3Result {
  const start = stdout.indexOf("{");
  if (start < 0) {
    throw new SyntaxError(`iperf3 printed no JSON (first line: ${firstLine(stdout)})`);
  }
  // deno-lint-ignore no-explicit-any
  let doc: any;
  try {
    doc = JSON.parse(stdout.slice(start));
  } catch (error) {
    throw new SyntaxError(`iperf3's JSON output does not parse: ${(error as Error).message}`);
  }
  if (typeof doc.error === "string") throw new Iperf3Error(`iperf3: ${doc.error}`);
  const end = doc.end;
  const protocol = doc.start?.test_start?.protocol;
  if (!end || (protocol !== "TCP" && protocol !== "UDP")) {
    throw new SyntaxError("iperf3's JSON output has no end summary or protocol");
  }
  const sent = end.sum_sent;
  const received = end.sum_received;
  if (typeof sent?.bits_per_second !== "number" || typeof received?.bits_per_second !== "number") {
    throw new SyntaxError("iperf3's JSON output has no sum_sent/sum_received bits_per_second");
  }
  const result: Iperf3Result = {
    protocol,
    receivedBitsPerS: received.bits_per_second,
    sentBitsPerS: sent.bits_per_second,
    seconds: received.seconds,
  };
  if (protocol === "UDP") {
    result.lostPercent = received.lost_percent;
    result.jitterMs = received.jitter_ms;
  } else if (typeof sent.retransmits === "number") {
    result.retransmits = sent.retransmits;
  }
  return result;
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0];
  return line ? JSON.stringify(line) : "empty output";
}

/** The argv of the iperf3 server, bound to `address`. */
export function iperf3ServerArgv(address: string): string[] {
  return ["iperf3", "-s", "-B", address, "-p", String(IPERF3_PORT)];
}

/** Options of {@link iperf3ClientArgv}. */
export interface Iperf3ClientOptions {
  server: string;
  timeS: number;
  udp: boolean;
}

/** The argv of one iperf3 client run (`-u -b 0 -R` for UDP: unlimited rate, server to client). */
export function iperf3ClientArgv(options: Iperf3ClientOptions): string[] {
  const argv = [
    "iperf3",
    "-c",
    options.server,
    "-p",
    String(IPERF3_PORT),
    "-t",
    String(options.timeS),
    "-J",
  ];
  // UDP runs reversed (the server sends): a UDP sender inside gVisor cannot collect its
  // results here ("unable to receive results: Resource temporarily unavailable").
  if (options.udp) argv.push("-u", "-b", "0", "-R");
  return argv;
}

/** Whether an iperf3 client result says the server was not listening yet. */
export function iperf3NotReady(result: ProcessResult): boolean {
  return /Connection refused|No route to host|Network is unreachable/.test(
    result.stdout + result.stderr,
  );
}

const MB = 1e6;

function metric(benchmark: string, id: string, name: string, unit: string, higher: boolean) {
  return {
    id: `${benchmark}.${id}`,
    benchmark,
    name,
    category: "network" as const,
    unit,
    direction: higher ? "higher" as const : "lower" as const,
  };
}

/**
 * The iperf3 benchmark of one protocol: `iperf3_tcp` (the paper's TCP_STREAM, client to server)
 * or `iperf3_udp` (UDP_STREAM, server to client at an unlimited rate). Two benchmarks rather than
 * one so that a failure of one protocol (UDP under gVisor) does not lose the other.
 */
export function iperf3Benchmark(protocol: "tcp" | "udp"): BenchmarkDefinition {
  const udp = protocol === "udp";
  const id = `iperf3_${protocol}`;
  return {
    info: {
      id,
      name: `iperf3 ${udp ? "UDP" : "TCP"} stream`,
      category: "network",
      tool: "iperf3",
      description:
        `iperf3 -J between two endpoints of the runtime (veth pair between two namespaces, or the engine's bridge): ${
          udp
            ? "UDP stream from server to client (-R) at an unlimited rate (-b 0), the paper's UDP_STREAM"
            : "TCP stream from client to server, the paper's TCP_STREAM"
        }.`,
      parameters: {
        timeS: IPERF3_TIME_S,
        timeSQuick: IPERF3_QUICK_TIME_S,
        port: IPERF3_PORT,
        direction: udp ? "server to client (-R)" : "client to server",
        ...(udp ? { rate: "unlimited" } : {}),
      },
    },
    tools: [{ binary: "iperf3", package: "iperf3" }],
    metrics: udp
      ? [
        metric(id, "stream_throughput", "iperf3 UDP stream throughput (received)", "MB/s", true),
        metric(id, "stream_loss", "iperf3 UDP stream datagram loss", "%", false),
        metric(id, "stream_jitter", "iperf3 UDP stream jitter", "ms", false),
      ]
      : [metric(id, "stream_throughput", "iperf3 TCP stream throughput (received)", "MB/s", true)],
    measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
      const timeS = ctx.quick ? IPERF3_QUICK_TIME_S : IPERF3_TIME_S;
      const { hostsReachableServer, serverLimitation } = ctx.runtime.capabilities;
      return withServerAndClient(ctx, {
        serverArgv: iperf3ServerArgv("{address}"),
        serverNative: !hostsReachableServer,
        serverNativeReason: serverLimitation,
        serverTimeoutMs: (IPERF3_ATTEMPTS * (timeS + 30) + 120) * 1000,
      }, async (client) => {
        const what = `iperf3 ${udp ? "UDP" : "TCP"} client under ${ctx.runtime.id}`;
        let r: Iperf3Result | undefined;
        let attempt = 1;
        for (; r === undefined; attempt++) {
          const result = await runClientUntilConnected(
            client,
            iperf3ClientArgv({ server: client.serverAddress, timeS, udp }),
            { timeoutMs: (timeS + 60) * 1000, notReady: iperf3NotReady, what, signal: ctx.signal },
          );
          try {
            r = parseIperf3Json(result.stdout);
          } catch (error) {
            // gVisor's end of the control connection intermittently fails the final exchange
            // of results; the transfer itself went through, so the test is run again.
            const lostResults = error instanceof Iperf3Error &&
              error.message.includes("unable to receive results");
            if (!lostResults || attempt >= IPERF3_ATTEMPTS || ctx.signal?.aborted) {
              r = parseStepOutput(
                result,
                `${what} (attempt ${attempt})`,
                (p) => parseIperf3Json(p.stdout),
              );
            }
          }
        }
        const topology = client.topology;
        const notes = attempt > 2
          ? `${attempt - 2} earlier attempt(s) lost their results exchange`
          : undefined;
        const values: MeasuredValue[] = [
          {
            metric: `${id}.stream_throughput`,
            value: r.receivedBitsPerS / 8 / MB,
            topology,
            notes,
          },
        ];
        if (udp) {
          values.push(
            { metric: `${id}.stream_loss`, value: r.lostPercent ?? NaN, topology, notes },
            { metric: `${id}.stream_jitter`, value: r.jitterMs ?? NaN, topology, notes },
          );
        }
        return values.filter((v) => Number.isFinite(v.value));
      });
    },
  };
}

/** iperf3 TCP stream and UDP stream. */
export const IPERF3_BENCHMARKS: BenchmarkDefinition[] = [
  iperf3Benchmark("tcp"),
  iperf3Benchmark("udp"),
];
