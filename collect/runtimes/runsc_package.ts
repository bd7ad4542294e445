/**
 * A newer gVisor than the host's release ships: Debian 12's `runsc` (2022-12-19) has only the
 * ptrace platform, which gVisor has since deprecated; its default since 2023 is systrap. Debian
 * 13's package (a statically linked binary) has it. This module fetches that package with apt
 * against a source list, state and cache of its own under ocibench's cache, so the host's apt
 * configuration (`/etc/apt`) and its installed packages are never touched, extracts the binary
 * with `dpkg-deb -x`, and records the package's version and SHA-256 (checked against the signed
 * index) in a manifest beside it.
 *
 * `deno run -A collect/runtimes/runsc_package.ts` fetches it (as `war --install` does).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { type ProcessRunner, runChecked, runProcess } from "../process.ts";
import { cacheDir, pathExists } from "../host_fs.ts";

/** The Debian suites searched for runsc: the release with systrap, and its backports. */
export const RUNSC_SUITES: readonly string[] = ["trixie", "trixie-backports"];

/** The keyring that signs Debian's archives (package `debian-archive-keyring`). */
export const DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

/** The id of the installer doctor names for a runsc that needs the fetched binary. */
export const RUNSC_INSTALLER_ID = "runsc-debian13";

/** How long apt may take for one command, in milliseconds. */
const APT_TIMEOUT_MS = 10 * 60_000;

/** What the manifest `runsc.json` records of the fetched package. */
export const RunscManifestSchema = z.object({
  schemaVersion: z.literal(1),
  /** The Debian package, `runsc`. */
  package: z.string(),
  /** The package's Debian version, e.g. `0.0~20240729.0-4+b7`. */
  debianVersion: z.string(),
  /** The suites it was looked for in, e.g. `trixie trixie-backports`. */
  suites: z.string(),
  /** The mirror it came from. */
  mirror: z.string(),
  /** SHA-256 of the `.deb`, hex, as the signed index lists it and as computed. */
  packageSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The extracted binary. */
  binary: z.string(),
  /** SHA-256 of the binary, hex. */
  binarySha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** What `runsc --version` says, e.g. `0.0~20240729.0`. */
  version: z.string(),
  fetchedAt: z.iso.datetime({ offset: true }),
});
/** The manifest of a fetched runsc. */
export type RunscManifest = z.infer<typeof RunscManifestSchema>;

/** Where fetched runsc builds live under the cache root: `<root>/runsc`. */
export function runscCacheDir(root: string = cacheDir()): string {
  return `${root}/runsc`;
}

/** The manifest of the fetched runsc, or undefined when none was fetched (or it is unreadable). */
export function readRunscManifest(root: string = cacheDir()): RunscManifest | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(`${runscCacheDir(root)}/runsc.json`);
  } catch {
    return undefined;
  }
  try {
    const parsed = RunscManifestSchema.safeParse(JSON.parse(text));
    return parsed.success && pathExists(parsed.data.binary) ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Debian mirror the host's apt uses for its main archive: the first `deb` source, in
 * one-line (`sources.list`) or deb822 (`*.sources`) form, that is neither a security nor a
 * backports/updates archive. Undefined when none is found.
 *
 * @example
 * ```ts
 * debianMirrorFrom(["deb http://m.example/debian bookworm main"]); // "http://m.example/debian"
 * ```
 */
export function debianMirrorFrom(files: readonly string[]): string | undefined {
  const candidates: { uri: string; suites: string[] }[] = [];
  for (const text of files) {
    for (const line of text.split("\n")) {
      const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
      if (m) candidates.push({ uri: m[1], suites: [m[2]] });
    }
    for (const stanza of text.split(/\n\s*\n/)) {
      const field = (name: string) =>
        new RegExp(`^${name}:\\s*(.+)$`, "mi").exec(stanza)?.[1].trim();
      const types = field("Types");
      const uris = field("URIs");
      if (!types || !uris || !types.split(/\s+/).includes("deb")) continue;
      if (/^Enabled:\s*no\s*$/mi.test(stanza)) continue;
      const suites = (field("Suites") ?? "").split(/\s+/);
      for (const uri of uris.split(/\s+/)) candidates.push({ uri, suites });
    }
  }
  const main = candidates.find((c) =>
    !/security/.test(c.uri) && c.suites.some((s) => /^[a-z]+$/.test(s))
  );
  return main?.uri.replace(/\/+$/, "");
}

/** The host's apt source files (`/etc/apt/sources.list` and `sources.list.d/*`), read only. */
function hostSourceFiles(): string[] {
  const files: string[] = [];
  const read = (path: string) => {
    try {
      files.push(Deno.readTextFileSync(path));
    } catch {
      // Absent.
    }
  };
  read("/etc/apt/sources.list");
  try {
    for (const e of Deno.readDirSync("/etc/apt/sources.list.d")) {
      if (/\.(list|sources)$/.test(e.name)) read(`/etc/apt/sources.list.d/${e.name}`);
    }
  } catch {
    // No directory.
  }
  return files;
}

/**
 * One stanza of `apt-cache show` per version: `Package`, `Version`, `SHA256`, `Filename` and
 * the rest of its fields.
 */
export function parseAptCacheShow(text: string): Record<string, string>[] {
  return text.split(/\n\s*\n/).map((stanza) => {
    const fields: Record<string, string> = {};
    for (const line of stanza.split("\n")) {
      const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line);
      if (m) fields[m[1]] = m[2].trim();
    }
    return fields;
  }).filter((f) => f.Package !== undefined);
}

