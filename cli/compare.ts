/**
 * `compare`: a regression gate. A new run against a baseline run, per runtime × metric, with
 * tolerances from a file; exit 1 on a significant regression beyond the tolerance.
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
import { readResultSets } from "../model/read_result_set.ts";
import { DEFAULT_TOLERANCES_PATH, readTolerances } from "../model/tolerances.ts";
import { compareResultSets } from "../analyze/compare_result_sets.ts";
import { formatComparison } from "../report/format_comparison.ts";
import { analyzeResultSets } from "../analyze/analyze_result_sets.ts";
import { verdictChanges } from "../analyze/verdict_changes.ts";
import { formatVerdictChanges } from "../report/format_verdict_changes.ts";
import { escapeTerminal, jsonForTerminal } from "../report/escape.ts";

const FORMATS = ["table", "md", "json"] as const;

const HELP = `Usage: ocibench compare <baseline> <new> [options]

Compares a new run with a baseline run (each a result-set file, or a directory of them), per
runtime and metric: medians with bootstrap 95 % intervals, the change in percent, and a
Mann–Whitney test (Welch's t-test where samples are too few), Holm-corrected across all metrics.
A change is a regression when it is worse than its tolerance AND significant; where no test is
possible (one value per side, published averages) a change beyond the tolerance counts.

Options:
  --tolerances FILE  tolerance rules (default: config/tolerances.json): {"schemaVersion":1,
                     "default":{"percent":5},"rules":[{"metric":"startup.*","percent":15}]}
                     rules match metric/runtime ids with * wildcards; first match wins
  --alpha A          significance level after Holm's correction (default 0.05)
  --format FORMAT    table (default), md or json
  --seed N           seed of the bootstrap (default 1)
  --verdicts         also list which verdicts against the baseline runtime (native; see
                     analyze) moved from one run to the other: reversed, changed, newly
                     decided, no longer decided (each side is analysed: a few seconds a run;
                     informative only, the exit code stays the gate's)
  --allow-missing    pass even when the new run has steps that failed only there, or lacks a
                     runtime or metric of the baseline, or a metric whose samples are all empty
                     (each is still printed); without it, each of these fails the gate

Exit codes: 0 no regression, 1 a regression, a problem above, or unreadable input; 2 bad usage.`;

/** The `compare` subcommand. */
export const compareCommand: Command = {
  name: "compare",
  summary: "gate a new run against a baseline run with tolerances (exit 1 on regression)",
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs("compare", args, {
      tolerances: { type: "string" },
      alpha: { type: "string" },
      format: { type: "string" },
      seed: { type: "string" },
      "allow-missing": { type: "boolean" },
      verdicts: { type: "boolean" },
    }, true);
    if (values.help) {
      console.log(HELP);
      return EXIT_OK;
    }
    if (positionals.length !== 2) {
      throw new UsageError(
        `compare: give exactly two paths, <baseline> and <new> (got ${positionals.length})`,
      );
    }
    const format = values.format ?? "table";
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${format}"`);
    }
    const alpha = positiveNumber("alpha", values.alpha, 0.05);
    if (alpha >= 1) throw new UsageError(`--alpha must be below 1, got "${values.alpha}"`);
    const seed = positiveNumber("seed", values.seed, 1);
    const tolerances = await readTolerances(values.tolerances ?? DEFAULT_TOLERANCES_PATH);
    const [baseline, candidate] = await Promise.all(
      positionals.map((p) => readResultSets([p]).then((r) => r.map((x) => x.set))),
    );
    const comparison = compareResultSets(baseline, candidate, { tolerances, alpha, seed });
    const allowMissing = values["allow-missing"] === true;
    const changes = values.verdicts === true
      ? verdictChanges(
        analyzeResultSets(baseline, { seed, pool: true }),
        analyzeResultSets(candidate, { seed, pool: true }),
      )
      : undefined;
    console.log(
      format === "json"
        ? jsonForTerminal(changes ? { ...comparison, verdictChanges: changes } : comparison)
        : [
          formatComparison(comparison, format as "table" | "md", { allowMissing }),
          ...(changes ? ["", formatVerdictChanges(changes, format as "table" | "md")] : []),
        ].join("\n"),
    );
    for (const problem of comparison.problems) {
      console.error(
        escapeTerminal(
          `compare: ${allowMissing ? "allowed by --allow-missing: " : ""}${problem.message}`,
        ),
      );
    }
    const blocking = allowMissing ? 0 : comparison.problems.length;
    return comparison.regressions > 0 || blocking > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};
