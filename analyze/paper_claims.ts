/**
 * A paper's conclusions checked against its own published values: each claim's rules
 * (`model/paper_claim.ts`) are checked per metric and runtime, once on the values as printed and
 * once without the values the sanity checks flag as invalid, and the claim gets one of four
 * outcomes:
 *
 * - `supported`: every check that rests on valid values holds;
 * - `partly`: some hold, some do not;
 * - `contradicted`: none holds — the values say otherwise;
 * - `flagged`: every check reads a value flagged invalid (or not obtained), so the values are no
 *   evidence either way.
 *
 * A check "rests on" a flagged value when any value it compares is flagged: excluding flagged
 * values one by one would change what is compared, so such a check is set aside, never counted.
 * The as-printed and without-flagged outcomes are returned beside it (the sensitivity of each
 * claim), and whether each holding check's gaps survive an assumed run-to-run spread.
 *
 * @module
 */
import type { Direction, ResultSet } from "../model/result_set.ts";
import type { SanityFinding } from "../model/analysis.ts";
import type { ClaimRule, PaperClaim } from "../model/paper_claim.ts";
import { decideVerdict } from "./verdict.ts";

/** One published value a claim can read. */
export interface ClaimValue {
  runtime: string;
  metric: string;
  direction: Direction;
  /** null when the source could not obtain it. */
  value: number | null;
  /** Runs the source says it summarises, when it says. */
  n?: number;
}

/** A value a sanity finding marks as invalid evidence. */
export interface FlaggedValue {
  runtime: string;
  metric: string;
  /** The finding's rule, e.g. `efficiency-above-100`. */
  rule: string;
}

/** The four outcomes of a claim. */
export type ClaimOutcome = "supported" | "partly" | "contradicted" | "flagged";

/** Every outcome, in the order a report lists them. */
export const CLAIM_OUTCOMES: readonly ClaimOutcome[] = [
  "supported",
  "partly",
  "contradicted",
  "flagged",
];

/** One value a check compared. */
export interface CheckedValue {
  runtime: string;
  value: number | null;
  flagged: boolean;
}

/** One rule checked on one metric for one runtime (or, for `alike`, for the group). */
export interface ClaimCheck {
  /** Index of the rule in the claim. */
  rule: number;
  kind: ClaimRule["kind"];
  metric: string;
  /** The runtime the check is about; for `alike`, every runtime of the group joined by "+". */
  subject: string;
  /** Whether it holds on the values as printed; null when a value it needs was not obtained. */
  holds: boolean | null;
  /** Whether it holds with flagged values left out; null when nothing valid is left to compare. */
  holdsWithoutFlagged: boolean | null;
  /** True when a value it compares is flagged: the outcome does not count it. */
  restsOnFlagged: boolean;
  /** The subject's value first, then what it was compared with. */
  values: CheckedValue[];
  /**
   * For a check that holds on valid values and orders runtimes (`best`, `worst`, `ahead`): the
   * pairs [better runtime, worse runtime] it relies on.
   */
  orderings: [string, string][];
}

/** A claim with its checks and outcomes. */
export interface ClaimEvaluation {
  id: string;
  quote: string;
  section: string;
  note?: string;
  /** From the checks that rest on valid values only. */
  outcome: ClaimOutcome;
  /** From every check, flagged values included. */
  asPrinted: ClaimOutcome;
  /** From every check with flagged values left out (what the valid values that remain say). */
  withoutFlagged: ClaimOutcome;
  checks: ClaimCheck[];
  /** Checks counted in `outcome`, and how many of them hold. */
  counted: number;
  holding: number;
  /** The flagged values the claim's checks read, each once. */
  flaggedRead: FlaggedValue[];
}

/**
 * Which values of a finding are suspect, as indices into `finding.values`, for rules whose
 * findings pair a suspect value with a sound one to show the problem; other rules make every
 * value they name suspect.
 */
