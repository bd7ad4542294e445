/**
 * Writing files so that a crash never leaves a half-written one: write a temporary file beside
 * the target, flush it, then rename it over the target.
 *
 * @module
 */
import { type ResultSet, ResultSetSchema } from "./result_set.ts";
import { formatIssues } from "./format_issues.ts";

/** Writes `data` to `path` atomically (temporary file in the same directory, fsync, rename). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const slash = path.lastIndexOf("/");
  const dir = slash >= 0 ? path.slice(0, slash) || "/" : ".";
  const base = slash >= 0 ? path.slice(slash + 1) : path;
  const temp = `${dir}/.${base}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  try {
    const file = await Deno.open(temp, { write: true, createNew: true });
    try {
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/**
 * The text of a result-set file: `set` validated and pretty-printed as JSON. Raises a TypeError
 * naming `path` and the first problems when the set does not match the schema, so an invalid file
 * is never written.
 */
export function formatResultSet(path: string, set: ResultSet): string {
  const checked = ResultSetSchema.safeParse(set);
  if (!checked.success) {
    throw new TypeError(
      `Refusing to write invalid results "${path}": ${
        formatIssues(checked.error.issues, set).slice(0, 5).join("; ")
      }`,
    );
  }
  return JSON.stringify(checked.data, null, 2) + "\n";
}

/** Validates `set` and writes it as pretty-printed JSON, atomically (see {@link formatResultSet}). */
export async function writeResultSet(path: string, set: ResultSet): Promise<void> {
  await writeFileAtomic(path, formatResultSet(path, set));
}
