/**
 * What a result set records about the machine it was measured on: kernel, CPU model, cores,
 * memory, cgroup mode, virtualisation (systemd-detect-virt) and OS. The parsers are pure; the
 * gathering reads `/proc`, `/etc/os-release` and runs `systemd-detect-virt`.
 *
 * @module
 */
import type { HostInfo } from "../model/result_set.ts";
import { type ProcessEffects, REAL_PROCESS_EFFECTS } from "./process.ts";

/** The CPU model from `/proc/cpuinfo` ("model name", or "Processor"/"cpu model" elsewhere). */
export function parseCpuModel(cpuinfo: string): string | undefined {
  const match = cpuinfo.match(/^(?:model name|Processor|cpu model)\s*:\s*(.+)$/m);
  return match?.[1].trim();
}

/** Logical CPUs listed in `/proc/cpuinfo` ("processor" lines). */
export function parseProcessorCount(cpuinfo: string): number {
  return (cpuinfo.match(/^processor\s*:/gm) ?? []).length;
}

/** Total memory in bytes from `/proc/meminfo` (`MemTotal: N kB`). */
export function parseMemTotalBytes(meminfo: string): number | undefined {
  const match = meminfo.match(/^MemTotal:\s*([0-9]+)\s*kB$/m);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** `PRETTY_NAME` (or `NAME VERSION`) from `/etc/os-release`. */
export function parseOsRelease(text: string): string | undefined {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = line.match(/^([A-Z_]+)=(.*)$/);
    if (match) values.set(match[1], match[2].replace(/^"(.*)"$/, "$1"));
  }
  return values.get("PRETTY_NAME") ??
    ([values.get("NAME"), values.get("VERSION")].filter(Boolean).join(" ") || undefined);
}

/**
 * The cgroup mode from `/proc/self/mountinfo`: `v2` when `/sys/fs/cgroup` is cgroup2, `hybrid`
 * when v1 hierarchies sit beside a cgroup2 mount (e.g. `/sys/fs/cgroup/unified`), `v1` otherwise.
 */
export function cgroupModeFromMountinfo(mountinfo: string): HostInfo["cgroupMode"] {
  let v1 = false;
  let v2Elsewhere = false;
  for (const line of mountinfo.split("\n")) {
    const [left, right] = line.split(" - ");
    if (!right) continue;
    const mountPoint = left.split(" ")[4];
    const fsType = right.split(" ")[0];
    if (fsType === "cgroup2") {
      if (mountPoint === "/sys/fs/cgroup") return "v2";
      v2Elsewhere = true;
    } else if (fsType === "cgroup") {
      v1 = true;
    }
  }
  if (v1) return v2Elsewhere ? "hybrid" : "v1";
  return v2Elsewhere ? "v2" : undefined;
}

/**
 * One string for `systemd-detect-virt --vm` and `--container` outputs: `kvm`, `docker`,
 * `kvm (container: docker)`, or `none`.
 */
export function describeVirtualization(vm: string, container: string): string {
  const v = vm.trim() || "none";
  const c = container.trim() || "none";
  if (v !== "none" && c !== "none") return `${v} (container: ${c})`;
  if (v !== "none") return v;
  return c;
}

/** A host id from a host name: lower case, other characters turned into `-`. */
export function hostIdFrom(hostname: string): string {
  const id = hostname.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "");
  return id || "host";
}

function readText(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

/** Options of {@link gatherHostInfo}. */
export interface GatherHostInfoOptions {
  effects?: ProcessEffects;
  /** Free text for `description`; default the CPU, cores and memory. */
  description?: string;
}

/** Gathers the facts of this machine. */
export async function gatherHostInfo(options: GatherHostInfoOptions = {}): Promise<HostInfo> {
  const effects = options.effects ?? REAL_PROCESS_EFFECTS;
  const cpuinfo = readText("/proc/cpuinfo");
  const cpuModel = parseCpuModel(cpuinfo);
  const cores = navigator.hardwareConcurrency || parseProcessorCount(cpuinfo) || 1;
  const memoryBytes = parseMemTotalBytes(readText("/proc/meminfo")) ??
    Deno.systemMemoryInfo().total;
  const detect = async (flag: string) => {
    try {
      const r = await effects.run(["systemd-detect-virt", flag], { timeoutMs: 10_000 });
      return r.stdout.trim();
    } catch {
      return "";
    }
  };
  const vm = await detect("--vm");
  const container = await detect("--container");
  const hostname = Deno.hostname();
  const gib = (memoryBytes / 2 ** 30).toFixed(1);
  return {
    id: hostIdFrom(hostname),
    description: options.description ?? `${cpuModel ?? "unknown CPU"}, ${cores} cores, ${gib} GiB`,
    hostname,
    os: parseOsRelease(readText("/etc/os-release")),
    kernel: Deno.osRelease(),
    architecture: Deno.build.arch,
    cpuModel,
    cores,
    memoryBytes,
    cgroupMode: cgroupModeFromMountinfo(readText("/proc/self/mountinfo")),
    virtualization: vm || container ? describeVirtualization(vm, container) : undefined,
  };
}
