/**
 * What ocibench may leave behind, found by name: what each runtime plugin says it may hold (an
 * engine's containers, a low-level runtime's state), mounts, network namespaces, veth links,
 * cgroups, temporary directories and processes whose names carry a run's prefix. Tests and the
 * run loop's final check expect an empty list.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { Leftover, RuntimePlugin, RuntimeStateRoot } from "./types.ts";
import { type ProcessEffects, REAL_PROCESS_EFFECTS } from "./process.ts";
import { listDir } from "./host_fs.ts";
import { processesNaming, reclaimContainerState, stateMentions } from "./runtime_state.ts";
import { RUNTIME_PLUGINS } from "./runtimes/mod.ts";

export type { Leftover } from "./types.ts";

/** Options of {@link findLeftovers}. */
export interface FindLeftoversOptions {
  effects?: ProcessEffects;
  /** Directories searched for temp dirs; default `$TMPDIR` or `/tmp`, and `/var/tmp`. */
  tempDirs?: string[];
  /** The runtime plugins asked; default the registry's. */
  plugins?: readonly RuntimePlugin[];
  /**
   * Low-level runtimes' state roots (binary → root); default those `plugins` declare
   * ({@link RUNTIME_STATE_ROOTS} for the registry's).
   */
  stateRoots?: Record<string, string>;
}

/**
 * The prefix of interface names for a run: `ob` plus 6 hex digits of the run's prefix, since a
 * Linux interface name holds at most 15 characters (`ocibench-<run>` is longer). Veths named
 * `<linkPrefix>a`, `<linkPrefix>b`, … are found by {@link findLeftovers}.
 */
export function linkPrefix(prefix: string): string {
  return `ob${createHash("sha256").update(prefix).digest("hex").slice(0, 6)}`;
}

/**
 * The state roots of the low-level runtimes (binary → root), as their plugins declare them: ours
 * and the engines' (which run them with their default roots).
 */
export const RUNTIME_STATE_ROOTS: Readonly<Record<string, string>> = declaredStateRoots(
  RUNTIME_PLUGINS,
);

/** The state roots (binary → root) that `plugins` declare. */
export function declaredStateRoots(
  plugins: readonly RuntimePlugin[],
): Readonly<Record<string, string>> {
  return Object.fromEntries(
    plugins.flatMap((p) => p.stateRoots ?? []).map((s) => [s.binary, s.root]),
  );
}

/**
 * State roots given as binary → root, each with the entries its runtime's plugin declares for
 * that binary (see `RuntimeStateRoot.entriesOf`).
 */
function stateRootList(roots: Readonly<Record<string, string>>): RuntimeStateRoot[] {
  const declared = RUNTIME_PLUGINS.flatMap((p) => p.stateRoots ?? []);
  return Object.entries(roots).map(([binary, root]) => ({
    binary,
    root,
    entriesOf: declared.find((d) => d.binary === binary)?.entriesOf,
  }));
}

/**
 * Lists everything whose name starts with `prefix` (e.g. `ocibench-1a2b3c4d`) that is still
 * present on the host. Each runtime plugin lists what it knows of (an engine is asked only when
 * it answers); the rest is found in the file system and `/proc`.
 */
