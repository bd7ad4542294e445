/**
 * What the integration tests share: the benchmark image (or why it is missing, so runtimes are
 * skipped by name with the reason) and the check that nothing of a run is left but its work dir.
 *
 * @module
 */
import { findImage, ImageMissingError, imagePaths } from "../collect/image.ts";
import { describeLeftovers, findLeftovers } from "../collect/leftovers.ts";
import type { AdapterContext, ImagePaths } from "../collect/types.ts";

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
