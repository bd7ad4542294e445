/**
 * A published paper's conclusions as data, each with the rules that check it against the paper's
 * own tables (`analyze/paper_claims.ts`), and the map that sets a fresh run beside those tables
 * (`analyze/paper_beside_run.ts`). A notebook lists them in its front matter (`claims:`,
 * `besideRun:`); {@link readPaperClaims} and {@link readBesideRunSpec} validate them there.
 *
 * @module
 */
import { z } from "zod";
import { formatIssues } from "./format_issues.ts";

const Id = z.string().regex(
  /^[a-z0-9][a-z0-9._-]*$/,
  "must be lower-case letters, digits, '.', '_' or '-'",
);
const Ids = z.array(Id).min(1);
const Metrics = z.array(z.string().min(1)).min(1);

/**
 * One checkable statement over published values. Every rule is checked per metric and, except
 * `alike`, per runtime it names:
 * - `best` / `worst`: each of `runtimes` is better (worse) than every other runtime with a value
 *   (or every one of `among`, when given);
 * - `ahead`: each of `runtimes` is better than every one of `over`;
 * - `near`: each of `runtimes` is at most `within` (a fraction) worse than the best of `reference`;
 * - `alike`: the best and worst of `runtimes` differ by at most `within`.
 */
export const ClaimRuleSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("best"),
    runtimes: Ids,
    metrics: Metrics,
    among: Ids.optional(),
  }).strict(),
  z.object({
    kind: z.literal("worst"),
    runtimes: Ids,
    metrics: Metrics,
    among: Ids.optional(),
  }).strict(),
  z.object({ kind: z.literal("ahead"), runtimes: Ids, over: Ids, metrics: Metrics }).strict(),
  z.object({
    kind: z.literal("near"),
    runtimes: Ids,
    reference: Ids,
    metrics: Metrics,
    within: z.number().positive(),
  }).strict(),
  z.object({
    kind: z.literal("alike"),
    runtimes: z.array(Id).min(2),
    metrics: Metrics,
    within: z.number().positive(),
  }).strict(),
]);
/** One checkable statement over published values. */
export type ClaimRule = z.infer<typeof ClaimRuleSchema>;

/** One conclusion of a paper and the rules that check it. */
export const PaperClaimSchema = z.object({
  id: Id,
  /** The conclusion, quoted or closely paraphrased. */
  quote: z.string().min(1),
  /** Where the paper says it, e.g. "§5.1, §6". */
  section: z.string().min(1),
  /** Every rule must hold for the claim to be supported. */
  rules: z.array(ClaimRuleSchema).min(1),
  /** What the rules cannot test (a cause the paper gives, a word such as "close"). */
  note: z.string().optional(),
}).strict();
/** One conclusion of a paper and the rules that check it. */
export type PaperClaim = z.infer<typeof PaperClaimSchema>;

/** How a fresh run's metrics and runtimes stand for a paper's. */
export const BesideRunSpecSchema = z.object({
  /** Paper metric → run metric measuring the same thing. */
  metrics: z.array(z.object({ paper: z.string().min(1), run: z.string().min(1) }).strict())
    .min(1),
  /** The ratios to compare: runtime ÷ baseline, in the paper's ids and in the run's. */
  pairs: z.array(
    z.object({
      label: z.string().min(1),
      paper: z.object({ runtime: Ids, baseline: Ids }).strict(),
      run: z.object({ runtime: Id, baseline: Id }).strict(),
    }).strict(),
  ).min(1),
}).strict();
/** How a fresh run's metrics and runtimes stand for a paper's. */
export type BesideRunSpec = z.infer<typeof BesideRunSpecSchema>;

/**
 * Validates a notebook's `claims:` front matter. Raises TypeError naming the claim and field.
 */
export function readPaperClaims(value: unknown, where = "claims"): PaperClaim[] {
  const parsed = z.array(PaperClaimSchema).min(1).safeParse(value);
  if (!parsed.success) {
    throw new TypeError(`${where}: ${formatIssues(parsed.error.issues, value).join("; ")}`);
  }
  const ids = new Set<string>();
  for (const claim of parsed.data) {
    if (ids.has(claim.id)) throw new TypeError(`${where}: claim id "${claim.id}" appears twice`);
    ids.add(claim.id);
  }
  return parsed.data;
}

/** Validates a notebook's `besideRun:` front matter. Raises TypeError naming the field. */
export function readBesideRunSpec(value: unknown, where = "besideRun"): BesideRunSpec {
  const parsed = BesideRunSpecSchema.safeParse(value);
  if (!parsed.success) {
    throw new TypeError(`${where}: ${formatIssues(parsed.error.issues, value).join("; ")}`);
  }
  return parsed.data;
}
