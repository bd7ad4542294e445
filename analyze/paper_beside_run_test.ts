import { assert, assertEquals, assertThrows } from "../tests/assert.ts";
import type { ResultSet, Sample } from "../model/result_set.ts";
import type { BesideRunSpec } from "../model/paper_claim.ts";
import type { ClaimValue } from "./paper_claims.ts";
import { compareBesideRun } from "./paper_beside_run.ts";

const PAPER: ClaimValue[] = [
  { runtime: "podman", metric: "p.time", direction: "lower", value: 4.65 },
  { runtime: "docker18", metric: "p.time", direction: "lower", value: 5.07 },
  { runtime: "docker20", metric: "p.time", direction: "lower", value: 4.68 },
  { runtime: "podman", metric: "p.rate", direction: "higher", value: 8000 },
  { runtime: "docker18", metric: "p.rate", direction: "higher", value: 11000 },
  { runtime: "docker20", metric: "p.rate", direction: "higher", value: 12000 },
];

function sample(runtime: string, metric: string, value: number, iteration: number): Sample {
  return {
    kind: "sample",
    runtime,
    benchmark: metric.split(".")[0],
    metric,
    unit: "1",
    direction: "lower",
    value,
    iteration,
    warmup: false,
    startedAt: "2026-12-01T00:00:00Z",
    finishedAt: "2026-12-01T00:00:01Z",
  };
}

function run(samples: Sample[]): ResultSet {
  return { samples } as unknown as ResultSet;
}

const SPEC: BesideRunSpec = {
  metrics: [{ paper: "p.time", run: "r.time" }, { paper: "p.rate", run: "r.rate" }],
  pairs: [{
    label: "Podman ÷ Docker",
    paper: { runtime: ["podman"], baseline: ["docker18", "docker20"] },
    run: { runtime: "podman-runc", baseline: "docker-runc" },
  }],
};

Deno.test("compareBesideRun() sets the paper's ratios beside the run's interval and verdict", () => {
  const samples = [
    ...[20.0, 20.2, 19.9, 20.1].map((v, i) => sample("docker-runc", "r.time", v, i)),
    ...[18.0, 18.1, 17.9, 18.05].map((v, i) => sample("podman-runc", "r.time", v, i)),
    ...[100, 101, 99, 100.5].map((v, i) => sample("docker-runc", "r.rate", v, i)),
    ...[100.2, 100.4, 99.6, 100].map((v, i) => sample("podman-runc", "r.rate", v, i)),
    // A warm-up far off must not count.
    { ...sample("podman-runc", "r.time", 99, 9), warmup: true },
  ];
  const [time, rate] = compareBesideRun(run(samples), { paper: PAPER, spec: SPEC });
  assertEquals(time.paperRatios.map((p) => p.baseline), ["docker18", "docker20"]);
  assertEquals(time.verdict, "better");
  assertEquals(time.ordering, "holds");
  assertEquals(time.n, 4);
  // The run's podman is 10 % faster; the paper's 0.6–8 %: outside the run's interval.
  assert(time.ratio! < 0.92 && time.ratio! > 0.88);
  assertEquals(time.paperInside, false);
  // The paper says podman is worse on rate (27–33 % lower); here they are equivalent.
  assertEquals(rate.verdict, "equivalent");
  assertEquals(rate.ordering, "equivalent");
});

Deno.test("compareBesideRun() says reversed, undecided and paper mixed", () => {
  const samples = [
    ...[20.0, 20.2, 19.9].map((v, i) => sample("docker-runc", "r.time", v, i)),
    ...[24.0, 24.1, 23.9].map((v, i) => sample("podman-runc", "r.time", v, i)),
    ...[100, 140, 70].map((v, i) => sample("docker-runc", "r.rate", v, i)),
    ...[90, 130, 60].map((v, i) => sample("podman-runc", "r.rate", v, i)),
  ];
  const [time, rate] = compareBesideRun(run(samples), { paper: PAPER, spec: SPEC });
  assertEquals(time.ordering, "reversed");
  assertEquals(rate.ordering, "undecided");
  const mixed = compareBesideRun(run(samples), {
    paper: [...PAPER.slice(0, 2), { ...PAPER[2], value: 4.5 }],
    spec: { ...SPEC, metrics: [SPEC.metrics[0]] },
  });
  assertEquals(mixed[0].ordering, "paper mixed");
  const missing = compareBesideRun(run(samples), {
    paper: [
      ...PAPER.slice(0, 2),
      { ...PAPER[2], value: null },
      { ...PAPER[0], runtime: "x", value: null },
    ],
    spec: {
      ...SPEC,
      metrics: [SPEC.metrics[0]],
      pairs: [{ ...SPEC.pairs[0], paper: { runtime: ["x"], baseline: ["docker18"] } }],
    },
  });
  assertEquals(missing[0].ordering, "no paper value");
  // The paper prints a tie (ratio 1): a decided difference here reverses it.
  const tie = compareBesideRun(run(samples), {
    paper: [PAPER[0], { ...PAPER[1], value: 4.65 }, { ...PAPER[2], value: 4.65 }],
    spec: { ...SPEC, metrics: [SPEC.metrics[0]] },
  });
  assertEquals([tie[0].verdict, tie[0].ordering], ["worse", "reversed"]);
});

Deno.test("compareBesideRun() names a paper metric without values", () => {
  assertThrows(
    () =>
      compareBesideRun(run([]), {
        paper: PAPER,
        spec: { ...SPEC, metrics: [{ paper: "p.x", run: "r.x" }] },
      }),
    RangeError,
    'paper metric "p.x" has no published value',
  );
});
