/**
 * `collect`: runs the benchmarks under the container runtimes of this host and writes a result
 * set (see model/run_layout.ts for the files of a run).
 *
 * @module
 */
import {
  type Command,
  EXIT_FAILURE,
  EXIT_OK,
  parseCommandArgs,
  positiveNumber,
  UsageError,
} from "./command.ts";
import { BENCHMARKS, listSuites, resolveBenchmarks } from "../collect/benchmarks/mod.ts";
import { buildImage } from "../collect/image.ts";
import {
  type CollectionOutcome,
  DEFAULT_STEP_TIMEOUT_MS,
  newRunId,
  readRunRecord,
  runCollection,
} from "../collect/run_loop.ts";
import { checkRunId, runLayout } from "../model/run_layout.ts";
import { checkHostLock, checkRunLock, defaultHostLockPath } from "../collect/run_lock.ts";
import { REAL_FILE_SYSTEM } from "../collect/run_effects.ts";
import type { RunRecordOptions } from "../collect/samples_log.ts";
import { DEFAULT_MAX_RUNS, DEFAULT_MAX_TIME_S } from "../collect/adaptive.ts";
import { DEFAULT_LOOKS, DEFAULT_MIN_RUNS } from "../collect/budget_policy.ts";
import { parseDuration } from "./parse_duration.ts";
import type { RuntimeAdapter } from "../collect/types.ts";
import { allAdapters } from "../collect/runtimes/mod.ts";
import { describeLeftovers, findLeftovers } from "../collect/leftovers.ts";

/** Measured repetitions per (runtime, benchmark) of a full collection. */
export const DEFAULT_REPETITIONS = 5;
/** Warm-up runs per (runtime, benchmark) of a full collection. */
export const DEFAULT_WARMUPS = 1;

const HELP = `Usage: ocibench collect [options]

Runs the benchmarks in the same OCI image under each container runtime of this host (and
natively, the baseline) and writes:
  <out>/<run-id>/samples.jsonl   every value, appended and fsynced as it is measured
  <out>/<run-id>.json            the result set (validated), written when the run ends,
                                 also when it is interrupted (status "interrupted")

Options:
  --quick                  small sizes, 1 repetition, no warm-up, the "quick" suite
  --sizes quick|full       step sizes (default: quick with --quick or --budget, else full). Quick
                           steps are shorter, never meaningless (fio time-based, STREAM arrays
                           ≥ 4 × the last-level cache); a budget buys repetitions, which give
                           intervals, rather than long steps
  --runtimes a,b           runtime ids (default: every usable one; the unusable ones are
                           skipped by name with the reason; one asked for by name that is
                           unusable is recorded as a failure)
  --benchmarks x,y|suite   benchmark ids and suites (default: "quick" with --quick, else "full")
  --repetitions N          measured repetitions per (runtime, benchmark) (default ${DEFAULT_REPETITIONS}, --quick 1)
  --warmups N              warm-up runs before them, flagged in the samples (default ${DEFAULT_WARMUPS}, --quick 0)
  --target-ci P            adaptive: repeat a (runtime, benchmark) until the 95 % CI half-width
                           of the mean of each metric is within P % of the mean (Student t) ...
  --max-runs N             ... or N measured runs are made (default ${DEFAULT_MAX_RUNS})
  --max-time S             ... or its runs took S seconds in total (default ${DEFAULT_MAX_TIME_S})
  --budget T               decide within a time budget (e.g. 90s, 8m, 45m, 1h): warm-ups and
                           --min-runs of every cell, benchmark by benchmark, the cheapest first
                           (a short budget ends with whole benchmarks decidable, not every one
                           measured once), then more runs where the verdict against
                           the baseline is still undetermined, the cells closest to a decision
                           per second of step time first; stops when every cell is decided or
                           the time is spent (at most one step over) and says which. At most
                           ${DEFAULT_LOOKS} looks at the data share the 5 % error rate (as many as the time
                           allows; the last takes what is left), so looking often does not
                           inflate false decisions. Quick sizes unless --sizes full
  --min-runs N             measured runs of every cell before the first look (default ${DEFAULT_MIN_RUNS})
  --baseline ID            the runtime verdicts compare with (default: the native one)
  --resume RUN_ID          continue an interrupted or killed run without redoing finished steps
                           (the run id, e.g. 20261127-075501-3f9a0c, with --out for its directory;
                           one collection of a run at a time)
  --out DIR                results directory (default results)
  --seed N                 seed of the interleaved order (default: random, recorded in the log)
  --step-timeout S         kill a step after S seconds (default ${DEFAULT_STEP_TIMEOUT_MS / 1000})
  --rebuild                rebuild the benchmark image even when it is cached
  --list                   list the runtimes, benchmarks and suites, then exit

The order interleaves runtimes (a seeded shuffle in every round) so drift does not favour one.
Ctrl-C stops the running container, keeps every finished sample and marks the run
interrupted; a second Ctrl-C exits at once. Progress goes to stderr.
Exit code 0 when the run completed (failed steps are recorded in the result), 1 when it was
interrupted or nothing could be measured, 2 on bad usage.`;

