import { assertEquals } from "../tests/assert.ts";
import { hasState, removeStateEntries, stateEntriesOf } from "./runtime_state.ts";
import { RUNSC } from "./runtimes/runsc.ts";
import { RUNC } from "./runtimes/runc.ts";

Deno.test("stateEntriesOf() picks exactly one container's state, as runsc and runc declare it", () => {
  const a = "9e53".repeat(16);
  const b = "0c1d".repeat(16);
  const listing = [
    // runsc killed after taking its lock, before writing its state (seen here).
    `${a}_sandbox:${a}.lock`,
    `${b}_sandbox:${b}.state`,
    `${b}_sandbox:${b}.lock`,
    // A container in sandbox a, and ids that only start like ours: not a's.
    `${"77".repeat(32)}_sandbox:${a}.state`,
    `${a}0_sandbox:${a}0.state`,
    `${a}.tmp`,
    // runc and crun: one directory per container.
    a,
    `${a}0`,
    "ocibench-r1-runsc-ptrace-1_sandbox:ocibench-r1-runsc-ptrace-1.lock",
    "ocibench-r1-runsc-ptrace-10_sandbox:ocibench-r1-runsc-ptrace-10.state",
  ];
  const runsc = RUNSC.stateRoot;
  assertEquals(stateEntriesOf(runsc, listing, a), [`${a}_sandbox:${a}.lock`]);
  assertEquals(stateEntriesOf(RUNC.stateRoot, listing, a), [a]);
  assertEquals(stateEntriesOf(runsc, listing, b), [
    `${b}_sandbox:${b}.state`,
    `${b}_sandbox:${b}.lock`,
  ]);
  assertEquals(stateEntriesOf(runsc, listing, "ocibench-r1-runsc-ptrace-1"), [
    "ocibench-r1-runsc-ptrace-1_sandbox:ocibench-r1-runsc-ptrace-1.lock",
  ]);
  assertEquals(stateEntriesOf(runsc, listing, "0c1d"), []);
  assertEquals(stateEntriesOf(RUNC.stateRoot, listing, "0c1d"), []);
});

Deno.test("removeStateEntries() removes one container's declared entries and nothing else", () => {
  const root = Deno.makeTempDirSync({ prefix: "ocibench-rs-root-" });
  const id = "ab".repeat(32);
  const state = { ...RUNSC.stateRoot, root };
  for (const n of [`${id}_sandbox:${id}.lock`, `${id}0_sandbox:${id}0.state`, id]) {
    Deno.writeTextFileSync(`${root}/${n}`, "");
  }
  try {
    assertEquals(hasState(state, id), true);
    assertEquals(removeStateEntries(state, id), []);
    assertEquals(hasState(state, id), false);
    assertEquals([...Deno.readDirSync(root)].map((e) => e.name).sort(), [
      id,
      `${id}0_sandbox:${id}0.state`,
    ]);
    assertEquals(hasState({ binary: "runc", root: `${root}/absent` }, id), false);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
