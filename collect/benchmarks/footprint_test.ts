import { assert, assertEquals } from "../../tests/assert.ts";
import { MetricInfoSchema } from "../../model/result_set.ts";
import { readToolOutput } from "./_fixture.ts";
import { parseSmapsRollupPss, parseStatusRss, processMemory } from "./_memory.ts";
import { footprintBenchmark } from "./footprint.ts";
import { densityBenchmark } from "./density.ts";

const rollup = readToolOutput("proc", "sleep_smaps_rollup.txt");
const status = readToolOutput("proc", "sleep_status.txt");

Deno.test("parseSmapsRollupPss() and parseStatusRss() read kB lines as bytes", () => {
  assertEquals(parseSmapsRollupPss(rollup), 175 * 1024);
  assertEquals(parseStatusRss(status), 1840 * 1024);
  assertEquals(parseSmapsRollupPss(readToolOutput("proc", "pid1_smaps_rollup.stdout")), undefined);
  // A kernel thread's status has no VmRSS.
  assertEquals(parseStatusRss("Name:\tkthreadd\nState:\tS (sleeping)\n"), 0);
});

Deno.test("processMemory() sums PSS and RSS once per pid and skips exited processes", () => {
  const files: Record<string, string> = {
    "/proc/10/status": status,
    "/proc/10/smaps_rollup": rollup,
    "/proc/11/status": status,
    "/proc/11/smaps_rollup": rollup,
  };
  const m = processMemory([10, 11, 10, 12], (p) => files[p]);
  assertEquals(m.processes, 2);
  assertEquals(m.pssBytes, 2 * 175 * 1024);
  assertEquals(m.rssBytes, 2 * 1840 * 1024);
  assertEquals(m.pssUnreadable, []);
});

Deno.test("processMemory() falls back to RSS only when a PSS cannot be read", () => {
  const files: Record<string, string> = {
    "/proc/1/status": status,
    "/proc/10/status": status,
    "/proc/10/smaps_rollup": rollup,
  };
  const m = processMemory([1, 10], (p) => files[p]);
  assertEquals(m.pssBytes, undefined);
  assertEquals(m.pssUnreadable, [1]);
  assertEquals(m.rssBytes, 2 * 1840 * 1024);
});

Deno.test("processMemory() reads this process's real PSS below its RSS", () => {
  const m = processMemory([Deno.pid]);
  assertEquals(m.processes, 1);
  assert(m.pssBytes !== undefined && m.pssBytes > 0 && m.pssBytes <= m.rssBytes);
});

Deno.test("the footprint benchmarks' metrics carry units and directions", () => {
  // Benchmark ids must not shadow the category suite "footprint".
  assertEquals([footprintBenchmark.info.id, densityBenchmark.info.id], [
    "footprint_idle",
    "density",
  ]);
  for (const b of [footprintBenchmark, densityBenchmark]) {
    assertEquals(b.info.category, "footprint");
    for (const m of b.metrics) {
      MetricInfoSchema.parse(m);
      assertEquals(m.benchmark, b.info.id);
    }
  }
  assertEquals(
    footprintBenchmark.metrics.map((m) => `${m.id}:${m.unit}:${m.direction}`),
    [
      "footprint_idle.pss:MiB:lower",
      "footprint_idle.rss:MiB:lower",
      "footprint_idle.host_processes:processes:none",
    ],
  );
});
