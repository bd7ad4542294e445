/**
 * The security properties the `security` benchmark measures inside a runtime, each one metric of
 * category `security` (id `security.<name>`), and the rule by which a value passes. Collect
 * writes them, analyze scores them (analyze/security_score.ts), the report shows them.
 *
 * Their metric direction is `none`: a property is judged by its pass rule, not ranked by a ratio
 * to the baseline (a ratio of two 0/1 flags means nothing). `better` says which way is safer.
 *
 * @module
 */

/** One measured security property. */
export interface SecurityProperty {
  /** The metric id, `security.<name>`. */
  metric: string;
  /** What a person reads, e.g. "dangerous capabilities". */
  name: string;
  /** `1` for a 0/1 flag, or what a count counts. */
  unit: string;
  /** Which way is safer. */
  better: "lower" | "higher";
  /** The value passes when it is at most (better lower) or at least (better higher) this. */
  threshold: number;
  /**
   * True when the property is about what the workload can do to the kernel it talks to: where
   * that kernel is not the host's (a user-space kernel answers instead) a failure costs less (see
   * analyze/security_score.ts).
   */
  hostKernelOnly: boolean;
  description: string;
}

/** The dangerous system calls the probe tries, by the probe's name for each. */
export const PROBED_SYSCALLS = [
  "keyctl",
  "add_key",
  "bpf",
  "perf_event_open",
  "userfaultfd",
  "io_uring_setup",
  "unshare_newuser",
  "mount",
  "ptrace",
  "open_by_handle_at",
  "kexec_load",
  "init_module",
  "setns",
  "personality",
] as const;
/** A probed system call. */
export type ProbedSyscall = typeof PROBED_SYSCALLS[number];

/**
 * Capabilities counted as dangerous: each lets a process reach past its namespaces (mount, load
 * code into the kernel, read host memory or files by handle, trace other processes, forge
 * packets). CAP_NET_RAW is in Docker's default set and the reason ARP/DNS spoofing works from a
 * container.
 */
export const DANGEROUS_CAPABILITIES: readonly string[] = [
  "CAP_SYS_ADMIN",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_PTRACE",
  "CAP_SYS_BOOT",
  "CAP_DAC_READ_SEARCH",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_BPF",
  "CAP_PERFMON",
  "CAP_SYS_TIME",
  "CAP_SYSLOG",
  "CAP_MAC_ADMIN",
  "CAP_MAC_OVERRIDE",
];

/** The metric id of a probed system call. */
export function syscallMetric(call: ProbedSyscall): string {
  return `security.syscall_${call}`;
}

const flag = (
  name: string,
  metricName: string,
  better: "lower" | "higher",
  hostKernelOnly: boolean,
  description: string,
): SecurityProperty => ({
  metric: `security.${name}`,
  name: metricName,
  unit: "1",
  better,
  threshold: better === "lower" ? 0 : 1,
  hostKernelOnly,
  description,
});

