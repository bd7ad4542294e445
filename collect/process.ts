/**
 * The one process runner of ocibench: spawns an argv array (never a shell string) in its own
 * process group, captures bounded tails of stdout and stderr, measures monotonic wall time, and
 * kills the whole process tree on timeout or abort.
 *
 * Effects are passed in: code that runs processes takes a {@link ProcessEffects} so that tests can
 * swap the real runner for one that replays recorded outputs.
 *
 * @module
 */
import type { ProcessResult } from "./types.ts";
import { parseTimedExecResult, signalName, timedExecBinary } from "./timed_exec.ts";
import { currentTimerServer, TimerServer, TimerSpawnError } from "./timer_server.ts";

/** Default cap on the captured stdout tail, in bytes (fio/iperf3 JSON fits easily). */
export const DEFAULT_STDOUT_LIMIT_BYTES = 8 * 1024 * 1024;
/** Default cap on the captured stderr tail, in bytes. */
export const DEFAULT_STDERR_LIMIT_BYTES = 256 * 1024;
/** How long a process group gets between SIGTERM and SIGKILL when stopped, in milliseconds. */
export const KILL_GRACE_MS = 2000;

/** Options of {@link runProcess} and {@link startBackground}. */
export interface RunProcessOptions {
  /** Kill the process tree after this long, in milliseconds. No timeout when absent. */
  timeoutMs?: number;
  /** Aborting kills the process tree. */
  signal?: AbortSignal;
  /** Extra environment variables (the parent's environment is inherited). */
  env?: Record<string, string>;
  cwd?: string;
  /** Text written to the process's stdin, which is then closed. Stdin is empty when absent. */
  stdin?: string;
  /** Keep at most this many trailing bytes of stdout (default {@link DEFAULT_STDOUT_LIMIT_BYTES}). */
  stdoutLimitBytes?: number;
  /** Keep at most this many trailing bytes of stderr (default {@link DEFAULT_STDERR_LIMIT_BYTES}). */
  stderrLimitBytes?: number;
  /**
   * Time the process with the C step timer instead of around Deno's own spawn: through the
   * persistent timer while one is open (collect/timer_server.ts), else a one-shot launcher
   * (collect/timed_exec.ts); default true for {@link runProcess} when the timer can be built.
   * Ignored by {@link startBackground}.
   */
  preciseTiming?: boolean;
  /**
   * Send stdout/stderr to these files instead of capturing them (the result's stdout/stderr are
   * then empty). Used for daemons that outlive a step.
   */
  logFile?: string;
  /**
   * Start it in a new session and process group, so a timeout also reaches processes that left
   * the tree (double-forked daemons). Default false for {@link runProcess}: Deno can then spawn
   * without a fork of its own (large) process, which costs ~10 ms and would distort start-up
   * measurements; the tree is still killed through `/proc`. Default true for
   * {@link startBackground}.
   */
  newProcessGroup?: boolean;
}

/** A process started by {@link startBackground}. */
export interface BackgroundProcess {
  pid: number;
  /** Resolves when the process exits (or is killed). */
  result: Promise<ProcessResult>;
  /** Whether it has exited. */
  exited(): boolean;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves to its result. Safe twice. */
  stop(graceMs?: number): Promise<ProcessResult>;
  /** Lets this process exit while the background one still runs (daemons shared across runs). */
  unref(): void;
}

/** Runs an argv array to completion. */
export type ProcessRunner = (argv: string[], options?: RunProcessOptions) => Promise<ProcessResult>;
/** Starts an argv array in the background. */
export type BackgroundStarter = (argv: string[], options?: RunProcessOptions) => BackgroundProcess;

/** The process effects code in `collect/` receives; tests may pass their own. */
export interface ProcessEffects {
  run: ProcessRunner;
  start: BackgroundStarter;
}

/** A bounded byte sink that keeps the last `limit` bytes. */
class Tail {
  #chunks: Uint8Array[] = [];
  #size = 0;
  #limit: number;
  #dropped = false;
  constructor(limit: number) {
    this.#limit = limit;
  }
  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.#limit && this.#chunks.length > 0) {
      const first = this.#chunks[0];
      const excess = this.#size - this.#limit;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
      } else {
        this.#chunks[0] = first.subarray(excess);
        this.#size -= excess;
      }
      this.#dropped = true;
    }
  }
  text(): string {
    const all = new Uint8Array(this.#size);
    let at = 0;
    for (const c of this.#chunks) {
      all.set(c, at);
      at += c.length;
    }
    const text = new TextDecoder().decode(all);
    // A cut may land inside a multi-byte character or line: say so rather than hide it.
    return this.#dropped ? `[… earlier output dropped]\n${text}` : text;
  }
}

