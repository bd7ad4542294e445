/**
 * Integration: the security probe discriminates. It runs under runc and under the test-only
 * insecure variant of runc (tests/insecure_runc.ts), and the variant must score lower, failing
 * the properties its config weakens. Skipped by name, with the reason, when runc or the image is
 * missing.
 */
import { assert, assertEquals } from "./assert.ts";
import { findTestImage, leftoversBesidesWorkDir } from "./integration.ts";
import { cleanupAll, createAdapterContext, runcAdapter } from "../collect/runtimes/mod.ts";
import { securityBenchmark } from "../collect/benchmarks/security.ts";
import { assessRuntimeSecurity } from "../analyze/security_score.ts";
import { insecureRuncAdapter } from "./insecure_runc.ts";
import type { RuntimeAdapter } from "../collect/types.ts";

const { image, problem } = findTestImage("security_contrast_test");
const ctx = createAdapterContext({ image, log: (m) => console.log(`  [adapter] ${m}`) });
const runc = runcAdapter();
const insecure = insecureRuncAdapter();
const detection = problem ? { usable: false, reason: problem } : await runc.detect(ctx);
if (!detection.usable) console.log(`SKIPPED runtime runc: ${detection.reason}`);

async function assess(adapter: RuntimeAdapter) {
  await adapter.prepare(ctx);
  const values = await securityBenchmark.measure({
    runtime: adapter,
    adapter: ctx,
    quick: true,
    cores: navigator.hardwareConcurrency,
  });
  const byMetric = new Map(values.map((v) => [v.metric, v.value]));
  return assessRuntimeSecurity(
    { id: adapter.id, isolation: adapter.isolation },
    (m) => byMetric.get(m) ?? null,
  );
}

Deno.test({
  name: "runc with CAP_SYS_ADMIN, unmasked paths and no no_new_privs scores lower than runc",
  ignore: !detection.usable,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    try {
      const safe = await assess(runc);
      const weak = await assess(insecure);
      assert(weak.score < safe.score, `insecure ${weak.score} < default ${safe.score}`);
      const passed = (a: typeof safe, metric: string) =>
        a.properties.find((p) => p.metric === metric)?.passed;
      for (
        const metric of [
          "security.no_new_privs",
          "security.sys_writable",
          "security.syscall_mount",
        ]
      ) {
        assertEquals([passed(safe, metric), passed(weak, metric)], [true, false], metric);
      }
      // runc's default set already holds CAP_NET_RAW; the variant adds six more.
      const dangerous = (a: typeof safe) =>
        a.properties.find((p) => p.metric === "security.cap_dangerous")!.value!;
      assert(dangerous(weak) > dangerous(safe), `${dangerous(weak)} > ${dangerous(safe)}`);
    } finally {
      assertEquals(await cleanupAll([runc, insecure], ctx), []);
      assertEquals(await leftoversBesidesWorkDir(ctx), "");
    }
  },
});
