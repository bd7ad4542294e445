/**
 * The baseline: a step runs as a plain host process, with the image's own programs
 * (`/usr/local/bin` of the rootfs) first in `PATH`. A `netns` network runs it through
 * `ip netns exec`; memory/CPU limits go through a cgroup of ours. Bind mounts have no meaning
 * without a container: an argument, `cwd` or environment value that starts with a mount's
 * `containerPath` is rewritten to its `hostPath`.
 *
 * @module
 */
import type {
  AdapterContext,
  Detection,
  ProcessResult,
  RunningContainer,
  RuntimeAdapter,
  RuntimePlugin,
  StepSpec,
} from "../types.ts";
import { descendantPids, type RunProcessOptions } from "../process.ts";
import { IMAGE_PATH_ENV } from "../image_recipe.ts";
import {
  type AdapterOptions,
  effectsOf,
  findExecutable,
  NAMESPACE_CAPABILITIES,
  readVersion,
  uniqueName,
} from "./_common.ts";
import { createLimitCgroup } from "./_cgroup.ts";

function translate(value: string, step: StepSpec): string {
  for (const m of step.mounts ?? []) {
    if (value === m.containerPath) return m.hostPath;
    if (value.startsWith(m.containerPath + "/")) {
      return m.hostPath + value.slice(m.containerPath.length);
    }
    // `--directory=/data` style options.
    const eq = value.indexOf("=");
    if (eq > 0) {
      const rest = value.slice(eq + 1);
      if (rest === m.containerPath || rest.startsWith(m.containerPath + "/")) {
        return value.slice(0, eq + 1) + m.hostPath + rest.slice(m.containerPath.length);
      }
    }
  }
  return value;
}

/** The host argv and options a step becomes under `native`. */
export function nativeCommand(
  step: StepSpec,
  ctx: AdapterContext,
  ipBinary = "ip",
): { argv: string[]; options: RunProcessOptions } {
  const argv = step.argv.map((a) => translate(a, step));
  const hostPath = Deno.env.get("PATH") ?? IMAGE_PATH_ENV;
  const env: Record<string, string> = { PATH: `${ctx.image.rootfs}/usr/local/bin:${hostPath}` };
  for (const [k, v] of Object.entries(step.env ?? {})) env[k] = translate(v, step);
  const prefix = step.network?.kind === "netns"
    ? [ipBinary, "netns", "exec", step.network.name]
    : [];
  return {
    argv: [...prefix, ...argv],
    options: {
      env,
      cwd: step.cwd ? translate(step.cwd, step) : undefined,
      timeoutMs: step.timeoutMs,
      signal: step.signal,
    },
  };
}

/** The `native` adapter (isolation class `native`): the baseline every runtime is compared with. */
export function nativeAdapter(options: AdapterOptions = {}): RuntimeAdapter {
  const effects = effectsOf(options);
  const running = new Set<RunningContainer>();
  return {
    id: "native",
    name: "native (host process)",
    isolation: "native",
    capabilities: NAMESPACE_CAPABILITIES,
    async detect(ctx: AdapterContext): Promise<Detection> {
      // `binary` lets a test point the trial at a broken program.
      const found = findExecutable(options.binary ?? "true");
      if (!found.path) {
        return { usable: false, reason: found.reason, fix: "apt-get install coreutils" };
      }
      const kernel = await readVersion(["uname", "-r"], effects);
      try {
        const r = await this.run({ argv: [found.path], timeoutMs: 15_000 }, ctx);
        if (r.exitCode !== 0) {
          return {
            usable: false,
            reason: `a trial run of ${found.path} exited with ${r.exitCode ?? r.signal}`,
          };
        }
      } catch (error) {
        return { usable: false, reason: `cannot run ${found.path}: ${(error as Error).message}` };
      }
      return { usable: true, version: kernel, components: kernel ? { kernel } : undefined };
    },
    prepare(): Promise<void> {
      return Promise.resolve();
    },
    async run(step: StepSpec, ctx: AdapterContext): Promise<ProcessResult> {
      const { argv, options: o } = nativeCommand(step, ctx);
      // Limits, when asked for, through a cgroup of ours (no cost otherwise).
      const cgroup = createLimitCgroup(uniqueName(ctx, "native"), step);
      try {
        return await effects.run(cgroup ? cgroup.wrap(argv) : argv, o);
      } finally {
        await cgroup?.remove();
      }
    },
    start(step: StepSpec, ctx: AdapterContext): Promise<RunningContainer> {
      const { argv, options: o } = nativeCommand(step, ctx);
      const name = uniqueName(ctx, "native");
      const cgroup = createLimitCgroup(name, step);
      const bg = effects.start(cgroup ? cgroup.wrap(argv) : argv, o);
      const container: RunningContainer = {
        name,
        pids: () => Promise.resolve(bg.exited() ? [] : [bg.pid, ...descendantPids(bg.pid)]),
        async stop() {
          running.delete(container);
          const r = await bg.stop();
          await cgroup?.remove();
          return r;
        },
      };
      running.add(container);
      return Promise.resolve(container);
    },
    async cleanup(): Promise<void> {
      for (const c of [...running]) await c.stop();
    },
  };
}

/** The native plugin: the baseline, a plain host process (coreutils' `true` for its trial). */
export const nativeRuntime: RuntimePlugin<AdapterOptions> = {
  name: "native",
  adapters: { native: (o) => nativeAdapter(o) },
  aptPackages: ["coreutils"],
};
