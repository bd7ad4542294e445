import { assertEquals } from "../tests/assert.ts";
import {
  cgroupModeFromMountinfo,
  describeVirtualization,
  gatherHostInfo,
  hostIdFrom,
  parseCpuModel,
  parseMemTotalBytes,
  parseOsRelease,
  parseProcessorCount,
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

Deno.test("gatherHostInfo() describes this machine in a schema-valid way", async () => {
  const host = HostInfoSchema.parse(await gatherHostInfo());
  assertEquals(host.cores, navigator.hardwareConcurrency);
  assertEquals(host.kernel, Deno.osRelease());
  assertEquals(typeof host.cpuModel, "string");
});
