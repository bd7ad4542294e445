/**
 * The persistent step timer: `timed_exec --serve` (collect/host_c/timed_exec.c), started once per
 * collection, takes one request per measured command and answers with its pid and, once it is
 * reaped, its wall time on CLOCK_MONOTONIC. Every command is thus spawned from a process that is
 * already warm, as hyperfine times every run from one process, rather than from a launcher that
 * has just started. The process runner (collect/process.ts) sends its commands here while a
 * server is open ({@link openTimerServer}), and falls back to a one-shot launcher otherwise.
 *
 * The command's standard streams go to files the request names (the runner reads their tails),
 * so the server never copies output.
 *
 * @module
 */
import { timedExecBinary } from "./timed_exec.ts";

/** What one request asks the server to run. */
export interface TimerRequest {
  argv: string[];
  /** Variables that override the server's environment (inherited from this process). */
  env?: Record<string, string>;
  cwd?: string;
  /** Files for the standard streams; stdin is /dev/null when absent. */
  stdinPath?: string;
  stdoutPath: string;
  stderrPath: string;
  /** Append to the output files instead of truncating them. */
  append?: boolean;
  /** Start the command in a new session and process group. */
  newSession?: boolean;
}

/** How a command run by the server ended. */
export interface TimerDone {
  /** From just before the spawn to just after the reap, in milliseconds. */
  wallMs: number;
  exitCode: number | null;
  /** The number of the signal that ended it, 0 when it exited. */
  signal: number;
  /** Its pid (now free: only its process group may still exist). */
  pid: number;
}

/** A request in flight. */
export interface TimerRun {
  /**
   * Asks the server for the command's pid (to stop it); undefined once it has ended. The server
   * says nothing while a command runs unless asked, so this process sleeps meanwhile.
   */
  pid(): Promise<number | undefined>;
  /** How it ended; rejects with a {@link TimerSpawnError} when it could not start. */
  done: Promise<TimerDone>;
}

/** Raised (as the rejection of {@link TimerRun.done}) when the server could not spawn a command. */
export class TimerSpawnError extends Error {
  readonly errno: number;
  constructor(program: string, errno: number) {
    super(`Failed to spawn '${program}': errno ${errno}`);
    this.name = "TimerSpawnError";
    this.errno = errno;
  }
}

interface Pending {
  program: string;
  /** Callers of `pid()` waiting for the answer. */
  askers: ((pid: number | undefined) => void)[];
  finished: (done: TimerDone) => void;
  fail: (error: Error) => void;
}

/** One running `timed_exec --serve`. */
export class TimerServer {
  /** A directory of this server's, for the runner's output files; removed on close. */
  readonly dir: string;
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #pending = new Map<string, Pending>();
  #nextId = 0;
  #reading = false;
  #text = "";
  #dead?: Error;

  private constructor(child: Deno.ChildProcess, dir: string) {
    this.#child = child;
    this.dir = dir;
    this.#writer = child.stdin.getWriter();
    this.#reader = child.stdout.getReader();
  }

  /** Starts a server from the compiled timer `binary`. */
  static async start(binary: string): Promise<TimerServer> {
    const root = await outputRoot();
    await removeStaleOutputDirs(root);
    const dir = await Deno.makeTempDir({ dir: root, prefix: `ocibench-timer-${Deno.pid}-` });
    const child = new Deno.Command(binary, {
      args: ["--serve"],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    return new TimerServer(child, dir);
  }

  /** Sends one request; see {@link TimerRun}. */
  run(request: TimerRequest): TimerRun {
    if (request.argv.length === 0 || request.argv[0] === "") {
      throw new TypeError("TimerServer.run: argv must not be empty");
    }
    if (this.#dead) throw this.#dead;
    const id = `r${++this.#nextId}`;
    let finished!: (done: TimerDone) => void;
    let fail!: (error: Error) => void;
    const done = new Promise<TimerDone>((resolve, reject) => {
      finished = resolve;
      fail = reject;
    });
    const pending: Pending = { program: request.argv[0], askers: [], finished, fail };
    this.#pending.set(id, pending);
    const env = Object.entries(request.env ?? {}).map(([k, v]) => `${k}=${v}`);
    this.#send([
      "run",
      id,
      `${request.newSession ? "s" : ""}${request.append ? "a" : ""}`,
      request.cwd ?? "",
      request.stdinPath ?? "",
      request.stdoutPath,
      request.stderrPath,
      String(env.length),
      ...env,
      String(request.argv.length),
      ...request.argv,
    ]);
    this.#readAnswers();
    return {
      done,
      pid: () => {
        if (!this.#pending.has(id)) return Promise.resolve(undefined);
        const answer = new Promise<number | undefined>((resolve) => pending.askers.push(resolve));
        this.#send(["pid", id]);
        return answer;
      },
    };
  }

  #send(fields: string[]): void {
    for (const f of fields) {
      if (f.includes("\0")) {
        throw new TypeError(`a NUL byte in a command field: ${JSON.stringify(f)}`);
      }
    }
    this.#writer.write(new TextEncoder().encode(fields.map((f) => `${f}\0`).join(""))).catch(
      (error) => this.#die(new Error(`the step timer stopped taking requests: ${error.message}`)),
    );
  }

