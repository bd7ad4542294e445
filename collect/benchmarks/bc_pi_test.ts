import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { parseBcPi } from "./bc_pi.ts";
import { readToolOutput } from "./_fixture.ts";

Deno.test("parseBcPi() joins bc's continued lines into the digits of pi", () => {
  const digits = parseBcPi(readToolOutput("bc", "pi_200.stdout"));
  assertEquals(digits.slice(0, 12), "3.1415926535");
  assertEquals(digits.length, 202);
});

Deno.test("parseBcPi() rejects bc's syntax error output", () => {
  assertThrows(() => parseBcPi(readToolOutput("bc", "error_syntax.stdout")), SyntaxError);
});
