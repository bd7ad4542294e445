/**
 * Time and peak memory of reading, analysing and reporting synthetic runs, in two layouts:
 *
 * - `run`: shaped like a real run — every registered metric, 15 runtimes — at the given sizes
 *   (default about 1 M samples);
 * - `worst`: 10 runtimes × 50 metrics × 2 000 samples (1 M samples), where every cell is as
 *   large as the resampling methods allow and every metric has 45 pairs to compare.
 *
 * Each case runs in its own process, so that the peak resident set (VmHWM, which counts the
 * report's cell worker too) belongs to that case alone. Columns: read (parse and validate the
 * file), analyze (`analyzeResultSets`, as the notebook's cells see it), report (`buildReport` of
 * `notebooks/runtimes_war.md` given the set read, its analysis and the cell sandbox started
 * before reading, as `war` does; a checkout whose buildReport cannot take them reads and
 * analyses the file again and starts its sandbox there), total, peak RSS of the builder and of
 * the cell sandbox when that runs as a process of its own (both count towards the 1 GiB).
 *
 * `--before DIR` runs every case also with the modules of another checkout of ocibench in DIR
 * (e.g. `git archive main | tar -x -C /tmp/before`, then `deno install` there), on the same
 * input files, and prints the two side by side with the ratio before ÷ now: on a shared, noisy
 * machine ratios from one run say more than absolute figures from different runs. `--rounds N` runs each case N times (before and
 * now taking turns) and keeps each column's fastest time and largest peak: the least disturbed
 * time is the nearest to the code's own.
 *
 * Usage: `deno task bench:analyze [--layouts run,worst] [--sizes 1000000] [--before DIR]
 * [--rounds N]`.
 * Goal: 1 M samples analysed and reported in under 10 s and 1 GiB; the worst layout analysed in
 * under 5 s.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { MetricInfo, ResultSet } from "../model/result_set.ts";
import { writeResultSet } from "../model/write_result_set.ts";
import { BENCHMARKS } from "../collect/benchmarks/mod.ts";
import { syntheticResultSet } from "../tests/synthetic_run.ts";
import { peakResidentMiB, watchChildrenPeak } from "./peak_memory.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const NOTEBOOK = "notebooks/runtimes_war.md";
const RUN_RUNTIMES = [
  "native",
  "runc",
  "crun",
  "runsc-ptrace",
  "podman-runc",
  "podman-crun",
  "podman-runsc",
  "docker-runc",
  "docker-crun",
  "docker-runsc",
  "containerd-runc",
  "containerd-runsc",
  "lxc",
  "systemd-nspawn",
  "bubblewrap",
];

/** The layouts the bench knows. */
export type Layout = "run" | "worst";

/** Runtimes, metrics and samples per cell of the worst layout. */
export const WORST_LAYOUT = { runtimes: 10, metrics: 50, perCell: 2000 } as const;

function isolationOf(id: string) {
  return id === "native"
    ? "native" as const
    : id.includes("runsc")
    ? "syscall-sandbox" as const
    : "os-container" as const;
}

/** A synthetic run of about `total` samples over every registered metric and 15 runtimes. */
export function syntheticRun(total: number, seed = 7): ResultSet {
  const metrics = BENCHMARKS.flatMap((b) => b.metrics);
  return syntheticResultSet({
    runId: `synthetic-${total}`,
    seed,
    host: { id: "synthetic", description: "a synthetic host", cores: 2, memoryBytes: 2 ** 33 },
    runtimes: RUN_RUNTIMES.map((id) => ({ id, isolation: isolationOf(id) })),
    benchmarks: BENCHMARKS.map((b) => b.info),
    metrics,
    perCell: Math.max(2, Math.floor(total / (metrics.length * RUN_RUNTIMES.length))),
    value: (r, _metric, _m, random) =>
      100 * (1 + 0.03 * r) * Math.exp((random() + random() + random() - 1.5) * 0.08),
  });
}

/**
 * The worst layout: 10 runtimes (the first `native`) × 50 metrics × 2 000 samples, log-normal-ish
 * values with 1 % spikes, runtimes 5 % apart.
 */