function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw new UsageError("collect: an empty list was given");
  return items;
}

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer of at least ${min}, got "${value}"`);
  }
  return n;
}

function resolveRuntimes(ids: string[], all: RuntimeAdapter[]): RuntimeAdapter[] {
  return ids.map((id) => {
    const adapter = all.find((a) => a.id === id);
    if (!adapter) {
      throw new UsageError(
        `collect: unknown runtime "${id}"; known: ${all.map((a) => a.id).join(", ")}`,
      );
    }
    return adapter;
  });
}

function listing(all: RuntimeAdapter[]): string {
  const suites = listSuites();
  return [
    "Runtimes:",
    ...all.map((a) => `  ${a.id.padEnd(18)} ${a.isolation.padEnd(16)} ${a.name}`),
    "Benchmarks:",
    ...BENCHMARKS.map((b) =>
      `  ${b.info.id.padEnd(18)} ${b.info.category.padEnd(16)} ${b.info.name}`
    ),
    "Suites:",
    ...Object.entries(suites).map(([name, ids]) => `  ${name.padEnd(18)} ${ids.join(", ")}`),
  ].join("\n");
}

/** The options of a collection as the command line gives them (see the help text). */
export interface CollectFlags {
  quick?: boolean;
  sizes?: string;
  runtimes?: string;
  benchmarks?: string;
  repetitions?: string;
  warmups?: string;
  "target-ci"?: string;
  "max-runs"?: string;
  "max-time"?: string;
  budget?: string;
  "min-runs"?: string;
  baseline?: string;
  resume?: string;
  out?: string;
  seed?: string;
  "step-timeout"?: string;
  rebuild?: boolean;
  help?: boolean;
}

/** What a collection will do: a new run's plan, or the run to resume with its own plan. */
export interface CollectRequest {
  runId: string;
  outDir: string;
  record: RunRecordOptions;
  resume: boolean;
  rebuild: boolean;
}

/** Turns command-line options into a {@link CollectRequest}; bad options raise UsageError. */
export async function collectRequestFrom(
  values: CollectFlags,
  all: RuntimeAdapter[] = allAdapters(),
): Promise<CollectRequest> {
  const outDir = (values.out ?? "results").replace(/\/+$/, "") || ".";
  const rebuild = values.rebuild ?? false;
  if (values.resume !== undefined) {
    const ignored = Object.keys(values).filter((k) =>
      !["resume", "out", "rebuild", "help"].includes(k)
    );
    if (ignored.length > 0) {
      throw new UsageError(
        `collect: --resume continues a run with its own options; drop ${
          ignored.map((k) => `--${k}`).join(", ")
        }`,
      );
    }
    let runId: string;
    try {
      runId = checkRunId(values.resume, "--resume");
    } catch (error) {
      throw new UsageError(`collect: ${(error as Error).message}`);
    }
    const layout = runLayout(outDir, runId);
    // Fail at once, before the image is built, when another session is collecting this run.
    await checkRunLock(layout, REAL_FILE_SYSTEM);
    const record = await readRunRecord(layout, REAL_FILE_SYSTEM);
    return { runId, outDir, record, resume: true, rebuild };
  }
  const quick = values.quick ?? false;
  const adaptive = values["target-ci"] !== undefined;
  const budgeted = values.budget !== undefined;
  if (values.sizes !== undefined && values.sizes !== "quick" && values.sizes !== "full") {
    throw new UsageError(`collect: --sizes is "quick" or "full", got "${values.sizes}"`);
  }
  const quickSizes = values.sizes !== undefined ? values.sizes === "quick" : quick || budgeted;
  const modes = [
    values.repetitions !== undefined ? "--repetitions" : "",
    adaptive ? "--target-ci" : "",
    budgeted ? "--budget" : "",
  ].filter((m) => m !== "");
  if (modes.length > 1) {
    throw new UsageError(
      `collect: give one of --repetitions, --target-ci, --budget; got ${modes.join(" and ")}`,
    );
  }
  if (!budgeted && (values["min-runs"] !== undefined || values.baseline !== undefined)) {
    throw new UsageError("collect: --min-runs and --baseline go with --budget");
  }
  if (!adaptive && (values["max-runs"] !== undefined || values["max-time"] !== undefined)) {
    throw new UsageError("collect: --max-runs and --max-time go with --target-ci");
  }
  const benchmarkNames = splitList(values.benchmarks) ?? [quick ? "quick" : "full"];
  let benchmarks;
  try {
    benchmarks = resolveBenchmarks(benchmarkNames);
  } catch (error) {
    throw new UsageError(`collect: ${(error as Error).message}`);
  }
  const runtimeIds = splitList(values.runtimes);
  if (runtimeIds) resolveRuntimes(runtimeIds, all);
  let budget: RunRecordOptions["budget"];
  if (budgeted) {
    let budgetMs: number;
    try {
      budgetMs = parseDuration(values.budget!, "--budget");
    } catch (error) {
      throw new UsageError(`collect: ${(error as Error).message}`);
    }
    const ids = runtimeIds ?? all.map((a) => a.id);
    const baseline = values.baseline ?? all.find((a) => a.isolation === "native")?.id;
    if (baseline === undefined) {
      throw new UsageError(
        "collect: no runtime runs natively to compare with; name one with --baseline",
      );
    }
    if (!ids.includes(baseline)) {
      throw new UsageError(
        `collect: the baseline "${baseline}" is not among the runtimes (${ids.join(", ")}); ` +
          "add it to --runtimes or choose another with --baseline",
      );
    }
    budget = {
      budgetMs,
      minRuns: integer("min-runs", values["min-runs"], DEFAULT_MIN_RUNS, 2),
      baseline,
      looks: DEFAULT_LOOKS,
    };
  }
  const record: RunRecordOptions = {
    runtimes: runtimeIds ?? all.map((a) => a.id),
    explicitRuntimes: runtimeIds !== undefined,
    benchmarks: benchmarks.map((b) => b.info.id),
    quick: quickSizes,
    seed: integer("seed", values.seed, Math.floor(Math.random() * 2 ** 31), 0),
    warmups: integer("warmups", values.warmups, quick ? 0 : DEFAULT_WARMUPS, 0),
    stepTimeoutMs: positiveNumber(
      "step-timeout",
      values["step-timeout"],
      DEFAULT_STEP_TIMEOUT_MS / 1000,
    ) * 1000,
    ...(budget ? { budget } : adaptive
      ? {
        adaptive: {
          targetCiPercent: positiveNumber("target-ci", values["target-ci"], 5),
          maxRuns: integer("max-runs", values["max-runs"], DEFAULT_MAX_RUNS, 1),
          maxTimeS: positiveNumber("max-time", values["max-time"], DEFAULT_MAX_TIME_S),
        },
      }
      : {
        repetitions: integer(
          "repetitions",
          values.repetitions,
          quick ? 1 : DEFAULT_REPETITIONS,
          1,
        ),
      }),
  };
  return { runId: newRunId(), outDir, record, resume: false, rebuild };
}

/**
 * Runs a collection: builds (or finds) the image, handles Ctrl-C (first: stop after cleanup,
 * second: quit at once), runs the plan and cleans up. Progress goes to stderr.
 */
export async function executeCollection(
  request: CollectRequest,
  all: RuntimeAdapter[] = allAdapters(),
): Promise<CollectionOutcome> {
  const { runId, outDir, record } = request;
  // Fail at once, before the image is built, when another collection runs on this host.
  await checkHostLock(defaultHostLockPath(), REAL_FILE_SYSTEM);
  const image = await buildImage({ rebuild: request.rebuild, log: (m) => console.error(m) });
  const controller = new AbortController();
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals === 1) {
      console.error("\nocibench: stopping after cleanup (press Ctrl-C again to quit at once)");
      controller.abort(new Error("interrupted"));
    } else {
      Deno.exit(130);
    }
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    console.error(`ocibench collect: run ${runId} → ${runLayout(outDir, runId).result}`);
    return await runCollection({
      runId,
      outDir,
      resume: request.resume,
      runtimes: resolveRuntimes(record.runtimes, all),
      benchmarks: resolveBenchmarks(record.benchmarks),
      record,
      image,
      signal: controller.signal,
      findLeftovers: async (prefix) => {
        const found = await findLeftovers(prefix);
        return found.length > 0 ? describeLeftovers(found).split("\n") : [];
      },
    });
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
}

/** The `collect` subcommand. */
export const collectCommand: Command = {
  name: "collect",
  summary: "run the benchmarks under every runtime and write a result set",
  help: HELP,
  async run(args) {
    const { values } = parseCommandArgs("collect", args, {
      quick: { type: "boolean" },
      sizes: { type: "string" },
      runtimes: { type: "string" },
      benchmarks: { type: "string" },
      repetitions: { type: "string" },
      warmups: { type: "string" },
      "target-ci": { type: "string" },
      "max-runs": { type: "string" },
      "max-time": { type: "string" },
      budget: { type: "string" },
      "min-runs": { type: "string" },
      baseline: { type: "string" },
      resume: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
      "step-timeout": { type: "string" },
      rebuild: { type: "boolean" },
      list: { type: "boolean" },
    });
    if (values.help) {
      console.log(HELP);
      return EXIT_OK;
    }
    const all = allAdapters();
    if (values.list) {
      console.log(listing(all));
      return EXIT_OK;
    }
    const { list: _list, ...flags } = values;
    const outcome = await executeCollection(await collectRequestFrom(flags, all), all);
    console.log(outcome.resultPath);
    return outcome.status === "complete" ? EXIT_OK : EXIT_FAILURE;
  },
};
