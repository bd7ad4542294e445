/**
 * Daemons ocibench may start when none runs (dockerd, containerd): started once, shared by every
 * ocibench process on the host that needs them, and stopped by the last one that leaves, so
 * ocibench stops exactly what it started and never a daemon it found running.
 *
 * State lives in {@link DAEMON_STATE_DIR}`/<name>/`: `pid` (present only when ocibench started
 * the daemon) and `users/<pid>` (one file per ocibench process using it).
 *
 * @module
 */
import type { ProcessEffects } from "../process.ts";
import { pathExists, sleep } from "./_common.ts";

/** Where daemon bookkeeping lives. */
export const DAEMON_STATE_DIR = "/run/ocibench-daemons";
/** How long a daemon may take to answer after start, in milliseconds. */
export const DAEMON_START_TIMEOUT_MS = 60_000;

/** How to start and probe one daemon. */
export interface DaemonSpec {
  /** e.g. `dockerd`. */
  name: string;
  /** The daemon's argv. */
  argv: string[];
  /** Resolves true when the daemon answers (e.g. `docker version`). */
  ready(): Promise<boolean>;
  /** Where its output goes. */
  logFile: string;
  effects: ProcessEffects;
  log?: (message: string) => void;
}

function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function dirOf(name: string): string {
  return `${DAEMON_STATE_DIR}/${name}`;
}

/** Takes a host-wide lock (a directory) for `name`; stale locks of dead holders are broken. */
async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${dirOf(name)}/lock`;
  Deno.mkdirSync(dirOf(name), { recursive: true });
  for (let i = 0;; i++) {
    try {
      Deno.mkdirSync(lock);
      Deno.writeTextFileSync(`${lock}/owner`, String(Deno.pid));
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      let owner = NaN;
      try {
        owner = Number(Deno.readTextFileSync(`${lock}/owner`));
      } catch {
        // Being written or removed.
      }
      if ((Number.isFinite(owner) && !isAlive(owner)) || i > 1200) {
        Deno.removeSync(lock, { recursive: true });
        continue;
      }
      await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    Deno.removeSync(lock, { recursive: true });
  }
}

/** What {@link ensureDaemon} did. */
export interface DaemonLease {
  /** Whether this daemon was started by ocibench (now or by another ocibench process). */
  startedByOcibench: boolean;
  /** Leaves; the last ocibench user of a daemon ocibench started stops it. Safe twice. */
  release(): Promise<void>;
}

const inProcess = new Map<string, { count: number; lease: Promise<DaemonLease> }>();

/**
 * Makes sure the daemon answers: uses a running one, or starts it (detached, output to
 * `logFile`) and waits until `ready()`. Registers this process as a user until every lease taken
 * in this process is released (several adapters share one daemon).
 */
export function ensureDaemon(spec: DaemonSpec): Promise<DaemonLease> {
  let entry = inProcess.get(spec.name);
  if (!entry) {
    entry = { count: 0, lease: hostLease(spec) };
    inProcess.set(spec.name, entry);
    entry.lease.catch(() => inProcess.delete(spec.name));
  }
  const shared = entry;
  shared.count += 1;
  let released = false;
  return shared.lease.then((lease) => ({
    startedByOcibench: lease.startedByOcibench,
    async release() {
      if (released) return;
      released = true;
      shared.count -= 1;
      if (shared.count === 0) {
        inProcess.delete(spec.name);
        await lease.release();
      }
    },
  }));
}

async function hostLease(spec: DaemonSpec): Promise<DaemonLease> {
  const dir = dirOf(spec.name);
  const userFile = `${dir}/users/${Deno.pid}`;
  const started = await withLock(spec.name, async () => {
    Deno.mkdirSync(`${dir}/users`, { recursive: true });
    Deno.writeTextFileSync(userFile, "");
    if (await spec.ready()) return pathExists(`${dir}/pid`);
    spec.log?.(`starting ${spec.name} (log: ${spec.logFile})`);
    // The daemon must outlive this process's pipes: its output goes straight to the file.
    const bg = spec.effects.start(
      ["sh", "-c", 'exec "$@" >>"$OCIBENCH_DAEMON_LOG" 2>&1', spec.name, ...spec.argv],
      { env: { OCIBENCH_DAEMON_LOG: spec.logFile } },
    );
    const t0 = performance.now();
    while (!(await spec.ready())) {
      if (bg.exited()) {
        let tail = "";
        try {
          tail = Deno.readTextFileSync(spec.logFile).trim().split("\n").slice(-3).join(" | ");
        } catch {
          // No log.
        }
        throw new Error(`${spec.name} exited at start: ${tail || "no output"}`);
      }
      if (performance.now() - t0 > DAEMON_START_TIMEOUT_MS) {
        await bg.stop();
        throw new Error(`${spec.name} did not answer within ${DAEMON_START_TIMEOUT_MS} ms`);
      }
      await sleep(200);
    }
    bg.unref();
    Deno.writeTextFileSync(`${dir}/pid`, String(bg.pid));
    return true;
  });
  let released = false;
  return {
    startedByOcibench: started,
    async release() {
      if (released) return;
      released = true;
      await withLock(spec.name, async () => {
        try {
          Deno.removeSync(userFile);
        } catch {
          // Gone already.
        }
        const others: number[] = [];
        for (const e of Deno.readDirSync(`${dir}/users`)) {
          const pid = Number(e.name);
          if (isAlive(pid)) others.push(pid);
          else {
            // A user that died without releasing (SIGKILL): forget it.
            try {
              Deno.removeSync(`${dir}/users/${e.name}`);
            } catch {
              // Removed meanwhile.
            }
          }
        }
        if (others.length > 0 || !pathExists(`${dir}/pid`)) return;
        const pid = Number(Deno.readTextFileSync(`${dir}/pid`));
        spec.log?.(`stopping ${spec.name} (pid ${pid}), which ocibench started`);
        await stopPid(pid);
        Deno.removeSync(`${dir}/pid`);
      });
    },
  };
}

/** SIGTERM, then SIGKILL after 20 s; waits until the process is gone. */
export async function stopPid(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    Deno.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  for (let i = 0; i < 200 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) {
    try {
      Deno.kill(-pid, "SIGKILL");
    } catch {
      // Gone.
    }
    for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
  }
}
