import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { readToolOutput } from "./_fixture.ts";
import { parseSysbenchCpu, sysbenchCpuArgv } from "./sysbench_cpu.ts";
import { parseSysbenchMemory, sysbenchMemoryArgv } from "./sysbench_memory.ts";

Deno.test("parseSysbenchCpu() reads events per second, events, time and threads", () => {
  const two = parseSysbenchCpu(readToolOutput("sysbench", "cpu_threads2_time2.stdout"));
  assertEquals(two.threads, 2);
  assertAlmostEquals(two.eventsPerSecond, 1755.22, 1e-9);
  assertAlmostEquals(two.totalTimeS, 2.0, 0.05);
  assertAlmostEquals(two.totalEvents / two.totalTimeS, two.eventsPerSecond, 5);
  const one = parseSysbenchCpu(readToolOutput("sysbench", "cpu_threads1_time1.stdout"));
  assertEquals(one.threads, 1);
  assertAlmostEquals(one.eventsPerSecond, 2364.44, 1e-9);
});

Deno.test("parseSysbenchCpu() rejects the output of a failed run with the missing field", () => {
  assertThrows(
    () => parseSysbenchCpu(readToolOutput("sysbench", "error_cpu_bad_threads.stdout")),
    SyntaxError,
    'no "events per second" (first line: empty output)',
  );
  assertThrows(
    () => parseSysbenchCpu(readToolOutput("sysbench", "error_memory_bad_option.stdout")),
    SyntaxError,
    "sysbench 1.0.20",
  );
});

Deno.test("parseSysbenchMemory() reads the MiB/sec rate and the totals", () => {
  const two = parseSysbenchMemory(readToolOutput("sysbench", "memory_time2.stdout"));
  assertAlmostEquals(two.mibPerSecond, 18354.73, 1e-9);
  assertAlmostEquals(two.transferredMiB, 36780, 1e-9);
  assertEquals(two.operations, 36780);
  assertAlmostEquals(two.transferredMiB / two.totalTimeS, two.mibPerSecond, two.mibPerSecond / 100);
  const one = parseSysbenchMemory(readToolOutput("sysbench", "memory_time1.stdout"));
  assertAlmostEquals(one.mibPerSecond, 18647.17, 1e-9);
});

Deno.test("parseSysbenchMemory() rejects a failed run and a CPU run", () => {
  assertThrows(
    () => parseSysbenchMemory(readToolOutput("sysbench", "error_memory_bad_option.stdout")),
    SyntaxError,
    'no "MiB transferred"',
  );
  assertThrows(
    () => parseSysbenchMemory(readToolOutput("sysbench", "cpu_threads1_time1.stdout")),
    SyntaxError,
  );
});

Deno.test("the sysbench argv match the commands the fixtures were captured with", () => {
  const readme = readToolOutput("sysbench", "README.md");
  for (const argv of [sysbenchCpuArgv(2, 2), sysbenchCpuArgv(1, 1), sysbenchMemoryArgv(2)]) {
    assertEquals(readme.includes("`" + argv.join(" ") + "`"), true, argv.join(" "));
  }
});
