/**
 * `validate`: checks result-set files against the schema and says what is wrong, where.
 *
 * @module
 */
import { type Command, EXIT_FAILURE, EXIT_OK, parseCommandArgs, UsageError } from "./command.ts";
import { InvalidInputError, readResultSet } from "../model/read_result_set.ts";
import { escapeTerminal } from "../report/escape.ts";

const HELP = `Usage: ocibench validate <file.json>...

Reads each result-set file and checks it against the schema (schema/result_set.schema.json).
Prints one line per file: "ok" with its counts, or each problem with its JSON path.
Exit code 1 when any file is invalid.`;

/** The `validate` subcommand. */
export const validateCommand: Command = {
  name: "validate",
  summary: "check result-set files against the schema",
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs("validate", args, {}, true);
    if (values.help) {
      console.log(HELP);
      return EXIT_OK;
    }
    if (positionals.length === 0) throw new UsageError("validate: give at least one file");
    let failed = 0;
    for (const path of positionals) {
      try {
        const set = await readResultSet(path);
        console.log(
          `ok ${path}: ${set.runtimes.length} runtimes, ${set.metrics.length} metrics, ` +
            `${set.samples.length} values, ${set.failures.length} failures`,
        );
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        failed++;
        console.log(escapeTerminal(error.message, { keepLineBreaks: true }));
      }
    }
    return failed > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};
