/**
 * Small file-system helpers shared across `collect/`, and the cache directory. A leaf module: it
 * imports nothing, so any file may use it without making an import circle.
 *
 * @module
 */

/** Default cache root when `OCIBENCH_CACHE` is not set. */
export const DEFAULT_CACHE_DIR = "/var/cache/ocibench";

/** The cache root in effect: `options.cacheDir`, else `$OCIBENCH_CACHE`, else {@link DEFAULT_CACHE_DIR}. */
export function cacheDir(options: { cacheDir?: string } = {}): string {
  return options.cacheDir ?? Deno.env.get("OCIBENCH_CACHE") ?? DEFAULT_CACHE_DIR;
}

/** Whether `path` exists (a dangling symbolic link counts). */
export function pathExists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The names in directory `dir`; empty when it does not exist or cannot be read. */
export function listDir(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name);
  } catch {
    return [];
  }
}

/**
 * Resolves `name` (a path, or a name searched in `PATH` plus the sbin directories) to an
 * executable file; returns `{ path }` or `{ reason }` saying why not.
 */
export function findExecutable(name: string): { path?: string; reason?: string } {
  const candidates = name.includes("/") ? [name] : [
    ...(Deno.env.get("PATH") ?? "").split(":").filter((d) => d !== ""),
    "/usr/local/sbin",
    "/usr/sbin",
    "/sbin",
  ].map((d) => `${d}/${name}`);
  for (const candidate of candidates) {
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(candidate);
    } catch {
      continue;
    }
    if (!info.isFile) {
      if (name.includes("/")) return { reason: `${candidate} is not a regular file` };
      continue;
    }
    if (((info.mode ?? 0) & 0o111) === 0) {
      return { reason: `${candidate} is not executable (mode ${(info.mode ?? 0).toString(8)})` };
    }
    return { path: candidate };
  }
  return { reason: name.includes("/") ? `${name} does not exist` : `${name} is not installed` };
}
