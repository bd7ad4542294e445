import { assertEquals, assertStringIncludes } from "./assert.ts";
import { syntheticRun } from "./synthetic_run.ts";
import { writeResultSet } from "../model/write_result_set.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

async function compare(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "compare", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("compare exits 1 on a synthetic 20 % regression and 0 on noise within tolerance", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-compare-" });
  try {
    await writeResultSet(`${dir}/base.json`, syntheticRun("base", 1));
    await writeResultSet(`${dir}/noise.json`, syntheticRun("noise", 3));
    await writeResultSet(
      `${dir}/slow.json`,
      syntheticRun("slow", 2, { "runc/startup.latency": 1.2 }),
    );
    const bad = await compare(`${dir}/base.json`, `${dir}/slow.json`);
    assertEquals(bad.code, 1, bad.stderr);
    assertStringIncludes(bad.stdout, "FAIL");
    assertStringIncludes(bad.stdout, "1 regression(s) beyond tolerance");
    const ok = await compare(`${dir}/base.json`, `${dir}/noise.json`);
    assertEquals(ok.code, 0, ok.stdout + ok.stderr);
    assertStringIncludes(ok.stdout, "PASS");
    const json = await compare(`${dir}/base.json`, `${dir}/slow.json`, "--format", "json");
    assertEquals(JSON.parse(json.stdout).regressions, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compare rejects a malformed tolerance file with its path and problem", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-compare-" });
  try {
    await writeResultSet(`${dir}/base.json`, syntheticRun("base", 1));
    await Deno.writeTextFile(
      `${dir}/tol.json`,
      JSON.stringify({ schemaVersion: 1, default: { percent: "5" }, rules: [] }),
    );
    const r = await compare(
      `${dir}/base.json`,
      `${dir}/base.json`,
      "--tolerances",
      `${dir}/tol.json`,
    );
    assertEquals(r.code, 1);
    assertStringIncludes(r.stderr, `Cannot read tolerances "${dir}/tol.json": default`);
    const usage = await compare(`${dir}/base.json`);
    assertEquals(usage.code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
