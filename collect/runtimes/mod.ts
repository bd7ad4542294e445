/**
 * The registry of runtime adapters: every adapter ocibench knows, lookup by id, detection of all
 * of them, and the per-run adapter context (work dir and name prefix).
 *
 * @module
 */
import type {
  AdapterContext,
  Detection,
  ImagePaths,
  RuntimeAdapter,
  RuntimePlugin,
} from "../types.ts";
import type { AdapterOptions } from "./_common.ts";
import { nativeRuntime } from "./native.ts";
import { runcRuntime } from "./runc.ts";
import { crunRuntime } from "./crun.ts";
import { runscRuntime } from "./runsc.ts";
import { podmanRuntime } from "./podman.ts";
import { dockerRuntime } from "./docker.ts";
import { containerdRuntime } from "./containerd.ts";
import { lxcRuntime } from "./lxc.ts";
import { systemdNspawnRuntime } from "./systemd_nspawn.ts";
import { bubblewrapRuntime } from "./bubblewrap.ts";
import { kataRuntime } from "./kata.ts";
import { firecrackerRuntime } from "./firecracker.ts";

export type { AdapterOptions } from "./_common.ts";
export { nativeAdapter } from "./native.ts";
export { runcAdapter } from "./runc.ts";
export { crunAdapter } from "./crun.ts";
export { runscAdapter } from "./runsc.ts";
export { podmanAdapter } from "./podman.ts";
export { dockerAdapter } from "./docker.ts";
export { containerdAdapter } from "./containerd.ts";
export { lxcAdapter } from "./lxc.ts";
export { systemdNspawnAdapter } from "./systemd_nspawn.ts";
export { bubblewrapAdapter } from "./bubblewrap.ts";
export { kataAdapter } from "./kata.ts";
export { firecrackerAdapter } from "./firecracker.ts";

/** Every runtime plugin, one line each, in the order reports list their adapters. */
export const RUNTIME_PLUGINS: readonly RuntimePlugin<AdapterOptions>[] = [
  nativeRuntime,
  runcRuntime,
  crunRuntime,
  runscRuntime,
  podmanRuntime,
  dockerRuntime,
  containerdRuntime,
  lxcRuntime,
  systemdNspawnRuntime,
  bubblewrapRuntime,
  kataRuntime,
  firecrackerRuntime,
];

/** Factories of every known adapter, by id, in the order reports list them. */
export const ADAPTER_FACTORIES: Readonly<
  Record<string, (options?: AdapterOptions) => RuntimeAdapter>
> = Object.fromEntries(RUNTIME_PLUGINS.flatMap((p) => Object.entries(p.adapters)));

/** Every known adapter id. */
export const RUNTIME_IDS: readonly string[] = Object.keys(ADAPTER_FACTORIES);

/** A fresh adapter for `id`; RangeError naming the known ids when there is none. */
export function adapterById(id: string, options: AdapterOptions = {}): RuntimeAdapter {
  const factory = ADAPTER_FACTORIES[id];
  if (!factory) {
    throw new RangeError(`unknown runtime "${id}"; known: ${RUNTIME_IDS.join(", ")}`);
  }
  return factory(options);
}

/** The plugin that offers adapter `id`, or undefined. */
export function pluginOf(id: string): RuntimePlugin<AdapterOptions> | undefined {
  return RUNTIME_PLUGINS.find((p) => id in p.adapters);
}

/**
 * A fresh adapter of the baseline: the registered runtime of isolation class `native` (a plain
 * host process), which runs the far end of a network benchmark when the runtime under test
 * cannot host it.
 */
export function baselineAdapter(options: AdapterOptions = {}): RuntimeAdapter {
  for (const id of RUNTIME_IDS) {
    const adapter = adapterById(id, options);
    if (adapter.isolation === "native") return adapter;
  }
  throw new RangeError(`no registered runtime has isolation class "native"`);
}

/** Fresh adapters for every known id (or the ids given). */
export function allAdapters(ids: readonly string[] = RUNTIME_IDS): RuntimeAdapter[] {
  return ids.map((id) => adapterById(id));
}

/** One adapter's detection. */
export interface DetectedRuntime {
  adapter: RuntimeAdapter;
  detection: Detection;
  /** How long detection took (binary, version, prepare, trial run), in milliseconds. */
  detectMs: number;
}

/**
 * Detects each adapter in turn (one after the other: trial runs and daemon starts compete for
 * the CPU otherwise). A throwing detect is reported as unusable with its message.
 */
export async function detectAll(
  adapters: RuntimeAdapter[],
  ctx: AdapterContext,
  onDetected?: (d: DetectedRuntime) => void,
): Promise<DetectedRuntime[]> {
  const out: DetectedRuntime[] = [];
  for (const adapter of adapters) {
    const t0 = performance.now();
    let detection: Detection;
    try {
      detection = await adapter.detect(ctx);
    } catch (error) {
      detection = { usable: false, reason: `detect failed: ${(error as Error).message}` };
    }
    const d = { adapter, detection, detectMs: performance.now() - t0 };
    onDetected?.(d);
    out.push(d);
  }
  return out;
}

/** Options of {@link createAdapterContext}. */
export interface CreateAdapterContextOptions {
  image: ImagePaths;
  /** Run-specific part of the prefix; random when absent. The prefix is `ocibench-<run>`. */
  run?: string;
  /** Parent of the work dir; default the system temp dir. */
  tempDir?: string;
  log?: (message: string) => void;
}

/** A new adapter context: a private work dir `ocibench-<run>-*` and the name prefix. */
export function createAdapterContext(options: CreateAdapterContextOptions): AdapterContext {
  const run = options.run ?? crypto.randomUUID().slice(0, 8);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(run)) {
    throw new TypeError(`run id "${run}" must be lower-case letters, digits and '-'`);
  }
  const namePrefix = `ocibench-${run}`;
  const workDir = Deno.makeTempDirSync({ dir: options.tempDir, prefix: `${namePrefix}-` });
  return {
    image: options.image,
    workDir,
    namePrefix,
    log: options.log ?? ((m) => console.error(m)),
  };
}

/**
 * Runs every adapter's `cleanup()`, then removes the work dir; returns the problems met (an
 * empty list when all went well).
 */
export async function cleanupAll(
  adapters: RuntimeAdapter[],
  ctx: AdapterContext,
): Promise<string[]> {
  const problems: string[] = [];
  for (const adapter of adapters) {
    try {
      await adapter.cleanup(ctx);
    } catch (error) {
      problems.push(`${adapter.id}: ${(error as Error).message}`);
    }
  }
  try {
    Deno.removeSync(ctx.workDir, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      problems.push(`cannot remove ${ctx.workDir}: ${(error as Error).message}`);
    }
  }
  return problems;
}
