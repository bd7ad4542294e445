/**
 * docker with runc, crun or runsc (on the legacy ptrace platform as `docker-runsc`, on systrap as
 * `docker-runsc-systrap`). When no dockerd answers on `/var/run/docker.sock`, ocibench
 * starts one with its own `--config-file` that declares the `ocibench-crun`,
 * `ocibench-runsc-ptrace` and `ocibench-runsc-systrap` runtimes (log in the run's work dir) and stops it when the last
 * ocibench process using it is done. A dockerd found running is used as is: it must declare
 * those runtimes itself (doctor says how).
 *
 * `/usr/bin/docker` (docker.io, the same 20.10 API as Debian's dockerd) is used, not a newer
 * CLI elsewhere in `PATH` that would ask for an API version dockerd 20.10 lacks.
 *
 * @module
 */
import type { CommandRunner, Leftover, RuntimeAdapter, RuntimePlugin } from "../types.ts";
import { importRootfsTar } from "../image_import.ts";
import { type ProcessEffects, REAL_PROCESS_EFFECTS, runChecked } from "../process.ts";
import { listDir } from "../host_fs.ts";
import { engineAdapter } from "./_engine.ts";
import {
  type AdapterOptions,
  effectsOf,
  findExecutable,
  type LowLevelRuntime,
  pathExists,
  readVersion,
} from "./_common.ts";
import { DAEMON_STATE_DIR, ensureDaemon } from "./_daemon.ts";
import {
  CRUN,
  CRUN_HYBRID_FIX,
  CRUN_WORKAROUND_NOTE,
  crunHybridWrapper,
  crunNeedsUnifiedUnmount,
} from "./crun.ts";
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

/** The docker CLI used (API 1.41, as Debian's dockerd 20.10). */
export const DOCKER_CLI = "/usr/bin/docker";
/** The socket ocibench talks to. */
export const DOCKER_SOCKET = "/var/run/docker.sock";

/** Low-level runtimes docker drives here (`runsc` on ptrace, `runsc-systrap` on systrap). */
export type DockerRuntime = "runc" | "crun" | "runsc" | "runsc-systrap";

const LOW_LEVEL: Record<DockerRuntime, LowLevelRuntime> = {
  runc: RUNC,
  crun: CRUN,
  runsc: RUNSC,
  "runsc-systrap": RUNSC_SYSTRAP,
};

/** The name docker knows a runtime by. */
export function dockerRuntimeName(runtime: DockerRuntime): string {
  const platform = engineRunscPlatform(runtime);
  return runtime === "runc"
    ? "runc"
    : runtime === "crun"
    ? "ocibench-crun"
    : `ocibench-runsc-${platform}`;
}

/** The daemon.json ocibench gives a dockerd it starts. */
export function dockerDaemonConfig(): Record<string, unknown> {
  const runtimes: Record<string, { path: string }> = {};
  const crun = findExecutable("crun").path;
  if (crun) {
    runtimes["ocibench-crun"] = {
      path: crunNeedsUnifiedUnmount() ? crunHybridWrapper(crun) : crun,
    };
  }
  for (const platform of ["ptrace", "systrap"] as const) {
    const runsc = findExecutable(runscBinaryFor(platform)).path;
    if (runsc) {
      runtimes[`ocibench-runsc-${platform}`] = { path: runscWrapper(runsc, platform) };
    }
  }
  return { runtimes, "exec-opts": ["native.cgroupdriver=cgroupfs"] };
}

