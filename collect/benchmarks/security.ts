/**
 * `security`: what a workload inside the runtime is allowed to do, measured by our probe
 * (`collect/c/security_probe.c`, in the image as `/usr/local/bin/security_probe`): capabilities,
 * seccomp and no_new_privs, whether its root is host root, which kernel answers its system
 * calls, which dangerous system calls get through, which host paths and devices it sees, whether
 * the limits the run sets hold, its LSM label and whether it sees the host's interfaces. Each
 * property is one metric of category `security` (model/security_properties.ts); the raw probe
 * output is kept in the notes of `security.host_kernel`.
 *
 * Three steps per repetition, all harmless: the probe without limits (every property but the
 * limits); the probe again under a small pids limit, for its fork test; and its memory test (touch
 * twice the memory limit in a child) under a memory limit. Limits are separate steps because a
 * sandbox whose own host threads count against them (gVisor's Sentry) is stopped as a whole when
 * they bite: that ends the step, and counts as the limit holding.
 *
 * @module
 */
import { z } from "zod";
import type {
  BenchmarkDefinition,
  MeasureContext,
  MeasuredValue,
  ProcessResult,
} from "../types.ts";
import type { MetricInfo } from "../../model/result_set.ts";
import {
  DANGEROUS_CAPABILITIES,
  PROBED_SYSCALLS,
  SECURITY_PROPERTIES,
  syscallMetric,
} from "../../model/security_properties.ts";
import { parseStepOutput, requireSuccess } from "../errors.ts";
import { runBenchmarkStep } from "./_run_step.ts";

/** The pids limit of the fork test: small, so forking stops early where it holds. */
export const SECURITY_PIDS_LIMIT = 64;
/** The most children the fork test makes when no limit stops it. */
export const SECURITY_FORK_CAP = 256;
/** The memory limit of the memory test, in bytes. */
export const SECURITY_MEMORY_LIMIT_BYTES = 64 * 2 ** 20;
/** What the memory test touches: twice the limit. */
export const SECURITY_MEMORY_HOLD_BYTES = 2 * SECURITY_MEMORY_LIMIT_BYTES;

/** Capability names by bit number (linux/capability.h, 0–40). */
export const CAPABILITY_NAMES: readonly string[] = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
];

const Text = z.object({
  path: z.string(),
  text: z.string().optional(),
  error: z.string().optional(),
});
const Call = z.object({
  errno: z.string().optional(),
  signal: z.number().int().optional(),
  error: z.string().optional(),
});
const Writable = z.object({
  path: z.string(),
  exists: z.boolean(),
  maskedByDevNull: z.boolean().optional(),
  readOnlyMount: z.boolean().optional(),
  accessW: z.boolean().optional(),
});
const Limit = z.object({ value: z.string(), path: z.string() });

/** The JSON the probe prints (collect/c/security_probe.c), as far as the parser reads it. */
export const SecurityProbeReportSchema = z.object({
  probe: z.literal("ocibench-security-probe"),
  version: z.literal(1),
  uid: z.number().int(),
  euid: z.number().int(),
  status: z.record(z.string(), z.string()),
  uidMap: Text,
  gidMap: Text,
  uname: z.object({
    sysname: z.string(),
    release: z.string(),
    version: z.string(),
    machine: z.string(),
  }),
  lsm: Text,
  syscalls: z.record(z.string(), Call),
  paths: z.object({
    kcore: z.object({ openError: z.string().optional(), elf: z.boolean().optional() }),
    sysrqTrigger: Writable,
    corePattern: Writable,
    sys: Writable,
    sysFirmware: z.object({ entries: z.number().int().optional(), error: z.string().optional() }),
  }),
  devices: z.object({ devMemOpens: z.boolean(), blockDevices: z.array(z.string()) }),
  interfaces: z.array(z.object({ name: z.string(), mac: z.string().optional() })),
  cgroup: z.object({
    pidsMax: Limit.optional(),
    memoryMax: Limit.optional(),
    procSelfCgroup: z.string().optional(),
  }),
  fork: z.object({
    cap: z.number().int(),
    forked: z.number().int(),
    refused: z.string().nullable(),
  }),
});
/** The probe's report. */
export type SecurityProbeReport = z.infer<typeof SecurityProbeReportSchema>;

/**
 * Parses the probe's standard output. Raises SyntaxError naming the first problem when it is
 * not the probe's JSON.
 */
export function parseSecurityProbe(stdout: string): SecurityProbeReport {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch (error) {
    const first = stdout.trim().split("\n")[0];
    throw new SyntaxError(
      `not the JSON of security_probe (${(error as Error).message}; first line: ${
        first ? JSON.stringify(first.slice(0, 80)) : "empty output"
      })`,
    );
  }
  const result = SecurityProbeReportSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SyntaxError(
      `security_probe output: ${issue.path.join(".") || "(top level)"}: ${issue.message}`,
    );
  }
  for (const call of PROBED_SYSCALLS) {
    if (!result.data.syscalls[call]) {
      throw new SyntaxError(`security_probe output has no result for system call "${call}"`);
    }
  }
  return result.data;
}

