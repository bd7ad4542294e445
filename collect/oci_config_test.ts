import { assert, assertEquals, assertThrows } from "../tests/assert.ts";
import { CPU_PERIOD_US, DEFAULT_CAPABILITIES, ociConfig } from "./oci_config.ts";
import { IMAGE_PATH_ENV } from "./image_recipe.ts";

Deno.test("ociConfig() puts argv, env, cwd and the root into the spec, never a terminal", () => {
  const c = ociConfig({
    argv: ["sysbench", "cpu", "run"],
    env: { A: "1", PATH: "/custom" },
    cwd: "/work",
    rootfs: "/b/rootfs",
  });
  assertEquals(c.process.args, ["sysbench", "cpu", "run"]);
  assertEquals(c.process.env, ["PATH=/custom", "A=1"]);
  assertEquals(c.process.cwd, "/work");
  assertEquals(c.process.terminal, false);
  assertEquals(c.root, { path: "/b/rootfs", readonly: false });
  assertEquals(c.ociVersion, "1.0.2");
});

Deno.test("ociConfig() defaults PATH to the image's, cwd to / and gives Docker's capabilities", () => {
  const c = ociConfig({ argv: ["true"], rootfs: "rootfs" });
  assertEquals(c.process.env, [`PATH=${IMAGE_PATH_ENV}`]);
  assertEquals(c.process.cwd, "/");
  const caps = c.process.capabilities as Record<string, string[]>;
  assertEquals(caps.bounding, [...DEFAULT_CAPABILITIES]);
  assert(!caps.bounding.includes("CAP_SYS_ADMIN"));
});

Deno.test("ociConfig() gives a new network namespace by default, none for host, a path to join", () => {
  const types = (c: ReturnType<typeof ociConfig>) =>
    (c.linux.namespaces as { type: string; path?: string }[]).filter((n) => n.type === "network");
  assertEquals(types(ociConfig({ argv: ["true"], rootfs: "r" })), [{ type: "network" }]);
  assertEquals(types(ociConfig({ argv: ["true"], rootfs: "r", network: "host" })), []);
  assertEquals(
    types(
      ociConfig({ argv: ["true"], rootfs: "r", network: { path: "/var/run/netns/ocibench-x" } }),
    ),
    [{ type: "network", path: "/var/run/netns/ocibench-x" }],
  );
  const all = (ociConfig({ argv: ["true"], rootfs: "r" }).linux.namespaces as { type: string }[])
    .map((n) => n.type).sort();
  assertEquals(all, ["ipc", "mount", "network", "pid", "uts"]);
});

Deno.test("ociConfig() turns bind mounts into rbind mounts, read-only when asked", () => {
  const c = ociConfig({
    argv: ["true"],
    rootfs: "r",
    mounts: [
      { hostPath: "/h/data", containerPath: "/data" },
      { hostPath: "/h/ro", containerPath: "/ro", readonly: true },
    ],
  });
  const binds = c.mounts.filter((m) => m.type === "bind");
  assertEquals(binds, [
    { destination: "/data", type: "bind", source: "/h/data", options: ["rbind", "rw"] },
    { destination: "/ro", type: "bind", source: "/h/ro", options: ["rbind", "ro"] },
  ]);
  assertEquals(c.mounts.filter((m) => m.destination === "/proc").length, 1);
});

Deno.test("ociConfig() adds a tmpfs /tmp only when the root is read-only", () => {
  const ro = ociConfig({ argv: ["true"], rootfs: "r", readonlyRootfs: true });
  assertEquals(ro.root.readonly, true);
  assertEquals(ro.mounts.filter((m) => m.destination === "/tmp").map((m) => m.type), ["tmpfs"]);
  const rw = ociConfig({ argv: ["true"], rootfs: "r" });
  assertEquals(rw.mounts.filter((m) => m.destination === "/tmp"), []);
});

Deno.test("ociConfig() expresses limits as cgroup memory bytes, a CFS quota and a pids limit", () => {
  const c = ociConfig({
    argv: ["true"],
    rootfs: "r",
    memoryBytes: 256 * 2 ** 20,
    cpus: 1.5,
    pids: 64,
  });
  const res = c.linux.resources as Record<string, unknown>;
  assertEquals(res.memory, { limit: 268435456 });
  assertEquals(res.cpu, { quota: 150000, period: CPU_PERIOD_US });
  assertEquals(res.pids, { limit: 64 });
  const none = ociConfig({ argv: ["true"], rootfs: "r" }).linux.resources as Record<
    string,
    unknown
  >;
  assertEquals(none.memory, undefined);
  assertEquals(none.cpu, undefined);
  assertEquals(none.pids, undefined);
});

Deno.test("ociConfig() sets RLIMIT_NOFILE and the cgroups path when given", () => {
  const c = ociConfig({ argv: ["true"], rootfs: "r", nofile: 20000, cgroupsPath: "/ocibench/x" });
  assertEquals(c.process.rlimits, [{ type: "RLIMIT_NOFILE", hard: 20000, soft: 20000 }]);
  assertEquals(c.linux.cgroupsPath, "/ocibench/x");
});

Deno.test("ociConfig() rejects an empty argv, a relative cwd or mount target, and bad limits", () => {
  assertThrows(() => ociConfig({ argv: [], rootfs: "r" }), TypeError, "argv");
  assertThrows(() => ociConfig({ argv: ["true"], rootfs: "r", cwd: "work" }), TypeError, "cwd");
  assertThrows(
    () =>
      ociConfig({ argv: ["true"], rootfs: "r", mounts: [{ hostPath: "/a", containerPath: "b" }] }),
    TypeError,
    "absolute",
  );
  assertThrows(() => ociConfig({ argv: ["true"], rootfs: "r", memoryBytes: 0 }), RangeError);
  assertThrows(() => ociConfig({ argv: ["true"], rootfs: "r", cpus: -1 }), RangeError);
  assertThrows(() => ociConfig({ argv: ["true"], rootfs: "r", pids: 2.5 }), RangeError, "pids");
});
