import { assert, assertEquals, assertMatch, assertStringIncludes } from "./tests/assert.ts";

async function cli(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-worker-options",
      new URL("./main.ts", import.meta.url).pathname,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("main.ts --help lists the subcommands and exits 0", async () => {
  const { COMMANDS } = await import("./cli/commands.ts");
  const r = await cli("--help");
  assertEquals(r.code, 0);
  for (const c of COMMANDS) assertMatch(r.stdout, new RegExp(`^  ${c.name}\\s+\\S`, "m"));
});

Deno.test("main.ts with an unknown subcommand exits 2 with one line", async () => {
  const r = await cli("frobnicate");
  assertEquals(r.code, 2);
  assertEquals(r.stderr.trim().split("\n").length, 1);
  assertStringIncludes(r.stderr, 'unknown subcommand "frobnicate"');
});

Deno.test("every subcommand answers --help with exit 0", async () => {
  const { COMMANDS } = await import("./cli/commands.ts");
  for (const c of COMMANDS) {
    const r = await cli(c.name, "--help");
    assertEquals(r.code, 0, c.name);
    assertStringIncludes(r.stdout, "Usage:", c.name);
  }
});

Deno.test("an unknown option exits 2 naming it", async () => {
  const r = await cli("validate", "--frob");
  assertEquals(r.code, 2);
  assertStringIncludes(r.stderr, "--frob");
});

Deno.test("validate exits 1 with one line per bad file and no stack trace", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/bad.json`, "{ nope");
  const r = await cli("validate", `${dir}/bad.json`, "fixtures/paper_2020/table6_ycruncher.json");
  assertEquals(r.code, 1);
  assertStringIncludes(
    r.stdout,
    `Cannot read results "${dir}/bad.json": not valid JSON at line 1, column 3`,
  );
  assertStringIncludes(r.stdout, "ok fixtures/paper_2020/table6_ycruncher.json: 8 runtimes");
  assert(!r.stdout.includes("    at "), "no stack trace");
  await Deno.remove(dir, { recursive: true });
});
