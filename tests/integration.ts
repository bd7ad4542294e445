/**
 * What the integration tests share: the benchmark image (or why it is missing, so runtimes are
 * skipped by name with the reason) and the check that nothing of a run is left but its work dir.
 *
 * @module
 */
import { findImage, ImageMissingError, imagePaths } from "../collect/image.ts";
import { describeLeftovers, findLeftovers } from "../collect/leftovers.ts";
import { adapterById, cleanupAll } from "../collect/runtimes/mod.ts";
import { assertEquals } from "./assert.ts";
import type { AdapterContext, ImagePaths, RuntimeAdapter } from "../collect/types.ts";

/** The built image, or a placeholder and the reason it is missing (printed, tagged `test`). */
export function findTestImage(test: string): { image: ImagePaths; problem?: string } {
  try {
    return { image: findImage() };
  } catch (error) {
    if (!(error instanceof ImageMissingError)) throw error;
    console.log(`${test}: ${error.message}`);
    return { image: imagePaths("missing", "/nonexistent"), problem: error.message };
  }
}

/** This run's leftovers, one per line, other than its own work dir (removed at the very end). */
export async function leftoversBesidesWorkDir(ctx: AdapterContext): Promise<string> {
  const found = (await findLeftovers(ctx.namePrefix)).filter((l) =>
    !(l.kind === "temp-dir" && l.name === ctx.workDir)
  );
  return describeLeftovers(found);
}

/**
 * The adapters of `ids` and why each one this host cannot use is skipped: the first of `problems`
 * that names one (a missing image or tool, say), else the adapter's own detection. The skips are
 * printed by name with the reason.
 */
export async function usableRuntimes(
  ctx: AdapterContext,
  ids: readonly string[],
  problems: (id: string) => string | undefined = () => undefined,
): Promise<{ adapters: Map<string, RuntimeAdapter>; unusable: Map<string, string> }> {
  const adapters = new Map<string, RuntimeAdapter>();
  const unusable = new Map<string, string>();
  for (const id of ids) {
    const adapter = adapterById(id);
    adapters.set(id, adapter);
    const problem = problems(id);
    if (problem) {
      unusable.set(id, problem);
      continue;
    }
    const detection = await adapter.detect(ctx);
    if (!detection.usable) unusable.set(id, `${detection.reason} (fix: ${detection.fix ?? "-"})`);
  }
  for (const [id, reason] of unusable) console.log(`SKIPPED runtime ${id}: ${reason}`);
  return { adapters, unusable };
}

/** Removes the run's work dir when the test file ends, also when a filter left out its clean-up. */
export function removeWorkDirOnUnload(ctx: AdapterContext): void {
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(ctx.workDir, { recursive: true });
    } catch {
      // Already removed by the clean-up test.
    }
  });
}

/**
 * The last test of an integration file: every adapter's cleanup reports no problem and nothing
 * of the run is left, its work dir included.
 */
export function testCleanupLeavesNothing(
  ctx: AdapterContext,
  adapters: ReadonlyMap<string, RuntimeAdapter>,
  name = "cleanup leaves nothing of the run",
): void {
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      assertEquals(await cleanupAll([...adapters.values()], ctx), []);
      assertEquals(describeLeftovers(await findLeftovers(ctx.namePrefix)), "");
    },
  });
}
