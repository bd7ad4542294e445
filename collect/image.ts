/**
 * The benchmark image, built without a registry: a Debian root filesystem made by mmdebstrap with
 * the benchmark tools, our C programs compiled on the host and copied into `/usr/local/bin/`, a
 * rootfs tar, and an OCI image layout (umoci). Cached under
 * `$OCIBENCH_CACHE/image/<recipe hash>/` (default cache `/var/cache/ocibench`).
 *
 * Engines get the image lazily: each engine adapter's `prepare()` imports it under its own
 * reference carrying `ImagePaths.tag` (e.g. with `importRootfsTar` of collect/image_import.ts),
 * and does nothing when
 * the engine already holds that tag.
 *
 * @module
 */
import type { ImagePaths } from "./types.ts";
import { type ProcessEffects, REAL_PROCESS_EFFECTS, runChecked } from "./process.ts";
import {
  C_FLAGS,
  findCPrograms,
  IMAGE_PATH_ENV,
  IMAGE_SUITE,
  type ImageRecipe,
  imageRecipe,
  recipeHash,
} from "./image_recipe.ts";
import { benchmarkTools } from "./benchmarks/mod.ts";
import { cacheDir, pathExists } from "./host_fs.ts";

/** How long one build step may take, in milliseconds (mmdebstrap downloads ~100 MB). */
export const BUILD_STEP_TIMEOUT_MS = 20 * 60_000;
/** Where our C sources live. */
export const C_SOURCE_DIR: string = new URL("./c", import.meta.url).pathname;

/** Raised when the image is needed but has not been built. */
export class ImageMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageMissingError";
  }
}

/** Options of {@link buildImage} and {@link findImage}. */
export interface ImageOptions {
  /** Cache root; default `$OCIBENCH_CACHE` or `/var/cache/ocibench` (collect/host_fs.ts). */
  cacheDir?: string;
  /** Directory of the C sources; default `collect/c`. */
  cSourceDir?: string;
  /** Build again even when the cache holds this hash. */
  rebuild?: boolean;
  /** Progress lines. */
  log?: (message: string) => void;
  effects?: ProcessEffects;
}

/** The short tag used for every engine's copy of the image. */
export function imageTag(hash: string): string {
  return `h${hash}`;
}

/** Paths and tag of the image with `hash` under `root` (which may not exist yet). */
export function imagePaths(hash: string, root: string): ImagePaths {
  const dir = `${root}/image/${hash}`;
  return {
    hash,
    rootfs: `${dir}/rootfs`,
    rootfsTar: `${dir}/rootfs.tar`,
    ociLayout: `${dir}/oci`,
    ociTar: `${dir}/oci.tar`,
    tag: imageTag(hash),
  };
}

/** The recipe and its hash for the current sources and the registered benchmarks' tools. */
export function currentRecipe(options: { cSourceDir?: string } = {}): {
  recipe: ImageRecipe;
  hash: string;
} {
  const recipe = imageRecipe(
    findCPrograms(options.cSourceDir ?? C_SOURCE_DIR),
    benchmarkTools(),
  );
  return { recipe, hash: recipeHash(recipe) };
}

/**
 * The built image for the current recipe, or {@link ImageMissingError} telling how to build it.
 */
export function findImage(options: ImageOptions = {}): ImagePaths {
  const { hash } = currentRecipe(options);
  const root = cacheDir(options);
  const paths = imagePaths(hash, root);
  if (!pathExists(`${root}/image/${hash}/image.json`)) {
    throw new ImageMissingError(
      `The benchmark image ${hash} is not built under ${root}/image/: run "deno task image" ` +
        `(as root; needs mmdebstrap, umoci and gcc)`,
    );
  }
  return paths;
}

/**
 * Builds the image for the current recipe unless the cache holds it (or `rebuild`), printing
 * progress through `log`. Builds into a temporary directory beside the target, then renames, so
 * a crash never leaves a half image under the hash.
 */
export async function buildImage(options: ImageOptions = {}): Promise<ImagePaths> {
  const log = options.log ?? ((m: string) => console.error(m));
  const effects = options.effects ?? REAL_PROCESS_EFFECTS;
  const { recipe, hash } = currentRecipe(options);
  const root = cacheDir(options);
  const final = `${root}/image/${hash}`;
  if (!options.rebuild && pathExists(`${final}/image.json`)) {
    log(`image ${hash}: cached at ${final}`);
    return imagePaths(hash, root);
  }
  Deno.mkdirSync(`${root}/image`, { recursive: true });
  const tmp = `${root}/image/.ocibench-build-${hash}-${Deno.pid}`;
  if (pathExists(tmp)) Deno.removeSync(tmp, { recursive: true });
  const tmpPaths = imagePaths(hash, root);
  const at = (p: string) => p.replace(final, tmp);
  const run = (argv: string[]) =>
    runChecked(argv, { runner: effects.run, timeoutMs: BUILD_STEP_TIMEOUT_MS });
  const t0 = performance.now();
  const step = (m: string) =>
    log(`image ${hash}: ${m} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  try {
    Deno.mkdirSync(tmp, { recursive: true });
    step(`mmdebstrap ${IMAGE_SUITE} with ${recipe.packages.join(",")}`);
    await run([
      "mmdebstrap",
      "--quiet",
      "--variant=essential",
      `--include=${recipe.packages.join(",")}`,
      IMAGE_SUITE,
      at(tmpPaths.rootfs),
    ]);
    const programs = findCPrograms(options.cSourceDir ?? C_SOURCE_DIR);
    for (const program of programs) {
      step(`gcc ${program.name}.c`);
      await run([
        "gcc",
        ...C_FLAGS,
        "-o",
        `${at(tmpPaths.rootfs)}/usr/local/bin/${program.name}`,
        program.source,
        "-lm",
      ]);
    }
    step("rootfs tar");
    await run([
      "tar",
      "--numeric-owner",
      "-C",
      at(tmpPaths.rootfs),
      "-cf",
      at(tmpPaths.rootfsTar),
      ".",
    ]);
    step("OCI layout (umoci)");
    const layout = at(tmpPaths.ociLayout);
    await run(["umoci", "init", "--layout", layout]);
    await run(["umoci", "new", "--image", `${layout}:latest`]);
    await run(["umoci", "raw", "add-layer", "--image", `${layout}:latest`, at(tmpPaths.rootfsTar)]);
    await run([
      "umoci",
      "config",
      "--image",
      `${layout}:latest`,
      `--config.env=PATH=${IMAGE_PATH_ENV}`,
      `--config.label=ocibench.hash=${hash}`,
      `--tag=${imageTag(hash)}`,
    ]);
    await run(["tar", "-C", layout, "-cf", at(tmpPaths.ociTar), "."]);
    Deno.writeTextFileSync(
      `${tmp}/image.json`,
      JSON.stringify(
        { hash, recipe, builtAt: new Date().toISOString(), paths: tmpPaths },
        null,
        2,
      ) +
        "\n",
    );
    if (pathExists(final)) Deno.removeSync(final, { recursive: true });
    Deno.renameSync(tmp, final);
    step(`done: ${final}`);
    return imagePaths(hash, root);
  } catch (error) {
    try {
      Deno.removeSync(tmp, { recursive: true });
    } catch {
      // Nothing to remove.
    }
    throw error;
  }
}
