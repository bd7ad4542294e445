import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/assert.ts";
import type { ProcessResult } from "../types.ts";
import type { RunProcessOptions } from "../process.ts";
import {
  DEBIAN_KEYRING,
  debianMirrorFrom,
  fetchRunsc,
  parseAptCacheShow,
  parseRunscVersion,
  privateAptOptions,
  readRunscManifest,
  sha256File,
} from "./runsc_package.ts";

function fixture(name: string): string {
  return Deno.readTextFileSync(
    new URL(`../../fixtures/tool_outputs/runsc/${name}`, import.meta.url),
  );
}

Deno.test("debianMirrorFrom() takes the main archive from deb822 and one-line sources, never security", () => {
  assertEquals(debianMirrorFrom([fixture("debian.sources")]), "http://deb.debian.org/debian");
  assertEquals(
    debianMirrorFrom([
      "# deb http://old.example/debian bookworm main\n" +
      "deb http://security.example/debian-security bookworm-security main\n" +
      "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian/ bookworm main contrib\n",
    ]),
    "http://mirror.example/debian",
  );
  assertEquals(
    debianMirrorFrom([
      "Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nEnabled: no\n\n" +
      "Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\n",
    ]),
    undefined,
  );
  assertEquals(debianMirrorFrom([]), undefined);
});

Deno.test("parseAptCacheShow() reads the version and SHA-256 of each stanza of real apt-cache output", () => {
  const stanzas = parseAptCacheShow(fixture("apt-cache_show_runsc.txt"));
  assertEquals(stanzas.length, 1);
  assertEquals(stanzas[0].Package, "runsc");
  assertEquals(stanzas[0].Version, "0.0~20240729.0-4+b7");
  assertEquals(
    stanzas[0].SHA256,
    "3c25a5130dfac2f71237d5baad56ac86a255de87a0400f11b36a555156dc325a",
  );
  assertEquals(stanzas[0].Size, "7121792");
});

Deno.test("parseRunscVersion() reads both Debian builds' --version", () => {
  assertEquals(parseRunscVersion(fixture("version_20240729.stdout")), "0.0~20240729.0");
  assertEquals(parseRunscVersion(fixture("version_20221219.stdout")), "0.0~20221219.0");
  assertEquals(parseRunscVersion("spec: 1.0.2\n"), undefined);
});

Deno.test("privateAptOptions() points every apt path that would be written or read for sources into our dir", () => {
  const options = privateAptOptions("/c/runsc/apt");
  const values = options.filter((o) => o !== "-o");
  for (
    const key of [
      "Dir::Etc::sourcelist",
      "Dir::Etc::sourceparts",
      "Dir::Etc::preferences",
      "Dir::Etc::preferencesparts",
      "Dir::State",
      "Dir::State::status",
      "Dir::Cache",
    ]
  ) {
    const value = values.find((v) => v.startsWith(`${key}=`));
    assert(value, `${key} is set`);
    assert(value.slice(key.length + 1).startsWith("/c/runsc/apt/"), `${key} is ours: ${value}`);
  }
  assert(!options.some((o) => o.includes("/etc/apt")), "nothing names /etc/apt");
});

/** A fake apt: answers update/policy/show from the fixture and "downloads" `deb` bytes. */
function fakeApt(deb: Uint8Array, calls: { argv: string[]; cwd?: string }[]) {
  return (argv: string[], options: RunProcessOptions = {}): Promise<ProcessResult> => {
    calls.push({ argv, cwd: options.cwd });
    const ok = (stdout: string): ProcessResult => ({
      exitCode: 0,
      stdout,
      stderr: "",
      timedOut: false,
      wallMs: 1,
      startedAt: "2026-12-01T00:00:00Z",
      finishedAt: "2026-12-01T00:00:00Z",
    });
    const sub = argv.filter((a) => !a.startsWith("-") && !a.includes("="))[1];
    if (argv[0] === "apt-get" && sub === "update") return Promise.resolve(ok(""));
    if (argv[0] === "apt-cache" && sub === "policy") {
      return Promise.resolve(ok("runsc:\n  Installed: (none)\n  Candidate: 0.0~20240729.0-4+b7\n"));
    }
    if (argv[0] === "apt-cache" && sub === "show") {
      return Promise.resolve(ok(fixture("apt-cache_show_runsc.txt")));
    }
    if (argv[0] === "apt-get" && sub === "download") {
      Deno.writeFileSync(`${options.cwd}/runsc_0.0~20240729.0-4+b7_amd64.deb`, deb);
      return Promise.resolve(ok(""));
    }
    if (argv[0] === "dpkg-deb") {
      const target = argv[3];
      Deno.mkdirSync(`${target}/usr/bin`, { recursive: true });
      Deno.writeTextFileSync(`${target}/usr/bin/runsc`, "#!/bin/sh\n", { mode: 0o755 });
      return Promise.resolve(ok(""));
    }
    if (argv[0].endsWith("/usr/bin/runsc") && argv[1] === "--version") {
      return Promise.resolve(ok(fixture("version_20240729.stdout")));
    }
    throw new Error(`unexpected command ${argv.join(" ")}`);
  };
}

