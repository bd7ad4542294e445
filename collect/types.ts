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

/** A kind of network a step may ask for: `none`, `netns` or `bridge` (see {@link NetworkSpec}). */
export type NetworkKind = NetworkSpec["kind"];

/** What a benchmark asks a runtime to run inside the benchmark image. Argv only, never a shell string. */
export interface StepSpec {
  /** The command inside the container, e.g. `["sysbench", "cpu", "run"]`. */
  argv: string[];
  env?: Record<string, string>;
  /** Working directory inside the container. */
  cwd?: string;
  mounts?: Mount[];
  network?: NetworkSpec;
  /** Memory in bytes, CPUs (fractional), and the most processes and threads the step may hold. */
  limits?: { memoryBytes?: number; cpus?: number; pids?: number };
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
  /**
   * Where the runtime can checkpoint a running container (CRIU, gVisor's own): writes its state
   * into `imageDir`, which stops it, and resolves to the runtime's checkpoint command's result
   * (a non-zero exit carries the runtime's own reason). Absent where the adapter has none.
   */
  checkpoint?(imageDir: string): Promise<ProcessResult>;
  /**
   * Restores the container checkpointed into `imageDir` under the same name, in the background;
   * resolves to the result of the runtime's restore command once it has returned. `stop()` then
   * stops the restored container.
   */
  restore?(imageDir: string): Promise<ProcessResult>;
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
  /**
   * The id of a plugin's {@link PluginInstaller} that makes it usable, when the fix is more than
   * an `apt-get install` (`war --install` runs it).
   */
  installer?: string;
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
  /** The OCI layout as a tar file (what an engine's OCI import reads). */
  ociTar: string;
  /** The short tag every engine's copy of the image carries, e.g. `h0123abcd…`. */
  tag: string;
}

/**
 * What a runtime can do, as benchmarks need to know it. Benchmarks branch on these, never on a
 * runtime's id or engine.
 */
export interface RuntimeCapabilities {
  /**
   * Whether a server started in it (`start()`) can be reached by a client outside its sandbox,
   * e.g. a client in another container of the same runtime or on the host.
   */
  hostsReachableServer: boolean;
  /** Why it cannot host such a server, when it cannot; said in the topology of network samples. */
  serverLimitation?: string;
  /**
   * The network kinds a step may ask for, in the order network benchmarks prefer them: the first
   * kind other than `none` is where a network benchmark puts both endpoints.
   */
  networks: readonly NetworkKind[];
  /**
   * Whether the workload's O_DIRECT I/O bypasses every page cache (true), or is served through
   * one (false, e.g. a user-space kernel's own file cache); absent when not known.
   */
  directIo?: boolean;
}

/** A runtime's execution platform (see {@link RuntimeAdapter.platform}). */
export interface RuntimePlatform {
  /** e.g. `systrap`. */
  name: string;
  /** Replaced as the default by its makers (gVisor's ptrace since 2023). */
  legacy: boolean;
}

/**
 * Something a plugin installs itself, beyond the packages of the host's release (e.g. a newer
 * build fetched into ocibench's cache): named by a detection's `installer`, run by
 * `war --install`.
 */
export interface PluginInstaller {
  /** Unique among plugins, e.g. `runsc-debian13`. */
  id: string;
  /** What it installs, for a person. */
  description: string;
  /** Installs it; raises an Error saying which step failed. */
  install(options: { log?: (message: string) => void; signal?: AbortSignal }): Promise<void>;
}

/**
 * What a plugin tells about the host in doctor's report, e.g. which of its platforms the host
 * supports and why.
 */
export interface HostSupport {
  /** e.g. `gVisor platforms`. */
  topic: string;
  items: { name: string; supported: boolean; detail: string }[];
}

/** Runs a command to completion: `runProcess` of collect/process.ts, or a test's fake. */
export type CommandRunner = (
  argv: string[],
  options?: { timeoutMs?: number; signal?: AbortSignal },
) => Promise<ProcessResult>;