/** The upstream version in `runsc --version` output (`runsc version 0.0~20240729.0`). */
export function parseRunscVersion(text: string): string | undefined {
  return /runsc version (\S+)/.exec(text)?.[1];
}

/** SHA-256 of a file, hex. */
export function sha256File(path: string): string {
  return createHash("sha256").update(Deno.readFileSync(path)).digest("hex");
}

/** The apt options that confine apt to `dir`: its own sources, state, cache and status. */
export function privateAptOptions(dir: string): string[] {
  return [
    `-o`,
    `Dir::Etc::sourcelist=${dir}/sources.list`,
    `-o`,
    `Dir::Etc::sourceparts=${dir}/sources.list.d`,
    `-o`,
    `Dir::Etc::preferences=${dir}/preferences`,
    `-o`,
    `Dir::Etc::preferencesparts=${dir}/preferences.d`,
    `-o`,
    `Dir::State=${dir}/state`,
    `-o`,
    `Dir::State::status=${dir}/status`,
    `-o`,
    `Dir::Cache=${dir}/cache`,
    // The download lands in a root-owned directory of ours, which apt's `_apt` user cannot
    // write.
    `-o`,
    `APT::Sandbox::User=root`,
  ];
}

/** Options of {@link fetchRunsc}. */
export interface FetchRunscOptions {
  /** Cache root; default ocibench's (`$OCIBENCH_CACHE` or `/var/cache/ocibench`). */
  cacheDir?: string;
  /** Debian mirror; default `$OCIBENCH_DEBIAN_MIRROR`, else the host's apt main archive. */
  mirror?: string;
  runner?: ProcessRunner;
  log?: (message: string) => void;
  signal?: AbortSignal;
  /** Clock for `fetchedAt` (tests). */
  now?: () => Date;
}

/**
 * Fetches Debian 13's runsc into the cache (unless the newest version is there already) and
 * returns its manifest. Needs root (dpkg-deb keeps the files' owners) and the Debian mirror.
 * Raises an Error naming the step that failed.
 */
