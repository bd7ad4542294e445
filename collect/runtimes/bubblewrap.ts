/**
 * bubblewrap (`bwrap`): unprivileged namespaces around a process, no daemon, no cgroups of its
 * own (limits go through a cgroup of ours, see `_cgroup.ts`):
 * `bwrap --bind ROOT / --proc /proc --dev /dev --unshare-all --die-with-parent -- argv`.
 * A `netns` step runs bwrap through `ip netns exec` with `--share-net`.
 *
 * @module
 */
import type { RuntimeAdapter, RuntimePlugin } from "../types.ts";
import { IMAGE_PATH_ENV } from "../image_recipe.ts";
import { type AdapterOptions, NAMESPACE_CAPABILITIES, readVersion } from "./_common.ts";
import { rootfsToolAdapter } from "./_rootfs_tool.ts";

/** The `bubblewrap` adapter (isolation class `os-container`). */
export function bubblewrapAdapter(options: AdapterOptions = {}): RuntimeAdapter {
  return rootfsToolAdapter({
    id: "bubblewrap",
    name: "bubblewrap",
    isolation: "os-container",
    binary: "bwrap",
    aptPackage: "bubblewrap",
    capabilities: NAMESPACE_CAPABILITIES,
    version: (binary, effects) => readVersion([binary, "--version"], effects, /bubblewrap (\S+)/),
    command(step, bundle, binary) {
      const netns = step.network?.kind === "netns" ? step.network.name : undefined;
      if (step.network?.kind === "bridge") throw new Error("bubblewrap has no bridge network");
      const argv = [
        ...(netns ? ["ip", "netns", "exec", netns] : []),
        binary,
        "--bind",
        bundle.rootfs,
        "/",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--unshare-all",
        ...(netns ? ["--share-net"] : []),
        "--die-with-parent",
        "--hostname",
        "ocibench",
        "--clearenv",
        "--setenv",
        "PATH",
        IMAGE_PATH_ENV,
      ];
      for (const m of step.mounts ?? []) {
        argv.push(m.readonly ? "--ro-bind" : "--bind", m.hostPath, m.containerPath);
      }
      for (const [k, v] of Object.entries(step.env ?? {})) argv.push("--setenv", k, v);
      if (step.cwd) argv.push("--chdir", step.cwd);
      argv.push("--", ...step.argv);
      return { argv };
    },
  }, options);
}

/** The bubblewrap plugin. */
export const bubblewrapRuntime: RuntimePlugin<AdapterOptions> = {
  name: "bubblewrap",
  adapters: { "bubblewrap": (o) => bubblewrapAdapter(o) },
  aptPackages: ["bubblewrap"],
};
