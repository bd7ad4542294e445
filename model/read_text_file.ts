/**
 * Reading input files safely: only regular files (a FIFO, a device or a directory gets one
 * line, without being opened, so nothing hangs), of bounded size; and checking that an output
 * directory is a real, specific place.
 *
 * @module
 */
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

/** Largest results file read, in bytes. */
export const MAX_RESULTS_BYTES = 512 * 1024 * 1024;
/** Largest notebook read, in bytes. */
export const MAX_NOTEBOOK_BYTES = 16 * 1024 * 1024;
/** Largest tolerance or profile file read, in bytes. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** What kind of file `info` describes, in words, when it is not a regular file. */
function kindOf(info: Deno.FileInfo): string | undefined {
  if (info.isFile) return undefined;
  if (info.isDirectory) return "a directory";
  if (info.isFifo) return "a FIFO (named pipe)";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "not a regular file";
}

/**
 * Reads a regular file of at most `maxBytes` as UTF-8 text. Anything else (missing, a
 * directory, a FIFO, a device, too large) raises {@link InvalidInputError} naming `what` and
 * the path, e.g. `Cannot read results "/dev/zero": it is a character device, not a regular file`.
 */
export async function readRegularTextFile(
  path: string | URL,
  what: string,
  maxBytes: number,
): Promise<string> {
  const name = path instanceof URL ? path.pathname : path;
  const fail = (reason: string): never => {
    throw new InvalidInputError(what, name, [reason]);
  };
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    return fail(
      error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message,
    );
  }
  const kind = kindOf(info);
  if (kind) fail(`it is ${kind}, not a regular file`);
  const tooLarge = () =>
    fail(
      `it is larger than ${formatMiB(maxBytes)} MiB, the limit for a ${what} file`,
    );
  if (info.size > maxBytes) tooLarge();
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    return fail((error as Error).message);
  }
  // The file may grow after stat: stop one chunk past the limit.
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of file.readable) {
      chunks.push(chunk);
      length += chunk.length;
      if (length > maxBytes) break;
    }
  } catch (error) {
    fail((error as Error).message);
  } finally {
    try {
      file.close();
    } catch {
      // Closed by the stream already.
    }
  }
  if (length > maxBytes) tooLarge();
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return new TextDecoder().decode(bytes);
}

function formatMiB(bytes: number): string {
  return String(Math.round((bytes / 1024 / 1024) * 10) / 10);
}

/**
 * Checks an output directory given on the command line: not empty, not `/`, and a directory
 * when it exists. Returns it without trailing slashes. Throws a `TypeError` saying what is wrong.
 */
export async function checkOutputDirectory(flag: string, dir: string): Promise<string> {
  if (dir.trim() === "") throw new TypeError(`${flag} must name a directory, got an empty string`);
  const trimmed = dir.replace(/\/+$/, "");
  if (trimmed === "" || (await Deno.realPath(dir).catch(() => undefined)) === "/") {
    throw new TypeError(`${flag} must not be the root directory "/", got "${dir}"`);
  }
  const info = await Deno.stat(dir).catch(() => undefined);
  if (info && !info.isDirectory) {
    throw new TypeError(`${flag} "${dir}" exists and is not a directory`);
  }
  return trimmed;
}