/** Every property, in the order a report lists them. */
export const SECURITY_PROPERTIES: readonly SecurityProperty[] = [
  flag(
    "host_kernel",
    "system calls reach the host kernel",
    "lower",
    false,
    "1 when the kernel the workload talks to reports the host's release and version (uname); " +
      "0 when another kernel answers (gVisor's Sentry, a VM's guest).",
  ),
  flag(
    "host_root",
    "root is host root",
    "lower",
    true,
    "1 when the workload's uid maps to uid 0 of the host kernel (/proc/self/uid_map) while its " +
      "system calls reach that kernel.",
  ),
  flag(
    "seccomp",
    "seccomp filter on",
    "higher",
    true,
    "1 when /proc/self/status shows Seccomp: 2 (a filter).",
  ),
  flag(
    "no_new_privs",
    "no_new_privs set",
    "higher",
    true,
    "1 when /proc/self/status shows NoNewPrivs: 1: set-uid programs cannot raise privileges.",
  ),
  {
    metric: "security.cap_dangerous",
    name: "dangerous capabilities",
    unit: "capabilities",
    better: "lower",
    threshold: 0,
    hostKernelOnly: true,
    description: `Effective capabilities among ${DANGEROUS_CAPABILITIES.join(", ")}.`,
  },
  {
    metric: "security.cap_effective",
    name: "effective capabilities",
    unit: "capabilities",
    better: "lower",
    threshold: 14,
    hostKernelOnly: true,
    description: "Capabilities in the effective set (CapEff); Docker's default set has 14.",
  },
  {
    metric: "security.cap_bounding",
    name: "bounding capabilities",
    unit: "capabilities",
    better: "lower",
    threshold: 14,
    hostKernelOnly: true,
    description: "Capabilities in the bounding set (CapBnd): what an exec of a set-uid or " +
      "file-capability program could still gain.",
  },
  {
    metric: "security.syscalls_reachable",
    name: "dangerous system calls reachable",
    unit: "calls",
    better: "lower",
    threshold: 0,
    hostKernelOnly: true,
    description: `Of the ${PROBED_SYSCALLS.length} probed system calls, those that got past ` +
      "filters and capability checks (any outcome but EPERM, EACCES or ENOSYS).",
  },
  ...PROBED_SYSCALLS.map((call) =>
    flag(
      `syscall_${call}`,
      call === "unshare_newuser" ? "unshare(CLONE_NEWUSER) reachable" : `${call} reachable`,
      "lower",
      true,
      `1 when ${
        call === "unshare_newuser" ? "unshare(CLONE_NEWUSER)" : call
      } got past filters and capability checks (harmless arguments; see collect/c/security_probe.c).`,
    )
  ),
  flag(
    "kcore_readable",
    "/proc/kcore readable",
    "lower",
    true,
    "1 when the first bytes of /proc/kcore read as an ELF header: the host's memory is readable.",
  ),
  flag(
    "core_pattern_writable",
    "/proc/sys/kernel/core_pattern writable",
    "lower",
    true,
    "1 when core_pattern is on a read-write mount and writable for the workload (checked with " +
      "statvfs and access, never written): the classic way to run a program as host root.",
  ),
  flag(
    "sysrq_writable",
    "/proc/sysrq-trigger writable",
    "lower",
    true,
    "1 when /proc/sysrq-trigger exists on a read-write mount and is writable (not opened).",
  ),
  flag(
    "sys_writable",
    "/sys writable",
    "lower",
    true,
    "1 when /sys is mounted read-write and writable for the workload.",
  ),
  flag(
    "sys_firmware_visible",
    "/sys/firmware visible",
    "lower",
    true,
    "1 when /sys/firmware lists entries (the OCI default masks it with an empty directory).",
  ),
  flag(
    "dev_mem_opens",
    "/dev/mem opens",
    "lower",
    true,
    "1 when /dev/mem opens read-only (nothing is read).",
  ),
  {
    metric: "security.block_devices",
    name: "block devices in /dev",
    unit: "devices",
    better: "lower",
    threshold: 0,
    hostKernelOnly: true,
    description: "Block device nodes in /dev (host disks, loop devices).",
  },
  flag(
    "lsm_confined",
    "LSM label confines",
    "higher",
    true,
    "1 when /proc/self/attr/current names a label other than unconfined (AppArmor, SELinux).",
  ),
  flag(
    "host_interfaces_visible",
    "host network interfaces visible",
    "lower",
    false,
    "1 when an interface with a hardware address of one of the host's interfaces is visible.",
  ),
  flag(
    "pids_limit_enforced",
    "pids limit holds",
    "higher",
    false,
    "1 when forking stops with EAGAIN before the probe's cap under the small pids limit the " +
      "run sets.",
  ),
  flag(
    "memory_limit_enforced",
    "memory limit holds",
    "higher",
    false,
    "1 when a child touching twice the run's memory limit is stopped (killed or refused) " +
      "before it gets there.",
  ),
];

/** The property of a metric id, if it is one. */
export function securityProperty(metric: string): SecurityProperty | undefined {
  return SECURITY_PROPERTIES.find((p) => p.metric === metric);
}

/** Whether `value` passes `property`'s rule. */
export function passesProperty(property: SecurityProperty, value: number): boolean {
  return property.better === "lower" ? value <= property.threshold : value >= property.threshold;
}
