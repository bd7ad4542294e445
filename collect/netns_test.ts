import { assert, assertEquals, assertRejects, assertStringIncludes } from "../tests/assert.ts";
import { runProcess } from "./process.ts";
import {
  createNetnsPair,
  listNetns,
  NETNS_ADDRESS_A,
  NETNS_ADDRESS_B,
  removeNetnsByPrefix,
} from "./netns.ts";

const isRoot = Deno.uid?.() === 0;
const hasIp = (await runProcess(["ip", "-V"], { timeoutMs: 5000 }).catch(() => undefined))
  ?.exitCode === 0;
const usable = isRoot && hasIp;
if (!usable) {
  console.log(`netns tests skipped: ${!isRoot ? "not running as root" : "iproute2 missing"}`);
}

function prefix(): string {
  return `ocibench-nstest${Deno.pid}-${Math.random().toString(36).slice(2, 7)}`;
}

Deno.test({
  name:
    "createNetnsPair() joins two namespaces by a veth pair that carries traffic, remove() leaves nothing",
  ignore: !usable,
  async fn() {
    const p = prefix();
    const pair = await createNetnsPair(p);
    try {
      assertEquals(listNetns(p), [`${p}-a`, `${p}-b`]);
      // One small iperf3 transfer from b to a proves the link carries traffic.
      const server = await runProcess(
        ["ip", "netns", "exec", pair.a.name, "iperf3", "-s", "-1", "-D", "-p", "25399"],
        { timeoutMs: 10_000 },
      );
      assertEquals(server.exitCode, 0, server.stderr);
      let client = await runProcess(["true"]);
      for (let i = 0; i < 20; i++) {
        client = await runProcess(
          [
            "ip",
            "netns",
            "exec",
            pair.b.name,
            "iperf3",
            "-c",
            pair.a.address,
            "-p",
            "25399",
            "-n",
            "64K",
          ],
          { timeoutMs: 10_000 },
        );
        if (client.exitCode === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assertEquals(client.exitCode, 0, client.stderr + client.stdout);
      assertEquals(pair.a.address, NETNS_ADDRESS_A);
      assertEquals(pair.b.address, NETNS_ADDRESS_B);
      // The veth ends never appear in the host's namespace.
      const links = await runProcess(["ip", "-o", "link"], { timeoutMs: 5000 });
      assert(!links.stdout.includes("ocibench-veth"), "a veth end is in the host namespace");
    } finally {
      await pair.remove();
      await pair.remove();
    }
    assertEquals(listNetns(p), []);
  },
});

Deno.test({
  name: "createNetnsPair() removes the first namespace when the second cannot be made",
  ignore: !usable,
  async fn() {
    const p = prefix();
    // A namespace that already exists makes `ip netns add <p>-b` fail.
    const blocker = await runProcess(["ip", "netns", "add", `${p}-b`], { timeoutMs: 5000 });
    assertEquals(blocker.exitCode, 0, blocker.stderr);
    try {
      const error = await assertRejects(() => createNetnsPair(p), Error, "netns add");
      assertStringIncludes(error.message, `${p}-b`);
    } finally {
      // The failed pair deleted both names, including the blocker it collided with.
      await removeNetnsByPrefix(p);
    }
    assertEquals(listNetns(p), []);
  },
});

Deno.test("createNetnsPair() refuses a name outside the ocibench- prefix", async () => {
  await assertRejects(() => createNetnsPair("mynet"), TypeError, "ocibench-");
  await assertRejects(() => removeNetnsByPrefix("x"), TypeError, "ocibench-");
});
