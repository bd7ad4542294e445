/**
 * The security scoring model: a weight per measured property (model/security_properties.ts),
 * each with why and its public sources, and the measured score of a runtime — the weighted share
 * of the properties it meets. It replaces the per-isolation-class estimate
 * (analyze/security_posture.ts) wherever the probe ran; the class stays shown beside it.
 *
 * A property about what the workload can do to the kernel it talks to (capabilities, seccomp,
 * dangerous system calls, host paths) that fails where that kernel is not the host's (gVisor's
 * Sentry or a VM's guest kernel answers) earns half its weight ({@link OTHER_KERNEL_CREDIT}):
 * reaching the host then needs a flaw in that layer first (gVisor security model), yet what the
 * workload may do there still widens the layer's own attack surface.
 *
 * @module
 */
import type {
  Analysis,
  MetricAnalysis,
  SecurityAssessment,
  SecurityPropertyCheck,
  SecurityRequirement,
} from "../model/analysis.ts";
import type { IsolationClass } from "../model/result_set.ts";
import {
  passesProperty,
  SECURITY_PROPERTIES,
  securityProperty,
  syscallMetric,
} from "../model/security_properties.ts";
import { securityPostureOf } from "./security_posture.ts";

/**
 * The share of its weight a failed kernel-only property earns where the workload's kernel is not
 * the host's: half, as the flaw it opens needs a second one in the sandbox or guest to matter.
 */
export const OTHER_KERNEL_CREDIT = 0.5;

/** A public source a weight rests on. */
export interface SecuritySource {
  /** A few words for a table cell, e.g. "CVE-2019-5736". */
  short: string;
  title: string;
  url: string;
}

/** The sources, by key. */
export const SECURITY_SOURCES: Readonly<Record<string, SecuritySource>> = {
  "nist-800-190": {
    short: "NIST SP 800-190",
    title: "NIST SP 800-190, Application Container Security Guide (2017), §3.4–3.5, §4.4–4.5",
    url: "https://doi.org/10.6028/NIST.SP.800-190",
  },
  "cis-docker": {
    short: "CIS Docker Benchmark",
    title: "CIS Docker Benchmark v1.6.0, section 5 (Container Runtime Configuration)",
    url: "https://www.cisecurity.org/benchmark/docker",
  },
  "gvisor": {
    short: "gVisor security model",
    title: "gVisor security model",
    url: "https://gvisor.dev/docs/architecture_guide/security/",
  },
  "docker-seccomp": {
    short: "Docker seccomp profile",
    title:
      "Docker: Seccomp security profiles (significant syscalls blocked by the default profile)",
    url: "https://docs.docker.com/engine/security/seccomp/",
  },
  "oci-defaults": {
    short: "OCI masked/read-only paths",
    title: "OCI runtime spec, Linux maskedPaths and readonlyPaths (as runc's default config)",
    url: "https://github.com/opencontainers/runtime-spec/blob/main/config-linux.md",
  },
  "cve-2019-5736": {
    short: "CVE-2019-5736",
    title:
      "CVE-2019-5736: runc overwrite of the host binary from a container whose root is host root",
    url: "https://nvd.nist.gov/vuln/detail/CVE-2019-5736",
  },
  "cve-2022-0185": {
    short: "CVE-2022-0185",
    title: "CVE-2022-0185: fs_context heap overflow, reached via unshare(CLONE_NEWUSER)",
    url: "https://nvd.nist.gov/vuln/detail/CVE-2022-0185",
  },
  "cve-2022-0492": {
    short: "CVE-2022-0492",
    title: "CVE-2022-0492: cgroup v1 release_agent escape, needs CAP_SYS_ADMIN (or a new userns)",
    url: "https://nvd.nist.gov/vuln/detail/CVE-2022-0492",
  },
  "shocker": {
    short: "Shocker",
    title: "Docker (2014): container breakout proof of concept (Shocker): open_by_handle_at with " +
      "CAP_DAC_READ_SEARCH reads host files",
    url: "https://www.docker.com/blog/docker-container-breakout-proof-of-concept-exploit/",
  },
  "cve-2016-0728": {
    short: "CVE-2016-0728",
    title: "CVE-2016-0728: keyring reference leak to root via keyctl",
    url: "https://nvd.nist.gov/vuln/detail/CVE-2016-0728",
  },
  "cve-2021-3490": {
    short: "CVE-2021-3490",
    title: "CVE-2021-3490: eBPF verifier bounds bug to kernel code execution",
    url: "https://nvd.nist.gov/vuln/detail/CVE-2021-3490",
  },
  "cve-2013-2094": {
    short: "CVE-2013-2094",
    title: "CVE-2013-2094: perf_event_open out-of-bounds write to root",
    url: "https://nvd.nist.gov/vuln/detail/CVE-2013-2094",
  },
  "io-uring-kctf": {
    short: "Google kCTF on io_uring",
    title: "Google (2023): 60 % of kCTF kernel exploits targeted io_uring; disabled on ChromeOS, " +
      "Android apps and Google servers",
    url: "https://security.googleblog.com/2023/06/learnings-from-kctf-vrps-42-linux.html",
  },
  "cve-2022-29582": {
    short: "CVE-2022-29582",
    title: "CVE-2022-29582: io_uring use-after-free to root",
    url: "https://nvd.nist.gov/vuln/detail/CVE-2022-29582",
  },
  "uffd": {
    short: "userfaultfd docs",
    title:
      "vm.unprivileged_userfaultfd: userfaultfd stalls the kernel on a fault, widening races " +
      "exploits rely on",
    url: "https://docs.kernel.org/admin-guide/mm/userfaultfd.html",
  },
  "core-pattern": {
    short: "core(5)",
    title: "core_pattern: a writable /proc/sys/kernel/core_pattern runs a program as host root",
    url: "https://man7.org/linux/man-pages/man5/core.5.html",
  },
};

