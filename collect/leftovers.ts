/**
 * What ocibench may leave behind, found by name: containers of every engine, runc/crun/runsc
 * state, mounts, network namespaces, veth links, temporary directories and processes whose
 * names carry a run's prefix. Tests and the run loop's final check expect an empty list.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { type ProcessEffects, REAL_PROCESS_EFFECTS } from "./process.ts";
import { DOCKER_CLI, DOCKER_SOCKET } from "./runtimes/docker.ts";
import {
  CONTAINERD_NAMESPACE,
  OCIBENCH_CONTAINERD_DIR,
  SYSTEM_CONTAINERD_SOCKET,
} from "./runtimes/containerd.ts";
import { pathExists } from "./runtimes/_common.ts";
import { engineCgroupPaths, removeContainerCgroups } from "./runtimes/_cgroup.ts";

/** One thing left behind. */
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

/** Options of {@link findLeftovers}. */
export interface FindLeftoversOptions {
  effects?: ProcessEffects;
  /** Directories searched for temp dirs; default `$TMPDIR` or `/tmp`, and `/var/tmp`. */
  tempDirs?: string[];
  /** Low-level runtimes' state roots; default {@link RUNTIME_STATE_ROOTS}. */
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
 * Runtime state roots of the low-level runtimes, ours and the engines' (podman runs them with
 * their default roots).
 */
export const RUNTIME_STATE_ROOTS: Record<string, string> = {
  runc: "/run/runc",
  crun: "/run/crun",
  runsc: "/run/runsc",
};

/** The engines' container annotation that names the container in the runtime's state. */
export const NAME_ANNOTATION = "ocibench.name";

/** At most this much of a state file is read when looking for a prefix in it. */
const STATE_READ_LIMIT = 1 << 20;
let stateBuffer: Uint8Array | undefined;

/**
 * Whether a runtime state entry (runc and crun: a directory per container; runsc: a
 * `<id>_sandbox:<id>.state` file) mentions `text`: engine containers are named by id, and only
 * their state (which holds the spec and its annotations) says whose they are.
 */
function stateMentions(path: string, text: string): boolean {
  const files = [path, `${path}/state.json`, `${path}/status`, `${path}/config.json`];
  const buffer = stateBuffer ??= new Uint8Array(STATE_READ_LIMIT);
  for (const file of files) {
    let f: Deno.FsFile | undefined;
    try {
      f = Deno.openSync(file);
      if (!f.statSync().isFile) continue;
      const n = f.readSync(buffer) ?? 0;
      if (new TextDecoder().decode(buffer.subarray(0, n)).includes(text)) return true;
    } catch {
      // Not there, or not readable: nothing to say.
    } finally {
      f?.close();
    }
  }
  return false;
}

function entries(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name);
  } catch {
    return [];
  }
}

function ancestors(): Set<number> {
  const out = new Set<number>([Deno.pid]);
  let pid = Deno.pid;
  for (let i = 0; i < 64 && pid > 1; i++) {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      out.add(pid);
    } catch {
      break;
    }
  }
  return out;
}

