/**
 * LXC, application containers through `lxc-execute` (which runs `init.lxc` as PID 1 around the
 * command): `lxc-execute -P DIR -n NAME -f CONF -- argv`, with a config whose root is the
 * step's overlay, no network but loopback (`lxc.net.0.type = empty`) or our netns
 * (`lxc.namespace.share.net`), apparmor unconfined, autodev.
 *
 * @module
 */
import type { RuntimeAdapter, RuntimePlugin, StepSpec } from "../types.ts";
import { IMAGE_PATH_ENV } from "../image_recipe.ts";
import { CPU_PERIOD_US, hostNofileLimit } from "../oci_config.ts";
import { type AdapterOptions, NAMESPACE_CAPABILITIES, readVersion } from "./_common.ts";
import { rootfsToolAdapter } from "./_rootfs_tool.ts";

function clean(value: string, what: string): string {
  if (/[\n\r]/.test(value)) throw new TypeError(`lxc: ${what} must not contain a newline`);
  return value;
}

/** Whether the host runs the unified cgroup v2 hierarchy only (no v1 controllers). */
export function unifiedCgroupsOnly(): boolean {
  try {
    Deno.statSync("/sys/fs/cgroup/cgroup.controllers");
    return true;
  } catch {
    return false;
  }
}

/**
 * The LXC config of a step whose root is `rootfs`. Limits use the cgroup v1 keys, or the v2 ones
 * when `cgroup2` (default: detected).
 */
export function lxcConfig(
  step: StepSpec,
  rootfs: string,
  name: string,
  cgroup2 = unifiedCgroupsOnly(),
): string {
  const lines = [
    `lxc.uts.name = ${clean(name.slice(0, 63), "name")}`,
    `lxc.rootfs.path = dir:${clean(rootfs, "rootfs")}`,
    "lxc.apparmor.profile = unconfined",
    "lxc.autodev = 1",
    "lxc.mount.auto = proc:mixed sys:ro",
    `lxc.prlimit.nofile = ${hostNofileLimit()}`,
    `lxc.environment = PATH=${IMAGE_PATH_ENV}`,
  ];
  if (step.network?.kind === "netns") {
    lines.push(`lxc.namespace.share.net = /var/run/netns/${clean(step.network.name, "netns")}`);
  } else if (step.network?.kind === "bridge") {
    throw new Error("lxc: no bridge network here");
  } else {
    lines.push("lxc.net.0.type = empty");
  }
  for (const m of step.mounts ?? []) {
    if (/\s/.test(m.hostPath) || /\s/.test(m.containerPath)) {
      throw new TypeError(`lxc: mount paths must not contain spaces: ${m.hostPath}`);
    }
    lines.push(
      `lxc.mount.entry = ${m.hostPath} ${m.containerPath.replace(/^\//, "")} none bind,create=dir${
        m.readonly ? ",ro" : ""
      } 0 0`,
    );
  }
  for (const [k, v] of Object.entries(step.env ?? {})) {
    lines.push(`lxc.environment = ${clean(k, "env name")}=${clean(v, "env value")}`);
  }
  if (step.cwd) lines.push(`lxc.init.cwd = ${clean(step.cwd, "cwd")}`);
  const memory = step.limits?.memoryBytes ? Math.round(step.limits.memoryBytes) : undefined;
  const quota = step.limits?.cpus ? Math.round(step.limits.cpus * CPU_PERIOD_US) : undefined;
  const pids = step.limits?.pids ? Math.round(step.limits.pids) : undefined;
  if (pids) lines.push(`lxc.cgroup${cgroup2 ? "2" : ""}.pids.max = ${pids}`);
  if (cgroup2) {
    if (memory) lines.push(`lxc.cgroup2.memory.max = ${memory}`);
    if (quota) lines.push(`lxc.cgroup2.cpu.max = ${quota} ${CPU_PERIOD_US}`);
  } else {
    if (memory) lines.push(`lxc.cgroup.memory.limit_in_bytes = ${memory}`);
    if (quota) {
      lines.push(`lxc.cgroup.cpu.cfs_period_us = ${CPU_PERIOD_US}`);
      lines.push(`lxc.cgroup.cpu.cfs_quota_us = ${quota}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** The `lxc` adapter (isolation class `os-container`). */
export function lxcAdapter(options: AdapterOptions = {}): RuntimeAdapter {
  return rootfsToolAdapter({
    id: "lxc",
    name: "LXC (lxc-execute)",
    isolation: "os-container",
    binary: "lxc-execute",
    aptPackage: "lxc",
    capabilities: NAMESPACE_CAPABILITIES,
    ownLimits: true,
    version: (binary, effects) => readVersion([binary, "--version"], effects),
    command(step, bundle, binary) {
      const conf = `${bundle.dir}/lxc.conf`;
      Deno.writeTextFileSync(conf, lxcConfig(step, bundle.rootfs, bundle.id));
      Deno.mkdirSync(`${bundle.dir}/lxcpath`, { recursive: true });
      return {
        argv: [
          binary,
          "--lxcpath",
          `${bundle.dir}/lxcpath`,
          "--name",
          bundle.id,
          "--rcfile",
          conf,
          "--",
          ...step.argv,
        ],
      };
    },
  }, options);
}

/** The lxc plugin. */
export const lxcRuntime: RuntimePlugin<AdapterOptions> = {
  name: "lxc",
  adapters: { "lxc": (o) => lxcAdapter(o) },
  aptPackages: ["lxc"],
};
