import {
  assert,
  assertEquals,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
} from "../tests/assert.ts";
import { buildImage, currentRecipe, findImage, ImageMissingError, imagePaths } from "./image.ts";
import {
  findCPrograms,
  IMAGE_BASE_PACKAGES,
  imagePackages,
  imageRecipe,
  recipeHash,
} from "./image_recipe.ts";
import { benchmarkTools } from "./benchmarks/mod.ts";
import type { ProcessEffects, RunProcessOptions } from "./process.ts";
import type { ProcessResult } from "./types.ts";

function recordingEffects(calls: string[][], failOn?: string): ProcessEffects {
  const now = new Date().toISOString();
  const result = (exitCode: number, stderr = ""): ProcessResult => ({
    exitCode,
    stdout: "",
    stderr,
    timedOut: false,
    wallMs: 1,
    startedAt: now,
    finishedAt: now,
  });
  return {
    run(argv: string[], _options?: RunProcessOptions) {
      calls.push(argv);
      return Promise.resolve(
        argv[0] === failOn ? result(1, `${failOn}: no space left`) : result(0),
      );
    },
    start() {
      throw new Error("not used");
    },
  };
}

Deno.test("findCPrograms() lists only .c files, sorted; recipeHash() changes with a C source", () => {
  const dir = Deno.makeTempDirSync({ prefix: "ocibench-image-test-" });
  try {
    Deno.writeTextFileSync(`${dir}/b.c`, "int main(void){return 0;}\n");
    Deno.writeTextFileSync(`${dir}/a.c`, "int main(void){return 1;}\n");
    Deno.writeTextFileSync(`${dir}/notes.txt`, "not a program");
    const programs = findCPrograms(dir);
    assertEquals(programs.map((p) => p.name), ["a", "b"]);
    const h1 = recipeHash(imageRecipe(programs, []));
    assertEquals(h1.length, 16);
    Deno.writeTextFileSync(`${dir}/a.c`, "int main(void){return 2;}\n");
    assertNotEquals(recipeHash(imageRecipe(findCPrograms(dir), [])), h1);
    assertEquals(findCPrograms(`${dir}/absent`), []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("imagePackages() adds the declared tools' packages to the base ones, once, sorted", () => {
  const tools = [
    { binary: "redis-benchmark", package: "redis-tools" },
    { binary: "ab", package: "apache2-utils" },
    { binary: "redis-cli", package: "redis-tools" },
  ];
  const packages = imagePackages(tools);
  assertEquals(
    packages,
    [...new Set([...IMAGE_BASE_PACKAGES, "redis-tools", "apache2-utils"])].sort(),
  );
  // The registry's order does not move the hash; a new package does.
  const hash = recipeHash(imageRecipe([], tools));
  assertEquals(recipeHash(imageRecipe([], [...tools].reverse())), hash);
  assertNotEquals(recipeHash(imageRecipe([], [...tools, { binary: "x", package: "x" }])), hash);
});

Deno.test("currentRecipe() installs every package the registered benchmarks declare", () => {
  const { recipe } = currentRecipe();
  const declared = benchmarkTools().map((t) => t.package);
  assert(declared.length > 0, "the registered benchmarks declare tools");
  for (const name of declared) assert(recipe.packages.includes(name), `${name} in the image`);
  for (const name of IMAGE_BASE_PACKAGES) assert(recipe.packages.includes(name));
});

Deno.test("buildImage() runs mmdebstrap, gcc per C file, tar and umoci, then reuses the cache", async () => {
  const cache = Deno.makeTempDirSync({ prefix: "ocibench-image-test-" });
  const src = Deno.makeTempDirSync({ prefix: "ocibench-image-test-src-" });
  try {
    Deno.writeTextFileSync(`${src}/k1.c`, "int main(void){return 0;}\n");
    Deno.writeTextFileSync(`${src}/k2.c`, "int main(void){return 0;}\n");
    const calls: string[][] = [];
    const logs: string[] = [];
    const paths = await buildImage({
      cacheDir: cache,
      cSourceDir: src,
      effects: recordingEffects(calls),
      log: (m) => logs.push(m),
    });
    const { hash } = currentRecipe({ cSourceDir: src });
    assertEquals(paths, imagePaths(hash, cache));
    const tools = calls.map((c) => c[0]);
    assertEquals(tools, [
      "mmdebstrap",
      "gcc",
      "gcc",
      "tar",
      "umoci",
      "umoci",
      "umoci",
      "umoci",
      "tar",
    ]);
    assert(calls[0].includes("--variant=essential"));
    assert(calls[0].some((a) => a.startsWith("--include=") && a.includes("sysbench")));
    assertEquals(calls[0].at(-2), "bookworm");
    assert(calls[1].includes("-O2"));
    assertStringIncludes(calls[1].join(" "), "/usr/local/bin/k1");
    assert(logs.some((l) => l.includes("mmdebstrap")), "progress is logged");
    // The image is in place under its hash and found; a second build does nothing.
    assertEquals(findImage({ cacheDir: cache, cSourceDir: src }), paths);
    const again: string[][] = [];
    await buildImage({
      cacheDir: cache,
      cSourceDir: src,
      effects: recordingEffects(again),
      log: () => {},
    });
    assertEquals(again, []);
    await buildImage({
      cacheDir: cache,
      cSourceDir: src,
      rebuild: true,
      effects: recordingEffects(again),
      log: () => {},
    });
    assertEquals(again[0][0], "mmdebstrap");
  } finally {
    Deno.removeSync(cache, { recursive: true });
    Deno.removeSync(src, { recursive: true });
  }
});

Deno.test("buildImage() leaves no half image when a step fails, and findImage() says how to build", async () => {
  const cache = Deno.makeTempDirSync({ prefix: "ocibench-image-test-" });
  const src = Deno.makeTempDirSync({ prefix: "ocibench-image-test-src-" });
  try {
    await assertRejects(
      () =>
        buildImage({
          cacheDir: cache,
          cSourceDir: src,
          effects: recordingEffects([], "tar"),
          log: () => {},
        }),
      Error,
      "no space left",
    );
    assertEquals([...Deno.readDirSync(`${cache}/image`)], []);
    const error = await assertRejects(
      () => Promise.resolve().then(() => findImage({ cacheDir: cache, cSourceDir: src })),
      ImageMissingError,
    );
    assertStringIncludes(error.message, "deno task image");
  } finally {
    Deno.removeSync(cache, { recursive: true });
    Deno.removeSync(src, { recursive: true });
  }
});
