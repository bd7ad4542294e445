import { assert, assertEquals, assertThrows } from "../tests/assert.ts";
import { loadCpuPlacement, parseProbeOutput, placeAppServer } from "./app_endpoints.ts";
import { hostProgram } from "./host_program.ts";
import { findExecutable } from "./host_fs.ts";

Deno.test("placeAppServer() follows the runtime's preferred network", () => {
  assertEquals(placeAppServer(["bridge", "netns", "none"]), "bridge");
  assertEquals(placeAppServer(["netns", "none"]), "netns-pair");
  assertThrows(() => placeAppServer(["none"]), RangeError, "networks: none");
});

Deno.test("loadCpuPlacement() pins the load generator to the last CPU and says so", () => {
  assertEquals(loadCpuPlacement(2).cpu, 1);
  assertEquals(
    loadCpuPlacement(8).text,
    "load generator pinned to CPU 7 of 8 (taskset); server unpinned",
  );
  assertEquals(loadCpuPlacement(1).cpu, 0);
  assertEquals(loadCpuPlacement(1).text.includes("share"), true);
});

Deno.test("parseProbeOutput() reads an answer and a timeout with its last error", () => {
  assertEquals(parseProbeOutput("ok 1764610000123456789 17\n"), {
    ok: true,
    answeredAtMs: 1764610000123.4568,
    attempts: 17,
  });
  assertEquals(parseProbeOutput("timeout 3001 connect: Connection refused\n"), {
    ok: false,
    attempts: 3001,
    reason: "connect: Connection refused",
  });
  assertThrows(() => parseProbeOutput("usage: app_probe"), SyntaxError, "unexpected line");
});

/** A PostgreSQL protocol message: type byte, int32 length (itself included), body. */
function pgMessage(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}

/**
 * A stand-in for PostgreSQL's postmaster on loopback: reads each startup message and answers
 * "starting up" (an ErrorResponse) to the first `startingUp` connections, then AuthenticationOk.
 */
function fakePostgres(startingUp: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const startups: Uint8Array[] = [];
  const encoder = new TextEncoder();
  const error = pgMessage(
    "E",
    encoder.encode("SFATAL\0C57P03\0Mthe database system is starting up\0\0"),
  );
  const ok = pgMessage("R", new Uint8Array(4));
  const served = (async () => {
    for await (const conn of listener) {
      const buf = new Uint8Array(256);
      const n = await conn.read(buf);
      startups.push(buf.slice(0, n ?? 0));
      await conn.write(startups.length <= startingUp ? error : ok).catch(() => {});
      conn.close();
    }
  })();
  return { port: (listener.addr as Deno.NetAddr).port, startups, listener, served };
}

Deno.test({
  name: 'app_probe\'s postgres mode waits past "starting up" for an authentication request',
  ignore: !findExecutable("gcc").path,
  async fn() {
    const probe = await hostProgram("app_probe");
    const run = async (port: number, timeoutMs: number) => {
      const out = await new Deno.Command(probe, {
        args: ["postgres", "127.0.0.1", String(port), "-", String(timeoutMs)],
      }).output();
      return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
    };
    const server = fakePostgres(3);
    try {
      const answered = await run(server.port, 5_000);
      assertEquals(answered.code, 0, answered.stdout);
      const outcome = parseProbeOutput(answered.stdout);
      assert(outcome.ok);
      assertEquals(outcome.attempts, 4);
      // A protocol 3.0 startup message for user and database postgres.
      const startup = server.startups[0];
      const view = new DataView(startup.buffer);
      assertEquals(view.getInt32(0), startup.length);
      assertEquals(view.getInt32(4), 196608);
      assertEquals(
        new TextDecoder().decode(startup.slice(8)),
        "user\0postgres\0database\0postgres\0\0",
      );
    } finally {
      server.listener.close();
      await server.served.catch(() => {});
    }
    const starting = fakePostgres(Infinity);
    try {
      const refused = await run(starting.port, 50);
      assertEquals(refused.code, 1);
      assertEquals(parseProbeOutput(refused.stdout), {
        ok: false,
        attempts: starting.startups.length,
        reason: "answer: the database system is starting up",
      });
    } finally {
      starting.listener.close();
      await starting.served.catch(() => {});
    }
  },
});
