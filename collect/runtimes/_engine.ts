/**
 * The base of the engine adapters (an engine CLI driving a low-level runtime): the image is
 * imported lazily into the engine, a step becomes `<engine> run --rm --name <prefix>-… IMAGE argv`
 * with the same ulimits, mounts, network and limits for every engine, and a background step
 * `run -d`, whose host pids are the shim's process tree.
 *
 * @module
 */
import type {
  AdapterContext,
  Detection,
  ImagePaths,
  ProcessResult,
  RunningContainer,
  RuntimeAdapter,
  RuntimeCapabilities,
  RuntimePlatform,
  RuntimeStateRoot,
  StepSpec,
} from "../types.ts";
import type { IsolationClass } from "../../model/result_set.ts";
import { descendantPids, type ProcessEffects, runChecked, tailOf } from "../process.ts";
import { hostNofileLimit } from "../oci_config.ts";
import { reclaimContainerState } from "../runtime_state.ts";
import {
  type AdapterOptions,
  effectsOf,
  findExecutable,
  pathExists,
  sleep,
  tryTrueRun,
  uniqueName,
} from "./_common.ts";

/** The engines' container annotation that names the container in the runtime's state. */
export const NAME_ANNOTATION = "ocibench.name";

/** How many times a container the engine refuses to remove is asked for again. */
const REMOVE_ATTEMPTS = 8;
/** How long dockerd gets to finish a create whose client was killed. */
const IN_FLIGHT_CREATE_MS = 30_000;
/** What docker's and podman's `rm` say of a container they do not know. */
const NO_SUCH_CONTAINER = /no such container/i;

/** `--ulimit nproc` given to every engine container (podman fails without an explicit one). */
export const ENGINE_NPROC_LIMIT = 32768;

/** What an engine needs from its concrete adapter. */
export interface EngineSpec {
  id: string;
  name: string;
  isolation: IsolationClass;
  /** The engine's name, e.g. the CLI's name. */
  engine: string;
  lowLevelRuntime: string;
  capabilities: RuntimeCapabilities;
  /** Where the low-level runtime keeps a container's state (reclaimed after an interrupted start). */
  stateRoots: readonly RuntimeStateRoot[];
  /** Where the low-level runtime puts container `id`'s cgroups (its plugin declares the same). */
  cgroupPaths(id: string): string[];
  /**
   * Whether the engine's daemon finishes a create whose client was killed, so that the
   * container can appear after `rm --force` found nothing (and said so, yet exited 0).
   */
  finishesOrphanCreates: boolean;
  /** See `RuntimeAdapter.hostBridgeAddress`. */
  hostBridgeAddress?(): Promise<string>;
  /** The CLI binary (name or path). */
  binary: string;
  aptPackage: string;
  /** Global CLI flags, e.g. docker's `-H unix:///var/run/docker.sock`. */
  cliArgs: string[];
  /** Starts what the engine needs (daemon) and returns a function that undoes it. */
  up(ctx: AdapterContext, cli: string[]): Promise<() => Promise<void>>;
  /** The value of `--runtime` (a name known to the engine, or a path). */
  runtimeFlag(): string;
  /** Checks the low-level runtime is known to the engine; returns why not. */
  checkRuntime?(cli: string[], effects: ProcessEffects): Promise<string | undefined>;
  importImage(
    paths: ImagePaths,
    cli: string[],
    effects: ProcessEffects,
    log: (m: string) => void,
  ): Promise<void>;
  imageRef(paths: ImagePaths): string;
  /** The default bridge network's name. */
  defaultBridge: string;
  /** The `--network` value that joins network namespace `path`; absent when the engine cannot. */
  netnsNetwork?(path: string): string;
  /** Flags of `rm --force` that make it stop the container at once. */
  removeFlags: string[];
  /** Whether `run` takes `--annotation`, which puts the name into the runtime's state. */
  annotates: boolean;
  versions(cli: string[], effects: ProcessEffects): Promise<Record<string, string>>;
  fix(reason: string): string | undefined;
  /**
   * Why the low-level runtime cannot serve this adapter, checked before anything starts (the
   * image may not be built yet), e.g. runsc without the platform asked for.
   */
  precheck?(): Promise<string | undefined>;
  /** The id of the plugin installer that mends a failure, from its reason (see `Detection`). */
  installer?(reason: string): string | undefined;
  /** The low-level runtime's execution platform, for one with several. */
  platform?: RuntimePlatform;
  /** How it runs when that differs from the plain way (after `up()`). */
  notes?(): string | undefined;
  /**
   * The engine's checkpoint and restore of a running container (CLI arguments after the global
   * flags), where the engine has such commands: `create` writes the checkpoint of `name` into
   * directory `dir` and stops it; `restore` brings it back under the same name.
   */
  checkpointArgs?: {
    create(name: string, dir: string): string[];
    restore(name: string, dir: string): string[];
  };
}

