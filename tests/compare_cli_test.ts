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

Deno.test("compare exits 1 when every step of the new run failed; --allow-missing accepts it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-compare-" });
  try {
    const base = syntheticRun("base", 1);
    const broken = {
      ...syntheticRun("broken", 2),
      status: "failed" as const,
      samples: [],
      failures: base.runtimes.flatMap((r) =>
        base.benchmarks.map((b) => ({
          runtime: r.id,
          benchmark: b.id,
          message: "the runtime could not start the container",
          exitCode: 1,
          stderrTail: "",
        }))
      ),
    };
    await writeResultSet(`${dir}/base.json`, base);
    await writeResultSet(`${dir}/broken.json`, broken);
    const r = await compare(`${dir}/base.json`, `${dir}/broken.json`);
    assertEquals(r.code, 1, r.stdout + r.stderr);
    assertStringIncludes(
      r.stderr,
      "compare: runc startup: 1 failing step(s) in the new run, none in the baseline",
    );
    assertStringIncludes(
      r.stderr,
      "compare: native: in the baseline, but the new run has no value",
    );
    assertStringIncludes(r.stdout, "6 problem(s) the gate cannot vouch for");
    assertEquals(r.stdout.includes("PASS"), false, r.stdout);
    const allowed = await compare(`${dir}/base.json`, `${dir}/broken.json`, "--allow-missing");
    assertEquals(allowed.code, 0, allowed.stdout + allowed.stderr);
    assertStringIncludes(allowed.stderr, "compare: allowed by --allow-missing: runc startup");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compare --verdicts lists the verdicts against native that moved, in text and JSON", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-compare-" });
  try {
    await writeResultSet(`${dir}/base.json`, syntheticRun("base", 1));
    // runc's start-up goes from native's (within noise) to twice native's: a verdict that moved.
    await writeResultSet(
      `${dir}/slow.json`,
      syntheticRun("slow", 2, { "runc/startup.latency": 2 }),
    );
    const r = await compare(`${dir}/base.json`, `${dir}/slow.json`, "--verdicts");
    assertEquals(r.code, 1, r.stderr);
    assertStringIncludes(r.stdout, "Verdicts against native that moved");
    assertStringIncludes(r.stdout, "runc     startup.latency");
    assertStringIncludes(r.stdout, "worse 1.99× [1.98, 2.01] n=10");
    assertStringIncludes(r.stdout, "0 gone, 0 new, 1 unchanged");
    const json = await compare(
      `${dir}/base.json`,
      `${dir}/slow.json`,
      "--verdicts",
      "--format",
      "json",
    );
    const moved = JSON.parse(json.stdout).verdictChanges.moved;
    assertEquals(moved.map((m: { metric: string }) => m.metric), ["startup.latency"]);
    assertEquals(moved[0].after.verdict, "worse");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
