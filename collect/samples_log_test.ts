import { assert, assertEquals, assertRejects, assertThrows } from "../tests/assert.ts";
import { type LogRecord, parseSamplesLog, readSamplesLog, SamplesLog } from "./samples_log.ts";
import type { Sample } from "../model/result_set.ts";

const options = {
  runtimes: ["native"],
  explicitRuntimes: false,
  benchmarks: ["startup"],
  quick: true,
  seed: 1,
  warmups: 0,
  repetitions: 2,
  stepTimeoutMs: 1000,
};

function sample(iteration: number, value: number): Sample {
  return {
    kind: "sample",
    runtime: "native",
    benchmark: "startup",
    metric: "startup.create_to_exit",
    unit: "ms",
    direction: "lower",
    value,
    iteration,
    warmup: false,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
  };
}

const done = (step: string): LogRecord => ({
  type: "step",
  step,
  status: "ok",
  wallMs: 5,
  finishedAt: "2026-01-01T00:00:01.000Z",
});

Deno.test("SamplesLog appends records that read back; steps without an end marker are dropped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-h2-log-" });
  try {
    const path = `${dir}/samples.jsonl`;
    const log = await SamplesLog.create(path);
    await log.append({ type: "run", runId: "r1", startedAt: "2026-01-01T00:00:00Z", options });
    await log.append({ type: "sample", step: "native/startup/0", sample: sample(0, 1.5) });
    await log.append(done("native/startup/0"));
    await log.append({ type: "sample", step: "native/startup/1", sample: sample(1, 1.7) });
    log.close();
    const content = await readSamplesLog(path);
    assertEquals(content.run?.options, options);
    assertEquals(content.samples.map((s) => s.value), [1.5]);
    assertEquals([...content.finished.keys()], ["native/startup/0"]);
    assertEquals(content.droppedSamples, 1);
    assertEquals(content.tornLastLine, false);
    await assertRejects(() => SamplesLog.create(path), Deno.errors.AlreadyExists);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a torn last line is ignored on reading and cut off before appending again", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-h2-log-" });
  try {
    const path = `${dir}/samples.jsonl`;
    const log = await SamplesLog.create(path);
    await log.append({ type: "run", runId: "r1", startedAt: "2026-01-01T00:00:00Z", options });
    await log.append({ type: "sample", step: "native/startup/0", sample: sample(0, 1.5) });
    await log.append(done("native/startup/0"));
    log.close();
    await Deno.writeTextFile(path, '{"type":"sample","step":"native/sta', { append: true });
    const torn = await readSamplesLog(path);
    assertEquals(torn.tornLastLine, true);
    assertEquals(torn.samples.length, 1);
    const again = await SamplesLog.resume(path, torn.validBytes);
    await again.append({ type: "sample", step: "native/startup/1", sample: sample(1, 2) });
    await again.append(done("native/startup/1"));
    again.close();
    const content = await readSamplesLog(path);
    assertEquals(content.tornLastLine, false);
    assertEquals(content.samples.map((s) => s.iteration), [0, 1]);
    assert((await Deno.readTextFile(path)).endsWith("}\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseSamplesLog() names a corrupt complete line", () => {
  const text = '{"type":"run"}\n';
  assertThrows(
    () => parseSamplesLog(text, "x.jsonl"),
    SyntaxError,
    'samples log "x.jsonl": line 1',
  );
  assertThrows(() => parseSamplesLog("not json\n{}\n"), SyntaxError, "line 1");
  assertEquals(parseSamplesLog("").finished.size, 0);
});
