/**
 * Matching of ids against patterns with `*` wildcards, as the tolerance and margin files use
 * them, without regular expressions: a backtracking RegExp built from a pattern such as
 * `a*a*a*a*b` takes time exponential in the number of stars on a long id.
 *
 * @module
 */

/**
 * True when `text` matches `pattern`, where `*` stands for any run of characters (also none)
 * and every other character stands for itself. Greedy matching that remembers only the last
 * star (the classic wildcard algorithm): O(|pattern| · |text|) at worst, never exponential.
 *
 * @example
 * ```ts
 * matchWildcard("startup.*", "startup.create_to_exit"); // true
 * matchWildcard("*.p99", "fio.read_p50"); // false
 * ```
 */
export function matchWildcard(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1; // index in pattern of the last star seen
  let resume = 0; // index in text where that star's match would grow next
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== "*" && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      // Let the last star swallow one more character and retry what follows it.
      p = star + 1;
      t = ++resume;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}
