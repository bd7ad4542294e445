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
import type { ResultSet, Sample } from "../model/result_set.ts";
import { analyzeResultSets } from "../analyze/analyze_result_sets.ts";
import { createRandom } from "../analyze/random.ts";

const SIZES = [10_000, 100_000, 1_000_000];
const LAYOUTS = {
  wide: { runtimes: 8, metrics: 5 },
  deep: { runtimes: 2, metrics: 1 },
} as const;
type Layout = keyof typeof LAYOUTS;

function peakResidentMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** A synthetic result set of `total` samples: log-normal-ish timings, a few outliers. */
function syntheticSet(layout: Layout, total: number): ResultSet {
  const { runtimes, metrics } = LAYOUTS[layout];
  const perCell = Math.floor(total / (runtimes * metrics));
  const random = createRandom(42);
  const samples: Sample[] = [];
  for (let r = 0; r < runtimes; r++) {
    for (let m = 0; m < metrics; m++) {
      const center = 10 * (1 + r * 0.05) * (1 + m);
      for (let i = 0; i < perCell; i++) {
        const noise = Math.exp((random() + random() + random() - 1.5) * 0.1);
        const spike = random() < 0.01 ? 1.5 : 1;
        samples.push({
          kind: "sample",
          runtime: `rt${r}`,
          benchmark: "bench",
          metric: `bench.m${m}`,
          unit: "s",
          direction: "lower",
          value: center * noise * spike,
          iteration: i,
          warmup: false,
          startedAt: "2026-01-01T00:00:00Z",
          finishedAt: "2026-01-01T00:00:01Z",
        });
      }
    }
  }
  return {
    schemaVersion: 1,
    runId: `bench-${layout}-${total}`,
    status: "complete",
    host: { id: "bench-host", description: "synthetic", cores: 2, memoryBytes: 2 ** 33 },
    runtimes: Array.from({ length: runtimes }, (_, r) => ({
      id: `rt${r}`,
      name: `rt${r}`,
      isolation: "os-container" as const,
      historical: false,
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
    samples,
    failures: [],
  };
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
