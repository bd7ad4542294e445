/**
 * `runsc` (gVisor): a user-space kernel that intercepts the workload's system calls, run
 * directly on a bundle (`runsc --platform=P --network=N run --bundle B ID`).
 *
 * This Debian build (2022-12-19) has no `systrap` platform and its `kvm` platform hangs inside a
 * VM, so `ptrace` is the default. Its own netstack refuses to run in the root network namespace:
 * a step without a network gets `--network=none`; a step in one of our namespaces gets
 * `--network=host` (the sandbox uses the namespace's stack) and joins it through the spec.
 *
 * @module
 */
import type { RuntimeAdapter } from "../types.ts";
import { bundleRuntimeAdapter } from "./_bundle.ts";
import { type AdapterOptions, readVersion } from "./_common.ts";

/** gVisor platforms this adapter knows. */
export type RunscPlatform = "ptrace" | "systrap" | "kvm";

/** Options of {@link runscAdapter}. */
export interface RunscAdapterOptions extends AdapterOptions {
  /** Default `ptrace`. The id becomes `runsc-<platform>`. */
  platform?: RunscPlatform;
}

/** The `runsc-<platform>` adapter (isolation class `syscall-sandbox`). */
export function runscAdapter(options: RunscAdapterOptions = {}): RuntimeAdapter {
  const platform = options.platform ?? "ptrace";
  return bundleRuntimeAdapter({
    id: `runsc-${platform}`,
    name: `runsc (gVisor, ${platform})`,
    isolation: "syscall-sandbox",
    binary: "runsc",
    aptPackage: "runsc",
    stateRoot: "/run/runsc",
    globalArgs: (step) => [
      `--platform=${platform}`,
      step.network?.kind === "netns" ? "--network=host" : "--network=none",
    ],
    async version(binary, effects) {
      const version = await readVersion([binary, "--version"], effects, /runsc version (\S+)/);
      return { version, components: version ? { runsc: version } : undefined };
    },
    fix: (reason) =>
      /platform/.test(reason)
        ? `this runsc has no "${platform}" platform: use runsc-ptrace`
        : undefined,
  }, options);
}