/** fetchRunsc() insists on Debian's keyring; a host without it skips these tests by name. */
const NO_KEYRING = (() => {
  try {
    return !Deno.statSync(DEBIAN_KEYRING).isFile;
  } catch {
    return true;
  }
})();
if (NO_KEYRING) console.log(`fetchRunsc() tests skipped: ${DEBIAN_KEYRING} is missing`);

Deno.test({
  name:
    "fetchRunsc() refuses a package whose SHA-256 is not the signed index's, and leaves no manifest",
  ignore: NO_KEYRING,
  async fn() {
    const cache = Deno.makeTempDirSync({ prefix: "ocibench-runsc-test-" });
    try {
      const calls: { argv: string[]; cwd?: string }[] = [];
      await assertRejects(
        () =>
          fetchRunsc({
            cacheDir: cache,
            mirror: "http://mirror.example/debian",
            runner: fakeApt(new TextEncoder().encode("not the package"), calls),
          }),
        Error,
        "but the signed index lists 3c25a5130dfac2f7",
      );
      assertEquals(readRunscManifest(cache), undefined);
      // Every apt command ran confined to our state.
      for (const { argv } of calls.filter((c) => /^apt/.test(c.argv[0]))) {
        assertStringIncludes(
          argv.join(" "),
          `Dir::Etc::sourcelist=${cache}/runsc/apt/sources.list`,
        );
      }
      assertEquals(
        Deno.readTextFileSync(`${cache}/runsc/apt/sources.list`),
        `deb [signed-by=${DEBIAN_KEYRING}] http://mirror.example/debian trixie main\n` +
          `deb [signed-by=${DEBIAN_KEYRING}] http://mirror.example/debian trixie-backports main\n`,
      );
      // The download's work dir is gone.
      assertEquals(
        [...Deno.readDirSync(`${cache}/runsc`)].map((e) => e.name).sort(),
        ["apt"],
      );
    } finally {
      Deno.removeSync(cache, { recursive: true });
    }
  },
});

Deno.test({
  name: "fetchRunsc() extracts a package whose SHA-256 matches and records it in the manifest",
  ignore: NO_KEYRING,
  async fn() {
    const cache = Deno.makeTempDirSync({ prefix: "ocibench-runsc-test-" });
    try {
      // A package whose hash is the index's cannot be forged here: point the index at our bytes.
      const deb = new TextEncoder().encode("a runsc package");
      const debFile = `${cache}/deb`;
      Deno.writeFileSync(debFile, deb);
      const sha = sha256File(debFile);
      const calls: { argv: string[]; cwd?: string }[] = [];
      const base = fakeApt(deb, calls);
      const runner = (argv: string[], options?: RunProcessOptions) =>
        base(argv, options).then((r) =>
          argv[0] === "apt-cache" && argv.includes("show")
            ? { ...r, stdout: r.stdout.replace(/^SHA256: .*$/m, `SHA256: ${sha}`) }
            : r
        );
      const manifest = await fetchRunsc({
        cacheDir: cache,
        mirror: "http://mirror.example/debian",
        runner,
        now: () => new Date("2026-12-01T12:00:00Z"),
      });
      assertEquals(manifest.debianVersion, "0.0~20240729.0-4+b7");
      assertEquals(manifest.version, "0.0~20240729.0");
      assertEquals(manifest.packageSha256, sha);
      assertEquals(manifest.binary, `${cache}/runsc/0.0_20240729.0-4+b7/usr/bin/runsc`);
      assertEquals(manifest.fetchedAt, "2026-12-01T12:00:00.000Z");
      assertEquals(readRunscManifest(cache), manifest);
      // The download ran in a work dir of ours, since removed.
      const download = calls.find((c) => c.argv.includes("download"))!;
      assert(download.cwd?.startsWith(`${cache}/runsc/fetch-`));
      assert(![...Deno.readDirSync(`${cache}/runsc`)].some((e) => e.name.startsWith("fetch-")));
      // A second fetch finds the same version and hash in the cache and downloads nothing.
      calls.length = 0;
      await fetchRunsc({ cacheDir: cache, mirror: "http://mirror.example/debian", runner });
      assert(!calls.some((c) => c.argv.includes("download")), "no second download");
    } finally {
      Deno.removeSync(cache, { recursive: true });
    }
  },
});