export async function findLeftovers(
  prefix: string,
  options: FindLeftoversOptions = {},
): Promise<Leftover[]> {
  if (!prefix.startsWith("ocibench-") || prefix.length < 12) {
    throw new TypeError(`findLeftovers: prefix "${prefix}" must be "ocibench-<run>"`);
  }
  const run = (options.effects ?? REAL_PROCESS_EFFECTS).run;
  const found: Leftover[] = [];

  // What the plugins know of: engines' containers.
  const plugins = options.plugins ?? RUNTIME_PLUGINS;
  for (const plugin of plugins) {
    if (plugin.findLeftovers) found.push(...await plugin.findLeftovers(prefix, run));
  }
  // Low-level runtimes' state: ours by name, the engines' by the name in their spec.
  const stateRoots = options.stateRoots ??
    (options.plugins ? declaredStateRoots(plugins) : RUNTIME_STATE_ROOTS);
  for (const [runtime, root] of Object.entries(stateRoots)) {
    for (const n of listDir(root)) {
      if (n.startsWith(prefix) || stateMentions(`${root}/${n}`, prefix)) {
        found.push({ kind: "runtime-state", where: runtime, name: n });
      }
    }
  }
  // Mounts: by source or mount point.
  try {
    for (const line of Deno.readTextFileSync("/proc/self/mountinfo").split("\n")) {
      const fields = line.split(" ");
      const dash = fields.indexOf("-");
      const point = fields[4] ?? "";
      const source = dash > 0 ? fields[dash + 2] ?? "" : "";
      if (source.startsWith(prefix) || point.includes(`/${prefix}`)) {
        found.push({ kind: "mount", where: source, name: point });
      }
    }
  } catch {
    // No /proc: nothing to check.
  }
  for (const n of listDir("/var/run/netns")) {
    if (n.startsWith(prefix)) found.push({ kind: "netns", where: "/var/run/netns", name: n });
  }
  const links = linkPrefix(prefix);
  for (const n of listDir("/sys/class/net")) {
    if (n.startsWith(links) || n.startsWith(prefix)) {
      found.push({ kind: "link", where: "/sys/class/net", name: n });
    }
  }
  // Cgroups: ours for limits, and the runtimes' per-container ones named by container id.
  const cgroupParents = [
    "/sys/fs/cgroup",
    ...listDir("/sys/fs/cgroup").map((h) => `/sys/fs/cgroup/${h}`),
  ];
  for (const parent of cgroupParents) {
    for (const dir of [parent, `${parent}/ocibench`]) {
      for (const n of listDir(dir)) {
        if (n.startsWith(prefix)) found.push({ kind: "cgroup", where: dir, name: `${dir}/${n}` });
      }
    }
  }
  const tempDirs = options.tempDirs ?? [Deno.env.get("TMPDIR") ?? "/tmp", "/var/tmp"];
  for (const dir of tempDirs) {
    for (const n of listDir(dir)) {
      if (n.startsWith(prefix)) found.push({ kind: "temp-dir", where: dir, name: `${dir}/${n}` });
    }
  }
  // Processes whose command line names something of ours (runtimes, shims, sandboxes).
  for (const { pid, cmdline } of processesNaming(prefix)) {
    found.push({ kind: "process", where: `pid ${pid}`, name: cmdline.slice(0, 200) });
  }
  return found;
}

/** Options of {@link reclaimEngineContainer}. */
export interface ReclaimOptions {
  effects?: ProcessEffects;
  /** State roots (binary → root); default {@link RUNTIME_STATE_ROOTS}. */
  stateRoots?: Record<string, string>;
  /** How long killed processes get to go away; default 5 s. */
  waitMs?: number;
  /** The cgroup file systems' root; default `/sys/fs/cgroup`. */
  cgroupRoot?: string;
}

/**
 * {@link reclaimContainerState} over every declared state root (or those given) and every
 * engine's declared cgroup paths: removes what a low-level runtime still holds for engine
 * container `id`, lone state entries (a lock file) and cgroups included. Returns what could
 * not be removed.
 */
export function reclaimEngineContainer(
  id: string,
  options: ReclaimOptions = {},
): Promise<string[]> {
  return reclaimContainerState(id, {
    stateRoots: stateRootList(options.stateRoots ?? RUNTIME_STATE_ROOTS),
    run: (options.effects ?? REAL_PROCESS_EFFECTS).run,
    waitMs: options.waitMs,
    cgroupPaths: RUNTIME_PLUGINS.flatMap((p) => p.containerCgroupPaths?.(id) ?? []),
    cgroupRoot: options.cgroupRoot,
  });
}

/** One line per leftover, for messages. */
export function describeLeftovers(leftovers: Leftover[]): string {
  return leftovers.map((l) => `${l.kind} ${l.name} (${l.where})`).join("\n");
}
