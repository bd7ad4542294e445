import { assertEquals, assertThrows } from "../tests/assert.ts";
import { placeEndpoints } from "./network_endpoints.ts";
import type { NetworkKind, RuntimeAdapter } from "./types.ts";

/** A runtime that only declares capabilities (placement reads nothing else). */
function fakeRuntime(
  networks: NetworkKind[],
  options: { hostBridge?: boolean } = {},
): RuntimeAdapter {
  const never = () => Promise.reject(new Error("not used"));
  return {
    id: `fake-${networks.join("-")}`,
    name: "fake",
    isolation: "os-container",
    capabilities: { hostsReachableServer: true, networks },
    hostBridgeAddress: options.hostBridge ? () => Promise.resolve("172.17.0.1") : undefined,
    detect: never,
    prepare: never,
    run: never,
    start: never,
    cleanup: never,
  };
}

Deno.test("placeEndpoints() puts both ends on the runtime's preferred network", () => {
  assertEquals(placeEndpoints(fakeRuntime(["bridge", "netns", "none"]), false), "bridge");
  assertEquals(
    placeEndpoints(fakeRuntime(["bridge", "none"], { hostBridge: true }), false),
    "bridge",
  );
  assertEquals(placeEndpoints(fakeRuntime(["netns", "none"]), false), "netns-pair");
  assertEquals(placeEndpoints(fakeRuntime(["netns", "bridge", "none"]), false), "netns-pair");
});

Deno.test("placeEndpoints() gives a host server a namespace, else the host side of the bridge", () => {
  assertEquals(placeEndpoints(fakeRuntime(["bridge", "netns", "none"]), true), "netns-pair");
  assertEquals(placeEndpoints(fakeRuntime(["netns", "none"]), true), "netns-pair");
  assertEquals(
    placeEndpoints(fakeRuntime(["bridge", "none"], { hostBridge: true }), true),
    "bridge-host-server",
  );
});

Deno.test("placeEndpoints() refuses a runtime that declares no network that fits", () => {
  assertThrows(() => placeEndpoints(fakeRuntime(["none"]), false), RangeError, "networks: none");
  assertThrows(
    () => placeEndpoints(fakeRuntime(["bridge", "none"]), true),
    RangeError,
    "host server",
  );
});
