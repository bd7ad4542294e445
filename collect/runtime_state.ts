/**
 * What a low-level OCI runtime and its helper processes may still hold for a container, found and
 * removed without knowing which runtime it is: the runtimes' state roots come in as declared by
 * their plugins (see `RuntimeStateRoot` in collect/types.ts). Used by the engine adapters after an
 * interrupted start and by collect/leftovers.ts.
 *
 * @module
 */
import type { CommandRunner, RuntimeStateRoot } from "./types.ts";
import { listDir } from "./host_fs.ts";
import { removeContainerCgroups } from "./container_cgroups.ts";

/** At most this much of a state file is read when looking for a text in it. */
const STATE_READ_LIMIT = 1 << 20;
let stateBuffer: Uint8Array | undefined;

/**
 * Whether a runtime state entry (runc and crun: a directory per container; runsc: a
 * `<id>_sandbox:<id>.state` file) mentions `text`: engine containers are named by id, and only
 * their state (which holds the spec and its annotations) says whose they are.
 */
export function stateMentions(path: string, text: string): boolean {
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

/** Processes (not this one nor its ancestors) whose command line contains `text`. */
export function processesNaming(text: string): { pid: number; cmdline: string }[] {
  const mine = ancestors();
  const found: { pid: number; cmdline: string }[] = [];
  for (const n of listDir("/proc")) {
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

/**
 * The entries of `state`'s root listed in `names` that hold container `id`'s state, as the
 * runtime declares them (`RuntimeStateRoot.entriesOf`); by default the entry named `id`.
 */
export function stateEntriesOf(
  state: RuntimeStateRoot,
  names: readonly string[],
  id: string,
): string[] {
  return state.entriesOf ? state.entriesOf(names, id) : names.filter((n) => n === id);
}

/** Whether the runtime still keeps state for container `id` (see {@link stateEntriesOf}). */
export function hasState(state: RuntimeStateRoot, id: string): boolean {
  return stateEntriesOf(state, listDir(state.root), id).length > 0;
}

/**
 * Removes what is left of container `id`'s state under `state`'s root (see
 * {@link stateEntriesOf}), for use once the runtime's `delete` ran and nothing runs under the
 * id. Returns one line per entry that could not be removed.
 */
export function removeStateEntries(state: RuntimeStateRoot, id: string): string[] {
  const stuck: string[] = [];
  for (const n of stateEntriesOf(state, listDir(state.root), id)) {
    try {
      Deno.removeSync(`${state.root}/${n}`, { recursive: true });
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        stuck.push(`cannot remove ${state.root}/${n}: ${(error as Error).message}`);
      }
    }
  }
  return stuck;
}

/** Options of {@link reclaimContainerState}. */
export interface ReclaimContainerStateOptions {
  /** The state roots to look in (the plugins' declarations). */
  stateRoots: readonly RuntimeStateRoot[];
  run: CommandRunner;
  /** How long killed processes get to go away; default 5 s. */
  waitMs?: number;
  /**
   * Where the container's cgroups may be, below each hierarchy (the plugins'
   * `containerCgroupPaths`); none removed when absent.
   */
  cgroupPaths?: string[];
  /** The cgroup file systems' root; default `/sys/fs/cgroup`. */
  cgroupRoot?: string;
}

/**
 * After an engine dropped a container whose start was interrupted, what its low-level runtime
 * may still hold: the runtime's state for the container id (deleted with `<binary> --root R
 * delete --force ID`) and processes whose command line carries the id (conmon, a sandbox and
 * its helpers), killed; then whatever state entries of the id the delete left (see
 * {@link stateEntriesOf}) and the container's cgroups (`cgroupPaths`), removed. Does nothing
 * when nothing is there. Returns what could not be removed.
 */
export async function reclaimContainerState(
  id: string,
  options: ReclaimContainerStateOptions,
): Promise<string[]> {
  if (!/^[0-9a-f]{64}$/.test(id)) throw new TypeError(`not an engine container id: "${id}"`);
  const run = options.run;
  const stateOf = () =>
    options.stateRoots.filter((s) => stateEntriesOf(s, listDir(s.root), id).length > 0);
  const deleteState = async () => {
    const problems: string[] = [];
    for (const { binary, root } of stateOf()) {
      const r = await run([binary, "--root", root, "delete", "--force", id], {
        timeoutMs: 60_000,
      });
      if (r.exitCode !== 0) problems.push(`${binary} delete ${id}: ${r.stderr.trim()}`);
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
    // What the runtime's delete leaves, whether it failed or not (a runtime killed mid-create
    // leaves entries its delete cannot load, or a lone lock it does not look at), and the
    // cgroups it made before it was killed: nothing runs under the id any more, so they go.
    const stuck = options.stateRoots.flatMap((s) => removeStateEntries(s, id));
    if (options.cgroupPaths && options.cgroupPaths.length > 0) {
      try {
        await removeContainerCgroups(id, { root: options.cgroupRoot, paths: options.cgroupPaths });
      } catch (error) {
        stuck.push((error as Error).message);
      }
    }
    return stuck.length === 0 ? [] : [...problems, ...stuck];
  }
  return problems;
}
