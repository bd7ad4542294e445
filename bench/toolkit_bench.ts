/**
 * The toolkit's own performance, each figure from one run side by side (`deno task bench`):
 *
 * 1. harness overhead and fidelity (bench/harness_bench.ts): start latency of `true` under
 *    native via ocibench ÷ hyperfine, and sysbench cpu via ocibench ÷ spawned directly;
 * 2. repetitions: runs an adaptive plan (`collect --target-ci 2`) needs, against a fixed 10-run
 *    plan of the same steps, with the precision each reached and the runs the fixed plan would
 *    need for the same precision (n × (half-width ÷ target)², the 1/√n law);
 * 3. read, analyze and report time and peak memory (builder and cell sandbox) of synthetic runs:
 *    shaped like a real one (every benchmark's metrics, 15 runtimes) at 10 k, 100 k and 1 M
 *    samples, and the worst layout (10 runtimes × 50 metrics × 2 000 samples), each case in its
 *    own process (bench/analyze_bench.ts; `deno task bench:analyze` runs this part alone);
 * 4. decided cells per minute of budget: `collect --budget` against a fixed plan of the same
 *    duration, on cells simulated from the published run (bench/budget_bench.ts;
 *    `deno task bench:budget` runs this part alone).
 *
 * Usage: `deno task bench [--skip harness,adaptive,scale,budget] [--sizes 10000,100000,1000000]`.
 * Needs root and the benchmark image for parts 1 and 2.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { ResultSet } from "../model/result_set.ts";
import { readResultSet } from "../model/read_result_set.ts";
import { allAdapters, baselineAdapter } from "../collect/runtimes/mod.ts";
import { ciHalfWidthPercent } from "../collect/adaptive.ts";
import { benchAnalyzeReport } from "./analyze_bench.ts";
import { budgetBench } from "./budget_bench.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const MAIN = `${ROOT}main.ts`;
/** The adaptive comparison's runtimes: the baseline and the first two OS-container runtimes. */
const ADAPTIVE_RUNTIMES = [
  baselineAdapter().id,
  ...allAdapters().filter((a) => a.isolation === "os-container").slice(0, 2).map((a) => a.id),
];

async function deno(args: string[], capture: boolean): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: capture ? "piped" : "inherit",
    stderr: "inherit",
    env: { CI: "true" },
  }).output();
  if (out.code !== 0) throw new Error(`deno ${args.join(" ")} exited with ${out.code}`);
  return capture ? new TextDecoder().decode(out.stdout) : "";
}

async function scale(sizes: number[]): Promise<void> {
  console.log(
    "3. read + analyze + report of synthetic runs: every metric × 15 runtimes, and the worst " +
      "layout",
  );
  await benchAnalyzeReport({ layouts: ["run", "worst"], sizes });
}

async function adaptive(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-bench-" });
  try {
    const common = [
      "run",
      "-A",
      MAIN,
      "collect",
      "--quick",
      "--runtimes",
      ADAPTIVE_RUNTIMES.join(","),
      "--benchmarks",
      "startup,sysbench_cpu",
      "--seed",
      "1",
      "--out",
      dir,
    ];
    const adaptivePath = (await deno([...common, "--target-ci", "2", "--max-runs", "40"], true))
      .trim().split("\n").at(-1)!;
    const fixedPath = (await deno([...common, "--repetitions", "10"], true)).trim().split("\n")
      .at(-1)!;
    const [a, f] = [await readResultSet(adaptivePath), await readResultSet(fixedPath)];
    const values = (set: ResultSet, runtime: string, metric: string) =>
      set.samples.filter((s) =>
        s.kind === "sample" && !s.warmup && s.runtime === runtime && s.metric === metric
      ).map((s) => s.value as number);
    console.log("2. repetitions: adaptive --target-ci 2 (max 40 runs) vs a fixed 10-run plan");
    console.log(
      "   runtime  metric                     adaptive runs  its CI ±%  fixed-10 CI ±%  runs fixed needs for ±2 %",
    );
    let adaptiveRuns = 0;
    let fixedNeeds = 0;
    for (const runtime of ADAPTIVE_RUNTIMES) {
      for (const metric of a.metrics.map((m) => m.id)) {
        const va = values(a, runtime, metric);
        const vf = values(f, runtime, metric);
        if (va.length === 0 || vf.length === 0) continue;
        const hwA = ciHalfWidthPercent(va);
        const hwF = ciHalfWidthPercent(vf);
        const needs = Math.max(vf.length, Math.ceil(vf.length * (hwF / 2) ** 2));
        adaptiveRuns += va.length;
        fixedNeeds += needs;
        console.log(
          `   ${runtime.padEnd(7)}  ${metric.padEnd(25)}  ${String(va.length).padStart(13)}  ${
            hwA.toFixed(2).padStart(9)
          }  ${hwF.toFixed(2).padStart(14)}  ${String(needs).padStart(26)}`,
        );
      }
    }
    console.log(
      `   total runs: adaptive ${adaptiveRuns}; fixed plans sized for ±2 % would need ${fixedNeeds}` +
        ` (a fixed 10-run plan misses ±2 % wherever its CI column is above 2)`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      skip: { type: "string", default: "" },
      sizes: { type: "string", default: "10000,100000,1000000" },
    },
  });
  const skip = values.skip.split(",");
  console.log(`ocibench toolkit benchmark, ${navigator.hardwareConcurrency} cores`);
  if (!skip.includes("harness")) {
    console.log("1. harness overhead and fidelity");
    await deno(["run", "-A", `${ROOT}bench/harness_bench.ts`, "--rounds", "3"], false);
  }
  if (!skip.includes("adaptive")) await adaptive();
  if (!skip.includes("scale")) await scale(values.sizes.split(",").map(Number));
  if (!skip.includes("budget")) await budgetBench();
}
