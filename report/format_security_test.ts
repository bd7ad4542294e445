import { assertEquals } from "../tests/assert.ts";
import { formatPropertyCheck } from "./format_security.ts";

Deno.test("formatPropertyCheck() shows pass or fail with the value, marks another kernel's part credit, dashes a missing value", () => {
  assertEquals(formatPropertyCheck({ value: 0, passed: true, basis: "measured" }), "✓ 0");
  assertEquals(formatPropertyCheck({ value: 14, passed: false, basis: "measured" }), "✗ 14");
  assertEquals(formatPropertyCheck({ value: 1, passed: false, basis: "other-kernel" }), "✗ 1†");
  assertEquals(formatPropertyCheck({ value: null, passed: null, basis: "missing" }), "—");
  assertEquals(formatPropertyCheck(undefined), "—");
});
