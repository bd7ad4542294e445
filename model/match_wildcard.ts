/**
 * Matching of user-written patterns where `*` stands for any run of characters and `?` for one
 * (tolerance rules, dataset globs), without building a regular expression: a pattern such as
 * `*a*a*a*a*b` cannot make the match take exponential time. Greedy matching with one
 * backtracking point (the last `*`), O(pattern × text) at worst.
 *
 * @module
 */

/** Options of {@link matchWildcard}. */
export interface MatchWildcardOptions {
  /** Characters `*` and `?` do not match (e.g. "/" for path segments). */
  except?: string;
  /** Whether `?` stands for one character (default true); when false it is itself. */
  question?: boolean;
}

/**
 * Whether `text` matches `pattern` as a whole.
 *
 * @example
 * ```ts
 * matchWildcard("startup.*", "startup.latency"); // true
 * matchWildcard("run?", "runc"); // true
 * ```
 */
export function matchWildcard(
  pattern: string,
  text: string,
  options: MatchWildcardOptions = {},
): boolean {
  const except = options.except ?? "";
  const question = options.question ?? true;
  const p = [...pattern];
  const t = [...text];
  let i = 0; // in t
  let j = 0; // in p
  let star = -1; // index in p of the last `*` seen
  let resume = 0; // index in t where that `*` resumes
  while (i < t.length) {
    if (j < p.length && p[j] === "*") {
      star = j++;
      resume = i;
    } else if (
      j < p.length && (p[j] === "?" && question ? !except.includes(t[i]) : p[j] === t[i])
    ) {
      i++;
      j++;
    } else if (star >= 0 && !except.includes(t[resume])) {
      // Let the last `*` take one more character and try again from there.
      j = star + 1;
      i = ++resume;
    } else {
      return false;
    }
  }
  while (j < p.length && p[j] === "*") j++;
  return j === p.length;
}
