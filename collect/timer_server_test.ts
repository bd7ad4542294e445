import { assert, assertEquals, assertRejects, assertStringIncludes } from "../tests/assert.ts";
import { currentTimerServer, openTimerServer } from "./timer_server.ts";
import { runProcess } from "./process.ts";

const HAVE_GCC = (() => {
  try {
    return new Deno.Command("gcc", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();
if (!HAVE_GCC) console.log("timer server tests skipped: gcc is not installed");

Deno.test({
  name:
    "runProcess() through the open step timer keeps exit codes, signals, output, stdin, env and cwd",
  ignore: !HAVE_GCC,
  async fn() {
    const close = await openTimerServer();
    const server = currentTimerServer();
    try {
      assert(server, "a server is open");
      const ok = await runProcess(["sh", "-c", "echo out; echo err >&2; sleep 0.2"]);
      assertEquals([ok.exitCode, ok.stdout, ok.stderr], [0, "out\n", "err\n"]);
      assert(ok.wallMs >= 200 && ok.wallMs < 5000, `wall ${ok.wallMs}`);
      assertEquals((await runProcess(["sh", "-c", "exit 3"])).exitCode, 3);
      const killed = await runProcess(["sh", "-c", "kill -TERM $$"]);
      assertEquals([killed.exitCode, killed.signal], [null, "SIGTERM"]);
      assertEquals((await runProcess(["cat"], { stdin: "through stdin" })).stdout, "through stdin");
      const env = await runProcess(["sh", "-c", 'echo "$OCIBENCH_T $HOME"'], {
        env: { OCIBENCH_T: "set" },
      });
      assertEquals(env.stdout, `set ${Deno.env.get("HOME")}\n`, "overrides merge with ours");
      assertEquals((await runProcess(["pwd"], { cwd: "/usr" })).stdout, "/usr\n");
      // The program is looked up in the PATH the step gives, not in ours.
      const dir = await Deno.makeTempDir({ prefix: "ocibench-test-timer-" });
      try {
        await Deno.writeTextFile(`${dir}/ocibench-probe`, "#!/bin/sh\necho probe\n", {
          mode: 0o755,
        });
        const found = await runProcess(["ocibench-probe"], {
          env: { PATH: `${dir}:${Deno.env.get("PATH")}` },
        });
        assertEquals(found.stdout, "probe\n");
        await runProcess(["sh", "-c", "echo one; echo two >&2"], { logFile: `${dir}/log` });
        await runProcess(["sh", "-c", "echo three"], { logFile: `${dir}/log` });
        assertEquals(await Deno.readTextFile(`${dir}/log`), "one\ntwo\nthree\n");
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
      await assertRejects(() => runProcess(["ocibench-no-such-binary"]), Deno.errors.NotFound);
      const timedOut = await runProcess(["sleep", "5"], { timeoutMs: 200 });
      assert(timedOut.timedOut && timedOut.signal === "SIGKILL", JSON.stringify(timedOut));
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 100);
      const aborted = await runProcess(["sleep", "5"], { signal: abort.signal });
      assertEquals([aborted.exitCode, aborted.timedOut], [null, false]);
      const big = await runProcess(["head", "-c", "5000", "/dev/zero"], { stdoutLimitBytes: 100 });
      assertStringIncludes(big.stdout, "[… earlier output dropped]");
      assertEquals(big.stdout.length, "[… earlier output dropped]\n".length + 100);
      // Overlapping commands are each answered with their own result.
      const many = await Promise.all(
        [3, 1, 2].map((n) => runProcess(["sh", "-c", `sleep 0.${n}; echo ${n}; exit ${n}`])),
      );
      assertEquals(many.map((r) => [r.stdout, r.exitCode]), [["3\n", 3], ["1\n", 1], ["2\n", 2]]);
      assertEquals([...Deno.readDirSync(server.dir)], [], "no output file is left behind");
    } finally {
      await close();
    }
    assertEquals(currentTimerServer(), undefined);
    await assertRejects(() => Deno.stat(server!.dir), Deno.errors.NotFound);
  },
});

Deno.test({
  name: "openTimerServer() shares one server between users and ends it with the last",
  ignore: !HAVE_GCC,
  async fn() {
    const first = await openTimerServer();
    const second = await openTimerServer();
    const server = currentTimerServer();
    assert(server);
    await first();
    await first();
    assertEquals(currentTimerServer(), server, "still open for the second user");
    assertEquals((await runProcess(["true"])).exitCode, 0);
    await second();
    assertEquals(currentTimerServer(), undefined);
    // Without a server the one-shot launcher still times commands.
    assertEquals((await runProcess(["sh", "-c", "exit 4"])).exitCode, 4);
    // The output directory a killed process left is removed by the next server.
    const dead = new Deno.Command("true").spawn();
    await dead.status;
    const root = server.dir.slice(0, server.dir.lastIndexOf("/"));
    const stale = `${root}/ocibench-timer-${dead.pid}-left`;
    await Deno.mkdir(stale);
    const again = await openTimerServer();
    await again();
    await assertRejects(() => Deno.stat(stale), Deno.errors.NotFound);
  },
});
