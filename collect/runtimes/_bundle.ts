/**
 * The base of the bundle runtimes (runc, crun, runsc): each step gets an OCI bundle under the
 * run's work dir whose root is an overlay (the image's rootfs read-only below, a writable upper
 * layer per container, as an engine's writable layer) and whose `config.json` comes from
 * {@link ociConfig}. The runtime runs it in the foreground (`<rt> run --bundle B ID`), with stdout
 * piped (runsc can lose lines written to a file). Everything is removed after the step.
 *
 * @module
 */
import type {
  AdapterContext,
  Detection,
  ProcessResult,
  RunningContainer,
  RuntimeAdapter,
  RuntimeCapabilities,
  RuntimePlatform,
  RuntimeStateRoot,
  StepSpec,
} from "../types.ts";
import type { IsolationClass } from "../../model/result_set.ts";
import { hostNofileLimit, type OciConfig, ociConfig } from "../oci_config.ts";
import { removeContainerCgroups } from "./_cgroup.ts";
import { hasState, removeStateEntries } from "../runtime_state.ts";
import { descendantPids, type ProcessEffects, tailOf } from "../process.ts";
import {
  type AdapterOptions,
  effectsOf,
  findExecutable,
  pathExists,
  runEachCollectingErrors,
  tryTrueRun,
  uniqueName,
} from "./_common.ts";

/** How long a checkpoint or a restore may take, in milliseconds. */
export const CHECKPOINT_TIMEOUT_MS = 120_000;

/** One prepared bundle. */
export interface Bundle {
  id: string;
  dir: string;
  rootfs: string;
}

/**
 * Makes `ctx.workDir/bundles/<id>/rootfs` an overlay: the image's rootfs read-only below, a
 * writable upper layer of this container's own (as an engine's writable layer).
 */
export async function createOverlayRoot(
  ctx: AdapterContext,
  id: string,
  effects: ProcessEffects,
): Promise<Bundle> {
  const dir = `${ctx.workDir}/bundles/${id}`;
  const rootfs = `${dir}/rootfs`;
  for (const d of [rootfs, `${dir}/upper`, `${dir}/work`]) Deno.mkdirSync(d, { recursive: true });
  const mount = await effects.run([
    "mount",
    "-t",
    "overlay",
    // The source names the container, so a leftover mount is recognisable by our prefix.
    id,
    "-o",
    `lowerdir=${ctx.image.rootfs},upperdir=${dir}/upper,workdir=${dir}/work`,
    rootfs,
  ], { timeoutMs: 30_000 });
  if (mount.exitCode !== 0) {
    Deno.removeSync(dir, { recursive: true });
    throw new Error(`cannot mount the overlay root of ${id}: ${mount.stderr.trim()}`);
  }
  return { id, dir, rootfs };
}

/** Creates a bundle for `step` named `id` under `ctx.workDir/bundles/`, overlay root mounted. */
export async function createBundle(
  step: StepSpec,
  ctx: AdapterContext,
  options: {
    id: string;
    effects: ProcessEffects;
    /** `host` for runsc, which keeps its own netstack out of the namespace we give it. */
    network?: "new" | "host";
    /** Changes the config before it is written (a test's variant of a runtime). */
    editConfig?: (config: OciConfig) => OciConfig;
  },
): Promise<Bundle> {
  if (step.network?.kind === "bridge") {
    throw new Error(`${options.id}: a bundle runtime has no bridge network; use a netns network`);
  }
  const { dir, rootfs } = await createOverlayRoot(ctx, options.id, options.effects);
  const network = step.network?.kind === "netns"
    ? { path: `/var/run/netns/${step.network.name}` }
    : options.network ?? "new";
  const config = ociConfig({
    argv: step.argv,
    env: step.env,
    cwd: step.cwd,
    rootfs,
    mounts: step.mounts,
    network,
    hostname: options.id.slice(0, 63),
    memoryBytes: step.limits?.memoryBytes,
    cpus: step.limits?.cpus,
    pids: step.limits?.pids,
    nofile: hostNofileLimit(),
  });
  const written = options.editConfig ? options.editConfig(config) : config;
  Deno.writeTextFileSync(`${dir}/config.json`, JSON.stringify(written, null, 2));
  return { id: options.id, dir, rootfs };
}

/** Whether `path` is a mount point (per `/proc/self/mountinfo`). */
export function isMountPoint(path: string): boolean {
  try {
    return Deno.readTextFileSync("/proc/self/mountinfo").split("\n").some((line) =>
      line.split(" ")[4] === path
    );
  } catch {
    return false;
  }
}

