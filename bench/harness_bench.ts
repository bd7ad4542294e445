/**
 * How much ocibench's own harness costs, from one run, side by side:
 *
 * 1. sysbench cpu events/s through ocibench's native runner (the `native` adapter and the
 *    process runner) ÷ the same command spawned directly (goal ≥ 0.98);
 * 2. start latency of `true` under `native` as ocibench's `startup` benchmark measures it ÷ as
 *    hyperfine measures it (`hyperfine -N`, no shell) (goal ≤ 1.05).
 *
 * Medians of interleaved runs. Usage: `deno task bench [--rounds N] [--sysbench-time S]`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { baselineAdapter } from "../collect/runtimes/mod.ts";
import { findImage } from "../collect/image.ts";
import { parseSysbenchCpu, sysbenchCpuArgv } from "../collect/benchmarks/sysbench_cpu.ts";
import { startupBenchmark } from "../collect/benchmarks/startup.ts";
import type { AdapterContext, MeasureContext } from "../collect/types.ts";

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function direct(argv: string[]): Promise<{ stdout: string; code: number }> {
  const out = await new Deno.Command(argv[0], { args: argv.slice(1), stdout: "piped" }).output();
  return { stdout: new TextDecoder().decode(out.stdout), code: out.code };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string", default: "5" },
      "sysbench-time": { type: "string", default: "3" },
      "true-runs": { type: "string", default: "50" },
    },
  });
  const rounds = Number(values.rounds);
  const sysbenchTime = Number(values["sysbench-time"]);
  const trueRuns = Number(values["true-runs"]);
  const cores = navigator.hardwareConcurrency;
  const adapter = baselineAdapter();
  const workDir = await Deno.makeTempDir({ prefix: "ocibench-bench-" });
  const ctx: AdapterContext = {
    image: findImage(),
    workDir,
    namePrefix: "ocibench-bench",
    log: (m) => console.error(m),
  };
  const measure: MeasureContext = { runtime: adapter, adapter: ctx, quick: true, cores };
  try {
    // 1. sysbench cpu: interleaved A/B rounds so drift hits both sides alike.
    const argv = sysbenchCpuArgv(cores, sysbenchTime);
    const viaRunner: number[] = [];
    const viaDirect: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const r = await adapter.run({ argv, timeoutMs: (sysbenchTime + 60) * 1000 }, ctx);
      if (r.exitCode !== 0) throw new Error(`sysbench through the runner failed: ${r.stderr}`);
      viaRunner.push(parseSysbenchCpu(r.stdout).eventsPerSecond);
      const d = await direct(argv);
      if (d.code !== 0) throw new Error(`sysbench run directly exited with ${d.code}`);
      viaDirect.push(parseSysbenchCpu(d.stdout).eventsPerSecond);
    }
    // 2. start latency of true: our startup benchmark vs hyperfine, interleaved in blocks.
    const ours: number[] = [];
    const theirs: number[] = [];
    const jsonPath = `${workDir}/hyperfine.json`;
    const hyperfineArgv = [
      "hyperfine",
      "-N",
      "--warmup",
      "3",
      "--runs",
      String(trueRuns),
      "--export-json",
      jsonPath,
      "true",
    ];
    for (let i = 0; i < rounds; i++) {
      for (let j = 0; j < 3; j++) await startupBenchmark.measure(measure); // warm-up
      for (let j = 0; j < trueRuns; j++) {
        const [v] = await startupBenchmark.measure(measure);
        ours.push(v.value);
      }
      const h = await new Deno.Command(hyperfineArgv[0], {
        args: hyperfineArgv.slice(1),
        stdout: "null",
        stderr: "null",
      }).output();
      if (h.code !== 0) throw new Error(`hyperfine exited with ${h.code}`);
      const json = JSON.parse(await Deno.readTextFile(jsonPath)) as {
        results: { times: number[] }[];
      };
      theirs.push(...json.results[0].times.map((s) => s * 1000));
    }
    // Where a start-up gap comes from: Deno's own spawn, plain vs in a new session (`detached`,
    // which the process runner uses to kill whole trees and which forces fork+exec).
    const plain: number[] = [];
    const session: number[] = [];
    for (let i = 0; i < rounds * 10; i++) {
      for (const [detached, into] of [[false, plain], [true, session]] as const) {
        const t0 = performance.now();
        await new Deno.Command("true", { stdin: "null", stdout: "null", stderr: "null", detached })
          .output();
        into.push(performance.now() - t0);
      }
    }
    const cpuRatio = median(viaRunner) / median(viaDirect);
    const startRatio = median(ours) / median(theirs);
    const f = (x: number) => x.toFixed(2);
    console.log(`ocibench harness benchmark (${cores} cores, ${rounds} interleaved rounds)`);
    console.log("");
    console.log(`1. ${argv.join(" ")}`);
    console.log(
      `   through ocibench's native runner: median ${f(median(viaRunner))} events/s ` +
        `[${viaRunner.map(f).join(", ")}]`,
    );
    console.log(
      `   spawned directly:                 median ${f(median(viaDirect))} events/s ` +
        `[${viaDirect.map(f).join(", ")}]`,
    );
    console.log(
      `   ratio runner ÷ direct = ${cpuRatio.toFixed(3)} (goal ≥ 0.98: ${
        cpuRatio >= 0.98 ? "met" : "NOT met"
      })`,
    );
    console.log("");
    console.log(`2. start latency of true under native, ${ours.length} runs each`);
    console.log(`   ocibench startup benchmark: median ${f(median(ours))} ms`);
    console.log(`   ${hyperfineArgv.join(" ")}: median ${f(median(theirs))} ms`);
    console.log(
      `   ratio ocibench ÷ hyperfine = ${startRatio.toFixed(3)} (goal ≤ 1.05: ${
        startRatio <= 1.05 ? "met" : "NOT met"
      })`,
    );
    console.log("");
    console.log(
      `3. Deno's own spawn of true, ${plain.length} runs each: plain ${f(median(plain))} ms, ` +
        `in a new session (detached, as the runner spawns) ${f(median(session))} ms`,
    );
  } finally {
    await Deno.remove(workDir, { recursive: true });
  }
}

if (import.meta.main) await main();
