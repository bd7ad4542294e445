import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { ENGINE_NPROC_LIMIT, engineRunFlags } from "./_engine.ts";
import { hostNofileLimit } from "../oci_config.ts";

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
    limits: { memoryBytes: 1048576, cpus: 0.5 },
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
