import { assert, assertAlmostEquals, assertEquals, assertStringIncludes } from "../tests/assert.ts";
import { type ResultSet, ResultSetSchema } from "../model/result_set.ts";
import { AnalysisSchema, type Profile } from "../model/analysis.ts";
import { SECURITY_PROPERTIES } from "../model/security_properties.ts";
import { analyzeResultSets } from "./analyze_result_sets.ts";
import { findProfile, parseProfiles } from "./profiles.ts";
import {
  assessRuntimeSecurity,
  checkSecurityRequirement,
  OTHER_KERNEL_CREDIT,
  SECURITY_SOURCES,
  SECURITY_WEIGHTS,
  securityWeightOf,
} from "./security_score.ts";

/** Property values that pass every rule: a well-confined container on the host kernel. */
const CONFINED: Readonly<Record<string, number>> = Object.fromEntries(
  SECURITY_PROPERTIES.map((p) => [p.metric, p.better === "lower" ? 0 : p.threshold]),
);

function values(overrides: Record<string, number>): (metric: string) => number | null {
  const all: Record<string, number> = { ...CONFINED, "security.host_kernel": 1, ...overrides };
  return (metric) => all[metric] ?? null;
}

const TOTAL = SECURITY_WEIGHTS.reduce((s, w) => s + w.weight, 0);

Deno.test("every measured property has a weight with a reason and sources that exist", () => {
  assertEquals(
    SECURITY_WEIGHTS.map((w) => w.metric).sort(),
    SECURITY_PROPERTIES.map((p) => p.metric).sort(),
  );
  for (const w of SECURITY_WEIGHTS) {
    assert(w.weight >= 0 && w.why.length > 10, w.metric);
    assert(w.sources.length > 0, `${w.metric} cites a source`);
    for (const s of w.sources) assert(SECURITY_SOURCES[s], `${w.metric}: source "${s}" exists`);
  }
  // The host boundary outweighs any single system call.
  assert(
    securityWeightOf("security.host_kernel").weight > securityWeightOf("security.seccomp").weight,
  );
});

Deno.test("assessRuntimeSecurity() scores the weighted share of properties met", () => {
  const confined = assessRuntimeSecurity({ id: "c", isolation: "os-container" }, values({}));
  assertEquals(confined.measured, true);
  // Only the host kernel fails: the rest pass.
  assertAlmostEquals(confined.score, 1 - securityWeightOf("security.host_kernel").weight / TOTAL);
  assertEquals(confined.classScore, 0.4);
  const privileged = assessRuntimeSecurity(
    { id: "p", isolation: "os-container" },
    values({ "security.seccomp": 0, "security.cap_dangerous": 5, "security.sys_writable": 1 }),
  );
  const lost = [
    "security.host_kernel",
    "security.seccomp",
    "security.cap_dangerous",
    "security.sys_writable",
  ]
    .reduce((s, m) => s + securityWeightOf(m).weight, 0);
  assertAlmostEquals(privileged.score, 1 - lost / TOTAL);
  assert(privileged.score < confined.score);
  const seccomp = privileged.properties.find((p) => p.metric === "security.seccomp")!;
  assertEquals([seccomp.value, seccomp.passed, seccomp.basis], [0, false, "measured"]);
});

Deno.test("assessRuntimeSecurity() gives a failed kernel property half its weight when another kernel answers", () => {
  const sandbox = assessRuntimeSecurity(
    { id: "s", isolation: "syscall-sandbox" },
    values({
      "security.host_kernel": 0,
      "security.seccomp": 0,
      "security.cap_dangerous": 3,
      "security.syscall_mount": 1,
      "security.pids_limit_enforced": 0,
    }),
  );
  const mount = sandbox.properties.find((p) => p.metric === "security.syscall_mount")!;
  assertEquals([mount.value, mount.passed, mount.basis, mount.credit], [
    1,
    false,
    "other-kernel",
    0.5,
  ]);
  // A limit is about the host's resources whichever kernel answers: it still fails.
  const pids = sandbox.properties.find((p) => p.metric === "security.pids_limit_enforced")!;
  assertEquals([pids.passed, pids.basis, pids.credit], [false, "measured", 0]);
  const halves = ["security.seccomp", "security.cap_dangerous", "security.syscall_mount"]
    .reduce((s, m) => s + securityWeightOf(m).weight, 0) * OTHER_KERNEL_CREDIT;
  assertAlmostEquals(
    sandbox.score,
    1 - (securityWeightOf("security.pids_limit_enforced").weight + halves) / TOTAL,
  );
  assertStringIncludes(sandbox.notes.join(" "), "do not reach the host kernel");
});

