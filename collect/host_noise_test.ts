import { assertEquals, assertThrows } from "../tests/assert.ts";
import {
  disturbanceOf,
  hostNoiseOf,
  LOAD_PROBES,
  NOISE_MAX_STEAL_PERCENT,
  parseLoadavg,
  parseProcStatCpu,
  readHostLoad,
} from "./host_noise.ts";
import { FakeProcFs } from "./fake_run.ts";

function proc(name: string): string {
  return Deno.readTextFileSync(new URL(`../fixtures/tool_outputs/proc/${name}`, import.meta.url));
}

Deno.test("parseProcStatCpu() sums the eight counters of the real cpu line and reads steal", () => {
  const before = parseProcStatCpu(proc("stat_before.txt"));
  assertEquals(before, {
    steal: 3366,
    total: 341994 + 1801 + 99882 + 45295 + 2013 + 0 + 1650 + 3366,
  });
  const after = parseProcStatCpu(proc("stat_after.txt"));
  // One second on 2 CPUs at 100 ticks/s: about 200 ticks.
  assertEquals(after.total - before.total, 203);
  assertThrows(() => parseProcStatCpu("cpu0 1 2 3\n"), SyntaxError, 'no aggregate "cpu" line');
  assertThrows(() => parseProcStatCpu("cpu  1 2 3\n"), SyntaxError, "3 counters");
});

Deno.test("parseLoadavg() reads the 1-minute load and the runnable count of a real file", () => {
  assertEquals(parseLoadavg(proc("loadavg.txt")), { load1: 7.09, running: 6 });
  assertThrows(() => parseLoadavg("7.09 6.03\n"), SyntaxError, "/proc/loadavg is not");
});

Deno.test("hostNoiseOf() and disturbanceOf() judge steal over the step and others' load at its start", () => {
  const quiet = {
    stealPercent: 0.5,
    loadBefore: 1,
    loadAfter: 1,
    othersRunnableBefore: 3,
    othersRunnableAfter: 9,
  };
  assertEquals(disturbanceOf(quiet, 2), undefined);
  assertEquals(
    disturbanceOf({ ...quiet, stealPercent: NOISE_MAX_STEAL_PERCENT + 0.01 }, 2),
    "CPU steal 5.01 % > 5 %",
  );
  assertEquals(
    disturbanceOf({ ...quiet, othersRunnableBefore: 4 }, 2),
    "4 other runnable threads at the start on 2 cores",
  );
  const noise = hostNoiseOf(
    { cpu: { steal: 100, total: 1000 }, load1: 1.5, othersRunnable: 2 },
    { cpu: { steal: 160, total: 1800 }, load1: 2.25, othersRunnable: 0 },
  );
  assertEquals(noise, {
    stealPercent: 7.5,
    loadBefore: 1.5,
    loadAfter: 2.25,
    othersRunnableBefore: 2,
    othersRunnableAfter: 0,
  });
});

Deno.test("readHostLoad() keeps the fewest runnable threads of its probes, less the reader", async () => {
  const procfs = new FakeProcFs();
  const counts = [5, 3, 7, 4, 6];
  let reads = 0;
  const reader = {
    readText(path: string) {
      if (path === "/proc/loadavg") procfs.running = counts[reads++];
      return procfs.readText(path);
    },
    pause: () => Promise.resolve(),
  };
  const reading = await readHostLoad(reader);
  assertEquals(reads, LOAD_PROBES);
  assertEquals(reading?.othersRunnable, 2);
  assertEquals(await readHostLoad({ readText: () => undefined, pause: reader.pause }), undefined);
});

Deno.test("disturbanceOf() states a median steal the way it is measured, to 0.01 %", () => {
  // A median of two steals (7.06 and 7.07) is 7.0649999999999995 in binary floating point.
  const ownSteal = (7.06 + 7.07) / 2;
  const noise = {
    stealPercent: 19.45,
    loadBefore: 0.5,
    loadAfter: 0.6,
    othersRunnableBefore: 0,
    othersRunnableAfter: 0,
  };
  assertEquals(
    disturbanceOf(noise, 2, ownSteal),
    "CPU steal 19.45 % > 12.07 % (the benchmark's usual 7.07 % + 5 %)",
  );
});
