/**
 * The two endpoints of a network benchmark for the runtime under test, shared by the network
 * benchmarks: a server started in the background and a client run to completion, placed from the
 * runtime's declared capabilities so that only loopback, our own network namespaces and the
 * engines' own bridges carry traffic.
 *
 * - a runtime whose preferred network is a bridge of its own (an engine's): both containers on
 *   that bridge;
 * - every other runtime: two namespaces `<prefix>-a`/`-b` joined by a veth pair (collect/netns.ts);
 * - a runtime that cannot host the server (`capabilities.hostsReachableServer` false): the server
 *   runs under the baseline (the registered `native`-class runtime) — in namespace `a` when the
 *   runtime joins namespaces, else on the host side of its bridge (`hostBridgeAddress()`) — and
 *   the client in the runtime. The topology string of each sample says which.
 *
 * Everything started is stopped and every namespace removed, also on failure and on abort.
 *
 * @module
 */
import type {
  MeasureContext,
  NetworkSpec,
  ProcessResult,
  RunningContainer,
  RuntimeAdapter,
  StepSpec,
} from "./types.ts";
import { createNetnsPair, type NetnsPair } from "./netns.ts";
import { baselineAdapter } from "./runtimes/mod.ts";
import { requireSuccess } from "./errors.ts";

/** Where the two endpoints go, from the runtime's declared capabilities. */
export type EndpointPlacement =
  /** Both on the runtime's own bridge. */
  | "bridge"
  /** The baseline's server on the host side of the runtime's bridge, the client on the bridge. */
  | "bridge-host-server"
  /** Two namespaces joined by a veth pair. */
  | "netns-pair";

/**
 * How {@link withServerAndClient} places the endpoints for `runtime`: on its preferred network
 * (the first of `capabilities.networks` other than `none`), except that a server run under the
 * baseline needs a namespace the runtime can join, or else the host side of its bridge. Raises
 * RangeError when the runtime declares no network that fits.
 */
export function placeEndpoints(runtime: RuntimeAdapter, serverNative: boolean): EndpointPlacement {
  const networks = runtime.capabilities.networks;
  const preferred = networks.find((k) => k !== "none");
  if (!serverNative && preferred === "bridge") return "bridge";
  if (networks.includes("netns")) return "netns-pair";
  if (serverNative && networks.includes("bridge") && runtime.hostBridgeAddress) {
    return "bridge-host-server";
  }
  throw new RangeError(
    `${runtime.id} declares no network for a ${serverNative ? "host server" : "server"} and a ` +
      `client (networks: ${networks.join(", ")})`,
  );
}

/** Options of {@link withServerAndClient}. */
export interface WithServerAndClientOptions {
  /** The server's argv; `{address}` in an element is replaced by the address it must bind to. */
  serverArgv: string[];
  /** Whether the server runs natively rather than in the runtime under test. */
  serverNative: boolean;
  /** Why the server runs natively (for the topology string). */
  serverNativeReason?: string;
  /** How long the server may live, in milliseconds. */
  serverTimeoutMs: number;
}

/** What the body of {@link withServerAndClient} receives. */
export interface ClientSide {
  /** The server's address as the client reaches it. */
  serverAddress: string;
  /** e.g. `client:runc@netns server:runc@netns (veth pair)`. */
  topology: string;
  /** Runs the client `argv` in the runtime under test, on the client's network. */
  runClient(argv: string[], timeoutMs: number): Promise<ProcessResult>;
}

/**
 * Starts the server, runs `body` with the client side, then stops the server and removes the
 * namespaces, whatever happens.
 */
