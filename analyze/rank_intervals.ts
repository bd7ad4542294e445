/**
 * Ranks as intervals from decided pairwise comparisons.
 *
 * @module
 */

/** One runtime's possible ranks. */
export interface RankInterval {
  runtime: string;
  /** Best possible rank: 1 + the runtimes decided better than it. */
  best: number;
  /** Worst possible rank: the number of runtimes − those decided worse than it. */
  worst: number;
  /** Runtimes not decided apart from it, in input order. */
  undecided: string[];
}

/**
 * The rank interval of each runtime from the pairs decided so far. A runtime can be placed no
 * better than 1 + the number decided better than it and no worse than n − the number decided
 * worse than it. Each runtime's interval depends only on its own decided pairs, so no chain of
 * ties spreads a rank (a ≈ b and b ≈ c while a beats c gives a: 1–2, b: 1–3, c: 2–3, not the
 * 1, 1, 3 of tiers built from a leader). Pairs naming an unknown runtime are ignored.
 *
 * @example
 * ```ts
 * rankIntervals(["a", "b", "c"], [{ better: "a", worse: "c" }]);
 * // a: 1–2, b: 1–3, c: 2–3
 * ```
 */
export function rankIntervals(
  runtimes: readonly string[],
  decided: readonly { better: string; worse: string }[],
): RankInterval[] {
  const index = new Map(runtimes.map((r, i) => [r, i]));
  const above = new Array<number>(runtimes.length).fill(0);
  const below = new Array<number>(runtimes.length).fill(0);
  const apart = runtimes.map(() => new Set<string>());
  const seen = new Set<string>();
  for (const { better, worse } of decided) {
    const b = index.get(better);
    const w = index.get(worse);
    if (b === undefined || w === undefined || b === w) continue;
    const key = b < w ? `${b},${w}` : `${w},${b}`;
    if (seen.has(key)) {
      throw new RangeError(`rankIntervals: the pair ${better}, ${worse} is decided twice`);
    }
    seen.add(key);
    above[w]++;
    below[b]++;
    apart[b].add(worse);
    apart[w].add(better);
  }
  return runtimes.map((runtime, i) => ({
    runtime,
    best: 1 + above[i],
    worst: runtimes.length - below[i],
    undecided: runtimes.filter((o, k) => k !== i && !apart[i].has(o)),
  }));
}