async function drain(stream: ReadableStream<Uint8Array> | null, tail: Tail): Promise<void> {
  if (!stream) return;
  for await (const chunk of stream) tail.push(chunk);
}

/** Pids of every descendant of `root` (children first found by scanning `/proc/<pid>/stat`). */
export function descendantPids(root: number): number[] {
  const parentOf = new Map<number, number>();
  try {
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      try {
        const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        parentOf.set(Number(entry.name), Number(fields[1]));
      } catch {
        // The process exited while we looked.
      }
    }
  } catch {
    return [];
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const [child, parent] of parentOf) {
      if (parent === pid && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function signalTree(pid: number, signal: Deno.Signal, group: boolean): void {
  // Descendants too: some (e.g. daemons' children) left the process group with setsid. They are
  // listed before anything is signalled, and the root goes first, so that it dies of the signal
  // rather than exiting on its own when it sees a child killed.
  const all = [pid, ...descendantPids(pid)];
  if (group) {
    try {
      Deno.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  }
  for (const p of all) {
    try {
      Deno.kill(p, signal);
    } catch {
      // Exited already.
    }
  }
}

function spawn(argv: string[], options: RunProcessOptions): {
  child: Deno.ChildProcess;
  result: Promise<ProcessResult>;
  kill: (signal: Deno.Signal) => void;
  exited: () => boolean;
  markTimedOut: () => void;
} {
  if (argv.length === 0 || argv[0] === "") {
    throw new TypeError("runProcess: argv must not be empty");
  }
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  let log: Deno.FsFile | undefined;
  if (options.logFile) {
    log = Deno.openSync(options.logFile, { create: true, append: true, write: true });
  }
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    env: options.env,
    cwd: options.cwd,
    stdin: options.stdin !== undefined ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    detached: options.newProcessGroup ?? false,
  }).spawn();
  let done = false;
  let timedOut = false;
  const outTail = new Tail(options.stdoutLimitBytes ?? DEFAULT_STDOUT_LIMIT_BYTES);
  const errTail = new Tail(options.stderrLimitBytes ?? DEFAULT_STDERR_LIMIT_BYTES);
  let drains: Promise<unknown>;
  if (log) {
    const file = log;
    const copy = async (s: ReadableStream<Uint8Array>) => {
      for await (const chunk of s) {
        try {
          file.writeSync(chunk);
        } catch {
          // The log file vanished with the work dir; keep draining so the process never blocks.
        }
      }
    };
    drains = Promise.all([copy(child.stdout), copy(child.stderr)]);
  } else {
    drains = Promise.all([drain(child.stdout, outTail), drain(child.stderr, errTail)]);
  }
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    writer.write(new TextEncoder().encode(options.stdin)).then(() => writer.close()).catch(
      () => {},
    );
  }
  const result = (async (): Promise<ProcessResult> => {
    const status = await child.status;
    const wallMs = performance.now() - t0;
    const finishedAt = new Date().toISOString();
    done = true;
    // Grandchildren may hold the pipes open; do not wait for them forever.
    let grace: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([drains, new Promise((r) => grace = setTimeout(r, 1000))]);
    clearTimeout(grace);
    log?.close();
    return {
      exitCode: status.signal ? null : status.code,
      ...(status.signal ? { signal: status.signal } : {}),
      stdout: outTail.text(),
      stderr: errTail.text(),
      timedOut,
      wallMs,
      startedAt,
      finishedAt,
    };
  })();
  return {
    child,
    result,
    kill: (signal) => signalTree(child.pid, signal, options.newProcessGroup ?? false),
    exited: () => done,
    markTimedOut: () => {
      timedOut = true;
    },
  };
}

