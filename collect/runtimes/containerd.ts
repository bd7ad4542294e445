/**
 * containerd driven by `ctr`, with runc or runsc through the runc v2 shim
 * (`io.containerd.runc.v2`; runsc through `--runc-binary` and a wrapper, since Debian 12 ships no
 * `containerd-shim-runsc-v1`: `containerd-runsc` on the legacy ptrace platform,
 * `containerd-runsc-systrap` on systrap). A containerd answering on the system socket is used as is;
 * otherwise ocibench starts its own on a private socket, root and state (so a dockerd never picks
 * it up), and stops it when the last ocibench process using it is done. Containers live in the
 * `ocibench` namespace.
 *
 * @module
 */
import type {
  AdapterContext,
  CommandRunner,
  Detection,
  ImagePaths,
  Leftover,
  ProcessResult,
  RunningContainer,
  RuntimeAdapter,
  RuntimeCapabilities,
  RuntimePlugin,
  StepSpec,
} from "../types.ts";
import type { IsolationClass } from "../../model/result_set.ts";
import { descendantPids, type ProcessEffects, runChecked, tailOf } from "../process.ts";
import {
  type AdapterOptions,
  effectsOf,
  findExecutable,
  pathExists,
  readVersion,
  tryTrueRun,
  uniqueName,
} from "./_common.ts";
import { DAEMON_STATE_DIR, ensureDaemon } from "./_daemon.ts";
import { RUNC } from "./runc.ts";
import {
  engineRunscPlatform,
  RUNSC,
  RUNSC_PLATFORMS,
  RUNSC_SYSTRAP,
  runscBinaryFor,
  runscLacksPlatform,
  runscMend,
  runscPlatform,
  runscProvenance,
  runscWrapper,
} from "./runsc.ts";

/** The system containerd socket, used when something answers there. */
export const SYSTEM_CONTAINERD_SOCKET = "/run/containerd/containerd.sock";
/** The private containerd ocibench starts when none answers. */
export const OCIBENCH_CONTAINERD_DIR = `${DAEMON_STATE_DIR}/containerd`;
/** The containerd namespace of our containers and image. */
export const CONTAINERD_NAMESPACE = "ocibench";

/** Low-level runtimes containerd drives here (kata and firecracker through their own shims). */
export type ContainerdRuntime = "runc" | "runsc" | "runsc-systrap" | "kata" | "firecracker";

/** Options of {@link containerdAdapter}. */
export interface ContainerdAdapterOptions extends AdapterOptions {
  /** Adapter id; default `containerd-<runtime>`. */
  id?: string;
  /** Use this socket and never start a containerd (e.g. firecracker-containerd's). */
  socket?: string;
}

/** The containerd shim runtime name of each runtime (`ctr run --runtime`). */
export const CONTAINERD_SHIMS: Record<ContainerdRuntime, string> = {
  runc: "io.containerd.runc.v2",
  runsc: "io.containerd.runc.v2",
  "runsc-systrap": "io.containerd.runc.v2",
  kata: "io.containerd.kata.v2",
  firecracker: "aws.firecracker",
};

/** Isolation class and capabilities of each runtime under containerd. */
const TRAITS: Record<
  ContainerdRuntime,
  { isolation: IsolationClass; capabilities: RuntimeCapabilities }
> = {
  runc: {
    isolation: RUNC.isolation,
    capabilities: { ...RUNC.capabilities, networks: ["netns", "none"] },
  },
  runsc: {
    isolation: RUNSC.isolation,
    capabilities: { ...RUNSC.capabilities, networks: ["netns", "none"] },
  },
  "runsc-systrap": {
    isolation: RUNSC.isolation,
    capabilities: { ...RUNSC_SYSTRAP.capabilities, networks: ["netns", "none"] },
  },
  kata: {
    isolation: "microvm",
    capabilities: { hostsReachableServer: true, networks: ["netns", "none"] },
  },
  firecracker: {
    isolation: "microvm",
    capabilities: { hostsReachableServer: true, networks: ["netns", "none"] },
  },
};

/** The image reference containerd knows our image by. */
export function containerdImageRef(tag: string): string {
  return `localhost/ocibench:${tag}`;
}

