import { assertEquals, assertThrows } from "../tests/assert.ts";
import { cpuCaches, lastLevelCache, parseCacheSize, type SysfsReader } from "./cpu_cache.ts";

const FIXTURE_DIR = new URL("../fixtures/tool_outputs/host/cpu0_cache", import.meta.url).pathname;

function readFixture(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

Deno.test("cpuCaches() lists the caches of a real sysfs copy; the last level is the 32 MiB L3", () => {
  const caches = cpuCaches(FIXTURE_DIR, readFixture);
  assertEquals(caches.map((c) => `L${c.level} ${c.type} ${c.sizeBytes}`), [
    "L1 Data 32768",
    "L1 Instruction 32768",
    "L2 Unified 524288",
    "L3 Unified 33554432",
  ]);
  assertEquals(lastLevelCache(caches)?.sizeBytes, 32 * 2 ** 20);
});

Deno.test("lastLevelCache() skips instruction caches and says undefined when none is listed", () => {
  const files: Record<string, string> = {
    "/c/index0/level": "1\n",
    "/c/index0/type": "Data\n",
    "/c/index0/size": "48K\n",
    "/c/index1/level": "2\n",
    "/c/index1/type": "Instruction\n",
    "/c/index1/size": "4M\n",
  };
  const read: SysfsReader = (path) => files[path];
  assertEquals(lastLevelCache(cpuCaches("/c", read)), { level: 1, type: "Data", sizeBytes: 49152 });
  assertEquals(lastLevelCache(cpuCaches("/none", read)), undefined);
});

Deno.test("parseCacheSize() reads K, M and bytes, and rejects anything else", () => {
  assertEquals(parseCacheSize("32768K\n"), 32 * 2 ** 20);
  assertEquals(parseCacheSize("2M"), 2 * 2 ** 20);
  assertEquals(parseCacheSize("4096"), 4096);
  assertThrows(() => parseCacheSize("32 MB"), SyntaxError, '"32 MB"');
});