/**
 * Lists everything whose name starts with `prefix` (e.g. `ocibench-1a2b3c4d`) that is still
 * present on the host. Engines are asked only when they answer; a stopped dockerd's containers
 * are found in its data root.
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
  const lines = (text: string) => text.split("\n").map((l) => l.trim()).filter((l) => l !== "");

  // Engines.
  if (pathExists(DOCKER_SOCKET)) {
    const r = await run([
      DOCKER_CLI,
      "--host",
      `unix://${DOCKER_SOCKET}`,
      "ps",
      "--all",
      "--filter",
      `name=${prefix}`,
      "--format",
      "{{.Names}}",
    ], { timeoutMs: 30_000 });
    if (r.exitCode === 0) {
      for (const n of lines(r.stdout)) {
        if (n.startsWith(prefix)) found.push({ kind: "container", where: "docker", name: n });
      }
    } else {
      scanDockerDataRoot(prefix, found);
    }
  } else {
    scanDockerDataRoot(prefix, found);
  }
  if (pathExists("/usr/bin/podman")) {
    const r = await run([
      "podman",
      "ps",
      "--all",
      "--filter",
      `name=${prefix}`,
      "--format",
      "{{.Names}}",
    ], { timeoutMs: 60_000 });
    for (const n of lines(r.stdout)) {
      if (n.startsWith(prefix)) found.push({ kind: "container", where: "podman", name: n });
    }
  }
  for (const socket of [SYSTEM_CONTAINERD_SOCKET, `${OCIBENCH_CONTAINERD_DIR}/containerd.sock`]) {
    if (!pathExists(socket)) continue;
    const r = await run(
      ["ctr", "--address", socket, "--namespace", CONTAINERD_NAMESPACE, "containers", "ls", "-q"],
      { timeoutMs: 30_000 },
    );
    for (const n of lines(r.stdout)) {
      if (n.startsWith(prefix)) {
        found.push({ kind: "container", where: `containerd ${socket}`, name: n });
      }
    }
  }
  // Low-level runtimes' state: ours by name, the engines' by the name in their spec.
  for (const [runtime, root] of Object.entries(options.stateRoots ?? RUNTIME_STATE_ROOTS)) {
    for (const n of entries(root)) {
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
  for (const n of entries("/var/run/netns")) {
    if (n.startsWith(prefix)) found.push({ kind: "netns", where: "/var/run/netns", name: n });
  }
  const links = linkPrefix(prefix);
  for (const n of entries("/sys/class/net")) {
    if (n.startsWith(links) || n.startsWith(prefix)) {
      found.push({ kind: "link", where: "/sys/class/net", name: n });
    }
  }
  // Cgroups: ours for limits, and the runtimes' per-container ones named by container id.
  const cgroupParents = [
    "/sys/fs/cgroup",
    ...entries("/sys/fs/cgroup").map((h) => `/sys/fs/cgroup/${h}`),
  ];
  for (const parent of cgroupParents) {
    for (const dir of [parent, `${parent}/ocibench`]) {
      for (const n of entries(dir)) {
        if (n.startsWith(prefix)) found.push({ kind: "cgroup", where: dir, name: `${dir}/${n}` });
      }
    }
  }
  const tempDirs = options.tempDirs ?? [Deno.env.get("TMPDIR") ?? "/tmp", "/var/tmp"];
  for (const dir of tempDirs) {
    for (const n of entries(dir)) {
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
  /** Default {@link RUNTIME_STATE_ROOTS}. */
  stateRoots?: Record<string, string>;
  /** How long killed processes get to go away; default 5 s. */
  waitMs?: number;
  /** The cgroup file systems' root; default `/sys/fs/cgroup`. */
  cgroupRoot?: string;
}

/**
 * After an engine dropped a container whose start was interrupted, what its low-level runtime
 * may still hold: the runtime's state for the container id (deleted with `<runtime> --root R
 * delete --force ID`) and processes whose command line carries the id (conmon, gVisor's sandbox
 * and gofer), killed; then whatever state entries of the id the delete left (see
 * {@link stateEntriesOf}) and the container's cgroups (see {@link engineCgroupPaths}), removed.
 * Does nothing when nothing is there. Returns what could not be removed.
 */
