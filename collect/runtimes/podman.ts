/**
 * podman with runc, crun or runsc (daemonless). Every container gets the same explicit
 * `--ulimit nofile/nproc` flags (podman 4.3 fails to start a container on this kind of host
 * without them). runsc goes through a wrapper that adds `--platform=ptrace --network=host`; crun
 * through the hybrid-cgroup wrapper when the host needs it.
 *
 * @module
 */
import type { RuntimeAdapter } from "../types.ts";
import { importIntoPodman } from "../image.ts";
import { engineAdapter } from "./_engine.ts";
import { type AdapterOptions, findExecutable, readVersion } from "./_common.ts";
import { crunHybridWrapper, runscWrapper } from "./_wrappers.ts";
import { CRUN_HYBRID_FIX, CRUN_WORKAROUND_NOTE, crunNeedsUnifiedUnmount } from "./crun.ts";

/** Low-level runtimes podman drives here. */
export type PodmanRuntime = "runc" | "crun" | "runsc";

/** The `podman-<runtime>` adapter. */
export function podmanAdapter(
  runtime: PodmanRuntime,
  options: AdapterOptions = {},
): RuntimeAdapter {
  let runtimePath = runtime as string;
  return engineAdapter({
    id: `podman-${runtime}`,
    name: `podman + ${runtime}${runtime === "runsc" ? " (ptrace)" : ""}`,
    isolation: runtime === "runsc" ? "syscall-sandbox" : "os-container",
    engine: "podman",
    lowLevelRuntime: runtime,
    binary: "podman",
    aptPackage: "podman",
    cliArgs: [],
    defaultBridge: "podman",
    up() {
      const found = findExecutable(runtime);
      if (!found.path) {
        return Promise.reject(
          new Error(`${runtime} is not installed (podman --runtime ${runtime})`),
        );
      }
      if (runtime === "runsc") runtimePath = runscWrapper(found.path, "ptrace");
      else if (runtime === "crun" && crunNeedsUnifiedUnmount()) {
        runtimePath = crunHybridWrapper(found.path);
      } else runtimePath = found.path;
      return Promise.resolve(() => Promise.resolve());
    },
    runtimeFlag: () => runtimePath,
    importImage: (paths, cli, effects, log) => importIntoPodman(paths, cli, { effects, log }),
    imageRef: (paths) => paths.refs.podman,
    async versions(cli, effects) {
      const components: Record<string, string> = {};
      const podman = await readVersion(
        [...cli, "version", "--format", "{{.Client.Version}}"],
        effects,
      );
      if (podman) components.podman = podman;
      const low = await readVersion([runtime, "--version"], effects, /version (\S+)/);
      if (low) components[runtime] = low;
      const conmon = await readVersion(["conmon", "--version"], effects, /conmon version (\S+)/);
      if (conmon) components.conmon = conmon;
      return components;
    },
    notes: () => runtime === "crun" && crunNeedsUnifiedUnmount() ? CRUN_WORKAROUND_NOTE : undefined,
    fix(reason) {
      if (/not installed/.test(reason)) return `apt-get install ${runtime}`;
      if (/hybrid mode/.test(reason)) return CRUN_HYBRID_FIX;
      if (/ulimit|RLIMIT/i.test(reason)) return "raise the hard nofile/nproc limits of this shell";
      return undefined;
    },
  }, options);
}
