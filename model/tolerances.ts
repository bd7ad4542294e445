/**
 * The tolerance file of `compare`: how much worse a metric may get before a new run counts as a
 * regression, as a percentage of the baseline's value or as an absolute amount in the metric's
 * unit. Rules are tried in order; the first whose patterns match a (runtime, metric) applies,
 * else `default`.
 *
 * @module
 */
import { z } from "zod";
import { formatIssues } from "./format_issues.ts";
import { InvalidInputError, parseJsonText } from "./read_result_set.ts";
import { matchWildcard } from "./match_wildcard.ts";
import { MAX_CONFIG_BYTES, readRegularTextFile } from "./read_text_file.ts";

/** A tolerance: a percentage of the baseline value, or an amount in the metric's unit. */
export const ToleranceSchema = z.union([
  z.object({ percent: z.number().nonnegative() }).strict(),
  z.object({ absolute: z.number().nonnegative() }).strict(),
]);
/** A tolerance. */
export type Tolerance = z.infer<typeof ToleranceSchema>;

/** One rule: `metric` and `runtime` are ids or patterns with `*` wildcards. */
export const ToleranceRuleSchema = z.object({
  metric: z.string().min(1),
  runtime: z.string().min(1).optional(),
  percent: z.number().nonnegative().optional(),
  absolute: z.number().nonnegative().optional(),
  /** Why this tolerance (e.g. "start-up latency is noisy on shared hosts"). */
  reason: z.string().optional(),
}).strict().refine(
  (r) => (r.percent === undefined) !== (r.absolute === undefined),
  "give exactly one of percent or absolute",
);
/** One rule of a tolerance file. */
export type ToleranceRule = z.infer<typeof ToleranceRuleSchema>;

/** A whole tolerance file. */
export const TolerancesSchema = z.object({
  schemaVersion: z.literal(1),
  default: ToleranceSchema,
  rules: z.array(ToleranceRuleSchema),
}).strict();
/** A whole tolerance file. */
export type Tolerances = z.infer<typeof TolerancesSchema>;

/** Where the default tolerances live. */
export const DEFAULT_TOLERANCES_PATH = new URL("../config/tolerances.json", import.meta.url);

/** Reads and validates a tolerance file, with the file, JSON path and found value in errors. */
export async function readTolerances(path: string | URL): Promise<Tolerances> {
  const name = path instanceof URL ? path.pathname : path;
  const text = await readRegularTextFile(path, "tolerances", MAX_CONFIG_BYTES);
  const data = parseJsonText(text, "tolerances", name);
  const result = TolerancesSchema.safeParse(data);
  if (!result.success) {
    throw new InvalidInputError("tolerances", name, formatIssues(result.error.issues, data));
  }
  return result.data;
}

/** Tolerance patterns have `*` only; ids may hold any other character. */
const ONLY_STAR = { question: false };

/** The tolerance that applies to `runtime` on `metric`, with the rule that gave it. */
export function toleranceFor(
  tolerances: Tolerances,
  runtime: string,
  metric: string,
): { tolerance: Tolerance; rule: string } {
  for (const [i, rule] of tolerances.rules.entries()) {
    if (!matchWildcard(rule.metric, metric, ONLY_STAR)) continue;
    if (rule.runtime !== undefined && !matchWildcard(rule.runtime, runtime, ONLY_STAR)) continue;
    const tolerance: Tolerance = rule.percent !== undefined
      ? { percent: rule.percent }
      : { absolute: rule.absolute! };
    return { tolerance, rule: `rules[${i}]` };
  }
  return { tolerance: tolerances.default, rule: "default" };
}