/** What the memory test printed. */
export interface MemoryHold {
  /** Bytes the child had touched when it stopped. */
  touchedBytes: number;
  /** `killed` (e.g. by the OOM killer), `refused` (mmap failed), `completed` or `failed`. */
  outcome: "killed" | "refused" | "completed" | "failed";
  signal?: number;
}

/** Parses the line of `security_probe --memory-hold`. Raises SyntaxError when it is not there. */
export function parseMemoryHold(stdout: string): MemoryHold {
  const match = /^memory-hold (\d+) (killed|refused|completed|failed)(?: signal (\d+))?$/m.exec(
    stdout,
  );
  if (!match) {
    throw new SyntaxError(
      `not the output of security_probe --memory-hold (got ${
        JSON.stringify(stdout.trim().slice(0, 80)) || "empty output"
      })`,
    );
  }
  return {
    touchedBytes: Number(match[1]),
    outcome: match[2] as MemoryHold["outcome"],
    ...(match[3] ? { signal: Number(match[3]) } : {}),
  };
}

/** The capability names of a hex mask from /proc/self/status, e.g. `00000000a80425fb`. */
export function capabilityNames(hex: string): string[] {
  if (!/^[0-9a-f]{1,16}$/i.test(hex)) {
    throw new SyntaxError(`not a capability mask: ${JSON.stringify(hex)}`);
  }
  const mask = BigInt(`0x${hex}`);
  const names: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((mask >> BigInt(bit)) & 1n) names.push(CAPABILITY_NAMES[bit] ?? `CAP_${bit}`);
  }
  return names;
}

/** How a probed system call came back. */
export type CallOutcome = "reachable" | "denied" | "unimplemented" | "killed";

/**
 * EPERM or EACCES: refused by a filter, a missing capability or an LSM; ENOSYS: not implemented
 * (or filtered to look so); a signal: a filter that kills; anything else means the call reached
 * the code that reads its arguments.
 */
export function callOutcome(call: z.infer<typeof Call>): CallOutcome {
  if (call.signal !== undefined) return "killed";
  if (call.errno === "EPERM" || call.errno === "EACCES") return "denied";
  if (call.errno === "ENOSYS") return "unimplemented";
  if (call.errno === undefined) {
    throw new SyntaxError(`a system call result without errno or signal: ${JSON.stringify(call)}`);
  }
  return "reachable";
}

/** What the host side knows, to compare the workload's view with. */
export interface HostView {
  /** `uname -r` of the host. */
  release: string;
  /** `uname -v` of the host. */
  version: string;
  /** Hardware addresses of the host's interfaces (lower case), loopback's zeros left out. */
  macs: readonly string[];
}

/** The uid of the kernel below that `uid` maps to, per a uid_map text; null when unmapped. */
export function mapUid(uidMap: string, uid: number): number | null {
  for (const line of uidMap.trim().split("\n")) {
    const [inside, outside, count] = line.trim().split(/\s+/).map(Number);
    if ([inside, outside, count].some((n) => !Number.isFinite(n))) continue;
    if (uid >= inside && uid < inside + count) return outside + (uid - inside);
  }
  return null;
}

const ZERO_MAC = "00:00:00:00:00:00";

/**
 * Turns a probe report (and, when it ran, the memory test) into one value per property of
 * {@link SECURITY_PROPERTIES}. `host` is the host's kernel and interfaces.
 */
