/**
 * Which verdicts against the baseline moved from one run to the next: the verdicts of two
 * analyses joined by runtime and metric, each pair classified. What a reader of a new published
 * run asks first ("what changed since the last one?") and what an upgrade gate reads beside the
 * regression test of `compare`.
 *
 * A verdict counts as decided when it is `better`, `worse` or `equivalent`, and as not comparable
 * when its values are marked so (it is then never decided). Pure.
 *
 * @module
 */
import type { Analysis, BaselineVerdict, VerdictKind } from "../model/analysis.ts";

/** One side of a pair: the verdict with its ratio and interval. */
export interface VerdictSide {
  verdict: VerdictKind | "not-comparable";
  ratio: number | null;
  low: number | null;
  high: number | null;
  n: number;
}

/**
 * How a verdict moved:
 * - `reversed`: decided on both sides, one `better` and the other `worse`;
 * - `changed`: decided on both sides, otherwise different (e.g. `equivalent` → `worse`);
 * - `decided`: undetermined or not comparable before, decided now;
 * - `undecided`: decided before, undetermined or not comparable now;
 * - `new` / `gone`: the runtime × metric exists on one side only;
 * - `unchanged`: the same verdict on both sides (also two undetermined ones).
 */
export type VerdictMovement =
  | "reversed"
  | "changed"
  | "decided"
  | "undecided"
  | "new"
  | "gone"
  | "unchanged";

/** A runtime × metric on both sides. */
export interface VerdictChange {
  runtime: string;
  metric: string;
  before: VerdictSide | null;
  after: VerdictSide | null;
  movement: VerdictMovement;
}

/** What {@link verdictChanges} finds. */
export interface VerdictChanges {
  /** The baseline of each side (the verdicts compare with it). */
  baselines: { before: string | null; after: string | null };
  /** Every pair that moved (not `unchanged`), the most serious movements first. */
  moved: VerdictChange[];
  /** Pairs with the same verdict on both sides. */
  unchanged: number;
  /** Counts per movement, `unchanged` included. */
  counts: Record<VerdictMovement, number>;
}

const ORDER: readonly VerdictMovement[] = [
  "reversed",
  "changed",
  "undecided",
  "decided",
  "gone",
  "new",
  "unchanged",
];

function isDecided(side: VerdictSide | null): boolean {
  return side !== null &&
    (side.verdict === "better" || side.verdict === "worse" || side.verdict === "equivalent");
}

function sideOf(v: BaselineVerdict): VerdictSide {
  return {
    verdict: v.notComparable !== undefined ? "not-comparable" : v.verdict,
    ratio: v.ratio,
    low: v.low,
    high: v.high,
    n: v.n,
  };
}

/** The movement of one pair (see {@link VerdictMovement}). */
export function movementOf(
  before: VerdictSide | null,
  after: VerdictSide | null,
): VerdictMovement {
  if (before === null) return after === null ? "unchanged" : "new";
  if (after === null) return "gone";
  if (before.verdict === after.verdict) return "unchanged";
  const was = isDecided(before);
  const is = isDecided(after);
  if (was && is) {
    const flip = (before.verdict === "better" && after.verdict === "worse") ||
      (before.verdict === "worse" && after.verdict === "better");
    return flip ? "reversed" : "changed";
  }
  if (is) return "decided";
  if (was) return "undecided";
  // Undetermined ↔ not comparable: neither side decides anything.
  return "unchanged";
}

function verdictsOf(
  analysis: Analysis,
): { baseline: string | null; map: Map<string, BaselineVerdict> } {
  if (analysis.groups.length !== 1) {
    throw new RangeError(
      `verdictChanges: an analysis of one host is needed on each side, got ${analysis.groups.length} ` +
        "groups; compare runs of one host, or analyse them pooled",
    );
  }
  const group = analysis.groups[0];
  const map = new Map<string, BaselineVerdict>();
  for (const v of group.verdicts) map.set(`${v.runtime}\u0000${v.metric}`, v);
  return { baseline: group.verdicts[0]?.baseline ?? null, map };
}

/**
 * The verdicts of `before` and `after` joined by runtime and metric (each analysis of one host
 * group), with how each moved.
 *
 * @example
 * ```ts
 * const changes = verdictChanges(analyzeResultSets([old]), analyzeResultSets([fresh]));
 * for (const c of changes.moved) console.log(c.runtime, c.metric, c.movement);
 * ```
 */
export function verdictChanges(before: Analysis, after: Analysis): VerdictChanges {
  const a = verdictsOf(before);
  const b = verdictsOf(after);
  const keys = [...new Set([...a.map.keys(), ...b.map.keys()])].sort();
  const counts = Object.fromEntries(ORDER.map((m) => [m, 0])) as Record<VerdictMovement, number>;
  const moved: VerdictChange[] = [];
  for (const key of keys) {
    const [runtime, metric] = key.split("\u0000");
    const x = a.map.get(key);
    const y = b.map.get(key);
    const change: VerdictChange = {
      runtime,
      metric,
      before: x ? sideOf(x) : null,
      after: y ? sideOf(y) : null,
      movement: "unchanged",
    };
    change.movement = movementOf(change.before, change.after);
    counts[change.movement]++;
    if (change.movement !== "unchanged") moved.push(change);
  }
  moved.sort((p, q) =>
    ORDER.indexOf(p.movement) - ORDER.indexOf(q.movement) ||
    p.runtime.localeCompare(q.runtime) || p.metric.localeCompare(q.metric)
  );
  return {
    baselines: { before: a.baseline, after: b.baseline },
    moved,
    unchanged: counts.unchanged,
    counts,
  };
}
