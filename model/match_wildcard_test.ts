import { assertEquals } from "../tests/assert.ts";
import { matchWildcard } from "./match_wildcard.ts";

Deno.test("matchWildcard() matches * and ? as a whole, and a pathological pattern without backtracking", () => {
  assertEquals(matchWildcard("startup.*", "startup.latency"), true);
  assertEquals(matchWildcard("*.latency", "startup.latency"), true);
  assertEquals(matchWildcard("run?", "runc"), true);
  assertEquals(matchWildcard("run?", "runsc"), false);
  assertEquals(matchWildcard("run?", "runc", { question: false }), false);
  assertEquals(matchWildcard("run?", "run?", { question: false }), true);
  assertEquals(matchWildcard("a*b*c", "axxbyyc"), true);
  assertEquals(matchWildcard("a*b*c", "axxbyy"), false);
  assertEquals(matchWildcard("start.*", "startXlatency"), false);
  assertEquals(matchWildcard("*", ""), true);
  assertEquals(matchWildcard("a*", "b/a", { except: "/" }), false);
  assertEquals(matchWildcard("*.json", "dir/a.json", { except: "/" }), false);
  // A backtracking RegExp built from this pattern would not finish on this text.
  assertEquals(matchWildcard("*a".repeat(30) + "*b", "a".repeat(5000)), false);
});