/** The `docker-<runtime>` adapter. */
export function dockerAdapter(
  runtime: DockerRuntime,
  options: AdapterOptions = {},
): RuntimeAdapter {
  const effects = effectsOf(options);
  const cliArgs = ["--host", `unix://${DOCKER_SOCKET}`];
  const low = LOW_LEVEL[runtime];
  const platform = engineRunscPlatform(runtime);
  return engineAdapter({
    id: `docker-${runtime}`,
    name: `docker + ${low.binary}${
      platform ? ` (${platform}${RUNSC_PLATFORMS[platform].legacy ? ", legacy platform" : ""})` : ""
    }`,
    isolation: low.isolation,
    engine: "docker",
    lowLevelRuntime: low.binary,
    ...(platform ? { platform: runscPlatform(platform) } : {}),
    // docker cannot join a network namespace by path: its steps use its bridge.
    capabilities: { ...low.capabilities, networks: ["bridge", "none"] },
    stateRoots: [low.stateRoot],
    cgroupPaths: dockerCgroupPaths,
    // dockerd finishes a create whose client was killed.
    finishesOrphanCreates: true,
    hostBridgeAddress: () => dockerBridgeGateway(effects.run),
    binary: DOCKER_CLI,
    aptPackage: "docker.io",
    cliArgs,
    defaultBridge: "bridge",
    // docker rm -f kills at once.
    removeFlags: [],
    // docker 20.10 has no --annotation; its shim cleans up after itself.
    annotates: false,
    // Only on a daemon with experimental features; elsewhere docker's own refusal is the reason.
    checkpointArgs: {
      create: (name, dir) => ["checkpoint", "create", "--checkpoint-dir", dir, name, "ocibench"],
      restore: (name, dir) => ["start", "--checkpoint", "ocibench", "--checkpoint-dir", dir, name],
    },
    async up(ctx, cli) {
      const dockerd = findExecutable("dockerd");
      if (!dockerd.path) throw new Error("dockerd is not installed");
      const dir = `${DAEMON_STATE_DIR}/dockerd`;
      Deno.mkdirSync(dir, { recursive: true });
      const config = `${dir}/daemon.json`;
      const daemonConfig = dockerDaemonConfig();
      Deno.writeTextFileSync(config, JSON.stringify(daemonConfig, null, 2) + "\n");
      const lease = await ensureDaemon({
        name: "dockerd",
        argv: [dockerd.path, "--config-file", config, "--host", `unix://${DOCKER_SOCKET}`],
        async ready() {
          const r = await (effects ?? REAL_PROCESS_EFFECTS).run(
            [...cli, "version", "--format", "{{.Server.Version}}"],
            { timeoutMs: 10_000 },
          );
          return r.exitCode === 0;
        },
        logFile: `${ctx.workDir}/dockerd.log`,
        effects,
        log: ctx.log,
      });
      // A dockerd an earlier ocibench started reads this file, but only on SIGHUP: new runtimes
      // (e.g. a runsc fetched since) are unknown to it until then.
      if (lease.startedByOcibench) {
        const known = await dockerRuntimes(cli, effects ?? REAL_PROCESS_EFFECTS);
        const wanted = Object.keys(daemonConfig.runtimes as Record<string, unknown>);
        if (known && wanted.some((name) => !known.includes(name))) await reloadDockerd(ctx.log);
      }
      return () => lease.release();
    },
    runtimeFlag: () => dockerRuntimeName(runtime),
    async checkRuntime(cli, effects) {
      const known = await dockerRuntimes(cli, effects);
      if (!known) return "docker info failed: dockerd does not answer";
      const name = dockerRuntimeName(runtime);
      if (!known.includes(name)) return `the running dockerd does not know the runtime "${name}"`;
      return undefined;
    },
    importImage: (paths, cli, effects, log) =>
      importRootfsTar(paths, {
        cli,
        has: ["image", "inspect"],
        ref: dockerImageRef(paths.tag),
        effects,
        log,
      }),
    imageRef: (paths) => dockerImageRef(paths.tag),
    async versions(cli, effects) {
      const components: Record<string, string> = {};
      const server = await readVersion(
        [...cli, "version", "--format", "{{.Server.Version}}"],
        effects,
      );
      if (server) components.docker = server;
      const containerd = await readVersion(["containerd", "--version"], effects, / v?(\d[^\s]*)/);
      if (containerd) components.containerd = containerd;
      const lowVersion = await readVersion(
        [platform ? runscBinaryFor(platform) : runtime, "--version"],
        effects,
        /version (\S+)/,
      );
      if (lowVersion) components[low.binary] = lowVersion;
      return components;
    },
    notes: () =>
      platform
        ? runscProvenance(runscBinaryFor(platform))
        : runtime === "crun" && crunNeedsUnifiedUnmount()
        ? CRUN_WORKAROUND_NOTE
        : undefined,
    fix(reason) {
      if (platform) {
        const mend = runscMend(
          platform,
          findExecutable(runscBinaryFor(platform)).path ? reason : `${low.binary} is not installed`,
        );
        if (mend) return mend.fix;
      }
      if (/does not know the runtime/.test(reason)) {
        return `declare it in /etc/docker/daemon.json, e.g. ${
          JSON.stringify({ runtimes: dockerDaemonConfig().runtimes })
        }, then reload dockerd (kill -HUP $(pidof dockerd))`;
      }
      if (/dockerd is not installed/.test(reason)) return "apt-get install docker.io";
      if (/hybrid mode/.test(reason)) return CRUN_HYBRID_FIX;
      if (/dockerd (exited|did not answer)/.test(reason)) {
        return "see the dockerd log in the run's work dir; start dockerd by hand to check";
      }
      return undefined;
    },
    precheck: () => platform ? runscLacksPlatform(platform) : Promise.resolve(undefined),
    installer: (reason) =>
      platform
        ? runscMend(
          platform,
          findExecutable(runscBinaryFor(platform)).path ? reason : "runsc is not installed",
        )?.installer
        : undefined,
  }, options);
}

