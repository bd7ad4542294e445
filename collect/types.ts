/**
 * The contracts inside `collect/`: what a runtime adapter offers, what a benchmark asks of it,
 * and what a benchmark gives back. Adapters live in `collect/runtimes/` (one file each),
 * benchmarks in `collect/benchmarks/` (one definition + parser each).
 *
 * @module
 */
import type { BenchmarkInfo, IsolationClass, MetricInfo } from "../model/result_set.ts";

/** A bind mount of a host directory into the container. */
export interface Mount {
  hostPath: string;
  containerPath: string;
  readonly?: boolean;
}

/**
 * Where a step's network lives:
 * - `none`: no network but loopback;
 * - `netns`: join an existing network namespace made by ocibench (`/var/run/netns/<name>`), used
 *   by bundle runtimes and native for container↔container traffic over a veth pair;
 * - `bridge`: the engine's own bridge network (docker/podman), named by `network`.
 */
export type NetworkSpec =
  | { kind: "none" }
  | { kind: "netns"; name: string }
  | { kind: "bridge"; network?: string };

/** What a benchmark asks a runtime to run inside the benchmark image. Argv only, never a shell string. */
export interface StepSpec {
  /** The command inside the container, e.g. `["sysbench", "cpu", "run"]`. */
  argv: string[];
  env?: Record<string, string>;
  /** Working directory inside the container. */
  cwd?: string;
  mounts?: Mount[];
  network?: NetworkSpec;
  limits?: { memoryBytes?: number; cpus?: number };
  /** Kill the step after this long. */
  timeoutMs: number;
  /** Aborts the step (Ctrl-C): the adapter stops what it started. */
  signal?: AbortSignal;
}

/** The outcome of one process or container run. */
export interface ProcessResult {
  /** Exit code, or null when it did not exit by itself (timeout, signal, spawn error). */
  exitCode: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Wall time from spawn to exit, in milliseconds (monotonic clock). */
  wallMs: number;
  startedAt: string;
  finishedAt: string;
}

/** A container started in the background (a server, or one of N idle containers). */
export interface RunningContainer {
  /** Name or id the adapter gave it (always prefixed `ocibench-`). */
  name: string;
  /** An address other containers can reach it at, when it has a network (`bridge`/`netns`). */
  address?: string;
  /** Host pids of every process that belongs to it: runtime, shim, sandbox and workload. */
  pids(): Promise<number[]>;
  /** Stops and removes it; safe to call twice. Resolves to its result. */
  stop(): Promise<ProcessResult>;
}

/** What `detect()` found. */
export interface Detection {
  usable: boolean;
  /** The main version string, e.g. "1.1.5". */
  version?: string;
  /** Versions of each component (engine, shim, low-level runtime). */
  components?: Record<string, string>;
  /** Why it cannot be used. */
  reason?: string;
  /** What to do about it, e.g. "apt-get install crun" or the hybrid-cgroup mount. */
  fix?: string;
  /** How it runs when that differs from the plain way (e.g. a workaround in effect). */
  notes?: string;
}

/** Shared state every adapter receives: where the image is, where to put temporary files. */
export interface AdapterContext {
  /** Paths of the built benchmark image (see collect/image.ts). */
  image: ImagePaths;
  /** A directory private to this run; removed at the end. */
  workDir: string;
  /** Prefix for every container, netns, veth, mount ocibench creates in this run. */
  namePrefix: string;
  log: (message: string) => void;
}

/** The benchmark image in every form a runtime needs. */
export interface ImagePaths {
  /** Content hash of the recipe. */
  hash: string;
  /** A read-only root filesystem directory (bundles copy or overlay it). */
  rootfs: string;
  /** The rootfs as a tar file (docker/podman import). */
  rootfsTar: string;
  /** An OCI image layout directory. */
  ociLayout: string;
  /** Image references as imported into each engine. */
  refs: { podman: string; docker: string; containerd: string };
}

/** One runtime: how to detect it, prepare it, run a step in it and clean up after it. */
export interface RuntimeAdapter {
  id: string;
  name: string;
  isolation: IsolationClass;
  engine?: string;
  lowLevelRuntime?: string;
  /** Finds the binary, version and daemon, and tries a `true` run. */
  detect(ctx: AdapterContext): Promise<Detection>;
  /** Starts what it needs (daemons it may start, image import); idempotent. */
  prepare(ctx: AdapterContext): Promise<void>;
  /** Runs a step to completion. */
  run(step: StepSpec, ctx: AdapterContext): Promise<ProcessResult>;
  /** Starts a step in the background. */
  start(step: StepSpec, ctx: AdapterContext): Promise<RunningContainer>;
  /** Removes everything of this run (containers, bundles, daemons it started). */
  cleanup(ctx: AdapterContext): Promise<void>;
}

/** One measured value a benchmark produced in one repetition. */
export interface MeasuredValue {
  metric: string;
  value: number;
  /** How endpoints were placed, e.g. `client:runsc server:native (runsc cannot host the server)`. */
  topology?: string;
  notes?: string;
}

/** Everything a benchmark receives for one repetition. */
export interface MeasureContext {
  runtime: RuntimeAdapter;
  adapter: AdapterContext;
  /** Short durations and small sizes (CI, `--quick`). */
  quick: boolean;
  /** Logical CPUs on the host. */
  cores: number;
  signal?: AbortSignal;
}

/** A benchmark: what it is, which metrics it yields, and how to measure one repetition. */
export interface BenchmarkDefinition {
  info: BenchmarkInfo;
  metrics: MetricInfo[];
  /**
   * Parameters known only on the host that collects (e.g. array sizes chosen from its caches),
   * merged over `info.parameters` in the result set.
   */
  hostParameters?: (options: { quick: boolean }) => NonNullable<BenchmarkInfo["parameters"]>;
  /** Runtimes it cannot run on, with the reason (e.g. no server side in runsc). */
  unsupported?: (runtime: RuntimeAdapter) => string | undefined;
  /** Measures one repetition; throws a StepFailedError (collect/errors.ts) when the step fails. */
  measure(ctx: MeasureContext): Promise<MeasuredValue[]>;
}
