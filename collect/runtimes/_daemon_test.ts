import { assert, assertEquals } from "../../tests/assert.ts";
import { DAEMON_STATE_DIR, ensureDaemon } from "./_daemon.ts";
import { REAL_PROCESS_EFFECTS } from "../process.ts";
import { pathExists } from "./_common.ts";

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

Deno.test({
  name: "ensureDaemon() starts a daemon once, shares it, and the last release stops it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const name = `ocibench-test-${crypto.randomUUID().slice(0, 8)}`;
    const dir = Deno.makeTempDirSync({ prefix: `${name}-` });
    const ready = `${dir}/ready`;
    const spec = {
      name,
      argv: ["sh", "-c", `echo started; touch ${ready}; exec sleep 300`],
      ready: () => Promise.resolve(pathExists(ready)),
      logFile: `${dir}/daemon.log`,
      effects: REAL_PROCESS_EFFECTS,
    };
    try {
      const a = await ensureDaemon(spec);
      const b = await ensureDaemon(spec);
      assertEquals(a.startedByOcibench, true);
      const pid = Number(Deno.readTextFileSync(`${DAEMON_STATE_DIR}/${name}/pid`));
      assert(alive(pid), "the daemon runs");
      assertEquals(Deno.readTextFileSync(`${dir}/daemon.log`), "started\n");
      await a.release();
      await a.release();
      assert(alive(pid), "still used by the second lease");
      await b.release();
      assert(!alive(pid), "stopped by the last release");
      assert(!pathExists(`${DAEMON_STATE_DIR}/${name}/pid`));

      // A daemon that already answers is used and never stopped by ocibench.
      const found = await ensureDaemon({ ...spec, argv: ["false"] });
      assertEquals(found.startedByOcibench, false);
      await found.release();
      assert(!pathExists(`${DAEMON_STATE_DIR}/${name}/pid`));
    } finally {
      Deno.removeSync(dir, { recursive: true });
      Deno.removeSync(`${DAEMON_STATE_DIR}/${name}`, { recursive: true });
    }
  },
});

Deno.test({
  name: "ensureDaemon() says what the log holds when the daemon dies at start",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const name = `ocibench-test-${crypto.randomUUID().slice(0, 8)}`;
    const dir = Deno.makeTempDirSync({ prefix: `${name}-` });
    try {
      let error: Error | undefined;
      try {
        await ensureDaemon({
          name,
          argv: ["sh", "-c", "echo 'cannot bind socket: address in use' >&2; exit 1"],
          ready: () => Promise.resolve(false),
          logFile: `${dir}/daemon.log`,
          effects: REAL_PROCESS_EFFECTS,
        });
      } catch (e) {
        error = e as Error;
      }
      assert(error, "ensureDaemon rejects");
      assert(error.message.includes("address in use"), error.message);
    } finally {
      Deno.removeSync(dir, { recursive: true });
      Deno.removeSync(`${DAEMON_STATE_DIR}/${name}`, { recursive: true });
    }
  },
});
