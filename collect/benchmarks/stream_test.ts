import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { readToolOutput } from "./_fixture.ts";
import {
  hostStreamSizing,
  parseStream,
  STREAM_ELEMENTS,
  STREAM_KERNELS,
  STREAM_LLC_FACTOR,
  STREAM_QUICK_ELEMENTS,
  streamBenchmark,
  streamElements,
  streamSizingParameters,
} from "./stream.ts";
import { cpuCaches, lastLevelCache } from "../cpu_cache.ts";

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

Deno.test("streamElements() makes each array ≥ 4 × the last-level cache in quick and full mode", () => {
  const l3 = 32 * 2 ** 20; // the fixture host's L3
  const quick = streamElements({ quick: true, lastLevelCacheBytes: l3 });
  assertEquals(quick * 8 >= STREAM_LLC_FACTOR * l3, true);
  assertEquals(quick, 17_000_000);
  // Full mode keeps its larger minimum when that is beyond the rule already.
  assertEquals(streamElements({ quick: false, lastLevelCacheBytes: l3 }), STREAM_ELEMENTS);
  // A 256 MiB cache raises both.
  const big = 256 * 2 ** 20;
  for (const q of [true, false]) {
    assertEquals(streamElements({ quick: q, lastLevelCacheBytes: big }) * 8 >= 4 * big, true);
  }
  // A small cache leaves the mode's minimum; an unknown cache gets the full size.
  assertEquals(
    streamElements({ quick: true, lastLevelCacheBytes: 2 ** 20 }),
    STREAM_QUICK_ELEMENTS,
  );
  assertEquals(streamElements({ quick: true }), STREAM_ELEMENTS);
});

Deno.test("stream records the array size and the last-level cache it was sized from", () => {
  const params = streamSizingParameters({ elements: 17_000_000, lastLevelCacheBytes: 2 ** 25 });
  assertEquals(params.arrayBytes, 136_000_000);
  assertEquals(params.lastLevelCacheBytes, 2 ** 25);
  assertEquals(
    streamSizingParameters({ elements: 1 }).lastLevelCacheBytes,
    "unknown (not listed in sysfs)",
  );
  // On this host: the definition's parameters follow the sysfs cache.
  const llc = lastLevelCache(cpuCaches())?.sizeBytes;
  const onHost = streamBenchmark.hostParameters!({ quick: true });
  assertEquals(onHost.elementsUsed, hostStreamSizing(true).elements);
  if (llc !== undefined) assertEquals(Number(onHost.arrayBytes) >= 4 * llc, true);
});
