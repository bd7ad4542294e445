/**
 * Where an application benchmark's two ends run: the server (nginx, redis) inside the runtime
 * under test, the load generator (wrk, redis-benchmark) natively, never inside the runtime under
 * test:
 *
 * - a runtime whose preferred network is a bridge of its own (an engine's): the server on that
 *   bridge, the load generator in the host's network namespace, reaching the server's bridge
 *   address;
 * - every other runtime: two namespaces `<prefix>-a`/`-b` joined by a veth pair
 *   (collect/netns.ts); the server in `a` (through the runtime), the load generator in `b`
 *   (`ip netns exec`).
 *
 * Only loopback, our own namespaces and the engines' own bridges carry traffic. The load
 * generator is pinned with `taskset` to the host's last CPU; the server is left where the runtime
 * puts it. The topology string of every sample says both, e.g.
 * `server:runc (two network namespaces joined by a veth pair) load:native wrk pinned to CPU 1 of 2; server unpinned`.
 *
 * Readiness is one of our host programs (collect/host_c/app_probe.c) polling every millisecond
 * until the server answers (an HTTP 200, or redis's PONG); the time from the start request to that
 * answer is what the lifecycle benchmarks call the time to first response.
 *
 * @module
 */
import type {
  MeasureContext,
  Mount,
  NetworkSpec,
  ProcessResult,
  RunningContainer,
  StepSpec,
} from "./types.ts";
import { createNetnsPair, type NetnsPair } from "./netns.ts";
import { baselineAdapter } from "./runtimes/mod.ts";
import { StepFailedError } from "./errors.ts";
import { hostProgram } from "./host_program.ts";
import { tailOf } from "./process.ts";

/** How long a server may take to answer its first request, in milliseconds. */
export const APP_READY_TIMEOUT_MS = 60_000;

/**
 * What tells that the server is up: an HTTP 200 for `path`, redis's PONG, or PostgreSQL accepting
 * a session (an authentication request, not "the database system is starting up").
 */
export type AppProbe = { mode: "http"; path: string } | { mode: "redis" } | { mode: "postgres" };

/** Options of {@link withAppServer}. */
export interface AppServerOptions {
  /** The server's argv; `{address}` in an element is replaced by the address it must bind to. */
  serverArgv: string[];
  /** How messages name the server (default: the first element of `serverArgv`). */
  serverName?: string;
  /** Host directories the server needs (its configuration, the files it serves). */
  mounts?: Mount[];
  /** The server's TCP port. */
  port: number;
  probe: AppProbe;
  /** How long the server may live, in milliseconds. */
  serverTimeoutMs: number;
  /** How long the server may take to answer its first request, in milliseconds (default {@link APP_READY_TIMEOUT_MS}). */
  readyWithinMs?: number;
  /** Called just before the server is started (e.g. to drop the page cache for a cold start). */
  beforeStart?: () => Promise<void>;
}

/** What the body of {@link withAppServer} receives. */
export interface LoadSide {
  /** The server's address as the load generator reaches it. */
  serverAddress: string;
  /** Where both ends run and on which CPUs (see the module documentation). */
  topology: string;
  /** From the start request to the server's first answer, in milliseconds. */
  firstResponseMs: number;
  /** The running server. */
  server: RunningContainer;
  /**
   * Runs a load generator natively on the load side: in its own network namespace (or the
   * host's, for an engine's bridge), pinned to the load CPU.
   */
  runLoad(argv: string[], timeoutMs: number): Promise<ProcessResult>;
  /**
   * Probes the server again until it answers (e.g. after a restore), from the load side, and
   * resolves to the outcome with the wall-clock time of the answer.
   */
  probeAgain(): Promise<ProbeOutcome>;
}

/** Where the server runs and where the load generator reaches it. */
export type AppPlacement = "bridge" | "netns-pair";

/**
 * The placement for a runtime's declared networks: its preferred network (the first other than
 * `none`). Raises RangeError when it declares no network a server can be reached on.
 */
export function placeAppServer(networks: readonly string[]): AppPlacement {
  const preferred = networks.find((k) => k !== "none");
  if (preferred === "bridge") return "bridge";
  if (preferred === "netns") return "netns-pair";
  throw new RangeError(
    `no network a server can be reached on (networks: ${networks.join(", ") || "none"})`,
  );
}

/**
 * The CPU the load generator is pinned to (the host's last), and how the placement reads in a
 * topology string. On a one-CPU host both ends share it, and the string says so.
 */
export function loadCpuPlacement(cores: number): { cpu: number; text: string } {
  if (cores <= 1) return { cpu: 0, text: "load generator and server share the only CPU" };
  return {
    cpu: cores - 1,
    text: `load generator pinned to CPU ${cores - 1} of ${cores} (taskset); server unpinned`,
  };
}

/** What the probe printed: the wall-clock time of the first answer, or why none came. */
export type ProbeOutcome =
  | { ok: true; answeredAtMs: number; attempts: number }
  | { ok: false; attempts: number; reason: string };

/** Parses app_probe's line (see collect/host_c/app_probe.c); SyntaxError when it is not one. */
export function parseProbeOutput(stdout: string): ProbeOutcome {
  const line = stdout.trim().split("\n").pop() ?? "";
  const ok = /^ok (\d+) (\d+)$/.exec(line);
  if (ok) return { ok: true, answeredAtMs: Number(ok[1]) / 1e6, attempts: Number(ok[2]) };
  const timeout = /^timeout (\d+) (.*)$/.exec(line);
  if (timeout) return { ok: false, attempts: Number(timeout[1]), reason: timeout[2] };
  throw new SyntaxError(`app_probe printed an unexpected line: ${JSON.stringify(line)}`);
}

