import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { readToolOutput } from "./_fixture.ts";
import {
  callOutcome,
  capabilityNames,
  forkHeld,
  forkTestOf,
  type HostView,
  mapUid,
  memoryHoldOf,
  parseMemoryHold,
  parseSecurityProbe,
  securityBenchmark,
  securityValues,
} from "./security.ts";
import { PROBED_SYSCALLS, SECURITY_PROPERTIES } from "../../model/security_properties.ts";
import { assessRuntimeSecurity } from "../../analyze/security_score.ts";
import type { ProcessResult } from "../types.ts";

const HOST: HostView = JSON.parse(readToolOutput("security_probe", "host_view.json"));

function valuesOf(runtime: string): Record<string, number> {
  const report = parseSecurityProbe(readToolOutput("security_probe", `${runtime}.json`));
  return securityValues(report, { host: HOST });
}

function scoreOf(runtime: string, isolation: "native" | "os-container" | "syscall-sandbox") {
  const values = valuesOf(runtime);
  return assessRuntimeSecurity({ id: runtime, isolation }, (m) => values[m] ?? null);
}

function result(stdout: string, exitCode: number | null): ProcessResult {
  return {
    exitCode,
    stdout,
    stderr: "",
    timedOut: false,
    wallMs: 1,
    startedAt: "2026-01-01T00:00:00Z",
    finishedAt: "2026-01-01T00:00:01Z",
  };
}

Deno.test("parseSecurityProbe() reads every runtime's real output, with a result for each probed call", () => {
  for (
    const runtime of [
      "native",
      "runc",
      "podman-runc",
      "podman-crun",
      "docker-runc",
      "runsc-ptrace",
      "runc-insecure",
      "podman-privileged",
    ]
  ) {
    const report = parseSecurityProbe(readToolOutput("security_probe", `${runtime}.json`));
    assertEquals(Object.keys(report.syscalls).sort(), [...PROBED_SYSCALLS].sort(), runtime);
    const values = securityValues(report, { host: HOST });
    // One value per property but the memory test, which is a step of its own.
    assertEquals(
      Object.keys(values).sort(),
      SECURITY_PROPERTIES.map((p) => p.metric).filter((m) => m !== "security.memory_limit_enforced")
        .sort(),
      runtime,
    );
  }
});

Deno.test("securityValues(): native reaches the host kernel as host root with every capability", () => {
  const native = valuesOf("native");
  assertEquals(native["security.host_kernel"], 1);
  assertEquals(native["security.host_root"], 1);
  assertEquals(native["security.seccomp"], 0);
  assertEquals(native["security.cap_effective"], 40);
  assertEquals(native["security.host_interfaces_visible"], 1);
  assert(native["security.block_devices"] > 0);
  assertEquals(native["security.syscall_unshare_newuser"], 1);
});

Deno.test("every runsc variant shows gVisor's own kernel; every other runtime the host's", () => {
  const runtimes = [
    ...Deno.readDirSync(new URL("../../fixtures/tool_outputs/security_probe/", import.meta.url)),
  ]
    .map((e) => e.name).filter((n) =>
      n.endsWith(".json") && n !== "host_view.json" && !n.endsWith("-fork.json")
    )
    .map((n) => n.slice(0, -5));
  assertEquals(runtimes.filter((r) => r.includes("runsc")).length, 4);
  for (const runtime of runtimes) {
    assertEquals(
      valuesOf(runtime)["security.host_kernel"],
      runtime.includes("runsc") ? 0 : 1,
      runtime,
    );
  }
});

Deno.test("securityValues(): gVisor answers with its own kernel, so its root is not the host's", () => {
  const runsc = valuesOf("runsc-ptrace");
  const report = parseSecurityProbe(readToolOutput("security_probe", "runsc-ptrace.json"));
  assert(report.uname.release !== HOST.release, report.uname.release);
  assertEquals(runsc["security.host_kernel"], 0);
  assertEquals(runsc["security.host_root"], 0);
  assertEquals(runsc["security.host_interfaces_visible"], 0);
});

Deno.test("securityValues(): the engines' seccomp filters deny what a bare bundle lets through", () => {
  const runc = valuesOf("runc");
  const docker = valuesOf("docker-runc");
  const podman = valuesOf("podman-crun");
  assertEquals([runc["security.seccomp"], docker["security.seccomp"], podman["security.seccomp"]], [
    0,
    1,
    1,
  ]);
  assert(docker["security.syscalls_reachable"] < runc["security.syscalls_reachable"]);
  assertEquals(docker["security.syscall_unshare_newuser"], 0);
  assertEquals(runc["security.syscall_unshare_newuser"], 1);
  // Docker keeps CAP_NET_RAW, podman drops it.
  assertEquals([docker["security.cap_dangerous"], podman["security.cap_dangerous"]], [1, 0]);
});

