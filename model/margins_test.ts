import { assert, assertEquals, assertRejects, assertThrows } from "../tests/assert.ts";
import { DEFAULT_MARGINS, marginFor, parseMargins, readMargins } from "./margins.ts";
import { matchWildcard } from "./match_wildcard.ts";
import { InvalidInputError } from "./read_result_set.ts";

Deno.test("matchWildcard() matches * as any run of characters and nothing else", () => {
  assert(matchWildcard("startup.*", "startup.create_to_exit"));
  assert(matchWildcard("*", ""));
  assert(matchWildcard("fio_*.seq_*_p99", "fio_bind.seq_read_p99"));
  assert(!matchWildcard("fio_*.seq_*_p99", "fio_bind.seq_read_p50"));
  assert(!matchWildcard("startup.*", "startup"));
  assert(matchWildcard("a.b", "a.b") && !matchWildcard("a.b", "axb"), "a dot is a dot");
  assert(!matchWildcard("", "x"));
});

Deno.test("matchWildcard() stays fast on patterns that make a backtracking RegExp explode", () => {
  const pattern = "*a".repeat(30) + "b";
  const text = "a".repeat(5000);
  // A RegExp /^(.*a){30}b$/ on this text would backtrack through C(5000, 30) splits.
  assertEquals(matchWildcard(pattern, text), false);
  assertEquals(matchWildcard(pattern, text + "b"), true);
});

Deno.test("marginFor() takes the first matching rule, else the default, as a fraction", () => {
  assertEquals(marginFor(DEFAULT_MARGINS, "startup.create_to_exit"), {
    margin: 0.15,
    rule: "rules[0]",
  });
  assertEquals(marginFor(DEFAULT_MARGINS, "footprint_idle.pss").margin, 0.1);
  assertEquals(marginFor(DEFAULT_MARGINS, "syscalls.getppid"), { margin: 0.05, rule: "default" });
});

Deno.test("parseMargins() and readMargins() name the file and the bad value", async () => {
  assertThrows(
    () => parseMargins({ schemaVersion: 1, default: { percent: -5 }, rules: [] }, "m.json"),
    InvalidInputError,
    'Cannot read margins "m.json": default.percent',
  );
  assertThrows(
    () =>
      parseMargins({
        schemaVersion: 1,
        default: { percent: 5 },
        rules: [{ metric: "x.*", absolute: 3 }],
      }, "m.json"),
    InvalidInputError,
    "rules[0]",
  );
  await assertRejects(
    () => readMargins("/nonexistent/margins.json"),
    InvalidInputError,
    "no such file",
  );
  const read = await readMargins(new URL("../config/margins.json", import.meta.url));
  assertEquals(read, DEFAULT_MARGINS);
});