export async function fetchRunsc(options: FetchRunscOptions = {}): Promise<RunscManifest> {
  const root = options.cacheDir ?? cacheDir();
  const runner = options.runner ?? runProcess;
  const log = options.log ?? (() => {});
  const mirror = options.mirror ?? Deno.env.get("OCIBENCH_DEBIAN_MIRROR") ??
    debianMirrorFrom(hostSourceFiles());
  if (!mirror) {
    throw new Error(
      "no Debian mirror found in /etc/apt/sources.list(.d): set OCIBENCH_DEBIAN_MIRROR to one",
    );
  }
  if (!pathExists(DEBIAN_KEYRING)) {
    throw new Error(`${DEBIAN_KEYRING} is missing: apt-get install debian-archive-keyring`);
  }
  const dir = runscCacheDir(root);
  const apt = `${dir}/apt`;
  for (const d of ["sources.list.d", "preferences.d", "state/lists/partial", "cache/archives"]) {
    Deno.mkdirSync(`${apt}/${d}`, { recursive: true });
  }
  Deno.writeTextFileSync(`${apt}/status`, "");
  Deno.writeTextFileSync(
    `${apt}/sources.list`,
    RUNSC_SUITES.map((s) => `deb [signed-by=${DEBIAN_KEYRING}] ${mirror} ${s} main\n`).join(""),
  );
  const aptOptions = privateAptOptions(apt);
  const run = (argv: string[], cwd?: string) =>
    runChecked(argv, {
      runner,
      cwd,
      env: { DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C" },
      timeoutMs: APT_TIMEOUT_MS,
      signal: options.signal,
    });
  log(`apt-get update (${RUNSC_SUITES.join(", ")} from ${mirror}, private state in ${apt})`);
  await run(["apt-get", ...aptOptions, "-q", "update"]);
  const policy = await run(["apt-cache", ...aptOptions, "policy", "runsc"]);
  const candidate = /Candidate:\s*(\S+)/.exec(policy)?.[1];
  if (!candidate || candidate === "(none)") {
    throw new Error(`no runsc package in ${RUNSC_SUITES.join(", ")} at ${mirror}`);
  }
  const stanza = parseAptCacheShow(
    await run(["apt-cache", ...aptOptions, "show", `runsc=${candidate}`]),
  ).find((s) => s.Version === candidate);
  const indexSha = stanza?.SHA256;
  if (!indexSha) throw new Error(`apt-cache show runsc=${candidate} lists no SHA256`);

  const current = readRunscManifest(root);
  if (current?.debianVersion === candidate && current.packageSha256 === indexSha) {
    log(`runsc ${candidate} is in the cache already (${current.binary})`);
    return current;
  }

  const work = Deno.makeTempDirSync({ dir, prefix: "fetch-" });
  try {
    log(`apt-get download runsc=${candidate}`);
    await run(["apt-get", ...aptOptions, "-q", "download", `runsc=${candidate}`], work);
    const deb = [...Deno.readDirSync(work)].find((e) => e.name.endsWith(".deb"))?.name;
    if (!deb) throw new Error(`apt-get download runsc=${candidate} left no .deb in ${work}`);
    const packageSha256 = sha256File(`${work}/${deb}`);
    if (packageSha256 !== indexSha) {
      throw new Error(
        `${deb} has SHA-256 ${packageSha256}, but the signed index lists ${indexSha}`,
      );
    }
    const target = `${dir}/${candidate.replace(/[^A-Za-z0-9.+-]/g, "_")}`;
    const extracted = `${work}/root`;
    await run(["dpkg-deb", "-x", `${work}/${deb}`, extracted]);
    const binaryInWork = `${extracted}/usr/bin/runsc`;
    if (!pathExists(binaryInWork)) throw new Error(`${deb} holds no usr/bin/runsc`);
    const version = parseRunscVersion(await run([binaryInWork, "--version"]));
    if (!version) throw new Error(`${binaryInWork} --version did not name a version`);
    if (pathExists(target)) Deno.removeSync(target, { recursive: true });
    Deno.renameSync(extracted, target);
    const manifest: RunscManifest = {
      schemaVersion: 1,
      package: "runsc",
      debianVersion: candidate,
      suites: RUNSC_SUITES.join(" "),
      mirror,
      packageSha256,
      binary: `${target}/usr/bin/runsc`,
      binarySha256: sha256File(`${target}/usr/bin/runsc`),
      version,
      fetchedAt: (options.now?.() ?? new Date()).toISOString(),
    };
    const tmp = `${dir}/runsc.json.${Deno.pid}.tmp`;
    Deno.writeTextFileSync(tmp, JSON.stringify(manifest, null, 2) + "\n");
    Deno.renameSync(tmp, `${dir}/runsc.json`);
    log(`runsc ${version} (Debian ${candidate}, sha256 ${packageSha256}) in ${target}`);
    return manifest;
  } finally {
    Deno.removeSync(work, { recursive: true });
  }
}

if (import.meta.main) {
  const manifest = await fetchRunsc({ log: (m) => console.error(`runsc: ${m}`) });
  console.log(JSON.stringify(manifest, null, 2));
}
