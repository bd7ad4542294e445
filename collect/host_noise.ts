/**
 * How busy the host is around a step, from `/proc/stat` (CPU steal: time the hypervisor gave
 * this VM's CPUs to others) and `/proc/loadavg` (the 1-minute load, and the scheduling entities
 * runnable right now), and when a step counts as disturbed:
 * - steal above {@link NOISE_MAX_STEAL_PERCENT} % of all CPUs' time during the step more than the
 *   work itself causes: the median steal of the benchmark's earlier steps in the collection (a
 *   VM's hypervisor steals CPU while it serves the guest's direct disk I/O, 16-18 % during fio
 *   on this project's test VMs: the workload's own cost, alike for every runtime, not a
 *   disturbance), or
 * - at its start, other processes wanted more than every core: the runnable threads besides the
 *   one reading, at their fewest over {@link LOAD_PROBES} probes a few milliseconds apart, above
 *   cores + {@link NOISE_EXTRA_RUNNABLE} (a queue on every core, not one passing thread). The
 *   1-minute load average is recorded but not judged: it still carries the collection's own
 *   previous steps, and a step starts when the collection's own processes have ended.
 *
 * The parsers are pure; reading goes through a {@link ProcFs}, which tests replace.
 *
 * @module
 */
import type { HostNoise } from "../model/result_set.ts";

/** Steal above this share of all CPUs' time during a step disturbs it, in percent. */
export const NOISE_MAX_STEAL_PERCENT = 5;
/** Other runnable threads above cores + this at a step's start disturb it. */
export const NOISE_EXTRA_RUNNABLE = 1;
/** Probes of the runnable count before a step; the fewest counts. */
export const LOAD_PROBES = 5;
/** Time between two probes, in milliseconds. */
export const LOAD_PROBE_INTERVAL_MS = 2;
/** The rule, as the result set states it. */
export const NOISE_RULE = `steal > ${NOISE_MAX_STEAL_PERCENT} % of the CPUs' time during the ` +
  "step beyond the median steal of the benchmark's earlier steps (what its work causes), or " +
  `more than cores + ${NOISE_EXTRA_RUNNABLE} threads of other processes runnable at its ` +
  `start (fewest of ${LOAD_PROBES} probes)`;

/** How the host's load is read: `/proc` files, and the pause between two probes. */
export interface ProcFs {
  /** The text of a `/proc` file; undefined when it cannot be read. */
  readText(path: string): string | undefined;
  /** Waits `ms` milliseconds between probes. */
  pause(ms: number): Promise<void>;
}

/** The real `/proc`. */
export const REAL_PROC_FS: ProcFs = {
  readText(path) {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return undefined;
    }
  },
  pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The CPU time counters of the `cpu` line of `/proc/stat`, in clock ticks, all CPUs together. */
export interface CpuTicks {
  steal: number;
  /** Every counter summed (user … steal; guest time is inside user already). */
  total: number;
}

/** Parses the aggregate `cpu` line of `/proc/stat`; SyntaxError when it has none. */
export function parseProcStatCpu(text: string): CpuTicks {
  const line = /^cpu\s+([\d ]+)$/m.exec(text);
  if (!line) throw new SyntaxError('/proc/stat has no aggregate "cpu" line');
  const fields = line[1].trim().split(/\s+/).map(Number);
  if (fields.length < 8) {
    throw new SyntaxError(`/proc/stat's cpu line has ${fields.length} counters, expected ≥ 8`);
  }
  // user nice system idle iowait irq softirq steal [guest guest_nice]: guest is counted in user.
  const counted = fields.slice(0, 8);
  return { steal: counted[7], total: counted.reduce((a, b) => a + b, 0) };
}

/** What `/proc/loadavg` says. */
export interface LoadAverage {
  /** 1-minute load average. */
  load1: number;
  /** Scheduling entities (threads) runnable at the moment of reading, the reader included. */
  running: number;
}

/** Parses `/proc/loadavg` (`0.52 0.58 0.59 3/133 30510`); SyntaxError when it is not that. */
export function parseLoadavg(text: string): LoadAverage {
  const m = /^(\d+(?:\.\d+)?) \d+(?:\.\d+)? \d+(?:\.\d+)? (\d+)\/\d+ \d+\s*$/.exec(text);
  if (!m) {
    throw new SyntaxError(`/proc/loadavg is not "L1 L5 L15 R/T PID": ${JSON.stringify(text)}`);
  }
  return { load1: Number(m[1]), running: Number(m[2]) };
}

/** One reading of the host's load. */
export interface HostLoadReading {
  cpu: CpuTicks;
  load1: number;
  /** Runnable entities besides the reader, at their fewest over the probes. */
  othersRunnable: number;
}

/**
 * Reads the host's load: `/proc/stat` once and `/proc/loadavg` {@link LOAD_PROBES} times; the
 * reader's own runnable thread is left out. Undefined when `/proc` cannot be read.
 */
export async function readHostLoad(procfs: ProcFs): Promise<HostLoadReading | undefined> {
  const stat = procfs.readText("/proc/stat");
  if (stat === undefined) return undefined;
  let fewest = Infinity;
  let load1 = 0;
  for (let probe = 0; probe < LOAD_PROBES; probe++) {
    if (probe > 0) await procfs.pause(LOAD_PROBE_INTERVAL_MS);
    const text = procfs.readText("/proc/loadavg");
    if (text === undefined) return undefined;
    const load = parseLoadavg(text);
    load1 = load.load1;
    fewest = Math.min(fewest, Math.max(0, load.running - 1));
  }
  return { cpu: parseProcStatCpu(stat), load1, othersRunnable: fewest };
}

/** The noise of a step from the readings before and after it (`disturbed` left to the judge). */
export function hostNoiseOf(before: HostLoadReading, after: HostLoadReading): HostNoise {
  const ticks = after.cpu.total - before.cpu.total;
  const steal = after.cpu.steal - before.cpu.steal;
  return {
    stealPercent: ticks > 0 ? Math.round(Math.max(0, steal) / ticks * 100 * 100) / 100 : 0,
    loadBefore: before.load1,
    loadAfter: after.load1,
    othersRunnableBefore: before.othersRunnable,
    othersRunnableAfter: after.othersRunnable,
  };
}

/**
 * Why a step with this noise is disturbed (see the module doc), or undefined when it is not.
 * `ownSteal`: the steal, in percent, that the benchmark's own work causes (the median of its
 * earlier steps; 0 when it has none).
 */
export function disturbanceOf(
  noise: HostNoise,
  cores: number,
  ownSteal = 0,
): string | undefined {
  const reasons: string[] = [];
  const limit = Math.round((ownSteal + NOISE_MAX_STEAL_PERCENT) * 100) / 100;
  if (noise.stealPercent > limit) {
    reasons.push(
      ownSteal > 0
        ? `CPU steal ${noise.stealPercent} % > ${limit} % (the benchmark's usual ${
          Math.round(ownSteal * 100) / 100
        } % + ` +
          `${NOISE_MAX_STEAL_PERCENT} %)`
        : `CPU steal ${noise.stealPercent} % > ${NOISE_MAX_STEAL_PERCENT} %`,
    );
  }
  if (noise.othersRunnableBefore > cores + NOISE_EXTRA_RUNNABLE) {
    reasons.push(
      `${noise.othersRunnableBefore} other runnable threads at the start on ${cores} cores`,
    );
  }
  return reasons.length > 0 ? reasons.join("; ") : undefined;
}
