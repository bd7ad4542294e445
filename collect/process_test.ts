import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "../tests/assert.ts";
import { descendantPids, runChecked, runProcess, startBackground } from "./process.ts";

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // A zombie has exited; only its parent's wait is missing.
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

Deno.test("runProcess() captures stdout, stderr and the exit code of an argv array", async () => {
  const r = await runProcess(["sh", "-c", 'echo "$1"; echo err >&2; exit 3', "sh", "a b;c"]);
  assertEquals(r.exitCode, 3);
  assertEquals(r.stdout, "a b;c\n");
  assertEquals(r.stderr, "err\n");
  assertEquals(r.timedOut, false);
  assert(r.wallMs > 0 && r.wallMs < 5000, `wallMs ${r.wallMs}`);
  assert(Date.parse(r.finishedAt) >= Date.parse(r.startedAt));
  assertMatch(r.startedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

Deno.test("runProcess() passes env, cwd and stdin", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "ocibench-test-process-" });
  try {
    const r = await runProcess(["sh", "-c", 'echo "$OCIBENCH_X $(pwd)"; cat'], {
      env: { OCIBENCH_X: "x1" },
      cwd: dir,
      stdin: "from stdin",
    });
    assertEquals(r.stdout, `x1 ${Deno.realPathSync(dir)}\nfrom stdin`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("runProcess() kills the whole process tree on timeout", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "ocibench-test-process-" });
  try {
    // The grandchild writes its pid, then both sleep far longer than the timeout.
    const r = await runProcess(
      ["sh", "-c", `sleep 60 & echo $! > ${dir}/pid; sleep 60`],
      { timeoutMs: 300 },
    );
    assertEquals(r.timedOut, true);
    assertEquals(r.exitCode, null);
    assertEquals(r.signal, "SIGKILL");
    assert(r.wallMs >= 250 && r.wallMs < 5000, `wallMs ${r.wallMs}`);
    const grandchild = Number(Deno.readTextFileSync(`${dir}/pid`).trim());
    await new Promise((res) => setTimeout(res, 100));
    assert(!alive(grandchild), `grandchild ${grandchild} still alive`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("runProcess() kills the tree on abort and reports it was not a timeout", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const r = await runProcess(["sleep", "60"], { signal: controller.signal });
  assertEquals(r.exitCode, null);
  assertEquals(r.timedOut, false);
  assert(r.wallMs < 5000);
  const pre = await runProcess(["sleep", "60"], { signal: controller.signal });
  assertEquals(pre.exitCode, null);
  assertStringIncludes(pre.stderr, "aborted");
});

Deno.test("runProcess() keeps only a bounded tail of stdout", async () => {
  const r = await runProcess(["sh", "-c", "seq 1 100000"], { stdoutLimitBytes: 1000 });
  assertStringIncludes(r.stdout, "earlier output dropped");
  assert(r.stdout.endsWith("99999\n100000\n"));
  assert(r.stdout.length < 1100, `kept ${r.stdout.length} chars`);
});

Deno.test("runProcess() rejects when the binary does not exist", async () => {
  await assertRejects(() => runProcess(["/nonexistent/ocibench-none"]), Deno.errors.NotFound);
});

Deno.test("startBackground() runs detached, lists descendants, and stop() ends the tree", async () => {
  const bg = startBackground(["sh", "-c", "sleep 60 & sleep 60"]);
  await new Promise((res) => setTimeout(res, 200));
  const children = descendantPids(bg.pid);
  assertEquals(children.length, 2);
  assertEquals(bg.exited(), false);
  const r = await bg.stop(500);
  assertEquals(bg.exited(), true);
  assertEquals(r.signal, "SIGTERM");
  await new Promise((res) => setTimeout(res, 100));
  for (const pid of children) assert(!alive(pid), `child ${pid} still alive`);
  const again = await bg.stop();
  assertEquals(again.signal, "SIGTERM");
});

Deno.test("runChecked() returns trimmed stdout, or names the command and its stderr", async () => {
  assertEquals(await runChecked(["echo", " x "]), "x");
  await assertRejects(
    () => runChecked(["sh", "-c", "echo boom >&2; exit 4"]),
    Error,
    "exited with 4: boom",
  );
});
