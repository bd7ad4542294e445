import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { readToolOutput } from "./_fixture.ts";
import { parseSyscallLoop } from "./syscalls.ts";

Deno.test("parseSyscallLoop() reads ns per call, calls and seconds of each test", () => {
  const result = parseSyscallLoop(readToolOutput("syscall_loop", "d1000.stdout"));
  assertEquals(Object.keys(result).sort(), ["getppid", "read_zero"]);
  assertEquals(result.getppid.calls, 435968);
  assertAlmostEquals(result.getppid.nsPerCall, 2294.8, 1e-9);
  for (const test of Object.values(result)) {
    assertAlmostEquals(test.seconds * 1e9 / test.calls, test.nsPerCall, 0.1);
  }
  const quick = parseSyscallLoop(readToolOutput("syscall_loop", "d100.stdout"));
  assertAlmostEquals(quick.read_zero.seconds, 0.1, 0.01);
});

Deno.test("parseSyscallLoop() rejects error output and a missing test", () => {
  assertThrows(
    () => parseSyscallLoop(readToolOutput("syscall_loop", "error_bad_d.stdout")),
    SyntaxError,
    "not the output of syscall_loop",
  );
  const partial = readToolOutput("syscall_loop", "d100.stdout").replace(/^read_zero.*$/m, "");
  assertThrows(() => parseSyscallLoop(partial), SyntaxError, '"read_zero"');
});
