/**
 * `checkpoint`: checkpoint and restore of a running nginx container, where the runtime can
 * (runc and crun with Debian's CRIU, runsc with gVisor's own): the time of the runtime's
 * checkpoint command, the size of the image it wrote, the time of its restore command, and the
 * time from the restore request to the first HTTP 200 of the restored nginx (probed natively
 * from outside, collect/app_endpoints.ts). The measurable core of moving a container between
 * hosts. A runtime whose adapter has no checkpoint fails with that said; one whose checkpoint
 * command fails, with the runtime's own message.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import type { MetricInfo } from "../../model/result_set.ts";
import { StepFailedError, tailLines } from "../errors.ts";
import { withAppServer } from "../app_endpoints.ts";
import { NGINX_FILES, NGINX_PORT, nginxArgv, prepareNginxDirectory } from "./nginx.ts";

const MIB = 2 ** 20;

/** The size of every file under `dir`, in bytes (symbolic links not followed). */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) total += await directorySize(path);
    else if (entry.isFile) total += (await Deno.lstat(path)).size;
  }
  return total;
}

/**
 * The first `Error` lines of CRIU's log of a failed checkpoint or restore: the runtime's own
 * message only says "criu failed … log file: dump.log". The log is looked for at the absolute
 * path the message names, else as `name` in `imageDir` (runc writes it beside the image).
 */
export function criuLogErrors(message: string, imageDir: string, max = 3): string | undefined {
  const named = /log file: (\S+\.log)/.exec(message)?.[1];
  if (!named) return undefined;
  const path = named.startsWith("/") ? named : `${imageDir}/${named}`;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
  const errors = text.split("\n").filter((l) => /\bError \(/.test(l)).slice(0, max)
    .map((l) => l.replace(/^\(\s*[\d.]+\)\s*/, "").trim());
  return errors.length > 0 ? `CRIU's log (${path}): ${errors.join(" | ")}` : undefined;
}

function failureText(result: { stderr: string; stdout: string }, imageDir: string): string {
  const own = tailLines(result.stderr || result.stdout, 3).trim();
  const criu = criuLogErrors(result.stderr + result.stdout, imageDir);
  // CRIU's own reason first: the runtime's message around it can be long paths.
  return criu ? `${criu}; the runtime said: ${own}` : own;
}

function metric(id: string, name: string, unit: string): MetricInfo {
  return {
    id: `checkpoint.${id}`,
    benchmark: "checkpoint",
    name,
    category: "lifecycle",
    unit,
    direction: "lower",
  };
}

function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The `checkpoint` benchmark. */
export const checkpointBenchmark: BenchmarkDefinition = {
  info: {
    id: "checkpoint",
    name: "checkpoint and restore of a running nginx",
    category: "lifecycle",
    tool: "runtime checkpoint/restore (CRIU or gVisor)",
    description:
      "A running nginx container (it has served one request) is checkpointed with the runtime's " +
      "own command into a directory and restored from it under the same name: checkpoint time, " +
      "image size, restore command time, and restore request to the first HTTP 200.",
    parameters: { probeIntervalMs: 1, path: `/${NGINX_FILES[0].name}` },
  },
  tools: [{ binary: "nginx", package: "nginx-light" }],
  metrics: [
    metric("checkpoint_time", "checkpoint command time", "ms"),
    metric("image_size", "checkpoint image size", "MiB"),
    metric("restore_time", "restore command time", "ms"),
    metric("restore_to_first_response", "restore request to first HTTP 200", "ms"),
  ],
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const mount = await prepareNginxDirectory(ctx.adapter.workDir);
    const imageDir = await Deno.makeTempDir({ dir: ctx.adapter.workDir, prefix: "checkpoint-" });
    try {
      return await withAppServer(ctx, {
        serverArgv: nginxArgv(),
        mounts: [mount],
        port: NGINX_PORT,
        probe: { mode: "http", path: `/${NGINX_FILES[0].name}` },
        serverTimeoutMs: 600_000,
      }, async (load) => {
        const server = load.server;
        if (!server.checkpoint || !server.restore) {
          throw new StepFailedError(
            `${ctx.runtime.id}: ocibench has no checkpoint/restore for this runtime (its adapter ` +
              `offers none)`,
            { exitCode: null, stderrTail: "" },
          );
        }
        const checkpointed = await server.checkpoint(imageDir);
        if (checkpointed.exitCode !== 0) {
          throw new StepFailedError(
            `checkpoint under ${ctx.runtime.id} failed: ${failureText(checkpointed, imageDir)}`,
            { exitCode: checkpointed.exitCode, stderrTail: checkpointed.stderr },
          );
        }
        const imageBytes = await directorySize(imageDir);
        const restoreAt = wallClockMs();
        const restored = await server.restore(imageDir);
        if (restored.exitCode !== 0) {
          throw new StepFailedError(
            `restore under ${ctx.runtime.id} failed: ${failureText(restored, imageDir)}`,
            { exitCode: restored.exitCode, stderrTail: restored.stderr },
          );
        }
        const outcome = await load.probeAgain();
        if (!outcome.ok) {
          throw new StepFailedError(
            `nginx restored under ${ctx.runtime.id} did not answer: ${outcome.reason}`,
            { exitCode: null, stderrTail: restored.stderr },
          );
        }
        const topology = load.topology;
        return [
          { metric: "checkpoint.checkpoint_time", value: checkpointed.wallMs, topology },
          { metric: "checkpoint.image_size", value: imageBytes / MIB, topology },
          { metric: "checkpoint.restore_time", value: restored.wallMs, topology },
          {
            metric: "checkpoint.restore_to_first_response",
            value: outcome.answeredAtMs - restoreAt,
            topology,
          },
        ];
      });
    } finally {
      await Deno.remove(mount.hostPath, { recursive: true }).catch(() => {});
      await Deno.remove(imageDir, { recursive: true }).catch(() => {});
    }
  },
};
