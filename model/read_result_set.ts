/**
 * Reading result sets from disk, with messages that name the file, the place of each problem,
 * what was expected and what was found.
 *
 * @module
 */
import { type ResultSet, ResultSetSchema } from "./result_set.ts";
import { formatIssues, jsonErrorLocation } from "./format_issues.ts";
import { runLayoutOfDir } from "./run_layout.ts";
import { parseResultSetFast } from "./_fast_result_set.ts";
import { readResultSetColumns, readResultSetFileColumns } from "./_column_reader.ts";
import { InvalidInputError, MAX_RESULTS_BYTES, readRegularFile } from "./read_text_file.ts";
import { decodeJsonAscii } from "./_ascii_json.ts";

export { InvalidInputError };

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

/**
 * Parses UTF-8 JSON bytes like {@link parseJsonText}, fast: the text is decoded with non-ASCII
 * characters escaped (`_ascii_json.ts`), which keeps a large file's text one byte a character.
 * On any failure the bytes are decoded as they are, for {@link parseJsonText}'s messages.
 */
export function parseJsonBytes(bytes: Uint8Array, what: string, path: string): unknown {
  const ascii = decodeJsonAscii(bytes);
  if (ascii !== null) {
    try {
      return JSON.parse(ascii);
    } catch {
      // Not JSON: the message comes from the text as it is, below.
    }
  }
  return parseJsonText(new TextDecoder().decode(bytes), what, path);
}

/**
 * Validates parsed JSON as a result set, naming `path` in any error. A valid set passes the fast
 * path (`_fast_result_set.ts`); anything it doubts goes through the schema for the messages.
 */
export function parseResultSet(data: unknown, path: string): ResultSet {
  const fast = parseResultSetFast(data);
  if (fast !== null) return fast;
  const result = ResultSetSchema.safeParse(data);
  if (!result.success) {
    throw new InvalidInputError("results", path, formatIssues(result.error.issues, data));
  }
  return result.data;
}

/**
 * Validates the bytes of a result-set file (read from `path`, named in any error). A valid file
 * is read straight into sample columns (`_column_reader.ts`): its samples become objects only
 * when something reads `samples`. Anything that reader doubts is parsed as JSON and validated
 * as usual, for the messages.
 */
export function parseResultSetBytes(bytes: Uint8Array, path: string): ResultSet {
  return readResultSetColumns(bytes) ??
    parseResultSet(parseJsonBytes(bytes, "results", path), path);
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
  // Read a chunk at a time into columns; anything doubtful is read whole, for the messages.
  const streamed = readResultSetFileColumns(path, MAX_RESULTS_BYTES);
  if (streamed !== null) return streamed;
  const bytes = await readRegularFile(path, "results", MAX_RESULTS_BYTES);
  return parseResultSet(parseJsonBytes(bytes, "results", path), path);
}

/**
 * The result-set files a path stands for: a file stands for itself; a directory for every
 * `*.json` file directly inside it (sorted by name, numbers in natural order), or — for a run's
 * directory holding only its samples — for the run's result set (see model/run_layout.ts).
 */
export async function expandResultPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const raw of paths) {
    const path = raw.length > 1 ? raw.replace(/\/+$/, "") : raw;
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      throw new InvalidInputError("results", path, ["no such file or directory"]);
    }
    if (!info.isDirectory) {
      // readResultSet says what is wrong with a FIFO or a device.
      out.push(path);
      continue;
    }
    const names: string[] = [];
    for await (const entry of Deno.readDir(path)) {
      if (entry.isFile && entry.name.endsWith(".json")) names.push(entry.name);
    }
    if (names.length === 0) {
      const beside = runLayoutOfDir(path)?.result;
      if (beside && await Deno.stat(beside).then((i) => i.isFile, () => false)) {
        out.push(beside);
        continue;
      }
      throw new InvalidInputError("results", path, [
        "the directory holds no *.json file (an unfinished run? try collect --resume)",
      ]);
    }
    names.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    out.push(...names.map((n) => `${path}/${n}`));
  }
  return out;
}

/** Reads every result set `paths` stand for (see {@link expandResultPaths}). */
export async function readResultSets(
  paths: string[],
): Promise<{ path: string; set: ResultSet }[]> {
  const files = await expandResultPaths(paths);
  return await Promise.all(files.map(async (path) => ({ path, set: await readResultSet(path) })));
}
