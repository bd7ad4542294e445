import { assertEquals, assertStringIncludes, assertThrows } from "../../tests/assert.ts";
import { lxcConfig } from "./lxc.ts";

Deno.test("lxcConfig() roots the container in the overlay, with no network but loopback", () => {
  const conf = lxcConfig({ argv: ["true"], timeoutMs: 1 }, "/w/rootfs", "ocibench-x-lxc-1");
  const lines = conf.trim().split("\n");
  assertEquals(lines[0], "lxc.uts.name = ocibench-x-lxc-1");
  assertEquals(lines[1], "lxc.rootfs.path = dir:/w/rootfs");
  assertStringIncludes(conf, "lxc.net.0.type = empty\n");
  assertStringIncludes(conf, "lxc.apparmor.profile = unconfined\n");
});

Deno.test("lxcConfig() maps netns, mounts, env, cwd and cgroup v1 limits", () => {
  const conf = lxcConfig(
    {
      argv: ["true"],
      timeoutMs: 1,
      network: { kind: "netns", name: "ocibench-x-a" },
      mounts: [{ hostPath: "/h/d", containerPath: "/data", readonly: true }],
      env: { A: "1" },
      cwd: "/data",
      limits: { memoryBytes: 1000, cpus: 2, pids: 16 },
    },
    "/w/rootfs",
    "n",
    false,
  );
  assertStringIncludes(conf, "lxc.namespace.share.net = /var/run/netns/ocibench-x-a\n");
  assertEquals(conf.includes("lxc.net.0.type"), false);
  assertStringIncludes(conf, "lxc.mount.entry = /h/d data none bind,create=dir,ro 0 0\n");
  assertStringIncludes(conf, "lxc.environment = A=1\n");
  assertStringIncludes(conf, "lxc.init.cwd = /data\n");
  assertStringIncludes(conf, "lxc.cgroup.memory.limit_in_bytes = 1000\n");
  assertStringIncludes(conf, "lxc.cgroup.cpu.cfs_quota_us = 200000\n");
  assertStringIncludes(conf, "lxc.cgroup.pids.max = 16\n");
});

Deno.test("lxcConfig() refuses a newline that would inject configuration", () => {
  assertThrows(
    () =>
      lxcConfig(
        {
          argv: ["true"],
          timeoutMs: 1,
          env: { A: "1\nlxc.apparmor.profile = x" },
        },
        "/w/rootfs",
        "n",
      ),
    TypeError,
    "newline",
  );
});

Deno.test("lxcConfig() uses the cgroup v2 keys on a unified-only host", () => {
  const conf = lxcConfig(
    {
      argv: ["true"],
      timeoutMs: 1,
      limits: { memoryBytes: 1000, cpus: 0.5 },
    },
    "/w/rootfs",
    "n",
    true,
  );
  assertStringIncludes(conf, "lxc.cgroup2.memory.max = 1000\n");
  assertStringIncludes(conf, "lxc.cgroup2.cpu.max = 50000 100000\n");
  assertEquals(conf.includes("lxc.cgroup.memory"), false);
});
