/**
 * The effects a collection has on the world besides what adapters and benchmarks do: files, the
 * clock, processes and the `/proc` readings of the host's load. The run loop, its session and its step runner receive them, so tests can
 * pass a clock they move by hand or files in a temporary directory; the defaults are the real ones.
 *
 * @module
 */
import { writeFileAtomic } from "../model/write_result_set.ts";
import { type ProcessEffects, REAL_PROCESS_EFFECTS } from "./process.ts";
import { type ProcFs, REAL_PROC_FS } from "./host_noise.ts";
import { openTimerServer } from "./timer_server.ts";

/** An open file as the samples log and the run lock use it (a `Deno.FsFile` is one). */
export interface OpenFile {
  write(bytes: Uint8Array): Promise<number>;
  sync(): Promise<void>;
  truncate(length?: number): Promise<void>;
  seek(offset: number, whence: Deno.SeekMode): Promise<number>;
  /** Takes an exclusive advisory lock without waiting; false when another holder has it. */
  tryLock(exclusive?: boolean): Promise<boolean>;
  /** Identity of the open file (device and inode), to compare with {@link RunFileSystem.stat}. */
  stat(): Promise<{ dev: number; ino: number | null }>;
  close(): void;
}

/** The file operations of a collection. */
export interface RunFileSystem {
  open(path: string, options: Deno.OpenOptions): Promise<OpenFile>;
  readTextFile(path: string): Promise<string>;
  /** Creates a directory and its parents; no error when it exists. */
  mkdir(path: string): Promise<void>;
  /** Removes a file or a directory tree; no error when it is missing. */
  remove(path: string): Promise<void>;
  /** Identity of the file at `path` (device and inode); raises NotFound when it is missing. */
  stat(path: string): Promise<{ dev: number; ino: number | null }>;
  /** Writes a file so that a crash never leaves half of it (temporary file, fsync, rename). */
  writeFileAtomic(path: string, text: string): Promise<void>;
}

/** Time as a collection sees it. */
export interface Clock {
  /** Monotonic time in milliseconds (wall times of steps). */
  now(): number;
  /** Calendar time (timestamps of samples and of the run). */
  date(): Date;
  /** Calls `fn` after `ms` milliseconds; the returned function cancels it. */
  timer(ms: number, fn: () => void): () => void;
}

/** Everything a collection does to the world outside adapters and benchmarks. */
export interface RunEffects {
  fs: RunFileSystem;
  clock: Clock;
  process: ProcessEffects;
  /** `/proc` as the host-noise watch reads it (collect/host_noise.ts). */
  procfs: ProcFs;
  /**
   * Opens the persistent step timer for the collection (collect/timer_server.ts); resolves to
   * the function that closes it.
   */
  openStepTimer(): Promise<() => Promise<void>>;
  /** This process's id, written into the run lock. */
  pid: number;
}

/** The real file system. */
export const REAL_FILE_SYSTEM: RunFileSystem = {
  open: (path, options) => Deno.open(path, options),
  readTextFile: (path) => Deno.readTextFile(path),
  mkdir: (path) => Deno.mkdir(path, { recursive: true }),
  remove: async (path) => {
    try {
      await Deno.remove(path, { recursive: true });
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  },
  stat: (path) => Deno.stat(path),
  writeFileAtomic: (path, text) => writeFileAtomic(path, text),
};

/** The real clocks: `performance.now`, `new Date()` and `setTimeout`. */
export const REAL_CLOCK: Clock = {
  now: () => performance.now(),
  date: () => new Date(),
  timer: (ms, fn) => {
    const id = setTimeout(fn, ms);
    return () => clearTimeout(id);
  },
};

/** The real effects. */
export const REAL_RUN_EFFECTS: RunEffects = {
  fs: REAL_FILE_SYSTEM,
  clock: REAL_CLOCK,
  process: REAL_PROCESS_EFFECTS,
  procfs: REAL_PROC_FS,
  openStepTimer: openTimerServer,
  pid: Deno.pid,
};
