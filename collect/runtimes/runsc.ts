/**
 * `runsc` (gVisor): a user-space kernel that intercepts the workload's system calls, run
 * directly on a bundle (`runsc --platform=P --network=N run --bundle B ID`).
 *
 * The platform is how the sandbox intercepts those calls, and it sets their cost:
 * - `runsc-systrap`: gVisor's default since 2023 (seccomp traps each call into the sandbox's
 *   kernel, no hardware virtualisation). Debian 12's runsc (2022-12-19) lacks it, so this
 *   adapter runs Debian 13's build, fetched into ocibench's cache (`runsc_package.ts`; doctor's
 *   fix and `war --install` fetch it), or the host's runsc when that is new enough.
 * - `runsc-ptrace`: the host's runsc on the ptrace platform, the default until 2023 and since
 *   deprecated: labelled legacy. Published gVisor figures before 2023 used it.
 * - `kvm` needs `/dev/kvm` and hardware virtualisation; doctor says whether the host has them.
 *
 * Its own netstack refuses to run in the root network namespace: a step without a network gets
 * `--network=none`; a step in one of our namespaces gets `--network=host` (the sandbox uses the
 * namespace's stack) and joins it through the spec.
 *
 * @module
 */
import type {
  Detection,
  HostSupport,
  RuntimeAdapter,
  RuntimePlatform,
  RuntimePlugin,
} from "../types.ts";
import { bundleRuntimeAdapter } from "./_bundle.ts";
import { writeWrapperScript } from "./_wrappers.ts";
import {
  type AdapterOptions,
  findExecutable,
  type LowLevelRuntime,
  pathExists,
  readVersion,
} from "./_common.ts";
import { type ProcessEffects, REAL_PROCESS_EFFECTS } from "../process.ts";
import { parseCpuFlags } from "../host_info.ts";
import {
  fetchRunsc,
  readRunscManifest,
  RUNSC_INSTALLER_ID,
  RUNSC_SUITES,
  runscCacheDir,
} from "./runsc_package.ts";

/**
 * runsc as a low-level runtime, also under the engines, as Debian 12 ships it (the 2022 build the
 * ptrace variants run). Its state root holds a `<id>_sandbox:<id>.state` file (and a `.lock`
 * beside it) per container. In one of our network namespaces a sandbox uses that namespace's host
 * network stack (`--network=host`: gVisor's own netstack does not start here); nginx, redis,
 * PostgreSQL and qperf's server answer from inside it, but iperf3's server in this build drops its
 * control connection, so iperf3 runs its server under the baseline. O_DIRECT does not reach the
 * host: the sandbox's own file layer serves the workload's I/O.
 */
export const RUNSC: LowLevelRuntime = {
  binary: "runsc",
  isolation: "syscall-sandbox",
  stateRoot: { binary: "runsc", root: "/run/runsc", entriesOf: runscStateEntries },
  capabilities: {
    hostsReachableServer: false,
    serverLimitation: "iperf3's server inside Debian 12's runsc (2022 build) drops its control " +
      'connection ("control socket has closed unexpectedly")',
    directIo: false,
  },
};

/**
 * runsc of the systrap variants (Debian 13's build, fetched by runsc_package.ts): as
 * {@link RUNSC}, but iperf3's server answers from inside it too, so both ends of every network
 * benchmark run in gVisor.
 */
export const RUNSC_SYSTRAP: LowLevelRuntime = {
  ...RUNSC,
  capabilities: { hostsReachableServer: true, directIo: false },
};

/**
 * The entries of runsc's state root that hold container `id`'s state: `<id>_sandbox:<sandbox>.state`
 * and its `.lock`. Exact: the state of `<id>0` is not `id`'s. runsc killed between taking its
 * lock and writing its state leaves the `.lock` alone, and `runsc delete --force` then reports
 * success because no `.state` names the container; killed while writing, it leaves an empty
 * `.state` it cannot load. Both are removed once nothing runs under the id.
 *
 * @example
 * ```ts
 * runscStateEntries(["ab_sandbox:ab.lock", "abc_sandbox:abc.state", "ab"], "ab");
 * // ["ab_sandbox:ab.lock"]
 * ```
 */
