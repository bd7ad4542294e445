/**
 * The margin file of `analyze`: per metric, the practical margin δ within which a runtime
 * counts as equivalent to the baseline (ratio inside [1/(1 + δ), 1 + δ]). Rules are tried in
 * order; the first whose pattern (`*` for any run of characters, `?` for one) matches the metric id applies, else `default`.
 *
 * @module
 */
import { z } from "zod";
import { formatIssues } from "./format_issues.ts";
import { InvalidInputError, parseJsonText } from "./read_result_set.ts";
import { matchWildcard } from "./match_wildcard.ts";
import BUILTIN from "../config/margins.json" with { type: "json" };

const Percent = z.number().positive().max(1000);

/** One rule: `metric` is an id or a pattern with `*` and `?` wildcards. */
export const MarginRuleSchema = z.object({
  metric: z.string().min(1),
  /** δ in percent of the baseline's value, e.g. 5 for ±5 %. */
  percent: Percent,
  /** Why this margin (e.g. "a workload does not feel less than 15 % of start-up"). */
  reason: z.string().optional(),
}).strict();
/** One rule of a margin file. */
export type MarginRule = z.infer<typeof MarginRuleSchema>;

/** A whole margin file. */
export const MarginsSchema = z.object({
  schemaVersion: z.literal(1),
  default: z.object({ percent: Percent }).strict(),
  rules: z.array(MarginRuleSchema),
}).strict();
/** A whole margin file. */
export type Margins = z.infer<typeof MarginsSchema>;

/** Where the default margins live. */
export const DEFAULT_MARGINS_PATH = new URL("../config/margins.json", import.meta.url);

/** The margins of `config/margins.json`, validated when this module loads. */
export const DEFAULT_MARGINS: Margins = parseMargins(BUILTIN, DEFAULT_MARGINS_PATH.pathname);

/** Validates parsed JSON as a margin file; errors name `path`, the JSON path and the value. */
export function parseMargins(data: unknown, path: string): Margins {
  const result = MarginsSchema.safeParse(data);
  if (!result.success) {
    throw new InvalidInputError("margins", path, formatIssues(result.error.issues, data));
  }
  return result.data;
}

/** Reads and validates a margin file, with the file, JSON path and found value in errors. */
export async function readMargins(path: string | URL): Promise<Margins> {
  const name = path instanceof URL ? path.pathname : path;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "no such file"
      : (error as Error).message;
    throw new InvalidInputError("margins", name, [reason]);
  }
  return parseMargins(parseJsonText(text, "margins", name), name);
}

/** The margin δ (a fraction: 0.05 = ±5 %) of `metric`, with the rule that gave it. */
export function marginFor(margins: Margins, metric: string): { margin: number; rule: string } {
  for (const [i, rule] of margins.rules.entries()) {
    if (matchWildcard(rule.metric, metric)) {
      return { margin: rule.percent / 100, rule: `rules[${i}]` };
    }
  }
  return { margin: margins.default.percent / 100, rule: "default" };
}
