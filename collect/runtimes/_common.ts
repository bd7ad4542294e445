/**
 * Helpers shared by the runtime adapters: finding binaries, reading versions, trying a `true`
 * run, naming things with the run's prefix.
 *
 * @module
 */
import type {
  AdapterContext,
  Detection,
  ProcessResult,
  RuntimeAdapter,
  RuntimeCapabilities,
  RuntimeStateRoot,
  StepSpec,
} from "../types.ts";
import type { IsolationClass } from "../../model/result_set.ts";
import { type ProcessEffects, REAL_PROCESS_EFFECTS, tailOf } from "../process.ts";

export { findExecutable, pathExists } from "../host_fs.ts";

/**
 * Capabilities of a runtime whose workload runs as host processes in namespaces of the host's
 * kernel (runc, crun, lxc, …): it joins our network namespaces, hosts servers, and O_DIRECT
 * reaches the host's file system.
 */
export const NAMESPACE_CAPABILITIES: RuntimeCapabilities = {
  hostsReachableServer: true,
  networks: ["netns", "none"],
  directIo: true,
};

/**
 * What an engine adapter needs to know of the low-level OCI runtime it drives; declared by that
 * runtime's file (runc.ts, crun.ts, runsc.ts), so an engine file names no other's traits.
 */
export interface LowLevelRuntime {
  /** Its binary, e.g. `runsc`. */
  binary: string;
  isolation: IsolationClass;
  /** Where it keeps container state with its default root (as engines run it). */
  stateRoot: RuntimeStateRoot;
  /** Its capabilities but the networks, which the engine decides. */
  capabilities: Omit<RuntimeCapabilities, "networks">;
}

/** How long a trial `true` run may take in `detect()`, in milliseconds. */
export const TRIAL_TIMEOUT_MS = 60_000;

/** Options every adapter factory accepts. */
export interface AdapterOptions {
  /** Process effects (tests may swap them). */
  effects?: ProcessEffects;
  /** Path or name of the main binary, to point an adapter at another build (or a broken one). */
  binary?: string;
}

/** The effects in effect. */
export function effectsOf(options: AdapterOptions): ProcessEffects {
  return options.effects ?? REAL_PROCESS_EFFECTS;
}

/** Runs `argv` and returns the first line matching `pattern`'s first group (or the first line). */
export async function readVersion(
  argv: string[],
  effects: ProcessEffects,
  pattern?: RegExp,
): Promise<string | undefined> {
  try {
    const r = await effects.run(argv, { timeoutMs: 15_000 });
    const text = `${r.stdout}\n${r.stderr}`.trim();
    if (r.exitCode !== 0 && text === "") return undefined;
    if (pattern) return pattern.exec(text)?.[1];
    return text.split("\n")[0]?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A step that runs `true`, for trials. */
export function trialStep(argv: string[] = ["true"]): StepSpec {
  return { argv, timeoutMs: TRIAL_TIMEOUT_MS };
}

/** Why a trial run failed, from its result; undefined when it succeeded. */
export function trialFailure(r: ProcessResult): string | undefined {
  if (r.exitCode === 0) return undefined;
  if (r.timedOut) return `a trial "true" run timed out after ${TRIAL_TIMEOUT_MS} ms`;
  const detail = tailOf((r.stderr.trim() || r.stdout.trim()).replace(/\s+/g, " "), 400);
  return `a trial "true" run failed (exit ${r.exitCode ?? r.signal}): ${detail || "no output"}`;
}

/** Tries `adapter.prepare()` then a `true` run; returns a failed Detection, or undefined if fine. */
export async function tryTrueRun(
  adapter: RuntimeAdapter,
  ctx: AdapterContext,
  fix: (reason: string) => string | undefined,
): Promise<Detection | undefined> {
  try {
    await adapter.prepare(ctx);
    const r = await adapter.run(trialStep(), ctx);
    const failure = trialFailure(r);
    if (failure) return { usable: false, reason: failure, fix: fix(failure) };
    return undefined;
  } catch (error) {
    const reason = tailOf(String((error as Error).message ?? error).replace(/\s+/g, " "), 400);
    return { usable: false, reason, fix: fix(reason) };
  }
}

let counter = 0;
/** A fresh name under the run's prefix, e.g. `ocibench-ab12-runc-3`. */
export function uniqueName(ctx: AdapterContext, kind: string): string {
  counter += 1;
  return `${ctx.namePrefix}-${kind}-${counter}`;
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `actions` one after the other, going on past failures; resolves to the failures'
 * messages (empty when all succeeded). Cleanup uses it so that one stuck container does not keep
 * the others from being removed.
 */
export async function runEachCollectingErrors(
  actions: (() => Promise<unknown>)[],
): Promise<string[]> {
  const errors: string[] = [];
  for (const action of actions) {
    try {
      await action();
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  return errors;
}
