import { assert, assertEquals, assertThrows } from "../tests/assert.ts";
import type { SanityFinding } from "../model/analysis.ts";
import type { PaperClaim } from "../model/paper_claim.ts";
import {
  type ClaimValue,
  countOutcomes,
  evaluateClaims,
  flaggedValues,
  gapSurvives,
} from "./paper_claims.ts";

/** Three runtimes on two metrics, lower is better on `t`, higher on `r`. */
const VALUES: ClaimValue[] = [
  { runtime: "a", metric: "t", direction: "lower", value: 10, n: 10 },
  { runtime: "b", metric: "t", direction: "lower", value: 11, n: 10 },
  { runtime: "c", metric: "t", direction: "lower", value: 12, n: 10 },
  { runtime: "a", metric: "r", direction: "higher", value: 100 },
  { runtime: "b", metric: "r", direction: "higher", value: 300 },
  { runtime: "c", metric: "r", direction: "higher", value: 200 },
];

function claim(rules: PaperClaim["rules"]): PaperClaim {
  return { id: "x", quote: "q", section: "§1", rules };
}

Deno.test("evaluateClaims() gives supported, partly and contradicted from the checks that hold", () => {
  const [supported, partly, contradicted] = evaluateClaims(
    [
      claim([{ kind: "best", runtimes: ["a"], metrics: ["t"] }]),
      claim([{ kind: "best", runtimes: ["a"], metrics: ["t", "r"] }]),
      claim([{ kind: "worst", runtimes: ["a"], metrics: ["t"] }]),
    ],
    { values: VALUES, flagged: [] },
  );
  assertEquals(supported.outcome, "supported");
  assertEquals(partly.outcome, "partly");
  assertEquals([partly.holding, partly.counted], [1, 2]);
  assertEquals(contradicted.outcome, "contradicted");
});

Deno.test("evaluateClaims() sets aside checks that read a flagged value, and says flagged when none is left", () => {
  const flagged = [{ runtime: "b", metric: "r", rule: "impossible" }];
  const [onlyFlagged, mixed] = evaluateClaims(
    [
      // b's r is flagged: as printed b is best, but the values are no evidence.
      claim([{ kind: "best", runtimes: ["b"], metrics: ["r"] }]),
      claim([{ kind: "best", runtimes: ["a"], metrics: ["t", "r"] }]),
    ],
    { values: VALUES, flagged },
  );
  assertEquals(onlyFlagged.outcome, "flagged");
  assertEquals(onlyFlagged.asPrinted, "supported");
  assertEquals(onlyFlagged.withoutFlagged, "flagged");
  assertEquals(onlyFlagged.flaggedRead, flagged);
  // a is best on t (valid) and not on r (which reads b's flagged value): only t counts.
  assertEquals(mixed.outcome, "supported");
  assertEquals(mixed.asPrinted, "partly");
  // Without b, a (100) still loses to c (200) on r.
  assertEquals(mixed.withoutFlagged, "partly");
});

Deno.test("evaluateClaims() checks ahead, near and alike rules per runtime and metric", () => {
  const [ahead, near, alike, notAlike] = evaluateClaims(
    [
      claim([{ kind: "ahead", runtimes: ["a", "b"], over: ["c"], metrics: ["t"] }]),
      // b is 10 % slower than a, c 20 %: within 15 % holds for b only.
      claim([{
        kind: "near",
        runtimes: ["b", "c"],
        reference: ["a"],
        within: 0.15,
        metrics: ["t"],
      }]),
      claim([{ kind: "alike", runtimes: ["a", "b"], within: 0.1, metrics: ["t"] }]),
      claim([{ kind: "alike", runtimes: ["a", "c"], within: 0.1, metrics: ["t"] }]),
    ],
    { values: VALUES, flagged: [] },
  );
  assertEquals(ahead.outcome, "supported");
  assertEquals(ahead.checks.map((c) => c.orderings), [[["a", "c"]], [["b", "c"]]]);
  assertEquals(near.outcome, "partly");
  assertEquals(near.checks.map((c) => [c.subject, c.holds]), [["b", true], ["c", false]]);
  assertEquals(alike.outcome, "supported");
  assertEquals(notAlike.outcome, "contradicted");
});

Deno.test("evaluateClaims() names the claim and metric a rule cannot be checked on", () => {
  assertThrows(
    () =>
      evaluateClaims([claim([{ kind: "best", runtimes: ["a"], metrics: ["nope"] }])], {
        values: VALUES,
        flagged: [],
      }),
    RangeError,
    'claim "x": claim rule 1 (best) names metric "nope", which has no published value',
  );
});

Deno.test("countOutcomes() counts every outcome, zeros included", () => {
  const evaluations = evaluateClaims(
    [
      claim([{ kind: "best", runtimes: ["a"], metrics: ["t"] }]),
      claim([{ kind: "worst", runtimes: ["a"], metrics: ["t"] }]),
    ],
    { values: VALUES, flagged: [] },
  );
  assertEquals(countOutcomes(evaluations), {
    supported: 1,
    partly: 0,
    contradicted: 1,
    flagged: 0,
  });
});

function finding(
  rule: string,
  severity: SanityFinding["severity"],
  metrics: string[],
): SanityFinding {
  return {
    rule,
    severity,
    message: "m",
    values: metrics.map((metric) => ({ runtime: "a", metric, value: 1, unit: "1" })),
    where: [],
  } as SanityFinding;
}

Deno.test("flaggedValues() takes errors and warnings, and only the suspect value of a pair", () => {
  const flagged = flaggedValues([
    finding("efficiency-above-100", "error", ["eff"]),
    finding("efficiency-vs-utilisation", "warning", ["eff", "util"]),
    finding("far-from-other-runtimes", "info", ["x"]),
    finding("missing-value", "warning", ["y"]),
    finding("network-above-memory-bandwidth", "warning", ["net.tcp_stream_throughput", "copy"]),
    finding("throughput-latency-inconsistent", "warning", [
      "netperf.tcp_stream_throughput",
      "netperf.tcp_stream_latency",
    ]),
    finding("throughput-latency-inconsistent", "warning", [
      "netperf.tcp_rr_throughput",
      "netperf.tcp_rr_latency",
    ]),
  ]);
  assertEquals(flagged.map((f) => `${f.metric} ${f.rule}`), [
    "eff efficiency-above-100",
    "eff efficiency-vs-utilisation",
    // A stream test's latency is the impossible one; a request/response test's throughput.
    "netperf.tcp_stream_latency throughput-latency-inconsistent",
    "netperf.tcp_rr_throughput throughput-latency-inconsistent",
  ]);
});

Deno.test("gapSurvives() decides a gap beyond the assumed spread and not one within it", () => {
  const opts = { direction: "lower" as const, nA: 10, nB: 10 };
  // 0.6 % apart: lost in a 2 % spread with 10 runs a side.
  assertEquals(gapSurvives(4.6532, 4.6833, { ...opts, cv: 0.02 }), false);
  // 9 % apart: survives 2 % and 5 %.
  assert(gapSurvives(4.6532, 5.074, { ...opts, cv: 0.02 }));
  assert(gapSurvives(4.6532, 5.074, { ...opts, cv: 0.05 }));
  // 3 % apart survives 2 % but not 5 %.
  assert(gapSurvives(100, 103, { ...opts, cv: 0.02 }));
  assertEquals(gapSurvives(100, 103, { ...opts, cv: 0.05 }), false);
  assertThrows(() => gapSurvives(1, 2, { ...opts, cv: 0 }), RangeError, "cv must be above 0");
});
