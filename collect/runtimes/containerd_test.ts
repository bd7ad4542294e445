import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { ctrRunFlags } from "./containerd.ts";

Deno.test("ctrRunFlags() maps netns, mounts, env, cwd and limits to ctr run flags", () => {
  assertEquals(ctrRunFlags({ argv: ["true"], timeoutMs: 1 }), []);
  assertEquals(
    ctrRunFlags({
      argv: ["true"],
      timeoutMs: 1,
      network: { kind: "netns", name: "ocibench-x-a" },
      mounts: [{ hostPath: "/h", containerPath: "/c" }],
      env: { A: "1" },
      cwd: "/c",
      limits: { memoryBytes: 4096, cpus: 1 },
    }),
    [
      "--with-ns",
      "network:/var/run/netns/ocibench-x-a",
      "--mount",
      "type=bind,src=/h,dst=/c,options=rbind:rw",
      "--env",
      "A=1",
      "--cwd",
      "/c",
      "--memory-limit",
      "4096",
      "--cpus",
      "1",
    ],
  );
  assertThrows(
    () => ctrRunFlags({ argv: ["true"], timeoutMs: 1, network: { kind: "bridge" } }),
    Error,
    "bridge",
  );
});
