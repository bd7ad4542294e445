import { assert, assertEquals } from "../../tests/assert.ts";
import { readResultSet } from "../../model/read_result_set.ts";
import { findBenchmark, listSuites, resolveBenchmarks } from "./mod.ts";
import { PI_PAPER_DIGITS, STREAM_PAPER_ELEMENTS } from "./paper_scale.ts";

Deno.test("the paper suite runs the paper-scale π and STREAM, bonnie++ and qperf; full does not", () => {
  assertEquals(resolveBenchmarks(["paper"]).map((b) => b.info.id).sort(), [
    "bonnie_layer",
    "pi_paper",
    "qperf",
    "stream_paper",
  ]);
  const full = listSuites().full;
  assert(!full.includes("pi_paper") && !full.includes("stream_paper"), full.join(","));
  assertEquals(findBenchmark("stream_paper")?.info.parameters?.elements, STREAM_PAPER_ELEMENTS);
  assertEquals(findBenchmark("pi_paper")?.info.parameters?.digits, PI_PAPER_DIGITS);
});

Deno.test("stream_paper's array size is the one Table 11's times and rates imply", async () => {
  const set = await readResultSet("fixtures/paper_2020/table11_stream.json");
  const value = (runtime: string, metric: string) =>
    set.samples.find((s) => s.runtime === runtime && s.metric === metric)!.value!;
  const bytesPerElement = { copy: 16, scale: 16, add: 24, triad: 24 };
  // Average time × best rate ÷ bytes per element: an upper bound (the average is above the
  // minimum time the best rate comes from), within a few percent on every row but Kata's.
  for (const runtime of ["docker-ubuntu18", "docker-ubuntu20", "rkt", "firecracker", "wsl2"]) {
    for (const [kernel, bytes] of Object.entries(bytesPerElement)) {
      const implied = value(runtime, `stream.${kernel}_avg_time`) *
        value(runtime, `stream.${kernel}_best_rate`) * 1e6 / bytes;
      assert(
        implied > STREAM_PAPER_ELEMENTS * 0.95 && implied < STREAM_PAPER_ELEMENTS * 1.35,
        `${runtime} ${kernel}: ${implied}`,
      );
    }
  }
});
