import { assert, assertEquals, assertNotEquals, assertThrows } from "../tests/assert.ts";
import { buildPlan, buildRound, planPairs, shuffled, stepKey } from "./plan.ts";
import { createRandom } from "../analyze/random.ts";

const options = {
  runtimes: ["native", "runc", "crun", "runsc-ptrace"],
  benchmarks: ["startup", "stream", "syscalls"],
  repetitions: 3,
  warmups: 1,
  seed: 42,
};

Deno.test("buildPlan() holds every runtime × benchmark × repetition once, warm-ups first", () => {
  const plan = buildPlan(options);
  assertEquals(plan.length, 4 * 3 * (1 + 3));
  assertEquals(new Set(plan.map(stepKey)).size, plan.length);
  const warmups = plan.filter((s) => s.warmup);
  assertEquals(warmups.length, 12);
  assert(warmups.every((s) => s.iteration === 0));
  // Warm-ups come before any measured step, and rounds are in order.
  const firstMeasured = plan.findIndex((s) => !s.warmup);
  assertEquals(firstMeasured, 12);
  for (let i = 1; i < plan.length; i++) assert(plan[i].iteration >= plan[i - 1].iteration);
});

Deno.test("buildPlan() interleaves runtimes and is reproducible from its seed", () => {
  const a = buildPlan(options);
  assertEquals(buildPlan(options), a);
  const b = buildPlan({ ...options, seed: 43 });
  assertNotEquals(b.map(stepKey), a.map(stepKey));
  // Rounds differ in order from each other (the seed mixes in the round number).
  const round = (i: number) =>
    a.filter((s) => s.iteration === i).map((s) => s.runtime + s.benchmark);
  assertNotEquals(round(1), round(2));
  // Not grouped by runtime: in a round, the runtime changes more often than it would in blocks.
  const changes = round(1).filter((_, i, r) => i > 0 && r[i].slice(0, 4) !== r[i - 1].slice(0, 4));
  assert(changes.length > 3, `runtime changed only ${changes.length} times in a round`);
});

Deno.test("buildRound() rebuilds the same order for the same round alone", () => {
  const pairs = planPairs(options.runtimes, options.benchmarks);
  const plan = buildPlan(options);
  const alone = buildRound(pairs, { iteration: 2, warmup: false, seed: 42 });
  assertEquals(alone, plan.filter((s) => s.iteration === 2));
});

Deno.test("buildPlan() rejects bad repetitions and warm-ups", () => {
  assertThrows(() => buildPlan({ ...options, repetitions: 0 }), RangeError, "repetitions");
  assertThrows(() => buildPlan({ ...options, warmups: -1 }), RangeError, "warmups");
  assertEquals(buildPlan({ ...options, warmups: 0, repetitions: 1 }).length, 12);
});

Deno.test("shuffled() is a permutation, uniform enough, and createRandom() stays in [0, 1)", () => {
  const random = createRandom(7);
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) {
    const out = shuffled(["a", "b", "c"], random);
    assertEquals([...out].sort(), ["a", "b", "c"]);
    counts[out.indexOf("a")]++;
  }
  for (const c of counts) assert(c > 850 && c < 1150, `position counts ${counts}`);
  const r = createRandom(0);
  for (let i = 0; i < 1000; i++) {
    const x = r();
    assert(x >= 0 && x < 1);
  }
});
