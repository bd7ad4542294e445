/**
 * One collection per run, and one per host, at a time. A session holds two lock files for as long
 * as it runs: `<run-id>/collect.lock` (see model/run_layout.ts), and the host's lock
 * ({@link defaultHostLockPath}), so that two collections never measure on one machine at once and
 * spoil each other's values. Each is an exclusive advisory lock (flock) on the file, which the
 * kernel releases when the holding process ends however it ends, and in the file the holder's pid
 * and run id, so a second session can say who holds it. A lock file whose lock is free but which
 * still names a pid was left by a session that died without releasing it (SIGKILL, a second
 * Ctrl-C): it is taken over, with a note naming that pid.
 *
 * @module
 */
import { z } from "zod";
import type { RunLayout } from "../model/run_layout.ts";
import type { OpenFile, RunFileSystem } from "./run_effects.ts";

/** What the lock file holds. */
const LockContentSchema = z.object({
  pid: z.number().int().positive(),
  runId: z.string(),
  since: z.string(),
});
type LockContent = z.infer<typeof LockContentSchema>;

/** Raised when another session holds the run's lock. */
export class RunLockedError extends Error {
  /** The pid of the holder, when its lock file names one. */
  readonly pid?: number;
  constructor(layout: RunLayout, holder: LockContent | undefined) {
    const who = holder
      ? `pid ${holder.pid} (collecting since ${holder.since})`
      : "another process (its lock file names no pid yet)";
    super(
      `Run "${layout.runId}" is being collected by ${who}: one collection per run at a time ` +
        `(lock ${layout.lock}). Wait for it to end, or stop it first.`,
    );
    this.name = "RunLockedError";
    if (holder) this.pid = holder.pid;
  }
}

/** Raised when another collection holds the host's lock. */
export class HostLockedError extends Error {
  /** The pid of the holder, when its lock file names one. */
  readonly pid?: number;
  /** The run the holder collects, when its lock file names one. */
  readonly runId?: string;
  constructor(path: string, holder: LockContent | undefined) {
    const who = holder
      ? `run "${holder.runId}" (pid ${holder.pid}, collecting since ${holder.since})`
      : "another process (its lock file names no run yet)";
    super(
      `Another collection is running on this host: ${who}. One collection per host at a time, ` +
        `so that neither disturbs the other's measurements (lock ${path}). Wait for it to end, ` +
        "or stop it first.",
    );
    this.name = "HostLockedError";
    if (holder) {
      this.pid = holder.pid;
      this.runId = holder.runId;
    }
  }
}

/** A lock held by this process. */
export interface RunLock {
  /** The lock this one took over (its holder died without releasing it), if any. */
  tookOver?: { pid: number; runId: string; since: string };
  /** Removes the lock file and releases the lock; safe to call twice. */
  release(): Promise<void>;
}

/** Options of {@link acquireRunLock}. */
export interface AcquireRunLockOptions {
  fs: RunFileSystem;
  /** Written into the lock file. */
  pid: number;
  /** When the lock is taken (ISO time), written into the lock file. */
  since: string;
}

