/**
 * What every subcommand of the CLI shares: its shape, the usage error, and argument parsing
 * with `parseArgs` from `node:util` that turns mistakes into usage errors (exit code 2).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Exit codes of the CLI. */
export const EXIT_OK = 0;
/** A failure, or a regression found by `compare`. */
export const EXIT_FAILURE = 1;
/** Bad usage: unknown subcommand or option, missing argument. */
export const EXIT_USAGE = 2;

/** A subcommand of `main.ts`. */
export interface Command {
  name: string;
  /** One line for the list of subcommands. */
  summary: string;
  /** The full `--help` text. */
  help: string;
  /** Runs with the arguments after the subcommand name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/** Bad command-line usage; the CLI prints its message and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Options of {@link parseCommandArgs}. */
export type ParseCommandArgsOptions = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `args` for `command`; an unknown option or a missing value raises {@link UsageError}.
 * `--help`/`-h` is always accepted and returned as `values.help`.
 */
export function parseCommandArgs<T extends ParseCommandArgsOptions>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } } as
        & T
        & { help: { type: "boolean"; short: "h" } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    const message = (error as Error).message.split("\n")[0];
    throw new UsageError(`${command}: ${message} (see "${command} --help")`);
  }
}

/** Parses a positive number option, naming it in the error. */
export function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive number, got "${value}"`);
  }
  return n;
}
