import { assertEquals, assertThrows } from "../tests/assert.ts";
import { parseDuration } from "./parse_duration.ts";

Deno.test("parseDuration() reads seconds, minutes, hours and their sums", () => {
  assertEquals(parseDuration("90s", "--budget"), 90_000);
  assertEquals(parseDuration("8m", "--budget"), 480_000);
  assertEquals(parseDuration("1h", "--budget"), 3_600_000);
  assertEquals(parseDuration("1h30m", "--budget"), 5_400_000);
  assertEquals(parseDuration("2.5m", "--budget"), 150_000);
  assertEquals(parseDuration(" 45m ", "--budget"), 2_700_000);
});

Deno.test("parseDuration() refuses a number without unit, unknown units, disorder and zero", () => {
  for (const bad of ["45", "45x", "m", "", "30m1h", "0m", "1h 30m", "-5m", "5m5m"]) {
    const error = assertThrows(() => parseDuration(bad, "--budget"), SyntaxError);
    assertEquals(error.message.includes(`--budget`) && error.message.includes(`"${bad}"`), true);
  }
});
