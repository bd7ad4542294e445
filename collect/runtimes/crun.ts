/**
 * `crun`: the OCI runtime in C, run directly on a bundle (`crun run --bundle B ID`).
 *
 * crun 1.8 refuses to run on a hybrid cgroup host whose cgroup2 `unified` mount holds a
 * controller ("cgroups in hybrid mode not supported"). When the host is like that, the adapter
 * runs crun in a private mount namespace (`unshare -m`) where `/sys/fs/cgroup/unified` is
 * unmounted, so crun sees plain cgroup v1; the host is not changed. The fix for the whole
 * machine is to mount the controller as v1 (see {@link CRUN_HYBRID_FIX}).
 *
 * @module
 */
import type { RuntimeAdapter, RuntimePlugin } from "../types.ts";
import { bundleRuntimeAdapter } from "./_bundle.ts";
import { writeWrapperScript } from "./_wrappers.ts";
import {
  type AdapterOptions,
  type LowLevelRuntime,
  NAMESPACE_CAPABILITIES,
  readVersion,
} from "./_common.ts";

/** crun as a low-level runtime, also under the engines. */
export const CRUN: LowLevelRuntime = {
  binary: "crun",
  isolation: "os-container",
  stateRoot: { binary: "crun", root: "/run/crun" },
  capabilities: { hostsReachableServer: true, directIo: true },
};

/** The machine-wide fix for crun's hybrid-cgroup refusal (the controller here is hugetlb). */
export const CRUN_HYBRID_FIX: string =
  "mkdir -p /sys/fs/cgroup/hugetlb && mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb " +
  "(moves the controller held by the cgroup2 'unified' mount to v1)";

/** What doctor says when the workaround is in effect. */
export const CRUN_WORKAROUND_NOTE: string =
  "crun runs under unshare -m with /sys/fs/cgroup/unified unmounted (hybrid cgroups); " +
  `to run it plainly: ${CRUN_HYBRID_FIX}`;

/**
 * Whether the host is in the hybrid layout crun refuses: cgroup v1 hierarchies plus a cgroup2
 * mount at `/sys/fs/cgroup/unified` that holds at least one controller.
 */
export function crunNeedsUnifiedUnmount(): boolean {
  try {
    const mounts = Deno.readTextFileSync("/proc/self/mountinfo");
    if (!/ \/sys\/fs\/cgroup\/unified .* - cgroup2 /.test(mounts)) return false;
    const controllers = Deno.readTextFileSync("/sys/fs/cgroup/unified/cgroup.controllers").trim();
    return controllers !== "";
  } catch {
    return false;
  }
}

/** Options of {@link crunAdapter}. */
export interface CrunAdapterOptions extends AdapterOptions {
  /** Force (true) or forbid (false) the `unshare -m` workaround; detected when absent. */
  unmountUnified?: boolean;
}

/** The `crun` adapter (isolation class `os-container`). */
export function crunAdapter(options: CrunAdapterOptions = {}): RuntimeAdapter {
  const workaround = options.unmountUnified ?? crunNeedsUnifiedUnmount();
  const adapter = bundleRuntimeAdapter({
    id: "crun",
    name: "crun",
    isolation: CRUN.isolation,
    binary: CRUN.binary,
    aptPackage: "crun",
    stateRoot: CRUN.stateRoot,
    capabilities: NAMESPACE_CAPABILITIES,
    globalArgs: () => [],
    wrap: workaround
      ? (argv) =>
        // argv goes through "$@", never into the script text.
        Promise.resolve([
          "unshare",
          "-m",
          "--",
          "sh",
          "-c",
          'umount /sys/fs/cgroup/unified && exec "$@"',
          "ocibench-crun",
          ...argv,
        ])
      : undefined,
    async version(binary, effects) {
      const version = await readVersion([binary, "--version"], effects, /crun version (\S+)/);
      return { version, components: version ? { crun: version } : undefined };
    },
    fix: (reason) => /hybrid mode/.test(reason) ? CRUN_HYBRID_FIX : undefined,
  }, options);
  if (!workaround) return adapter;
  const detect = adapter.detect.bind(adapter);
  adapter.detect = async (ctx) => ({
    ...await detect(ctx),
    notes: CRUN_WORKAROUND_NOTE,
  });
  return adapter;
}

/** The crun plugin: the `crun` adapter and crun's state root. */
export const crunRuntime: RuntimePlugin<AdapterOptions> = {
  name: "crun",
  adapters: { crun: (o) => crunAdapter(o) },
  aptPackages: ["crun"],
  stateRoots: [CRUN.stateRoot],
};

/** A crun wrapper that hides the cgroup2 `unified` mount from crun (hybrid-cgroup hosts). */
export function crunHybridWrapper(crun: string): string {
  if (!/^[\w./-]+$/.test(crun)) throw new TypeError(`bad crun path "${crun}"`);
  return writeWrapperScript(
    "crun-hybrid",
    `exec unshare -m -- sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' crun ${crun} "$@"`,
  );
}
