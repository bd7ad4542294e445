/**
 * Integration: an engine container interrupted while it starts or runs (Ctrl-C during a
 * collection) leaves nothing behind — not in the engine, and not in the low-level runtime's
 * state either (podman killed mid-start can forget a container whose gVisor sandbox and conmon
 * live on). Each runtime's `run` and background `start` are aborted at several moments, from
 * before the container exists to while its workload runs. A runtime this host cannot use is
 * skipped by name with the reason printed.
 */
import { assertEquals } from "./assert.ts";
import { findTestImage, leftoversBesidesWorkDir } from "./integration.ts";
import { adapterById, cleanupAll, createAdapterContext } from "../collect/runtimes/mod.ts";
import { describeLeftovers, findLeftovers, RUNTIME_STATE_ROOTS } from "../collect/leftovers.ts";
import type { RuntimeAdapter } from "../collect/types.ts";

/**
 * When the abort comes, in ms after the call: before, during and after the container's start.
 * podman + runsc gets a dense grid: killed during `runsc create` (a window of a few hundred ms,
 * some 0.3–1.2 s in), podman forgets a container whose sandbox state lives on.
 */
const ABORT_AFTER_MS: Record<string, number[]> = {
  "podman-runsc": Array.from({ length: 15 }, (_, i) => 100 * (i + 1)),
  "podman-crun": [100, 400, 900, 1600, 3000],
  "docker-runsc": [100, 400, 900, 1600, 3000],
};
const RUNTIMES = Object.keys(ABORT_AFTER_MS);

const { image, problem: imageProblem } = findTestImage("interrupted_engine_test");

const ctx = createAdapterContext({ image, log: (m) => console.log(`  [adapter] ${m}`) });
const adapters = new Map<string, RuntimeAdapter>();
for (const id of RUNTIMES) {
  const adapter = adapterById(id);
  adapters.set(id, adapter);
  const detection = imageProblem
    ? { usable: false, reason: imageProblem, fix: "deno task image" }
    : await adapter.detect(ctx);
  if (!detection.usable) {
    console.log(`SKIPPED runtime ${id}: ${detection.reason} (fix: ${detection.fix ?? "-"})`);
    adapters.delete(id);
  }
}
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(ctx.workDir, { recursive: true });
  } catch {
    // Removed by the last test.
  }
});

/**
 * Entries of the low-level runtimes' state roots and of podman's cgroup parent in every hierarchy
 * (engine containers are named by id there).
 */
function stateEntries(): Set<string> {
  const found = new Set<string>();
  const cgroupParents = [...Deno.readDirSync("/sys/fs/cgroup")].map((h) =>
    `/sys/fs/cgroup/${h.name}/libpod_parent`
  );
  for (const root of [...Object.values(RUNTIME_STATE_ROOTS), ...cgroupParents]) {
    try {
      for (const e of Deno.readDirSync(root)) {
        // A cgroup parent's own files and podman's shared conmon cgroup are not a container's.
        if (cgroupParents.includes(root) && !e.name.startsWith("libpod-")) continue;
        found.add(`${root}/${e.name}`);
      }
    } catch {
      // No such root.
    }
  }
  return found;
}
const stateBefore = stateEntries();

/**
 * Leftovers of this run other than its own work dir, and new runtime state entries: a runtime
 * killed while writing its state leaves a file that names nothing of ours (runsc: an empty
 * `.state` or a lone `.lock`, and an empty `libpod-<id>` cgroup), which only the comparison with
 * before the tests shows.
 */
async function leftoversNow(): Promise<string> {
  const state = [...stateEntries()].filter((e) => !stateBefore.has(e));
  return [await leftoversBesidesWorkDir(ctx), ...state.map((e) => `runtime-state ${e}`)]
    .filter((l) => l !== "").join("\n");
}

function abortAfter(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
}

for (const id of RUNTIMES) {
  const moments = ABORT_AFTER_MS[id];
  const when = moments.length > 5
    ? `every 100 ms up to ${moments.at(-1)} ms`
    : `at ${moments.join(", ")} ms`;
  Deno.test({
    name: `${id}: a run aborted ${when} leaves nothing behind`,
    ignore: !adapters.has(id),
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const adapter = adapters.get(id)!;
      for (const ms of moments) {
        const r = await adapter.run(
          { argv: ["sleep", "30"], timeoutMs: 60_000, signal: abortAfter(ms) },
          ctx,
        );
        assertEquals(r.exitCode, null, `aborted after ${ms} ms, yet: ${r.stderr}`);
        assertEquals(await leftoversNow(), "", `after an abort at ${ms} ms`);
      }
    },
  });

  Deno.test({
    name: `${id}: a background start aborted ${when} leaves nothing behind`,
    ignore: !adapters.has(id),
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const adapter = adapters.get(id)!;
      for (const ms of moments) {
        const signal = abortAfter(ms);
        try {
          const running = await adapter.start(
            { argv: ["sleep", "30"], timeoutMs: 60_000, signal },
            ctx,
          );
          // Started before the abort came: stopping it must leave nothing either.
          await running.stop();
        } catch (error) {
          if (!signal.aborted) throw error;
        }
        assertEquals(await leftoversNow(), "", `after an abort at ${ms} ms`);
      }
    },
  });
}

Deno.test({
  name: "after the interrupted engine runs nothing of ours is left",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    assertEquals(await cleanupAll([...adapters.values()], ctx), []);
    assertEquals(describeLeftovers(await findLeftovers(ctx.namePrefix)), "");
  },
});