export function worstRun(seed = 42): ResultSet {
  const { runtimes, metrics, perCell } = WORST_LAYOUT;
  const ids = Array.from({ length: runtimes }, (_, r) => r === 0 ? "native" : `rt${r}`);
  const infos: MetricInfo[] = Array.from({ length: metrics }, (_, m) => ({
    id: `bench.m${m}`,
    benchmark: "bench",
    name: `metric ${m}`,
    category: "cpu",
    unit: "s",
    direction: m % 2 === 0 ? "lower" : "higher",
  }));
  return syntheticResultSet({
    runId: "worst-layout",
    seed,
    host: { id: "synthetic", description: "a synthetic host", cores: 2, memoryBytes: 2 ** 33 },
    runtimes: ids.map((id) => ({ id, isolation: isolationOf(id) })),
    benchmarks: [{ id: "bench", name: "bench", category: "cpu", tool: "synthetic" }],
    metrics: infos,
    perCell,
    value(r, _metric, m, random) {
      const center = 10 * (1 + r * 0.05) * (1 + m);
      const noise = Math.exp((random() + random() + random() - 1.5) * 0.1);
      return center * noise * (random() < 0.01 ? 1.5 : 1);
    },
  });
}

/** One case's figures, as a child process prints them. */
interface CaseResult {
  samples: number;
  readS: number;
  analyzeS: number;
  reportS: number;
  peakMiB: number;
  /** Peak of the report's cell sandbox when it is a process of its own (0 when in-process). */
  sandboxPeakMiB: number;
}

/** Runs one case in this process with the modules of the checkout in `root`. */
async function runCase(file: string, root: string): Promise<CaseResult> {
  const { readResultSet } = await import(`${root}/model/read_result_set.ts`);
  const { analyzeResultSets } = await import(`${root}/analyze/analyze_result_sets.ts`);
  const { buildReport } = await import(`${root}/report/build_report.ts`);
  const { startSandbox } = await import(`${root}/report/run_cells.ts`);
  const { observationCount } = await import(`${root}/model/sample_columns.ts`).catch(() => ({
    observationCount: undefined,
  }));
  const dir = await Deno.makeTempDir({ prefix: "ocibench-bench-site-" });
  try {
    // A checkout whose buildReport takes the sets read, their analysis and a sandbox started
    // before reading is given them, as `war` gives them; an older one reads and analyses again
    // inside buildReport and starts its sandbox there, as it did.
    const builder = await Deno.readTextFile(`${root}/report/build_report.ts`);
    const handsOver = builder.includes("dataSets?:");
    const startsEarly = builder.includes("sandbox?: StartedSandbox");
    const sandboxPeak = watchChildrenPeak();
    const t0 = performance.now();
    const sandbox = startsEarly ? startSandbox() : undefined;
    let set = await readResultSet(file);
    const t1 = performance.now();
    // What the notebook's cells see: seed 1, the set labelled with its file name.
    let analysis = analyzeResultSets([set], { seed: 1, labels: [file.split("/").at(-1)] });
    const t2 = performance.now();
    // Counted without making the samples as objects, where the checkout's model can.
    const samples = observationCount?.(set) ?? set.samples.length;
    const handed = {
      ...(handsOver ? { dataSets: [set], analysis } : {}),
      ...(sandbox ? { sandbox } : {}),
    };
    // Without hand-over, what the steps above hold is let go first, so that the peak is the
    // larger step's, not their sum.
    set = null;
    analysis = null;
    (globalThis as { gc?: () => void }).gc?.();
    await buildReport(`${root}/${NOTEBOOK}`, { outDir: dir, data: [file], ...handed });
    const t3 = performance.now();
    const sandboxPeakMiB = sandboxPeak.stop();
    return {
      samples,
      readS: (t1 - t0) / 1000,
      analyzeS: (t2 - t1) / 1000,
      reportS: (t3 - t2) / 1000,
      peakMiB: peakResidentMiB(),
      sandboxPeakMiB,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs one case in a process of its own; a case that fails gives its exit code. */
async function child(file: string, root: string): Promise<CaseResult | number> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-worker-options",
      "--v8-flags=--max-old-space-size=8192,--expose-gc",
      `--config=${ROOT}/deno.json`,
      import.meta.filename!,
      "--one",
      file,
      "--root",
      root,
    ],
    stdout: "piped",
    stderr: "inherit",
    env: { CI: "true" },
    // Notebooks read their references from within the working tree.
    cwd: root,
  }).output();
  if (out.code !== 0) return out.code;
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

function row(label: string, r: CaseResult | number): string {
  if (typeof r === "number") {
    return `   ${label.padEnd(14)}failed (exit code ${r}; its error is above)`;
  }
  const total = r.readS + r.analyzeS + r.reportS;
  return `   ${label.padEnd(14)}${String(r.samples).padStart(8)}  ${
    r.readS.toFixed(2).padStart(6)
  }  ${r.analyzeS.toFixed(2).padStart(9)}  ${r.reportS.toFixed(2).padStart(8)}  ${
    total.toFixed(2).padStart(7)
  }  ${r.peakMiB.toFixed(0).padStart(12)}  ${r.sandboxPeakMiB.toFixed(0).padStart(7)}`;
}