/**
 * Runs `argv` to completion and resolves to its {@link ProcessResult}; never rejects for a non-zero
 * exit, a timeout or an abort (those are in the result). Rejects only when the binary cannot be
 * spawned at all (e.g. `NotFound`, `PermissionDenied`).
 *
 * @example
 * ```ts
 * const r = await runProcess(["true"], { timeoutMs: 5000 });
 * console.log(r.exitCode, r.wallMs);
 * ```
 */
export async function runProcess(
  argv: string[],
  options: RunProcessOptions = {},
): Promise<ProcessResult> {
  if (options.signal?.aborted) {
    const now = new Date().toISOString();
    return {
      exitCode: null,
      signal: "SIGKILL",
      stdout: "",
      stderr: "aborted before start",
      timedOut: false,
      wallMs: 0,
      startedAt: now,
      finishedAt: now,
    };
  }
  const server = options.preciseTiming === false ? undefined : currentTimerServer();
  if (server) return await runThroughTimer(server, argv, options);
  const timedExec = options.preciseTiming === false ? undefined : await timedExecBinary();
  const resultFile = timedExec
    ? await Deno.makeTempFile({ prefix: `ocibench-timing-${Deno.pid}-` })
    : "";
  const p = spawn(timedExec ? [timedExec, resultFile, ...argv] : argv, options);
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (options.timeoutMs !== undefined) {
    timer = setTimeout(() => {
      p.markTimedOut();
      p.kill("SIGKILL");
    }, options.timeoutMs);
  }
  const onAbort = () => p.kill("SIGKILL");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const result = timedExec ? withPreciseTiming(await p.result, resultFile, argv) : await p.result;
    if (options.newProcessGroup) {
      // Anything of the group that is still alive once the leader exited is killed too.
      try {
        Deno.kill(-p.child.pid, "SIGKILL");
      } catch {
        // No such group any more: nothing left.
      }
    }
    return result;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    if (resultFile) await Deno.remove(resultFile).catch(() => {});
  }
}

let outputFiles = 0;

/**
 * Runs `argv` through the persistent step timer: its standard streams go to files in the
 * server's directory, whose tails become the result's stdout and stderr.
 */
async function runThroughTimer(
  server: TimerServer,
  argv: string[],
  options: RunProcessOptions,
): Promise<ProcessResult> {
  const startedAt = new Date().toISOString();
  const base = `${server.dir}/${Deno.pid}-${++outputFiles}`;
  const own = options.logFile === undefined ? [`${base}.out`, `${base}.err`] : [];
  const [stdoutPath, stderrPath] = options.logFile === undefined
    ? own
    : [options.logFile, options.logFile];
  if (options.stdin !== undefined) {
    own.push(`${base}.in`);
    await Deno.writeTextFile(`${base}.in`, options.stdin);
  }
  const group = options.newProcessGroup ?? false;
  const run = server.run({
    argv,
    env: options.env,
    cwd: options.cwd,
    ...(options.stdin !== undefined ? { stdinPath: `${base}.in` } : {}),
    stdoutPath,
    stderrPath,
    append: options.logFile !== undefined,
    newSession: group,
  });
  let timedOut = false;
  const kill = async () => {
    const pid = await run.pid();
    if (pid !== undefined) signalTree(pid, "SIGKILL", group);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (options.timeoutMs !== undefined) {
    timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
  }
  options.signal?.addEventListener("abort", kill, { once: true });
  try {
    let done;
    try {
      done = await run.done;
    } catch (error) {
      if (!(error instanceof TimerSpawnError)) throw error;
      if (error.errno === 2) throw new Deno.errors.NotFound(error.message);
      if (error.errno === 13) throw new Deno.errors.PermissionDenied(error.message);
      throw new Error(error.message);
    }
    if (group) {
      // Anything of the group that is still alive once the leader exited is killed too.
      try {
        Deno.kill(-done.pid, "SIGKILL");
      } catch {
        // No such group any more: nothing left.
      }
    }
    const limits = [
      options.stdoutLimitBytes ?? DEFAULT_STDOUT_LIMIT_BYTES,
      options.stderrLimitBytes ?? DEFAULT_STDERR_LIMIT_BYTES,
    ];
    const [stdout, stderr] = options.logFile === undefined
      ? await Promise.all([readTail(stdoutPath, limits[0]), readTail(stderrPath, limits[1])])
      : ["", ""];
    return {
      exitCode: done.exitCode,
      ...(done.signal ? { signal: signalName(done.signal) } : {}),
      stdout,
      stderr,
      timedOut,
      wallMs: done.wallMs,
      startedAt,
      finishedAt: new Date().toISOString(),
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener("abort", kill);
    await Promise.all(own.map((f) => Deno.remove(f).catch(() => {})));
  }
}

/** The last `limit` bytes of a file as text, marked when earlier bytes were left out. */
async function readTail(path: string, limit: number): Promise<string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return ""; // the command never opened it (it did not start)
  }
  try {
    const { size } = await file.stat();
    const keep = Math.min(size, limit);
    if (size > keep) await file.seek(size - keep, Deno.SeekMode.Start);
    const bytes = new Uint8Array(keep);
    let at = 0;
    while (at < keep) {
      const n = await file.read(bytes.subarray(at));
      if (n === null) break;
      at += n;
    }
    const text = new TextDecoder().decode(bytes.subarray(0, at));
    return size > keep ? `[… earlier output dropped]\n${text}` : text;
  } finally {
    file.close();
  }
}

