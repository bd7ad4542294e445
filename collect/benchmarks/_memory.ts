/**
 * The memory a set of host processes holds, for the footprint and density benchmarks:
 * proportional set size (PSS, `/proc/<pid>/smaps_rollup`: each shared page divided among the
 * processes that map it, so sums over processes do not count shared pages twice) where the
 * kernel lets us read it, resident set size (RSS, `VmRSS` of `/proc/<pid>/status`) otherwise.
 *
 * @module
 */

/** Reads a `/proc/<pid>/...` file; returns undefined when it cannot be read. */
export type ProcReader = (path: string) => string | undefined;

/** The memory of a set of processes. */
export interface ProcessMemory {
  /** Sum of PSS in bytes, or undefined when some process's PSS could not be read. */
  pssBytes?: number;
  /** Sum of RSS in bytes (counts shared pages once per process). */
  rssBytes: number;
  /** Processes that were still there when read. */
  processes: number;
  /** Pids whose PSS was unreadable (then `pssBytes` is undefined). */
  pssUnreadable: number[];
}

/** The `Pss:` line of a smaps_rollup text, in bytes; undefined when absent. */
export function parseSmapsRollupPss(text: string): number | undefined {
  const match = text.match(/^Pss:\s+(\d+) kB$/m);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** The `VmRSS:` line of a status text, in bytes; 0 for a kernel thread (no such line). */
export function parseStatusRss(text: string): number {
  const match = text.match(/^VmRSS:\s+(\d+) kB$/m);
  return match ? Number(match[1]) * 1024 : 0;
}

function readProc(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Sums the memory of `pids` (each counted once). A process that exited meanwhile is skipped.
 * `reader` replaces the `/proc` reader in tests.
 */
export function processMemory(pids: number[], reader: ProcReader = readProc): ProcessMemory {
  let pss = 0;
  let rss = 0;
  let processes = 0;
  const pssUnreadable: number[] = [];
  for (const pid of new Set(pids)) {
    const status = reader(`/proc/${pid}/status`);
    if (status === undefined) continue;
    processes += 1;
    rss += parseStatusRss(status);
    const rollup = reader(`/proc/${pid}/smaps_rollup`);
    const value = rollup === undefined ? undefined : parseSmapsRollupPss(rollup);
    // A kernel thread has an empty rollup and no memory of its own.
    if (value !== undefined) pss += value;
    else if (rollup === undefined || parseStatusRss(status) > 0) pssUnreadable.push(pid);
  }
  return {
    pssBytes: pssUnreadable.length === 0 ? pss : undefined,
    rssBytes: rss,
    processes,
    pssUnreadable,
  };
}
