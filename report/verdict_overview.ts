/**
 * What a report's first screen says, made from the analysis' verdicts against the baseline and
 * its recommendations, never recomputed: the runtime × category verdict matrix, the count of
 * decided, undetermined and not-comparable verdicts, one sentence of decided costs per runtime
 * and the recommendation per profile with its probability of coming first. A budgeted run's
 * verdicts are those its looks recorded (`analyze/budget_verdicts.ts`), already in
 * `group.verdicts`. Pure.
 *
 * @module
 */
import type {
  BaselineVerdict,
  HostGroup,
  Recommendation,
  RecommendationEntry,
} from "../model/analysis.ts";
import type { Category } from "../model/result_set.ts";
import { summarizeVerdicts } from "../analyze/summarize_verdicts.ts";
import { formatInterval, formatNumber, formatPercent, formatRatio } from "./format_number.ts";

/**
 * The state of a runtime × category cell: the verdict its decided metrics share, `mixed` when
 * some are decided better and others worse, `undetermined` when none is decided and
 * `not-comparable` when none of its values measures what its metric says.
 */
export type VerdictState =
  | "worse"
  | "better"
  | "equivalent"
  | "mixed"
  | "undetermined"
  | "not-comparable";

/** One runtime × category cell of {@link verdictMatrix}. */
export interface VerdictMatrixCell {
  state: VerdictState;
  /** What the cell shows, e.g. `worse 45× 2/2` (verdict, ratio, decided of comparable). */
  text: string;
  /** Verdicts of the category decided (better, worse or equivalent). */
  decided: number;
  /** Verdicts of the category whose values are comparable. */
  comparable: number;
  /** Verdicts of the category in all. */
  total: number;
  /** The decided better or worse verdict furthest from 1, whose ratio the cell shows. */
  lead: BaselineVerdict | null;
}

/** One runtime's row of {@link verdictMatrix}. */
export interface VerdictMatrixRow {
  runtime: string;
  /** Per category (absent where the runtime has no verdict in it). */
  cells: Partial<Record<Category, VerdictMatrixCell>>;
}

/** The runtime × category verdict matrix of a host group. */
export interface VerdictMatrix {
  baseline: string | null;
  /** Categories with at least one verdict, in the order of the group's metrics. */
  categories: Category[];
  /** Every runtime but the baseline, in the group's order. */
  rows: VerdictMatrixRow[];
}

function distance(v: BaselineVerdict): number {
  return v.ratio === null || v.ratio <= 0 ? 0 : Math.abs(Math.log(v.ratio));
}

function furthest(verdicts: BaselineVerdict[]): BaselineVerdict | null {
  return verdicts.reduce<BaselineVerdict | null>(
    (far, v) => (far === null || distance(v) > distance(far) ? v : far),
    null,
  );
}

function cellOf(verdicts: BaselineVerdict[]): VerdictMatrixCell {
  const comparable = verdicts.filter((v) => v.notComparable === undefined);
  const decided = comparable.filter((v) => v.verdict !== "undetermined");
  const worse = decided.filter((v) => v.verdict === "worse");
  const better = decided.filter((v) => v.verdict === "better");
  const state: VerdictState = comparable.length === 0
    ? "not-comparable"
    : decided.length === 0
    ? "undetermined"
    : worse.length > 0 && better.length > 0
    ? "mixed"
    : worse.length > 0
    ? "worse"
    : better.length > 0
    ? "better"
    : "equivalent";
  const lead = furthest([...worse, ...better]);
  const count = ` ${decided.length}/${comparable.length}`;
  // Two significant digits: the matrix is a glance; the sentences and Section 4.7 give more.
  const ratio = (r: number | null | undefined) => formatNumber(r, { significant: 2, unit: "×" });
  let text: string;
  if (state === "not-comparable") text = "not comparable";
  else if (state === "undetermined") text = `undetermined 0/${comparable.length}`;
  else if (state === "equivalent") text = `equivalent${count}`;
  else if (state === "mixed") {
    const ratios = [...worse, ...better].map((v) => v.ratio).filter((r): r is number => r !== null);
    text = `mixed ${ratio(Math.min(...ratios))}–${ratio(Math.max(...ratios))}${count}`;
  } else text = `${state} ${ratio(lead?.ratio)}${count}`;
  return {
    state,
    text,
    decided: decided.length,
    comparable: comparable.length,
    total: verdicts.length,
    lead,
  };
}

