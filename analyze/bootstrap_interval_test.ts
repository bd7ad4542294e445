import { assert, assertStringIncludes } from "../tests/assert.ts";
import { RATIO_CLOSED_FORM_MIN_N, ratioOfMediansInterval } from "./bootstrap_interval.ts";
import { createRandom } from "./random.ts";

const random = createRandom(11);
function gaussian(): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Shapes of timing data: log-normal (narrow, wide), shifted exponential, uniform. */
const SHAPES: Record<string, () => number> = {
  "log-normal σ 0.1": () => Math.exp(0.1 * gaussian()),
  "log-normal σ 0.5": () => Math.exp(0.5 * gaussian()),
  "shifted exponential": () => 0.2 - Math.log(1 - random()),
  "uniform": () => 1 + random(),
};

function sortedDraw(n: number, draw: () => number, scale: number): Float64Array {
  return Float64Array.from({ length: n }, () => scale * draw()).sort();
}

Deno.test("ratioOfMediansInterval() covers the true ratio ≥ 94 % with the closed form from 50 a side", () => {
  // 600 repetitions: the coverage's standard error is about 0.9 points at 95 %.
  const repetitions = 600;
  for (const [shape, draw] of Object.entries(SHAPES)) {
    let covered = 0;
    for (let r = 0; r < repetitions; r++) {
      // b's median is twice a's: the true ratio a ÷ b is 0.5.
      const a = sortedDraw(RATIO_CLOSED_FORM_MIN_N, draw, 1);
      const b = sortedDraw(RATIO_CLOSED_FORM_MIN_N, draw, 2);
      const ci = ratioOfMediansInterval(a, b, { level: 0.95, random })!;
      assertStringIncludes(ci.method, "delta method");
      if (ci.low <= 0.5 && 0.5 <= ci.high) covered++;
    }
    assert(covered / repetitions >= 0.94, `${shape}: covered ${covered} of ${repetitions}`);
  }
});

Deno.test("ratioOfMediansInterval() bootstraps below 50 a side and above 2000 uses the closed form", () => {
  const draw = SHAPES["log-normal σ 0.1"];
  const small = ratioOfMediansInterval(
    sortedDraw(RATIO_CLOSED_FORM_MIN_N - 1, draw, 1),
    sortedDraw(500, draw, 1),
    { level: 0.95, random },
  )!;
  assertStringIncludes(small.method, "percentile bootstrap");
  const huge = ratioOfMediansInterval(sortedDraw(5, draw, 1), sortedDraw(2001, draw, 1), {
    level: 0.95,
    random,
  })!;
  assertStringIncludes(huge.method, "delta method");
});
