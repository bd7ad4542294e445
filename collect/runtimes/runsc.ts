/**
 * `runsc` (gVisor): a user-space kernel that intercepts the workload's system calls, run
 * directly on a bundle (`runsc --platform=P --network=N run --bundle B ID`).
 *
 * This Debian build (2022-12-19) has no `systrap` platform and its `kvm` platform hangs inside a
 * VM, so `ptrace` is the default. Its own netstack refuses to run in the root network namespace:
 * a step without a network gets `--network=none`; a step in one of our namespaces gets
 * `--network=host` (the sandbox uses the namespace's stack) and joins it through the spec.
 *
 * @module
 */
import type { RuntimeAdapter, RuntimePlugin } from "../types.ts";
import { bundleRuntimeAdapter } from "./_bundle.ts";
import { writeWrapperScript } from "./_wrappers.ts";
import { type AdapterOptions, type LowLevelRuntime, readVersion } from "./_common.ts";

/**
 * runsc as a low-level runtime, also under the engines. Its state root holds a
 * `<id>_sandbox:<id>.state` file (and a `.lock` beside it) per container. A server inside the
 * sandbox is not reliably reachable from outside it here (network benchmarks run theirs under the
 * baseline instead), and O_DIRECT does not reach the host: the sandbox's own file layer serves
 * the workload's I/O.
 */
export const RUNSC: LowLevelRuntime = {
  binary: "runsc",
  isolation: "syscall-sandbox",
  stateRoot: { binary: "runsc", root: "/run/runsc", entriesOf: runscStateEntries },
  capabilities: {
    hostsReachableServer: false,
    serverLimitation:
      "a server inside gVisor is not reliably reachable from outside its sandbox here",
    directIo: false,
  },
};

/**
 * The entries of runsc's state root that hold container `id`'s state: `<id>_sandbox:<sandbox>.state`
 * and its `.lock`. Exact: the state of `<id>0` is not `id`'s. runsc killed between taking its
 * lock and writing its state leaves the `.lock` alone, and `runsc delete --force` then reports
 * success because no `.state` names the container; killed while writing, it leaves an empty
 * `.state` it cannot load. Both are removed once nothing runs under the id.
 *
 * @example
 * ```ts
 * runscStateEntries(["ab_sandbox:ab.lock", "abc_sandbox:abc.state", "ab"], "ab");
 * // ["ab_sandbox:ab.lock"]
 * ```
 */
export function runscStateEntries(names: readonly string[], id: string): string[] {
  return names.filter((n) => n.startsWith(`${id}_sandbox:`) && /\.(state|lock)$/.test(n));
}

/** gVisor platforms this adapter knows. */
export type RunscPlatform = "ptrace" | "systrap" | "kvm";

/** Options of {@link runscAdapter}. */
export interface RunscAdapterOptions extends AdapterOptions {
  /** Default `ptrace`. The id becomes `runsc-<platform>`. */
  platform?: RunscPlatform;
}

/** The `runsc-<platform>` adapter (isolation class `syscall-sandbox`). */
export function runscAdapter(options: RunscAdapterOptions = {}): RuntimeAdapter {
  const platform = options.platform ?? "ptrace";
  return bundleRuntimeAdapter({
    id: `runsc-${platform}`,
    name: `runsc (gVisor, ${platform})`,
    isolation: RUNSC.isolation,
    binary: RUNSC.binary,
    aptPackage: "runsc",
    stateRoot: RUNSC.stateRoot,
    capabilities: { ...RUNSC.capabilities, networks: ["netns", "none"] },
    globalArgs: (step) => [
      `--platform=${platform}`,
      step.network?.kind === "netns" ? "--network=host" : "--network=none",
    ],
    async version(binary, effects) {
      const version = await readVersion([binary, "--version"], effects, /runsc version (\S+)/);
      return { version, components: version ? { runsc: version } : undefined };
    },
    fix: (reason) =>
      /platform/.test(reason)
        ? `this runsc has no "${platform}" platform: use runsc-ptrace`
        : undefined,
  }, options);
}

/** The runsc plugin: the `runsc-ptrace` adapter and gVisor's state root. */
export const runscRuntime: RuntimePlugin<AdapterOptions> = {
  name: "runsc",
  adapters: { "runsc-ptrace": (o) => runscAdapter({ ...o, platform: "ptrace" }) },
  aptPackages: ["runsc"],
  stateRoots: [RUNSC.stateRoot],
};

/** A runsc wrapper for engines: `runsc --platform=<platform> --network=host "$@"`. */
export function runscWrapper(runsc: string, platform: string): string {
  if (!/^[a-z]+$/.test(platform)) throw new TypeError(`bad runsc platform "${platform}"`);
  if (!/^[\w./-]+$/.test(runsc)) throw new TypeError(`bad runsc path "${runsc}"`);
  return writeWrapperScript(
    `runsc-${platform}`,
    `exec ${runsc} --platform=${platform} --network=host "$@"`,
  );
}
