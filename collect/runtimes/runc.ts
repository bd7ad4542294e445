/**
 * `runc`: the reference OCI runtime, run directly on a bundle (`runc run --bundle B ID`).
 *
 * @module
 */
import type { RuntimeAdapter, RuntimePlugin } from "../types.ts";
import { bundleRuntimeAdapter } from "./_bundle.ts";
import {
  type AdapterOptions,
  type LowLevelRuntime,
  NAMESPACE_CAPABILITIES,
  readVersion,
} from "./_common.ts";

/** runc as a low-level runtime, also under the engines. */
export const RUNC: LowLevelRuntime = {
  binary: "runc",
  isolation: "os-container",
  stateRoot: { binary: "runc", root: "/run/runc" },
  capabilities: { hostsReachableServer: true, directIo: true },
};

/** The `runc` adapter (isolation class `os-container`). */
export function runcAdapter(options: AdapterOptions = {}): RuntimeAdapter {
  return bundleRuntimeAdapter({
    id: "runc",
    name: "runc",
    isolation: RUNC.isolation,
    binary: RUNC.binary,
    aptPackage: "runc",
    stateRoot: RUNC.stateRoot,
    capabilities: NAMESPACE_CAPABILITIES,
    globalArgs: () => [],
    async version(binary, effects) {
      const version = await readVersion([binary, "--version"], effects, /runc version (\S+)/);
      return { version, components: version ? { runc: version } : undefined };
    },
    fix: () => undefined,
  }, options);
}

/** The runc plugin: the `runc` adapter and runc's state root. */
export const runcRuntime: RuntimePlugin<AdapterOptions> = {
  name: "runc",
  adapters: { runc: (o) => runcAdapter(o) },
  aptPackages: ["runc"],
  stateRoots: [RUNC.stateRoot],
};