function ratioRow(before: CaseResult, now: CaseResult): string {
  const f = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  const total = (r: CaseResult) => r.readS + r.analyzeS + r.reportS;
  return `   ${"before ÷ now".padEnd(14)}${"".padStart(8)}  ${
    f(before.readS, now.readS).padStart(6)
  }  ${f(before.analyzeS, now.analyzeS).padStart(9)}  ${
    f(before.reportS, now.reportS).padStart(8)
  }  ${f(total(before), total(now)).padStart(7)}  ${f(before.peakMiB, now.peakMiB).padStart(12)}`;
}

/** Options of {@link benchAnalyzeReport}. */
export interface BenchOptions {
  layouts: Layout[];
  /** Sizes of the `run` layout, in samples. */
  sizes: number[];
  /** Another checkout of ocibench to measure side by side. */
  before?: string;
  /** Runs of each case (default 1): each column keeps its fastest time and largest peak. */
  rounds?: number;
}

/** The fastest of each time and the largest of each peak over `runs`; a failure wins. */
function best(runs: (CaseResult | number)[]): CaseResult | number {
  const failed = runs.find((r) => typeof r === "number");
  if (failed !== undefined) return failed;
  const ok = runs as CaseResult[];
  const min = (f: (r: CaseResult) => number) => Math.min(...ok.map(f));
  const max = (f: (r: CaseResult) => number) => Math.max(...ok.map(f));
  return {
    samples: ok[0].samples,
    readS: min((r) => r.readS),
    analyzeS: min((r) => r.analyzeS),
    reportS: min((r) => r.reportS),
    peakMiB: max((r) => r.peakMiB),
    sandboxPeakMiB: max((r) => r.sandboxPeakMiB),
  };
}

/** Prints read, analyze and report time and peak memory of each layout and size. */
export async function benchAnalyzeReport(options: BenchOptions): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-bench-" });
  try {
    if ((options.rounds ?? 1) > 1) {
      console.log(`   each figure: the fastest time, the largest peak of ${options.rounds} rounds`);
    }
    console.log(
      "   case          samples  read s  analyze s  report s  total s  peak RSS MiB  sandbox",
    );
    const cases: { name: string; make: () => ResultSet }[] = [
      ...(options.layouts.includes("run")
        ? options.sizes.map((n) => ({ name: `run ${n}`, make: () => syntheticRun(n) }))
        : []),
      ...(options.layouts.includes("worst") ? [{ name: "worst", make: () => worstRun() }] : []),
    ];
    for (const c of cases) {
      const file = `${dir}/${c.name.replace(/\s+/g, "-")}.json`;
      await writeResultSet(file, c.make());
      console.log(`   ${c.name}`);
      const befores: (CaseResult | number)[] = [];
      const nows: (CaseResult | number)[] = [];
      for (let round = 0; round < (options.rounds ?? 1); round++) {
        if (options.before) befores.push(await child(file, options.before));
        nows.push(await child(file, ROOT));
      }
      const before = options.before ? best(befores) : undefined;
      const now = best(nows);
      if (before !== undefined) console.log(row("before", before));
      console.log(row(before !== undefined ? "now" : "", now));
      if (typeof before === "object" && typeof now === "object") {
        console.log(ratioRow(before, now));
      }
      await Deno.remove(file);
    }
    console.log(
      "   goal: 1 M samples analysed and reported in < 10 s and < 1 GiB; worst layout " +
        `(${WORST_LAYOUT.runtimes} runtimes × ${WORST_LAYOUT.metrics} metrics × ` +
        `${WORST_LAYOUT.perCell} samples) analysed in < 5 s`,
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
      root: { type: "string", default: ROOT },
      layouts: { type: "string", default: "run,worst" },
      sizes: { type: "string", default: "1000000" },
      before: { type: "string" },
      rounds: { type: "string", default: "1" },
    },
  });
  if (values.one !== undefined) {
    console.log(JSON.stringify(await runCase(values.one, values.root.replace(/\/$/, ""))));
  } else {
    const layouts = values.layouts.split(",").map((l) => l.trim());
    for (const l of layouts) {
      if (l !== "run" && l !== "worst") {
        throw new RangeError(`--layouts: unknown layout "${l}"; give run, worst or both`);
      }
    }
    await benchAnalyzeReport({
      layouts: layouts as Layout[],
      sizes: values.sizes.split(",").map(Number),
      before: values.before?.replace(/\/$/, ""),
      rounds: Math.max(1, Number(values.rounds) || 1),
    });
  }
}