export function securityValues(
  report: SecurityProbeReport,
  options: {
    host: HostView;
    /** The fork test's outcome; without it, the one in `report`. */
    forkTest?: ForkTest;
    memoryHold?: MemoryHold;
    memoryHoldBytes?: number;
  },
): Record<string, number> {
  const { host } = options;
  const status = (name: string) => {
    const value = report.status[name];
    if (value === undefined) {
      throw new SyntaxError(`security_probe output: /proc/self/status has no ${name} line`);
    }
    return value;
  };
  const effective = capabilityNames(status("CapEff"));
  const bounding = capabilityNames(status("CapBnd"));
  const hostKernel = report.uname.release === host.release && report.uname.version === host.version;
  const mapped = report.uidMap.text === undefined ? null : mapUid(report.uidMap.text, report.euid);
  const outcomes = Object.fromEntries(
    PROBED_SYSCALLS.map((call) => [call, callOutcome(report.syscalls[call])]),
  );
  const writable = (w: z.infer<typeof Writable>) =>
    w.exists && !w.maskedByDevNull && !w.readOnlyMount && w.accessW === true;
  const lsm = report.lsm.text?.replace(/\0/g, "").trim() ?? "";
  const hostMacs = new Set(host.macs.map((m) => m.toLowerCase()).filter((m) => m !== ZERO_MAC));
  const values: Record<string, number> = {
    "security.host_kernel": hostKernel ? 1 : 0,
    "security.host_root": hostKernel && mapped === 0 ? 1 : 0,
    // A kernel that prints no such line (gVisor's) applies no such filter or flag.
    "security.seccomp": report.status.Seccomp === "2" ? 1 : 0,
    "security.no_new_privs": report.status.NoNewPrivs === "1" ? 1 : 0,
    "security.cap_dangerous": effective.filter((c) => DANGEROUS_CAPABILITIES.includes(c)).length,
    "security.cap_effective": effective.length,
    "security.cap_bounding": bounding.length,
    "security.syscalls_reachable": PROBED_SYSCALLS.filter((c) => outcomes[c] === "reachable")
      .length,
    "security.kcore_readable": report.paths.kcore.elf === true ? 1 : 0,
    "security.core_pattern_writable": writable(report.paths.corePattern) ? 1 : 0,
    "security.sysrq_writable": writable(report.paths.sysrqTrigger) ? 1 : 0,
    "security.sys_writable": writable(report.paths.sys) ? 1 : 0,
    "security.sys_firmware_visible": (report.paths.sysFirmware.entries ?? 0) > 0 ? 1 : 0,
    "security.dev_mem_opens": report.devices.devMemOpens ? 1 : 0,
    "security.block_devices": report.devices.blockDevices.length,
    "security.lsm_confined": lsm !== "" && !/^unconfined\b/.test(lsm) ? 1 : 0,
    "security.host_interfaces_visible":
      report.interfaces.some((i) => i.mac !== undefined && hostMacs.has(i.mac.toLowerCase()))
        ? 1
        : 0,
    "security.pids_limit_enforced": forkHeld(options.forkTest ?? { fork: report.fork }) ? 1 : 0,
  };
  for (const call of PROBED_SYSCALLS) {
    values[syscallMetric(call)] = outcomes[call] === "reachable" ? 1 : 0;
  }
  if (options.memoryHold) {
    const hold = options.memoryHold;
    const target = options.memoryHoldBytes ?? SECURITY_MEMORY_HOLD_BYTES;
    values["security.memory_limit_enforced"] = hold.outcome !== "failed" &&
        hold.touchedBytes < target
      ? 1
      : 0;
  }
  return values;
}

/**
 * The fork test's outcome: the probe's `fork` object when it finished, or how its container was
 * stopped while forking.
 */
export interface ForkTest {
  fork?: SecurityProbeReport["fork"];
  /** The limit the run set and what the workload saw of it. */
  pidsMax?: string;
  /** Set when the container was stopped during the fork test: its exit code. */
  stoppedWithExit?: number;
}

/** Whether the fork test shows the limit holding: EAGAIN before the cap, or the container stopped. */
export function forkHeld(test: ForkTest): boolean {
  if (test.stoppedWithExit !== undefined) return true;
  return test.fork !== undefined && test.fork.refused === "EAGAIN" &&
    test.fork.forked < test.fork.cap;
}

/**
 * The fork test's outcome from its step (the probe run under the pids limit): its report when
 * it finished; when its container was stopped mid-test (non-zero exit, the output cut inside the
 * `fork` object), that stop.
 */
