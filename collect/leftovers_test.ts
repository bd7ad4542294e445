import { assert, assertEquals, assertRejects } from "../tests/assert.ts";
import {
  declaredStateRoots,
  findLeftovers,
  linkPrefix,
  reclaimEngineContainer,
} from "./leftovers.ts";
import type { RuntimePlugin } from "./types.ts";
import { type ProcessEffects, REAL_PROCESS_EFFECTS, runProcess } from "./process.ts";

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

Deno.test("reclaimEngineContainer() deletes the runtime's state for the id and kills its processes", async () => {
  const id = Array.from(crypto.getRandomValues(new Uint8Array(32)))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  const root = Deno.makeTempDirSync({ prefix: "ocibench-lt-root-" });
  const state = `${root}/${id}_sandbox:${id}.state`;
  Deno.writeTextFileSync(state, "{}");
  Deno.writeTextFileSync(`${root}/${"0".repeat(64)}_sandbox:${"0".repeat(64)}.state`, "{}");
  // Stands in for a conmon left with the id on its command line.
  const child = new Deno.Command("sh", { args: ["-c", "sleep 30", "conmon", "-c", id] }).spawn();
  const calls: string[][] = [];
  const effects: ProcessEffects = {
    ...REAL_PROCESS_EFFECTS,
    run(argv, options) {
      calls.push(argv);
      if (argv[0] === "runsc") Deno.removeSync(state); // What `runsc delete --force` does.
      return REAL_PROCESS_EFFECTS.run(["true"], options);
    },
  };
  try {
    const problems = await reclaimEngineContainer(id, {
      effects,
      stateRoots: { runsc: root },
      waitMs: 5_000,
    });
    assertEquals(problems, []);
    assertEquals(calls, [["runsc", "--root", root, "delete", "--force", id]]);
    const status = await child.status;
    assertEquals(status.signal, "SIGKILL");
    // Another container's state is not touched.
    assertEquals([...Deno.readDirSync(root)].length, 1);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already killed.
    }
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("reclaimEngineContainer() refuses anything but a 64-hex container id", async () => {
  await assertRejects(() => reclaimEngineContainer("ocibench-x"), TypeError, "container id");
  await assertRejects(() => reclaimEngineContainer("*"), TypeError, "container id");
});

Deno.test("reclaimEngineContainer() removes a state its runtime cannot load once nothing runs", async () => {
  const id = "ab".repeat(32);
  const root = Deno.makeTempDirSync({ prefix: "ocibench-lt-root-" });
  // What a podman killed during `runsc create` leaves (seen here): an empty state and its lock.
  Deno.writeTextFileSync(`${root}/${id}_sandbox:${id}.state`, "");
  Deno.writeTextFileSync(`${root}/${id}_sandbox:${id}.lock`, "");
  const failing: ProcessEffects = {
    ...REAL_PROCESS_EFFECTS,
    run: (_argv, options) =>
      REAL_PROCESS_EFFECTS.run(
        ["sh", "-c", "echo 'unexpected end of JSON input' >&2; exit 128"],
        options,
      ),
  };
  try {
    assertEquals(
      await reclaimEngineContainer(id, { effects: failing, stateRoots: { runsc: root } }),
      [],
    );
    assertEquals([...Deno.readDirSync(root)], []);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("reclaimEngineContainer() removes a lone runsc lock that `runsc delete --force` leaves", async () => {
  const id = "9e53".repeat(16);
  const other = "0c1d".repeat(16);
  const root = Deno.makeTempDirSync({ prefix: "ocibench-lt-root-" });
  Deno.writeTextFileSync(`${root}/${id}_sandbox:${id}.lock`, "");
  Deno.writeTextFileSync(`${root}/${other}_sandbox:${other}.lock`, "");
  Deno.writeTextFileSync(`${root}/${other}_sandbox:${other}.state`, "{}");
  const calls: string[][] = [];
  // What runsc 2022-12-19 does with only a lock: reports success (exit 0) and removes nothing.
  const succeeding: ProcessEffects = {
    ...REAL_PROCESS_EFFECTS,
    run(argv, options) {
      calls.push(argv);
      return REAL_PROCESS_EFFECTS.run(["true"], options);
    },
  };
  try {
    assertEquals(
      await reclaimEngineContainer(id, { effects: succeeding, stateRoots: { runsc: root } }),
      [],
    );
    assertEquals(calls[0], ["runsc", "--root", root, "delete", "--force", id]);
    assertEquals([...Deno.readDirSync(root)].map((e) => e.name).sort(), [
      `${other}_sandbox:${other}.lock`,
      `${other}_sandbox:${other}.state`,
    ]);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("findLeftovers() tells an engine container's runtime state by the name in its spec", async () => {
  // Real state of podman containers named ocibench-capture0-<runtime> (fixtures' README).
  const fixtures = new URL("../fixtures/tool_outputs/runtime_state/", import.meta.url).pathname;
  const parent = Deno.makeTempDirSync({ prefix: "ocibench-lt-state-" });
  const id = (c: string) => c.repeat(64);
  const roots = { runsc: `${parent}/runsc`, runc: `${parent}/runc`, crun: `${parent}/crun` };
  for (const root of Object.values(roots)) Deno.mkdirSync(root);
  Deno.copyFileSync(`${fixtures}runsc.state`, `${roots.runsc}/${id("a")}_sandbox:${id("a")}.state`);
  Deno.writeTextFileSync(`${roots.runsc}/${id("a")}_sandbox:${id("a")}.lock`, "");
  Deno.mkdirSync(`${roots.runc}/${id("b")}`);
  Deno.copyFileSync(`${fixtures}runc_state.json`, `${roots.runc}/${id("b")}/state.json`);
  Deno.mkdirSync(`${roots.crun}/${id("c")}`);
  Deno.copyFileSync(`${fixtures}crun_config.json`, `${roots.crun}/${id("c")}/config.json`);
  try {
    const found = await findLeftovers("ocibench-capture0", { tempDirs: [], stateRoots: roots });
    assertEquals(
      found.filter((l) => l.kind === "runtime-state").map((l) => `${l.where} ${l.name}`).sort(),
      [
        `crun ${id("c")}`,
        `runc ${id("b")}`,
        `runsc ${id("a")}_sandbox:${id("a")}.state`,
      ],
    );
    const others = await findLeftovers(PREFIX, { tempDirs: [], stateRoots: roots });
    assertEquals(others.filter((l) => l.kind === "runtime-state"), []);
  } finally {
    Deno.removeSync(parent, { recursive: true });
  }
});

Deno.test("findLeftovers() asks each plugin and searches the state roots the plugins declare", async () => {
  const root = Deno.makeTempDirSync({ prefix: "ocibench-lt-plugin-" });
  Deno.mkdirSync(`${root}/${PREFIX}-box-1`);
  Deno.mkdirSync(`${root}/ocibench-someone-else-box-1`);
  const asked: string[] = [];
  const plugin: RuntimePlugin = {
    name: "fake",
    adapters: {},
    aptPackages: [],
    stateRoots: [{ binary: "fakebox", root }],
    findLeftovers(prefix) {
      asked.push(prefix);
      return Promise.resolve([{ kind: "container", where: "fake engine", name: `${prefix}-c1` }]);
    },
  };
  try {
    const found = await findLeftovers(PREFIX, { tempDirs: [], plugins: [plugin] });
    assertEquals(asked, [PREFIX]);
    assertEquals(found.map((l) => `${l.kind} ${l.where} ${l.name}`), [
      `container fake engine ${PREFIX}-c1`,
      `runtime-state fakebox ${PREFIX}-box-1`,
    ]);
    assertEquals(declaredStateRoots([plugin]), { fakebox: root });
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