  /** Reads answers while requests are in flight, so an idle server holds no pending read. */
  async #readAnswers(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      const decoder = new TextDecoder();
      while (this.#pending.size > 0) {
        const { value, done } = await this.#reader.read();
        if (done) {
          this.#die(new Error("the step timer exited"));
          return;
        }
        this.#text += decoder.decode(value, { stream: true });
        let newline: number;
        while ((newline = this.#text.indexOf("\n")) >= 0) {
          this.#answer(this.#text.slice(0, newline));
          this.#text = this.#text.slice(newline + 1);
        }
      }
    } catch (error) {
      this.#die(error as Error);
    } finally {
      this.#reading = false;
    }
  }

  #answer(line: string): void {
    const [kind, id, ...rest] = line.split(" ");
    const pending = this.#pending.get(id);
    if (!pending) return;
    if (kind === "started") {
      for (const ask of pending.askers.splice(0)) ask(Number(rest[0]));
      return;
    }
    this.#pending.delete(id);
    for (const ask of pending.askers.splice(0)) ask(undefined);
    if (kind === "done") {
      const [ns, code, signal, pid] = rest.map(Number);
      pending.finished({ wallMs: ns / 1e6, exitCode: signal ? null : code, signal, pid });
    } else if (kind === "spawn-error") {
      pending.fail(new TimerSpawnError(pending.program, Number(rest[0])));
    }
  }

  #die(error: Error): void {
    this.#dead ??= error;
    for (const pending of this.#pending.values()) {
      for (const ask of pending.askers.splice(0)) ask(undefined);
      pending.fail(error);
    }
    this.#pending.clear();
  }

  /** Whether the server can take requests. */
  get alive(): boolean {
    return this.#dead === undefined;
  }

  /**
   * Ends the server: its input closes, it exits once its children are reaped (a caller closes it
   * when no command is running). Removes its output directory.
   */
  async close(): Promise<void> {
    this.#die(new Error("the step timer was closed"));
    await this.#writer.close().catch(() => {});
    await this.#reader.cancel().catch(() => {});
    await this.#child.status;
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

/** `/dev/shm` when it is a writable directory (output files then never touch a disk), else TMPDIR. */
async function outputRoot(): Promise<string> {
  try {
    const probe = await Deno.makeTempFile({ dir: "/dev/shm", prefix: "ocibench-probe-" });
    await Deno.remove(probe);
    return "/dev/shm";
  } catch {
    return Deno.env.get("TMPDIR") ?? "/tmp";
  }
}

/**
 * Removes output directories (`ocibench-timer-<pid>-*`) of processes that are gone: one killed
 * with SIGKILL cannot remove its own.
 */
async function removeStaleOutputDirs(root: string): Promise<void> {
  try {
    for await (const entry of Deno.readDir(root)) {
      const pid = /^ocibench-timer-(\d+)-/.exec(entry.name)?.[1];
      if (!pid || pid === String(Deno.pid)) continue;
      const alive = await Deno.stat(`/proc/${pid}`).then(() => true, () => false);
      if (!alive) await Deno.remove(`${root}/${entry.name}`, { recursive: true }).catch(() => {});
    }
  } catch {
    // An unreadable directory only means nothing is cleaned.
  }
}

let open: { server: TimerServer; users: number } | undefined;
let opening: Promise<void> | undefined;

/**
 * Opens the process's step timer, or counts one more user of the open one; resolves to a function
 * that releases this use (the server ends with its last user). When the timer cannot be built
 * (no gcc), nothing is opened and commands fall back to a one-shot launcher.
 */
export async function openTimerServer(): Promise<() => Promise<void>> {
  while (opening) await opening;
  if (!open || !open.server.alive) {
    let release = () => {};
    opening = new Promise((resolve) => (release = resolve));
    try {
      const binary = await timedExecBinary();
      if (!binary) return () => Promise.resolve();
      open = { server: await TimerServer.start(binary), users: 0 };
    } finally {
      opening = undefined;
      release();
    }
  }
  const held = open;
  held.users++;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    held.users--;
    if (held.users === 0) {
      if (open === held) open = undefined;
      await held.server.close();
    }
  };
}

/** The open step timer, when one is open and alive. */
export function currentTimerServer(): TimerServer | undefined {
  return open?.server.alive ? open.server : undefined;
}
