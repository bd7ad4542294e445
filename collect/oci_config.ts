/**
 * The one OCI runtime-spec `config.json` generator, shared by the runc, crun and runsc bundles:
 * argv, environment, working directory, bind mounts, joining a network namespace we made,
 * memory/CPU limits, a read-only or writable root, never a terminal.
 *
 * Follows the OCI runtime specification 1.0 (`config.md`, `config-linux.md`); the defaults
 * (mounts, masked paths, capabilities) match what `runc spec` and Docker's default profile give,
 * so bundle runtimes and engines run the workload under comparable conditions.
 *
 * @module
 */
import type { Mount } from "./types.ts";
import { IMAGE_PATH_ENV } from "./image_recipe.ts";

/** CFS period used to express a CPU limit, in microseconds (the kernel's default). */
export const CPU_PERIOD_US = 100_000;

/** Docker's default capability set, so every runtime grants the workload the same privileges. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** Options of {@link ociConfig}. */
export interface OciConfigOptions {
  /** The command, argv[0] resolved through `PATH` inside the container by the runtime. */
  argv: string[];
  env?: Record<string, string>;
  /** Working directory inside the container; default `/`. */
  cwd?: string;
  /** Root filesystem path (absolute, or relative to the bundle). */
  rootfs: string;
  /** Mount the root read-only (then `/tmp` is a tmpfs). Default false. */
  readonlyRootfs?: boolean;
  mounts?: Mount[];
  /**
   * Network: `"new"` a fresh empty namespace (loopback only), `"host"` no network namespace of its
   * own, or `{ path }` to join an existing one (e.g. `/var/run/netns/ocibench-x`).
   */
  network?: "new" | "host" | { path: string };
  hostname?: string;
  memoryBytes?: number;
  /** CPU limit in cores (CFS quota over {@link CPU_PERIOD_US}). */
  cpus?: number;
  /** The most processes and threads the container may hold (`resources.pids.limit`). */
  pids?: number;
  /** RLIMIT_NOFILE soft and hard; default 1024/1024 as `runc spec`. */
  nofile?: number;
  /** `linux.cgroupsPath`; the runtime picks one from the container id when absent. */
  cgroupsPath?: string;
}

/** An OCI runtime-spec config (the subset we write). */
export interface OciConfig {
  ociVersion: string;
  process: Record<string, unknown>;
  root: { path: string; readonly: boolean };
  hostname: string;
  mounts: { destination: string; type: string; source: string; options?: string[] }[];
  linux: Record<string, unknown>;
}

/** Builds an OCI `config.json` object for one container. */
export function ociConfig(options: OciConfigOptions): OciConfig {
  if (options.argv.length === 0) throw new TypeError("ociConfig: argv must not be empty");
  if (options.cwd !== undefined && !options.cwd.startsWith("/")) {
    throw new TypeError(`ociConfig: cwd must be absolute, got "${options.cwd}"`);
  }
  const env: Record<string, string> = { PATH: IMAGE_PATH_ENV, ...(options.env ?? {}) };
  const nofile = options.nofile ?? 1024;
  const mounts: OciConfig["mounts"] = [
    { destination: "/proc", type: "proc", source: "proc" },
    {
      destination: "/dev",
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
    },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    {
      destination: "/dev/shm",
      type: "tmpfs",
      source: "shm",
      options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"],
    },
    {
      destination: "/dev/mqueue",
      type: "mqueue",
      source: "mqueue",
      options: ["nosuid", "noexec", "nodev"],
    },
    {
      destination: "/sys",
      type: "sysfs",
      source: "sysfs",
      options: ["nosuid", "noexec", "nodev", "ro"],
    },
  ];
  if (options.readonlyRootfs) {
    mounts.push({
      destination: "/tmp",
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "nodev", "mode=1777"],
    });
  }
  for (const m of options.mounts ?? []) {
    if (!m.containerPath.startsWith("/")) {
      throw new TypeError(`ociConfig: mount target must be absolute, got "${m.containerPath}"`);
    }
    mounts.push({
      destination: m.containerPath,
      type: "bind",
      source: m.hostPath,
      options: ["rbind", m.readonly ? "ro" : "rw"],
    });
  }
  const network = options.network ?? "new";
  const namespaces: { type: string; path?: string }[] = [
    { type: "pid" },
    { type: "ipc" },
    { type: "uts" },
    { type: "mount" },
  ];
  if (network === "new") namespaces.push({ type: "network" });
  else if (network !== "host") namespaces.push({ type: "network", path: network.path });
  const resources: Record<string, unknown> = {
    devices: [{ allow: false, access: "rwm" }],
  };
  if (options.memoryBytes !== undefined) {
    if (!(options.memoryBytes > 0)) {
      throw new RangeError(`ociConfig: memoryBytes must be positive, got ${options.memoryBytes}`);
    }
    resources.memory = { limit: Math.round(options.memoryBytes) };
  }
  if (options.cpus !== undefined) {
    if (!(options.cpus > 0)) {
      throw new RangeError(`ociConfig: cpus must be positive, got ${options.cpus}`);
    }
    resources.cpu = { quota: Math.round(options.cpus * CPU_PERIOD_US), period: CPU_PERIOD_US };
  }
  if (options.pids !== undefined) {
    if (!(Number.isInteger(options.pids) && options.pids > 0)) {
      throw new RangeError(`ociConfig: pids must be a positive integer, got ${options.pids}`);
    }
    resources.pids = { limit: options.pids };
  }
  const linux: Record<string, unknown> = {
    resources,
    namespaces,
    maskedPaths: [
      "/proc/acpi",
      "/proc/asound",
      "/proc/kcore",
      "/proc/keys",
      "/proc/latency_stats",
      "/proc/timer_list",
      "/proc/timer_stats",
      "/proc/sched_debug",
      "/sys/firmware",
      "/proc/scsi",
    ],
    readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
  };
  if (options.cgroupsPath) linux.cgroupsPath = options.cgroupsPath;
  const caps = [...DEFAULT_CAPABILITIES];
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: [...options.argv],
      env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      cwd: options.cwd ?? "/",
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      rlimits: [{ type: "RLIMIT_NOFILE", hard: nofile, soft: nofile }],
      noNewPrivileges: true,
    },
    root: { path: options.rootfs, readonly: options.readonlyRootfs ?? false },
    hostname: options.hostname ?? "ocibench",
    mounts,
    linux,
  };
}

/** The hard RLIMIT_NOFILE of this process (what a container may be given), or 1024 if unknown. */
export function hostNofileLimit(): number {
  try {
    const line = Deno.readTextFileSync("/proc/self/limits").split("\n").find((l) =>
      l.startsWith("Max open files")
    );
    const hard = Number(line?.trim().split(/\s+/)[4]);
    return Number.isFinite(hard) && hard > 0 ? hard : 1024;
  } catch {
    return 1024;
  }
}
