/**
 * Integration: every runtime adapter runs real commands in the real benchmark image. A runtime
 * this host cannot use is skipped by name with the reason printed; after the tests nothing of ours
 * (container, runtime state, mount, netns, temp dir, process) is left.
 */
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { C_SOURCE_DIR } from "../collect/image.ts";
import { findTestImage } from "./integration.ts";
import { findCPrograms } from "../collect/image_recipe.ts";
import {
  adapterById,
  cleanupAll,
  createAdapterContext,
  detectAll,
  runcAdapter,
  RUNTIME_IDS,
} from "../collect/runtimes/mod.ts";
import { describeLeftovers, findLeftovers } from "../collect/leftovers.ts";
import type { RuntimeAdapter } from "../collect/types.ts";
import { runProcess } from "../collect/process.ts";

const { image } = findTestImage("runtimes_test");

const ctx = createAdapterContext({ image, log: (m) => console.log(`  [adapter] ${m}`) });
const adapters: RuntimeAdapter[] = RUNTIME_IDS.map((id) => adapterById(id));

// A network namespace of ours with a veth pair inside, for the adapters that can join one.
const NETNS = `${ctx.namePrefix}-ns`;
const VETH = "ocibench-v0";
for (
  const argv of [
    ["netns", "add", NETNS],
    ["-n", NETNS, "link", "add", VETH, "type", "veth", "peer", "name", "ocibench-v1"],
    ["-n", NETNS, "link", "set", VETH, "up"],
  ]
) {
  const r = await runProcess(["ip", ...argv]);
  if (r.exitCode !== 0) throw new Error(`ip ${argv.join(" ")}: ${r.stderr}`);
}
const detected = await detectAll(adapters, ctx);
const OWN_PROGRAMS = findCPrograms(C_SOURCE_DIR).map((p) => p.name).join(" ");
const hostKernel = Deno.readTextFileSync("/proc/sys/kernel/osrelease").trim();

for (const { adapter, detection, detectMs } of detected) {
  if (!detection.usable) {
    console.log(
      `SKIPPED runtime ${adapter.id}: ${detection.reason} (fix: ${detection.fix ?? "-"})`,
    );
  } else {
    console.log(
      `runtime ${adapter.id}: ${detection.version} (detected in ${detectMs.toFixed(0)} ms)`,
    );
  }
  Deno.test({
    name: `runtime ${adapter.id}: runs true, echo, env, exit codes and a bind mount in the image`,
    ignore: !detection.usable,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const ok = await adapter.run({ argv: ["true"], timeoutMs: 60_000 }, ctx);
      assertEquals(ok.exitCode, 0, `true: ${ok.stderr}`);
      assertEquals(ok.stdout, "");
      assert(ok.wallMs > 0);

      // Output, arguments with shell metacharacters, env, and a non-zero exit code, in one run.
      const echo = await adapter.run({
        argv: ["sh", "-c", 'echo "hello $1 $OCIBENCH_T"; echo warn >&2; exit 7', "sh", "a b;c"],
        env: { OCIBENCH_T: "env-ok" },
        timeoutMs: 60_000,
      }, ctx);
      assertEquals(echo.exitCode, 7, `exit 7 became ${echo.exitCode}: ${echo.stderr}`);
      assertEquals(echo.stdout, "hello a b;c env-ok\n");
      assertStringIncludes(echo.stderr, "warn");

      // A bind mount and cwd; the image's tools and own programs are there; and the runtime
      // really is what it claims: gVisor answers with its own kernel version.
      const dir = Deno.makeTempDirSync({ prefix: `${ctx.namePrefix}-mnt-` });
      try {
        const w = await adapter.run({
          // Paths go in as arguments: native rewrites arguments, not script text.
          argv: [
            "sh",
            "-c",
            `pwd > "$1/out.txt" && command -v sysbench fio iperf3 pi ${OWN_PROGRAMS} >/dev/null && uname -r && grep -c ${VETH} /proc/net/dev || true`,
            "sh",
            "/ocibench-data",
          ],
          cwd: "/ocibench-data",
          mounts: [{ hostPath: dir, containerPath: "/ocibench-data" }],
          // docker joins no namespace by path (it has its bridge); every other adapter does.
          network: adapter.engine === "docker" ? { kind: "none" } : { kind: "netns", name: NETNS },
          timeoutMs: 60_000,
        }, ctx);
        assertEquals(w.exitCode, 0, `mount, cwd or tools failed: ${w.stdout} ${w.stderr}`);
        assertEquals(
          Deno.readTextFileSync(`${dir}/out.txt`),
          `${adapter.id === "native" ? dir : "/ocibench-data"}\n`,
        );
        const [kernel, veths] = w.stdout.trim().split("\n");
        if (adapter.isolation === "syscall-sandbox") {
          assert(kernel !== hostKernel, `${adapter.id} shows the host kernel`);
        } else if (adapter.isolation === "os-container" || adapter.isolation === "native") {
          assertEquals(kernel, hostKernel);
        }
        assertEquals(veths, adapter.engine === "docker" ? "0" : "1", "the network namespace");
      } finally {
        Deno.removeSync(dir, { recursive: true });
      }
    },
  });
  // Under gVisor a workload over its memory limit thrashes for ~50 s (64 MiB) to minutes before
  // the sandbox is killed: too slow for this suite, so it is skipped by name.
  const slowOom = adapter.isolation === "syscall-sandbox";
  if (detection.usable && slowOom) {
    console.log(
      `SKIPPED runtime ${adapter.id}: memory-limit test (gVisor takes ~50 s or more to be killed)`,
    );
  }
  Deno.test({
    name: `runtime ${adapter.id}: enforces a memory limit`,
    ignore: !detection.usable || slowOom,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      // The shell holds 200 MB of text in a variable under a 64 MiB limit: it must not survive.
      const r = await adapter.run({
        argv: ["sh", "-c", "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo ${#x}"],
        limits: { memoryBytes: 64 * 2 ** 20 },
        timeoutMs: 60_000,
      }, ctx);
      assert(r.exitCode !== 0, `exited 0 over the limit: ${r.stdout}`);
      assertEquals(r.stdout.includes("200000000"), false);
    },
  });
  Deno.test({
    name: `runtime ${adapter.id}: start() runs in the background, pids() lists it, stop() ends it`,
    ignore: !detection.usable,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const c = await adapter.start({ argv: ["sleep", "60"], timeoutMs: 120_000 }, ctx);
      assert(c.name.startsWith(ctx.namePrefix), `name ${c.name}`);
      // Poll until the workload runs (the runtime may still be setting the container up).
      let pids: number[] = [];
      let sleeping = false;
      for (let i = 0; i < 100 && !sleeping; i++) {
        pids = await c.pids();
        sleeping = pids.some((pid) => {
          try {
            return /(^|\/)sleep$/.test(
              Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0")[0],
            );
          } catch {
            return false;
          }
        });
        if (adapter.isolation === "syscall-sandbox" && pids.length > 0) break;
        if (!sleeping) await new Promise((r) => setTimeout(r, 100));
      }
      assert(pids.length > 0, "pids() is empty while the container runs");
      // gVisor runs the workload inside its sentry: no host process is `sleep`.
      if (adapter.isolation !== "syscall-sandbox") assert(sleeping, `no sleep among ${pids}`);
      const t0 = performance.now();
      await c.stop();
      assert(performance.now() - t0 < 30_000, "stop() took more than 30 s");
      await c.stop();
      // Every process it listed (runtime, shim, sandbox, workload) is gone soon after.
      const alive = () =>
        pids.filter((pid) => {
          try {
            const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
            return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
          } catch {
            return false;
          }
        });
      for (let i = 0; i < 50 && alive().length > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assertEquals(alive(), [], "processes still alive after stop()");
    },
  });
}

