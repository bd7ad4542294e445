/**
 * Integration: Debian 13's runsc is fetched for real into a private cache with a private apt
 * state, the host's apt configuration (`/etc/apt`) and package database stay byte for byte as
 * they were, and the fetched runsc runs `true` on gVisor's systrap platform in the benchmark
 * image. Needs root and the Debian mirror of the host's apt sources; skipped by name without root
 * (and the trial run without the image).
 *
 * @module
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { fetchRunsc, sha256File } from "../collect/runtimes/runsc_package.ts";
import { runscAdapter } from "../collect/runtimes/runsc.ts";
import { cleanupAll, createAdapterContext } from "../collect/runtimes/mod.ts";
import { findTestImage, leftoversBesidesWorkDir } from "./integration.ts";

/** Every file under `dir` (recursively) with its SHA-256, sorted: a fingerprint of its state. */
function fingerprint(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    for (const entry of Deno.readDirSync(path)) {
      const full = `${path}/${entry.name}`;
      if (entry.isDirectory) walk(full);
      else if (entry.isSymlink) out.push(`${full} -> ${Deno.readLinkSync(full)}`);
      else out.push(`${full} ${sha256File(full)}`);
    }
  };
  walk(dir);
  return out.sort();
}

const ROOT = Deno.uid() === 0;
if (!ROOT) console.log("SKIPPED runsc_package_test: fetching with apt needs root");

Deno.test({
  name: "fetchRunsc() fetches Debian 13's runsc without touching /etc/apt, and it runs on systrap",
  ignore: !ROOT,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const cache = Deno.makeTempDirSync({ prefix: "ocibench-runsc-fetch-" });
    const before = fingerprint("/etc/apt");
    const dpkgStatus = sha256File("/var/lib/dpkg/status");
    try {
      const manifest = await fetchRunsc({ cacheDir: cache, log: (m) => console.log(`  ${m}`) });
      assertEquals(fingerprint("/etc/apt"), before, "/etc/apt is unchanged");
      assertEquals(sha256File("/var/lib/dpkg/status"), dpkgStatus, "no package was installed");
      assertMatch(manifest.version, /^0\.0~20(2[4-9]|[3-9]\d)\d{4}\.\d+$/);
      assertEquals(sha256File(manifest.binary), manifest.binarySha256);
      assert(manifest.binary.startsWith(`${cache}/runsc/`));

      const { image, problem } = findTestImage("runsc_package_test");
      if (problem) {
        console.log(`SKIPPED the systrap trial run: ${problem}`);
        return;
      }
      const ctx = createAdapterContext({ image });
      const adapter = runscAdapter({ platform: "systrap", binary: manifest.binary });
      try {
        const detection = await adapter.detect(ctx);
        assertEquals(detection.usable, true, `${detection.reason}`);
        assertEquals(detection.version, manifest.version);
        const r = await adapter.run({ argv: ["cat", "/proc/version"], timeoutMs: 60_000 }, ctx);
        assertEquals(r.exitCode, 0, r.stderr);
        // gVisor's own kernel answers, not the host's.
        assert(!r.stdout.includes(Deno.osRelease()), r.stdout);
        assertEquals(await leftoversBesidesWorkDir(ctx), "");
      } finally {
        assertEquals(await cleanupAll([adapter], ctx), []);
      }
    } finally {
      Deno.removeSync(cache, { recursive: true });
    }
  },
});