Deno.test("the insecure contrast cases score lower than their defaults, on the properties they weaken", () => {
  const runc = scoreOf("runc", "os-container");
  const insecure = scoreOf("runc-insecure", "os-container");
  assert(insecure.score < runc.score, `${insecure.score} < ${runc.score}`);
  const failed = (a: typeof runc) =>
    new Set(a.properties.filter((p) => p.passed === false).map((p) => p.metric));
  for (
    const metric of [
      "security.no_new_privs",
      "security.sys_writable",
      "security.core_pattern_writable",
      "security.syscall_mount",
    ]
  ) {
    assert(failed(insecure).has(metric) && !failed(runc).has(metric), metric);
  }
  // The default set already holds CAP_NET_RAW; the variant adds six more.
  const dangerous = (a: typeof runc) =>
    a.properties.find((p) => p.metric === "security.cap_dangerous")!.value!;
  assertEquals([dangerous(runc), dangerous(insecure)], [1, 7]);
  const podman = scoreOf("podman-runc", "os-container");
  const privileged = scoreOf("podman-privileged", "os-container");
  assert(privileged.score < podman.score, `${privileged.score} < ${podman.score}`);
  for (const metric of ["security.seccomp", "security.cap_dangerous"]) {
    assert(failed(privileged).has(metric) && !failed(podman).has(metric), metric);
  }
});

Deno.test("capabilityNames() decodes a mask from /proc/self/status", () => {
  // Docker's default set.
  assertEquals(capabilityNames("00000000a80425fb"), [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_RAW",
    "CAP_SYS_CHROOT",
    "CAP_MKNOD",
    "CAP_AUDIT_WRITE",
    "CAP_SETFCAP",
  ]);
  assertEquals(capabilityNames("0000000000000000"), []);
  assertThrows(() => capabilityNames("zz"), SyntaxError, "not a capability mask");
});

Deno.test("callOutcome() tells denied, unimplemented, killed and reachable apart", () => {
  assertEquals(callOutcome({ errno: "EPERM" }), "denied");
  assertEquals(callOutcome({ errno: "EACCES" }), "denied");
  assertEquals(callOutcome({ errno: "ENOSYS" }), "unimplemented");
  assertEquals(callOutcome({ signal: 31 }), "killed");
  assertEquals(callOutcome({ errno: "EFAULT" }), "reachable");
  assertEquals(callOutcome({ errno: "OK" }), "reachable");
  assertThrows(() => callOutcome({}), SyntaxError, "without errno");
});

Deno.test("mapUid() follows uid_map ranges; unmapped is null", () => {
  assertEquals(mapUid("         0          0 4294967295\n", 0), 0);
  assertEquals(mapUid("         0     100000      65536\n", 0), 100000);
  assertEquals(mapUid("         0     100000      65536\n", 70000), null);
});

Deno.test("parseSecurityProbe() rejects other output, naming what is wrong", () => {
  assertThrows(
    () => parseSecurityProbe("usage: ...\n"),
    SyntaxError,
    "not the JSON of security_probe",
  );
  const native = JSON.parse(readToolOutput("security_probe", "native.json"));
  delete native.syscalls.bpf;
  assertThrows(
    () => parseSecurityProbe(JSON.stringify(native)),
    SyntaxError,
    'no result for system call "bpf"',
  );
  native.version = 2;
  assertThrows(() => parseSecurityProbe(JSON.stringify(native)), SyntaxError, "version");
});

Deno.test("the fork and memory tests: the probe's own outcome, or a container stopped mid-test", () => {
  const forkStdout = readToolOutput("security_probe", "runc-fork.json");
  const held = forkTestOf(result(forkStdout, 0), "fork");
  assertEquals(held.fork!.refused, "EAGAIN");
  assert(held.fork!.forked < held.fork!.cap && forkHeld(held));
  // gVisor's Sentry cannot make threads under the limit and the sandbox exits mid-test.
  const cut = readToolOutput("security_probe", "runsc-ptrace-fork.stdout");
  const stopped = forkTestOf(result(cut, 2), "fork");
  assertEquals(stopped.stoppedWithExit, 2);
  assert(forkHeld(stopped));
  assertThrows(() => forkTestOf(result("", 1), "fork"), Error, "exited with code 1");
  assertEquals(parseMemoryHold("memory-hold 66060288 killed signal 9\n"), {
    touchedBytes: 66060288,
    outcome: "killed",
    signal: 9,
  });
  assertEquals(memoryHoldOf(result("", 137), "hold").outcome, "killed");
  assertThrows(() => parseMemoryHold("oops"), SyntaxError, "--memory-hold");
});

Deno.test("the security benchmark declares one metric per property, category security, direction none", () => {
  assertEquals(securityBenchmark.metrics.length, SECURITY_PROPERTIES.length);
  for (const m of securityBenchmark.metrics) {
    assertEquals([m.category, m.direction, m.benchmark], ["security", "none", "security"]);
  }
  assertEquals(securityBenchmark.tools, []);
});