/**
 * The verdicts of `group` against its baseline as a runtime × category matrix. Each cell says
 * what the category's decided verdicts say together and shows the ratio (runtime ÷ baseline of
 * the metric's values) of the decided difference furthest from 1, then how many of the
 * comparable verdicts are decided.
 *
 * @example
 * ```ts
 * const m = verdictMatrix(analysis.groups[0]);
 * m.rows[0].cells.syscalls?.text; // "worse 45× 2/2"
 * ```
 */
export function verdictMatrix(group: HostGroup): VerdictMatrix {
  const categoryOf = new Map(group.metrics.map((m) => [m.metric, m.category]));
  const categories: Category[] = [];
  for (const m of group.metrics) {
    if (!categories.includes(m.category) && group.verdicts.some((v) => v.metric === m.metric)) {
      categories.push(m.category);
    }
  }
  const baseline = group.baseline.used;
  const rows = group.runtimes.filter((r) => r.id !== baseline).map((r) => {
    const cells: Partial<Record<Category, VerdictMatrixCell>> = {};
    for (const category of categories) {
      const mine = group.verdicts.filter((v) =>
        v.runtime === r.id && categoryOf.get(v.metric) === category
      );
      if (mine.length > 0) cells[category] = cellOf(mine);
    }
    return { runtime: r.id, cells };
  });
  return { baseline, categories, rows };
}

/** How a report names runtimes, metrics and categories. */
export interface OverviewNames {
  /** A runtime's name from its id (default: the id). */
  runtime?: (id: string) => string;
  /** A category's name (default: the id). */
  category?: (category: Category) => string;
}

/**
 * The count of a group's verdicts as one sentence: how many are decided (worse, better,
 * equivalent), undetermined and not comparable, against which baseline and at which n.
 */
export function formatVerdictCounts(group: HostGroup, names: OverviewNames = {}): string {
  const s = summarizeVerdicts(group);
  if (s.baseline === null) {
    return "This run has no baseline runtime, so nothing is decided against one and no runtime " +
      "is named better or worse than another.";
  }
  if (s.total === 0) return "This run has no ranked metric, so nothing is decided.";
  const baseline = (names.runtime ?? String)(s.baseline);
  const { counts } = s;
  const decided = counts.worse + counts.better + counts.equivalent;
  const n = s.n === null
    ? ""
    : s.n.min === s.n.max
    ? ` at n = ${s.n.min}`
    : ` at n = ${s.n.min}–${s.n.max}`;
  const share = (k: number) => formatPercent(k / s.total, { digits: 0 });
  return `Against ${baseline}${n}: ${decided} of ${s.total} runtime × metric verdicts decided ` +
    `(${share(decided)}: ${counts.worse} worse, ${counts.better} better, ${counts.equivalent} ` +
    `equivalent), ${counts.undetermined} undetermined (${share(counts.undetermined)}) and ` +
    `${s.notComparable.count} not comparable (${share(s.notComparable.count)}).`;
}

function shortName(name: string): string {
  // "idle container PSS (runtime + shim + …)" → "idle container PSS": the rest is in Section 4.
  return name.replace(/\s*\([^)]*\)\s*$/, "");
}

/** One runtime's sentence of {@link decidedCosts}. */
export interface DecidedCostSentence {
  /** The runtime's id. */
  runtime: string;
  text: string;
}

/** Options of {@link decidedCosts}. */
export interface DecidedCostsOptions extends OverviewNames {
  /** Categories named with a decided difference, the largest first (default 5). */
  limit?: number;
}