function parseLockContent(text: string): LockContent | undefined {
  try {
    const parsed = LockContentSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function readLockContent(fs: RunFileSystem, path: string): Promise<LockContent | undefined> {
  return parseLockContent(await fs.readTextFile(path).catch(() => ""));
}

/**
 * Takes the lock of a run whose directory exists. Raises {@link RunLockedError} at once, naming
 * the holder's pid, when another session holds it (in this process or another).
 */
export function acquireRunLock(
  layout: RunLayout,
  options: AcquireRunLockOptions,
): Promise<RunLock> {
  return acquireLockFile(layout.lock, {
    ...options,
    runId: layout.runId,
    refuse: (holder) => new RunLockedError(layout, holder),
  });
}

/** Where the host's collection lock lives: `/run/ocibench/` for root, the temp directory otherwise. */
export function defaultHostLockPath(): string {
  const fromEnv = Deno.env.get("OCIBENCH_HOST_LOCK");
  if (fromEnv) return fromEnv;
  return Deno.uid() === 0
    ? "/run/ocibench/collect.lock"
    : `${Deno.env.get("TMPDIR") ?? "/tmp"}/ocibench-collect-${Deno.uid()}.lock`;
}

/** Options of {@link acquireHostLock}. */
export interface AcquireHostLockOptions extends AcquireRunLockOptions {
  /** The run this session collects, written into the lock file. */
  runId: string;
}

/**
 * Takes the host's lock at `path` (its directory is made when missing). Raises
 * {@link HostLockedError} at once, naming the other run's id and pid, when another collection
 * holds it.
 */
export async function acquireHostLock(
  path: string,
  options: AcquireHostLockOptions,
): Promise<RunLock> {
  await options.fs.mkdir(path.slice(0, path.lastIndexOf("/")) || "/");
  return acquireLockFile(path, {
    ...options,
    refuse: (holder) => new HostLockedError(path, holder),
  });
}

async function acquireLockFile(
  path: string,
  options: AcquireHostLockOptions & { refuse: (holder: LockContent | undefined) => Error },
): Promise<RunLock> {
  const { fs } = options;
  // A holder that releases removes the file; whoever opened it just before may lock the removed
  // file. Locking is therefore checked against the file now at the path, and retried.
  for (let attempt = 0; attempt < 5; attempt++) {
    const file = await fs.open(path, { read: true, write: true, create: true });
    let locked = false;
    try {
      locked = await file.tryLock(true);
      if (!locked) throw options.refuse(await readLockContent(fs, path));
      const [held, atPath] = await Promise.all([
        file.stat(),
        fs.stat(path).catch(() => undefined),
      ]);
      if (!atPath || held.dev !== atPath.dev || held.ino !== atPath.ino) {
        file.close();
        continue;
      }
    } catch (error) {
      file.close();
      throw error;
    }
    const previous = await readLockContent(fs, path);
    const content: LockContent = { pid: options.pid, runId: options.runId, since: options.since };
    await writeAll(file, JSON.stringify(content) + "\n");
    return heldLock(fs, path, file, previous);
  }
  throw options.refuse(await readLockContent(fs, path));
}

async function writeAll(file: OpenFile, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  await file.truncate(0);
  await file.seek(0, Deno.SeekMode.Start);
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
  await file.sync();
}

function heldLock(
  fs: RunFileSystem,
  path: string,
  file: OpenFile,
  previous: LockContent | undefined,
): RunLock {
  let released = false;
  return {
    ...(previous
      ? { tookOver: { pid: previous.pid, runId: previous.runId, since: previous.since } }
      : {}),
    async release() {
      if (released) return;
      released = true;
      // Removed while still locked, so nobody locks a file that is about to go.
      await fs.remove(path).catch(() => {});
      file.close();
    },
  };
}

/**
 * Fails with {@link RunLockedError} when a session holds the run's lock now; does nothing when
 * the run has no lock file or its lock is free. For a quick check before slow preparations; the
 * session still takes the lock itself.
 */
export function checkRunLock(layout: RunLayout, fs: RunFileSystem): Promise<void> {
  return checkLockFile(layout.lock, fs, (holder) => new RunLockedError(layout, holder));
}

/**
 * Fails with {@link HostLockedError} when another collection holds the host's lock at `path`
 * now; for a quick check before slow preparations, like {@link checkRunLock}.
 */
export function checkHostLock(path: string, fs: RunFileSystem): Promise<void> {
  return checkLockFile(path, fs, (holder) => new HostLockedError(path, holder));
}

async function checkLockFile(
  path: string,
  fs: RunFileSystem,
  refuse: (holder: LockContent | undefined) => Error,
): Promise<void> {
  let file: OpenFile;
  try {
    file = await fs.open(path, { read: true });
  } catch {
    return;
  }
  try {
    if (!(await file.tryLock(true))) throw refuse(await readLockContent(fs, path));
  } finally {
    file.close();
  }
}
