/**
 * The CPU's last-level cache, as Linux lists it in sysfs
 * (`/sys/devices/system/cpu/cpu0/cache/index<N>/{level,type,size}`): the largest level among the
 * data and unified caches. Memory benchmarks size their arrays from it (STREAM's rule: each
 * array at least 4 × the last-level cache, so that what is measured is memory, not cache).
 *
 * @module
 */

/** Where Linux lists the caches of CPU 0. */
export const CPU0_CACHE_DIR = "/sys/devices/system/cpu/cpu0/cache";

/** Reads a sysfs file; undefined when it does not exist or cannot be read. */
export type SysfsReader = (path: string) => string | undefined;

/** One cache of the CPU. */
export interface CpuCache {
  level: number;
  /** `Data`, `Instruction` or `Unified`. */
  type: string;
  sizeBytes: number;
}

/**
 * Parses a sysfs cache size such as `32768K` (the kernel writes KiB with a `K`; `M` and a bare
 * number of bytes are accepted too). Raises SyntaxError for anything else.
 */
export function parseCacheSize(text: string): number {
  const match = /^(\d+)([KMG]?)$/.exec(text.trim());
  if (!match) throw new SyntaxError(`not a sysfs cache size: ${JSON.stringify(text.trim())}`);
  const shift = { "": 0, K: 10, M: 20, G: 30 }[match[2] as "" | "K" | "M" | "G"];
  return Number(match[1]) * 2 ** shift;
}

function readSysfs(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

/** The caches of CPU 0 listed under `dir` (index0, index1, … until one is missing). */
export function cpuCaches(dir = CPU0_CACHE_DIR, read: SysfsReader = readSysfs): CpuCache[] {
  const caches: CpuCache[] = [];
  for (let index = 0;; index++) {
    const level = read(`${dir}/index${index}/level`);
    const type = read(`${dir}/index${index}/type`);
    const size = read(`${dir}/index${index}/size`);
    if (level === undefined || type === undefined || size === undefined) break;
    caches.push({
      level: Number(level.trim()),
      type: type.trim(),
      sizeBytes: parseCacheSize(size),
    });
  }
  return caches;
}

/**
 * The last-level cache among `caches`: the highest level that holds data (`Data` or `Unified`),
 * the largest at that level; undefined when none is listed (some VMs and architectures list none).
 */
export function lastLevelCache(caches: readonly CpuCache[]): CpuCache | undefined {
  let best: CpuCache | undefined;
  for (const cache of caches) {
    if (cache.type === "Instruction") continue;
    if (
      !best || cache.level > best.level ||
      (cache.level === best.level && cache.sizeBytes > best.sizeBytes)
    ) best = cache;
  }
  return best;
}
