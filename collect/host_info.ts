/**
 * What a result set records about the machine it was measured on: kernel, CPU model, cores,
 * memory, cgroup mode, virtualisation (systemd-detect-virt) and OS, and the facts that set the
 * baseline's cost of a system call: CPU flags, microcode, the kernel's speculative-execution
 * mitigations, its command line and whether hardware virtualisation is available. The parsers
 * are pure; the gathering reads `/proc`, `/sys`, `/etc/os-release` and runs
 * `systemd-detect-virt`.
 *
 * @module
 */
import type { HostInfo } from "../model/result_set.ts";
import { type ProcessEffects, REAL_PROCESS_EFFECTS } from "./process.ts";
import { listDir, pathExists } from "./host_fs.ts";

/** The CPU model from `/proc/cpuinfo` ("model name", or "Processor"/"cpu model" elsewhere). */
export function parseCpuModel(cpuinfo: string): string | undefined {
  const match = cpuinfo.match(/^(?:model name|Processor|cpu model)\s*:\s*(.+)$/m);
  return match?.[1].trim();
}

/**
 * The CPU flags recorded in every result set: those that change what a system call, a context
 * switch or a page-table switch costs (PCID/INVPCID spare TLB flushes under page-table
 * isolation; `pti` is that isolation; IBRS/IBPB/STIBP/SSBD/`md_clear` are the speculation
 * controls mitigations use; SMEP/SMAP/FSGSBASE change kernel entry and exit), and those that say
 * whether the host is a guest and can run guests.
 */
export const COST_CPU_FLAGS: readonly string[] = [
  "pcid",
  "invpcid",
  "pti",
  "fsgsbase",
  "smep",
  "smap",
  "ibrs",
  "ibrs_enhanced",
  "ibpb",
  "stibp",
  "ssbd",
  "md_clear",
  "hypervisor",
  "vmx",
  "svm",
];

/** The flags of the first CPU in `/proc/cpuinfo` ("flags" line). */
export function parseCpuFlags(cpuinfo: string): Set<string> {
  const line = /^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? "";
  return new Set(line.split(/\s+/).filter((f) => f !== ""));
}

/**
 * Each of {@link COST_CPU_FLAGS}: whether `/proc/cpuinfo` lists it; undefined when it lists no
 * flags at all (another architecture), so that absence is never claimed without evidence.
 */
export function costCpuFlags(cpuinfo: string): Record<string, boolean> | undefined {
  const flags = parseCpuFlags(cpuinfo);
  if (flags.size === 0) return undefined;
  return Object.fromEntries(COST_CPU_FLAGS.map((f) => [f, flags.has(f)]));
}

/** The microcode revision of the first CPU in `/proc/cpuinfo`, e.g. `0x1000065`. */
export function parseMicrocode(cpuinfo: string): string | undefined {
  return /^microcode\s*:\s*(\S+)/m.exec(cpuinfo)?.[1];
}

/**
 * The kernel's parameters from `/proc/cmdline`: what precedes a ` -- ` (the rest goes to init
 * and sets no kernel cost), whitespace collapsed.
 */
export function kernelParameters(cmdline: string): string {
  const text = ` ${cmdline.replace(/\s+/g, " ").trim()} `;
  const cut = text.indexOf(" -- ");
  return (cut >= 0 ? text.slice(0, cut) : text).trim();
}

/**
 * The vulnerabilities directory's files (name → content) as a record, sorted by name, values
 * trimmed; undefined when there are none.
 */
export function vulnerabilitiesFrom(
  files: Iterable<[string, string]>,
): Record<string, string> | undefined {
  const entries = [...files].map(([name, text]) => [name, text.trim()] as const)
    .filter(([name, text]) => /^[a-z0-9_]+$/.test(name) && text !== "")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** Where the kernel lists its state per speculative-execution vulnerability. */
export const VULNERABILITIES_DIR = "/sys/devices/system/cpu/vulnerabilities";

/** Options of {@link hardwareVirtualizationFrom}. */
export interface HardwareVirtualizationFacts {
  cpuinfo: string;
  kvmDevice: boolean;
  /** Names under `/sys/module`. */
  modules: readonly string[];
  /** Content of `/sys/module/kvm_{intel,amd}/parameters/nested`, when present. */
  nestedParameter?: string;
}

/** Whether this host can run hardware-virtualised guests, from what the kernel shows. */
export function hardwareVirtualizationFrom(
  facts: HardwareVirtualizationFacts,
): NonNullable<HostInfo["hardwareVirtualization"]> {
  const flags = parseCpuFlags(facts.cpuinfo);
  const nested = facts.nestedParameter?.trim();
  return {
    cpuFlag: flags.has("vmx") ? "vmx" : flags.has("svm") ? "svm" : null,
    kvmDevice: facts.kvmDevice,
    kvmModules: facts.modules.filter((m) => /^kvm(_|$)/.test(m)).sort(),
    ...(nested ? { nested: /^(y|1)$/i.test(nested) } : {}),
  };
}

/**
 * One line for a person: whether hardware VMs can run here and why, e.g. `no: the CPU shows
 * neither vmx nor svm (/dev/kvm present, modules kvm, kvm_pvm)`.
 */
export function describeHardwareVirtualization(
  hv: NonNullable<HostInfo["hardwareVirtualization"]>,
): string {
  const modules = hv.kvmModules.length > 0 ? `, modules ${hv.kvmModules.join(", ")}` : "";
  const device = `/dev/kvm ${hv.kvmDevice ? "present" : "absent"}${modules}`;
  if (hv.cpuFlag === null) return `no: the CPU shows neither vmx nor svm (${device})`;
  if (!hv.kvmDevice) return `no: the CPU shows ${hv.cpuFlag} but ${device}`;
  const nested = hv.nested === undefined
    ? ""
    : `; nested virtualisation for its guests ${hv.nested ? "on" : "off"}`;
  return `yes: ${hv.cpuFlag}, ${device}${nested}`;
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
  const cmdline = readText("/proc/cmdline");
  const vulnerabilities = vulnerabilitiesFrom(
    listDir(VULNERABILITIES_DIR).map((n) => [n, readText(`${VULNERABILITIES_DIR}/${n}`)]),
  );
  const modules = listDir("/sys/module");
  const nestedParameter = ["kvm_intel", "kvm_amd"].map((m) =>
    readText(`/sys/module/${m}/parameters/nested`)
  ).find((t) => t.trim() !== "");
  const cpuFlags = costCpuFlags(cpuinfo);
  const microcode = parseMicrocode(cpuinfo);
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
    ...(cpuFlags ? { cpuFlags } : {}),
    ...(microcode ? { microcode } : {}),
    ...(vulnerabilities ? { vulnerabilities } : {}),
    ...(cmdline.trim() !== "" ? { kernelCommandLine: kernelParameters(cmdline) } : {}),
    hardwareVirtualization: hardwareVirtualizationFrom({
      cpuinfo,
      kvmDevice: pathExists("/dev/kvm"),
      modules,
      nestedParameter,
    }),
  };
}
