/**
 * The ocibench command line: `deno run -A main.ts <subcommand> [options]`.
 * Exit codes: 0 ok, 1 failure or regression, 2 bad usage.
 *
 * @module
 */
import { COMMANDS } from "./cli/commands.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./cli/command.ts";
import { escapeTerminal } from "./report/escape.ts";

/** The version printed by `--version`. */
export const VERSION = "0.1.0";

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "ocibench — the same OCI image under many container runtimes, measured and compared.",
    "",
    "Usage: deno run -A main.ts <subcommand> [options]",
    "",
    "Subcommands:",
    ...lines,
    "",
    'Run "<subcommand> --help" for its options. Add --verbose for error details.',
    "Exit codes: 0 ok, 1 failure or regression, 2 bad usage.",
  ].join("\n");
}

/** Runs the CLI with `args`, catching every error once; resolves to the exit code. */
export async function main(args: string[]): Promise<number> {
  const verbose = args.includes("--verbose");
  const rest = args.filter((a) => a !== "--verbose");
  const [name, ...commandArgs] = rest;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      console.log(overview());
      return name === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (name === "--version") {
      console.log(`ocibench ${VERSION}`);
      return EXIT_OK;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      throw new UsageError(
        `unknown subcommand "${name}"; known: ${COMMANDS.map((c) => c.name).join(", ")}`,
      );
    }
    return await command.run(commandArgs);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    // Messages quote input (file names, values from results files): show controls, do not obey them.
    console.error(`ocibench: ${escapeTerminal(e.message, { keepLineBreaks: true })}`);
    if (verbose && e.stack) console.error(e.stack);
    return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
