/**
 * Durations on the command line: `90s`, `8m`, `1h`, `1h30m`, `2.5m`.
 *
 * @module
 */

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1000 } as const;

/**
 * A duration such as `45m` or `1h30m` in milliseconds: one or more numbers each followed by a
 * unit (`h`, `m`, `s`), largest unit first. Raises a SyntaxError naming `option` otherwise.
 *
 * @example
 * ```ts
 * parseDuration("1h30m", "--budget"); // 5_400_000
 * ```
 */
export function parseDuration(text: string, option: string): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)([hms])/g)];
  const units = parts.map((p) => p[2]);
  const ordered = units.every((u, i) => i === 0 || "hms".indexOf(units[i - 1]) < "hms".indexOf(u));
  const ms = parts.reduce(
    (sum, p) => sum + Number(p[1]) * UNIT_MS[p[2] as keyof typeof UNIT_MS],
    0,
  );
  if (parts.map((p) => p[0]).join("") !== trimmed || parts.length === 0 || !ordered || !(ms > 0)) {
    throw new SyntaxError(
      `${option} must be a duration such as 90s, 8m, 1h or 1h30m (a number and a unit h, m or s), ` +
        `got "${text}"`,
    );
  }
  return ms;
}