/** The runtime names the answering dockerd knows, or undefined when it does not answer. */
async function dockerRuntimes(
  cli: string[],
  effects: ProcessEffects,
): Promise<string[] | undefined> {
  const r = await effects.run([...cli, "info", "--format", "{{json .Runtimes}}"], {
    timeoutMs: 30_000,
  });
  if (r.exitCode !== 0) return undefined;
  try {
    return Object.keys(JSON.parse(r.stdout || "{}"));
  } catch {
    return undefined;
  }
}

/** Sends SIGHUP to the dockerd of `/var/run/docker.pid`, which re-reads its runtimes. */
async function reloadDockerd(log: (message: string) => void): Promise<void> {
  try {
    const pid = Number(Deno.readTextFileSync("/var/run/docker.pid").trim());
    if (!(pid > 0) || Deno.readTextFileSync(`/proc/${pid}/comm`).trim() !== "dockerd") return;
    log(`dockerd ${pid}: its runtimes changed, reloading them (SIGHUP)`);
    Deno.kill(pid, "SIGHUP");
    await new Promise((resolve) => setTimeout(resolve, 500));
  } catch {
    // No pid file or no such process: the runtime check says what is wrong.
  }
}

/** Where the low-level runtime puts the cgroup of docker container `id` (cgroupfs manager). */
export function dockerCgroupPaths(id: string): string[] {
  return [`docker/${id}`];
}

/** The image reference docker knows our image by. */
export function dockerImageRef(tag: string): string {
  return `ocibench:${tag}`;
}

/** The host's address on docker's default bridge (its gateway). */
async function dockerBridgeGateway(run: CommandRunner): Promise<string> {
  const out = await runChecked([
    DOCKER_CLI,
    "--host",
    `unix://${DOCKER_SOCKET}`,
    "network",
    "inspect",
    "bridge",
    "--format",
    "{{range .IPAM.Config}}{{.Gateway}} {{end}}",
  ], { runner: run, timeoutMs: 30_000 });
  const gateway = out.split(/\s+/).find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a));
  if (!gateway) throw new Error(`docker's bridge network has no IPv4 gateway ("${out}")`);
  return gateway;
}

/**
 * docker containers of a run: asked of dockerd when it answers, else read from its data root
 * (`config.v2.json` of each container records its name).
 */
async function findDockerLeftovers(prefix: string, run: CommandRunner): Promise<Leftover[]> {
  const found: Leftover[] = [];
  if (pathExists(DOCKER_SOCKET)) {
    const r = await run([
      DOCKER_CLI,
      "--host",
      `unix://${DOCKER_SOCKET}`,
      "ps",
      "--all",
      "--filter",
      `name=${prefix}`,
      "--format",
      "{{.Names}}",
    ], { timeoutMs: 30_000 });
    if (r.exitCode === 0) {
      for (const n of r.stdout.split("\n").map((l) => l.trim())) {
        if (n.startsWith(prefix)) found.push({ kind: "container", where: "docker", name: n });
      }
      return found;
    }
  }
  const root = "/var/lib/docker/containers";
  for (const id of listDir(root)) {
    try {
      const config = Deno.readTextFileSync(`${root}/${id}/config.v2.json`);
      const name = /"Name":"\/([^"]+)"/.exec(config)?.[1];
      if (name?.startsWith(prefix)) {
        found.push({ kind: "container", where: "docker (stopped daemon)", name });
      }
    } catch {
      // Not a container directory.
    }
  }
  return found;
}

/** The docker plugin: docker with runc, crun and runsc, and its containers as leftovers. */
export const dockerRuntime: RuntimePlugin<AdapterOptions> = {
  name: "docker",
  adapters: {
    "docker-runc": (o) => dockerAdapter("runc", o),
    "docker-crun": (o) => dockerAdapter("crun", o),
    "docker-runsc": (o) => dockerAdapter("runsc", o),
    "docker-runsc-systrap": (o) => dockerAdapter("runsc-systrap", o),
  },
  aptPackages: ["docker.io"],
  containerCgroupPaths: dockerCgroupPaths,
  findLeftovers: findDockerLeftovers,
};
