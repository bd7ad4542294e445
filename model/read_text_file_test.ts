import { assertEquals, assertRejects, assertStringIncludes } from "../tests/assert.ts";
import { checkOutputDirectory, InvalidInputError, readRegularTextFile } from "./read_text_file.ts";

Deno.test("readRegularTextFile() refuses a FIFO, a device and a directory without opening them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-read-" });
  try {
    const fifo = `${dir}/pipe.json`;
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assertEquals(made.code, 0);
    for (
      const [path, kind] of [
        [fifo, "a FIFO (named pipe)"],
        ["/dev/zero", "a character device"],
        [dir, "a directory"],
      ]
    ) {
      const error = await assertRejects(
        () => readRegularTextFile(path, "results", 1024),
        InvalidInputError,
      );
      assertEquals(
        error.message,
        `Cannot read results "${path}": it is ${kind}, not a regular file`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readRegularTextFile() reads a file within the limit and refuses a larger one", async () => {
  const file = await Deno.makeTempFile({ prefix: "ocibench-read-" });
  try {
    await Deno.writeTextFile(file, "x".repeat(2048));
    assertEquals((await readRegularTextFile(file, "notebook", 2048)).length, 2048);
    const error = await assertRejects(() => readRegularTextFile(file, "notebook", 1024));
    assertStringIncludes(error.message, "larger than 0 MiB, the limit for a notebook file");
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("checkOutputDirectory() refuses an empty path, the root and a file", async () => {
  for (const [dir, message] of [["", "got an empty string"], ["/", "root"], ["//", "root"]]) {
    const error = await assertRejects(() => checkOutputDirectory("--out", dir), TypeError);
    assertStringIncludes(error.message, message);
  }
  const error = await assertRejects(() => checkOutputDirectory("--out", "deno.json"), TypeError);
  assertStringIncludes(error.message, `--out "deno.json" exists and is not a directory`);
  assertEquals(await checkOutputDirectory("--out", "site/"), "site");
});
