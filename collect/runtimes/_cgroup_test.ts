import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/assert.ts";
import { CGROUP_ROOT, createLimitCgroup, removeContainerCgroups } from "./_cgroup.ts";
import { nativeAdapter } from "./native.ts";
import { imagePaths } from "../image.ts";
import { runProcess } from "../process.ts";

const v2 = (() => {
  try {
    Deno.statSync(`${CGROUP_ROOT}/cgroup.controllers`);
    return true;
  } catch {
    return false;
  }
})();

Deno.test("createLimitCgroup() gives nothing without limits", () => {
  assertEquals(createLimitCgroup("ocibench-x-none", { argv: ["true"], timeoutMs: 1 }), undefined);
});

Deno.test({
  name: "createLimitCgroup() puts the command in a cgroup holding the limits, then removes it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const name = `ocibench-cg${crypto.randomUUID().slice(0, 8)}`;
    const cgroup = createLimitCgroup(name, {
      argv: ["true"],
      timeoutMs: 1,
      limits: { memoryBytes: 64 * 2 ** 20, cpus: 0.5, pids: 20 },
    });
    assert(cgroup);
    const memoryDir = v2 ? `${CGROUP_ROOT}/${name}` : `${CGROUP_ROOT}/memory/${name}`;
    try {
      const r = await runProcess(cgroup.wrap(["cat", "/proc/self/cgroup"]));
      assertEquals(r.exitCode, 0, r.stderr);
      assertStringIncludes(r.stdout, `/${name}\n`);
      const limit = Deno.readTextFileSync(
        `${memoryDir}/${v2 ? "memory.max" : "memory.limit_in_bytes"}`,
      );
      assertEquals(limit.trim(), String(64 * 2 ** 20));
      const pidsDir = v2 ? `${CGROUP_ROOT}/${name}` : `${CGROUP_ROOT}/pids/${name}`;
      assertEquals(Deno.readTextFileSync(`${pidsDir}/pids.max`).trim(), "20");
    } finally {
      await cgroup.remove();
    }
    let gone = false;
    try {
      Deno.statSync(memoryDir);
    } catch {
      gone = true;
    }
    assert(gone, `${memoryDir} is left`);
  },
});

Deno.test({
  name: "native enforces a memory limit: a process over it is killed",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const adapter = nativeAdapter();
    const ctx = {
      image: imagePaths("none", "/nonexistent"),
      workDir: "/tmp",
      namePrefix: `ocibench-cg${crypto.randomUUID().slice(0, 8)}`,
      log: () => {},
    };
    // The shell holds 8 MB, then 200 MB, of text in a variable: fine, then over the limit.
    const hold = (bytes: number) => `x=$(head -c ${bytes} /dev/zero | tr '\\0' a); echo \${#x}`;
    const within = await adapter.run({
      argv: ["sh", "-c", hold(8_000_000)],
      limits: { memoryBytes: 64 * 2 ** 20 },
      timeoutMs: 30_000,
    }, ctx);
    assertEquals(within.exitCode, 0, within.stderr);
    assertEquals(within.stdout, "8000000\n");
    const over = await adapter.run({
      argv: ["sh", "-c", hold(200_000_000)],
      limits: { memoryBytes: 64 * 2 ** 20 },
      timeoutMs: 60_000,
    }, ctx);
    assert(over.exitCode !== 0, `256 MiB under a 64 MiB limit exited ${over.exitCode}`);
    await adapter.cleanup(ctx);
  },
});

Deno.test({
  name: "removeContainerCgroups() kills what a runtime left in its cgroups and removes them",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const id = `ocibench-cg${crypto.randomUUID().slice(0, 8)}-runc-1`;
    // What runc killed mid-create leaves: the container's cgroup in each hierarchy, one with a
    // process still in it.
    const parents = v2 ? [CGROUP_ROOT] : [`${CGROUP_ROOT}/pids`, `${CGROUP_ROOT}/cpu`];
    for (const p of parents) Deno.mkdirSync(`${p}/${id}`);
    const child = new Deno.Command("sleep", { args: ["60"] }).spawn();
    Deno.writeTextFileSync(`${parents[0]}/${id}/cgroup.procs`, String(child.pid));
    await removeContainerCgroups(id);
    assertEquals((await child.status).signal, "SIGKILL");
    for (const p of parents) {
      assertEquals(
        (() => {
          try {
            Deno.statSync(`${p}/${id}`);
            return "still there";
          } catch {
            return "gone";
          }
        })(),
        "gone",
        `${p}/${id}`,
      );
    }
    await removeContainerCgroups(id); // Nothing left: nothing to do.
  },
});

Deno.test({
  name: "removeContainerCgroups() removes an engine container's cgroups below its parent only",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const id = crypto.randomUUID().replaceAll("-", "").repeat(2);
    // Stands in for podman's libpod_parent: what runsc killed mid-create leaves there (seen here:
    // an empty libpod-<id> in every hierarchy), beside a cgroup of another container.
    const parent = `ocibench-cg${id.slice(0, 8)}`;
    const hierarchies = v2 ? [CGROUP_ROOT] : [`${CGROUP_ROOT}/pids`, `${CGROUP_ROOT}/memory`];
    for (const h of hierarchies) {
      Deno.mkdirSync(`${h}/${parent}/libpod-${id}`, { recursive: true });
      Deno.mkdirSync(`${h}/${parent}/libpod-${"0".repeat(64)}`);
    }
    try {
      await assertRejects(
        () => removeContainerCgroups(id, { paths: [`${parent}/../libpod-${id}`] }),
        TypeError,
        "bad cgroup path",
      );
      await assertRejects(
        () => removeContainerCgroups(id, { paths: [parent] }),
        TypeError,
        "bad cgroup path",
      );
      await removeContainerCgroups(id, { paths: [`${parent}/libpod-${id}`] });
      for (const h of hierarchies) {
        assertEquals(
          [...Deno.readDirSync(`${h}/${parent}`)].filter((e) => e.isDirectory).map((e) => e.name),
          [
            `libpod-${"0".repeat(64)}`,
          ],
        );
      }
    } finally {
      for (const h of hierarchies) {
        for (const d of [`libpod-${id}`, `libpod-${"0".repeat(64)}`, ""]) {
          try {
            Deno.removeSync(`${h}/${parent}/${d}`);
          } catch {
            // Removed by the test.
          }
        }
      }
    }
  },
});
