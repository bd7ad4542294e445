/**
 * `war`: the whole study in one command — doctor, (optionally) install what is missing, build
 * the image, collect the quick suite on every usable runtime, analyse, render the report, and
 * print where it is with the decided verdicts against native.
 *
 * @module
 */
import { type Command, EXIT_FAILURE, EXIT_OK, parseCommandArgs, UsageError } from "./command.ts";
import { type CollectFlags, collectRequestFrom, executeCollection } from "./collect.ts";
import { formatDoctorReport, runDoctor } from "../collect/doctor.ts";
import { buildImage } from "../collect/image.ts";
import {
  installersToRun,
  installPackages,
  packagesToInstall,
  runInstallers,
} from "../collect/install_missing.ts";
import { allAdapters } from "../collect/runtimes/mod.ts";
import { observationCount } from "../model/sample_columns.ts";
import { readResultSet } from "../model/read_result_set.ts";
import { checkOutputDirectory } from "../model/read_text_file.ts";
import { analyzeResultSets } from "../analyze/analyze_result_sets.ts";
import { budgetOutlook, formatVerdictSummary } from "../report/format_verdict_summary.ts";
import { buildReport } from "../report/build_report.ts";
import { startSandbox } from "../report/run_cells.ts";
import type { ResultSet } from "../model/result_set.ts";

/** The notebook `war` renders. */
export const WAR_NOTEBOOK = new URL("../notebooks/runtimes_war.md", import.meta.url).pathname;

const HELP = `Usage: ocibench war [options]

The whole comparison in one command:
  1. doctor: which runtimes and tools this host has (with --install, as root, the missing ones
     that Debian packages are installed with apt, and what runtimes fetch into ocibench's cache,
     such as Debian 13's runsc for gVisor's systrap platform; then doctor runs again);
  2. the benchmark image is built (or found in the cache);
  3. the quick suite is collected on every usable runtime (--full: the paper-scale suite, with
     longer runs, warm-ups and more repetitions);
  4. the run is analysed and notebooks/runtimes_war.md is rendered to <report-dir>/runtimes_war.html;
  5. the report's path and the decided verdicts against native are printed (worse, better or
     equivalent, with intervals), with the count of undetermined cells and how to decide them.

Options:
  --install           install missing runtimes and tools with apt (needs root)
  --full              the full suite instead of the quick one
  --runtimes a,b      only these runtimes (default: every usable one)
  --benchmarks x,y    benchmark ids or suites (default: quick, or full with --full)
  --repetitions N     measured repetitions per runtime and benchmark
  --budget T          decide within a time budget instead (e.g. 8m, 45m, 1h; see collect --help)
  --min-runs N        with --budget: runs of every cell before the first look (default 3)
  --baseline ID       with --budget: the runtime verdicts compare with (default native)
  --results DIR       results directory (default: results)
  --out DIR           report directory (default: site)
  --seed N            seed of the interleaved order

Exit codes: 0 when the report was written, 1 when a step failed, 2 on bad usage.`;

