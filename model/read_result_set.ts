/**
 * Reading result sets from disk, with messages that name the file, the place of each problem,
 * what was expected and what was found.
 *
 * @module
 */
import { type ResultSet, ResultSetSchema } from "./result_set.ts";
import { formatIssues, jsonErrorLocation } from "./format_issues.ts";

/** Raised when a file cannot be parsed or validated; its message is one line per problem. */
export class InvalidInputError extends Error {
  /** The file that was read. */
  readonly path: string;
  /** One entry per problem, e.g. `samples[3].value: expected number, got string "12,5"`. */
  readonly problems: string[];
  constructor(what: string, path: string, problems: string[]) {
    const shown = problems.slice(0, 5).join("; ");
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : "";
    super(`Cannot read ${what} "${path}": ${shown}${more}`);
    this.name = "InvalidInputError";
    this.path = path;
    this.problems = problems;
  }
}

/**
 * Parses JSON text, raising {@link InvalidInputError} with the line and column of a syntax
 * error, or a plain message for an empty file.
 */
export function parseJsonText(text: string, what: string, path: string): unknown {
  if (text.trim() === "") throw new InvalidInputError(what, path, ["the file is empty"]);
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const at = jsonErrorLocation(text);
    const where = at ? ` at line ${at.line}, column ${at.column}` : "";
    const detail = error.message.split(",")[0].replace(/\s*\(line \d+ column \d+\)\s*$/, "");
    throw new InvalidInputError(what, path, [`not valid JSON${where} (${detail})`]);
  }
}

/** Validates parsed JSON as a result set, naming `path` in any error. */
export function parseResultSet(data: unknown, path: string): ResultSet {
  const result = ResultSetSchema.safeParse(data);
  if (!result.success) {
    throw new InvalidInputError("results", path, formatIssues(result.error.issues, data));
  }
  return result.data;
}

/**
 * Reads and validates a result-set file.
 *
 * @example
 * ```ts
 * const set = await readResultSet("fixtures/paper_2020/table6_ycruncher.json");
 * console.log(set.runtimes.length);
 * ```
 */
export async function readResultSet(path: string): Promise<ResultSet> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : (error as Error).message;
    throw new InvalidInputError("results", path, [reason]);
  }
  return parseResultSet(parseJsonText(text, "results", path), path);
}
