/**
 * The error a benchmark step raises when its process fails, carrying what a failure record needs:
 * the exit code and the last lines of stderr.
 *
 * @module
 */
import type { ProcessResult } from "./types.ts";

/** How many trailing lines of stderr a failure keeps. */
export const STDERR_TAIL_LINES = 20;

/** Options of {@link StepFailedError}. */
export interface StepFailedErrorOptions {
  /** The process exit code, or null when it did not exit (timeout, signal, spawn error). */
  exitCode: number | null;
  /** The last lines of the process's stderr. */
  stderrTail: string;
  cause?: unknown;
}

/**
 * A benchmark step that did not produce a value: a non-zero exit, a timeout, or output that could
 * not be parsed. The run loop records it as a failure and goes on.
 */
export class StepFailedError extends Error {
  /** The process exit code, or null when it did not exit by itself. */
  readonly exitCode: number | null;
  /** The last lines of stderr (at most {@link STDERR_TAIL_LINES}). */
  readonly stderrTail: string;
  constructor(message: string, options: StepFailedErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StepFailedError";
    this.exitCode = options.exitCode;
    this.stderrTail = tailLines(options.stderrTail, STDERR_TAIL_LINES);
  }
}

/** The last `count` non-empty-trailing lines of `text`. */
export function tailLines(text: string, count: number): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  return lines.slice(-count).join("\n");
}

/**
 * Raises {@link StepFailedError} unless `result` exited by itself with code 0; `what` names the
 * step in the message, e.g. `"sysbench cpu under runc"`.
 */
export function requireSuccess(result: ProcessResult, what: string): ProcessResult {
  if (result.timedOut) {
    throw new StepFailedError(`${what} timed out after ${Math.round(result.wallMs)} ms`, {
      exitCode: result.exitCode,
      stderrTail: result.stderr,
    });
  }
  if (result.exitCode !== 0) {
    const how = result.exitCode === null
      ? `was stopped${result.signal ? ` by ${result.signal}` : ""}`
      : `exited with code ${result.exitCode}`;
    const last = tailLines(result.stderr, 1).trim();
    throw new StepFailedError(`${what} ${how}${last ? `: ${last}` : ""}`, {
      exitCode: result.exitCode,
      stderrTail: result.stderr,
    });
  }
  return result;
}

/**
 * Runs `parse` on a step's output; a parse error becomes a {@link StepFailedError} that keeps the
 * step's exit code and stderr, so the failure record shows what the tool printed.
 */
export function parseStepOutput<T>(
  result: ProcessResult,
  what: string,
  parse: (result: ProcessResult) => T,
): T {
  try {
    return parse(result);
  } catch (error) {
    throw new StepFailedError(`${what}: ${(error as Error).message}`, {
      exitCode: result.exitCode,
      stderrTail: result.stderr || result.stdout,
      cause: error,
    });
  }
}
