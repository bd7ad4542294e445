import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { ENGINE_NPROC_LIMIT, engineAdapter, engineRunFlags, type EngineSpec } from "./_engine.ts";
import { hostNofileLimit } from "../oci_config.ts";
import { type ProcessEffects, REAL_PROCESS_EFFECTS } from "../process.ts";
import type { ProcessResult } from "../types.ts";
import { createAdapterContext } from "./mod.ts";
import { imagePaths } from "../image.ts";

const podman = {
  engine: "podman",
  defaultBridge: "podman",
  netnsNetwork: (path: string) => `ns:${path}`,
};
const docker = { engine: "docker", defaultBridge: "bridge" };

Deno.test("engineRunFlags() gives every engine the same ulimits, no network by default", () => {
  const n = hostNofileLimit();
  const ulimits = [
    "--ulimit",
    `nofile=${n}:${n}`,
    "--ulimit",
    `nproc=${ENGINE_NPROC_LIMIT}:${ENGINE_NPROC_LIMIT}`,
  ];
  assertEquals(engineRunFlags({ argv: ["true"], timeoutMs: 1 }, podman), [
    ...ulimits,
    "--network",
    "none",
  ]);
  assertEquals(engineRunFlags({ argv: ["true"], timeoutMs: 1 }, docker), [
    ...ulimits,
    "--network",
    "none",
  ]);
});

Deno.test("engineRunFlags() maps mounts, env, cwd, limits and networks", () => {
  const flags = engineRunFlags({
    argv: ["true"],
    timeoutMs: 1,
    mounts: [{ hostPath: "/h", containerPath: "/c", readonly: true }],
    env: { A: "x=y" },
    cwd: "/c",
    limits: { memoryBytes: 1048576, cpus: 0.5, pids: 32 },
    network: { kind: "bridge" },
  }, docker).slice(4);
  assertEquals(flags, [
    "--network",
    "bridge",
    "--mount",
    "type=bind,source=/h,target=/c,readonly",
    "--env",
    "A=x=y",
    "--workdir",
    "/c",
    "--memory",
    "1048576b",
    "--cpus",
    "0.5",
    "--pids-limit",
    "32",
  ]);
  const ns = engineRunFlags({
    argv: ["true"],
    timeoutMs: 1,
    network: { kind: "netns", name: "ocibench-x-a" },
  }, podman);
  assertEquals(ns.slice(4), ["--network", "ns:/var/run/netns/ocibench-x-a"]);
  assertThrows(
    () =>
      engineRunFlags(
        { argv: ["true"], timeoutMs: 1, network: { kind: "netns", name: "n" } },
        docker,
      ),
    Error,
    "bridge",
  );
  assertThrows(
    () =>
      engineRunFlags({
        argv: ["true"],
        timeoutMs: 1,
        mounts: [{ hostPath: "/a,b", containerPath: "/c" }],
      }, docker),
    TypeError,
  );
});

/** An engine spec of docker's shape, whose daemon and image need nothing on the host. */
const DOCKER_SPEC: EngineSpec = {
  id: "docker-fake",
  name: "docker (fake)",
  isolation: "os-container",
  engine: "docker",
  lowLevelRuntime: "runc",
  capabilities: { hostsReachableServer: true, networks: ["bridge", "none"] },
  stateRoots: [],
  cgroupPaths: () => [],
  finishesOrphanCreates: true,
  removeFlags: [],
  annotates: false,
  binary: "docker",
  aptPackage: "docker.io",
  cliArgs: [],
  up: () => Promise.resolve(() => Promise.resolve()),
  runtimeFlag: () => "runc",
  importImage: () => Promise.resolve(),
  imageRef: () => "ocibench:h0",
  defaultBridge: "bridge",
  versions: () => Promise.resolve({}),
  fix: () => undefined,
};

Deno.test("a killed docker run whose create dockerd finishes later is removed once registered", async () => {
  const id = "4359".repeat(16);
  const calls: string[] = [];
  let rmOfId = 0;
  // Replays dockerd 20.10: `rm --force` of an unknown name exits 0 and says so; the killed
  // client's create holds the name (the probe conflicts) and registers after two more asks.
  const effects: ProcessEffects = {
    ...REAL_PROCESS_EFFECTS,
    run(argv) {
      const [sub, ...args] = argv.slice(1);
      const name = args[args.indexOf("--name") + 1];
      calls.push(`${sub} ${sub === "rm" ? args.at(-1) : name}`);
      const result = (exitCode: number | null, stdout: string, stderr: string) =>
        Promise.resolve({ ...KILLED, exitCode, stdout, stderr });
      if (sub === "run") return result(null, "", "");
      if (sub === "create") {
        return result(
          1,
          "",
          `Error response from daemon: Conflict. The container name "/${name}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
        );
      }
      if (sub === "rm" && args.at(-1) === id && ++rmOfId > 2) return result(0, id, "");
      if (sub === "rm") return result(0, "", `Error: No such container: ${args.at(-1)}`);
      throw new Error(`unexpected ${argv.join(" ")}`);
    },
  };
  const adapter = engineAdapter(DOCKER_SPEC, { effects });
  const ctx = createAdapterContext({ image: imagePaths("0", "/nonexistent"), log: () => {} });
  try {
    const r = await adapter.run({ argv: ["true"], timeoutMs: 1_000 }, ctx);
    assertEquals(r.exitCode, null);
    const name = calls[0].split(" ")[1];
    assertEquals(calls, [
      `run ${name}`,
      `rm ${name}`,
      `create ${name}`,
      `rm ${id}`,
      `rm ${id}`,
      `rm ${id}`,
    ]);
  } finally {
    Deno.removeSync(ctx.workDir, { recursive: true });
  }
});

const KILLED: ProcessResult = {
  exitCode: null,
  stdout: "",
  stderr: "",
  timedOut: false,
  wallMs: 1,
  startedAt: "2026-12-01T00:00:00.000Z",
  finishedAt: "2026-12-01T00:00:00.001Z",
};
