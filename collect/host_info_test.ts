import { assert, assertEquals } from "../tests/assert.ts";
import {
  cgroupModeFromMountinfo,
  costCpuFlags,
  describeHardwareVirtualization,
  describeVirtualization,
  gatherHostInfo,
  hardwareVirtualizationFrom,
  hostIdFrom,
  kernelParameters,
  parseCpuFlags,
  parseCpuModel,
  parseMemTotalBytes,
  parseMicrocode,
  parseOsRelease,
  parseProcessorCount,
  vulnerabilitiesFrom,
} from "./host_info.ts";
import { HostInfoSchema } from "../model/result_set.ts";

function fixture(name: string): string {
  return Deno.readTextFileSync(
    new URL(`../fixtures/tool_outputs/host/${name}`, import.meta.url),
  );
}

Deno.test("host parsers read the real /proc and /etc files of our machine", () => {
  const cpuinfo = fixture("cpuinfo.txt");
  assertEquals(parseCpuModel(cpuinfo), "AMD EPYC");
  assertEquals(parseProcessorCount(cpuinfo), 2);
  assertEquals(parseMemTotalBytes(fixture("meminfo.txt")), 24683620 * 1024);
  assertEquals(parseOsRelease(fixture("os-release.txt")), "Debian GNU/Linux 12 (bookworm)");
  assertEquals(parseMemTotalBytes("MemFree: 1 kB\n"), undefined);
});

Deno.test("cgroupModeFromMountinfo() tells hybrid, v1 and v2 apart", () => {
  const hybrid = fixture("mountinfo.txt");
  assertEquals(cgroupModeFromMountinfo(hybrid), "hybrid");
  const v1 = hybrid.split("\n").filter((l) => !l.includes("cgroup2")).join("\n");
  assertEquals(cgroupModeFromMountinfo(v1), "v1");
  const v2 = "30 22 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
  assertEquals(cgroupModeFromMountinfo(v2), "v2");
  assertEquals(cgroupModeFromMountinfo(""), undefined);
});

Deno.test("describeVirtualization() combines systemd-detect-virt's --vm and --container", () => {
  const vm = fixture("systemd-detect-virt_vm.stdout");
  const container = fixture("systemd-detect-virt_container.stdout");
  assertEquals(describeVirtualization(vm, container), "bhyve (container: docker)");
  assertEquals(describeVirtualization("kvm\n", "none\n"), "kvm");
  assertEquals(describeVirtualization("none\n", ""), "none");
  // A failing run (bad option) prints nothing on stdout.
  assertEquals(describeVirtualization(fixture("systemd-detect-virt_error.stdout"), ""), "none");
});

Deno.test("hostIdFrom() makes a valid id", () => {
  assertEquals(hostIdFrom("Build_Box 7"), "build_box-7");
  assertEquals(hostIdFrom("--"), "host");
});

Deno.test("costCpuFlags() tells two EPYC hosts apart: one with PCID/INVPCID, one under page-table isolation", () => {
  // cpuinfo.txt: a host whose kernel isolates page tables (pti) without PCID to soften it.
  const pti = costCpuFlags(fixture("cpuinfo.txt"))!;
  assertEquals([pti.pcid, pti.invpcid, pti.pti, pti.hypervisor], [false, false, true, true]);
  const pcid = costCpuFlags(fixture("cpuinfo_epyc_pcid.txt"))!;
  assertEquals([pcid.pcid, pcid.invpcid, pcid.pti, pcid.ibpb, pcid.ssbd], [
    true,
    true,
    false,
    true,
    true,
  ]);
  assertEquals([pcid.vmx, pcid.svm], [false, false]);
  assert(parseCpuFlags(fixture("cpuinfo_epyc_pcid.txt")).has("avx2"));
  // No flags line (another architecture): nothing is claimed absent.
  assertEquals(costCpuFlags("processor\t: 0\nmodel name\t: X\n"), undefined);
});

Deno.test("parseMicrocode() reads the revision where cpuinfo lists one", () => {
  assertEquals(parseMicrocode(fixture("cpuinfo_epyc_pcid.txt")), "0x1000065");
  assertEquals(parseMicrocode(fixture("cpuinfo.txt")), undefined);
});

