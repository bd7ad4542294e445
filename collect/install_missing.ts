/**
 * `war --install`: the Debian packages that would make unusable runtimes and missing tools
 * usable, taken from doctor's fixes, and their installation with apt; and the plugin installers
 * doctor names (e.g. a newer runsc fetched into ocibench's cache). Also every package the
 * runtime plugins and benchmarks declare (`.ci/run` installs them).
 *
 * @module
 */
import type { BenchmarkTool, PluginInstaller, RuntimePlugin } from "./types.ts";
import type { DoctorReport } from "./doctor.ts";
import { type ProcessRunner, runChecked, runProcess } from "./process.ts";
import { RUNTIME_PLUGINS } from "./runtimes/mod.ts";
import { benchmarkTools } from "./benchmarks/mod.ts";

/** How long apt may take for one command, in milliseconds. */
export const APT_TIMEOUT_MS = 15 * 60_000;

const APT_FIX = /^apt-get install ([a-z0-9][a-z0-9+.-]*(?: [a-z0-9][a-z0-9+.-]*)*)$/;

/**
 * The packages doctor's fixes ask for (`apt-get install X`), once each, sorted; fixes that are
 * not a package installation (a daemon to start, a cgroup mount) are returned apart.
 */
export function packagesToInstall(
  report: DoctorReport,
): { packages: string[]; otherFixes: { what: string; fix: string }[] } {
  const packages = new Set<string>();
  const otherFixes: { what: string; fix: string }[] = [];
  const rows = [
    ...report.runtimes.filter((r) => !r.usable).map((r) => ({ what: r.id, fix: r.fix })),
    ...report.tools.filter((t) => !t.found).map((t) => ({ what: t.name, fix: t.fix })),
  ];
  for (const { what, fix } of rows) {
    if (!fix) continue;
    const m = APT_FIX.exec(fix.trim());
    if (m) m[1].split(" ").forEach((p) => packages.add(p));
    else otherFixes.push({ what, fix });
  }
  return { packages: [...packages].sort(), otherFixes };
}

/**
 * The plugin installers doctor's unusable runtimes name, once each, in the order of the plugins
 * that declare them. A name no plugin declares raises a RangeError.
 */
export function installersToRun(
  report: DoctorReport,
  plugins: readonly RuntimePlugin[] = RUNTIME_PLUGINS,
): PluginInstaller[] {
  const wanted = new Set(
    report.runtimes.filter((r) => !r.usable && r.installer).map((r) => r.installer!),
  );
  const known = plugins.flatMap((p) => p.installers ?? []);
  for (const id of wanted) {
    if (!known.some((i) => i.id === id)) {
      throw new RangeError(
        `doctor names installer "${id}", which no runtime plugin declares; known: ${
          known.map((i) => i.id).join(", ") || "none"
        }`,
      );
    }
  }
  return known.filter((i, n) => wanted.has(i.id) && known.indexOf(i) === n);
}

/**
 * Runs `installers` one after the other (they need root); raises an Error naming the
 * installer that failed.
 */
export async function runInstallers(
  installers: readonly PluginInstaller[],
  options: Omit<InstallPackagesOptions, "runner"> = {},
): Promise<void> {
  if (installers.length > 0 && Deno.uid() !== 0) {
    throw new Error(
      `installing ${installers.map((i) => i.description).join("; ")} needs root: run as root`,
    );
  }
  for (const installer of installers) {
    options.log?.(`installing ${installer.description}`);
    try {
      await installer.install({ log: options.log, signal: options.signal });
    } catch (error) {
      throw new Error(`installer "${installer.id}" failed: ${(error as Error).message}`);
    }
  }
}

/** Options of {@link declaredPackages}. */
export interface DeclaredPackagesOptions {
  /** Default the registry's plugins. */
  plugins?: readonly RuntimePlugin[];
  /** Default the registered benchmarks' tools. */
  tools?: readonly BenchmarkTool[];
}

/**
 * Every Debian package the runtime plugins (`aptPackages`) and the benchmarks (`tools`) declare,
 * once each, sorted: what a host needs to run them all.
 */
export function declaredPackages(options: DeclaredPackagesOptions = {}): string[] {
  const plugins = options.plugins ?? RUNTIME_PLUGINS;
  const tools = options.tools ?? benchmarkTools();
  return [...new Set([...plugins.flatMap((p) => p.aptPackages), ...tools.map((t) => t.package)])]
    .sort();
}

/** Options of {@link installPackages}. */
export interface InstallPackagesOptions {
  runner?: ProcessRunner;
  log?: (message: string) => void;
  signal?: AbortSignal;
}

/**
 * Installs `packages` with `apt-get install -y --no-install-recommends` after `apt-get update`.
 * Needs root; raises an Error naming the command and apt's message when it fails.
 */
export async function installPackages(
  packages: string[],
  options: InstallPackagesOptions = {},
): Promise<void> {
  if (packages.length === 0) return;
  if (Deno.uid() !== 0) {
    throw new Error(
      `installing ${packages.join(", ")} needs root: run as root, or install them with ` +
        `"apt-get install ${packages.join(" ")}"`,
    );
  }
  const runner = options.runner ?? runProcess;
  const log = options.log ?? (() => {});
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  log(`apt-get update`);
  await runChecked(["apt-get", "update", "-qq"], {
    runner,
    env,
    timeoutMs: APT_TIMEOUT_MS,
    signal: options.signal,
  });
  log(`apt-get install ${packages.join(" ")}`);
  await runChecked(
    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...packages],
    { runner, env, timeoutMs: APT_TIMEOUT_MS, signal: options.signal },
  );
}

if (import.meta.main) {
  if (Deno.args.includes("--run-installers")) {
    // Every plugin installer (for .ci/run): what the plugins fetch beyond the apt packages.
    await runInstallers(RUNTIME_PLUGINS.flatMap((p) => p.installers ?? []), {
      log: (m) => console.error(m),
    });
  } else {
    // `deno run collect/install_missing.ts`: the declared packages, one a line (for .ci/run).
    console.log(declaredPackages().join("\n"));
  }
}