/** Unmounts and removes a bundle; safe to call twice. */
export async function removeBundle(bundle: Bundle, effects: ProcessEffects): Promise<void> {
  if (!pathExists(bundle.dir)) return;
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await effects.run(["umount", bundle.rootfs], { timeoutMs: 30_000 });
    if (r.exitCode === 0 || /not mounted|no mount point/.test(r.stderr)) break;
    await new Promise((res) => setTimeout(res, 100 * (attempt + 1)));
  }
  if (isMountPoint(bundle.rootfs)) {
    // Never recurse into a mounted root: that would write whiteouts through the overlay.
    throw new Error(`cannot unmount ${bundle.rootfs}; left in place (umount it by hand)`);
  }
  try {
    Deno.removeSync(bundle.dir, { recursive: true });
  } catch (error) {
    throw new Error(`cannot remove bundle ${bundle.dir}: ${(error as Error).message}`);
  }
}

/** What distinguishes one bundle runtime from another. */
export interface BundleRuntimeSpec {
  id: string;
  name: string;
  isolation: IsolationClass;
  /** Binary name (also the adapter's `lowLevelRuntime`) or path. */
  binary: string;
  /**
   * The binary to run, resolved at each use (it may be installed while the adapter lives);
   * default {@link binary}. `AdapterOptions.binary` overrides both.
   */
  resolveBinary?(): string;
  /** The execution platform, for a runtime with several. */
  platform?: RuntimePlatform;
  /** apt package that provides it. */
  aptPackage: string;
  /** Where it keeps container state, as its plugin declares it (to skip `delete` when gone). */
  stateRoot: RuntimeStateRoot;
  capabilities: RuntimeCapabilities;
  /** Global flags before the subcommand, e.g. runsc's `--platform=ptrace`. */
  globalArgs(step: StepSpec): string[];
  /** The argv prefix that runs the binary, e.g. `unshare -m …` around crun. */
  wrap?(argv: string[]): Promise<string[]>;
  /** Network setting of the bundle when the step has no netns. */
  bundleNetwork?: "new" | "host";
  /**
   * Changes each bundle's config before it is written; only test variants use it (e.g. the
   * insecure contrast case of the security tests), no registered runtime.
   */
  editConfig?: (config: OciConfig) => OciConfig;
  /** The version from `<binary> --version`, and notes on where the binary comes from. */
  version(binary: string, effects: ProcessEffects): Promise<
    { version?: string; components?: Record<string, string>; notes?: string }
  >;
  /** The fix for a failed trial, from its reason. */
  fix(reason: string): string | undefined;
  /**
   * Why the binary found cannot serve this adapter, checked before the trial run (which needs
   * the image), e.g. runsc without the platform asked for; undefined when it can.
   */
  precheck?(binary: string, effects: ProcessEffects): Promise<string | undefined>;
  /**
   * The fix (and installer) when the binary is missing or fails its trial in a way an
   * installer mends; default `apt-get install <aptPackage>` for a missing binary.
   */
  install?(reason: string): Pick<Detection, "fix" | "installer"> | undefined;
}

