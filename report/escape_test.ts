import { assertEquals } from "../tests/assert.ts";
import { escapeMarkdownTags, escapeTerminal, jsonForTerminal } from "./escape.ts";

Deno.test("escapeTerminal() shows escape sequences and control characters as text", () => {
  // Clear screen, cursor home, red, a title-setting OSC, and a C1 CSI (U+009B).
  assertEquals(escapeTerminal("runc\x1b[2J\x1b[H"), "runc\\x1b[2J\\x1b[H");
  assertEquals(escapeTerminal("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  assertEquals(escapeTerminal("\x1b]0;owned\x07"), "\\x1b]0;owned\\x07");
  assertEquals(escapeTerminal("a\u009b2Jb"), "a\\x9b2Jb");
  assertEquals(escapeTerminal("del\x7f nul\x00 bs\x08"), "del\\x7f nul\\x00 bs\\x08");
  assertEquals(escapeTerminal("cr\rtab\tnl\n"), "cr\\x0dtab\\x09nl\\x0a");
  // A right-to-left override would print "runc" reversed after it.
  assertEquals(escapeTerminal("x\u202ecnur"), "x\\u202ecnur");
  // No visible escape contains a control character any more.
  const hostile = Array.from({ length: 0xa0 }, (_, i) => String.fromCharCode(i)).join("");
  const shown = escapeTerminal(hostile);
  // deno-lint-ignore no-control-regex -- looking for control characters
  assertEquals(/[\x00-\x1f\x7f-\x9f]/.test(shown), false);
});

Deno.test("escapeTerminal() keeps line breaks when asked and leaves printable text alone", () => {
  assertEquals(escapeTerminal("a\nb\x1bc", { keepLineBreaks: true }), "a\nb\\x1bc");
  const plain = "runsc-ptrace 12\u2009346 −3.5 µs ±5% “quoted” 日本";
  assertEquals(escapeTerminal(plain), plain);
});

Deno.test("jsonForTerminal() spells DEL, C1 and bidi marks as \\u escapes, same value", () => {
  const value = { name: "a\x1b[2J\u009b\x7f\u202eb", n: -3.5 };
  const text = jsonForTerminal(value);
  // deno-lint-ignore no-control-regex -- looking for control characters
  assertEquals(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/.test(text), false);
  assertEquals(JSON.parse(text), value);
});

Deno.test("escapeMarkdownTags() stops tags and comments, keeps comparisons", () => {
  assertEquals(
    escapeMarkdownTags('<script>alert(1)</script> <img src=x onerror="a()"> <!-- x -->'),
    '&lt;script>alert(1)&lt;/script> &lt;img src=x onerror="a()"> &lt;!-- x -->',
  );
  assertEquals(
    escapeMarkdownTags("p < 0.05, a<b is not a tag: 3 <4"),
    "p < 0.05, a&lt;b is not a tag: 3 <4",
  );
});
