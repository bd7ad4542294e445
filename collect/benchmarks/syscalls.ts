/**
 * `syscalls`: our syscall loop (`collect/c/syscall_loop.c`, installed in the image as
 * `/usr/local/bin/syscall_loop`) → nanoseconds per `getppid` and per 1-byte `read` of
 * `/dev/zero`. This is where a runtime that intercepts system calls (gVisor) pays.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import { parseStepOutput } from "../errors.ts";
import { runBenchmarkStep } from "./_run_step.ts";

/** Milliseconds each test of the loop runs in a full collection. */
export const SYSCALL_LOOP_MS = 1000;
/** Milliseconds each test runs with `--quick`. */
export const SYSCALL_LOOP_QUICK_MS = 100;

/** One test of the loop. */
export interface SyscallLoopTest {
  nsPerCall: number;
  calls: number;
  seconds: number;
}

/** What one run of the loop reports, by test name (`getppid`, `read_zero`). */
export type SyscallLoopResult = Record<string, SyscallLoopTest>;

/** The tests the loop must print, and so the metrics of the benchmark. */
export const SYSCALL_TESTS = ["getppid", "read_zero"] as const;

/**
 * Parses the standard output of `syscall_loop`. Raises SyntaxError when a test line is missing.
 */
export function parseSyscallLoop(stdout: string): SyscallLoopResult {
  if (!/^ocibench-syscall-loop 1$/m.test(stdout)) {
    const first = stdout.trim().split("\n")[0];
    throw new SyntaxError(
      `not the output of syscall_loop (first line: ${
        first ? JSON.stringify(first) : "empty output"
      })`,
    );
  }
  const result: SyscallLoopResult = {};
  const line = /^(\w+)\s+([0-9.]+) ns\/call\s+([0-9]+) calls\s+([0-9.]+) s\s*$/gm;
  for (const match of stdout.matchAll(line)) {
    result[match[1]] = {
      nsPerCall: Number(match[2]),
      calls: Number(match[3]),
      seconds: Number(match[4]),
    };
  }
  for (const test of SYSCALL_TESTS) {
    if (!result[test]) throw new SyntaxError(`syscall_loop output has no line for "${test}"`);
  }
  return result;
}

/** The `syscalls` benchmark. */
export const syscallsBenchmark: BenchmarkDefinition = {
  info: {
    id: "syscalls",
    name: "syscall loop",
    category: "syscalls",
    tool: "ocibench syscall_loop",
    description: "Time per system call in a tight loop (collect/c/syscall_loop.c): " +
      "syscall(SYS_getppid) and a 1-byte read of /dev/zero.",
    parameters: { durationMs: SYSCALL_LOOP_MS, durationMsQuick: SYSCALL_LOOP_QUICK_MS },
  },
  tools: [],
  metrics: [{
    id: "syscalls.getppid",
    benchmark: "syscalls",
    name: "getppid system call",
    category: "syscalls",
    unit: "ns/call",
    direction: "lower",
  }, {
    id: "syscalls.read_zero",
    benchmark: "syscalls",
    name: "1-byte read of /dev/zero",
    category: "syscalls",
    unit: "ns/call",
    direction: "lower",
  }],
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const ms = ctx.quick ? SYSCALL_LOOP_QUICK_MS : SYSCALL_LOOP_MS;
    const result = await runBenchmarkStep(ctx, ["syscall_loop", "-d", String(ms)], {
      timeoutMs: 60_000 + 4 * ms,
    });
    const parsed = parseStepOutput(result, "syscall_loop", (r) => parseSyscallLoop(r.stdout));
    return SYSCALL_TESTS.map((test) => ({
      metric: `syscalls.${test}`,
      value: parsed[test].nsPerCall,
    }));
  },
};