/** A property's weight in the score, why, and its sources (keys of {@link SECURITY_SOURCES}). */
export interface SecurityWeight {
  metric: string;
  weight: number;
  why: string;
  sources: readonly string[];
}

const syscall = (
  call: Parameters<typeof syscallMetric>[0],
  weight: number,
  why: string,
  sources: string[],
): SecurityWeight => ({ metric: syscallMetric(call), weight, why, sources });

/**
 * The weights. Heaviest: what separates the workload from the host kernel and host root, the
 * boundary every container escape crosses; then privileges and filters that decide how much of
 * the kernel is reachable; then single system calls by the exploits that needed them; then
 * exposed host paths; then limits (denial of service) and labels. Counts whose information a
 * finer property already carries (effective capabilities, reachable calls) weigh 0: shown, not
 * counted twice.
 */
export const SECURITY_WEIGHTS: readonly SecurityWeight[] = [
  {
    metric: "security.host_kernel",
    weight: 6,
    why: "A kernel flaw reachable from the workload is a host compromise; a sandbox or guest " +
      "kernel puts a second boundary before the host's.",
    sources: ["gvisor", "nist-800-190"],
  },
  {
    metric: "security.host_root",
    weight: 5,
    why: "Root inside that is root on the host turns any escape into full host control.",
    sources: ["cve-2019-5736", "nist-800-190", "cis-docker"],
  },
  {
    metric: "security.seccomp",
    weight: 3,
    why: "A filter removes rarely used, often vulnerable system calls from reach.",
    sources: ["cis-docker", "docker-seccomp"],
  },
  {
    metric: "security.no_new_privs",
    weight: 1,
    why: "Stops set-uid programs from raising privileges inside.",
    sources: ["cis-docker"],
  },
  {
    metric: "security.cap_dangerous",
    weight: 4,
    why: "CAP_SYS_ADMIN and its kin let a process mount, load modules, read host memory or " +
      "files by handle: the capabilities known escapes need.",
    sources: ["cis-docker", "cve-2022-0492", "shocker"],
  },
  {
    metric: "security.cap_effective",
    weight: 0,
    why: "Shown for context; the dangerous ones are scored.",
    sources: ["cis-docker"],
  },
  {
    metric: "security.cap_bounding",
    weight: 1,
    why: "What an exec could still regain; a set wider than Docker's default allows regaining " +
      "dangerous capabilities.",
    sources: ["cis-docker"],
  },
  {
    metric: "security.syscalls_reachable",
    weight: 0,
    why: "Shown for context; each call is scored on its own.",
    sources: ["docker-seccomp"],
  },
  syscall(
    "unshare_newuser",
    2,
    "A new user namespace grants CAP_SYS_ADMIN over it and opens kernel code only root could reach.",
    ["cve-2022-0185", "cve-2022-0492"],
  ),
  syscall("keyctl", 1, "Kernel keyring, not namespaced.", ["cve-2016-0728", "docker-seccomp"]),
  syscall("add_key", 1, "Kernel keyring, not namespaced.", ["cve-2016-0728", "docker-seccomp"]),
  syscall("bpf", 1.5, "The eBPF verifier and JIT run workload code in the kernel.", [
    "cve-2021-3490",
    "docker-seccomp",
  ]),
  syscall("perf_event_open", 1, "A large, often exploited kernel interface.", [
    "cve-2013-2094",
    "docker-seccomp",
  ]),
  syscall("userfaultfd", 1, "Lets a workload stall the kernel mid-copy to win races.", [
    "uffd",
    "docker-seccomp",
  ]),
  syscall("io_uring_setup", 1.5, "A large, young interface behind many recent kernel exploits.", [
    "io-uring-kctf",
    "cve-2022-29582",
  ]),
  syscall("mount", 1.5, "Mounting reaches file-system code with workload-controlled images.", [
    "docker-seccomp",
    "cve-2022-0492",
  ]),
  syscall("ptrace", 0.5, "Tracing within the container; old kernels leaked past seccomp.", [
    "docker-seccomp",
  ]),
  syscall("open_by_handle_at", 2, "Opens host files by handle, bypassing the mount namespace.", [
    "shocker",
    "docker-seccomp",
  ]),
  syscall("kexec_load", 1, "Loads a new kernel.", ["docker-seccomp"]),
  syscall("init_module", 2, "Loads code into the host kernel.", ["docker-seccomp"]),
  syscall("setns", 1, "Joins other namespaces given a descriptor to them.", ["docker-seccomp"]),
  syscall("personality", 0.25, "Old exploits used it to defeat ASLR; queries are harmless.", [
    "docker-seccomp",
  ]),
  {
    metric: "security.kcore_readable",
    weight: 2,
    why: "Host physical memory readable.",
    sources: ["oci-defaults", "cis-docker"],
  },
  {
    metric: "security.core_pattern_writable",
    weight: 3,
    why: "Writing it makes the host kernel run a program of the workload's choosing as root.",
    sources: ["core-pattern", "oci-defaults"],
  },
  {
    metric: "security.sysrq_writable",
    weight: 1,
    why: "Can reboot or crash the host.",
    sources: ["oci-defaults"],
  },
  {
    metric: "security.sys_writable",
    weight: 2,
    why: "Host kernel and device settings writable.",
    sources: ["oci-defaults", "cis-docker"],
  },
  {
    metric: "security.sys_firmware_visible",
    weight: 0.5,
    why: "Firmware tables leak host details.",
    sources: ["oci-defaults"],
  },
  {
    metric: "security.dev_mem_opens",
    weight: 2,
    why: "Host physical memory through /dev/mem.",
    sources: ["cis-docker"],
  },
  {
    metric: "security.block_devices",
    weight: 1.5,
    why: "Host disks reachable as devices.",
    sources: ["cis-docker"],
  },
  {
    metric: "security.lsm_confined",
    weight: 1,
    why: "An AppArmor or SELinux profile is a second check on files and mounts.",
    sources: ["cis-docker", "nist-800-190"],
  },
  {
    metric: "security.host_interfaces_visible",
    weight: 2,
    why: "Sharing the host's network namespace exposes its services and traffic.",
    sources: ["cis-docker", "nist-800-190"],
  },
  {
    metric: "security.pids_limit_enforced",
    weight: 1,
    why: "A fork bomb otherwise exhausts the host's process table.",
    sources: ["cis-docker"],
  },
  {
    metric: "security.memory_limit_enforced",
    weight: 1,
    why: "One workload otherwise exhausts the host's memory.",
    sources: ["cis-docker", "nist-800-190"],
  },
];

