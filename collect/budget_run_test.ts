/** A budgeted collection end to end with fake runtimes, a fake benchmark and a clock moved by hand. */
import { assert, assertEquals, assertStringIncludes } from "../tests/assert.ts";
import { createRandom } from "../analyze/random.ts";
import { fakeBenchmark, fakeRecord, fakeRunHarness, fakeRuntime } from "./fake_run.ts";
import { readSamplesLog } from "./samples_log.ts";
import { runLayout } from "../model/run_layout.ts";

Deno.test("runCollection() with --budget ends within the budget plus one step, says why, and shows decided cells", async () => {
  const h = await fakeRunHarness();
  try {
    const random = createRandom(3);
    const STEP_MS = 5000;
    const work = fakeBenchmark("work", ["t"], ({ runtime }) => {
      h.clock.advance(STEP_MS);
      // alpha is twice native; beta 4 % off native at a ±20 % spread, too close to the 5 % margin
      // for the runs 3 minutes allow to decide either way.
      const median = runtime === "alpha" ? 200 : runtime === "beta" ? 104 : 100;
      const spread = runtime === "beta" ? 0.4 : 0.15;
      return [{ metric: "work.t", value: median * (1 + spread * (random() - 0.5)) }];
    });
    const budgetMs = 3 * 60_000;
    const outcome = await h.run({
      runId: "20261127-080000-b0d9e7",
      runtimes: [fakeRuntime("native"), fakeRuntime("alpha"), fakeRuntime("beta")],
      benchmarks: [work],
      record: fakeRecord({
        runtimes: ["native", "alpha", "beta"],
        warmups: 1,
        repetitions: undefined,
        budget: { budgetMs, minRuns: 3, baseline: "native", looks: 10 },
      }),
    });
    assertEquals(outcome.status, "complete");
    assert(h.clock.now() <= budgetMs + STEP_MS, `took ${h.clock.now()} ms of ${budgetMs}`);
    const notes = outcome.result.notes ?? "";
    assertStringIncludes(notes, "stopped: budget spent");
    assertStringIncludes(notes, "runtime × metric verdicts");
    const output = h.output.join("");
    assertStringIncludes(output, "/2 cells decided, ");
    assertStringIncludes(output, "of 3m00s left");
    // Warm-ups and three measured runs of every cell come first; then only the undecided ones.
    const log = await readSamplesLog(runLayout(h.outDir, outcome.result.runId).samplesLog);
    const runsOf = (runtime: string) =>
      [...log.finished.keys()].filter((k) => k.startsWith(`${runtime}/`)).length;
    assertEquals(runsOf("alpha"), 4, "alpha (2× native at 15 % spread) decides at the first look");
    assert(runsOf("beta") > 4 && runsOf("native") > 4, "beta and the baseline get the rest");
    // The result set records the looks and their verdicts: alpha's decided for good at the first
    // look, beta's still undetermined at the last one.
    const design = outcome.result.budget!;
    assertEquals([design.baseline, design.budgetMs, design.minRuns], ["native", budgetMs, 3]);
    assert(design.looksMade >= 2 && design.looksMade <= design.looksPlanned, `${design.looksMade}`);
    assertEquals(
      design.verdicts.map((v) => [v.runtime, v.metric, v.verdict, v.look, v.final]),
      [["alpha", "work.t", "worse", 0, true], [
        "beta",
        "work.t",
        "undetermined",
        design.looksMade - 1,
        false,
      ]],
    );
    assertStringIncludes(design.endReason!, "budget spent");
  } finally {
    await h.dispose();
  }
});