/** Imports the image's OCI layout tar into containerd, unless it holds the reference already. */
export async function importIntoContainerd(
  paths: ImagePaths,
  ctr: string[],
  options: { effects: ProcessEffects; log?: (message: string) => void },
): Promise<void> {
  const run = options.effects.run;
  const list = await runChecked([...ctr, "images", "ls", "-q"], { runner: run });
  if (list.split("\n").includes(containerdImageRef(paths.tag))) return;
  options.log?.(`containerd: importing image ${paths.hash}`);
  await runChecked([
    ...ctr,
    "images",
    "import",
    "--base-name",
    "localhost/ocibench",
    paths.ociTar,
  ], { runner: run, timeoutMs: 10 * 60_000 });
}

/** The `ctr run` flags of a step (before the image and the container id). */
export function ctrRunFlags(step: StepSpec): string[] {
  const flags: string[] = [];
  const net = step.network ?? { kind: "none" };
  if (net.kind === "netns") flags.push("--with-ns", `network:/var/run/netns/${net.name}`);
  else if (net.kind === "bridge") {
    throw new Error("containerd (ctr) has no bridge network: use a netns network");
  }
  for (const m of step.mounts ?? []) {
    if (/[,:]/.test(m.hostPath) || /[,:]/.test(m.containerPath)) {
      throw new TypeError(`mount paths must not contain "," or ":": ${m.hostPath}`);
    }
    flags.push(
      "--mount",
      `type=bind,src=${m.hostPath},dst=${m.containerPath},options=rbind:${
        m.readonly ? "ro" : "rw"
      }`,
    );
  }
  for (const [k, v] of Object.entries(step.env ?? {})) flags.push("--env", `${k}=${v}`);
  if (step.cwd) flags.push("--cwd", step.cwd);
  if (step.limits?.memoryBytes) {
    flags.push("--memory-limit", String(Math.round(step.limits.memoryBytes)));
  }
  if (step.limits?.cpus) flags.push("--cpus", String(step.limits.cpus));
  return flags;
}

