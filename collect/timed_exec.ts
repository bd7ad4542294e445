/**
 * The precise step timer: `collect/host_c/timed_exec.c`, compiled on the host on first use and
 * cached by the hash of its source. While a collection runs, it serves as a persistent timer
 * (collect/timer_server.ts); otherwise the process runner wraps a step's argv in it, one launcher
 * per command. Either way the step's wall time is measured by a small C launcher (posix_spawn →
 * waitpid, CLOCK_MONOTONIC) rather than around the Deno runtime's own, much costlier, process
 * start.
 *
 * @module
 */
import { cacheDir } from "./host_fs.ts";

/** Where the timer's C source lives. */
export const TIMED_EXEC_SOURCE = new URL("./host_c/timed_exec.c", import.meta.url).pathname;

/** What the timer wrote for one run. */
export type TimedExecResult =
  | { kind: "exited"; wallMs: number; exitCode: number | null; signal?: Deno.Signal }
  | { kind: "spawn-error"; errno: number };

const SIGNAL_NAMES: Record<number, Deno.Signal> = {
  1: "SIGHUP",
  2: "SIGINT",
  3: "SIGQUIT",
  4: "SIGILL",
  6: "SIGABRT",
  7: "SIGBUS",
  8: "SIGFPE",
  9: "SIGKILL",
  11: "SIGSEGV",
  13: "SIGPIPE",
  14: "SIGALRM",
  15: "SIGTERM",
};

/** The name of signal number `n` (SIGKILL for one not listed). */
export function signalName(n: number): Deno.Signal {
  return SIGNAL_NAMES[n] ?? "SIGKILL";
}

/** Parses the timer's result line (see timed_exec.c); SyntaxError when it is not one. */
export function parseTimedExecResult(text: string): TimedExecResult {
  const line = text.trim();
  const spawnError = /^spawn-error (\d+)$/.exec(line);
  if (spawnError) return { kind: "spawn-error", errno: Number(spawnError[1]) };
  const m = /^(\d+) (-?\d+) (\d+)$/.exec(line);
  if (!m) throw new SyntaxError(`timed_exec wrote an unexpected result: ${JSON.stringify(line)}`);
  const signal = Number(m[3]);
  return {
    kind: "exited",
    wallMs: Number(m[1]) / 1e6,
    exitCode: signal ? null : Number(m[2]),
    ...(signal ? { signal: signalName(signal) } : {}),
  };
}

let cached: { path: string } | { missing: string } | undefined;

async function sourceHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].slice(0, 8).map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/**
 * The path of the compiled timer, compiling it with `gcc -O2` into the cache directory on first
 * use; undefined (with the reason in `timerUnavailableReason()`) when it cannot be built, in
 * which case the runner times steps itself.
 */
export async function timedExecBinary(): Promise<string | undefined> {
  if (cached) return "path" in cached ? cached.path : undefined;
  await removeStaleTimingFiles();
  try {
    const source = await Deno.readTextFile(TIMED_EXEC_SOURCE);
    const dir = `${cacheDir()}/bin`;
    const path = `${dir}/timed_exec-${await sourceHash(source)}`;
    try {
      await Deno.stat(path);
    } catch {
      await Deno.mkdir(dir, { recursive: true });
      const temp = `${path}.${Deno.pid}.tmp`;
      const out = await new Deno.Command("gcc", {
        args: ["-O2", "-o", temp, TIMED_EXEC_SOURCE],
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (out.code !== 0) {
        throw new Error(`gcc failed: ${new TextDecoder().decode(out.stderr).trim()}`);
      }
      await Deno.rename(temp, path);
    }
    cached = { path };
    return path;
  } catch (error) {
    cached = { missing: (error as Error).message };
    return undefined;
  }
}

/**
 * Removes timing files (`ocibench-timing-<pid>-*` in the temp directory) of processes that are
 * gone: a runner killed with SIGKILL cannot remove its own.
 */
async function removeStaleTimingFiles(): Promise<void> {
  const dir = Deno.env.get("TMPDIR") ?? "/tmp";
  try {
    for await (const entry of Deno.readDir(dir)) {
      const pid = /^ocibench-timing-(\d+)-/.exec(entry.name)?.[1];
      if (!pid || pid === String(Deno.pid)) continue;
      const alive = await Deno.stat(`/proc/${pid}`).then(() => true, () => false);
      if (!alive) await Deno.remove(`${dir}/${entry.name}`).catch(() => {});
    }
  } catch {
    // An unreadable temp directory only means nothing is cleaned.
  }
}

/** Why the timer is not used, or undefined when it is (after {@link timedExecBinary}). */
export function timerUnavailableReason(): string | undefined {
  return cached && "missing" in cached ? cached.missing : undefined;
}
