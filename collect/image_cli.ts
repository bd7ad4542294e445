/**
 * `deno task image`: builds the benchmark image (or reports the cached one).
 * `--rebuild` forces a new build.
 *
 * @module
 */
import { buildImage } from "./image.ts";

if (import.meta.main) {
  const rebuild = Deno.args.includes("--rebuild");
  const unknown = Deno.args.filter((a) => a !== "--rebuild");
  if (unknown.length > 0) {
    console.error(`image: unknown argument(s) ${unknown.join(" ")}; usage: image [--rebuild]`);
    Deno.exit(2);
  }
  try {
    const paths = await buildImage({ rebuild });
    console.log(JSON.stringify(paths, null, 2));
  } catch (error) {
    console.error(`image: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
