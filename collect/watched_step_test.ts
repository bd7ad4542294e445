/**
 * The host-noise watch through the whole run loop, with fake runtimes and a fake `/proc`: a step
 * the host disturbed is run once more, the reading goes into its samples, and the result set
 * counts how many were.
 */
import { assert, assertEquals, assertStringIncludes } from "../tests/assert.ts";
import { StepFailedError } from "./errors.ts";
import { NOISE_RULE } from "./host_noise.ts";
import { fakeBenchmark, fakeRecord, fakeRunHarness, fakeRuntime } from "./fake_run.ts";

Deno.test("a step with steal above the threshold is run once more and marked as a re-run", async () => {
  const h = await fakeRunHarness();
  try {
    const bench = fakeBenchmark("work", ["a"], ({ runtime, n }) => {
      h.clock.advance(100);
      // Alpha's second call (iteration 0 or 1, whichever came second) sees 12 % steal.
      h.procfs.stealPerRead = runtime === "alpha" && n === 1 ? 12 : 0;
      return [{ metric: "work.a", value: runtime === "alpha" ? 1000 + n : 2000 + n }];
    });
    const outcome = await h.run({
      runId: "20261127-080000-a0a0a0",
      runtimes: [fakeRuntime("alpha"), fakeRuntime("beta")],
      benchmarks: [bench],
      record: fakeRecord({ repetitions: 2 }),
    });
    // 2 runtimes × 2 repetitions, plus one re-run of alpha.
    assertEquals(bench.calls.length, 5);
    const alpha = outcome.result.samples.filter((s) => s.runtime === "alpha");
    assertEquals(alpha.length, 2, "the disturbed run's values are replaced, not added");
    const rerun = alpha.filter((s) => s.kind === "sample" && s.hostNoise?.rerunAfter);
    assertEquals(rerun.length, 1);
    assert(rerun[0].kind === "sample");
    assertEquals(rerun[0].value, 1002, "the re-run's value is kept");
    assertEquals(rerun[0].hostNoise?.rerunAfter, "CPU steal 12 % > 5 %");
    assertEquals(rerun[0].hostNoise?.disturbed, undefined);
    for (const s of outcome.result.samples) {
      assert(s.kind === "sample" && s.hostNoise !== undefined, "every sample carries its noise");
    }
    assertEquals(outcome.result.hostNoise, {
      rule: NOISE_RULE,
      stepsWatched: 4,
      stepsRerun: 1,
      stepsDisturbed: 0,
    });
    assertStringIncludes(
      h.output.join(""),
      "the host disturbed it (CPU steal 12 % > 5 %), run again",
    );
  } finally {
    await h.dispose();
  }
});

Deno.test("on a busy host a cell is re-run once; after its re-run is disturbed too, its steps are kept marked", async () => {
  const h = await fakeRunHarness();
  try {
    h.procfs.running = 5; // 4 others runnable on FAKE_HOST's 2 cores: above cores + 1
    const bench = fakeBenchmark("work", ["a"], ({ runtime, n }) => {
      h.clock.advance(100);
      return [{ metric: "work.a", value: (runtime === "alpha" ? 10 : 20) + n }];
    });
    const outcome = await h.run({
      runId: "20261127-080000-b0b0b0",
      runtimes: [fakeRuntime("alpha"), fakeRuntime("beta")],
      benchmarks: [bench],
      record: fakeRecord({ repetitions: 3 }),
    });
    // Each cell: its first step twice, then its two other steps once.
    assertEquals(bench.calls.length, 8);
    assertEquals(outcome.result.samples.length, 6);
    const why = "4 other runnable threads at the start on 2 cores";
    for (const s of outcome.result.samples) {
      assert(s.kind === "sample");
      assertEquals(s.hostNoise?.disturbed, why, "every kept value says it is disturbed");
      assertEquals(s.hostNoise?.othersRunnableBefore, 4);
    }
    const reruns = outcome.result.samples.filter((s) =>
      s.kind === "sample" && s.hostNoise?.rerunAfter
    );
    assertEquals(reruns.map((s) => s.runtime).sort(), ["alpha", "beta"]);
    assertEquals(outcome.result.hostNoise?.stepsRerun, 2);
    assertEquals(outcome.result.hostNoise?.stepsDisturbed, 6);
    const output = h.output.join("");
    assertStringIncludes(output, `alpha/work: its re-run was disturbed too (${why})`);
    assertStringIncludes(
      output,
      "host noise: 2 of 6 steps were run again because the host disturbed them; 6 kept values",
    );
  } finally {
    await h.dispose();
  }
});

Deno.test("a failed step is recorded as it failed, not re-run, however busy the host", async () => {
  const h = await fakeRunHarness();
  try {
    h.procfs.stealPerRead = 50;
    const bench = fakeBenchmark("work", ["a"], () => {
      throw new StepFailedError("work exited with 1", { exitCode: 1, stderrTail: "boom" });
    });
    const outcome = await h.run({
      runId: "20261127-080000-c0c0c0",
      runtimes: [fakeRuntime("alpha")],
      benchmarks: [bench],
      record: fakeRecord({ runtimes: ["alpha"], repetitions: 2 }),
    });
    assertEquals(bench.calls.length, 2);
    assertEquals(outcome.result.failures.length, 2);
    assertEquals(outcome.result.hostNoise, undefined);
  } finally {
    await h.dispose();
  }
});

Deno.test("steal the benchmark's own work causes is not a disturbance: only steal beyond it is", async () => {
  const h = await fakeRunHarness();
  try {
    let calls = 0;
    const bench = fakeBenchmark("work", ["a"], () => {
      h.clock.advance(100);
      calls++;
      // Every run steals 17 % (a hypervisor serving direct I/O); the sixth run 30 %.
      h.procfs.stealPerRead = calls === 6 ? 30 : 17;
      return [{ metric: "work.a", value: 100 }];
    });
    const outcome = await h.run({
      runId: "20261127-080000-d0d0d0",
      runtimes: [fakeRuntime("alpha"), fakeRuntime("beta")],
      benchmarks: [bench],
      record: fakeRecord({ repetitions: 3, seed: 1 }),
    });
    // The first step has no history: re-run once (its re-run, judged against the first run's
    // 17 %, is not disturbed). Later 17 % steps are the work's own; a 30 % one is re-run.
    const reruns = outcome.result.samples.filter((s) =>
      s.kind === "sample" && s.hostNoise?.rerunAfter
    );
    assertEquals(
      reruns.length,
      2,
      JSON.stringify(reruns.map((s) => s.kind === "sample" && s.hostNoise)),
    );
    assertEquals(
      reruns[0].kind === "sample" && reruns[0].hostNoise?.rerunAfter,
      "CPU steal 17 % > 5 %",
    );
    assertStringIncludes(
      h.output.join(""),
      "CPU steal 30 % > 22 % (the benchmark's usual 17 % + 5 %)",
    );
    assertEquals(outcome.result.hostNoise?.stepsDisturbed, 0);
  } finally {
    await h.dispose();
  }
});
