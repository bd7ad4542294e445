import { assertEquals, assertThrows } from "../tests/assert.ts";
import { loadCpuPlacement, parseProbeOutput, placeAppServer } from "./app_endpoints.ts";

Deno.test("placeAppServer() follows the runtime's preferred network", () => {
  assertEquals(placeAppServer(["bridge", "netns", "none"]), "bridge");
  assertEquals(placeAppServer(["netns", "none"]), "netns-pair");
  assertThrows(() => placeAppServer(["none"]), RangeError, "networks: none");
});

Deno.test("loadCpuPlacement() pins the load generator to the last CPU and says so", () => {
  assertEquals(loadCpuPlacement(2).cpu, 1);
  assertEquals(
    loadCpuPlacement(8).text,
    "load generator pinned to CPU 7 of 8 (taskset); server unpinned",
  );
  assertEquals(loadCpuPlacement(1).cpu, 0);
  assertEquals(loadCpuPlacement(1).text.includes("share"), true);
});

Deno.test("parseProbeOutput() reads an answer and a timeout with its last error", () => {
  assertEquals(parseProbeOutput("ok 1764610000123456789 17\n"), {
    ok: true,
    answeredAtMs: 1764610000123.4568,
    attempts: 17,
  });
  assertEquals(parseProbeOutput("timeout 3001 connect: Connection refused\n"), {
    ok: false,
    attempts: 3001,
    reason: "connect: Connection refused",
  });
  assertThrows(() => parseProbeOutput("usage: app_probe"), SyntaxError, "unexpected line");
});