Deno.test("assessRuntimeSecurity() falls back to the class estimate without probe values, and leaves out a missing property", () => {
  const none = assessRuntimeSecurity({ id: "n", isolation: "native" }, () => null);
  assertEquals([none.measured, none.score, none.properties.length], [false, 0.1, 0]);
  assertStringIncludes(none.notes[0], "no security-probe values");
  const partial = assessRuntimeSecurity(
    { id: "c", isolation: "os-container" },
    (m) => (m === "security.memory_limit_enforced" ? null : values({})(m)),
  );
  const memory = securityWeightOf("security.memory_limit_enforced").weight;
  assertAlmostEquals(
    partial.score,
    1 - securityWeightOf("security.host_kernel").weight / (TOTAL - memory),
  );
  assertStringIncludes(partial.notes[0], "security.memory_limit_enforced");
});

Deno.test("checkSecurityRequirement() needs one alternative met and the minimum score", () => {
  const requirement = findProfile("untrusted-multi-tenant").requires!.security!;
  const userns = assessRuntimeSecurity(
    { id: "u", isolation: "os-container" },
    values({ "security.host_root": 0, "security.seccomp": 1 }),
  );
  const checks = checkSecurityRequirement(requirement, userns);
  assert(checks.every((c) => c.met), JSON.stringify(checks));
  assertStringIncludes(checks[1].detail, 'meets "user-namespaced root with seccomp on"');
  const hostRoot = assessRuntimeSecurity(
    { id: "r", isolation: "os-container" },
    values({ "security.host_root": 1 }),
  );
  const failed = checkSecurityRequirement(requirement, hostRoot).find((c) => !c.met)!;
  assertStringIncludes(failed.requirement, "no direct host-kernel system calls or user-namespaced");
  assertStringIncludes(failed.detail, "security.host_kernel = 1");
  assertStringIncludes(failed.detail, "security.host_root = 1");
  const low = checkSecurityRequirement({ minScore: 0.99 }, userns);
  assertEquals(low[0].met, false);
  assertStringIncludes(low[0].detail, "measured 0.");
});

Deno.test("parseProfiles() rejects a security requirement on a property that is not measured", () => {
  const profile: Profile = {
    id: "p",
    name: "p",
    description: "",
    weights: { cpu: 1 },
    security: 1,
    requires: { security: { anyOf: [{ name: "x", all: ["security.nothing"] }] } },
  };
  let message = "";
  try {
    parseProfiles(profile, "p.json");
  } catch (error) {
    message = (error as Error).message;
  }
  assertStringIncludes(message, "requires.security.anyOf[0].all[0]");
  assertStringIncludes(message, '"security.nothing", which is not a measured security property');
});