function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Starts the server in the runtime under test, waits for its first answer, runs `body` with the
 * load side, then stops the server and removes the namespaces, whatever happens. A server that
 * never answers is a StepFailedError carrying the probe's last error and the server's output.
 */
export async function withAppServer<T>(
  ctx: MeasureContext,
  options: AppServerOptions,
  body: (load: LoadSide) => Promise<T>,
): Promise<T> {
  const runtime = ctx.runtime;
  const native = baselineAdapter();
  const placement = placeAppServer(runtime.capabilities.networks);
  const cpu = loadCpuPlacement(ctx.cores);
  const probe = await hostProgram("app_probe");
  const readyMs = options.readyWithinMs ?? APP_READY_TIMEOUT_MS;
  let pair: NetnsPair | undefined;
  let server: RunningContainer | undefined;
  try {
    let serverNetwork: NetworkSpec;
    let loadNetwork: NetworkSpec;
    let bindAddress: string;
    let where: string;
    if (placement === "bridge") {
      serverNetwork = { kind: "bridge" };
      loadNetwork = { kind: "none" };
      bindAddress = "0.0.0.0";
      where = `${runtime.engine ?? runtime.id} bridge; load from the host's side; ` +
        "the probe starts once the engine tells the address";
    } else {
      pair = await createNetnsPair(`${ctx.adapter.namePrefix}-app${uniqueSuffix()}`);
      serverNetwork = { kind: "netns", name: pair.a.name };
      loadNetwork = { kind: "netns", name: pair.b.name };
      bindAddress = pair.a.address;
      where = "two network namespaces joined by a veth pair";
    }
    const serverStep: StepSpec = {
      argv: options.serverArgv.map((a) => a.replaceAll("{address}", bindAddress)),
      mounts: options.mounts,
      network: serverNetwork,
      timeoutMs: options.serverTimeoutMs,
      signal: ctx.signal,
    };
    const runLoad = (argv: string[], timeoutMs: number, signal = ctx.signal) =>
      native.run({ argv, network: loadNetwork, timeoutMs, signal }, ctx.adapter);
    await options.beforeStart?.();
    const startedAt = wallClockMs();
    // With a veth pair the address is known before the start, so the probe waits alongside it
    // (and is stopped should the start fail).
    const earlyStop = new AbortController();
    const early = placement === "netns-pair"
      ? runLoad(
        probeArgv(probe, bindAddress, options),
        readyMs + 10_000,
        ctx.signal ? AbortSignal.any([ctx.signal, earlyStop.signal]) : earlyStop.signal,
      )
      : undefined;
    try {
      server = await runtime.start(serverStep, ctx.adapter);
    } catch (error) {
      earlyStop.abort();
      await early?.catch(() => {});
      throw error;
    }
    const serverAddress = bindAddress !== "0.0.0.0" ? bindAddress : server.address;
    if (!serverAddress) {
      throw new Error(
        `${runtime.id} started the server ${server.name} on a bridge without telling its address`,
      );
    }
    const probeOutcome = async (pending?: Promise<ProcessResult>): Promise<ProbeOutcome> => {
      const probed = await (pending ??
        runLoad(probeArgv(probe, serverAddress, options), readyMs + 10_000));
      return probed.exitCode === 0 || probed.exitCode === 1
        ? parseProbeOutput(probed.stdout)
        : { ok: false, attempts: 0, reason: tailOf(probed.stderr.trim(), 300) };
    };
    const outcome = await probeOutcome(early);
    if (!outcome.ok) {
      const result = await server.stop();
      server = undefined;
      const limitation = runtime.capabilities.serverLimitation;
      const what = `${options.serverName ?? options.serverArgv[0]} under ${runtime.id}`;
      throw new StepFailedError(
        `${what} did not answer at ${serverAddress}:${options.port} within ${readyMs / 1000} s ` +
          `(${outcome.attempts} attempts, last: ${outcome.reason})` +
          (limitation ? `; the runtime declares: ${limitation}` : ""),
        { exitCode: result.exitCode, stderrTail: result.stderr || result.stdout },
      );
    }
    return await body({
      serverAddress,
      topology: `server:${runtime.id} (${where}) load:${native.id} (${cpu.text})`,
      firstResponseMs: outcome.answeredAtMs - startedAt,
      server,
      runLoad: (argv, timeoutMs) => runLoad(["taskset", "-c", String(cpu.cpu), ...argv], timeoutMs),
      probeAgain: () => probeOutcome(),
    });
  } finally {
    const problems: string[] = [];
    if (server) await server.stop().catch((e) => problems.push((e as Error).message));
    if (pair) await pair.remove().catch((e) => problems.push((e as Error).message));
    if (problems.length > 0) ctx.adapter.log(`application server clean-up: ${problems.join("; ")}`);
  }
}

function probeArgv(probe: string, address: string, options: AppServerOptions): string[] {
  return [
    probe,
    options.probe.mode,
    address,
    String(options.port),
    options.probe.mode === "http" ? options.probe.path : "-",
    String(options.readyWithinMs ?? APP_READY_TIMEOUT_MS),
  ];
}

let suffix = 0;
function uniqueSuffix(): string {
  suffix += 1;
  return String(suffix);
}
