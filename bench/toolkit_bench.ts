/**
 * The toolkit's own performance, each figure from one run side by side (`deno task bench`):
 *
 * 1. harness overhead and fidelity (bench/harness_bench.ts): start latency of `true` under
 *    native via ocibench ÷ hyperfine, and sysbench cpu via ocibench ÷ spawned directly;
 * 2. repetitions: runs an adaptive plan (`collect --target-ci 2`) needs, against a fixed 10-run
 *    plan of the same steps, with the precision each reached and the runs the fixed plan would
 *    need for the same precision (n × (half-width ÷ target)², the 1/√n law);
 * 3. analyze + report time and peak memory at 10 k, 100 k and 1 M samples of a synthetic run shaped
 *    like a real one (every benchmark's metrics, every registered runtime), each size in its own
 *    process;
 * 4. decided cells per minute of budget: `collect --budget` against a fixed plan of the same
 *    duration, on cells simulated from the published run (bench/budget_bench.ts).
 *
 * Usage: `deno task bench [--skip harness,adaptive,scale,budget] [--sizes 10000,100000,1000000]`.
 * Needs root and the benchmark image for parts 1 and 2.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { ResultSet } from "../model/result_set.ts";
import { readResultSet } from "../model/read_result_set.ts";
import { writeResultSet } from "../model/write_result_set.ts";
import { BENCHMARKS } from "../collect/benchmarks/mod.ts";
import { allAdapters, baselineAdapter } from "../collect/runtimes/mod.ts";
import { ciHalfWidthPercent } from "../collect/adaptive.ts";
import { analyzeResultSets } from "../analyze/analyze_result_sets.ts";
import { syntheticResultSet } from "../tests/synthetic_run.ts";
import { peakResidentMiB } from "./peak_memory.ts";
import { buildReport } from "../report/build_report.ts";
import { budgetBench } from "./budget_bench.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const MAIN = `${ROOT}main.ts`;
const WAR_NOTEBOOK = `${ROOT}notebooks/runtimes_war.md`;
/** Every registered runtime with its isolation class. */
const RUNTIMES = allAdapters().map((a) => ({ id: a.id, isolation: a.isolation }));
/** The adaptive comparison's runtimes: the baseline and the first two OS-container runtimes. */
const ADAPTIVE_RUNTIMES = [
  baselineAdapter().id,
  ...RUNTIMES.filter((r) => r.isolation === "os-container").slice(0, 2).map((r) => r.id),
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

/** A synthetic run of about `total` samples over every registered metric and runtime. */
export function syntheticRun(total: number, seed = 7): ResultSet {
  const metrics = BENCHMARKS.flatMap((b) => b.metrics);
  return syntheticResultSet({
    runId: `synthetic-${total}`,
    seed,
    host: { id: "synthetic", description: "a synthetic host", cores: 2, memoryBytes: 2 ** 33 },
    runtimes: RUNTIMES,
    benchmarks: BENCHMARKS.map((b) => b.info),
    metrics,
    perCell: Math.max(2, Math.floor(total / (metrics.length * RUNTIMES.length))),
    value: (r, _metric, _m, random) =>
      100 * (1 + 0.03 * r) * Math.exp((random() + random() + random() - 1.5) * 0.08),
  });
}

async function scaleOne(total: number): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-bench-" });
  try {
    const path = `${dir}/synthetic.json`;
    await writeResultSet(path, syntheticRun(total));
    const before = peakResidentMiB();
    const t0 = performance.now();
    const set = await readResultSet(path);
    const t1 = performance.now();
    analyzeResultSets([set], { seed: 1 });
    const t2 = performance.now();
    const built = await buildReport(WAR_NOTEBOOK, { outDir: `${dir}/site`, data: [path] });
    const t3 = performance.now();
    console.log(JSON.stringify({
      samples: set.samples.length,
      readS: (t1 - t0) / 1000,
      analyzeS: (t2 - t1) / 1000,
      reportS: (t3 - t2) / 1000,
      peakMiB: peakResidentMiB(),
      peakBeforeMiB: before,
      htmlKiB: built.htmlBytes / 1024,
    }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function scale(sizes: number[]): Promise<void> {
  console.log("3. analyze + report of a synthetic run (every metric, 15 runtimes)");
  console.log(
    "   samples    read s  analyze s  report s  total s  µs/sample  peak RSS MiB  HTML KiB",
  );
  for (const total of sizes) {
    const out = await deno([
      "run",
      "-A",
      "--unstable-worker-options",
      "--v8-flags=--max-old-space-size=4096",
      import.meta.filename!,
      "--one",
      String(total),
    ], true);
    const r = JSON.parse(out.trim().split("\n").at(-1)!);
    const totalS = r.readS + r.analyzeS + r.reportS;
    console.log(
      `   ${String(r.samples).padStart(7)}  ${r.readS.toFixed(2).padStart(8)}  ${
        r.analyzeS.toFixed(2).padStart(9)
      }  ${r.reportS.toFixed(2).padStart(8)}  ${totalS.toFixed(2).padStart(7)}  ${
        (totalS * 1e6 / r.samples).toFixed(1).padStart(9)
      }  ${r.peakMiB.toFixed(0).padStart(12)}  ${r.htmlKiB.toFixed(0).padStart(8)}`,
    );
  }
  console.log("   goal: 1 M samples in under 10 s and 1 GiB, cost linear");
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
      one: { type: "string" },
      skip: { type: "string", default: "" },
      sizes: { type: "string", default: "10000,100000,1000000" },
    },
  });
  if (values.one !== undefined) {
    await scaleOne(Number(values.one));
  } else {
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
}
