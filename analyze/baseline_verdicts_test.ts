import { assertEquals, assertStringIncludes } from "../tests/assert.ts";
import { BaselineVerdictSchema } from "../model/analysis.ts";
import type { MetricValues, RuntimeValues } from "./_group_values.ts";
import { baselineVerdicts } from "./baseline_verdicts.ts";

function cell(
  runtime: string,
  values: number[],
  extra: Partial<RuntimeValues> = {},
): RuntimeValues {
  return {
    runtime,
    values,
    iterations: values.map((_, i) => i),
    runIds: values.map(() => "r"),
    warmup: 0,
    published: [],
    failures: [],
    ...extra,
  };
}

function metric(cells: RuntimeValues[], direction: "lower" | "none" = "lower"): MetricValues {
  return {
    info: {
      id: "loop.time",
      benchmark: "loop",
      name: "loop time",
      category: "cpu",
      unit: "s",
      direction,
    },
    sources: ["r"],
    runtimes: new Map(cells.map((c) => [c.runtime, c])),
  };
}

const OPTIONS = { baseline: "native", margin: 0.05, marginRule: "default", level: 0.95 };

Deno.test("baselineVerdicts() lists every runtime but the baseline, the family counting those with intervals", () => {
  const values = metric([
    cell("native", [10, 10.2, 9.9]),
    cell("runc", [10.1, 10, 10.3]),
    cell("slow", [30, 31, 29.5]),
    cell("single", [12]),
    cell("failed", [], { failures: ["exit 1", "exit 1"] }),
    cell("paper", [], {
      published: [{ value: 11, statistic: "mean", runId: "paper" }],
    }),
  ]);
  const runtimes = ["native", "runc", "slow", "single", "failed", "paper", "absent"];
  const verdicts = baselineVerdicts(values, { ...OPTIONS, runtimes });
  for (const v of verdicts) BaselineVerdictSchema.parse(v);
  assertEquals(verdicts.map((v) => v.runtime), runtimes.slice(1));
  // Only runc and slow can give an interval: each is one of 2 (Bonferroni 1 − 0.05/2).
  assertEquals(verdicts.map((v) => v.comparisons), [2, 2, 2, 2, 2, 2]);
  const by = Object.fromEntries(verdicts.map((v) => [v.runtime, v]));
  assertEquals(by.slow.verdict, "worse");
  assertEquals(by.slow.level, 0.975);
  assertStringIncludes(by.slow.method, "one of 2 simultaneous intervals");
  assertEquals([by.single.verdict, by.single.n], ["undetermined", 1]);
  assertStringIncludes(by.failed.reason, "no samples of this metric (2 failed run(s))");
  assertStringIncludes(by.paper.reason, "only published values");
  assertStringIncludes(by.absent.reason, "the runtime has no value of this metric");
});

Deno.test("baselineVerdicts() decides nothing without baseline samples, and skips direction none", () => {
  const values = metric([cell("native", [4]), cell("runc", [10.1, 10, 10.3])]);
  const [v] = baselineVerdicts(values, { ...OPTIONS, runtimes: ["native", "runc"] });
  assertEquals([v.verdict, v.comparisons, v.baselineN], ["undetermined", 0, 1]);
  const none = metric([cell("native", [1, 2]), cell("runc", [1, 2])], "none");
  assertEquals(baselineVerdicts(none, { ...OPTIONS, runtimes: ["native", "runc"] }), []);
});