function suspectIndices(finding: SanityFinding): number[] {
  switch (finding.rule) {
    case "efficiency-vs-utilisation":
      // Efficiency 108.7 % is impossible; the utilisation beside it agrees with the other rows.
      return [0];
    case "throughput-latency-inconsistent": {
      // [throughput, latency]: a stream test's latency is what cannot be (it sends for seconds);
      // a request/response test's throughput is (a few bytes per round trip).
      const metric = finding.values[0]?.metric ?? "";
      return /(^|[._])(tcp|udp)_rr[._]/.test(metric) ? [0] : [1];
    }
    default:
      return finding.values.map((_, i) => i);
  }
}
/**
 * Rules whose findings do not make a value invalid evidence for comparing runtimes: a value not
 * obtained is missing, not wrong; a unit printed wrongly (bits as bytes, transactions as MB/s)
 * scales a whole column alike, so orders and ratios within it stand.
 */
const NOT_VALIDITY_RULES = new Set([
  "missing-value",
  "network-above-memory-bandwidth",
  "rr-throughput-unit",
]);

/**
 * The values that sanity findings of severity `error` or `warning` name as invalid evidence
 * (findings of severity `info` — far from the others, printed precision — are not, nor are
 * missing values and unit mislabels). A value named by several findings is listed once per rule.
 */
