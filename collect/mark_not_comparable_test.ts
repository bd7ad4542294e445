import { assert, assertEquals } from "../tests/assert.ts";
import { allAdapters } from "./runtimes/mod.ts";
import { fakeBenchmark, fakeRecord, fakeRunHarness, fakeRuntime } from "./fake_run.ts";
import { ignoresODirect } from "./mark_not_comparable.ts";
import {
  DIRECT_READ_CACHE_REASON,
  IGNORES_O_DIRECT_REASON,
} from "../analyze/mark_not_comparable.ts";

Deno.test("a collection marks direct reads beyond the device, and those of runtimes that declare O_DIRECT ignored", async () => {
  const h = await fakeRunHarness();
  try {
    const readMiBs: Record<string, number> = {
      native: 1000,
      runc: 1100,
      sandbox: 3000,
      declared: 900,
    };
    const fio = fakeBenchmark(
      "fio_bind_direct",
      ["seq_read_bandwidth", "seq_write_bandwidth"],
      ({ runtime }) => {
        h.clock.advance(100);
        return [
          { metric: "fio_bind_direct.seq_read_bandwidth", value: readMiBs[runtime] },
          { metric: "fio_bind_direct.seq_write_bandwidth", value: 500 },
        ];
      },
    );
    fio.metrics = fio.metrics.map((m) => ({
      ...m,
      category: "disk",
      unit: "MiB/s",
      direction: "higher",
    }));
    const declared = Object.assign(fakeRuntime("declared"), { honoursODirect: false });
    const outcome = await h.run({
      runId: "20261127-080000-c0ffee",
      runtimes: [
        { ...fakeRuntime("native"), isolation: "native" },
        fakeRuntime("runc"),
        fakeRuntime("sandbox"),
        declared,
      ],
      benchmarks: [fio],
      record: fakeRecord({
        runtimes: ["native", "runc", "sandbox", "declared"],
        benchmarks: ["fio_bind_direct"],
      }),
    });
    const marks = new Map(
      outcome.result.samples.map((
        s,
      ) => [`${s.runtime} ${s.metric.split(".")[1]}`, s.notComparable?.reason]),
    );
    assertEquals(marks.get("sandbox seq_read_bandwidth"), DIRECT_READ_CACHE_REASON);
    assertEquals(marks.get("declared seq_read_bandwidth"), IGNORES_O_DIRECT_REASON);
    assertEquals(marks.get("runc seq_read_bandwidth"), undefined);
    assertEquals(marks.get("native seq_read_bandwidth"), undefined);
    assertEquals(marks.get("sandbox seq_write_bandwidth"), DIRECT_READ_CACHE_REASON);
    assertEquals(marks.get("runc seq_write_bandwidth"), undefined);
  } finally {
    await h.dispose();
  }
});

Deno.test("ignoresODirect() reads the declared capability; undeclared counts as honoured", () => {
  assertEquals(ignoresODirect(fakeRuntime("a")), false);
  assertEquals(ignoresODirect({ id: "x", capabilities: { directIo: false } }), true);
  assertEquals(ignoresODirect({ id: "x", capabilities: { directIo: true } }), false);
  assertEquals(ignoresODirect({ id: "x", capabilities: { honoursODirect: false } }), true);
  assertEquals(ignoresODirect({ id: "x", honoursODirect: false }), true);
  assertEquals(ignoresODirect({ id: "x", honoursODirect: true }), false);
});

Deno.test("every gVisor adapter declares that its O_DIRECT goes through a cache, and no other does", () => {
  const declared = allAdapters().filter(ignoresODirect).map((a) => a.id).sort();
  assertEquals(
    declared,
    allAdapters().map((a) => a.id).filter((id) => id.includes("runsc")).sort(),
  );
  assert(declared.length > 0);
});
