import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { readToolOutput } from "./_fixture.ts";
import { parseStream, STREAM_KERNELS, streamBenchmark } from "./stream.ts";

Deno.test("parseStream() reads the four kernels' rates and times", () => {
  const full = parseStream(readToolOutput("stream", "n20000000.stdout"));
  assertEquals(full.elements, 20_000_000);
  assertEquals(full.kernels.copy, {
    bestRateMBps: 30073.3,
    avgTimeS: 0.014885,
    minTimeS: 0.010641,
    maxTimeS: 0.035044,
  });
  assertAlmostEquals(full.kernels.triad.bestRateMBps, 28586.4, 1e-9);
  // Best rate = bytes moved / min time: Add moves 3 arrays of 8-byte doubles.
  const add = full.kernels.add;
  assertAlmostEquals(3 * 8 * full.elements / add.minTimeS / 1e6, add.bestRateMBps, 5);
  for (const kernel of STREAM_KERNELS) {
    const k = full.kernels[kernel];
    assertEquals(k.minTimeS <= k.avgTimeS && k.avgTimeS <= k.maxTimeS, true, kernel);
  }
  assertEquals(parseStream(readToolOutput("stream", "n4000000.stdout")).elements, 4_000_000);
});

Deno.test("parseStream() rejects error output and unvalidated results", () => {
  assertThrows(
    () => parseStream(readToolOutput("stream", "error_bad_n.stdout")),
    SyntaxError,
    "empty output",
  );
  const unvalidated = readToolOutput("stream", "n4000000.stdout").replace(
    "Solution validates",
    "",
  );
  assertThrows(() => parseStream(unvalidated), SyntaxError, "Solution validates");
  const noTriad = readToolOutput("stream", "n4000000.stdout").replace(/^Triad.*$/m, "");
  assertThrows(() => parseStream(noTriad), SyntaxError, "Triad");
});

Deno.test("stream's metrics are the paper's Table 11 ids with units and directions", () => {
  const table11 = JSON.parse(
    Deno.readTextFileSync(
      new URL("../../fixtures/paper_2020/table11_stream.json", import.meta.url),
    ),
  ) as { metrics: { id: string; unit: string; direction: string }[] };
  const ours = streamBenchmark.metrics.map((m) => [m.id, m.unit, m.direction]).sort();
  const paper = table11.metrics.map((m) => [m.id, m.unit, m.direction]).sort();
  assertEquals(ours, paper);
});