export async function reclaimEngineContainer(
  id: string,
  options: ReclaimOptions = {},
): Promise<string[]> {
  if (!/^[0-9a-f]{64}$/.test(id)) throw new TypeError(`not an engine container id: "${id}"`);
  const run = (options.effects ?? REAL_PROCESS_EFFECTS).run;
  const roots = Object.entries(options.stateRoots ?? RUNTIME_STATE_ROOTS);
  const stateOf = () => roots.filter(([, root]) => stateEntriesOf(entries(root), id).length > 0);
  const deleteState = async () => {
    const problems: string[] = [];
    for (const [runtime, root] of stateOf()) {
      const r = await run([runtime, "--root", root, "delete", "--force", id], {
        timeoutMs: 60_000,
      });
      if (r.exitCode !== 0) problems.push(`${runtime} delete ${id}: ${r.stderr.trim()}`);
    }
    return problems;
  };
  await deleteState();
  const waitMs = options.waitMs ?? 5_000;
  const deadline = Date.now() + waitMs;
  let alive = processesNaming(id).map((p) => p.pid);
  for (const pid of alive) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    alive = processesNaming(id).map((p) => p.pid);
  }
  // A sandbox killed from outside leaves its state: delete it now that nothing holds it.
  const problems = await deleteState();
  for (const pid of alive) problems.push(`process ${pid} of ${id} did not exit`);
  if (alive.length === 0) {
    // What the runtime's delete leaves, whether it failed or not (see stateEntriesOf()), and the
    // cgroups runsc made before it was killed: nothing runs under the id any more, so they go.
    const stuck = roots.flatMap(([, root]) => removeStateEntries(root, id));
    try {
      await removeContainerCgroups(id, { root: options.cgroupRoot, paths: engineCgroupPaths(id) });
    } catch (error) {
      stuck.push((error as Error).message);
    }
    return stuck.length === 0 ? [] : [...problems, ...stuck];
  }
  return problems;
}

/**
 * The entries of a low-level runtime's state root (a listing of `names`) that hold container
 * `id`'s state: runc's and crun's directory `<id>`, and runsc's `<id>_sandbox:<sandbox>.state`
 * and `.lock`. Exact: the state of `<id>0` or of another sandbox's container is not `id`'s.
 *
 * A runtime killed mid-create leaves entries that its own `delete --force` does not remove:
 * runsc killed between taking its lock and writing its state leaves the `.lock` alone (and any
 * later `runsc state`/`delete` that lost a race with a delete creates it again), and `runsc
 * delete --force` then reports success because no `.state` names the container; killed while
 * writing, it leaves an empty `.state` it cannot load.
 *
 * @example
 * ```ts
 * stateEntriesOf(["ab_sandbox:ab.lock", "abc_sandbox:abc.state", "ab"], "ab");
 * // ["ab_sandbox:ab.lock", "ab"]
 * ```
 */
export function stateEntriesOf(names: string[], id: string): string[] {
  return names.filter((n) =>
    n === id || (n.startsWith(`${id}_sandbox:`) && /\.(state|lock)$/.test(n))
  );
}

/**
 * Removes what is left of container `id`'s state under the runtime state root `root` (see
 * {@link stateEntriesOf}), for use once the runtime's `delete` ran and nothing runs under the id.
 * Returns one line per entry that could not be removed.
 */
export function removeStateEntries(root: string, id: string): string[] {
  const stuck: string[] = [];
  for (const n of stateEntriesOf(entries(root), id)) {
    try {
      Deno.removeSync(`${root}/${n}`, { recursive: true });
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        stuck.push(`cannot remove ${root}/${n}: ${(error as Error).message}`);
      }
    }
  }
  return stuck;
}

/** Processes (not this one nor its ancestors) whose command line contains `text`. */
function processesNaming(text: string): { pid: number; cmdline: string }[] {
  const mine = ancestors();
  const found: { pid: number; cmdline: string }[] = [];
  for (const n of entries("/proc")) {
    if (!/^\d+$/.test(n) || mine.has(Number(n))) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${n}/cmdline`).replaceAll("\0", " ").trim();
      if (cmdline.includes(text)) found.push({ pid: Number(n), cmdline });
    } catch {
      // Gone.
    }
  }
  return found;
}

/** Docker containers on disk (when dockerd is not running), by their recorded name. */
function scanDockerDataRoot(prefix: string, found: Leftover[]): void {
  const root = "/var/lib/docker/containers";
  for (const id of entries(root)) {
    try {
      const config = Deno.readTextFileSync(`${root}/${id}/config.v2.json`);
      const name = /"Name":"\/([^"]+)"/.exec(config)?.[1];
      if (name?.startsWith(prefix)) {
        found.push({ kind: "container", where: "docker (stopped daemon)", name });
      }
    } catch {
      // Not a container directory.
    }
  }
}

/** One line per leftover, for messages. */
export function describeLeftovers(leftovers: Leftover[]): string {
  return leftovers.map((l) => `${l.kind} ${l.name} (${l.where})`).join("\n");
}