export function runscStateEntries(names: readonly string[], id: string): string[] {
  return names.filter((n) => n.startsWith(`${id}_sandbox:`) && /\.(state|lock)$/.test(n));
}

/** gVisor platforms this adapter knows. */
export type RunscPlatform = "ptrace" | "systrap" | "kvm";

/** gVisor's platforms: whether each is legacy, and what it costs and needs. */
export const RUNSC_PLATFORMS: Readonly<
  Record<RunscPlatform, RuntimePlatform & { description: string }>
> = {
  systrap: {
    name: "systrap",
    legacy: false,
    description: "gVisor's default since 2023: seccomp traps each system call into the " +
      "sandbox's kernel; needs runsc from 2023 or later, no hardware virtualisation",
  },
  ptrace: {
    name: "ptrace",
    legacy: true,
    description: "the default until 2023, since deprecated: the sandbox's kernel intercepts " +
      "each system call with ptrace, several context switches per call",
  },
  kvm: {
    name: "kvm",
    legacy: false,
    description: "the sandbox's kernel runs as a KVM guest: needs /dev/kvm and hardware " +
      "virtualisation (vmx or svm), on bare metal or with nested virtualisation",
  },
};

/** A platform as adapters and runtime infos record it: its name and whether it is legacy. */
export function runscPlatform(platform: RunscPlatform): RuntimePlatform {
  const { name, legacy } = RUNSC_PLATFORMS[platform];
  return { name, legacy };
}

/**
 * The gVisor platform of an engine's low-level runtime name (docker, podman, containerd): `runsc`
 * is the legacy ptrace one, `runsc-systrap` systrap; undefined for any other runtime.
 */
export function engineRunscPlatform(runtime: string): RunscPlatform | undefined {
  return runtime === "runsc" ? "ptrace" : runtime === "runsc-systrap" ? "systrap" : undefined;
}

/**
 * The runsc binary a platform's adapters run: ptrace the host's (its release's package); the
 * others the build fetched into ocibench's cache when there is one, else the host's.
 */
export function runscBinaryFor(platform: RunscPlatform): string {
  if (platform === "ptrace") return RUNSC.binary;
  return readRunscManifest()?.binary ?? RUNSC.binary;
}

/** What fetches a runsc with the platforms the host's lacks. */
export const RUNSC_FETCH_FIX = "fetch Debian 13's runsc into ocibench's cache: " +
  "deno run -A collect/runtimes/runsc_package.ts (war --install does it)";

/**
 * The fix and installer for a runsc adapter on `platform` that failed for `reason`: a missing
 * runsc, or one without the platform, is mended by fetching Debian 13's build (ptrace: by the
 * host's package).
 */
export function runscMend(
  platform: RunscPlatform,
  reason: string,
): Pick<Detection, "fix" | "installer"> | undefined {
  const missing = /not installed|does not exist|unknown platform|has no \w+ platform/.test(reason);
  if (!missing) return undefined;
  if (platform === "ptrace") return { fix: "apt-get install runsc" };
  return { fix: RUNSC_FETCH_FIX, installer: RUNSC_INSTALLER_ID };
}

/**
 * Where a runsc binary comes from, for the runtime info's notes: the fetched package's version,
 * suite and SHA-256, or nothing for the host's own.
 */
export function runscProvenance(binary: string): string | undefined {
  const manifest = readRunscManifest();
  if (!manifest || manifest.binary !== binary) return undefined;
  return `runsc from Debian's package runsc ${manifest.debianVersion} (${manifest.suites}), ` +
    `package sha256 ${manifest.packageSha256}, in ${runscCacheDir()}`;
}

/** Options of {@link runscAdapter}. */
export interface RunscAdapterOptions extends AdapterOptions {
  /** Default `systrap`. The id becomes `runsc-<platform>`. */
  platform?: RunscPlatform;
}

