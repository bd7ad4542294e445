/**
 * Where a collected run lives on disk, in one place. Under a results directory (default
 * `results/`), a run `<run-id>` has:
 * - `<run-id>/samples.jsonl` — the samples log, appended as values are measured; its first line
 *   is the run's record (the options it was started with, which `--resume` reads back);
 * - `<run-id>/collect.lock` — present while a collection of the run is going on, holding the
 *   collecting process's pid and the run id;
 * - `<run-id>.json` — the result set, written when a session of the run ends.
 *
 * @module
 */

/** The form of a run id: lower-case letters, digits, `.`, `_` or `-`, starting with a letter or digit. */
export const RUN_ID_PATTERN: RegExp = /^[a-z0-9][a-z0-9._-]{0,79}$/;

/** The form of the ids {@link newRunId} makes. */
const GENERATED_RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;

/** The form of a run id in words, for messages. */
export const RUN_ID_FORM = "a run id such as 20261127-075501-3f9a0c (lower-case letters, digits, " +
  "'.', '_' or '-', starting with a letter or digit, at most 80 characters)";

/** File name of the samples log inside a run's directory. */
export const SAMPLES_LOG_NAME = "samples.jsonl";
/** File name of the collection lock inside a run's directory. */
export const LOCK_NAME = "collect.lock";

/** The paths of one run under a results directory. */
export interface RunLayout {
  /** The results directory the run lives in. */
  outDir: string;
  runId: string;
  /** The run's own directory, `<outDir>/<run-id>`. */
  dir: string;
  /** `<outDir>/<run-id>/samples.jsonl`: the samples log, whose first line is the run record. */
  samplesLog: string;
  /** `<outDir>/<run-id>/collect.lock`: held while a collection of the run is going on. */
  lock: string;
  /** `<outDir>/<run-id>.json`: the result set. */
  result: string;
}

/** Whether `value` has the form of a run id (see {@link RUN_ID_PATTERN}). */
export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value);
}

/**
 * Checks that `value` is a run id, not a path; raises a RangeError that names the value, where it
 * came from (`what`, e.g. `--resume`) and the expected form, with the id to use when the value is
 * a path to a run.
 *
 * @example
 * ```ts
 * checkRunId("results/20261127-075501-3f9a0c.json", "--resume");
 * // RangeError: --resume takes a run id, not a path: got "results/20261127-075501-3f9a0c.json";
 * //   give --resume 20261127-075501-3f9a0c --out results
 * ```
 */
export function checkRunId(value: string, what: string): string {
  if (isRunId(value)) return value;
  const trimmed = value.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  const base = trimmed.slice(slash + 1).replace(/\.json$/, "");
  // A path whose last part is a run's directory or result file: say which id to give.
  if (isRunId(base) && (trimmed.endsWith(".json") || GENERATED_RUN_ID.test(base))) {
    const dir = slash > 0 ? trimmed.slice(0, slash) : slash === 0 ? "/" : ".";
    throw new RangeError(
      `${what} takes a run id, not a path: got "${value}"; give ${what} ${base} --out ${dir}`,
    );
  }
  throw new RangeError(`${what} takes ${RUN_ID_FORM}, got "${value}"`);
}

/**
 * The paths of run `runId` under `outDir`. Raises a RangeError when `runId` is not a run id, so a
 * value from outside can never lead out of `outDir`.
 *
 * @example
 * ```ts
 * runLayout("results", "20261127-075501-3f9a0c").result; // "results/20261127-075501-3f9a0c.json"
 * ```
 */
export function runLayout(outDir: string, runId: string): RunLayout {
  if (!isRunId(runId)) throw new RangeError(`Not a run id: "${runId}"; expected ${RUN_ID_FORM}`);
  const dir = joinPath(outDir, runId);
  return {
    outDir,
    runId,
    dir,
    samplesLog: `${dir}/${SAMPLES_LOG_NAME}`,
    lock: `${dir}/${LOCK_NAME}`,
    result: `${dir}.json`,
  };
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;
}

/**
 * The layout of the run whose directory is `path` (`<outDir>/<run-id>`, trailing slashes
 * ignored), or undefined when the last segment of `path` is not a run id.
 */
export function runLayoutOfDir(path: string): RunLayout | undefined {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  const slash = trimmed.lastIndexOf("/");
  const name = trimmed.slice(slash + 1);
  if (!isRunId(name)) return undefined;
  return runLayout(slash < 0 ? "." : trimmed.slice(0, slash) || "/", name);
}

/**
 * The result-set file an entry of a results directory stands for: a `<name>.json` file itself, a
 * run's directory its `<run-id>.json` beside it; undefined for anything else. The file may not
 * exist yet (an unfinished run).
 */
export function resultFileOfEntry(
  outDir: string,
  entry: { name: string; isFile: boolean; isDirectory: boolean },
): string | undefined {
  if (entry.isFile && entry.name.endsWith(".json")) return joinPath(outDir, entry.name);
  if (entry.isDirectory && isRunId(entry.name)) return runLayout(outDir, entry.name).result;
  return undefined;
}

/** A new run id: UTC date and time and 6 random hex digits, e.g. `20261127-075501-3f9a0c`. */
export function newRunId(now: Date = new Date()): string {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
  const random = crypto.getRandomValues(new Uint8Array(3));
  return `${stamp}-${[...random].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
