import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import {
  ADAPTER_FACTORIES,
  adapterById,
  allAdapters,
  baselineAdapter,
  pluginOf,
  RUNTIME_IDS,
  RUNTIME_PLUGINS,
} from "./mod.ts";

Deno.test("every registered adapter comes from one plugin and has the id it is registered under", () => {
  const ids = RUNTIME_PLUGINS.flatMap((p) => Object.keys(p.adapters));
  assertEquals(new Set(ids).size, ids.length, "no id in two plugins");
  assertEquals([...RUNTIME_IDS], ids);
  for (const id of RUNTIME_IDS) {
    assertEquals(adapterById(id).id, id);
    assert(pluginOf(id)?.adapters[id] === ADAPTER_FACTORIES[id]);
  }
  assertEquals(pluginOf("nope"), undefined);
  assertThrows(() => adapterById("nope"), RangeError, "known:");
});

Deno.test("every registered adapter declares networks it can use, none first", () => {
  for (const adapter of allAdapters()) {
    const { networks, hostsReachableServer, serverLimitation } = adapter.capabilities;
    assert(networks.length > 0 && networks.at(-1) === "none", `${adapter.id}: ${networks}`);
    assert(networks.some((k) => k !== "none"), `${adapter.id} joins some network`);
    // A runtime that cannot host a server says why, for the topology of network samples.
    if (!hostsReachableServer) assert(serverLimitation, `${adapter.id} says why`);
    // A bridge-only runtime must give the host's address on it, or a host server has no place.
    if (!networks.includes("netns") && networks.includes("bridge")) {
      assert(adapter.hostBridgeAddress, `${adapter.id} tells its bridge's host address`);
    }
  }
});

Deno.test("baselineAdapter() is the registered runtime of isolation class native", () => {
  const baseline = baselineAdapter();
  assertEquals(baseline.isolation, "native");
  assertEquals(allAdapters().filter((a) => a.isolation === "native").map((a) => a.id), [
    baseline.id,
  ]);
});

Deno.test("gVisor hosts iperf3's server in the systrap variants (Debian 13's runsc), not under Debian 12's ptrace build", () => {
  const gvisor = allAdapters().filter((a) => a.isolation === "syscall-sandbox");
  assertEquals(gvisor.length, 8);
  for (const adapter of gvisor) {
    const systrap = adapter.id.endsWith("-systrap");
    assertEquals(adapter.capabilities.hostsReachableServer, systrap, adapter.id);
    if (!systrap) assert(adapter.capabilities.serverLimitation?.includes("2022 build"), adapter.id);
  }
});
