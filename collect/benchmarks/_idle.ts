/**
 * Idle containers for the footprint and density benchmarks: each runs
 * `sh -c 'touch "$OCIBENCH_READY" && exec sleep infinity'`, where `$OCIBENCH_READY` names a file
 * in a host directory bind-mounted at `/ocibench-ready`. The file appearing on the host says the
 * container is running — the one readiness signal that works for every runtime, including
 * gVisor, whose workload is not a host process. Everything started is stopped and the directory
 * removed, also on failure or abort.
 *
 * @module
 */
import type { MeasureContext, RunningContainer } from "../types.ts";
import { StepFailedError } from "../errors.ts";
import { pathExists } from "../host_fs.ts";

/** Mount point of the readiness directory inside the container. */
export const READY_DIRECTORY = "/ocibench-ready";
/** How long a container may take to become ready, in milliseconds. */
export const READY_TIMEOUT_MS = 60_000;
const POLL_MS = 2;

/** One started idle container. */
export interface IdleContainer {
  container: RunningContainer;
  /** From the start request to the readiness file appearing, in milliseconds. */
  startMs: number;
}

/** What the body of {@link withIdleContainers} receives. */
export interface IdleStarter {
  /** Starts one more idle container and waits until it runs. */
  start(): Promise<IdleContainer>;
  /** Every container started so far. */
  started: IdleContainer[];
}

/**
 * The host pids of every container of `idle`; a StepFailedError when one is no longer running
 * (an idle container that exited would make its memory look free).
 */
export async function idlePids(idle: readonly IdleContainer[], runtime: string): Promise<number[]> {
  const pids: number[] = [];
  for (const { container } of idle) {
    const own = await container.pids();
    if (own.length === 0) {
      throw new StepFailedError(
        `idle container ${container.name} under ${runtime} is no longer running`,
        { exitCode: null, stderrTail: "" },
      );
    }
    pids.push(...own);
  }
  return pids;
}

/**
 * Runs `body` with a starter of idle containers, then stops every container it started (in
 * parallel) and removes the readiness directory, whatever happens.
 */
export async function withIdleContainers<T>(
  ctx: MeasureContext,
  body: (starter: IdleStarter) => Promise<T>,
): Promise<T> {
  const readyDir = await Deno.makeTempDir({ dir: ctx.adapter.workDir, prefix: "ocibench-ready-" });
  const pending: Promise<RunningContainer>[] = [];
  const starter: IdleStarter = {
    started: [],
    async start() {
      const index = pending.length;
      const hostFile = `${readyDir}/ready-${index}`;
      const t0 = performance.now();
      const starting = ctx.runtime.start({
        argv: ["sh", "-c", 'touch "$OCIBENCH_READY" && exec sleep infinity'],
        env: { OCIBENCH_READY: `${READY_DIRECTORY}/ready-${index}` },
        mounts: [{ hostPath: readyDir, containerPath: READY_DIRECTORY }],
        network: { kind: "none" },
        timeoutMs: 3_600_000,
        signal: ctx.signal,
      }, ctx.adapter);
      pending.push(starting);
      const container = await starting;
      let lastCheck = 0;
      while (!pathExists(hostFile)) {
        if (ctx.signal?.aborted) throw new Error("aborted while waiting for an idle container");
        const waited = performance.now() - t0;
        if (waited > READY_TIMEOUT_MS) {
          const result = await container.stop();
          throw new StepFailedError(
            `idle container ${container.name} under ${ctx.runtime.id} was not running after ${
              Math.round(waited)
            } ms`,
            { exitCode: result.exitCode, stderrTail: result.stderr || result.stdout },
          );
        }
        // Asking for pids can be slow (an engine's inspect): only now and then, after a second.
        let gone = false;
        if (waited > 1000 && waited - lastCheck > 500) {
          lastCheck = waited;
          gone = (await container.pids()).length === 0 && !pathExists(hostFile);
        }
        if (gone) {
          const result = await container.stop();
          throw new StepFailedError(
            `idle container ${container.name} under ${ctx.runtime.id} exited before it was ready`,
            { exitCode: result.exitCode, stderrTail: result.stderr || result.stdout },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      const idle = { container, startMs: performance.now() - t0 };
      starter.started.push(idle);
      return idle;
    },
  };
  try {
    return await body(starter);
  } finally {
    const settled = await Promise.allSettled(pending);
    const stops = await Promise.allSettled(
      settled.flatMap((s) => s.status === "fulfilled" ? [s.value.stop()] : []),
    );
    const failed = stops.filter((s) => s.status === "rejected").length;
    if (failed > 0) ctx.adapter.log(`${failed} idle container(s) failed to stop`);
    await Deno.remove(readyDir, { recursive: true }).catch(() => {});
  }
}