Deno.test("runtimes: a broken runtime binary is reported unusable with a reason", async () => {
  const dir = Deno.makeTempDirSync({ prefix: `${ctx.namePrefix}-broken-` });
  try {
    const notExecutable = `${dir}/runc`;
    Deno.writeTextFileSync(notExecutable, "#!/bin/sh\nexit 0\n", { mode: 0o644 });
    Deno.chmodSync(notExecutable, 0o644);
    const a = await runcAdapter({ binary: notExecutable }).detect(ctx);
    assertEquals(a.usable, false);
    assertStringIncludes(a.reason ?? "", "not executable");
    assert(a.fix, "a fix is given");

    const crashing = `${dir}/runc-crash`;
    Deno.writeTextFileSync(crashing, "#!/bin/sh\necho 'runc: broken build' >&2\nexit 1\n");
    Deno.chmodSync(crashing, 0o755);
    const b = await runcAdapter({ binary: crashing }).detect(ctx);
    assertEquals(b.usable, false);
    assert((b.reason ?? "").length > 0, "a reason is given");

    const c = await adapterById("bubblewrap", { binary: `${dir}/absent-bwrap` }).detect(ctx);
    assertEquals(c.usable, false);
    assertStringIncludes(c.reason ?? "", "does not exist");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test({
  name: "runtimes: after cleanup nothing of ours is left (containers, state, mounts, netns, dirs)",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await runProcess(["ip", "netns", "delete", NETNS]);
    const problems = await cleanupAll(adapters, ctx);
    assertEquals(problems, []);
    const leftovers = await findLeftovers(ctx.namePrefix);
    assertEquals(leftovers, [], describeLeftovers(leftovers));
    for (const daemon of ["dockerd", "containerd"]) {
      let users: string[] = [];
      try {
        users = [...Deno.readDirSync(`/run/ocibench-daemons/${daemon}/users`)].map((e) => e.name);
      } catch {
        // Never used.
      }
      assert(!users.includes(String(Deno.pid)), `${daemon} still counts this process as a user`);
    }
  },
});