/**
 * One sentence per runtime of what is decided against the baseline, built from decided
 * verdicts only: per category the decided difference furthest from 1 (metric, ratio and
 * interval), the largest first, and the categories where every decided verdict is
 * `equivalent`. A runtime with nothing decided gets a sentence saying so.
 *
 * @example
 * ```ts
 * decidedCosts(group)[0].text;
 * // "runsc-ptrace: worse in start-up (create→exit latency 91× [10.4, 801]), …; equivalent to native in CPU."
 * ```
 */
export function decidedCosts(
  group: HostGroup,
  options: DecidedCostsOptions = {},
): DecidedCostSentence[] {
  const runtimeName = options.runtime ?? String;
  const categoryName = options.category ?? String;
  const limit = options.limit ?? 5;
  const s = summarizeVerdicts(group);
  if (s.baseline === null) return [];
  const baseline = runtimeName(s.baseline);
  const metricOf = new Map(group.metrics.map((m) => [m.metric, m]));
  return s.runtimes.map((r) => {
    const byCategory = new Map<Category, BaselineVerdict[]>();
    for (const v of [...r.worse, ...r.better]) {
      const category = metricOf.get(v.metric)?.category;
      if (category === undefined) continue;
      byCategory.set(category, [...(byCategory.get(category) ?? []), v]);
    }
    const leads = [...byCategory].map(([category, vs]) => ({ category, v: furthest(vs)! }))
      .sort((a, b) => distance(b.v) - distance(a.v));
    const phrase = ({ category, v }: { category: Category; v: BaselineVerdict }) => {
      const metric = shortName(metricOf.get(v.metric)?.name ?? v.metric);
      const interval = v.low === null || v.high === null
        ? ""
        : ` ${formatInterval(v.low, v.high, { significant: 3 })}`;
      return `${categoryName(category)} (${metric} ${formatRatio(v.ratio)}${interval})`;
    };
    const shown = leads.slice(0, limit);
    const parts: string[] = [];
    const worse = shown.filter((l) => l.v.verdict === "worse");
    const better = shown.filter((l) => l.v.verdict === "better");
    if (worse.length) parts.push(`worse in ${worse.map(phrase).join(", ")}`);
    if (better.length) parts.push(`better in ${better.map(phrase).join(", ")}`);
    const equivalent = [
      ...new Set(r.equivalent.map((v) => metricOf.get(v.metric)?.category)),
    ].filter((c): c is Category => c !== undefined && !byCategory.has(c));
    if (equivalent.length) {
      parts.push(`equivalent to ${baseline} in ${equivalent.map(categoryName).join(", ")}`);
    }
    const more = leads.length - shown.length;
    if (more > 0) {
      parts.push(`decided differences in ${more} more ${more === 1 ? "category" : "categories"}`);
    }
    const open = r.undetermined > 0 ? ` (${r.undetermined} undetermined)` : "";
    const text = parts.length === 0
      ? `${runtimeName(r.runtime)}: nothing decided against ${baseline}${open}.`
      : `${runtimeName(r.runtime)}: ${parts.join("; ")}${open}.`;
    return { runtime: r.runtime, text };
  });
}

/** One profile's recommendation as {@link recommendationOverview} gives it. */
export interface RecommendationOverviewRow {
  profile: string;
  /**
   * The runtime(s) with the highest D, or, when the intervals of D overlap, those runtimes and
   * the ones tied with them: the data do not name one first then.
   */
  first: string;
  /** Each first runtime's share of the resamples in which it came first, e.g. `crun 66 %`. */
  probability: string;
  /** The profile's requirements the first runtime(s) met, or `none asked`. */
  requirements: string;
  /** Who was not eligible and why, runtimes with the same reason together. */
  notEligible: string;
  /**
   * The categories D rests on (measured on the baseline and weighed by the profile); a category
   * the profile weighs that the run did not measure is left out for every runtime alike.
   */
  covers: string;
  /** True when the data single out one runtime (no tie on D). */
  decided: boolean;
}

