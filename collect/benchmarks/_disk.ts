/**
 * Where the disk benchmarks write: the container's writable layer, or a host directory
 * bind-mounted into the container. Shared by `fio.ts` and `bonnie.ts`.
 *
 * @module
 */
import type { MeasureContext, Mount } from "../types.ts";

/** Where a disk benchmark's files live. */
export type DiskPlacement = "layer" | "bind";

/** Directory inside the image on the writable layer (present in every Debian rootfs). */
export const LAYER_DIRECTORY = "/var/tmp";
/** Mount point of the bind-mounted host directory inside the container. */
export const BIND_DIRECTORY = "/ocibench-bind";

/** Where one repetition writes, and how to remove what it wrote. */
export interface DiskTarget {
  /** The directory the tool is told to use, as the container sees it. */
  directory: string;
  mounts: Mount[];
  /** Says how the placement was realised, e.g. for `native`, which has no writable layer. */
  notes?: string;
  /** Removes the host directory made for this repetition; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Prepares the directory one repetition writes to. `bind` makes a fresh host directory under the
 * run's work dir and mounts it at {@link BIND_DIRECTORY}. `layer` uses {@link LAYER_DIRECTORY} of
 * the container's writable layer, except under `native` (no layer): there a fresh host directory
 * stands in for it, mounted at the same path (the native adapter rewrites the path).
 */
export async function prepareDiskTarget(
  ctx: MeasureContext,
  placement: DiskPlacement,
): Promise<DiskTarget> {
  const native = ctx.runtime.isolation === "native";
  if (placement === "layer" && !native) {
    return { directory: LAYER_DIRECTORY, mounts: [], remove: () => Promise.resolve() };
  }
  const hostPath = await Deno.makeTempDir({
    dir: ctx.adapter.workDir,
    prefix: `ocibench-disk-${placement}-`,
  });
  const directory = placement === "bind" ? BIND_DIRECTORY : LAYER_DIRECTORY;
  let removed: Promise<void> | undefined;
  return {
    directory,
    mounts: [{ hostPath, containerPath: directory }],
    notes: placement === "layer"
      ? `${ctx.runtime.id} has no writable layer: a host directory on the same file system stands in`
      : undefined,
    remove() {
      removed ??= Deno.remove(hostPath, { recursive: true }).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
      return removed;
    },
  };
}
