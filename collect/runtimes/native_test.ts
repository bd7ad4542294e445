import { assertEquals } from "../../tests/assert.ts";
import { nativeCommand } from "./native.ts";
import type { AdapterContext } from "../types.ts";
import { imagePaths } from "../image.ts";

const ctx: AdapterContext = {
  image: imagePaths("abc", "/cache"),
  workDir: "/tmp/ocibench-x",
  namePrefix: "ocibench-x",
  log: () => {},
};

Deno.test("nativeCommand() rewrites mount paths in arguments, options, cwd and env", () => {
  const { argv, options } = nativeCommand({
    argv: ["fio", "--directory=/data/sub", "/data", "/database", "-d", "/data/x"],
    cwd: "/data",
    env: { OUT: "/data/out", KEEP: "/elsewhere" },
    mounts: [{ hostPath: "/tmp/ocibench-x-mnt", containerPath: "/data" }],
    timeoutMs: 1000,
  }, ctx);
  assertEquals(argv, [
    "fio",
    "--directory=/tmp/ocibench-x-mnt/sub",
    "/tmp/ocibench-x-mnt",
    "/database",
    "-d",
    "/tmp/ocibench-x-mnt/x",
  ]);
  assertEquals(options.cwd, "/tmp/ocibench-x-mnt");
  assertEquals(options.env?.OUT, "/tmp/ocibench-x-mnt/out");
  assertEquals(options.env?.KEEP, "/elsewhere");
  assertEquals(options.env?.PATH.split(":")[0], "/cache/image/abc/rootfs/usr/local/bin");
  assertEquals(options.timeoutMs, 1000);
});

Deno.test("nativeCommand() runs a netns step through ip netns exec, argv untouched", () => {
  const { argv } = nativeCommand({
    argv: ["iperf3", "-s"],
    network: { kind: "netns", name: "ocibench-x-a" },
    timeoutMs: 1000,
  }, ctx);
  assertEquals(argv, ["ip", "netns", "exec", "ocibench-x-a", "iperf3", "-s"]);
});
