/**
 * How a security property check reads in a table cell, the same in HTML, Markdown and CSV:
 * `✓ 0` (passes, value 0), `✗ 14` (fails), `✗ 1†` (a kernel property that fails where the
 * workload's kernel is not the host's, so it earns part of its weight), `—` (no value).
 *
 * @module
 */
import type { SecurityPropertyCheck } from "../model/analysis.ts";

/** The mark after a failed value that earns part of its weight because another kernel answers. */
export const OTHER_KERNEL_MARK = "†";

/** One check as a table cell; see the module doc. */
export function formatPropertyCheck(
  check: Pick<SecurityPropertyCheck, "value" | "passed" | "basis"> | undefined,
): string {
  if (check === undefined || check.value === null || check.passed === null) return "—";
  // Flags and counts: integers, or a half where two repetitions disagreed.
  const value = String(Number(check.value.toPrecision(3)));
  return `${check.passed ? "✓" : "✗"} ${value}${
    check.basis === "other-kernel" ? OTHER_KERNEL_MARK : ""
  }`;
}
