/**
 * Importing the benchmark image into an engine that takes a root filesystem tar (`<cli> import`).
 * Apart from collect/image.ts (which builds the image and reads the benchmarks' declarations) so
 * that runtime adapters can use it without depending on the benchmark registry.
 *
 * @module
 */
import type { ImagePaths } from "./types.ts";
import { type ProcessEffects, REAL_PROCESS_EFFECTS, runChecked } from "./process.ts";
import { IMAGE_PATH_ENV } from "./image_recipe.ts";

/** Options of {@link importRootfsTar}. */
export interface ImportRootfsTarOptions {
  /** The engine's CLI argv, e.g. `["/usr/bin/docker", "--host", "unix:///var/run/docker.sock"]`. */
  cli: string[];
  /** The subcommand that succeeds when the engine holds a reference, e.g. `["image", "exists"]`. */
  has: string[];
  /** The reference to import as, e.g. `ocibench:h0123…`. */
  ref: string;
  effects?: ProcessEffects;
  log?: (message: string) => void;
}

/**
 * `<cli> import` of the image's rootfs tar as `ref`, with our PATH and hash label, unless the
 * engine holds `ref` already (docker and podman import alike).
 */
export async function importRootfsTar(
  paths: ImagePaths,
  options: ImportRootfsTarOptions,
): Promise<void> {
  const run = (options.effects ?? REAL_PROCESS_EFFECTS).run;
  const has = await run([...options.cli, ...options.has, options.ref], { timeoutMs: 60_000 });
  if (has.exitCode === 0) return;
  options.log?.(`${options.cli[0].split("/").at(-1)}: importing image ${paths.hash}`);
  await runChecked([
    ...options.cli,
    "import",
    "--change",
    `ENV PATH=${IMAGE_PATH_ENV}`,
    "--change",
    `LABEL ocibench.hash=${paths.hash}`,
    paths.rootfsTar,
    options.ref,
  ], { runner: run, timeoutMs: 10 * 60_000 });
}