// A reason of ineligibility longer than this is cut: the full text is in Section 5.
const REASON_CHARS = 160;

function dIs(e: RecommendationEntry): string {
  return e.desirability === null ? "" : ` (D ${formatNumber(e.desirability, { digits: 2 })})`;
}

/** A profile's recommendation for the first screen (see {@link RecommendationOverviewRow}). */
export function recommendationOverview(
  rec: Recommendation,
  names: OverviewNames = {},
): RecommendationOverviewRow {
  const name = names.runtime ?? String;
  const firsts = rec.entries.filter((e) => e.eligible && e.rank === 1);
  const firstIds = new Set(firsts.map((e) => e.runtime));
  const tied = [...new Set(firsts.flatMap((e) => e.tiedWith))].filter((id) => !firstIds.has(id));
  const single = firsts.length === 1 && tied.length === 0;
  const first = firsts.length === 0
    ? "no eligible runtime"
    : single
    ? `${name(firsts[0].runtime)}${dIs(firsts[0])}`
    : `no single first: ${firsts.map((e) => `${name(e.runtime)}${dIs(e)}`).join(", ")}` +
      (tied.length ? ` tied with ${tied.map(name).join(", ")}` : "") +
      " (their intervals of D overlap)";
  const probability =
    firsts.filter((e) => e.firstProbability !== null).map((e) =>
      `${name(e.runtime)} ${formatPercent(e.firstProbability, { digits: 0 })}`
    ).join(", ") || "—";
  const met = [
    ...new Set(
      firsts.flatMap((e) => (e.requirementChecks ?? []).filter((c) => c.met))
        .map((c) => c.requirement),
    ),
  ];
  const asked = rec.entries.some((e) => (e.requirementChecks ?? []).length > 0);
  const requirements = !asked ? "none asked" : met.length ? met.join("; ") : "none met";
  const reasons = new Map<string, string[]>();
  for (const e of rec.entries.filter((x) => !x.eligible)) {
    for (const reason of e.ineligible.length ? e.ineligible : ["not eligible"]) {
      const why = reason.length > REASON_CHARS ? `${reason.slice(0, REASON_CHARS - 1)}…` : reason;
      reasons.set(why, [...(reasons.get(why) ?? []), name(e.runtime)]);
    }
  }
  const notEligible = reasons.size === 0
    ? "none"
    : [...reasons].map(([why, who]) => `${who.join(", ")}: ${why}`).join(" — ");
  const covered = new Set(
    rec.entries.flatMap((e) =>
      e.categories.filter((c) => c.metricsUsed > 0).map((c) => c.category)
    ),
  );
  return {
    profile: rec.profile.name,
    first,
    probability,
    requirements,
    notEligible,
    covers: [...covered].map((c) => (names.category ?? String)(c)).join(", ") || "—",
    decided: single,
  };
}

/** A caution of the recommendations, said once, with the profiles it concerns. */
export interface CautionNote {
  note: string;
  profiles: string[];
}

// Notes the first-screen table already states in its columns: ties on D, shared first places,
// how many runtimes were not eligible and which categories D covers.
const SHOWN_IN_TABLE = [
  /tied, the data do not tell/,
  /share the highest D/,
  /are not eligible/,
  /which this group did not measure on the baseline/,
];

/**
 * The recommendations' notes, each once with the profiles it came from, leaving out those the
 * recommendation table states in its own columns (ties, eligibility, the categories D covers).
 */
export function cautionNotes(recommendations: readonly Recommendation[]): CautionNote[] {
  const notes = new Map<string, string[]>();
  for (const rec of recommendations) {
    for (const note of rec.notes) {
      if (SHOWN_IN_TABLE.some((re) => re.test(note))) continue;
      const profiles = notes.get(note) ?? [];
      if (!profiles.includes(rec.profile.name)) profiles.push(rec.profile.name);
      notes.set(note, profiles);
    }
  }
  return [...notes].map(([note, profiles]) => ({ note, profiles }));
}
