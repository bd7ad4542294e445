import { assert, assertEquals, assertRejects } from "../tests/assert.ts";
import { findLeftovers, linkPrefix } from "./leftovers.ts";
import { runProcess } from "./process.ts";

const PREFIX = `ocibench-lt${crypto.randomUUID().slice(0, 8)}`;

Deno.test("findLeftovers() finds our temp dirs, netns and mounts by prefix, and only ours", async () => {
  const parent = Deno.makeTempDirSync({ prefix: "ocibench-lt-parent-" });
  const dir = `${parent}/${PREFIX}-tmp`;
  Deno.mkdirSync(dir);
  const other = `${parent}/ocibench-someone-else`;
  Deno.mkdirSync(other);
  const netns = `${PREFIX}-ns`;
  const target = `${dir}/mnt`;
  Deno.mkdirSync(target);
  try {
    const add = await runProcess(["ip", "netns", "add", netns]);
    assertEquals(add.exitCode, 0, add.stderr);
    const mount = await runProcess(["mount", "-t", "tmpfs", `${PREFIX}-tmpfs`, target]);
    assertEquals(mount.exitCode, 0, mount.stderr);
    const found = await findLeftovers(PREFIX, { tempDirs: [parent] });
    const kinds = found.map((l) => `${l.kind}:${l.name}`);
    assert(kinds.includes(`temp-dir:${dir}`), kinds.join(", "));
    assert(kinds.includes(`netns:${netns}`), kinds.join(", "));
    assert(kinds.includes(`mount:${target}`), kinds.join(", "));
    assert(!kinds.some((k) => k.includes("someone-else")), kinds.join(", "));
  } finally {
    await runProcess(["umount", target]);
    await runProcess(["ip", "netns", "delete", netns]);
    Deno.removeSync(parent, { recursive: true });
  }
  assertEquals(await findLeftovers(PREFIX, { tempDirs: [] }), []);
});

Deno.test("findLeftovers() finds a process whose command line names our prefix", async () => {
  const child = new Deno.Command("sh", {
    args: ["-c", "sleep 30", PREFIX],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const found = await findLeftovers(PREFIX, { tempDirs: [] });
    assert(found.some((l) => l.kind === "process" && l.where === `pid ${child.pid}`));
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
});

Deno.test("linkPrefix() fits interface names (15 chars) and differs between runs", () => {
  const a = linkPrefix("ocibench-aaaa1111");
  assertEquals(a.length, 8);
  assert(a !== linkPrefix("ocibench-aaaa1112"));
  assertEquals(a, linkPrefix("ocibench-aaaa1111"));
});

Deno.test("findLeftovers() refuses a prefix that could match other people's things", async () => {
  await assertRejects(() => findLeftovers("ocibench-"), TypeError, "must be");
  await assertRejects(() => findLeftovers("tmp"), TypeError, "must be");
});
