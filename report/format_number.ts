/**
 * The one number formatter, for reports, notebooks and the command line alike: fixed rules, no
 * locale, so the same value always prints the same characters (reports are compared byte for
 * byte).
 *
 * @module
 */

/** Options of {@link formatNumber}. */
export interface FormatNumberOptions {
  /** Exact number of digits after the decimal point; overrides `significant`. */
  digits?: number;
  /** Significant digits when `digits` is not given (default 4); integers are never cut. */
  significant?: number;
  /** Unit appended after a thin space, e.g. `"MB/s"`; `%` and `×` are appended without one. */
  unit?: string;
  /** Print `+` before positive values. */
  signed?: boolean;
}

/** What {@link formatNumber} prints for a missing value (null, undefined, NaN). */
export const MISSING_VALUE = "—";

/**
 * Formats `value` with a fixed number of decimals or of significant digits, trailing zeros of
 * significant-digit output removed, thousands grouped with a thin space, minus as U+2212.
 *
 * @example
 * ```ts
 * formatNumber(12345.678);              // "12 346"  (thin spaces)
 * formatNumber(0.0581172);              // "0.05812"
 * formatNumber(4.6532, { digits: 2 });  // "4.65"
 * formatNumber(8.2, { unit: "%" });     // "8.2%"
 * ```
 */
export function formatNumber(
  value: number | null | undefined,
  options: FormatNumberOptions = {},
): string {
  if (value === null || value === undefined || Number.isNaN(value)) return MISSING_VALUE;
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  let text: string;
  if (options.digits !== undefined) {
    text = Math.abs(value).toFixed(options.digits);
  } else {
    const significant = options.significant ?? 4;
    const abs = Math.abs(value);
    const integerDigits = abs >= 1 ? Math.floor(Math.log10(abs)) + 1 : 0;
    if (integerDigits >= significant) {
      text = Math.round(abs).toFixed(0);
    } else {
      const decimals = abs === 0 ? 0 : Math.min(
        12,
        significant - integerDigits + (abs < 1 ? -Math.floor(Math.log10(abs)) - 1 : 0),
      );
      text = abs.toFixed(decimals);
      if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
    }
  }
  const [whole, fraction] = text.split(".");
  const grouped = whole.length > 4 ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009") : whole;
  const body = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  const isZero = /^[0.\u2009]+$/.test(body);
  const sign = value < 0 && !isZero ? "\u2212" : options.signed && value > 0 && !isZero ? "+" : "";
  const unit = options.unit === undefined
    ? ""
    : options.unit === "%" || options.unit === "×"
    ? options.unit
    : `\u202f${options.unit}`;
  return `${sign}${body}${unit}`;
}

/**
 * Formats a ratio such as runtime ÷ baseline as `1.23×` (three significant digits).
 */
export function formatRatio(value: number | null | undefined): string {
  return formatNumber(value, { significant: 3, unit: "×" });
}

/**
 * Formats a fraction or a percentage value as a percentage: `formatPercent(0.123)` is `12.3%`;
 * pass `{ alreadyPercent: true }` when the value is in percent already.
 */
export function formatPercent(
  value: number | null | undefined,
  options: { digits?: number; alreadyPercent?: boolean; signed?: boolean } = {},
): string {
  if (value === null || value === undefined) return MISSING_VALUE;
  const percent = options.alreadyPercent ? value : value * 100;
  return formatNumber(percent, {
    digits: options.digits ?? 1,
    unit: "%",
    signed: options.signed,
  });
}

/** p-values below this print as `<0.0001` rather than as a long run of zeros. */
export const SMALLEST_P_SHOWN = 0.0001;

/**
 * Formats a p-value with {@link formatNumber}'s four significant digits; values below
 * {@link SMALLEST_P_SHOWN} print as `<0.0001`, as papers print them.
 */
export function formatPValue(p: number | null | undefined): string {
  if (p !== null && p !== undefined && p < SMALLEST_P_SHOWN) return `<${SMALLEST_P_SHOWN}`;
  return formatNumber(p);
}

/** Formats a confidence interval as `[low, high]` with the same rules as {@link formatNumber}. */
export function formatInterval(
  low: number | null | undefined,
  high: number | null | undefined,
  options: FormatNumberOptions = {},
): string {
  const { unit, ...rest } = options;
  const text = `[${formatNumber(low, rest)}, ${formatNumber(high, rest)}]`;
  return unit ? `${text}\u202f${unit}` : text;
}