/** Builds a {@link RuntimeAdapter} for a bundle runtime. */
export function bundleRuntimeAdapter(
  spec: BundleRuntimeSpec,
  options: AdapterOptions = {},
): RuntimeAdapter {
  const effects = effectsOf(options);
  const binaryNow = () => options.binary ?? spec.resolveBinary?.() ?? spec.binary;
  const live = new Map<string, Bundle>();
  const running = new Set<RunningContainer>();

  async function argvFor(sub: string[], step: StepSpec): Promise<string[]> {
    const base = [binaryNow(), ...spec.globalArgs(step), ...sub];
    return spec.wrap ? await spec.wrap(base) : base;
  }

  async function teardown(bundle: Bundle, step: StepSpec): Promise<void> {
    let stuck: string[] = [];
    if (hasState(spec.stateRoot, bundle.id)) {
      await effects.run(await argvFor(["kill", bundle.id, "KILL"], step), { timeoutMs: 15_000 });
      await effects.run(await argvFor(["delete", "--force", bundle.id], step), {
        timeoutMs: 30_000,
      });
      // What a runtime killed mid-create leaves and its delete does not remove (runsc: a lone
      // `.lock`); the container's processes are gone, killed with the run or above.
      stuck = removeStateEntries(spec.stateRoot, bundle.id);
    }
    await removeBundle(bundle, effects);
    // A runtime killed while it created the container made its cgroups but no state to delete.
    await removeContainerCgroups(bundle.id);
    live.delete(bundle.id);
    if (stuck.length > 0) throw new Error(`${spec.id}: ${stuck.join("; ")}`);
  }

  const adapter: RuntimeAdapter = {
    id: spec.id,
    name: spec.name,
    isolation: spec.isolation,
    capabilities: spec.capabilities,
    lowLevelRuntime: spec.binary,
    ...(spec.platform ? { platform: spec.platform } : {}),
    async detect(ctx: AdapterContext): Promise<Detection> {
      const found = findExecutable(binaryNow());
      if (!found.path) {
        const reason = found.reason ?? `${binaryNow()} not found`;
        return {
          usable: false,
          reason,
          ...(options.binary
            ? { fix: `point ${spec.id} at a working ${spec.binary}` }
            : spec.install?.(reason) ?? { fix: `apt-get install ${spec.aptPackage}` }),
        };
      }
      const { version, components, notes } = await spec.version(found.path, effects);
      if (!version) {
        return {
          usable: false,
          reason: `"${found.path} --version" did not answer`,
          fix: `reinstall ${spec.aptPackage}`,
        };
      }
      const identity = { version, components, ...(notes ? { notes } : {}) };
      const unfit = await spec.precheck?.(found.path, effects);
      if (unfit) {
        const mend = options.binary ? undefined : spec.install?.(unfit);
        return { usable: false, reason: unfit, ...identity, fix: spec.fix(unfit), ...mend };
      }
      const failed = await tryTrueRun(adapter, ctx, spec.fix);
      if (!failed) return { usable: true, ...identity };
      const mend = options.binary ? undefined : spec.install?.(failed.reason ?? "");
      return { ...failed, ...identity, ...mend };
    },
    prepare(ctx: AdapterContext): Promise<void> {
      if (!pathExists(ctx.image.rootfs)) {
        return Promise.reject(
          new Error(`the image rootfs ${ctx.image.rootfs} is missing: run "deno task image"`),
        );
      }
      return Promise.resolve();
    },
    async run(step: StepSpec, ctx: AdapterContext): Promise<ProcessResult> {
      const id = uniqueName(ctx, spec.id);
      const bundle = await createBundle(step, ctx, {
        id,
        effects,
        network: spec.bundleNetwork,
        editConfig: spec.editConfig,
      });
      live.set(id, bundle);
      try {
        return await effects.run(await argvFor(["run", "--bundle", bundle.dir, id], step), {
          timeoutMs: step.timeoutMs,
          signal: step.signal,
        });
      } finally {
        await teardown(bundle, step);
      }
    },
    async start(step: StepSpec, ctx: AdapterContext): Promise<RunningContainer> {
      const id = uniqueName(ctx, spec.id);
      const bundle = await createBundle(step, ctx, {
        id,
        effects,
        network: spec.bundleNetwork,
        editConfig: spec.editConfig,
      });
      live.set(id, bundle);
      const bg = effects.start(await argvFor(["run", "--bundle", bundle.dir, id], step), {
        timeoutMs: step.timeoutMs,
        signal: step.signal,
      });
      let stopped: Promise<ProcessResult> | undefined;
      // Set once the container was restored from a checkpoint: it then runs detached.
      let restored = false;
      const container: RunningContainer = {
        name: id,
        pids() {
          if (bg.exited()) return Promise.resolve([]);
          return Promise.resolve([bg.pid, ...descendantPids(bg.pid)]);
        },
        async checkpoint(imageDir: string): Promise<ProcessResult> {
          const r = await effects.run(
            await argvFor(["checkpoint", "--image-path", imageDir, id], step),
            { timeoutMs: CHECKPOINT_TIMEOUT_MS, signal: step.signal },
          );
          if (r.exitCode === 0) {
            // The checkpointed container is stopped; its foreground run ends with it.
            await Promise.race([bg.result, new Promise((res) => setTimeout(res, 5000))]);
            if (hasState(spec.stateRoot, id)) {
              await effects.run(await argvFor(["delete", "--force", id], step), {
                timeoutMs: 30_000,
              });
            }
          }
          return r;
        },
        async restore(imageDir: string): Promise<ProcessResult> {
          restored = true;
          return await effects.run(
            await argvFor(
              ["restore", "--detach", "--image-path", imageDir, "--bundle", bundle.dir, id],
              step,
            ),
            { timeoutMs: CHECKPOINT_TIMEOUT_MS, signal: step.signal },
          );
        },
        stop() {
          stopped ??= (async () => {
            running.delete(container);
            if ((restored || !bg.exited()) && hasState(spec.stateRoot, id)) {
              await effects.run(await argvFor(["kill", id, "KILL"], step), { timeoutMs: 15_000 });
            }
            const r = await Promise.race([
              bg.result,
              new Promise<undefined>((res) => setTimeout(() => res(undefined), 5000)),
            ]) ?? await bg.stop();
            await teardown(bundle, step);
            return r;
          })();
          return stopped;
        },
      };
      running.add(container);
      return container;
    },
    async cleanup(): Promise<void> {
      // Containers first (stopping one tears its bundle down), then the bundles still live.
      const errors = [
        ...await runEachCollectingErrors([...running].map((c) => () => c.stop())),
        ...await runEachCollectingErrors(
          [...live.values()].map((b) => () => teardown(b, { argv: ["true"], timeoutMs: 1 })),
        ),
      ];
      if (errors.length > 0) {
        throw new Error(`${spec.id} cleanup: ${tailOf(errors.join("; "), 1000)}`);
      }
    },
  };
  return adapter;
}
