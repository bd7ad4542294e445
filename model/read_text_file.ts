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
  return new TextDecoder().decode(await readRegularFile(path, what, maxBytes));
}

/** The bytes of a regular file of at most `maxBytes`; fails as {@link readRegularTextFile}. */
export async function readRegularFile(
  path: string | URL,
  what: string,
  maxBytes: number,
): Promise<Uint8Array> {
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
  // One buffer of the size stat gave (plus a byte to notice growth), read into in place: no
  // list of chunks to copy again. A file that grows after stat gets a larger buffer, up to one
  // byte past the limit.
  let buffer = new Uint8Array(Math.min(info.size, maxBytes) + 1);
  let length = 0;
  try {
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) break;
        const larger = new Uint8Array(Math.min(buffer.length * 2, maxBytes + 1));
        larger.set(buffer);
        buffer = larger;
      }
      const read = await file.read(buffer.subarray(length));
      if (read === null) break;
      length += read;
    }
  } catch (error) {
    fail((error as Error).message);
  } finally {
    file.close();
  }
  if (length > maxBytes) tooLarge();
  return buffer.subarray(0, length);
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