/** The `run` flags a step becomes (shared by every engine). */
export function engineRunFlags(
  step: StepSpec,
  spec: Pick<EngineSpec, "engine" | "defaultBridge" | "netnsNetwork">,
): string[] {
  const nofile = hostNofileLimit();
  const flags = [
    "--ulimit",
    `nofile=${nofile}:${nofile}`,
    "--ulimit",
    `nproc=${ENGINE_NPROC_LIMIT}:${ENGINE_NPROC_LIMIT}`,
  ];
  const net = step.network ?? { kind: "none" };
  if (net.kind === "none") flags.push("--network", "none");
  else if (net.kind === "bridge") flags.push("--network", net.network ?? spec.defaultBridge);
  else if (spec.netnsNetwork) {
    flags.push("--network", spec.netnsNetwork(`/var/run/netns/${net.name}`));
  } else {
    throw new Error(
      `${spec.engine} cannot join the network namespace "${net.name}" by path: use a bridge network`,
    );
  }
  for (const m of step.mounts ?? []) {
    if (m.hostPath.includes(",") || m.containerPath.includes(",")) {
      throw new TypeError(`mount paths must not contain ",": ${m.hostPath} → ${m.containerPath}`);
    }
    flags.push(
      "--mount",
      `type=bind,source=${m.hostPath},target=${m.containerPath}${m.readonly ? ",readonly" : ""}`,
    );
  }
  for (const [k, v] of Object.entries(step.env ?? {})) flags.push("--env", `${k}=${v}`);
  if (step.cwd) flags.push("--workdir", step.cwd);
  if (step.limits?.memoryBytes) flags.push("--memory", `${Math.round(step.limits.memoryBytes)}b`);
  if (step.limits?.cpus) flags.push("--cpus", String(step.limits.cpus));
  if (step.limits?.pids) flags.push("--pids-limit", String(step.limits.pids));
  return flags;
}

