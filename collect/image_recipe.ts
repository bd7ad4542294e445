/**
 * The recipe of the benchmark image: which Debian suite and packages go into its root filesystem
 * (a few base packages plus the packages every benchmark declares for its tools) and which of our
 * C programs are compiled into `/usr/local/bin/`. Its content hash keys the cache,
 * so any change to the recipe or to a C source builds a new image.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** Bump when the build steps change in a way the recipe fields do not show. */
export const IMAGE_RECIPE_VERSION = 1;

/** The Debian suite the rootfs is built from (the host's release, so host-built C binaries run). */
export const IMAGE_SUITE = "bookworm";

/**
 * Debian packages every image gets besides the benchmarks' tools (mmdebstrap `--include`): `ip`,
 * `ps` and `/usr/bin/time` for looking into a running container.
 */
export const IMAGE_BASE_PACKAGES: readonly string[] = ["iproute2", "procps", "time"];

/** `PATH` inside the image. */
export const IMAGE_PATH_ENV = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** One C program compiled on the host with `gcc -O2` into the image's `/usr/local/bin/<name>`. */
export interface CProgram {
  /** Binary name (the source file's base name without `.c`). */
  name: string;
  /** Absolute path of the source. */
  source: string;
  /** SHA-256 of the source, hex. */
  sha256: string;
}

/** What the image is made of; hashed into its cache key. */
export interface ImageRecipe {
  version: number;
  suite: string;
  variant: "essential";
  packages: string[];
  cflags: string[];
  programs: Omit<CProgram, "source">[];
}

/** Compiler flags for our C programs. */
export const C_FLAGS: readonly string[] = ["-O2", "-Wall", "-std=gnu11"];

function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Lists `dir/*.c` (sorted, hashed); an absent directory gives none. */
export function findCPrograms(dir: string): CProgram[] {
  const programs: CProgram[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  for (const entry of entries) {
    if (!entry.isFile || !entry.name.endsWith(".c")) continue;
    const source = `${dir}/${entry.name}`;
    programs.push({
      name: entry.name.slice(0, -2),
      source,
      sha256: sha256Hex(Deno.readFileSync(source)),
    });
  }
  return programs.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The image's packages: {@link IMAGE_BASE_PACKAGES} and the packages of `tools` (the benchmarks'
 * declarations), each once, sorted, so the recipe's hash does not depend on the registry's order.
 */
export function imagePackages(tools: readonly { package: string }[]): string[] {
  return [...new Set([...IMAGE_BASE_PACKAGES, ...tools.map((t) => t.package)])].sort();
}

/** The recipe for the given C programs and benchmark tools. */
export function imageRecipe(
  programs: CProgram[],
  tools: readonly { package: string }[],
): ImageRecipe {
  return {
    version: IMAGE_RECIPE_VERSION,
    suite: IMAGE_SUITE,
    variant: "essential",
    packages: imagePackages(tools),
    cflags: [...C_FLAGS],
    programs: programs.map(({ name, sha256 }) => ({ name, sha256 })),
  };
}

/** The content hash of a recipe: the first 16 hex digits of SHA-256 over its canonical JSON. */
export function recipeHash(recipe: ImageRecipe): string {
  return sha256Hex(JSON.stringify(recipe)).slice(0, 16);
}
