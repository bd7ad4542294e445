/**
 * `first_response`: the time from the request that creates an nginx container to the first HTTP
 * 200 it serves, probed natively from outside (collect/app_endpoints.ts, every millisecond).
 * Cold: the page cache is dropped first (`sync`, then `3` into `/proc/sys/vm/drop_caches`), so
 * the image's files, the runtime's binaries and nginx come from the disk again; the engines keep
 * their image stores (removing an image is not part of starting a container). Warm: a second
 * container right after the first, everything cached.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import type { MetricInfo } from "../../model/result_set.ts";
import { withAppServer } from "../app_endpoints.ts";
import { NGINX_FILES, NGINX_PORT, nginxArgv, prepareNginxDirectory } from "./nginx.ts";

/** Where the kernel takes the request to drop its caches. */
export const DROP_CACHES_PATH = "/proc/sys/vm/drop_caches";

/**
 * Writes back dirty pages and drops the page cache, dentries and inodes. Resolves to undefined,
 * or to why it could not (not root, no such file), which the cold sample's notes then carry.
 */
export async function dropPageCache(path = DROP_CACHES_PATH): Promise<string | undefined> {
  try {
    const sync = await new Deno.Command("sync", { stdout: "null", stderr: "null" }).output();
    if (!sync.success) return "sync failed";
    await Deno.writeTextFile(path, "3\n");
    return undefined;
  } catch (error) {
    return `cannot drop the page cache (${path}): ${(error as Error).message}`;
  }
}

function metric(id: string, name: string): MetricInfo {
  return {
    id: `first_response.${id}`,
    benchmark: "first_response",
    name,
    category: "lifecycle",
    unit: "ms",
    direction: "lower",
  };
}

/** The `first_response` benchmark. */
export const firstResponseBenchmark: BenchmarkDefinition = {
  info: {
    id: "first_response",
    name: "time to first HTTP response of nginx",
    category: "lifecycle",
    tool: "nginx + app_probe",
    description:
      "From the request that creates an nginx container to the first HTTP 200 it serves, probed " +
      "every millisecond from outside (a native probe in its own network namespace, or on the " +
      "host side of the engine's bridge): cold (page cache dropped before) and warm (right after).",
    parameters: {
      probeIntervalMs: 1,
      cold: "sync; echo 3 > /proc/sys/vm/drop_caches; engine image stores kept",
      path: `/${NGINX_FILES[0].name}`,
    },
  },
  tools: [{ binary: "nginx", package: "nginx-light" }],
  metrics: [
    metric("cold", "time to first HTTP 200, page cache dropped"),
    metric("warm", "time to first HTTP 200, warm"),
  ],
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const values: MeasuredValue[] = [];
    for (const phase of ["cold", "warm"] as const) {
      const mount = await prepareNginxDirectory(ctx.adapter.workDir);
      let dropped: string | undefined;
      try {
        await withAppServer(ctx, {
          serverArgv: nginxArgv(),
          mounts: [mount],
          port: NGINX_PORT,
          probe: { mode: "http", path: `/${NGINX_FILES[0].name}` },
          serverTimeoutMs: 180_000,
          beforeStart: phase === "cold"
            ? async () => {
              dropped = await dropPageCache();
            }
            : undefined,
        }, (load) => {
          values.push({
            metric: `first_response.${phase}`,
            value: load.firstResponseMs,
            topology: load.topology,
            notes: dropped,
          });
          return Promise.resolve();
        });
      } finally {
        await Deno.remove(mount.hostPath, { recursive: true }).catch(() => {});
      }
    }
    return values;
  },
};