/** A result set with one CPU metric and, for the runtimes named in `security`, probe values. */
function securitySet(security: Record<string, Record<string, number>>): ResultSet {
  const isolation: Record<string, string> = {
    native: "native",
    runsc: "syscall-sandbox",
  };
  const runtimes = ["native", "runc", "userns", "runsc", "unprobed"];
  const sample = (runtime: string, metric: string, value: number, i: number) => ({
    kind: "sample",
    runtime,
    benchmark: metric.startsWith("security.") ? "security" : "loop",
    metric,
    unit: SECURITY_PROPERTIES.find((p) => p.metric === metric)?.unit ?? "1",
    direction: metric.startsWith("security.") ? "none" : "lower",
    value,
    iteration: i,
    warmup: false,
    startedAt: "2026-01-01T00:00:00Z",
    finishedAt: "2026-01-01T00:00:01Z",
  });
  return ResultSetSchema.parse({
    schemaVersion: 1,
    runId: "security",
    status: "complete",
    host: { id: "h", description: "test host", cores: 2, memoryBytes: 2 ** 33 },
    runtimes: runtimes.map((id) => ({
      id,
      name: id,
      isolation: isolation[id] ?? "os-container",
      historical: false,
    })),
    benchmarks: [
      { id: "loop", name: "loop", category: "cpu", tool: "sh" },
      { id: "security", name: "security", category: "security", tool: "probe" },
    ],
    metrics: [
      {
        id: "loop.time",
        benchmark: "loop",
        name: "t",
        category: "cpu",
        unit: "1",
        direction: "lower",
      },
      ...SECURITY_PROPERTIES.map((p) => ({
        id: p.metric,
        benchmark: "security",
        name: p.name,
        category: "security",
        unit: p.unit,
        direction: "none",
      })),
    ],
    samples: [
      ...runtimes.flatMap((r) => [10, 10.1, 9.9].map((v, i) => sample(r, "loop.time", v, i))),
      ...Object.entries(security).flatMap(([runtime, overrides]) =>
        SECURITY_PROPERTIES.map((p) =>
          sample(runtime, p.metric, { ...CONFINED, ...overrides }[p.metric], 0)
        )
      ),
    ],
    failures: [],
  });
}

Deno.test("untrusted multi-tenant judges probed runtimes on their properties, the others on their class, and says which requirement excluded whom", () => {
  const set = securitySet({
    native: {
      "security.host_kernel": 1,
      "security.host_root": 1,
      "security.seccomp": 0,
      "security.cap_dangerous": 14,
      "security.cap_bounding": 40,
      "security.host_interfaces_visible": 1,
      "security.core_pattern_writable": 1,
      "security.sys_writable": 1,
      "security.block_devices": 10,
      "security.syscall_unshare_newuser": 1,
      "security.syscall_mount": 1,
      "security.syscall_bpf": 1,
    },
    runc: { "security.host_kernel": 1, "security.host_root": 1 },
    userns: { "security.host_kernel": 1, "security.host_root": 0 },
    runsc: { "security.host_kernel": 0, "security.seccomp": 0 },
  });
  // The profile's requirements, on the one category this set measures besides security.
  const untrusted = { ...findProfile("untrusted-multi-tenant"), weights: { cpu: 1 } };
  const analysis = analyzeResultSets([set], { profiles: [untrusted] });
  AnalysisSchema.parse(analysis);
  const group = analysis.groups[0];
  assertEquals(group.security!.map((s) => s.measured), [true, true, true, true, false]);
  assert(analysis.securityModel && analysis.securityModel.length === SECURITY_PROPERTIES.length);
  const rec = group.recommendations[0];
  const entry = (id: string) => rec.entries.find((e) => e.runtime === id)!;
  // A plain container with user-namespaced root and seccomp meets the requirement.
  assertEquals(entry("userns").eligible, true);
  assertEquals(entry("userns").securityMeasured, true);
  assertEquals(entry("runsc").eligible, true);
  // runc is excluded by the alternatives, with the failing values named.
  assertEquals(entry("runc").eligible, false);
  assertStringIncludes(entry("runc").ineligible[0], "the profile requires no direct host-kernel");
  assertStringIncludes(entry("runc").ineligible[0], "security.host_root = 1");
  // native fails the minimum score too.
  const nativeChecks = entry("native").requirementChecks!;
  assertEquals(nativeChecks.map((c) => c.met), [false, false]);
  // Without probe values the isolation class decides, and says so.
  assertEquals(entry("unprobed").eligible, false);
  assertStringIncludes(entry("unprobed").ineligible[0], "has no security-probe values");
  // The measured score, not the class's 0.7, enters D.
  assertEquals(entry("runsc").security, group.security!.find((s) => s.runtime === "runsc")!.score);
  assert(entry("runsc").security !== 0.7);
});

Deno.test("the README's security table lists every property with its weight", () => {
  const readme = Deno.readTextFileSync(new URL("../README.md", import.meta.url));
  for (const w of SECURITY_WEIGHTS) {
    const row = readme.split("\n").find((l) => l.startsWith(`| \`${w.metric}\``));
    assert(row, `README lists ${w.metric}`);
    assert(new RegExp(`\\|\\s*${w.weight}\\s*\\|`).test(row), `${w.metric}: weight ${w.weight}`);
  }
});
