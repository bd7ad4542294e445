import { assertEquals } from "../tests/assert.ts";
import { runStep, type RunStepOptions, STEP_ABORT_GRACE_MS } from "./step_runner.ts";
import { FAKE_IMAGE, fakeBenchmark, FakeClock, fakeRuntime } from "./fake_run.ts";
import type { BenchmarkDefinition } from "./types.ts";

const step = { runtime: "alpha", benchmark: "work", iteration: 2, warmup: false };

function options(benchmark: BenchmarkDefinition, clock: FakeClock): RunStepOptions {
  return {
    benchmark,
    runtime: fakeRuntime("alpha"),
    ctx: { image: FAKE_IMAGE, workDir: "/nonexistent", namePrefix: "ocibench-test", log: () => {} },
    quick: true,
    cores: 2,
    timeoutMs: 1000,
    signal: new AbortController().signal,
    clock,
  };
}

Deno.test("runStep() turns measured values into samples with the metric's unit and the step's place", async () => {
  const clock = new FakeClock();
  const bench = fakeBenchmark("work", ["a", "b"], () => {
    clock.advance(250);
    return [
      { metric: "work.a", value: 1.5, topology: "client:alpha server:native" },
      { metric: "work.b", value: 0, notes: "idle" },
    ];
  });
  const outcome = await runStep(step, options(bench, clock));
  assertEquals(outcome, {
    status: "ok",
    wallMs: 250,
    finishedAt: "2026-11-27T08:00:00.250Z",
    samples: [{
      kind: "sample",
      runtime: "alpha",
      benchmark: "work",
      metric: "work.a",
      unit: "ms",
      direction: "lower",
      value: 1.5,
      iteration: 2,
      warmup: false,
      startedAt: "2026-11-27T08:00:00.000Z",
      finishedAt: "2026-11-27T08:00:00.250Z",
      topology: "client:alpha server:native",
    }, {
      kind: "sample",
      runtime: "alpha",
      benchmark: "work",
      metric: "work.b",
      unit: "ms",
      direction: "lower",
      value: 0,
      iteration: 2,
      warmup: false,
      startedAt: "2026-11-27T08:00:00.000Z",
      finishedAt: "2026-11-27T08:00:00.250Z",
      notes: "idle",
    }],
  });
});

Deno.test("runStep() fails a step whose values are missing or not finite", async () => {
  const clock = new FakeClock();
  for (
    const [values, message] of [
      [[], "work returned no values"],
      [[{ metric: "work.a", value: NaN }], "work returned NaN for work.a"],
    ] as const
  ) {
    const outcome = await runStep(
      step,
      options(fakeBenchmark("work", ["a"], () => [...values]), clock),
    );
    assertEquals(outcome.status === "failed" && outcome.failure.message, message);
  }
});

Deno.test("runStep() gives up on a benchmark that ignores its timeout after the grace time", async () => {
  const clock = new FakeClock();
  const stubborn = fakeBenchmark("work", ["a"], () => {
    clock.advance(1000 + STEP_ABORT_GRACE_MS);
    return new Promise(() => {});
  });
  const outcome = await runStep(step, options(stubborn, clock));
  assertEquals(outcome.status, "failed");
  assertEquals(
    outcome.status === "failed" && outcome.failure.message,
    "timed out after 1.0s: the benchmark did not stop after its timeout",
  );
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("runStep() ends as interrupted, not failed, when its signal aborts", async () => {
  const clock = new FakeClock();
  const controller = new AbortController();
  const bench = fakeBenchmark("work", ["a"], ({ ctx }) => {
    controller.abort();
    throw new Error(`stopped: ${ctx.signal?.aborted}`);
  });
  const outcome = await runStep(step, { ...options(bench, clock), signal: controller.signal });
  assertEquals(outcome, { status: "interrupted" });
});
