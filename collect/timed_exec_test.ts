import { assert, assertEquals, assertRejects } from "../tests/assert.ts";
import { parseTimedExecResult, timedExecBinary } from "./timed_exec.ts";
import { runProcess } from "./process.ts";

const HAVE_GCC = (() => {
  try {
    return new Deno.Command("gcc", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();
if (!HAVE_GCC) console.log("timed_exec tests skipped: gcc is not installed");

Deno.test("parseTimedExecResult() reads exits, signals and spawn errors", () => {
  assertEquals(parseTimedExecResult("12522018 0 0\n"), {
    kind: "exited",
    wallMs: 12.522018,
    exitCode: 0,
  });
  assertEquals(parseTimedExecResult("16310038 3 0"), {
    kind: "exited",
    wallMs: 16.310038,
    exitCode: 3,
  });
  assertEquals(parseTimedExecResult("11256566 -1 15\n"), {
    kind: "exited",
    wallMs: 11.256566,
    exitCode: null,
    signal: "SIGTERM",
  });
  assertEquals(parseTimedExecResult("spawn-error 2\n"), { kind: "spawn-error", errno: 2 });
});

Deno.test({
  name: "runProcess() times steps with the C timer and keeps exit codes, signals and output",
  ignore: !HAVE_GCC,
  async fn() {
    assert(await timedExecBinary(), "the timer builds");
    const ok = await runProcess(["sh", "-c", "echo out; echo err >&2; sleep 0.2"]);
    assertEquals([ok.exitCode, ok.stdout, ok.stderr], [0, "out\n", "err\n"]);
    assert(ok.wallMs >= 200 && ok.wallMs < 5000, `wall ${ok.wallMs}`);
    const three = await runProcess(["sh", "-c", "exit 3"]);
    assertEquals(three.exitCode, 3);
    const killed = await runProcess(["sh", "-c", "kill -TERM $$"]);
    assertEquals([killed.exitCode, killed.signal], [null, "SIGTERM"]);
    const input = await runProcess(["cat"], { stdin: "through stdin" });
    assertEquals(input.stdout, "through stdin");
    await assertRejects(() => runProcess(["ocibench-no-such-binary"]), Deno.errors.NotFound);
    const timedOut = await runProcess(["sleep", "5"], { timeoutMs: 200 });
    assert(timedOut.timedOut && timedOut.exitCode === null, JSON.stringify(timedOut));
    const leftovers = [...Deno.readDirSync(Deno.env.get("TMPDIR") ?? "/tmp")].filter((e) =>
      e.name.startsWith(`ocibench-timing-${Deno.pid}-`)
    );
    assertEquals(leftovers.map((e) => e.name), [], "no timing file is left behind");
  },
});
