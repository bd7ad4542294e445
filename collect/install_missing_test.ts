import { assert, assertEquals } from "../tests/assert.ts";
import { declaredPackages, installersToRun, packagesToInstall } from "./install_missing.ts";
import type { PluginInstaller, RuntimePlugin } from "./types.ts";
import type { DoctorReport } from "./doctor.ts";

Deno.test("packagesToInstall() takes apt packages from doctor's fixes once each and keeps other fixes apart", () => {
  const report: DoctorReport = {
    image: { hash: "h", built: false, path: "/x", fix: "deno task image" },
    runtimes: [
      {
        id: "runc",
        name: "runc",
        isolation: "os-container",
        usable: false,
        reason: "runc is not installed",
        fix: "apt-get install runc",
        detectMs: 1,
      },
      {
        id: "podman-runc",
        name: "podman",
        isolation: "os-container",
        usable: false,
        reason: "podman is not installed",
        fix: "apt-get install podman",
        detectMs: 1,
      },
      {
        id: "podman-crun",
        name: "podman",
        isolation: "os-container",
        usable: false,
        reason: "podman is not installed",
        fix: "apt-get install podman",
        detectMs: 1,
      },
      {
        id: "crun",
        name: "crun",
        isolation: "os-container",
        usable: false,
        reason: "cgroups in hybrid mode",
        fix: "mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb",
        detectMs: 1,
      },
      {
        id: "lxc",
        name: "lxc",
        isolation: "os-container",
        usable: false,
        reason: "image missing",
        fix: "deno task image",
        detectMs: 1,
      },
      {
        id: "bubblewrap",
        name: "bwrap",
        isolation: "os-container",
        usable: true,
        fix: "apt-get install never-used",
        detectMs: 1,
      },
    ],
    tools: [
      { name: "fio", package: "fio", found: false, fix: "apt-get install fio" },
      { name: "pi", package: "pi", found: true },
    ],
    leftovers: [],
  };
  const { packages, otherFixes } = packagesToInstall(report);
  assertEquals(packages, ["fio", "podman", "runc"]);
  assertEquals(otherFixes.map((f) => f.what), ["crun", "lxc"]);
});

Deno.test("declaredPackages() joins the plugins' and the tools' packages, once each, sorted", () => {
  const plugins = [
    { name: "a", adapters: {}, aptPackages: ["zeta", "alpha"] },
    { name: "b", adapters: {}, aptPackages: ["alpha"] },
  ];
  const tools = [{ binary: "t", package: "tool-pkg" }, { binary: "u", package: "zeta" }];
  assertEquals(declaredPackages({ plugins, tools }), ["alpha", "tool-pkg", "zeta"]);
  const all = declaredPackages();
  assertEquals(all, [...new Set(all)].sort());
  assert(all.length > 0);
});

Deno.test("installersToRun() runs each installer an unusable runtime names once, and refuses unknown ones", () => {
  const fetch: PluginInstaller = {
    id: "fetch-x",
    description: "x into the cache",
    install: () => Promise.resolve(),
  };
  const plugins: RuntimePlugin[] = [
    { name: "a", adapters: {}, aptPackages: [] },
    { name: "x", adapters: {}, aptPackages: ["x"], installers: [fetch] },
  ];
  const row = (id: string, usable: boolean, installer?: string) => ({
    id,
    name: id,
    isolation: "syscall-sandbox" as const,
    usable,
    detectMs: 1,
    ...(installer ? { installer, reason: "unknown platform: x", fix: "fetch it" } : {}),
  });
  const report: DoctorReport = {
    image: { hash: "h", built: true, path: "/x" },
    runtimes: [
      row("x-new", false, "fetch-x"),
      row("engine-x-new", false, "fetch-x"),
      row("x", true),
    ],
    tools: [],
    leftovers: [],
  };
  assertEquals(installersToRun(report, plugins), [fetch]);
  // Its fix is no apt package: it stays among the other fixes, said to a person.
  assertEquals(packagesToInstall(report).packages, []);
  assertEquals(packagesToInstall(report).otherFixes.map((f) => f.what), ["x-new", "engine-x-new"]);
  // A usable runtime's installer is not run.
  report.runtimes = [row("x", true, "fetch-x")];
  assertEquals(installersToRun(report, plugins), []);
  report.runtimes = [row("y", false, "fetch-y")];
  let message = "";
  try {
    installersToRun(report, plugins);
  } catch (error) {
    message = (error as Error).message;
  }
  assert(message.includes('"fetch-y"') && message.includes("known: fetch-x"), message);
});