/** The `war` subcommand. */
export const warCommand: Command = {
  name: "war",
  summary: "doctor, install, image, collect, analyse and report in one command",
  help: HELP,
  async run(args) {
    const { values } = parseCommandArgs("war", args, {
      install: { type: "boolean" },
      full: { type: "boolean" },
      runtimes: { type: "string" },
      benchmarks: { type: "string" },
      repetitions: { type: "string" },
      budget: { type: "string" },
      "min-runs": { type: "string" },
      baseline: { type: "string" },
      results: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
    });
    if (values.help) {
      console.log(HELP);
      return EXIT_OK;
    }
    const started = performance.now();
    const say = (m: string) => console.error(`war: ${m}`);
    const all = allAdapters();
    // Parse the collection options first, so a typo fails before anything slow runs.
    const flags: CollectFlags = {
      quick: !values.full,
      out: values.results ?? "results",
      ...(values.runtimes !== undefined ? { runtimes: values.runtimes } : {}),
      ...(values.benchmarks !== undefined ? { benchmarks: values.benchmarks } : {}),
      ...(values.repetitions !== undefined ? { repetitions: values.repetitions } : {}),
      ...(values.budget !== undefined ? { budget: values.budget } : {}),
      ...(values["min-runs"] !== undefined ? { "min-runs": values["min-runs"] } : {}),
      ...(values.baseline !== undefined ? { baseline: values.baseline } : {}),
      ...(values.seed !== undefined ? { seed: values.seed } : {}),
    };
    const request = await collectRequestFrom(flags, all);
    const outDir = await checkOutputDirectory("--out", values.out ?? "site").catch((error) => {
      throw new UsageError(`war: ${error.message}`);
    });
    const runtimeIds = values.runtimes?.split(",").map((s) => s.trim()).filter(Boolean);

    say("1/5 doctor");
    const doctor = () => runDoctor({ runtimes: runtimeIds, runs: 0, log: say });
    let report = await doctor();
    const { packages } = packagesToInstall(report);
    let again = !report.image.built;
    if (packages.length > 0) {
      if (values.install) {
        say(`installing ${packages.join(", ")}`);
        await installPackages(packages, { log: say });
        again = true;
      } else {
        say(
          `missing packages: ${packages.join(", ")} (run with --install as root, or ` +
            `apt-get install ${packages.join(" ")})`,
        );
      }
    }
    const installers = installersToRun(report);
    if (installers.length > 0 && values.install) {
      await runInstallers(installers, { log: say });
      again = true;
    }
    say("2/5 benchmark image");
    await buildImage({ log: say });
    if (again) report = await doctor();
    console.error(formatDoctorReport(report));
    for (const { what, fix } of packagesToInstall(report).otherFixes) {
      say(`${what} stays unusable until: ${fix}`);
    }
    const usable = report.runtimes.filter((r) => r.usable).map((r) => r.id);
    if (usable.length === 0) throw new Error("no runtime is usable on this host; see doctor above");
    if (runtimeIds === undefined) {
      // Only the usable ones: war measures what this host can run and says what it skipped.
      request.record.runtimes = request.record.runtimes.filter((id) => usable.includes(id));
    }

    const { benchmarks, quick } = request.record;
    say(`3/5 collect (${benchmarks.length} benchmarks, ${quick ? "quick" : "full"} sizes)`);
    const outcome = await executeCollection(request, all);
    if (outcome.status === "interrupted") {
      say(`interrupted: the samples so far are in ${outcome.resultPath}`);
      return EXIT_FAILURE;
    }
    // The report's cell sandbox loads jsdom and Plot while the run is read and analysed.
    const sandbox = startSandbox();
    let set: ResultSet;
    try {
      set = await readResultSet(outcome.resultPath);
    } catch (error) {
      await sandbox.close();
      throw error;
    }
    const samples = observationCount(set);
    if (samples === 0) {
      await sandbox.close();
      throw new Error(`the run measured nothing: ${outcome.resultPath}`);
    }

    say("4/5 analyse and report");
    // The set read above and the analysis the report's cells saw serve the summary too: read
    // and analysed once.
    const built = await buildReport(WAR_NOTEBOOK, {
      outDir,
      data: [outcome.resultPath],
      dataSets: [set],
      sandbox,
    });
    const analysis = built.analysis ?? analyzeResultSets([set], { seed: 1 });
    const minutes = (performance.now() - started) / 60_000;

    say("5/5 summary");
    console.log(`Report: ${built.files[0]} (${Math.round(built.htmlBytes / 1024)} KiB)`);
    console.log(`Results: ${outcome.resultPath}`);
    console.log(
      `Runtimes measured: ${set.runtimes.length}; samples: ${samples}; ` +
        `failures: ${set.failures.length}; wall time ${minutes.toFixed(1)} min`,
    );
    for (const s of outcome.skippedRuntimes) console.log(`Skipped ${s.runtime}: ${s.reason}`);
    // A budgeted run said, when it ended, what deciding the rest would take on this host.
    const outlook = budgetOutlook(set.budget?.endReason);
    for (const group of analysis.groups) {
      console.log(
        formatVerdictSummary(group, outlook ? { howToDecide: `to decide them: ${outlook}` } : {}),
      );
    }
    return EXIT_OK;
  },
};
