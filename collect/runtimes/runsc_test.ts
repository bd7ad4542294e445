import { assert, assertEquals, assertStringIncludes } from "../../tests/assert.ts";
import {
  parseRunscPlatforms,
  RUNSC_FETCH_FIX,
  runscAdapter,
  runscLacksPlatform,
  runscMend,
  runscPlatformSupport,
  runscRuntime,
} from "./runsc.ts";
import { RUNSC_INSTALLER_ID } from "./runsc_package.ts";

function fixture(path: string): string {
  return Deno.readTextFileSync(new URL(`../../fixtures/tool_outputs/${path}`, import.meta.url));
}

Deno.test("parseRunscPlatforms() reads the platforms of both Debian builds from `runsc flags`", () => {
  assertEquals(parseRunscPlatforms(fixture("runsc/flags_20221219.stdout")), ["ptrace", "kvm"]);
  assertEquals(parseRunscPlatforms(fixture("runsc/flags_20240729.stdout")), [
    "systrap",
    "ptrace",
    "kvm",
  ]);
  assertEquals(parseRunscPlatforms("usage: runsc\n"), []);
});

Deno.test("runscPlatformSupport() says which gVisor platforms a host supports and why", () => {
  const cpuinfo = fixture("host/cpuinfo_epyc_pcid.txt"); // no vmx/svm: a guest without nesting
  const old = { version: "0.0~20221219.0", platforms: ["ptrace", "kvm"] };
  const fresh = { version: "0.0~20240729.0", platforms: ["systrap", "ptrace", "kvm"] };
  const here = runscPlatformSupport({
    cpuinfo,
    kvmDevice: true,
    seccomp: true,
    systrapRunsc: fresh,
    hostRunsc: old,
  });
  const by = Object.fromEntries(here.items.map((i) => [i.name, i]));
  assertEquals([by.systrap.supported, by.ptrace.supported, by.kvm.supported], [true, true, false]);
  assertStringIncludes(by.systrap.detail, "runsc 0.0~20240729.0");
  assertStringIncludes(by.ptrace.detail, "legacy");
  assertStringIncludes(by.kvm.detail, "neither vmx nor svm");
  assertStringIncludes(by.kvm.detail, "/dev/kvm present cannot serve it");

  // Only the host's old build: systrap is missing, and the fix fetches a newer one.
  const oldOnly = runscPlatformSupport({
    cpuinfo,
    kvmDevice: false,
    seccomp: true,
    systrapRunsc: old,
    hostRunsc: old,
  });
  const systrap = oldOnly.items.find((i) => i.name === "systrap")!;
  assertEquals(systrap.supported, false);
  assertStringIncludes(systrap.detail, RUNSC_FETCH_FIX);

  // A CPU with vmx and a /dev/kvm: kvm is supported.
  const vmx = runscPlatformSupport({
    cpuinfo: "flags\t\t: fpu vmx pcid\n",
    kvmDevice: true,
    seccomp: true,
  });
  assertEquals(vmx.items.find((i) => i.name === "kvm")!.supported, true);
  assertEquals(vmx.items.find((i) => i.name === "ptrace")!.supported, false);
});

Deno.test("runscMend() fetches a runsc with systrap when none has it; ptrace needs the host's package", () => {
  const unknown = 'a trial "true" run failed (exit 128): unknown platform: systrap';
  assertEquals(runscMend("systrap", unknown), {
    fix: RUNSC_FETCH_FIX,
    installer: RUNSC_INSTALLER_ID,
  });
  assertEquals(runscMend("systrap", "runsc is not installed")?.installer, RUNSC_INSTALLER_ID);
  assertEquals(runscMend("ptrace", "runsc is not installed"), { fix: "apt-get install runsc" });
  assertEquals(runscMend("systrap", 'a trial "true" run timed out after 60000 ms'), undefined);
});

Deno.test("runsc adapters record their platform, ptrace as legacy", () => {
  const systrap = runscAdapter({ platform: "systrap" });
  const ptrace = runscAdapter({ platform: "ptrace" });
  assertEquals([systrap.id, ptrace.id], ["runsc-systrap", "runsc-ptrace"]);
  assertEquals(systrap.platform, { name: "systrap", legacy: false });
  assertEquals(ptrace.platform, { name: "ptrace", legacy: true });
  assertStringIncludes(ptrace.name, "legacy platform");
  assertEquals(Object.keys(runscRuntime.adapters), ["runsc-systrap", "runsc-ptrace"]);
  assert(runscRuntime.installers?.some((i) => i.id === RUNSC_INSTALLER_ID));
});

/** A stand-in for Debian 12's runsc in `dir`: its real answers to --version, flags and systrap. */
function fakeOldRunsc(dir: string): string {
  const out = (name: string) =>
    new URL(`../../fixtures/tool_outputs/runsc/${name}`, import.meta.url).pathname;
  const fake = `${dir}/runsc`;
  Deno.writeTextFileSync(
    fake,
    `#!/bin/sh\ncase "$*" in\n*--version*) cat '${out("version_20221219.stdout")}';;\n` +
      `flags) cat '${out("flags_20221219.stdout")}';;\n` +
      `*) cat >&2 '${out("systrap_on_20221219.stderr")}'; exit 128;;\nesac\n`,
    { mode: 0o755 },
  );
  return fake;
}

Deno.test("runscLacksPlatform() tells from `runsc flags` that Debian 12's runsc has no systrap", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "ocibench-runsc-" });
  try {
    const fake = fakeOldRunsc(dir);
    const reason = await runscLacksPlatform("systrap", { binary: fake });
    assertStringIncludes(reason ?? "", "runsc 0.0~20221219.0");
    assertStringIncludes(reason ?? "", "has no systrap platform (it offers ptrace, kvm)");
    assertEquals(runscMend("systrap", reason!)?.installer, RUNSC_INSTALLER_ID);
    assertEquals(await runscLacksPlatform("ptrace", { binary: fake }), undefined);
    assertStringIncludes(
      (await runscLacksPlatform("systrap", { binary: `${dir}/none` })) ?? "",
      "does not exist",
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a runsc-systrap pointed at a runsc without systrap says so before any trial, image or not", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "ocibench-runsc-" });
  try {
    const adapter = runscAdapter({ platform: "systrap", binary: fakeOldRunsc(dir) });
    const detection = await adapter.detect({
      // No image: the platform is checked before the trial that would need one.
      image: {
        hash: "h",
        rootfs: `${dir}/no-rootfs`,
        rootfsTar: "",
        ociLayout: "",
        ociTar: "",
        tag: "h",
      },
      workDir: dir,
      namePrefix: "ocibench-test",
      log: () => {},
    });
    assertEquals(detection.usable, false);
    assertEquals(detection.version, "0.0~20221219.0");
    assertStringIncludes(detection.reason ?? "", "has no systrap platform");
    assertEquals(detection.fix, RUNSC_FETCH_FIX);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