Deno.test("kernelParameters() keeps the kernel's part of /proc/cmdline, not init's", () => {
  const cmdline = fixture("cmdline.txt");
  assertEquals(kernelParameters(cmdline), cmdline.trim());
  assert(kernelParameters(cmdline).startsWith("mitigations=auto,no_guest_host,no_guest_guest "));
  assertEquals(kernelParameters("ro quiet -- --init-flag x\n"), "ro quiet");
  assertEquals(kernelParameters("-- single"), "");
  assertEquals(kernelParameters("a  b\n"), "a b");
});

Deno.test("vulnerabilitiesFrom() records each vulnerability file of a real host, sorted", () => {
  const dir = new URL("../fixtures/tool_outputs/host/vulnerabilities/", import.meta.url);
  const files = [...Deno.readDirSync(dir)].map((e) =>
    [e.name, Deno.readTextFileSync(new URL(e.name, dir))] as [string, string]
  );
  const v = vulnerabilitiesFrom(files)!;
  assertEquals(Object.keys(v).length, files.length);
  assertEquals(Object.keys(v), [...Object.keys(v)].sort());
  assertEquals(v.meltdown, "Not affected");
  assertEquals(v.spec_store_bypass, "Mitigation: Speculative Store Bypass disabled via prctl");
  assert(v.spectre_v2.startsWith("Mitigation: Retpolines; IBPB: conditional"));
  assertEquals(vulnerabilitiesFrom([]), undefined);
  assertEquals(vulnerabilitiesFrom([["../x", "y"], ["empty", "\n"]]), undefined);
});

Deno.test("hardwareVirtualizationFrom() says a guest without vmx/svm cannot run VMs, even with /dev/kvm", () => {
  const here = hardwareVirtualizationFrom({
    cpuinfo: fixture("cpuinfo_epyc_pcid.txt"),
    kvmDevice: true,
    modules: ["kvm_pvm", "kvm", "ext4"],
  });
  assertEquals(here, {
    cpuFlag: null,
    kvmDevice: true,
    kvmModules: ["kvm", "kvm_pvm"],
  });
  assertEquals(
    describeHardwareVirtualization(here),
    "no: the CPU shows neither vmx nor svm (/dev/kvm present, modules kvm, kvm_pvm)",
  );
  const metal = hardwareVirtualizationFrom({
    cpuinfo: "flags\t\t: fpu vmx pcid\n",
    kvmDevice: true,
    modules: ["kvm_intel", "kvm"],
    nestedParameter: "Y\n",
  });
  assertEquals(metal.nested, true);
  assertEquals(
    describeHardwareVirtualization(metal),
    "yes: vmx, /dev/kvm present, modules kvm, kvm_intel; nested virtualisation for its guests on",
  );
});

Deno.test("gatherHostInfo() describes this machine in a schema-valid way", async () => {
  const host = HostInfoSchema.parse(await gatherHostInfo());
  assertEquals(host.cores, navigator.hardwareConcurrency);
  assertEquals(host.kernel, Deno.osRelease());
  assertEquals(typeof host.cpuModel, "string");
  // The facts that set a system call's cost, read from this machine.
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  assertEquals(host.cpuFlags?.pcid, parseCpuFlags(cpuinfo).has("pcid"));
  assertEquals(host.microcode, parseMicrocode(cpuinfo));
  let spectreV2: string | undefined;
  try {
    spectreV2 = Deno.readTextFileSync("/sys/devices/system/cpu/vulnerabilities/spectre_v2").trim();
  } catch {
    // An older kernel or another architecture lists none.
  }
  assertEquals(host.vulnerabilities?.spectre_v2, spectreV2);
  assertEquals(host.kernelCommandLine, kernelParameters(Deno.readTextFileSync("/proc/cmdline")));
  assertEquals(
    host.hardwareVirtualization?.kvmDevice,
    (() => {
      try {
        Deno.statSync("/dev/kvm");
        return true;
      } catch {
        return false;
      }
    })(),
  );
});
