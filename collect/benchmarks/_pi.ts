/**
 * What `pi_single` and `pi_multi` share: Debian's `pi` (CLN) computing a number of digits of π,
 * N instances at once, timed inside the container by bash's `time` keyword, whose user and system
 * times include every waited-for child (getrusage RUSAGE_CHILDREN).
 *
 * @module
 */
import { parseStepOutput } from "../errors.ts";
import type { MeasureContext, ProcessResult } from "../types.ts";
import { runBenchmarkStep } from "./_run_step.ts";

/** Digits in a full collection: about 3 s of CPU on one core of our 2-core hosts. */
export const PI_DIGITS = 2_000_000;
/** Digits with `--quick`: about 0.2 s. */
export const PI_QUICK_DIGITS = 200_000;

/**
 * The bash program run in the container: `$1` digits, `$2` instances at once; prints
 * `ocibench-time real=R user=U sys=S` (seconds) on stderr and exits non-zero when any instance
 * failed. A constant: the inputs are passed as positional parameters, never spliced in.
 */
export const PI_SCRIPT = 'TIMEFORMAT="ocibench-time real=%3R user=%3U sys=%3S"; status=0; ' +
  'pids=(); time { for ((i = 0; i < $2; i++)); do pi "$1" > /dev/null & pids+=($!); done; ' +
  'for p in "${pids[@]}"; do wait "$p" || status=$?; done; }; exit $status';

/** The argv running `instances` copies of `pi digits` at once under bash's `time`. */
export function piArgv(digits: number, instances: number): string[] {
  return ["bash", "-c", PI_SCRIPT, "ocibench-pi", String(digits), String(instances)];
}

/** The times bash's `time` printed, in seconds. */
export interface PiTiming {
  realS: number;
  userS: number;
  sysS: number;
}

/**
 * Parses the `ocibench-time real=… user=… sys=…` line from the stderr of {@link PI_SCRIPT}.
 * Raises SyntaxError when it is missing.
 */
export function parsePiTiming(stderr: string): PiTiming {
  const match = stderr.match(
    /^ocibench-time real=([0-9.]+) user=([0-9.]+) sys=([0-9.]+)\s*$/m,
  );
  if (!match) {
    const last = stderr.trim().split("\n").at(-1);
    throw new SyntaxError(
      `no "ocibench-time" line in the output of pi (last line: ${
        last ? JSON.stringify(last) : "empty output"
      })`,
    );
  }
  return { realS: Number(match[1]), userS: Number(match[2]), sysS: Number(match[3]) };
}

/**
 * CPU utilisation of a timed run in percent: (user + system CPU time) / wall time × 100, so one
 * busy core is 100 % and two are 200 % (the paper's Table 7, as y-cruncher reports it).
 */
export function cpuUtilizationPercent(timing: PiTiming): number {
  return timing.realS > 0 ? (timing.userS + timing.sysS) / timing.realS * 100 : 0;
}

/** Options of {@link measurePi}. */
export interface MeasurePiOptions {
  /** Digits of each instance (default: {@link PI_DIGITS}, {@link PI_QUICK_DIGITS} with quick). */
  digits?: number;
}

/**
 * Runs `instances` copies of pi in the runtime of `ctx`; returns the timing and the result.
 */
export async function measurePi(
  ctx: MeasureContext,
  instances: number,
  options: MeasurePiOptions = {},
): Promise<{ timing: PiTiming; result: ProcessResult; digits: number }> {
  const digits = options.digits ?? (ctx.quick ? PI_QUICK_DIGITS : PI_DIGITS);
  const result = await runBenchmarkStep(ctx, piArgv(digits, instances), {
    timeoutMs: ctx.quick && options.digits === undefined ? 120_000 : 600_000,
  });
  const timing = parseStepOutput(result, "pi", (r) => parsePiTiming(r.stderr));
  return { timing, result, digits };
}
