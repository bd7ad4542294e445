/**
 * The two endpoints of a network benchmark for the runtime under test, shared by `iperf3.ts`
 * and `qperf.ts`: a server started in the background and a client run to completion, placed so
 * that only loopback, our own network namespaces and the engines' own bridges carry traffic.
 *
 * - docker and podman: both containers on the engine's bridge;
 * - every other runtime: two namespaces `<prefix>-a`/`-b` joined by a veth pair (collect/netns.ts);
 * - a runtime that cannot host the server (gVisor's runsc here): the server runs natively — in
 *   namespace `a`, or for docker on the host side of the bridge (its gateway address) — and the
 *   client in the runtime. The topology string of each sample says which.
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
} from "../types.ts";
import { createNetnsPair, type NetnsPair } from "../netns.ts";
import { nativeAdapter } from "../runtimes/native.ts";
import { runChecked } from "../process.ts";
import { requireSuccess } from "../errors.ts";
import { DOCKER_CLI, DOCKER_SOCKET } from "../runtimes/docker.ts";

/** Whether `runtime` runs on gVisor (whose sandbox cannot host our servers here). */
export function isGvisor(runtime: RuntimeAdapter): boolean {
  return runtime.lowLevelRuntime === "runsc" || runtime.id.startsWith("runsc");
}

/** Whether `runtime` is driven by an engine with its own bridge network. */
export function usesEngineBridge(runtime: RuntimeAdapter): boolean {
  return runtime.engine === "docker" || runtime.engine === "podman";
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
  const native = nativeAdapter();
  const serverRuntime = options.serverNative ? native : runtime;
  const bridge = usesEngineBridge(runtime);
  let pair: NetnsPair | undefined;
  let server: RunningContainer | undefined;
  try {
    let serverNetwork: NetworkSpec;
    let clientNetwork: NetworkSpec;
    let bindAddress: string;
    let where: string;
    if (bridge && !(options.serverNative && runtime.engine !== "docker")) {
      clientNetwork = { kind: "bridge" };
      if (options.serverNative) {
        // The native server listens on the host's side of docker's bridge.
        bindAddress = await dockerBridgeGateway();
        serverNetwork = { kind: "none" };
        where = `${runtime.engine} bridge, server on the host side (${bindAddress})`;
      } else {
        serverNetwork = { kind: "bridge" };
        bindAddress = "0.0.0.0";
        where = `${runtime.engine} bridge`;
      }
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

async function dockerBridgeGateway(): Promise<string> {
  const out = await runChecked([
    DOCKER_CLI,
    "--host",
    `unix://${DOCKER_SOCKET}`,
    "network",
    "inspect",
    "bridge",
    "--format",
    "{{range .IPAM.Config}}{{.Gateway}} {{end}}",
  ], { timeoutMs: 30_000 });
  const gateway = out.split(/\s+/).find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a));
  if (!gateway) throw new Error(`docker's bridge network has no IPv4 gateway ("${out}")`);
  return gateway;
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