/** The `runsc-<platform>` adapter (isolation class `syscall-sandbox`). */
export function runscAdapter(options: RunscAdapterOptions = {}): RuntimeAdapter {
  const platform = options.platform ?? "systrap";
  const { legacy } = RUNSC_PLATFORMS[platform];
  return bundleRuntimeAdapter({
    id: `runsc-${platform}`,
    name: `runsc (gVisor, ${platform}${legacy ? ", legacy platform" : ""})`,
    isolation: RUNSC.isolation,
    binary: RUNSC.binary,
    resolveBinary: () => runscBinaryFor(platform),
    platform: runscPlatform(platform),
    aptPackage: "runsc",
    stateRoot: RUNSC.stateRoot,
    capabilities: {
      ...(platform === "ptrace" ? RUNSC : RUNSC_SYSTRAP).capabilities,
      networks: ["netns", "none"],
    },
    globalArgs: (step) => [
      `--platform=${platform}`,
      step.network?.kind === "netns" ? "--network=host" : "--network=none",
    ],
    async version(binary, effects) {
      const version = await readVersion([binary, "--version"], effects, /runsc version (\S+)/);
      const notes = runscProvenance(binary);
      return {
        version,
        components: version ? { runsc: version } : undefined,
        ...(notes ? { notes } : {}),
      };
    },
    fix: (reason) => runscMend(platform, reason)?.fix,
    install: (reason) => runscMend(platform, reason),
    precheck: (binary, effects) => runscLacksPlatform(platform, { binary, effects }),
  }, options);
}

/**
 * The platforms a runsc offers, from `runsc flags` ("specifies which platform to use: systrap
 * (default), ptrace, kvm."), the default first; empty when the line is absent.
 */
export function parseRunscPlatforms(flagsOutput: string): string[] {
  const line = /which platform to use:\s*([^\n]+?)\.?\s*(?:\(default "[^"]*"\))?\s*$/m.exec(
    flagsOutput,
  )?.[1];
  if (!line) return [];
  return line.replace(/\.$/, "").split(",").map((p) => p.replace(/\(default\)/, "").trim())
    .filter((p) => /^[a-z]+$/.test(p));
}

/** What one runsc binary is: its version and the platforms it offers. */
export interface RunscBuild {
  version?: string;
  platforms: string[];
}

/** Options of {@link runscPlatformSupport}. */
export interface RunscPlatformSupportOptions {
  /** `/proc/cpuinfo`'s text. */
  cpuinfo: string;
  kvmDevice: boolean;
  seccomp: boolean;
  /** The runsc `runsc-systrap` would run (fetched or the host's), when there is one. */
  systrapRunsc?: RunscBuild;
  /** The host's runsc, when installed. */
  hostRunsc?: RunscBuild;
}

/**
 * Which gVisor platforms a host supports, and why (pure; doctor's explanation).
 *
 * @example
 * ```ts
 * runscPlatformSupport({ cpuinfo: "flags : pcid\n", kvmDevice: true, seccomp: true })
 *   .items.find((i) => i.name === "kvm")?.supported; // false: no vmx or svm
 * ```
 */
export function runscPlatformSupport(options: RunscPlatformSupportOptions): HostSupport {
  const flags = parseCpuFlags(options.cpuinfo);
  const hw = flags.has("vmx") ? "vmx" : flags.has("svm") ? "svm" : undefined;
  const systrap = options.systrapRunsc?.platforms.includes("systrap")
    ? options.systrapRunsc
    : undefined;
  const host = options.hostRunsc;
  const systrapOk = options.seccomp && systrap !== undefined;
  return {
    topic: "gVisor platforms (runsc)",
    items: [
      {
        name: "systrap",
        supported: systrapOk,
        detail: `${RUNSC_PLATFORMS.systrap.description}. ` +
          (!options.seccomp
            ? "This kernel has no seccomp filters."
            : systrap
            ? `runsc-systrap runs runsc ${systrap.version ?? "(version unknown)"}.`
            : `No runsc here has it (${
              host
                ? `the host's ${host.version ?? ""} offers ${host.platforms.join(", ") || "?"}`
                : "none installed"
            }): ${RUNSC_FETCH_FIX}.`),
      },
      {
        name: "ptrace",
        supported: host?.platforms.includes("ptrace") ?? false,
        detail: `${RUNSC_PLATFORMS.ptrace.description}. ` +
          (host
            ? `runsc-ptrace runs the host's runsc ${host.version ?? ""} (legacy platform).`
            : "No runsc installed: apt-get install runsc."),
      },
      {
        name: "kvm",
        supported: options.kvmDevice && hw !== undefined,
        detail: `${RUNSC_PLATFORMS.kvm.description}. ` +
          (hw
            ? `The CPU shows ${hw}; /dev/kvm is ${options.kvmDevice ? "present" : "absent"}.`
            : `The CPU shows neither vmx nor svm, so no hardware virtualisation here${
              options.kvmDevice ? " (the /dev/kvm present cannot serve it)" : ""
            }.`) +
          " ocibench has no runsc-kvm adapter.",
      },
    ],
  };
}

