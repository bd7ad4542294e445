import { assert, assertEquals, assertRejects } from "../tests/assert.ts";
import { acquireRunLock, checkRunLock, RunLockedError } from "./run_lock.ts";
import { REAL_FILE_SYSTEM } from "./run_effects.ts";
import { runLayout } from "../model/run_layout.ts";

async function withRunDir(fn: (layout: ReturnType<typeof runLayout>) => Promise<void>) {
  const outDir = await Deno.makeTempDir({ prefix: "ocibench-test-lock-" });
  const layout = runLayout(outDir, "20261127-080000-abcdef");
  await Deno.mkdir(layout.dir);
  try {
    await fn(layout);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
}

const options = (pid: number) => ({ fs: REAL_FILE_SYSTEM, pid, since: "2026-11-27T08:00:00.000Z" });

Deno.test("acquireRunLock() writes the holder's pid and run id, and refuses a second holder at once", async () => {
  await withRunDir(async (layout) => {
    const lock = await acquireRunLock(layout, options(1234));
    assertEquals(lock.tookOver, undefined);
    assertEquals(JSON.parse(await Deno.readTextFile(layout.lock)), {
      pid: 1234,
      runId: layout.runId,
      since: "2026-11-27T08:00:00.000Z",
    });
    const error = await assertRejects(
      () => acquireRunLock(layout, options(5678)),
      RunLockedError,
      `Run "${layout.runId}" is being collected by pid 1234`,
    );
    assertEquals(error.pid, 1234);
    await assertRejects(() => checkRunLock(layout, REAL_FILE_SYSTEM), RunLockedError, "pid 1234");
    // The refused attempt left the holder's lock as it was.
    assertEquals(JSON.parse(await Deno.readTextFile(layout.lock)).pid, 1234);
    await lock.release();
    await lock.release();
    await assertRejects(() => Deno.stat(layout.lock), Deno.errors.NotFound);
    await checkRunLock(layout, REAL_FILE_SYSTEM);
    const next = await acquireRunLock(layout, options(5678));
    assertEquals(next.tookOver, undefined, "a released lock is no stale lock");
    await next.release();
  });
});

Deno.test("acquireRunLock() takes over a lock file its holder left when it died, naming that pid", async () => {
  await withRunDir(async (layout) => {
    // A process that has ended: it held nothing, and its pid is gone.
    const child = new Deno.Command("true").spawn();
    await child.status;
    await Deno.writeTextFile(
      layout.lock,
      JSON.stringify({ pid: child.pid, runId: layout.runId, since: "2026-11-27T07:00:00.000Z" }),
    );
    await checkRunLock(layout, REAL_FILE_SYSTEM);
    const lock = await acquireRunLock(layout, options(4321));
    assertEquals(lock.tookOver, { pid: child.pid, since: "2026-11-27T07:00:00.000Z" });
    assertEquals(JSON.parse(await Deno.readTextFile(layout.lock)).pid, 4321);
    await lock.release();
  });
});

Deno.test("a lock held by another process is refused with its pid, and freed when that process dies", async () => {
  await withRunDir(async (layout) => {
    // flock(1) holds the lock in a child process, as a running collection would.
    // It says "held" once it has the lock, so the test never races it for the lock.
    const holder = new Deno.Command("flock", {
      args: ["--exclusive", "--no-fork", layout.lock, "sh", "-c", "echo held; exec sleep 30"],
      stdout: "piped",
    }).spawn();
    const reader = holder.stdout.getReader();
    try {
      const { value } = await reader.read();
      assertEquals(new TextDecoder().decode(value).trim(), "held");
      await Deno.writeTextFile(
        layout.lock,
        JSON.stringify({ pid: holder.pid, runId: layout.runId, since: "2026-11-27T07:00:00.000Z" }),
      );
      let error: RunLockedError | undefined;
      for (let i = 0; i < 100 && !error; i++) {
        error = await acquireRunLock(layout, options(1)).then(
          (lock) => (lock.release(), undefined),
          (e) => e,
        );
        if (!error) await new Promise((r) => setTimeout(r, 20));
      }
      assert(error instanceof RunLockedError, "the lock of a running process was taken");
      assertEquals(error.pid, holder.pid);
    } finally {
      holder.kill("SIGKILL");
      await holder.status;
      await reader.cancel();
    }
    const lock = await acquireRunLock(layout, options(2));
    assertEquals(lock.tookOver?.pid, holder.pid);
    await lock.release();
  });
});
