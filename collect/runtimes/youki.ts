/**
 * `youki`: an OCI runtime written in Rust, run directly on a bundle (`youki run --bundle B ID`).
 *
 * @module
 */
import type { RuntimeAdapter, RuntimePlugin } from "../types.ts";
import { bundleRuntimeAdapter } from "./_bundle.ts";
import { type AdapterOptions, NAMESPACE_CAPABILITIES, readVersion } from "./_common.ts";

/** Where youki keeps container state. */
export const YOUKI_STATE_ROOT = "/run/youki";

/** The `youki` adapter (isolation class `os-container`). */
export function youkiAdapter(options: AdapterOptions = {}): RuntimeAdapter {
  return bundleRuntimeAdapter({
    id: "youki",
    name: "youki",
    isolation: "os-container",
    binary: "youki",
    aptPackage: "youki",
    stateRoot: YOUKI_STATE_ROOT,
    capabilities: NAMESPACE_CAPABILITIES,
    globalArgs: () => ["--root", YOUKI_STATE_ROOT],
    async version(binary, effects) {
      const version = await readVersion([binary, "--version"], effects, /youki version (\S+)/);
      return { version, components: version ? { youki: version } : undefined };
    },
    fix: () => undefined,
  }, options);
}

/** The youki plugin. */
export const youkiRuntime: RuntimePlugin<AdapterOptions> = {
  name: "youki",
  adapters: { youki: (o) => youkiAdapter(o) },
  aptPackages: ["youki"],
  stateRoots: [{ binary: "youki", root: YOUKI_STATE_ROOT }],
};
