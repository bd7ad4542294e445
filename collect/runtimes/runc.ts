/**
 * `runc`: the reference OCI runtime, run directly on a bundle (`runc run --bundle B ID`).
 *
 * @module
 */
import type { RuntimeAdapter, RuntimePlugin } from "../types.ts";
import type { OciConfig } from "../oci_config.ts";
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
  return runcVariantAdapter({ id: "runc", name: "runc" }, options);
}

/** What sets a variant of runc apart: its id, its name and a change to each bundle's config. */
export interface RuncVariant {
  id: string;
  name: string;
  /** Changes each bundle's config before it is written. */
  editConfig?: (config: OciConfig) => OciConfig;
}

/**
 * runc with a changed bundle config, for tests that need a contrast case (e.g. an insecure
 * configuration); no registered runtime uses a variant.
 */
export function runcVariantAdapter(
  variant: RuncVariant,
  options: AdapterOptions = {},
): RuntimeAdapter {
  return bundleRuntimeAdapter({
    id: variant.id,
    name: variant.name,
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
    editConfig: variant.editConfig,
  }, options);
}

/** The runc plugin: the `runc` adapter and runc's state root. */
export const runcRuntime: RuntimePlugin<AdapterOptions> = {
  name: "runc",
  adapters: { runc: (o) => runcAdapter(o) },
  aptPackages: ["runc"],
  stateRoots: [RUNC.stateRoot],
};
