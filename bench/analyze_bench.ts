/**
 * Benchmark of `analyzeResultSets()`: analysis time and peak memory for 10 k, 100 k and 1 M
 * samples, in two layouts — "wide" (8 runtimes × 5 metrics, many cells) and "deep" (2 runtimes
 * × 1 metric, huge cells). Each size runs in its own process so that the peak resident set
 * (VmHWM) belongs to that size alone. Goal: 1 M samples in under 10 s and 1 GiB, cost linear.
 *
 * Run: `deno run -A bench/analyze_bench.ts` (or with `--one <layout> <n>` for a single case).
 *
 * @module
 */
import type { ResultSet } from "../model/result_set.ts";
import { analyzeResultSets } from "../analyze/analyze_result_sets.ts";
import { syntheticResultSet } from "../tests/synthetic_run.ts";
import { peakResidentMiB } from "./peak_memory.ts";

const SIZES = [10_000, 100_000, 1_000_000];
const LAYOUTS = {
  wide: { runtimes: 8, metrics: 5 },
  deep: { runtimes: 2, metrics: 1 },
} as const;
type Layout = keyof typeof LAYOUTS;

/** A synthetic result set of `total` samples: log-normal-ish timings, a few outliers. */
function syntheticSet(layout: Layout, total: number): ResultSet {
  const { runtimes, metrics } = LAYOUTS[layout];
  return syntheticResultSet({
    runId: `bench-${layout}-${total}`,
    seed: 42,
    host: { id: "bench-host", description: "synthetic", cores: 2, memoryBytes: 2 ** 33 },
    runtimes: Array.from({ length: runtimes }, (_, r) => ({
      id: `rt${r}`,
      isolation: "os-container" as const,
    })),
    benchmarks: [{ id: "bench", name: "bench", category: "cpu", tool: "synthetic" }],
    metrics: Array.from({ length: metrics }, (_, m) => ({
      id: `bench.m${m}`,
      benchmark: "bench",
      name: `metric ${m}`,
      category: "cpu" as const,
      unit: "s",
      direction: "lower" as const,
    })),
    perCell: Math.floor(total / (runtimes * metrics)),
    value(r, _metric, m, random) {
      const center = 10 * (1 + r * 0.05) * (1 + m);
      const noise = Math.exp((random() + random() + random() - 1.5) * 0.1);
      const spike = random() < 0.01 ? 1.5 : 1;
      return center * noise * spike;
    },
  });
}

function runOne(layout: Layout, total: number): void {
  const set = syntheticSet(layout, total);
  const beforeMiB = peakResidentMiB();
  const start = performance.now();
  const analysis = analyzeResultSets([set], { seed: 1 });
  const seconds = (performance.now() - start) / 1000;
  const peakMiB = peakResidentMiB();
  const cells = analysis.groups[0].metrics.length * analysis.groups[0].runtimes.length;
  const ciMethod = analysis.groups[0].metrics[0].summaries[0].ci?.method ?? "none";
  console.log(JSON.stringify({
    layout,
    samples: set.samples.length,
    cells,
    seconds: Number(seconds.toFixed(3)),
    peakMiB: Number(peakMiB.toFixed(0)),
    peakBeforeAnalysisMiB: Number(beforeMiB.toFixed(0)),
    ciMethod,
  }));
}

if (import.meta.main) {
  const [flag, layout, n] = Deno.args;
  if (flag === "--one") {
    runOne(layout as Layout, Number(n));
  } else {
    console.log(
      "layout  samples    cells  analysis s  µs/sample  peak RSS MiB (before analysis)  CI method",
    );
    for (const layout of Object.keys(LAYOUTS) as Layout[]) {
      for (const total of SIZES) {
        const out = await new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "-A",
            "--v8-flags=--max-old-space-size=4096",
            import.meta.filename!,
            "--one",
            layout,
            String(total),
          ],
          stdout: "piped",
          stderr: "inherit",
        }).output();
        const r = JSON.parse(new TextDecoder().decode(out.stdout));
        console.log(
          `${r.layout.padEnd(6)}  ${String(r.samples).padStart(7)}  ${
            String(r.cells).padStart(5)
          }  ` +
            `${r.seconds.toFixed(3).padStart(10)}  ${
              ((r.seconds * 1e6) / r.samples).toFixed(2).padStart(9)
            }  ` +
            `${String(r.peakMiB).padStart(12)} (${r.peakBeforeAnalysisMiB})  ${
              r.ciMethod.slice(0, 60)
            }`,
        );
      }
    }
  }
}
