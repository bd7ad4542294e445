/**
 * `runc`: the reference OCI runtime, run directly on a bundle (`runc run --bundle B ID`).
 *
 * @module
 */
import type { RuntimeAdapter } from "../types.ts";
import { bundleRuntimeAdapter } from "./_bundle.ts";
import { type AdapterOptions, readVersion } from "./_common.ts";

/** The `runc` adapter (isolation class `os-container`). */
export function runcAdapter(options: AdapterOptions = {}): RuntimeAdapter {
  return bundleRuntimeAdapter({
    id: "runc",
    name: "runc",
    isolation: "os-container",
    binary: "runc",
    aptPackage: "runc",
    stateRoot: "/run/runc",
    globalArgs: () => [],
    async version(binary, effects) {
      const version = await readVersion([binary, "--version"], effects, /runc version (\S+)/);
      return { version, components: version ? { runc: version } : undefined };
    },
    fix: () => undefined,
  }, options);
}
