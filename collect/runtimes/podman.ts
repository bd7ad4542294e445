/**
 * podman with runc, crun or runsc (daemonless). Every container gets the same explicit
 * `--ulimit nofile/nproc` flags (podman 4.3 fails to start a container on this kind of host
 * without them). runsc goes through a wrapper that adds `--platform=<platform> --network=host`
 * (`podman-runsc` on the legacy ptrace platform, `podman-runsc-systrap` on systrap); crun
 * through the hybrid-cgroup wrapper when the host needs it.
 *
 * @module
 */
import type { CommandRunner, Leftover, RuntimeAdapter, RuntimePlugin } from "../types.ts";
import { importRootfsTar } from "../image_import.ts";
import { engineAdapter } from "./_engine.ts";
import {
  type AdapterOptions,
  findExecutable,
  type LowLevelRuntime,
  pathExists,
  readVersion,
} from "./_common.ts";
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

/** Low-level runtimes podman drives here (`runsc` on ptrace, `runsc-systrap` on systrap). */
export type PodmanRuntime = "runc" | "crun" | "runsc" | "runsc-systrap";

const LOW_LEVEL: Record<PodmanRuntime, LowLevelRuntime> = {
  runc: RUNC,
  crun: CRUN,
  runsc: RUNSC,
  "runsc-systrap": RUNSC_SYSTRAP,
};

/** Where the low-level runtime puts the cgroup of podman container `id` (cgroupfs manager). */
export function podmanCgroupPaths(id: string): string[] {
  return [`libpod_parent/libpod-${id}`];
}

/** The image reference podman knows our image by. */
export function podmanImageRef(tag: string): string {
  return `localhost/ocibench:${tag}`;
}

/** The `podman-<runtime>` adapter. */
export function podmanAdapter(
  runtime: PodmanRuntime,
  options: AdapterOptions = {},
): RuntimeAdapter {
  let runtimePath = runtime as string;
  const low = LOW_LEVEL[runtime];
  const platform = engineRunscPlatform(runtime);
  const binaryOf = () => platform ? runscBinaryFor(platform) : runtime;
  return engineAdapter({
    id: `podman-${runtime}`,
    name: `podman + ${low.binary}${
      platform ? ` (${platform}${RUNSC_PLATFORMS[platform].legacy ? ", legacy platform" : ""})` : ""
    }`,
    isolation: low.isolation,
    engine: "podman",
    lowLevelRuntime: low.binary,
    ...(platform ? { platform: runscPlatform(platform) } : {}),
    capabilities: { ...low.capabilities, networks: ["bridge", "netns", "none"] },
    stateRoots: [low.stateRoot],
    cgroupPaths: podmanCgroupPaths,
    finishesOrphanCreates: false,
    binary: "podman",
    aptPackage: "podman",
    cliArgs: [],
    defaultBridge: "podman",
    netnsNetwork: (path) => `ns:${path}`,
    // podman would wait 10 s for a PID 1 that ignores SIGTERM.
    removeFlags: ["--time", "0"],
    annotates: true,
    // The checkpoint stays in the container's storage (restored from there); the exported copy
    // in `dir` shows its size.
    checkpointArgs: {
      create: (
        name,
        dir,
      ) => ["container", "checkpoint", "--keep", "--export", `${dir}/checkpoint.tar`, name],
      restore: (name) => ["container", "restore", "--keep", name],
    },
    up() {
      const found = findExecutable(binaryOf());
      if (!found.path) {
        return Promise.reject(
          new Error(`${low.binary} is not installed (podman --runtime ${runtime})`),
        );
      }
      if (platform) runtimePath = runscWrapper(found.path, platform);
      else if (runtime === "crun" && crunNeedsUnifiedUnmount()) {
        runtimePath = crunHybridWrapper(found.path);
      } else runtimePath = found.path;
      return Promise.resolve(() => Promise.resolve());
    },
    runtimeFlag: () => runtimePath,
    importImage: (paths, cli, effects, log) =>
      importRootfsTar(paths, {
        cli,
        has: ["image", "exists"],
        ref: podmanImageRef(paths.tag),
        effects,
        log,
      }),
    imageRef: (paths) => podmanImageRef(paths.tag),
    async versions(cli, effects) {
      const components: Record<string, string> = {};
      const podman = await readVersion(
        [...cli, "version", "--format", "{{.Client.Version}}"],
        effects,
      );
      if (podman) components.podman = podman;
      const lowVersion = await readVersion([binaryOf(), "--version"], effects, /version (\S+)/);
      if (lowVersion) components[low.binary] = lowVersion;
      const conmon = await readVersion(["conmon", "--version"], effects, /conmon version (\S+)/);
      if (conmon) components.conmon = conmon;
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
        const mend = runscMend(platform, reason);
        if (mend) return mend.fix;
      }
      if (/not installed/.test(reason)) return `apt-get install ${low.binary}`;
      if (/hybrid mode/.test(reason)) return CRUN_HYBRID_FIX;
      if (/ulimit|RLIMIT/i.test(reason)) return "raise the hard nofile/nproc limits of this shell";
      return undefined;
    },
    precheck: () => platform ? runscLacksPlatform(platform) : Promise.resolve(undefined),
    installer: (reason) => platform ? runscMend(platform, reason)?.installer : undefined,
  }, options);
}

/** podman containers of a run, when podman is installed. */
async function findPodmanLeftovers(prefix: string, run: CommandRunner): Promise<Leftover[]> {
  if (!pathExists("/usr/bin/podman")) return [];
  const r = await run([
    "podman",
    "ps",
    "--all",
    "--filter",
    `name=${prefix}`,
    "--format",
    "{{.Names}}",
  ], { timeoutMs: 60_000 });
  return r.stdout.split("\n").map((l) => l.trim()).filter((n) => n.startsWith(prefix))
    .map((name) => ({ kind: "container", where: "podman", name }));
}

/** The podman plugin: podman with runc, crun and runsc, and its containers as leftovers. */
export const podmanRuntime: RuntimePlugin<AdapterOptions> = {
  name: "podman",
  adapters: {
    "podman-runc": (o) => podmanAdapter("runc", o),
    "podman-crun": (o) => podmanAdapter("crun", o),
    "podman-runsc": (o) => podmanAdapter("runsc", o),
    "podman-runsc-systrap": (o) => podmanAdapter("runsc-systrap", o),
  },
  aptPackages: ["podman"],
  containerCgroupPaths: podmanCgroupPaths,
  findLeftovers: findPodmanLeftovers,
};
