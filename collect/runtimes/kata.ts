/**
 * Kata Containers: each container in a lightweight VM, driven here through containerd
 * (`ctr run --runtime io.containerd.kata.v2`). Kata is not packaged for Debian 12 and needs a
 * working `/dev/kvm`; where either is missing the adapter reports itself unavailable and why.
 *
 * @module
 */
import type { AdapterContext, Detection, RuntimeAdapter, RuntimePlugin } from "../types.ts";
import { type AdapterOptions, findExecutable } from "./_common.ts";
import { containerdAdapter } from "./containerd.ts";

/** What to do to get Kata on a host. */
export const KATA_FIX: string =
  "install Kata Containers 3 from its upstream static release (kata-static tarball: " +
  "containerd-shim-kata-v2, kernel and guest image) on a host with hardware virtualisation " +
  "(/dev/kvm usable, nested virtualisation enabled inside a VM)";

/** Why Kata cannot run here, or undefined when its pieces are present. */
export function kataMissing(shim = "containerd-shim-kata-v2"): string | undefined {
  if (!findExecutable(shim).path) {
    return `${shim} not found: Kata Containers is not installed (not packaged for Debian 12)`;
  }
  try {
    Deno.statSync("/dev/kvm");
  } catch {
    return "/dev/kvm is missing: Kata needs hardware virtualisation";
  }
  return undefined;
}

/** The `kata` adapter (isolation class `microvm`). */
export function kataAdapter(options: AdapterOptions & { shim?: string } = {}): RuntimeAdapter {
  const inner = containerdAdapter("kata", { ...options, id: "kata" });
  return {
    ...inner,
    name: "Kata Containers (containerd)",
    async detect(ctx: AdapterContext): Promise<Detection> {
      const missing = kataMissing(options.shim);
      if (missing) return { usable: false, reason: missing, fix: KATA_FIX };
      const d = await inner.detect(ctx);
      return d.usable ? d : { ...d, fix: d.fix ?? KATA_FIX };
    },
  };
}

/** The kata plugin (not packaged for Debian: no apt package to install). */
export const kataRuntime: RuntimePlugin<AdapterOptions> = {
  name: "kata",
  adapters: { kata: (o) => kataAdapter(o) },
  aptPackages: [],
};