export async function withServerAndClient<T>(
  ctx: MeasureContext,
  options: WithServerAndClientOptions,
  body: (client: ClientSide) => Promise<T>,
): Promise<T> {
  const runtime = ctx.runtime;
  const serverRuntime = options.serverNative ? baselineAdapter() : runtime;
  const placement = placeEndpoints(runtime, options.serverNative);
  const bridgeName = runtime.engine ?? runtime.id;
  let pair: NetnsPair | undefined;
  let server: RunningContainer | undefined;
  try {
    let serverNetwork: NetworkSpec;
    let clientNetwork: NetworkSpec;
    let bindAddress: string;
    let where: string;
    if (placement === "bridge-host-server") {
      // The baseline's server listens on the host's side of the runtime's bridge.
      clientNetwork = { kind: "bridge" };
      bindAddress = await runtime.hostBridgeAddress!();
      serverNetwork = { kind: "none" };
      where = `${bridgeName} bridge, server on the host side (${bindAddress})`;
    } else if (placement === "bridge") {
      clientNetwork = { kind: "bridge" };
      serverNetwork = { kind: "bridge" };
      bindAddress = "0.0.0.0";
      where = `${bridgeName} bridge`;
    } else {
      pair = await createNetnsPair(`${ctx.adapter.namePrefix}-net${uniqueSuffix()}`);
      serverNetwork = { kind: "netns", name: pair.a.name };
      clientNetwork = { kind: "netns", name: pair.b.name };
      bindAddress = pair.a.address;
      where = "two network namespaces joined by a veth pair";
    }
    const serverStep: StepSpec = {
      argv: options.serverArgv.map((a) => a.replaceAll("{address}", bindAddress)),
      network: serverNetwork,
      timeoutMs: options.serverTimeoutMs,
      signal: ctx.signal,
    };
    server = await serverRuntime.start(serverStep, ctx.adapter);
    const serverAddress = bindAddress !== "0.0.0.0" ? bindAddress : server.address;
    if (!serverAddress) {
      throw new Error(
        `${serverRuntime.id} started the server ${server.name} on a bridge without telling its address`,
      );
    }
    const topology = `client:${runtime.id} server:${serverRuntime.id} (${where}${
      options.serverNative && options.serverNativeReason ? `; ${options.serverNativeReason}` : ""
    })`;
    return await body({
      serverAddress,
      topology,
      runClient(argv: string[], timeoutMs: number) {
        return runtime.run(
          { argv, network: clientNetwork, timeoutMs, signal: ctx.signal },
          ctx.adapter,
        );
      },
    });
  } finally {
    const problems: string[] = [];
    if (server) await server.stop().catch((e) => problems.push((e as Error).message));
    if (pair) await pair.remove().catch((e) => problems.push((e as Error).message));
    if (problems.length > 0) ctx.adapter.log(`network clean-up: ${problems.join("; ")}`);
  }
}

let suffix = 0;
function uniqueSuffix(): string {
  suffix += 1;
  return String(suffix);
}

/** Options of {@link runClientUntilConnected}. */
export interface RunClientOptions {
  /** Timeout of one client run, in milliseconds. */
  timeoutMs: number;
  /** Whether a result says the server was not listening yet (then the run is retried). */
  notReady: (result: ProcessResult) => boolean;
  /** Give up retrying after this long, in milliseconds. */
  readyWithinMs?: number;
  /** Names the step in errors, e.g. "iperf3 TCP client under runc". */
  what: string;
  signal?: AbortSignal;
}

/**
 * Runs the client until the server answers: a run whose output says the server was not
 * listening yet is retried every 250 ms for up to `readyWithinMs` (default 20 s). Resolves to
 * the first run that reached the server, raising StepFailedError when it failed.
 */
export async function runClientUntilConnected(
  client: ClientSide,
  argv: string[],
  options: RunClientOptions,
): Promise<ProcessResult> {
  const deadline = performance.now() + (options.readyWithinMs ?? 20_000);
  while (true) {
    const result = await client.runClient(argv, options.timeoutMs);
    if (options.signal?.aborted) return requireSuccess(result, options.what);
    const notReady = options.notReady(result);
    if (!notReady || performance.now() > deadline) {
      return requireSuccess(notReady ? notReadyFailure(result) : result, options.what);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function notReadyFailure(result: ProcessResult): ProcessResult {
  return {
    ...result,
    exitCode: result.exitCode === 0 ? 1 : result.exitCode,
    stderr: `${result.stderr}\n${result.stdout}\nthe server did not answer in time`.trim(),
  };
}
