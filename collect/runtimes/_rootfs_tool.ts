/**
 * The base of the adapters that run a command in a root directory themselves (lxc-execute,
 * systemd-nspawn, bubblewrap): each step gets an overlay root of its own (as the bundle runtimes
 * do), the tool runs in the foreground, and the root is unmounted and removed afterwards.
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
  StepSpec,
} from "../types.ts";
import type { IsolationClass } from "../../model/result_set.ts";
import { descendantPids, type ProcessEffects, type RunProcessOptions, tailOf } from "../process.ts";
import { type Bundle, createOverlayRoot, removeBundle } from "./_bundle.ts";
import { createLimitCgroup, type LimitCgroup } from "./_cgroup.ts";
import {
  type AdapterOptions,
  effectsOf,
  findExecutable,
  pathExists,
  runEachCollectingErrors,
  tryTrueRun,
  uniqueName,
} from "./_common.ts";

/** What distinguishes one root-directory tool from another. */
export interface RootfsToolSpec {
  id: string;
  name: string;
  isolation: IsolationClass;
  binary: string;
  aptPackage: string;
  capabilities: RuntimeCapabilities;
  version(binary: string, effects: ProcessEffects): Promise<string | undefined>;
  /** The argv (and options) that run `step` in `bundle.rootfs`; may write files into `bundle.dir`. */
  command(
    step: StepSpec,
    bundle: Bundle,
    binary: string,
  ): { argv: string[]; options?: RunProcessOptions };
  fix?(reason: string): string | undefined;
  /** The tool applies `step.limits` itself (else a cgroup of ours does). */
  ownLimits?: boolean;
}

/** Builds a {@link RuntimeAdapter} for a root-directory tool. */
export function rootfsToolAdapter(
  spec: RootfsToolSpec,
  options: AdapterOptions = {},
): RuntimeAdapter {
  const effects = effectsOf(options);
  const binary = options.binary ?? spec.binary;
  const live = new Map<string, Bundle>();
  const running = new Set<RunningContainer>();

  const cgroups = new Map<string, LimitCgroup>();

  async function teardown(bundle: Bundle): Promise<void> {
    await removeBundle(bundle, effects);
    await cgroups.get(bundle.id)?.remove();
    cgroups.delete(bundle.id);
    live.delete(bundle.id);
  }

  async function prepareStep(step: StepSpec, ctx: AdapterContext) {
    const id = uniqueName(ctx, spec.id);
    const bundle = await createOverlayRoot(ctx, id, effects);
    live.set(id, bundle);
    try {
      const { argv, options } = spec.command(step, bundle, binary);
      // Tools that set no limits themselves run inside a cgroup of ours that holds them.
      const cgroup = spec.ownLimits ? undefined : createLimitCgroup(id, step);
      if (cgroup) cgroups.set(id, cgroup);
      return { bundle, argv: cgroup ? cgroup.wrap(argv) : argv, options };
    } catch (error) {
      await teardown(bundle);
      throw error;
    }
  }

  const adapter: RuntimeAdapter = {
    id: spec.id,
    name: spec.name,
    isolation: spec.isolation,
    capabilities: spec.capabilities,
    async detect(ctx: AdapterContext): Promise<Detection> {
      const found = findExecutable(binary);
      if (!found.path) {
        return {
          usable: false,
          reason: found.reason,
          fix: options.binary
            ? `point ${spec.id} at a working ${spec.binary}`
            : `apt-get install ${spec.aptPackage}`,
        };
      }
      const version = await spec.version(found.path, effects);
      const components = version ? { [spec.binary]: version } : undefined;
      const failed = await tryTrueRun(adapter, ctx, (r) => spec.fix?.(r));
      return failed ? { ...failed, version, components } : { usable: true, version, components };
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
      const { bundle, argv, options: o } = await prepareStep(step, ctx);
      try {
        return await effects.run(argv, {
          ...o,
          timeoutMs: step.timeoutMs,
          signal: step.signal,
        });
      } finally {
        await teardown(bundle);
      }
    },
    async start(step: StepSpec, ctx: AdapterContext): Promise<RunningContainer> {
      const { bundle, argv, options: o } = await prepareStep(step, ctx);
      const bg = effects.start(argv, { ...o, timeoutMs: step.timeoutMs, signal: step.signal });
      let stopped: Promise<ProcessResult> | undefined;
      const container: RunningContainer = {
        name: bundle.id,
        pids: () => Promise.resolve(bg.exited() ? [] : [bg.pid, ...descendantPids(bg.pid)]),
        stop() {
          stopped ??= (async () => {
            running.delete(container);
            const r = await bg.stop();
            await teardown(bundle);
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
        ...await runEachCollectingErrors([...live.values()].map((b) => () => teardown(b))),
      ];
      if (errors.length > 0) throw new Error(`${spec.id} cleanup: ${tailOf(errors.join("; "))}`);
    },
  };
  return adapter;
}
