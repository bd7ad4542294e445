/**
 * How much ocibench's own harness costs, from one run, side by side:
 *
 * 1. sysbench cpu events/s through ocibench's native runner (the `native` adapter and the
 *    process runner) ÷ the same command spawned directly (goal ≥ 0.98);
 * 2. start latency of `true` under `native` as ocibench's `startup` benchmark measures it (through
 *    the persistent step timer a collection opens) ÷ as hyperfine measures it (`hyperfine -N`, no
 *    shell) (goal ≤ 1.05), in interleaved rounds: each round's ratio is printed, then the pooled
 *    one.
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
import { openTimerServer } from "../collect/timer_server.ts";

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Alternating blocks of each side per round of the start-latency comparison. */
const TRUE_BLOCKS = 4;

async function hyperfineTimes(argv: string[], jsonPath: string): Promise<number[]> {
  const h = await new Deno.Command(argv[0], { args: argv.slice(1), stdout: "null", stderr: "null" })
    .output();
  if (h.code !== 0) throw new Error(`hyperfine exited with ${h.code}`);
  const json = JSON.parse(await Deno.readTextFile(jsonPath)) as { results: { times: number[] }[] };
  return json.results[0].times.map((s) => s * 1000);
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
  // As a collection does: one persistent step timer for the whole run.
  const closeTimer = await openTimerServer();
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
    // 2. start latency of true: our startup benchmark vs hyperfine. Each round alternates
    // TRUE_BLOCKS blocks of `trueRuns` of each side, so a drift of this shared host within a round
    // hits both sides alike; hyperfine's blocks stay long enough for its own warm-up.
    const ours: number[] = [];
    const theirs: number[] = [];
    const roundRatios: { ours: number; theirs: number; again: number }[] = [];
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
      const roundOurs: number[] = [];
      const roundTheirs: number[] = [];
      const roundAgain: number[] = [];
      for (let b = 0; b < TRUE_BLOCKS; b++) {
        for (let j = 0; j < 3; j++) await startupBenchmark.measure(measure); // warm-up
        for (let j = 0; j < trueRuns; j++) {
          const [v] = await startupBenchmark.measure(measure);
          roundOurs.push(v.value);
        }
        roundTheirs.push(...await hyperfineTimes(hyperfineArgv, jsonPath));
        // hyperfine once more: its spread against itself is the noise floor of the ratio here.
        roundAgain.push(...await hyperfineTimes(hyperfineArgv, jsonPath));
      }
      ours.push(...roundOurs);
      theirs.push(...roundTheirs);
      roundRatios.push({
        ours: median(roundOurs),
        theirs: median(roundTheirs),
        again: median(roundAgain),
      });
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
    console.log(
      `   ${hyperfineArgv.join(" ")} (${TRUE_BLOCKS} blocks a round): median ${
        f(median(theirs))
      } ms`,
    );
    roundRatios.forEach((r, i) => {
      const ratio = r.ours / r.theirs;
      console.log(
        `   round ${i + 1}: ocibench ${f(r.ours)} ms, hyperfine ${f(r.theirs)} ms, ` +
          `ratio ${ratio.toFixed(3)} (${ratio <= 1.05 ? "met" : "NOT met"}); ` +
          `hyperfine ÷ hyperfine run again ${(r.again / r.theirs).toFixed(3)} (the host's noise)`,
      );
    });
    console.log(
      `   pooled ratio ocibench ÷ hyperfine = ${startRatio.toFixed(3)} (goal ≤ 1.05: ${
        startRatio <= 1.05 ? "met" : "NOT met"
      })`,
    );
    console.log("");
    console.log(
      `3. Deno's own spawn of true, ${plain.length} runs each: plain ${f(median(plain))} ms, ` +
        `in a new session (detached, as the runner spawns) ${f(median(session))} ms`,
    );
  } finally {
    await closeTimer();
    await Deno.remove(workDir, { recursive: true });
  }
}

if (import.meta.main) await main();
