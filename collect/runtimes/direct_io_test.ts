import { assert, assertEquals } from "../../tests/assert.ts";
import { allAdapters } from "./mod.ts";

Deno.test("every gVisor-based adapter declares that it does not honour O_DIRECT; host-kernel ones do", () => {
  const all = allAdapters();
  const gvisor = all.filter((a) => a.lowLevelRuntime === "runsc" || a.id.includes("runsc"));
  assert(
    gvisor.length >= 4,
    `runsc, docker-, podman-, containerd-runsc: ${gvisor.map((a) => a.id)}`,
  );
  for (const adapter of gvisor) assertEquals(adapter.capabilities.directIo, false, adapter.id);
  for (const id of ["native", "runc", "crun", "docker-runc", "podman-runc", "containerd-runc"]) {
    const adapter = all.find((a) => a.id === id);
    assert(adapter, id);
    assert(adapter.capabilities.directIo !== false, `${id} honours O_DIRECT`);
  }
});