/**
 * Replaces the runner's own timing and exit status by those the step timer measured. When the
 * timer could not write its result (it was killed with the step), the runner's are kept.
 */
function withPreciseTiming(
  result: ProcessResult,
  resultFile: string,
  argv: string[],
): ProcessResult {
  let text: string;
  try {
    text = Deno.readTextFileSync(resultFile);
  } catch {
    return result;
  }
  if (text.trim() === "") return result;
  const timed = parseTimedExecResult(text);
  if (timed.kind === "spawn-error") {
    const message = `Failed to spawn '${argv[0]}': errno ${timed.errno}`;
    if (timed.errno === 2) throw new Deno.errors.NotFound(message);
    if (timed.errno === 13) throw new Deno.errors.PermissionDenied(message);
    throw new Error(message);
  }
  const { signal: _runnerSignal, ...rest } = result;
  return {
    ...rest,
    exitCode: timed.exitCode,
    ...(timed.signal ? { signal: timed.signal } : {}),
    wallMs: timed.wallMs,
  };
}

/**
 * Starts `argv` in the background in its own process group (detached from our terminal), for
 * servers, daemons and idle containers. `timeoutMs` and `signal` kill it as in {@link runProcess}.
 */
export function startBackground(
  argv: string[],
  options: RunProcessOptions = {},
): BackgroundProcess {
  const p = spawn(argv, { newProcessGroup: true, ...options });
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (options.timeoutMs !== undefined) {
    timer = setTimeout(() => {
      p.markTimedOut();
      p.kill("SIGKILL");
    }, options.timeoutMs);
  }
  const onAbort = () => p.kill("SIGKILL");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const result = p.result.finally(() => {
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  });
  return {
    pid: p.child.pid,
    result,
    exited: p.exited,
    unref: () => p.child.unref(),
    async stop(graceMs = KILL_GRACE_MS): Promise<ProcessResult> {
      if (!p.exited()) {
        p.kill("SIGTERM");
        const t = setTimeout(() => p.kill("SIGKILL"), graceMs);
        try {
          return await result;
        } finally {
          clearTimeout(t);
        }
      }
      return await result;
    },
  };
}

/** The real process effects: {@link runProcess} and {@link startBackground}. */
export const REAL_PROCESS_EFFECTS: ProcessEffects = { run: runProcess, start: startBackground };

/** The last `maxChars` characters of `text`, for error messages. */
export function tailOf(text: string, maxChars = 2000): string {
  return text.length <= maxChars ? text : `…${text.slice(text.length - maxChars)}`;
}

/** Runs `argv` and resolves to trimmed stdout, or throws an Error naming the command and its stderr. */
export async function runChecked(
  argv: string[],
  options: RunProcessOptions & { runner?: ProcessRunner } = {},
): Promise<string> {
  const runner = options.runner ?? runProcess;
  const r = await runner(argv, { timeoutMs: 60_000, ...options });
  if (r.exitCode !== 0) {
    const why = r.timedOut ? "timed out" : `exited with ${r.exitCode ?? r.signal}`;
    throw new Error(`"${argv.join(" ")}" ${why}: ${tailOf(r.stderr.trim() || r.stdout.trim())}`);
  }
  return r.stdout.trim();
}
