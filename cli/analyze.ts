/**
 * `analyze`: reads result sets (files or directories of them) and prints rankings, category
 * scores, recommendations and sanity findings, or the whole analysis as JSON or CSV.
 *
 * @module
 */
import { type Command, EXIT_OK, parseCommandArgs, UsageError } from "./command.ts";
import { expandResultPaths, parseJsonText, readResultSet } from "../model/read_result_set.ts";
import { MAX_CONFIG_BYTES, readRegularTextFile } from "../model/read_text_file.ts";
import type { ResultSet } from "../model/result_set.ts";
import { AnalysisSchema, type Profile } from "../model/analysis.ts";
import { formatIssues } from "../model/format_issues.ts";
import { analyzeResultSets } from "../analyze/analyze_result_sets.ts";
import { BUILTIN_PROFILES, findProfile, parseProfiles } from "../analyze/profiles.ts";
import { formatAnalysis } from "../report/format_analysis.ts";
import { escapeTerminal, jsonForTerminal } from "../report/escape.ts";
import { DEFAULT_MARGINS_PATH, readMargins } from "../model/margins.ts";

const FORMATS = ["table", "md", "json", "csv"] as const;

const HELP = `Usage: ocibench analyze <file.json | dir>... [options]

Analyses result sets: per host and per metric the runtimes' statistics (median with its exact
order-statistic interval, mean, sd, CV, outliers), a verdict per runtime against the baseline
(better, worse, equivalent within the metric's margin, or undetermined, from simultaneous 95 %
intervals of the ratio), Mann–Whitney and Welch tests, ranks as intervals, category scores,
recommendations per workload profile and sanity checks. A directory stands for every *.json
file directly inside it.

Options:
  --baseline ID        runtime ratios are taken against (default: native; when a group has no
                       "native", ratios are to the best runtime of each metric; a baseline given
                       here must exist, or the command lists the runtimes there are)
  --profile NAME|FILE  workload profile(s) to recommend for: a built-in name
                       (${BUILTIN_PROFILES.map((p) => p.id).join(", ")})
                       or a JSON file with one profile or {"schemaVersion":1,"profiles":[...]}
                       (default: every built-in profile)
  --margins FILE       practical margins per metric for the verdicts (default:
                       config/margins.json; ±5 % unless a rule there says otherwise)
  --format FORMAT      table (default), md, json (the whole analysis) or csv (one row per
                       host × metric × runtime; RFC 4180, and text a spreadsheet would take
                       for a formula starts with ')
  --pool               analyse all hosts as one group (default: one group per host id)
  --seed N             seed of the bootstrap's random generator (default 1)

Exit codes: 0 ok, 1 unreadable input, 2 bad usage.`;

async function loadProfiles(value: string | undefined): Promise<Profile[]> {
  if (value === undefined) return [...BUILTIN_PROFILES];
  const looksLikeFile = value.includes("/") || value.endsWith(".json");
  if (!looksLikeFile) {
    try {
      return [findProfile(value)];
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(`--profile: ${error.message}`);
      throw error;
    }
  }
  const text = await readRegularTextFile(value, "profile", MAX_CONFIG_BYTES);
  return parseProfiles(parseJsonText(text, "profile", value), value);
}

function parseSeed(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--seed must be an integer, got "${value}"`);
  return n;
}

/** The `analyze` subcommand. */
export const analyzeCommand: Command = {
  name: "analyze",
  summary: "statistics, rankings, recommendations and sanity checks of result sets",
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs("analyze", args, {
      baseline: { type: "string" },
      profile: { type: "string" },
      format: { type: "string" },
      pool: { type: "boolean" },
      seed: { type: "string" },
      margins: { type: "string" },
    }, true);
    if (values.help) {
      console.log(HELP);
      return EXIT_OK;
    }
    if (positionals.length === 0) {
      throw new UsageError("analyze: give at least one result file or directory");
    }
    const format = values.format ?? "table";
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${format}"`);
    }
    const seed = parseSeed(values.seed);
    const profiles = await loadProfiles(values.profile);
    const margins = await readMargins(values.margins ?? DEFAULT_MARGINS_PATH);
    const files = await expandResultPaths(positionals);
    const sets: ResultSet[] = [];
    for (const file of files) sets.push(await readResultSet(file));
    let analysis;
    try {
      analysis = analyzeResultSets(sets, {
        ...(values.baseline !== undefined ? { baseline: values.baseline } : {}),
        seed,
        pool: values.pool ?? false,
        profiles,
        margins,
        labels: files,
      });
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(`analyze: ${error.message}`);
      throw error;
    }
    if (format === "json") {
      const checked = AnalysisSchema.safeParse(analysis);
      if (!checked.success) {
        throw new Error(
          `internal error: the analysis does not match its schema: ${
            formatIssues(checked.error.issues, analysis).slice(0, 3).join("; ")
          }`,
        );
      }
      console.log(jsonForTerminal(checked.data));
    } else if (format === "csv" && Deno.stdout.isTerminal()) {
      // CSV keeps strings from data as they are; on a terminal their controls are shown instead.
      const csv = formatAnalysis(analysis, "csv").replaceAll("\r\n", "\n");
      await writeStdout(escapeTerminal(csv, { keepLineBreaks: true }));
    } else {
      await writeStdout(formatAnalysis(analysis, format as "table" | "md" | "csv"));
    }
    return EXIT_OK;
  },
};

async function writeStdout(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}
