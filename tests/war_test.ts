import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { readResultSet } from "../model/read_result_set.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

Deno.test({
  name: "war runs doctor, image, collect, analyse and report end to end with a tiny plan",
  ignore: Deno.uid() !== 0,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ocibench-war-" });
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--unstable-worker-options",
          MAIN,
          "war",
          "--runtimes",
          "native,runc",
          "--benchmarks",
          "startup,syscalls",
          "--repetitions",
          "2",
          "--results",
          `${dir}/results`,
          "--out",
          `${dir}/site`,
        ],
        stdout: "piped",
        stderr: "piped",
        env: { CI: "true" },
      }).output();
      const stdout = new TextDecoder().decode(out.stdout);
      const stderr = new TextDecoder().decode(out.stderr);
      assertEquals(out.code, 0, stderr.slice(-3000));
      for (const step of ["1/5 doctor", "2/5 benchmark image", "3/5 collect", "4/5", "5/5"]) {
        assertStringIncludes(stderr, `war: ${step}`);
      }
      const report = /^Report: (\S+)/m.exec(stdout)?.[1];
      const results = /^Results: (\S+)/m.exec(stdout)?.[1];
      assert(report && results, stdout);
      const html = await Deno.readTextFile(report);
      assertStringIncludes(html, "<svg");
      const set = await readResultSet(results);
      assertEquals(set.status, "complete");
      assertEquals(set.runtimes.map((r) => r.id).sort(), ["native", "runc"]);
      const measured = set.samples.filter((s) => s.kind === "sample" && !s.warmup);
      assert(measured.length >= 4, `samples: ${measured.length}`);
      // The summary states what the data decides against native, per runtime, and names no best.
      assertMatch(stdout, /^Decided against native at n = \d+ .*: \d+ of \d+ cells/m);
      assertMatch(stdout, /^ {2}runc: \d+ worse, \d+ better, \d+ equivalent/m);
      assert(!/\bbest\b/i.test(stdout), stdout);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