/** The scoring model as the analysis carries it: each property with its rule, weight and sources. */
export function securityModel(): NonNullable<Analysis["securityModel"]> {
  return SECURITY_PROPERTIES.map((p) => {
    const w = securityWeightOf(p.metric);
    return {
      metric: p.metric,
      name: p.name,
      better: p.better,
      threshold: p.threshold,
      hostKernelOnly: p.hostKernelOnly,
      weight: w.weight,
      why: w.why,
      sources: w.sources.map((key) => ({ ...SECURITY_SOURCES[key] })),
    };
  });
}

/** The weight entry of a property's metric. */
export function securityWeightOf(metric: string): SecurityWeight {
  const found = SECURITY_WEIGHTS.find((w) => w.metric === metric);
  if (!found) throw new RangeError(`no security weight for "${metric}"`);
  return found;
}

/** Options of {@link assessSecurity}. */
export interface AssessSecurityOptions {
  runtimes: readonly { id: string; isolation: IsolationClass }[];
}

/**
 * The security posture of each runtime from a group's metric analyses: the probe's values (the
 * median of each property's samples) judged by their rules, weighted by
 * {@link SECURITY_WEIGHTS}; score = Σ weight × credit ÷ Σ weight over the properties with a
 * value, credit 1 when met, {@link OTHER_KERNEL_CREDIT} for a failed kernel-only property under
 * another kernel, else 0.
 * A runtime without `security.host_kernel` gets its isolation class's estimate, marked not
 * measured.
 *
 * @example
 * ```ts
 * const [runc] = assessSecurity(group.metrics, { runtimes: [{ id: "runc", isolation: "os-container" }] });
 * runc.score; // e.g. 0.55, measured
 * ```
 */