export function flaggedValues(findings: readonly SanityFinding[]): FlaggedValue[] {
  const out: FlaggedValue[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (f.severity === "info" || NOT_VALIDITY_RULES.has(f.rule)) continue;
    for (const i of suspectIndices(f)) {
      const v = f.values[i];
      if (!v?.runtime || !v.metric) continue;
      const key = `${v.runtime}\u0000${v.metric}\u0000${f.rule}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ runtime: v.runtime, metric: v.metric, rule: f.rule });
    }
  }
  return out;
}

/** Every published summary value of `sets` as a {@link ClaimValue}. */
export function publishedValues(sets: readonly ResultSet[]): ClaimValue[] {
  const out: ClaimValue[] = [];
  for (const set of sets) {
    for (const s of set.samples) {
      if (s.kind !== "summary") continue;
      out.push({
        runtime: s.runtime,
        metric: s.metric,
        direction: s.direction,
        value: s.value,
        ...(s.n !== undefined ? { n: s.n } : {}),
      });
    }
  }
  return out;
}

/**
 * `sets` with the flagged values set to null (`missingReason` names the rule), so that an
 * analysis of them ranks and scores without those values.
 */
export function withoutFlagged(
  sets: readonly ResultSet[],
  flagged: readonly FlaggedValue[],
): ResultSet[] {
  const rules = flaggedIndex(flagged);
  return sets.map((set) => ({
    ...set,
    samples: set.samples.map((s) => {
      const why = rules.get(key(s.runtime, s.metric));
      if (!why || s.kind !== "summary" || s.value === null) return s;
      return {
        ...s,
        value: null,
        printed: String(s.value),
        missingReason: `flagged invalid by the sanity checks (${why.join(", ")})`,
      };
    }),
  }));
}

function key(runtime: string, metric: string): string {
  return `${runtime}\u0000${metric}`;
}

function flaggedIndex(flagged: readonly FlaggedValue[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const f of flagged) {
    const k = key(f.runtime, f.metric);
    const rules = index.get(k) ?? [];
    if (!rules.includes(f.rule)) rules.push(f.rule);
    index.set(k, rules);
  }
  return index;
}

/** The value table a check reads: value by runtime, per metric, with its direction. */
interface MetricValues {
  direction: Direction;
  byRuntime: Map<string, number | null>;
}

function indexValues(values: readonly ClaimValue[]): Map<string, MetricValues> {
  const out = new Map<string, MetricValues>();
  for (const v of values) {
    let m = out.get(v.metric);
    if (!m) out.set(v.metric, m = { direction: v.direction, byRuntime: new Map() });
    m.byRuntime.set(v.runtime, v.value);
  }
  return out;
}

/** a is better than b in `direction` (strictly). */
function better(a: number, b: number, direction: Direction): boolean {
  return direction === "lower" ? a < b : a > b;
}

/** How many times worse `a` is than the best `b`, ≥ 1 when worse (direction-aware). */
function worseBy(a: number, b: number, direction: Direction): number {
  return direction === "lower" ? a / b : b / a;
}

/** Checks one rule on one metric; one check per subject (one for `alike`). */
function checkRule(
  rule: ClaimRule,
  ruleIndex: number,
  metric: string,
  table: MetricValues | undefined,
  flags: Map<string, string[]>,
): ClaimCheck[] {
  const direction = table?.direction ?? "none";
  if (!table || direction === "none") {
    throw new RangeError(
      `claim rule ${ruleIndex + 1} (${rule.kind}) names metric "${metric}", which has ` +
        (table ? "no direction (better is undefined)" : "no published value"),
    );
  }
  const valueOf = (r: string) => table.byRuntime.get(r) ?? null;
  const isFlagged = (r: string) => flags.has(key(r, metric));
  const entry = (r: string): CheckedValue => ({
    runtime: r,
    value: valueOf(r),
    flagged: isFlagged(r),
  });
  const present = [...table.byRuntime.keys()];

  if (rule.kind === "alike") {
    const values = rule.runtimes.map(entry);
    const spreadHolds = (vs: CheckedValue[]) => {
      const xs = vs.map((v) => v.value).filter((x): x is number => x !== null);
      if (xs.length < 2 || xs.length < vs.length) return null;
      return Math.max(...xs) / Math.min(...xs) <= 1 + rule.within;
    };
    const valid = values.filter((v) => !v.flagged);
    return [{
      rule: ruleIndex,
      kind: rule.kind,
      metric,
      subject: rule.runtimes.join("+"),
      holds: spreadHolds(values),
      holdsWithoutFlagged: valid.length >= 2 ? spreadHolds(valid) : null,
      restsOnFlagged: values.some((v) => v.flagged),
      values,
      orderings: [],
    }];
  }

  return rule.runtimes.map((subject): ClaimCheck => {
    const others = rule.kind === "ahead"
      ? rule.over
      : rule.kind === "near"
      ? rule.reference
      : (rule.among ?? present).filter((r) => !rule.runtimes.includes(r));
    const values = [entry(subject), ...others.map(entry)];
    const decide = (compared: CheckedValue[]): boolean | null => {
      const [self, ...rest] = compared;
      if (self.value === null) return null;
      const known = rest.filter((v) => v.value !== null);
      // best/worst skip runtimes without a value; ahead/near need every one they name.
      const needAll = rule.kind === "ahead" || rule.kind === "near";
      if (known.length === 0 || (needAll && known.length < rest.length)) return null;
      const x = self.value;
      switch (rule.kind) {
        case "best":
        case "ahead":
          return known.every((v) => better(x, v.value!, direction));
        case "worst":
          return known.every((v) => better(v.value!, x, direction));
        case "near": {
          const best = known.reduce(
            (b, v) => better(v.value!, b, direction) ? v.value! : b,
            known[0].value!,
          );
          return worseBy(x, best, direction) <= 1 + rule.within;
        }
      }
    };
    const self = values[0];
    const validRest = values.slice(1).filter((v) => !v.flagged);
    const holdsWithoutFlagged = self.flagged || validRest.length === 0
      ? null
      : decide([self, ...validRest]);
    const orderings: [string, string][] = rule.kind === "near" ? [] : validRest
      .filter((v) => v.value !== null)
      .map((v) => rule.kind === "worst" ? [v.runtime, subject] : [subject, v.runtime]);
    return {
      rule: ruleIndex,
      kind: rule.kind,
      metric,
      subject,
      holds: decide(values),
      holdsWithoutFlagged,
      restsOnFlagged: values.some((v) => v.flagged),
      values,
      orderings,
    };
  });
}

/** supported / partly / contradicted from holding and counted checks; flagged when none count. */
function outcomeOf(results: (boolean | null)[]): ClaimOutcome {
  const known = results.filter((r): r is boolean => r !== null);
  if (known.length === 0) return "flagged";
  const holding = known.filter((r) => r).length;
  return holding === known.length ? "supported" : holding === 0 ? "contradicted" : "partly";
}

/** What {@link evaluateClaims} checks the claims against. */
export interface EvaluateClaimsOptions {
  /** The published values. */
  values: readonly ClaimValue[];
  /** The values flagged as invalid ({@link flaggedValues}). */
  flagged: readonly FlaggedValue[];
}

/**
 * Checks every claim against the published values. Raises RangeError for a rule that names a
 * metric without values or without a direction.
 *
 * @example
 * ```ts
 * const flagged = flaggedValues(analysis.groups[0].sanity);
 * const results = evaluateClaims(claims, { values: publishedValues(sets), flagged });
 * results.filter((c) => c.outcome === "contradicted").map((c) => c.id);
 * ```
 */
export function evaluateClaims(
  claims: readonly PaperClaim[],
  options: EvaluateClaimsOptions,
): ClaimEvaluation[] {
  const { values, flagged } = options;
  const tables = indexValues(values);
  const flags = flaggedIndex(flagged);
  return claims.map((claim) => {
    let checks: ClaimCheck[];
    try {
      checks = claim.rules.flatMap((rule, i) =>
        rule.metrics.flatMap((metric) => checkRule(rule, i, metric, tables.get(metric), flags))
      );
    } catch (error) {
      throw new RangeError(`claim "${claim.id}": ${(error as Error).message}`);
    }
    const counted = checks.filter((c) => !c.restsOnFlagged && c.holds !== null);
    const read = new Map<string, FlaggedValue>();
    for (const c of checks) {
      for (const v of c.values) {
        if (!v.flagged) continue;
        for (const rule of flags.get(key(v.runtime, c.metric)) ?? []) {
          read.set(`${key(v.runtime, c.metric)}\u0000${rule}`, {
            runtime: v.runtime,
            metric: c.metric,
            rule,
          });
        }
      }
    }
    return {
      id: claim.id,
      quote: claim.quote,
      section: claim.section,
      ...(claim.note ? { note: claim.note } : {}),
      outcome: outcomeOf(counted.map((c) => c.holds)),
      asPrinted: outcomeOf(checks.map((c) => c.holds)),
      withoutFlagged: outcomeOf(checks.map((c) => c.holdsWithoutFlagged)),
      checks,
      counted: counted.length,
      holding: counted.filter((c) => c.holds).length,
      flaggedRead: [...read.values()],
    };
  });
}

/** How many claims have each outcome (every outcome present, 0 when none). */
export function countOutcomes(
  evaluations: readonly ClaimEvaluation[],
  which: "outcome" | "asPrinted" | "withoutFlagged" = "outcome",
): Record<ClaimOutcome, number> {
  const counts = { supported: 0, partly: 0, contradicted: 0, flagged: 0 };
  for (const e of evaluations) counts[e[which]]++;
  return counts;
}

/** Options of {@link gapSurvives}. */
export interface GapOptions {
  direction: "higher" | "lower";
  /** Assumed run-to-run coefficient of variation of every run, e.g. 0.02. */
  cv: number;
  /** Runs behind each published value. */
  nA: number;
  nB: number;
  /** Coverage of the ratio's interval (default 0.95). */
  level?: number;
}

/**
 * Whether the gap between two published values `a` and `b` (each a mean of n runs) would be
 * decided by {@link decideVerdict} if each runtime's runs had spread with coefficient of
 * variation `cv`: the runs are taken as n values spread evenly in log space around the published
 * value with standard deviation ln(1 + cv) (geometric mean = the published value), and the gap
 * survives when the verdict of a against b is `better` or `worse`. The paper gives no spread, so
 * this asks which orderings an ordinary cloud-VM spread (2–5 %) would leave standing.
 *
 * @example
 * ```ts
 * gapSurvives(4.6532, 4.6833, { direction: "lower", cv: 0.02, nA: 10, nB: 10 }); // false
 * ```
 */
export function gapSurvives(a: number, b: number, options: GapOptions): boolean {
  if (!(options.cv > 0)) throw new RangeError(`gapSurvives: cv must be above 0, got ${options.cv}`);
  const verdict = decideVerdict(
    assumedRuns(b, options.nB, options.cv),
    assumedRuns(a, options.nA, options.cv),
    {
      direction: options.direction,
      margin: 0.05,
      level: options.level ?? 0.95,
    },
  );
  return verdict.verdict === "better" || verdict.verdict === "worse";
}

/** n values evenly spread in log space: geometric mean `value`, log-sd ln(1 + cv). */
function assumedRuns(value: number, n: number, cv: number): number[] {
  if (!(n >= 2)) throw new RangeError(`assumed runs need n ≥ 2, got ${n}`);
  const sd = Math.log(1 + cv);
  const steps = Array.from({ length: n }, (_, i) => i - (n - 1) / 2);
  const scale = sd / Math.sqrt(steps.reduce((s, x) => s + x * x, 0) / (n - 1));
  return steps.map((x) => value * Math.exp(x * scale));
}
