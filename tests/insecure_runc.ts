/**
 * The insecure contrast case of the security tests: runc on a bundle whose config gives the
 * workload CAP_SYS_ADMIN and the other dangerous capabilities, unmasks /proc and /sys and lets it
 * gain privileges. Test-only: it is not a registered runtime and never part of a collection.
 *
 * @module
 */
import type { RuntimeAdapter } from "../collect/types.ts";
import type { OciConfig } from "../collect/oci_config.ts";
import { runcVariantAdapter } from "../collect/runtimes/runc.ts";

/** The capabilities the insecure variant adds to the default set. */
export const INSECURE_EXTRA_CAPABILITIES: readonly string[] = [
  "CAP_SYS_ADMIN",
  "CAP_SYS_PTRACE",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_DAC_READ_SEARCH",
  "CAP_NET_ADMIN",
];

/** The config change of the insecure variant. */
export function weakenConfig(config: OciConfig): OciConfig {
  const process = config.process as {
    capabilities: Record<string, string[]>;
    noNewPrivileges: boolean;
  };
  const caps = [...new Set([...process.capabilities.bounding, ...INSECURE_EXTRA_CAPABILITIES])];
  return {
    ...config,
    process: {
      ...config.process,
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: false,
    },
    mounts: config.mounts.map((m) =>
      m.destination === "/sys" ? { ...m, options: (m.options ?? []).filter((o) => o !== "ro") } : m
    ),
    linux: { ...config.linux, maskedPaths: [], readonlyPaths: [] },
  };
}

/** runc with {@link weakenConfig}: id `runc-insecure`. */
export function insecureRuncAdapter(): RuntimeAdapter {
  return runcVariantAdapter({
    id: "runc-insecure",
    name: "runc, insecure contrast (CAP_SYS_ADMIN, no masked paths, no no_new_privs)",
    editConfig: weakenConfig,
  });
}
