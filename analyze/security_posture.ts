/**
 * Security-posture scores per isolation class, used by the desirability function. The scores
 * are an ordinal judgement, not a measurement: each carries its rationale so a report can
 * print it next to any recommendation that depends on it.
 *
 * @module
 */
import type { IsolationClass } from "../model/result_set.ts";
import type { SecurityPosture } from "../model/analysis.ts";

/**
 * Score in (0, 1] per isolation class (1 = strongest separation of a workload from the host
 * kernel), with the reason for each. Zero is avoided on purpose: in a geometric mean it would
 * veto a runtime outright, which is a policy decision a profile can make with its weights.
 */
export const SECURITY_POSTURE: readonly SecurityPosture[] = [
  {
    isolation: "native",
    score: 0.1,
    rationale: "A plain process: it shares the kernel, file system, network and process table " +
      "with the host, separated only by Unix users and permissions.",
  },
  {
    isolation: "os-container",
    score: 0.4,
    rationale:
      "Namespaces, cgroups, capabilities and a seccomp filter on the shared host kernel: " +
      "the whole kernel system-call surface stays reachable, so one kernel flaw can break out " +
      "(e.g. CVE-2019-5736, CVE-2022-0185).",
  },
  {
    isolation: "syscall-sandbox",
    score: 0.7,
    rationale:
      "A user-space kernel (gVisor's Sentry) answers the workload's system calls and uses " +
      "only a small, seccomp-filtered set of host calls itself; an attacker must break the " +
      "Sentry and then the narrowed host interface.",
  },
  {
    isolation: "microvm",
    score: 0.85,
    rationale: "Hardware virtualisation with its own guest kernel and a minimal device model " +
      "(Firecracker, Kata): escaping needs a hypervisor or VMM flaw, the narrowest of these " +
      "boundaries.",
  },
  {
    isolation: "emulated-vm",
    score: 0.75,
    rationale: "Its own guest kernel, but the boundary is a software emulator (QEMU TCG) with a " +
      "large code base and device model, and no hardware enforcement of the guest's memory.",
  },
  {
    isolation: "unikernel",
    score: 0.75,
    rationale: "A library OS linked with the application, running behind a tiny hypercall or " +
      "seccomp interface (e.g. Nabla); strong surface reduction, but young and little audited.",
  },
];

/** The security-posture entry of an isolation class. */
export function securityPostureOf(isolation: IsolationClass): SecurityPosture {
  const found = SECURITY_POSTURE.find((s) => s.isolation === isolation);
  if (!found) throw new RangeError(`no security-posture score for isolation class "${isolation}"`);
  return found;
}
