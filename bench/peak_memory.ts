/** This process's peak resident set so far (VmHWM), in MiB. */
export function peakResidentMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN) / 1024;
}

/** The peak resident set (VmHWM) of process `pid` so far, in MiB, or 0 when it is gone. */
function peakOfMiB(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/**
 * Watches this process's child processes (the report's cell sandbox) and keeps the largest peak
 * resident set any of them reached, in MiB: VmHWM only grows, so a reading every `everyMs`
 * while a child lives catches its peak up to that moment.
 */
export function watchChildrenPeak(everyMs = 50): { stop(): number } {
  let peak = 0;
  const poll = () => {
    for (const entry of Deno.readDirSync("/proc/self/task")) {
      let children: string;
      try {
        children = Deno.readTextFileSync(`/proc/self/task/${entry.name}/children`);
      } catch {
        continue;
      }
      for (const pid of children.trim().split(/\s+/).filter(Boolean)) {
        peak = Math.max(peak, peakOfMiB(Number(pid)));
      }
    }
  };
  const timer = setInterval(poll, everyMs);
  return {
    stop() {
      clearInterval(timer);
      poll();
      return peak;
    },
  };
}