export function assessSecurity(
  metrics: readonly MetricAnalysis[],
  options: AssessSecurityOptions,
): SecurityAssessment[] {
  return options.runtimes.map((runtime) =>
    assessRuntimeSecurity(
      runtime,
      (metric) =>
        metrics.find((m) => m.metric === metric)?.summaries.find((s) => s.runtime === runtime.id)
          ?.central ?? null,
    )
  );
}

/**
 * The security posture of one runtime from its property values (`valueOf` gives null where it
 * has none); see {@link assessSecurity}.
 */
export function assessRuntimeSecurity(
  runtime: { id: string; isolation: IsolationClass },
  valueOf: (metric: string) => number | null,
): SecurityAssessment {
  const classScore = securityPostureOf(runtime.isolation).score;
  const hostKernel = valueOf("security.host_kernel");
  if (hostKernel === null) {
    return {
      runtime: runtime.id,
      isolation: runtime.isolation,
      measured: false,
      score: classScore,
      classScore,
      properties: [],
      notes: [
        `no security-probe values: the ${runtime.isolation} class's estimate ${classScore} ` +
        "stands in (collect --benchmarks security measures it)",
      ],
    };
  }
  const otherKernel = passesProperty(securityProperty("security.host_kernel")!, hostKernel);
  const properties: SecurityPropertyCheck[] = SECURITY_PROPERTIES.map((p) => {
    const value = valueOf(p.metric);
    const weight = securityWeightOf(p.metric).weight;
    if (value === null) {
      return { metric: p.metric, value, passed: null, basis: "missing", weight, credit: 0 };
    }
    const passed = passesProperty(p, value);
    if (!passed && p.hostKernelOnly && otherKernel) {
      return {
        metric: p.metric,
        value,
        passed,
        basis: "other-kernel",
        weight,
        credit: OTHER_KERNEL_CREDIT,
      };
    }
    return { metric: p.metric, value, passed, basis: "measured", weight, credit: passed ? 1 : 0 };
  });
  let total = 0;
  let met = 0;
  for (const p of properties) {
    if (p.passed === null) continue;
    total += p.weight;
    met += p.weight * p.credit;
  }
  const missing = properties.filter((p) => p.basis === "missing" && p.weight > 0);
  const notes: string[] = [];
  if (missing.length > 0) {
    notes.push(
      `left out for want of a value: ${missing.map((p) => p.metric).join(", ")}`,
    );
  }
  if (otherKernel) {
    notes.push(
      "its system calls do not reach the host kernel: a failed property of the kernel it " +
        `talks to earns ${OTHER_KERNEL_CREDIT} of its weight`,
    );
  }
  return {
    runtime: runtime.id,
    isolation: runtime.isolation,
    measured: true,
    score: total > 0 ? met / total : classScore,
    classScore,
    properties,
    notes,
  };
}

/** The outcome of one requirement for one runtime. */
export interface RequirementCheck {
  requirement: string;
  met: boolean;
  detail: string;
}

function shortValue(x: number): string {
  return String(Number(x.toPrecision(3)));
}

/**
 * Checks a profile's security requirement against a measured assessment: the minimum score, and
 * at least one alternative whose properties all pass (a missing value fails its alternative).
 */
export function checkSecurityRequirement(
  requirement: SecurityRequirement,
  assessment: SecurityAssessment,
): RequirementCheck[] {
  const checks: RequirementCheck[] = [];
  if (requirement.minScore !== undefined) {
    const met = assessment.score >= requirement.minScore;
    checks.push({
      requirement: `security score ≥ ${requirement.minScore}`,
      met,
      detail: `measured ${shortValue(assessment.score)}`,
    });
  }
  if (requirement.anyOf) {
    const outcomes = requirement.anyOf.map((alt) => {
      const failing = alt.all.filter((metric) =>
        assessment.properties.find((p) => p.metric === metric)?.passed !== true
      );
      return { alt, failing };
    });
    const passing = outcomes.find((o) => o.failing.length === 0);
    const describe = (metric: string) => {
      const p = assessment.properties.find((c) => c.metric === metric);
      return p?.value === null || p === undefined
        ? `${metric} has no value`
        : `${metric} = ${shortValue(p.value)}`;
    };
    checks.push({
      requirement: requirement.anyOf.map((a) => a.name).join(" or "),
      met: passing !== undefined,
      detail: passing
        ? `meets "${passing.alt.name}"`
        : outcomes.map((o) => `not "${o.alt.name}" (${o.failing.map(describe).join(", ")})`)
          .join("; "),
    });
  }
  return checks;
}
