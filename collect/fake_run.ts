/**
 * Fakes for the run loop's unit tests: runtimes and benchmarks that run nothing, a clock moved by
 * hand, and a harness that runs a whole collection in a temporary directory with them — no root,
 * no image, no process.
 *
 * @module
 */
import type { HostInfo } from "../model/result_set.ts";
import type {
  BenchmarkDefinition,
  Detection,
  ImagePaths,
  MeasureContext,
  MeasuredValue,
  RuntimeAdapter,
} from "./types.ts";
import { type Clock, REAL_FILE_SYSTEM, type RunEffects } from "./run_effects.ts";
import type { ProcessEffects } from "./process.ts";
import type { ProcFs } from "./host_noise.ts";
import type { RunRecordOptions } from "./samples_log.ts";
import { type CollectionOutcome, runCollection, type RunCollectionOptions } from "./run_loop.ts";

/** A clock that moves only when told; timers fire when it passes their time. */
export class FakeClock implements Clock {
  #now = 0;
  #timers: { at: number; fn: () => void; live: boolean }[] = [];
  static readonly EPOCH_MS = Date.UTC(2026, 10, 27, 8, 0, 0);

  now(): number {
    return this.#now;
  }

  date(): Date {
    return new Date(FakeClock.EPOCH_MS + this.#now);
  }

  timer(ms: number, fn: () => void): () => void {
    const timer = { at: this.#now + ms, fn, live: true };
    this.#timers.push(timer);
    return () => (timer.live = false);
  }

  /** Moves the clock on by `ms`, firing the timers that fall due. */
  advance(ms: number): void {
    this.#now += ms;
    for (const timer of this.#timers) {
      if (timer.live && timer.at <= this.#now) {
        timer.live = false;
        timer.fn();
      }
    }
    this.#timers = this.#timers.filter((t) => t.live);
  }

  /** Timers not yet fired nor cancelled. */
  get pendingTimers(): number {
    return this.#timers.filter((t) => t.live).length;
  }
}

/** Process effects that refuse to run anything: the loop must not spawn in these tests. */
export const NO_PROCESSES: ProcessEffects = {
  run: (argv) => Promise.reject(new Error(`unexpected process: ${argv.join(" ")}`)),
  start: (argv) => {
    throw new Error(`unexpected background process: ${argv.join(" ")}`);
  },
};

/**
 * A `/proc` whose numbers a test sets: each read of `/proc/stat` adds 100 ticks of CPU time and
 * `stealPerRead` of them stolen; `/proc/loadavg` says `running` runnable threads (the reader
 * included). Pauses return at once. By default a quiet host: no steal, only the reader runnable.
 */
export class FakeProcFs implements ProcFs {
  stealPerRead = 0;
  running = 1;
  load1 = 0.25;
  #total = 0;
  #steal = 0;

  readText(path: string): string | undefined {
    if (path === "/proc/stat") {
      this.#total += 100;
      this.#steal += this.stealPerRead;
      return `cpu  ${this.#total - this.#steal} 0 0 0 0 0 0 ${this.#steal} 0 0\nintr 1\n`;
    }
    if (path === "/proc/loadavg") return `${this.load1} 0.20 0.10 ${this.running}/120 4242\n`;
    return undefined;
  }

  pause(): Promise<void> {
    return Promise.resolve();
  }
}

/** What a fake runtime went through. */
export interface FakeRuntimeCalls {
  detect: number;
  prepare: number;
  cleanup: number;
}

/** A runtime adapter that runs nothing; `detection` is what `detect()` says. */
export function fakeRuntime(
  id: string,
  detection: Detection = { usable: true, version: "1.0" },
): RuntimeAdapter & { calls: FakeRuntimeCalls } {
  const calls = { detect: 0, prepare: 0, cleanup: 0 };
  return {
    id,
    name: `fake ${id}`,
    isolation: "os-container",
    capabilities: { hostsReachableServer: true, networks: ["netns", "none"] },
    calls,
    detect() {
      calls.detect++;
      return Promise.resolve(detection);
    },
    prepare() {
      calls.prepare++;
      return Promise.resolve();
    },
    run() {
      return Promise.reject(new Error("fake runtimes run no process"));
    },
    start() {
      return Promise.reject(new Error("fake runtimes start no process"));
    },
    cleanup() {
      calls.cleanup++;
      return Promise.resolve();
    },
  };
}

/** One call of a fake benchmark: which runtime, its n-th call under it (from 0), the context. */
export interface FakeCall {
  runtime: string;
  n: number;
  ctx: MeasureContext;
}

/**
 * A benchmark of `metrics` (ids `<id>.<metric>`, unit ms, lower is better) whose measurement is
 * `measure`; every call is counted per runtime and kept in `calls`.
 */
export function fakeBenchmark(
  id: string,
  metrics: string[],
  measure: (call: FakeCall) => Promise<MeasuredValue[]> | MeasuredValue[],
): BenchmarkDefinition & { calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  return {
    info: { id, name: `fake ${id}`, category: "cpu", tool: "fake", parameters: { size: 1 } },
    tools: [],
    metrics: metrics.map((m) => ({
      id: `${id}.${m}`,
      benchmark: id,
      name: m,
      category: "cpu",
      unit: "ms",
      direction: "lower",
    })),
    calls,
    async measure(ctx) {
      const n = calls.filter((c) => c.runtime === ctx.runtime.id).length;
      const call = { runtime: ctx.runtime.id, n, ctx };
      calls.push(call);
      return await measure(call);
    },
  };
}

/** The host of every fake run. */
export const FAKE_HOST: HostInfo = {
  id: "fake-host",
  description: "a host made up for tests",
  cores: 2,
  memoryBytes: 2 ** 30,
};

/** An image that does not exist (fake benchmarks never look at it). */
export const FAKE_IMAGE: ImagePaths = {
  hash: "0000",
  rootfs: "/nonexistent/rootfs",
  rootfsTar: "/nonexistent/rootfs.tar",
  ociLayout: "/nonexistent/oci",
  ociTar: "/nonexistent/oci.tar",
  tag: "h0000",
};

/** A run record with small defaults. */
export function fakeRecord(overrides: Partial<RunRecordOptions> = {}): RunRecordOptions {
  return {
    runtimes: ["alpha", "beta"],
    explicitRuntimes: true,
    benchmarks: ["work"],
    quick: true,
    seed: 7,
    warmups: 0,
    repetitions: 2,
    stepTimeoutMs: 1000,
    ...overrides,
  };
}

/** A results directory and a temp directory for fake runs, and a way to run them. */
export interface FakeRunHarness {
  outDir: string;
  /** The host lock the runs take. */
  hostLockPath: string;
  clock: FakeClock;
  /** The `/proc` the runs read the host's load from. */
  procfs: FakeProcFs;
  effects: RunEffects;
  /** Everything the runs wrote to the progress display. */
  output: string[];
  run(
    options:
      & Pick<RunCollectionOptions, "runId" | "runtimes" | "benchmarks" | "record">
      & Partial<RunCollectionOptions>,
  ): Promise<CollectionOutcome>;
  /** Removes the directories. */
  dispose(): Promise<void>;
}

/** Makes a {@link FakeRunHarness}; `pid` is what the run lock records (default 4242). */
export async function fakeRunHarness(pid = 4242): Promise<FakeRunHarness> {
  const root = await Deno.makeTempDir({ prefix: "ocibench-test-run-loop-" });
  const outDir = `${root}/results`;
  await Deno.mkdir(`${root}/tmp`);
  const clock = new FakeClock();
  const procfs = new FakeProcFs();
  const effects: RunEffects = {
    fs: REAL_FILE_SYSTEM,
    clock,
    process: NO_PROCESSES,
    procfs,
    openStepTimer: () => Promise.resolve(() => Promise.resolve()),
    pid,
  };
  const output: string[] = [];
  return {
    outDir,
    hostLockPath: `${root}/host/collect.lock`,
    clock,
    procfs,
    effects,
    output,
    run: (options) =>
      runCollection({
        outDir,
        resume: false,
        image: FAKE_IMAGE,
        host: FAKE_HOST,
        tempDir: `${root}/tmp`,
        hostLockPath: `${root}/host/collect.lock`,
        effects,
        progress: { live: false, write: (text) => output.push(text) },
        findLeftovers: () => Promise.resolve([]),
        ...options,
      }),
    dispose: () => Deno.remove(root, { recursive: true }),
  };
}
