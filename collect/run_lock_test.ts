import { assert, assertEquals, assertRejects } from "../tests/assert.ts";
import {
  acquireHostLock,
  acquireRunLock,
  checkHostLock,
  checkRunLock,
  HostLockedError,
  RunLockedError,
} from "./run_lock.ts";
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
    assertEquals(lock.tookOver, {
      pid: child.pid,
      runId: layout.runId,
      since: "2026-11-27T07:00:00.000Z",
    });
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

Deno.test("acquireHostLock() refuses a second collection on the host, naming its run and pid", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-test-hostlock-" });
  const path = `${dir}/run/collect.lock`;
  const since = "2026-11-27T08:00:00.000Z";
  try {
    const first = await acquireHostLock(path, {
      fs: REAL_FILE_SYSTEM,
      pid: 1111,
      since,
      runId: "run-a",
    });
    const error = await assertRejects(
      () => acquireHostLock(path, { fs: REAL_FILE_SYSTEM, pid: 2222, since, runId: "run-b" }),
      HostLockedError,
      'Another collection is running on this host: run "run-a" (pid 1111, collecting since',
    );
    assertEquals([error.runId, error.pid], ["run-a", 1111]);
    await assertRejects(() => checkHostLock(path, REAL_FILE_SYSTEM), HostLockedError, "pid 1111");
    await first.release();
    await checkHostLock(path, REAL_FILE_SYSTEM);
    const second = await acquireHostLock(path, {
      fs: REAL_FILE_SYSTEM,
      pid: 2222,
      since,
      runId: "run-b",
    });
    assertEquals(second.tookOver, undefined);
    await second.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("acquireHostLock() takes over the lock of a collection that died, naming its run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-test-hostlock-" });
  const path = `${dir}/collect.lock`;
  try {
    const child = new Deno.Command("true").spawn();
    await child.status;
    const stale = { pid: child.pid, runId: "run-dead", since: "2026-11-27T07:00:00.000Z" };
    await Deno.writeTextFile(path, JSON.stringify(stale));
    await checkHostLock(path, REAL_FILE_SYSTEM);
    const lock = await acquireHostLock(path, {
      fs: REAL_FILE_SYSTEM,
      pid: 3333,
      since: "2026-11-27T08:00:00.000Z",
      runId: "run-c",
    });
    assertEquals(lock.tookOver, stale);
    assertEquals(JSON.parse(await Deno.readTextFile(path)).runId, "run-c");
    await lock.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
