/**
 * Whether the result sets of a group ran under the same speculative-execution mitigations. The
 * kernel's mitigations (and the CPU's microcode behind them) set what a system call or a context
 * switch costs the baseline: the same loop of `getppid` cost 11× more on one host of a kind
 * than on another. Ratios to a baseline pooled across such sets mix those costs.
 *
 * @module
 */
import type { SanityFinding } from "../model/analysis.ts";
import type { ResultSet } from "../model/result_set.ts";

/** How many differing vulnerabilities a finding names before it says "and N more". */
const NAMED_DIFFERENCES = 4;

/** A result set of a group, with what names it in messages. */
export interface DescribedSet {
  set: ResultSet;
  /** How messages name it, e.g. `runs/a.json (20261201-…)`. */
  name: string;
}

/**
 * Findings on the mitigations of a group's sets: a warning when two sets that record them
 * differ (naming each vulnerability whose state differs, and where), an info finding when only
 * some sets record them. None when they agree or fewer than two sets record them.
 *
 * @example
 * ```ts
 * const findings = mitigationFindings([{ set: a, name: "a.json" }, { set: b, name: "b.json" }]);
 * findings[0]?.rule; // "mitigations-differ" when a and b were measured under different ones
 * ```
 */
export function mitigationFindings(members: readonly DescribedSet[]): SanityFinding[] {
  const recorded = members.filter((m) => m.set.host.vulnerabilities !== undefined);
  const findings: SanityFinding[] = [];
  if (recorded.length >= 2) {
    const first = recorded[0];
    const a = first.set.host.vulnerabilities!;
    const differing: string[] = [];
    const where = new Set<string>();
    for (const other of recorded.slice(1)) {
      const b = other.set.host.vulnerabilities!;
      const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const name of names) {
        if (a[name] === b[name]) continue;
        where.add(first.name).add(other.name);
        differing.push(
          `${name}: "${a[name] ?? "not listed"}" in ${first.name} but ` +
            `"${b[name] ?? "not listed"}" in ${other.name}`,
        );
      }
    }
    if (differing.length > 0) {
      const named = differing.slice(0, NAMED_DIFFERENCES).join("; ");
      const more = differing.length > NAMED_DIFFERENCES
        ? `; and ${differing.length - NAMED_DIFFERENCES} more`
        : "";
      findings.push({
        rule: "mitigations-differ",
        severity: "warning",
        message: "These result sets ran under different speculative-execution mitigations, " +
          "which set what a system call or context switch costs the baseline, so their ratios " +
          `do not mix: ${named}${more}. Analyse them apart (without --pool, or with ` +
          "different host ids).",
        values: [],
        where: [...where],
      });
    }
  }
  if (recorded.length > 0 && recorded.length < members.length) {
    const unknown = members.filter((m) => m.set.host.vulnerabilities === undefined);
    findings.push({
      rule: "mitigations-unknown",
      severity: "info",
      message: `${unknown.length} of ${members.length} result sets do not record the host's ` +
        "speculative-execution mitigations, so whether they match the others' is unknown.",
      values: [],
      where: unknown.map((m) => m.name),
    });
  }
  return findings;
}
