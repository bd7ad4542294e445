import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { readToolOutput } from "./_fixture.ts";
import { cpuUtilizationPercent, parsePiTiming, PI_SCRIPT, piArgv } from "./_pi.ts";

Deno.test("parsePiTiming() reads bash's real, user and sys times", () => {
  assertEquals(parsePiTiming(readToolOutput("pi", "single_2000000.stderr")), {
    realS: 4.33,
    userS: 2.617,
    sysS: 0.307,
  });
  const multi = parsePiTiming(readToolOutput("pi", "multi_2000000_x2.stderr"));
  assertEquals(multi, { realS: 7.804, userS: 5.004, sysS: 0.792 });
});

Deno.test("cpuUtilizationPercent() is CPU time over wall time, 100 % per busy core", () => {
  const multi = parsePiTiming(readToolOutput("pi", "multi_2000000_x2.stderr"));
  assertAlmostEquals(cpuUtilizationPercent(multi), (5.004 + 0.792) / 7.804 * 100, 1e-9);
  assertEquals(cpuUtilizationPercent({ realS: 2, userS: 3.9, sysS: 0.1 }), 200);
  assertEquals(cpuUtilizationPercent({ realS: 0, userS: 0, sysS: 0 }), 0);
});

Deno.test("parsePiTiming() finds the timing after pi's usage text, and rejects no timing", () => {
  // pi failed (bad digits): bash still times the group; the step fails on the exit code.
  const failed = parsePiTiming(readToolOutput("pi", "error_bad_digits.stderr"));
  assertEquals(failed.realS < 1, true);
  assertThrows(
    () => parsePiTiming("Usage: pi [digits]\n"),
    SyntaxError,
    'last line: "Usage: pi [digits]"',
  );
  assertThrows(() => parsePiTiming(""), SyntaxError, "empty output");
});

Deno.test("piArgv() passes digits and instances as parameters of the fixtures' script", () => {
  assertEquals(piArgv(2000000, 2), ["bash", "-c", PI_SCRIPT, "ocibench-pi", "2000000", "2"]);
  const readme = readToolOutput("pi", "README.md");
  assertEquals(readme.includes(`PI_SCRIPT='${PI_SCRIPT}'`), true);
});