export function forkTestOf(result: ProcessResult, what: string): ForkTest {
  const stoppedInFork = result.exitCode !== 0 && !result.timedOut &&
    /"fork":\{"cap":\d+$/.test(result.stdout.trim());
  if (stoppedInFork) return { stoppedWithExit: result.exitCode ?? 137 };
  requireSuccess(result, what);
  const report = parseStepOutput(result, what, (r) => parseSecurityProbe(r.stdout));
  return { fork: report.fork, pidsMax: report.cgroup.pidsMax?.value };
}

/** The host's kernel and interfaces, read on the host. */
export function readHostView(): HostView {
  const macs: string[] = [];
  try {
    for (const entry of Deno.readDirSync("/sys/class/net")) {
      try {
        macs.push(Deno.readTextFileSync(`/sys/class/net/${entry.name}/address`).trim());
      } catch {
        // An interface without an address file has no hardware address to compare.
      }
    }
  } catch {
    // No sysfs: compare with no interfaces.
  }
  return {
    release: Deno.osRelease(),
    version: Deno.readTextFileSync("/proc/sys/kernel/version").trim(),
    macs,
  };
}

/**
 * The memory test's outcome from its step: its line when it printed one; a container killed as a
 * whole (exit 137, SIGKILL) counts as stopped by the limit, with nothing touched reported.
 */
export function memoryHoldOf(result: ProcessResult, what: string): MemoryHold {
  if (/^memory-hold /m.test(result.stdout)) {
    return parseStepOutput(result, what, (r) => parseMemoryHold(r.stdout));
  }
  if (!result.timedOut && (result.exitCode === 137 || result.signal === "SIGKILL")) {
    return { touchedBytes: 0, outcome: "killed", signal: 9 };
  }
  requireSuccess(result, what);
  return parseStepOutput(result, what, (r) => parseMemoryHold(r.stdout));
}

const METRICS: MetricInfo[] = SECURITY_PROPERTIES.map((p) => ({
  id: p.metric,
  benchmark: "security",
  name: p.name,
  category: "security",
  unit: p.unit,
  direction: "none",
  description: `${p.description} Safer: ${p.better}; passes at ${
    p.better === "lower" ? "≤" : "≥"
  } ${p.threshold}.`,
}));

/** The `security` benchmark. */
export const securityBenchmark: BenchmarkDefinition = {
  info: {
    id: "security",
    name: "security probe",
    category: "security",
    tool: "ocibench security_probe",
    description: "What a workload may do inside the runtime (collect/c/security_probe.c): " +
      "capabilities, seccomp, user namespace, kernel, dangerous system calls, masked paths, " +
      "enforced limits, LSM label, host interfaces.",
    parameters: {
      pidsLimit: SECURITY_PIDS_LIMIT,
      forkCap: SECURITY_FORK_CAP,
      memoryLimitBytes: SECURITY_MEMORY_LIMIT_BYTES,
      memoryHoldBytes: SECURITY_MEMORY_HOLD_BYTES,
    },
  },
  tools: [],
  metrics: METRICS,
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const host = readHostView();
    const probe = await runBenchmarkStep(ctx, ["security_probe", "--fork-cap", "1"], {
      timeoutMs: 120_000,
    });
    const report = parseStepOutput(probe, "security_probe", (r) => parseSecurityProbe(r.stdout));
    const step = (argv: string[], limits: { pids?: number; memoryBytes?: number }) =>
      ctx.runtime.run({
        argv,
        network: { kind: "none" },
        limits,
        timeoutMs: 120_000,
        signal: ctx.signal,
      }, ctx.adapter);
    const fork = await step(["security_probe", "--fork-cap", String(SECURITY_FORK_CAP)], {
      pids: SECURITY_PIDS_LIMIT,
    });
    const forkTest = forkTestOf(fork, `security_probe fork test under ${ctx.runtime.id}`);
    const hold = await step(
      ["security_probe", "--memory-hold", String(SECURITY_MEMORY_HOLD_BYTES)],
      { memoryBytes: SECURITY_MEMORY_LIMIT_BYTES },
    );
    const memoryHold = memoryHoldOf(hold, `security_probe --memory-hold under ${ctx.runtime.id}`);
    const values = parseStepOutput(
      probe,
      "security_probe",
      () => securityValues(report, { host, forkTest, memoryHold }),
    );
    const limitNote = forkTest.stoppedWithExit !== undefined
      ? `the container was stopped (exit ${forkTest.stoppedWithExit}) while forking under ` +
        `pids limit ${SECURITY_PIDS_LIMIT}`
      : `pids.max seen: ${forkTest.pidsMax ?? "none visible"} (set ${SECURITY_PIDS_LIMIT}), ` +
        `forked ${forkTest.fork!.forked} of cap ${forkTest.fork!.cap}` +
        (forkTest.fork!.refused ? ` then ${forkTest.fork!.refused}` : "");
    const memoryNote = `memory test under a ${SECURITY_MEMORY_LIMIT_BYTES}-byte limit touched ` +
      `${memoryHold.touchedBytes} of ${SECURITY_MEMORY_HOLD_BYTES} bytes: ${memoryHold.outcome}` +
      (memoryHold.touchedBytes === 0 && memoryHold.outcome === "killed"
        ? " (the whole container was stopped)"
        : "");
    return Object.entries(values).map(([metric, value]) => ({
      metric,
      value,
      ...(metric === "security.host_kernel"
        ? {
          notes: `kernel ${report.uname.release} ${report.uname.version} (host ` +
            `${host.release} ${host.version}); probe output: ${probe.stdout.trim()}`,
        }
        : metric === "security.pids_limit_enforced"
        ? { notes: limitNote }
        : metric === "security.memory_limit_enforced"
        ? { notes: memoryNote }
        : metric === "security.cap_dangerous"
        ? {
          notes: `effective: ${
            capabilityNames(report.status.CapEff).filter((c) => DANGEROUS_CAPABILITIES.includes(c))
              .join(", ") || "none dangerous"
          }`,
        }
        : {}),
    }));
  },
};
