import { assert, assertEquals, assertMatch, assertStringIncludes } from "../tests/assert.ts";
import { doctorTools, formatDoctorReport, HOST_TOOLS, runDoctor } from "./doctor.ts";
import { BENCHMARKS } from "./benchmarks/mod.ts";
import { nativeAdapter, runcAdapter, runscAdapter } from "./runtimes/mod.ts";
import { main } from "../main.ts";

Deno.test({
  name: "runDoctor() times true runs of a usable runtime and explains an unusable one",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "ocibench-doctor-test-" });
    try {
      const broken = `${dir}/runc`;
      Deno.writeTextFileSync(broken, "not a program\n", { mode: 0o644 });
      const report = await runDoctor({
        adapters: [nativeAdapter(), runcAdapter({ binary: broken })],
        runs: 2,
      });
      const [native, runc] = report.runtimes;
      assertEquals(native.id, "native");
      assertEquals(native.usable, true);
      assertEquals(native.trueRunsMs?.length, 2);
      assert(native.trueMs !== undefined && native.trueMs > 0);
      assertEquals(runc.usable, false);
      assertStringIncludes(runc.reason ?? "", "not executable");
      assert(runc.fix, "a fix is given");
      assertEquals(report.leftovers, []);
      const sysbench = report.tools.find((t) => t.name === "sysbench");
      assert(sysbench, "sysbench is listed");
      if (sysbench.found) assertMatch(sysbench.version ?? "", /^\d/);
      const text = formatDoctorReport(report);
      assertStringIncludes(text, `runc: ${runc.reason}`);
      assertStringIncludes(text, `  fix: ${runc.fix}`);
      assertMatch(text, /^native\s+native\s+yes\s/m);
      assertMatch(text, /^runc\s+os-container\s+NO\s/m);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "doctor --json prints a report for the runtimes asked, and rejects an unknown one",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => lines.push(args.join(" "));
    let code: number;
    try {
      code = await main(["doctor", "--json", "--runtimes", "native", "--runs", "1"]);
    } finally {
      console.log = log;
    }
    assertEquals(code, 0);
    const report = JSON.parse(lines.join("\n"));
    assertEquals(report.runtimes.map((r: { id: string }) => r.id), ["native"]);
    assertEquals(report.runtimes[0].usable, true);
    const error = console.error;
    console.error = () => {};
    try {
      assertEquals(await main(["doctor", "--runtimes", "nope"]), 2);
    } finally {
      console.error = error;
    }
  },
});

Deno.test({
  name: "runDoctor() shows gVisor's platform per runtime and which platforms the host supports",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const report = await runDoctor({
      adapters: [nativeAdapter(), runscAdapter({ platform: "ptrace" })],
      runs: 0,
    });
    const [native, ptrace] = report.runtimes;
    assertEquals(native.platform, undefined);
    assertEquals(ptrace.platform, { name: "ptrace", legacy: true });
    assertEquals(report.hostSupport?.map((h) => h.topic), ["gVisor platforms (runsc)"]);
    const items = report.hostSupport![0].items;
    assertEquals(items.map((i) => i.name), ["systrap", "ptrace", "kvm"]);
    const text = formatDoctorReport(report);
    assertMatch(text, /^runsc-ptrace\s+syscall-sandbox\s+\S+\s+\S+\s+ptrace \(legacy\)/m);
    assertMatch(text, /^native\s+native\s+yes\s+\S+\s+-\s/m);
    assertStringIncludes(text, "gVisor platforms (runsc):\n  systrap: ");
    assertMatch(text, /^ {2}kvm: (supported|NOT supported): .*\/dev\/kvm/m);
    assertEquals(report.leftovers, []);
  },
});

Deno.test("doctorTools() lists each tool the registered benchmarks declare once, then the host's", () => {
  const declared = BENCHMARKS.flatMap((b) => b.tools);
  const names = doctorTools().map((t) => t.name);
  assertEquals(new Set(names).size, names.length);
  for (const tool of declared) {
    assert(doctorTools().some((t) => t.name === tool.binary && t.package === tool.package));
  }
  assertEquals(names.slice(-HOST_TOOLS.length), HOST_TOOLS.map((t) => t.name));
});
