/**
 * Firecracker microVMs, driven through firecracker-containerd (its own containerd on
 * `/run/firecracker-containerd/containerd.sock`, `firecracker-ctr`, runtime `aws.firecracker`).
 * None of it is packaged for Debian 12 and it needs a working `/dev/kvm`; where anything is
 * missing the adapter reports itself unavailable and why.
 *
 * @module
 */
import type { AdapterContext, Detection, RuntimeAdapter, RuntimePlugin } from "../types.ts";
import { type AdapterOptions, findExecutable, pathExists } from "./_common.ts";
import { containerdAdapter } from "./containerd.ts";

/** firecracker-containerd's socket. */
export const FIRECRACKER_CONTAINERD_SOCKET = "/run/firecracker-containerd/containerd.sock";

/** What to do to get Firecracker on a host. */
export const FIRECRACKER_FIX: string =
  "build and install firecracker and firecracker-containerd (firecracker-ctr, " +
  "containerd-shim-aws-firecracker, a guest kernel and rootfs) from their upstream repositories, " +
  "start firecracker-containerd, on a host with a usable /dev/kvm";

/** Why Firecracker cannot run here, or undefined when its pieces are present. */
export function firecrackerMissing(): string | undefined {
  for (const binary of ["firecracker", "firecracker-ctr", "containerd-shim-aws-firecracker"]) {
    if (!findExecutable(binary).path) {
      return `${binary} not found: Firecracker is not installed (not packaged for Debian 12)`;
    }
  }
  if (!pathExists("/dev/kvm")) return "/dev/kvm is missing: Firecracker needs KVM";
  if (!pathExists(FIRECRACKER_CONTAINERD_SOCKET)) {
    return `firecracker-containerd is not running (no ${FIRECRACKER_CONTAINERD_SOCKET})`;
  }
  return undefined;
}

/** The `firecracker` adapter (isolation class `microvm`). */
export function firecrackerAdapter(options: AdapterOptions = {}): RuntimeAdapter {
  const inner = containerdAdapter("firecracker", {
    ...options,
    id: "firecracker",
    binary: options.binary ?? "firecracker-ctr",
    socket: FIRECRACKER_CONTAINERD_SOCKET,
  });
  return {
    ...inner,
    name: "Firecracker (firecracker-containerd)",
    async detect(ctx: AdapterContext): Promise<Detection> {
      const missing = firecrackerMissing();
      if (missing) return { usable: false, reason: missing, fix: FIRECRACKER_FIX };
      const d = await inner.detect(ctx);
      return d.usable ? d : { ...d, fix: d.fix ?? FIRECRACKER_FIX };
    },
  };
}

/** The firecracker plugin (not packaged for Debian: no apt package to install). */
export const firecrackerRuntime: RuntimePlugin<AdapterOptions> = {
  name: "firecracker",
  adapters: { firecracker: (o) => firecrackerAdapter(o) },
  aptPackages: [],
};