/** One runtime: how to detect it, prepare it, run a step in it and clean up after it. */
export interface RuntimeAdapter {
  id: string;
  name: string;
  isolation: IsolationClass;
  engine?: string;
  lowLevelRuntime?: string;
  /**
   * The execution platform, for a runtime that has several (gVisor's `systrap`, `ptrace`,
   * `kvm`); `legacy` when its makers have replaced it as the default.
   */
  platform?: RuntimePlatform;
  /** What it can do (networks, servers, direct I/O). */
  capabilities: RuntimeCapabilities;
  /**
   * The host's address on the bridge network its steps join: where a server run natively is
   * reachable from its containers. Only for runtimes whose networks include `bridge` but not
   * `netns`.
   */
  hostBridgeAddress?(): Promise<string>;
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

/** One thing a run left behind on the host, found by its name (see collect/leftovers.ts). */
export interface Leftover {
  kind:
    | "container"
    | "runtime-state"
    | "mount"
    | "netns"
    | "link"
    | "temp-dir"
    | "cgroup"
    | "process";
  /** Which engine or runtime, or where it was found. */
  where: string;
  name: string;
}

/**
 * Where a low-level OCI runtime keeps its per-container state, which `<binary> --root <root>
 * delete --force <id>` removes: runc and crun a directory named by the id; runsc a
 * `<id>_sandbox:<sandbox>.state` file and its `.lock`.
 */
export interface RuntimeStateRoot {
  /** The runtime's binary, e.g. `runc`. */
  binary: string;
  /** Its state directory, e.g. `/run/runc`. */
  root: string;
  /**
   * The entries of a listing of `root` that hold container `id`'s state, exactly (not those of
   * an id that merely starts alike); default the entry named `id`. What is left of them once
   * nothing runs under the id is removed, whether the runtime's own delete succeeded or not.
   */
  entriesOf?(names: readonly string[], id: string): string[];
}

/**
 * A runtime plugin: what one file of `collect/runtimes/` declares, so that the core (registry,
 * doctor, leftovers, `war --install`) needs no list of its own. The registry
 * (`collect/runtimes/mod.ts`) holds one line per plugin. `Options` is what its adapter factories
 * accept; plain `RuntimePlugin` (options `never`) takes any plugin whose declarations are read.
 *
 * @example
 * ```ts
 * export const youkiRuntime: RuntimePlugin<AdapterOptions> = {
 *   name: "youki",
 *   adapters: { youki: (o) => youkiAdapter(o) },
 *   aptPackages: ["youki"],
 *   stateRoots: [{ binary: "youki", root: "/run/youki" }],
 * };
 * ```
 */
export interface RuntimePlugin<Options = never> {
  /** The plugin's name: its file's base name, e.g. `docker`. */
  name: string;
  /** Factories of its adapters by id, in the order reports list them. */
  adapters: Readonly<Record<string, (options?: Options) => RuntimeAdapter>>;
  /** Debian packages that provide it (doctor shows them; `war --install` installs fixes). */
  aptPackages: readonly string[];
  /** State roots of a low-level runtime, searched for leftovers and reclaimed by id. */
  stateRoots?: readonly RuntimeStateRoot[];
  /**
   * Where an engine's low-level runtime puts the cgroup of engine container `id` (relative to
   * each hierarchy), removed when a runtime killed mid-create left it, e.g. `docker/<id>`.
   */
  containerCgroupPaths?(id: string): string[];
  /**
   * What of a run (by name prefix `ocibench-<run>`) it still holds that the core cannot see in
   * the file system: an engine's containers. Asks the engine only when it answers.
   */
  findLeftovers?(prefix: string, run: CommandRunner): Promise<Leftover[]>;
  /** What it installs itself when its adapters need more than its `aptPackages`. */
  installers?: readonly PluginInstaller[];
  /** What doctor tells about the host for it (e.g. the platforms the host supports). */
  hostSupport?(): Promise<HostSupport>;
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

/** A tool a benchmark runs inside the image, and the Debian package that provides it. */
export interface BenchmarkTool {
  /** The executable, e.g. `sysbench` (doctor looks for it on the host's `PATH`). */
  binary: string;
  /** The Debian package that provides it: installed into the image, its version recorded. */
  package: string;
}

/**
 * A benchmark: what it is (its `info.category` among them), which metrics it yields, which tools
 * it needs, and how to measure one repetition. The registry (`collect/benchmarks/mod.ts`) holds
 * one line per benchmark file.
 */
export interface BenchmarkDefinition {
  info: BenchmarkInfo;
  metrics: MetricInfo[];
  /**
   * The tools it runs in the image (the image recipe, doctor and tool versions read them); empty
   * when it runs only the image's base commands or our own C programs (`collect/c/`).
   */
  tools: readonly BenchmarkTool[];
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