/** The `containerd-<runtime>` adapter. */
export function containerdAdapter(
  runtime: ContainerdRuntime,
  options: ContainerdAdapterOptions = {},
): RuntimeAdapter {
  const effects = effectsOf(options);
  const binary = options.binary ?? "ctr";
  let socket = options.socket ?? SYSTEM_CONTAINERD_SOCKET;
  const cli = () => [binary, "--address", socket, "--namespace", CONTAINERD_NAMESPACE];
  let runtimeFlags: string[] = ["--runtime", CONTAINERD_SHIMS[runtime]];
  let prepared: Promise<void> | undefined;
  let release: (() => Promise<void>) | undefined;
  const platform = engineRunscPlatform(runtime);
  const lowBinary = platform ? RUNSC.binary : runtime;

  async function answers(address: string): Promise<boolean> {
    if (!pathExists(address)) return false;
    const r = await effects.run([binary, "--address", address, "version"], { timeoutMs: 10_000 });
    return r.exitCode === 0;
  }

  async function remove(name: string): Promise<void> {
    await effects.run([...cli(), "task", "kill", "--signal", "SIGKILL", name], {
      timeoutMs: 30_000,
    });
    // runsc behind the runc shim may answer "unknown error" to a task delete although the
    // task is gone; a few tries, then the container delete decides.
    for (let i = 0; i < 3; i++) {
      const r = await effects.run([...cli(), "task", "delete", "--force", name], {
        timeoutMs: 30_000,
      });
      if (r.exitCode === 0 || /not found/.test(r.stderr)) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    const c = await effects.run([...cli(), "container", "delete", name], { timeoutMs: 30_000 });
    if (c.exitCode !== 0 && !/not found/.test(c.stderr)) {
      throw new Error(`cannot delete container ${name}: ${tailOf(c.stderr.trim(), 400)}`);
    }
  }

  const adapter: RuntimeAdapter = {
    id: options.id ?? `containerd-${runtime}`,
    name: `containerd (ctr) + ${lowBinary}${
      platform ? ` (${platform}${RUNSC_PLATFORMS[platform].legacy ? ", legacy platform" : ""})` : ""
    }`,
    isolation: TRAITS[runtime].isolation,
    engine: "containerd",
    lowLevelRuntime: lowBinary,
    ...(platform ? { platform: runscPlatform(platform) } : {}),
    capabilities: TRAITS[runtime].capabilities,
    async detect(ctx: AdapterContext): Promise<Detection> {
      const found = findExecutable(binary);
      if (!found.path) {
        return {
          usable: false,
          reason: found.reason,
          fix: options.binary
            ? `point ${adapter.id} at a working ctr`
            : "apt-get install containerd",
        };
      }
      const components: Record<string, string> = {};
      const unfit = platform ? await runscLacksPlatform(platform, { effects }) : undefined;
      if (unfit) return { usable: false, reason: unfit, ...runscMend(platform!, unfit) };
      const failed = await tryTrueRun(adapter, ctx, (reason) => {
        if (/containerd is not installed/.test(reason)) return "apt-get install containerd";
        if (platform && /runsc is not installed|unknown platform/.test(reason)) {
          return runscMend(platform, reason)?.fix;
        }
        if (/containerd (exited|did not answer)/.test(reason)) {
          return "see the containerd log in the run's work dir";
        }
        return undefined;
      });
      const server = await readVersion(
        [...cli(), "version"],
        effects,
        /Server:\s+Version:\s+(\S+)/,
      );
      if (server) components.containerd = server;
      const low = await readVersion(
        [platform ? runscBinaryFor(platform) : runtime, "--version"],
        effects,
        /version (\S+)/,
      );
      if (low) components[lowBinary] = low;
      const version = components.containerd;
      const provenance = platform ? runscProvenance(runscBinaryFor(platform)) : undefined;
      if (!failed) {
        return { usable: true, version, components, ...(provenance ? { notes: provenance } : {}) };
      }
      const installer = platform ? runscMend(platform, failed.reason ?? "")?.installer : undefined;
      return { ...failed, version, components, ...(installer ? { installer } : {}) };
    },
    prepare(ctx: AdapterContext): Promise<void> {
      prepared ??= (async () => {
        if (platform) {
          const runsc = findExecutable(runscBinaryFor(platform)).path;
          if (!runsc) throw new Error("runsc is not installed");
          runtimeFlags = [
            "--runtime",
            CONTAINERD_SHIMS[runtime],
            "--runc-binary",
            runscWrapper(runsc, platform),
          ];
        }
        if (options.socket) {
          if (!(await answers(options.socket))) {
            throw new Error(`nothing answers on ${options.socket}`);
          }
        } else if (await answers(SYSTEM_CONTAINERD_SOCKET)) {
          socket = SYSTEM_CONTAINERD_SOCKET;
        } else {
          const containerd = findExecutable("containerd").path;
          if (!containerd) throw new Error("containerd is not installed");
          socket = `${OCIBENCH_CONTAINERD_DIR}/containerd.sock`;
          Deno.mkdirSync(OCIBENCH_CONTAINERD_DIR, { recursive: true });
          const config = `${OCIBENCH_CONTAINERD_DIR}/config.toml`;
          Deno.writeTextFileSync(
            config,
            'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n',
          );
          const lease = await ensureDaemon({
            name: "containerd",
            argv: [
              containerd,
              "--config",
              config,
              "--address",
              socket,
              "--root",
              "/var/lib/ocibench-containerd",
              "--state",
              `${OCIBENCH_CONTAINERD_DIR}/state`,
            ],
            ready: () => answers(socket),
            logFile: `${ctx.workDir}/containerd.log`,
            effects,
            log: ctx.log,
          });
          release = () => lease.release();
        }
        if (!pathExists(ctx.image.ociTar)) {
          throw new Error(`the image ${ctx.image.ociTar} is missing: run "deno task image"`);
        }
        await importIntoContainerd(ctx.image, cli(), { effects, log: ctx.log });
      })();
      prepared.catch(() => {
        prepared = undefined;
      });
      return prepared;
    },
    async run(step: StepSpec, ctx: AdapterContext): Promise<ProcessResult> {
      const name = uniqueName(ctx, adapter.id);
      const r = await effects.run([
        ...cli(),
        "run",
        "--rm",
        ...runtimeFlags,
        ...ctrRunFlags(step),
        containerdImageRef(ctx.image.tag),
        name,
        ...step.argv,
      ], { timeoutMs: step.timeoutMs, signal: step.signal });
      if (r.exitCode === null || /ctr: /.test(r.stderr)) await remove(name);
      return r;
    },
    async start(step: StepSpec, ctx: AdapterContext): Promise<RunningContainer> {
      const name = uniqueName(ctx, adapter.id);
      const r = await effects.run([
        ...cli(),
        "run",
        "--detach",
        ...runtimeFlags,
        ...ctrRunFlags(step),
        containerdImageRef(ctx.image.tag),
        name,
        ...step.argv,
      ], { timeoutMs: 120_000, signal: step.signal });
      if (r.exitCode !== 0) {
        await remove(name);
        throw new Error(`${adapter.id}: cannot start ${name}: ${tailOf(r.stderr.trim(), 600)}`);
      }
      let stopped: Promise<ProcessResult> | undefined;
      return {
        name,
        async pids() {
          const ls = await effects.run([...cli(), "task", "list"], { timeoutMs: 30_000 });
          const line = ls.stdout.split("\n").find((l) => l.split(/\s+/)[0] === name);
          const pid = Number(line?.split(/\s+/)[1]);
          if (!(pid > 0)) return [];
          const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
          const shim = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
          return shim > 1 ? [shim, ...descendantPids(shim)] : [pid, ...descendantPids(pid)];
        },
        stop() {
          stopped ??= (async () => {
            const t0 = performance.now();
            const startedAt = new Date().toISOString();
            await remove(name);
            return {
              exitCode: 0,
              stdout: "",
              stderr: "",
              timedOut: false,
              wallMs: performance.now() - t0,
              startedAt,
              finishedAt: new Date().toISOString(),
            };
          })();
          return stopped;
        },
      };
    },
    async cleanup(ctx: AdapterContext): Promise<void> {
      if (prepared) {
        try {
          await prepared;
          const ls = await effects.run([...cli(), "container", "list", "--quiet"], {
            timeoutMs: 30_000,
          });
          const ours = ls.stdout.split("\n").map((l) => l.trim()).filter((l) =>
            l.startsWith(`${ctx.namePrefix}-${adapter.id}-`)
          );
          for (const name of ours) await remove(name);
        } catch {
          // prepare() failed: nothing of ours runs.
        }
      }
      prepared = undefined;
      if (release) {
        const r = release;
        release = undefined;
        await r();
      }
    },
  };
  return adapter;
}

/** containerd containers of a run, on the system socket and on ours, where one answers. */
async function findContainerdLeftovers(prefix: string, run: CommandRunner): Promise<Leftover[]> {
  const found: Leftover[] = [];
  for (const socket of [SYSTEM_CONTAINERD_SOCKET, `${OCIBENCH_CONTAINERD_DIR}/containerd.sock`]) {
    if (!pathExists(socket)) continue;
    const r = await run(
      ["ctr", "--address", socket, "--namespace", CONTAINERD_NAMESPACE, "containers", "ls", "-q"],
      { timeoutMs: 30_000 },
    );
    for (const n of r.stdout.split("\n").map((l) => l.trim())) {
      if (n.startsWith(prefix)) {
        found.push({ kind: "container", where: `containerd ${socket}`, name: n });
      }
    }
  }
  return found;
}

/** The containerd plugin: containerd with runc and runsc, and its containers as leftovers. */
export const containerdRuntime: RuntimePlugin<AdapterOptions> = {
  name: "containerd",
  adapters: {
    "containerd-runc": (o) => containerdAdapter("runc", o),
    "containerd-runsc": (o) => containerdAdapter("runsc", o),
    "containerd-runsc-systrap": (o) => containerdAdapter("runsc-systrap", o),
  },
  aptPackages: ["containerd"],
  findLeftovers: findContainerdLeftovers,
};
