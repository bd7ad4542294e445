import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertStringIncludes,
  assertThrows,
} from "../tests/assert.ts";
import { InvalidInputError } from "../model/read_result_set.ts";
import { dataBounds, desirability } from "./desirability.ts";
import { BUILTIN_PROFILES, findProfile, parseProfiles } from "./profiles.ts";
import { SECURITY_POSTURE, securityPostureOf } from "./security_posture.ts";
import { IsolationClassSchema } from "../model/result_set.ts";

Deno.test("desirability() follows Derringer & Suich's one-sided forms", () => {
  const b = { direction: "higher" as const, unacceptable: 50, target: 100 };
  assertEquals(desirability(75, b), 0.5);
  assertEquals(desirability(40, b), 0);
  assertEquals(desirability(120, b), 1);
  assertAlmostEquals(desirability(75, { ...b, shape: 2 }), 0.25, 1e-15);
  const lower = { direction: "lower" as const, unacceptable: 10, target: 2 };
  assertEquals(desirability(6, lower), 0.5);
  assertEquals(desirability(1, lower), 1);
  assertEquals(desirability(11, lower), 0);
});

Deno.test("dataBounds() widens the worst side by 10 % of the range so the worst is not vetoed", () => {
  assertEquals(dataBounds([10, 20, 30], "higher"), { unacceptable: 8, target: 30 });
  assertEquals(dataBounds([10, 20, 30], "lower"), { unacceptable: 32, target: 10 });
  const b = dataBounds([10, 20, 30], "lower")!;
  assertAlmostEquals(desirability(30, { ...b, direction: "lower" }), 2 / 22, 1e-15);
  assertEquals(dataBounds([], "lower"), null);
  const flat = { ...dataBounds([5, 5], "higher")!, direction: "higher" as const };
  assertEquals(desirability(5, flat), 1, "no range: all 1");
});

Deno.test("every isolation class has a security-posture score in (0, 1] with a rationale", () => {
  for (const isolation of IsolationClassSchema.options) {
    const s = securityPostureOf(isolation);
    assert(s.score > 0 && s.score <= 1);
    assert(s.rationale.length > 40);
  }
  assertEquals(SECURITY_POSTURE.length, IsolationClassSchema.options.length);
  assert(securityPostureOf("microvm").score > securityPostureOf("os-container").score);
});

Deno.test("the built-in profiles load and findProfile() lists them for an unknown name", () => {
  assertEquals(BUILTIN_PROFILES.length, 5);
  assertEquals(findProfile("io-heavy").weights.disk, 4);
  const error = assertThrows(() => findProfile("gpu"), RangeError, 'unknown profile "gpu"');
  assertStringIncludes(error.message, "cpu-batch, network-microservice, io-heavy");
});

Deno.test("parseProfiles() names the file, the JSON path, what was expected and what was found", () => {
  const bad = {
    schemaVersion: 1,
    profiles: [{ id: "mine", name: "Mine", description: "", weights: { cpu: "3" }, security: 1 }],
  };
  const e1 = assertThrows(() => parseProfiles(bad, "my.json"), InvalidInputError);
  assertStringIncludes(e1.message, 'Cannot read profile "my.json"');
  assertStringIncludes(e1.message, 'profiles[0].weights.cpu: expected number, got string "3"');
  const e2 = assertThrows(
    () =>
      parseProfiles(
        { id: "x", name: "X", description: "", weights: { gpu: 1 }, security: 1 },
        "p.json",
      ),
    InvalidInputError,
  );
  assertStringIncludes(e2.message, "weights: unexpected field(s) gpu");
  const e3 = assertThrows(
    () =>
      parseProfiles({ id: "x", name: "X", description: "", weights: {}, security: 0 }, "p.json"),
    InvalidInputError,
  );
  assertStringIncludes(e3.message, "expected at least one weight above 0");
  const e4 = assertThrows(
    () =>
      parseProfiles({
        id: "x",
        name: "X",
        description: "",
        weights: { cpu: 1 },
        security: 1,
        extra: 2,
      }, "p.json"),
    InvalidInputError,
  );
  assertStringIncludes(e4.message, "unexpected field(s) extra");
  const one = parseProfiles(
    { id: "x", name: "X", description: "d", weights: { cpu: 1 }, security: 2 },
    "p.json",
  );
  assertEquals(one[0].security, 2);
});