/** Whether the kernel offers seccomp filters (`Seccomp:` in `/proc/self/status`). */
function kernelHasSeccomp(): boolean {
  try {
    return /^Seccomp:/m.test(Deno.readTextFileSync("/proc/self/status"));
  } catch {
    return false;
  }
}

/**
 * Why the runsc that `platform`'s adapters would run cannot serve it, before any trial run: it is
 * not installed, or its `runsc flags` do not offer the platform (e.g. Debian 12's build and
 * systrap). Undefined when it can, or when its flags name no platforms (the trial decides).
 */
export async function runscLacksPlatform(
  platform: RunscPlatform,
  options: { binary?: string; effects?: ProcessEffects } = {},
): Promise<string | undefined> {
  const binary = options.binary ?? runscBinaryFor(platform);
  const found = findExecutable(binary);
  if (!found.path) return found.reason ?? `${binary} is not installed`;
  const build = await runscBuildOf(found.path, options.effects);
  if (!build || build.platforms.length === 0 || build.platforms.includes(platform)) {
    return undefined;
  }
  return `runsc ${build.version ?? ""} at ${found.path} has no ${platform} platform (it offers ` +
    `${build.platforms.join(", ")})`;
}

/** The version and platforms of runsc `binary`, or undefined when it is not installed. */
async function runscBuildOf(
  binary: string,
  effects: ProcessEffects = REAL_PROCESS_EFFECTS,
): Promise<RunscBuild | undefined> {
  const found = findExecutable(binary);
  if (!found.path) return undefined;
  const version = await readVersion([found.path, "--version"], effects, /runsc version (\S+)/);
  const flags = await effects.run([found.path, "flags"], { timeoutMs: 15_000 }).catch(() =>
    undefined
  );
  return { version, platforms: parseRunscPlatforms(`${flags?.stdout}\n${flags?.stderr}`) };
}

/** The runsc plugin: runsc on systrap and (legacy) ptrace, gVisor's state root and installer. */
export const runscRuntime: RuntimePlugin<AdapterOptions> = {
  name: "runsc",
  adapters: {
    "runsc-systrap": (o) => runscAdapter({ ...o, platform: "systrap" }),
    "runsc-ptrace": (o) => runscAdapter({ ...o, platform: "ptrace" }),
  },
  aptPackages: ["runsc"],
  stateRoots: [RUNSC.stateRoot],
  installers: [{
    id: RUNSC_INSTALLER_ID,
    description: `runsc from Debian's ${RUNSC_SUITES.join("/")} into ocibench's cache ` +
      "(a private apt state; /etc/apt is not touched)",
    async install(options) {
      await fetchRunsc(options);
    },
  }],
  async hostSupport() {
    let cpuinfo = "";
    try {
      cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
    } catch {
      // Not Linux: no flags.
    }
    return runscPlatformSupport({
      cpuinfo,
      kvmDevice: pathExists("/dev/kvm"),
      seccomp: kernelHasSeccomp(),
      systrapRunsc: await runscBuildOf(runscBinaryFor("systrap")),
      hostRunsc: await runscBuildOf(RUNSC.binary),
    });
  },
};

/** A runsc wrapper for engines: `<runsc> --platform=<platform> --network=host "$@"`. */
export function runscWrapper(runsc: string, platform: string): string {
  if (!/^[a-z]+$/.test(platform)) throw new TypeError(`bad runsc platform "${platform}"`);
  if (!/^[\w./~+-]+$/.test(runsc)) throw new TypeError(`bad runsc path "${runsc}"`);
  return writeWrapperScript(
    `runsc-${platform}`,
    `exec ${runsc} --platform=${platform} --network=host "$@"`,
  );
}