function removeIfThere(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** Builds a {@link RuntimeAdapter} for an engine + low-level runtime. */
export function engineAdapter(spec: EngineSpec, options: AdapterOptions = {}): RuntimeAdapter {
  const effects = effectsOf(options);
  const binary = options.binary ?? spec.binary;
  const cli = [binary, ...spec.cliArgs];
  let prepared: Promise<void> | undefined;
  let down: (() => Promise<void>) | undefined;

  async function remove(name: string): Promise<ProcessResult> {
    return await effects.run([...cli, "rm", "--force", ...spec.removeFlags, name], {
      timeoutMs: 60_000,
    });
  }

  /** Where the engine writes the id of container `name` (`--cidfile`). */
  const cidDir = (ctx: AdapterContext) => `${ctx.workDir}/cid`;
  function identityFlags(ctx: AdapterContext, name: string): string[] {
    Deno.mkdirSync(cidDir(ctx), { recursive: true });
    const flags = ["--name", name, "--cidfile", `${cidDir(ctx)}/${name}`];
    if (spec.annotates) flags.push("--annotation", `${NAME_ANNOTATION}=${name}`);
    return flags;
  }

  /**
   * What the low-level runtime may still hold for container `name` once the engine dropped it
   * (an engine killed mid-start can forget a container whose gVisor sandbox and conmon live
   * on), found by the id the engine wrote, and removed. Returns what could not be removed.
   */
  async function reclaim(ctx: AdapterContext, name: string): Promise<string[]> {
    const cidFile = `${cidDir(ctx)}/${name}`;
    let id = "";
    try {
      id = Deno.readTextFileSync(cidFile).trim();
    } catch {
      return []; // Never created.
    }
    const problems = /^[0-9a-f]{64}$/.test(id)
      ? await reclaimContainerState(id, {
        stateRoots: spec.stateRoots,
        run: effects.run,
        cgroupPaths: spec.cgroupPaths(id),
      })
      : [];
    removeIfThere(cidFile);
    return problems;
  }

  /**
   * Removes a container, and whatever its low-level runtime still holds for it. An engine that
   * was still creating or starting the container when its client was killed refuses for a while
   * (the container is busy, or its removal is already in progress): it is asked again.
   */
  async function removeWithState(ctx: AdapterContext, name: string): Promise<ProcessResult> {
    let r = await remove(name);
    // An `rm --force` of a container the engine does not know says so, yet exits 0.
    if (spec.finishesOrphanCreates && NO_SUCH_CONTAINER.test(r.stderr)) {
      await removeCreateInFlight(ctx, name);
    }
    for (let attempt = 1; r.exitCode !== 0 && attempt <= REMOVE_ATTEMPTS; attempt++) {
      if (NO_SUCH_CONTAINER.test(r.stderr)) break;
      ctx.log(`${spec.id}: rm ${name} (attempt ${attempt}): ${tailOf(r.stderr.trim(), 300)}`);
      await sleep(200 * attempt);
      r = await remove(name);
    }
    for (const p of await reclaim(ctx, name)) ctx.log(`${spec.id}: ${p}`);
    return r;
  }

  /**
   * dockerd finishes a create whose client was killed after sending it, so container `name` can
   * appear after `rm` found nothing. Whether a create holds the name is asked by creating one of
   * that name: a conflict names the container holding it, removed once dockerd registered it;
   * a success means none does (a create still to come fails on the name), and ours goes.
   */
  async function removeCreateInFlight(ctx: AdapterContext, name: string): Promise<void> {
    const probe = await effects.run(
      [...cli, "create", "--name", name, "--network", "none", spec.imageRef(ctx.image), "true"],
      { timeoutMs: 60_000 },
    );
    const holder = /already in use by container "([0-9a-f]{64})"/.exec(probe.stderr)?.[1];
    const id = probe.exitCode === 0 ? probe.stdout.trim() : holder;
    if (!id) {
      ctx.log(`${spec.id}: cannot tell whether ${name} is being created: ${probe.stderr.trim()}`);
      return;
    }
    const removed = (r: ProcessResult) => r.exitCode === 0 && !NO_SUCH_CONTAINER.test(r.stderr);
    const deadline = Date.now() + IN_FLIGHT_CREATE_MS;
    let r = await remove(id);
    while (!removed(r) && Date.now() < deadline) {
      await sleep(100);
      r = await remove(id);
    }
    if (!removed(r)) ctx.log(`${spec.id}: cannot remove ${name}: ${r.stderr.trim()}`);
  }

  const adapter: RuntimeAdapter = {
    id: spec.id,
    name: spec.name,
    isolation: spec.isolation,
    engine: spec.engine,
    lowLevelRuntime: spec.lowLevelRuntime,
    capabilities: spec.capabilities,
    hostBridgeAddress: spec.hostBridgeAddress,
    ...(spec.platform ? { platform: spec.platform } : {}),
    async detect(ctx: AdapterContext): Promise<Detection> {
      const mend = (reason: string) => {
        const installer = spec.installer?.(reason);
        return { fix: spec.fix(reason), ...(installer ? { installer } : {}) };
      };
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
      const unfit = await spec.precheck?.();
      if (unfit) return { usable: false, reason: unfit, ...mend(unfit) };
      let components: Record<string, string> = {};
      try {
        await adapter.prepare(ctx);
        components = await spec.versions(cli, effects);
      } catch (error) {
        const reason = tailOf(String((error as Error).message).replace(/\s+/g, " "), 400);
        return { usable: false, reason, ...mend(reason) };
      }
      const version = components[spec.engine];
      const bad = await spec.checkRuntime?.(cli, effects);
      if (bad) return { usable: false, version, components, reason: bad, ...mend(bad) };
      const failed = await tryTrueRun(adapter, ctx, spec.fix);
      const notes = spec.notes?.();
      return failed
        ? { ...failed, ...mend(failed.reason ?? ""), version, components, notes }
        : { usable: true, version, components, notes };
    },
    prepare(ctx: AdapterContext): Promise<void> {
      prepared ??= (async () => {
        if (!pathExists(ctx.image.rootfsTar)) {
          throw new Error(`the image ${ctx.image.rootfsTar} is missing: run "deno task image"`);
        }
        down = await spec.up(ctx, cli);
        await spec.importImage(ctx.image, cli, effects, ctx.log);
      })();
      prepared.catch(() => {
        prepared = undefined;
      });
      return prepared;
    },
    async run(step: StepSpec, ctx: AdapterContext): Promise<ProcessResult> {
      const name = uniqueName(ctx, spec.id);
      const argv = [
        ...cli,
        "run",
        "--rm",
        ...identityFlags(ctx, name),
        "--runtime",
        spec.runtimeFlag(),
        ...engineRunFlags(step, spec),
        spec.imageRef(ctx.image),
        ...step.argv,
      ];
      // The engine's monitor (podman's conmon) writes an "oom" marker into its working directory
      // when the workload is killed for memory: keep such files in the run's work dir.
      const r = await effects.run(argv, {
        timeoutMs: step.timeoutMs,
        signal: step.signal,
        cwd: ctx.workDir,
      });
      // A killed client leaves the container behind: remove it.
      if (r.exitCode === null || r.exitCode === 125) await removeWithState(ctx, name);
      else removeIfThere(`${cidDir(ctx)}/${name}`);
      return r;
    },
    async start(step: StepSpec, ctx: AdapterContext): Promise<RunningContainer> {
      const name = uniqueName(ctx, spec.id);
      const argv = [
        ...cli,
        "run",
        "--detach",
        ...identityFlags(ctx, name),
        "--runtime",
        spec.runtimeFlag(),
        ...engineRunFlags(step, spec),
        spec.imageRef(ctx.image),
        ...step.argv,
      ];
      const r = await effects.run(argv, {
        timeoutMs: 120_000,
        signal: step.signal,
        cwd: ctx.workDir,
      });
      if (r.exitCode !== 0) {
        await removeWithState(ctx, name);
        throw new Error(`${spec.id}: cannot start ${name}: ${tailOf(r.stderr.trim(), 600)}`);
      }
      let address: string | undefined;
      if (step.network?.kind === "bridge") {
        address = (await runChecked([
          ...cli,
          "inspect",
          "--format",
          "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}",
          name,
        ], { runner: effects.run })).split(" ").find((a) => a !== "") ?? undefined;
      }
      let stopped: Promise<ProcessResult> | undefined;
      const checkpointArgs = spec.checkpointArgs;
      const checkpointing = checkpointArgs
        ? {
          checkpoint: (dir: string) =>
            effects.run([...cli, ...checkpointArgs.create(name, dir)], {
              timeoutMs: 120_000,
              signal: step.signal,
              cwd: ctx.workDir,
            }),
          restore: (dir: string) =>
            effects.run([...cli, ...checkpointArgs.restore(name, dir)], {
              timeoutMs: 120_000,
              signal: step.signal,
              cwd: ctx.workDir,
            }),
        }
        : {};
      return {
        ...checkpointing,
        name,
        address,
        async pids() {
          const out = await effects.run([...cli, "inspect", "--format", "{{.State.Pid}}", name], {
            timeoutMs: 30_000,
          });
          const pid = Number(out.stdout.trim());
          if (out.exitCode !== 0 || !(pid > 0)) return [];
          // The shim (containerd-shim or conmon) is the workload's parent; its tree holds the
          // runtime's sandbox processes too (gVisor's sentry and gofer).
          const shim = parentOf(pid);
          if (shim === undefined || shim <= 1) return [pid, ...descendantPids(pid)];
          return [shim, ...descendantPids(shim)];
        },
        stop() {
          stopped ??= removeWithState(ctx, name);
          return stopped;
        },
      };
    },
    async cleanup(ctx: AdapterContext): Promise<void> {
      const problems: string[] = [];
      if (prepared) {
        const list = await effects.run([
          ...cli,
          "ps",
          "--all",
          "--quiet",
          "--filter",
          `name=${ctx.namePrefix}-${spec.id}-`,
        ], { timeoutMs: 60_000 });
        for (const id of list.stdout.split("\n").map((l) => l.trim()).filter((l) => l !== "")) {
          const r = await remove(id);
          if (r.exitCode !== 0) problems.push(`cannot remove ${id}: ${r.stderr.trim()}`);
        }
      }
      // Containers whose run was cut short before their id could be looked at.
      const mine = `${ctx.namePrefix}-${spec.id}-`;
      let cidFiles: string[] = [];
      try {
        cidFiles = [...Deno.readDirSync(cidDir(ctx))].map((e) => e.name);
      } catch {
        // No container was ever run.
      }
      for (const name of cidFiles.filter((n) => n.startsWith(mine))) {
        problems.push(...await reclaim(ctx, name));
      }
      prepared = undefined;
      if (down) {
        const d = down;
        down = undefined;
        await d();
      }
      if (problems.length > 0) throw new Error(`${spec.id} cleanup: ${problems.join("; ")}`);
    },
  };
  return adapter;
}
