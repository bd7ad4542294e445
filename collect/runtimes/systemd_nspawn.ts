/**
 * systemd-nspawn: `systemd-nspawn -q -D ROOT --register=no --keep-unit --pipe
 * --private-network -- argv`. A `netns` step joins it with `--network-namespace-path`.
 * (nspawn warns that /run/systemd/nspawn is missing on hosts without machined: harmless.)
 *
 * @module
 */
import type { RuntimeAdapter, RuntimePlugin } from "../types.ts";
import { type AdapterOptions, NAMESPACE_CAPABILITIES, readVersion } from "./_common.ts";
import { rootfsToolAdapter } from "./_rootfs_tool.ts";

/** The `systemd-nspawn` adapter (isolation class `os-container`). */
export function systemdNspawnAdapter(options: AdapterOptions = {}): RuntimeAdapter {
  return rootfsToolAdapter({
    id: "systemd-nspawn",
    name: "systemd-nspawn",
    isolation: "os-container",
    binary: "systemd-nspawn",
    aptPackage: "systemd-container",
    capabilities: NAMESPACE_CAPABILITIES,
    version: (binary, effects) => readVersion([binary, "--version"], effects, /systemd (\d+)/),
    command(step, bundle, binary) {
      if (step.network?.kind === "bridge") throw new Error("systemd-nspawn: no bridge network");
      const argv = [
        binary,
        "--quiet",
        "--directory",
        bundle.rootfs,
        "--register=no",
        "--keep-unit",
        "--pipe",
        `--machine=${bundle.id.slice(-64)}`,
        step.network?.kind === "netns"
          ? `--network-namespace-path=/var/run/netns/${step.network.name}`
          : "--private-network",
      ];
      for (const m of step.mounts ?? []) {
        if (m.hostPath.includes(":") || m.containerPath.includes(":")) {
          throw new TypeError(`mount paths must not contain ":": ${m.hostPath}`);
        }
        argv.push(`${m.readonly ? "--bind-ro" : "--bind"}=${m.hostPath}:${m.containerPath}`);
      }
      for (const [k, v] of Object.entries(step.env ?? {})) argv.push(`--setenv=${k}=${v}`);
      if (step.cwd) argv.push(`--chdir=${step.cwd}`);
      argv.push("--", ...step.argv);
      return { argv };
    },
  }, options);
}

/** The systemd-nspawn plugin. */
export const systemdNspawnRuntime: RuntimePlugin<AdapterOptions> = {
  name: "systemd_nspawn",
  adapters: { "systemd-nspawn": (o) => systemdNspawnAdapter(o) },
  aptPackages: ["systemd-container"],
};
