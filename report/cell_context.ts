/// <reference lib="dom" />
/**
 * The context a notebook cell sees: the loaded result sets, their observations as flat rows,
 * Observable Plot, and helpers that make tables, captioned figures, escaped HTML and Markdown,
 * and formatted numbers. Everything a cell returns is turned into a {@link CellOutput} by
 * {@link toCellOutputs}. Runs inside the cell sandbox; see `report/README.md`.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Category, Direction, IsolationClass, ResultSet } from "../model/result_set.ts";
import type { Analysis } from "../model/analysis.ts";
import { sampleCells } from "../model/sample_columns.ts";
import * as analyzeApi from "../analyze/mod.ts";
import { type AnalyzeOptions, analyzeResultSets } from "../analyze/mod.ts";
import { readBesideRunSpec, readPaperClaims } from "../model/paper_claim.ts";
import {
  CELL_TONES,
  type CellOutput,
  type CellTone,
  type FigureOutput,
  type TableCellOutput,
  type TableColumnOutput,
  type TableOutput,
} from "./cell_output.ts";
import { escapeHtml, escapeMarkdown } from "./escape.ts";
import {
  formatInterval,
  formatNumber,
  type FormatNumberOptions,
  formatPercent,
  formatRatio,
} from "./format_number.ts";
import { formatPropertyCheck } from "./format_security.ts";
import { verdictChanges } from "../analyze/verdict_changes.ts";
import * as overviewApi from "./verdict_overview.ts";
import { verdictChangeRows } from "./format_verdict_changes.ts";
import { budgetOutlook, HOW_TO_DECIDE } from "./format_verdict_summary.ts";

const OUTPUT = Symbol("ocibench.output");

/** A value a helper made; cells return it and the builder embeds it. */
export interface MadeOutput {
  [OUTPUT]: CellOutput | ((document: Document) => CellOutput);
}

/** One observation (sample or published summary value) as a flat row, ready for Plot. */
export interface ObservationRow {
  /** `runId` of the result set it comes from. */
  set: string;
  host: string;
  runtime: string;
  runtimeName: string;
  isolation: IsolationClass;
  historical: boolean;
  benchmark: string;
  metric: string;
  metricName: string;
  category: Category;
  unit: string;
  direction: Direction;
  /** null for a value a source could not obtain. */
  value: number | null;
  kind: "sample" | "summary";
  /** For summaries: the statistic the source printed (mean, best, …). */
  statistic?: string;
  iteration?: number;
  warmup?: boolean;
  /** For summaries: where it was printed, e.g. "Table 6". */
  source?: string;
}

/** Flattens every observation of `sets` into {@link ObservationRow}s, in file order. */
export function observationRows(sets: ResultSet[]): ObservationRow[] {
  const rows: ObservationRow[] = [];
  for (const set of sets) {
    const runtimes = new Map(set.runtimes.map((r) => [r.id, r]));
    const metrics = new Map(set.metrics.map((m) => [m.id, m]));
    for (const o of set.samples) {
      const runtime = runtimes.get(o.runtime)!;
      const metric = metrics.get(o.metric)!;
      rows.push({
        set: set.runId,
        host: set.host.id,
        runtime: o.runtime,
        runtimeName: runtime.name,
        isolation: runtime.isolation,
        historical: runtime.historical,
        benchmark: o.benchmark,
        metric: o.metric,
        metricName: metric.name,
        category: metric.category,
        unit: o.unit,
        direction: o.direction,
        value: o.value,
        kind: o.kind,
        ...(o.kind === "summary"
          ? { statistic: o.statistic, ...(o.source ? { source: o.source } : {}) }
          : { iteration: o.iteration, warmup: o.warmup }),
      });
    }
  }
  return rows;
}

/** A column of {@link table}: a key of the rows, or a description. */
export type TableColumn = string | {
  key: string;
  label?: string;
  /** Decimals for numbers in this column (default: four significant digits). */
  digits?: number;
  /** Unit appended to each number. */
  unit?: string;
  /** Bold the best number of the column: the highest or the lowest. */
  best?: "higher" | "lower";
  /** Formats a value for display; the CSV keeps the raw value. */
  format?: (value: unknown, row: Record<string, unknown>) => string;
  align?: "left" | "right";
  /**
   * Shades a cell by the verdict it shows: one of `CELL_TONES` (e.g. `worse`), or undefined for
   * none; HTML only, so the cell's text must say it too.
   */
  tone?: (value: unknown, row: Record<string, unknown>) => string | undefined;
};

/** Options of {@link table}. */
export interface TableOptions {
  columns?: TableColumn[];
  caption?: string;
  id?: string;
  /** Text printed under the table. */
  note?: string;
  /**
   * A row key: rows where it is truthy are shown greyed and take no part in `best` (values kept
   * for reference only, e.g. `notComparable` ones).
   */
  muted?: string;
}

/**
 * Makes a numbered, captioned table (and its CSV) from an array of row objects.
 *
 * @example
 * ```ts
 * table(rows, { caption: "Start latency", columns: ["runtime", { key: "ms", digits: 1, best: "lower" }] })
 * ```
 */
export function table(rows: readonly object[], options: TableOptions = {}): MadeOutput {
  if (!Array.isArray(rows)) throw new TypeError("table(rows): rows must be an array of objects");
  return tableOf(rows as Record<string, unknown>[], options);
}

function tableOf(rows: Record<string, unknown>[], options: TableOptions): MadeOutput {
  const specs = (options.columns ?? Object.keys(rows[0] ?? {})).map((c) =>
    typeof c === "string" ? { key: c } : c
  );
  const columns: TableColumnOutput[] = specs.map((c) => {
    const numeric = rows.some((r) => typeof r[c.key] === "number") &&
      rows.every((r) =>
        r[c.key] === null || r[c.key] === undefined || typeof r[c.key] === "number"
      );
    return { key: c.key, label: c.label ?? c.key, align: c.align ?? (numeric ? "right" : "left") };
  });
  const isMuted = (row: Record<string, unknown>) =>
    options.muted !== undefined && Boolean(row[options.muted]);
  const best = specs.map((c) => {
    if (!c.best) return undefined;
    const values = rows.filter((r) => !isMuted(r)).map((r) => r[c.key]).filter((v): v is number =>
      typeof v === "number" && Number.isFinite(v)
    );
    if (values.length === 0) return undefined;
    return c.best === "higher" ? Math.max(...values) : Math.min(...values);
  });
  const cellOf = (
    row: Record<string, unknown>,
    c: (typeof specs)[number],
    i: number,
  ): TableCellOutput => {
    const value = row[c.key];
    const raw = value === undefined || value === null
      ? null
      : typeof value === "number" || typeof value === "boolean"
      ? value
      : String(value);
    const text = c.format
      ? c.format(value, row)
      : typeof value === "number"
      ? formatNumber(value, { digits: c.digits, unit: c.unit })
      : value === null || value === undefined
      ? "—"
      : String(value);
    const tone = c.tone?.(value, row);
    if (tone !== undefined && !(CELL_TONES as readonly string[]).includes(tone)) {
      throw new TypeError(
        `table(): column "${c.key}" gave the tone "${tone}"; use one of ${CELL_TONES.join(", ")}`,
      );
    }
    const shade = tone === undefined ? {} : { tone: tone as CellTone };
    if (isMuted(row)) return { text, raw, muted: true, ...shade };
    return best[i] !== undefined && value === best[i]
      ? { text, raw, strong: true, ...shade }
      : { text, raw, ...shade };
  };
  const cells: TableCellOutput[][] = rows.map((row) => specs.map((c, i) => cellOf(row, c, i)));
  const output: TableOutput = {
    kind: "table",
    columns,
    rows: cells,
    ...(options.caption ? { caption: options.caption } : {}),
    ...(options.id ? { id: options.id } : {}),
    ...(options.note ? { note: options.note } : {}),
  };
  return { [OUTPUT]: output };
}

/** Options of {@link figure}. */
export interface FigureOptions {
  caption?: string;
  /** The text alternative: what the figure shows, for readers who cannot see it. */
  alt?: string;
  id?: string;
}

/** Captions a plot made with `Plot.plot(…)`: `figure(Plot.plot({…}), { caption, alt })`. */
export function figure(plot: unknown, options: FigureOptions = {}): MadeOutput {
  const plots = Array.isArray(plot) ? plot : [plot];
  if (plots.length === 0 || !plots.every(isElement)) {
    throw new TypeError(
      "figure(plot, options): plot must be what Plot.plot(…) returns, or an array of those " +
        "(panels stacked top to bottom, each with its own scales)",
    );
  }
  return {
    [OUTPUT]: () => ({
      ...(plots.length === 1 ? plotToFigure(plots[0]) : panelsToFigure(plots)),
      ...clean(options),
    }),
  };
}

/** Stacks several plots into one figure, each keeping its own axes and scales. */
function panelsToFigure(plots: Element[]): FigureOutput {
  const document = plots[0].ownerDocument;
  const roots = plots.map((p) => chartRoot(p));
  const width = Math.max(...roots.map((r) => r.width));
  const root = document.createElementNS(SVG_NS, "svg");
  let y = 0;
  for (const r of roots) {
    r.root.setAttribute("x", "0");
    r.root.setAttribute("y", String(y));
    r.root.removeAttribute("xmlns");
    r.root.removeAttribute("role");
    root.append(r.root);
    y += r.height;
  }
  root.setAttribute("width", String(width));
  root.setAttribute("height", String(y));
  root.setAttribute("viewBox", `0 0 ${width} ${y}`);
  root.setAttribute("font-family", "system-ui, sans-serif");
  root.setAttribute("font-size", "10");
  root.setAttribute("fill", "currentColor");
  root.setAttribute("xmlns", SVG_NS);
  root.setAttribute("role", "img");
  const description = roots.map((r, i) => `Panel ${i + 1}: ${r.description}`).join(" ");
  return { kind: "figure", svg: root.outerHTML, description };
}

function clean(options: FigureOptions): Partial<FigureOutput> {
  return Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined && v !== ""),
  ) as Partial<FigureOutput>;
}

type Interpolation = unknown;

/**
 * HTML template: `html\`<p>${name}</p>\``. Interpolated strings are escaped; interpolated
 * `html` values are kept; arrays are joined; numbers are formatted.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): MadeOutput {
  let out = strings[0];
  values.forEach((v, i) => {
    out += interpolateHtml(v) + strings[i + 1];
  });
  return { [OUTPUT]: { kind: "html", html: out } };
}

function interpolateHtml(value: unknown): string {
  if (Array.isArray(value)) return value.map(interpolateHtml).join("");
  const made = madeOutput(value);
  if (made && typeof made !== "function" && made.kind === "html") return made.html;
  if (typeof value === "number") return escapeHtml(formatNumber(value));
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

/**
 * Markdown template: `md\`**${name}** is fastest\``. Interpolated strings are escaped so that
 * they stay text; interpolated `md` values are kept; numbers are formatted.
 */
export function md(strings: TemplateStringsArray, ...values: Interpolation[]): MadeOutput {
  let out = strings[0];
  values.forEach((v, i) => {
    out += interpolateMarkdown(v) + strings[i + 1];
  });
  return { [OUTPUT]: { kind: "markdown", markdown: out } };
}

function interpolateMarkdown(value: unknown): string {
  if (Array.isArray(value)) return value.map(interpolateMarkdown).join("");
  const made = madeOutput(value);
  if (made && typeof made !== "function" && made.kind === "markdown") return made.markdown;
  if (typeof value === "number") return escapeMarkdown(formatNumber(value));
  if (value === null || value === undefined || value === false) return "";
  return escapeMarkdown(String(value));
}

/** Number formatting for cells: see `report/format_number.ts`. */
export const fmt = {
  number: (value: number | null | undefined, options?: FormatNumberOptions) =>
    formatNumber(value, options),
  ratio: formatRatio,
  percent: formatPercent,
  interval: formatInterval,
  /** A security property check as `✓ 0`, `✗ 14`, `✗ 1†` (fails on another kernel: part credit) or `—`. */
  check: formatPropertyCheck,
};

function madeOutput(value: unknown): MadeOutput[typeof OUTPUT] | undefined {
  return value !== null && typeof value === "object" && OUTPUT in value
    ? (value as MadeOutput)[OUTPUT]
    : undefined;
}

function isElement(value: unknown): value is Element {
  return value !== null && typeof value === "object" && "outerHTML" in value &&
    "tagName" in value;
}

/**
 * Turns what a cell returned into outputs: a plot or `figure(…)` → a figure; `table(…)`;
 * `html`/`md` templates; a string or number → text; an array → each element in turn;
 * undefined/null → nothing; anything else → JSON.
 */
export function toCellOutputs(value: unknown, document: Document): CellOutput[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value) && value.some((v) => madeOutput(v) || isElement(v))) {
    return value.flatMap((v) => toCellOutputs(v, document));
  }
  const made = madeOutput(value);
  if (made) return [typeof made === "function" ? made(document) : made];
  if (isElement(value)) return [plotToFigure(value)];
  if (typeof value === "number") return [{ kind: "text", text: formatNumber(value) }];
  if (typeof value === "string") return [{ kind: "text", text: value }];
  if (typeof value === "boolean" || typeof value === "bigint") {
    return [{ kind: "text", text: String(value) }];
  }
  return [{ kind: "json", text: JSON.stringify(value, null, 2) ?? String(value) }];
}

const SVG_NS = "http://www.w3.org/2000/svg";
const LEGEND_ROW_PX = 22;

/**
 * Makes one standalone SVG of a Plot result. A plot with a legend is an HTML `<figure>` holding
 * swatches and the chart; its swatches are redrawn as SVG above the chart so that the figure is
 * one image (also for the Markdown output, where it is a file beside the text).
 */
export function plotToFigure(plot: Element): FigureOutput {
  const { root, description, caption } = chartRoot(plot);
  root.setAttribute("xmlns", SVG_NS);
  root.setAttribute("role", "img");
  const svg = root.outerHTML;
  return { kind: "figure", svg, description, ...(caption ? { caption } : {}) };
}

/** The chart of a Plot result as one `<svg>` (legend swatches redrawn inside), with its size. */
function chartRoot(plot: Element): {
  root: Element;
  width: number;
  height: number;
  description: string;
  caption?: string;
} {
  const document = plot.ownerDocument;
  let chart: Element | null = plot;
  let caption: string | undefined;
  const swatches: { color: string; label: string }[] = [];
  if (plot.tagName.toLowerCase() !== "svg") {
    chart = [...plot.children].find((c) => c.tagName.toLowerCase() === "svg") ?? null;
    if (!chart) throw new TypeError("a figure must hold a chart made with Plot.plot(…)");
    caption = plot.querySelector("figcaption")?.textContent ?? undefined;
    for (const swatch of plot.querySelectorAll("span[class$='-swatch']")) {
      const box = swatch.querySelector("svg");
      const color = box?.getAttribute("fill") ??
        box?.querySelector("[fill]")?.getAttribute("fill") ??
        "currentColor";
      swatches.push({ color, label: swatch.textContent ?? "" });
    }
  }
  const width = Number(chart.getAttribute("width") ?? 640);
  const height = Number(chart.getAttribute("height") ?? 400);
  const description = describeChart(chart);
  let root: Element;
  if (swatches.length === 0) {
    root = chart;
  } else {
    const rows: { x: number; row: number; color: string; label: string }[] = [];
    let x = 0;
    let row = 0;
    for (const s of swatches) {
      const w = 21 + s.label.length * 6 + 14;
      if (x > 0 && x + w > width) {
        row++;
        x = 0;
      }
      rows.push({ x, row, ...s });
      x += w;
    }
    const legendHeight = (row + 1) * LEGEND_ROW_PX;
    root = document.createElementNS(SVG_NS, "svg");
    root.setAttribute("width", String(width));
    root.setAttribute("height", String(height + legendHeight));
    root.setAttribute("viewBox", `0 0 ${width} ${height + legendHeight}`);
    root.setAttribute("font-family", "system-ui, sans-serif");
    root.setAttribute("font-size", "10");
    root.setAttribute("fill", "currentColor");
    const legend = document.createElementNS(SVG_NS, "g");
    legend.setAttribute("aria-label", "legend");
    for (const s of rows) {
      const rect = document.createElementNS(SVG_NS, "rect");
      rect.setAttribute("x", String(s.x));
      rect.setAttribute("y", String(s.row * LEGEND_ROW_PX + 3));
      rect.setAttribute("width", "15");
      rect.setAttribute("height", "15");
      rect.setAttribute("fill", s.color);
      const text = document.createElementNS(SVG_NS, "text");
      text.setAttribute("x", String(s.x + 21));
      text.setAttribute("y", String(s.row * LEGEND_ROW_PX + 14));
      text.textContent = s.label;
      legend.append(rect, text);
    }
    chart.setAttribute("y", String(legendHeight));
    root.append(legend, chart);
  }
  return {
    root,
    width,
    height: Number(root.getAttribute("height") ?? height),
    description,
    ...(caption ? { caption } : {}),
  };
}

/** A plain-language description of a Plot chart from its marks and axis labels. */
function describeChart(chart: Element): string {
  const labels: string[] = [];
  const marks: string[] = [];
  for (const g of chart.querySelectorAll("g[aria-label]")) {
    const label = g.getAttribute("aria-label") ?? "";
    if (/-axis label$/.test(label)) {
      const axis = label.startsWith("fx") || label.startsWith("x") ? "horizontal" : "vertical";
      const text = g.textContent?.replace(/[↑↓→←]/g, "").trim();
      if (text) labels.push(`${axis} axis: ${text}`);
    } else if (!/axis|grid|tick|legend|frame/.test(label) && !marks.includes(label)) {
      marks.push(label);
    }
  }
  const what = marks.length ? `A chart of ${marks.join(", ")} marks` : "A chart";
  return labels.length ? `${what}; ${labels.join("; ")}.` : `${what}.`;
}

/**
 * The pure building blocks a cell may call beyond `analysis`: every export of `analyze/mod.ts`
 * (verdicts, intervals, rankings, a paper's claims) and the readers that validate data a
 * notebook keeps in its front matter (`readPaperClaims`, `readBesideRunSpec`).
 */
export const CELL_LIB = { ...analyzeApi, verdictChanges, readPaperClaims, readBesideRunSpec };

/**
 * The report's own summaries a cell may call: the verdict matrix, the counts, the decided costs
 * per runtime, the recommendation per profile and its caution notes (`verdict_overview.ts`), and
 * the rows of a table of verdicts that moved since a previous run, and a budgeted run's own
 * estimate of what deciding the rest takes.
 */
export const CELL_OVERVIEW = { ...overviewApi, verdictChangeRows, HOW_TO_DECIDE, budgetOutlook };

/** Everything a cell can use by name. */
export interface CellContext {
  /** The result sets the notebook reads, validated, in the order of its `datasets`. */
  sets: ResultSet[];
  /** Every observation of `sets` as a flat row. */
  observations: ObservationRow[];
  /** The result sets named by the front matter's `references` (e.g. the paper's tables). */
  references: ResultSet[];
  /** Every observation of `references` as a flat row. */
  referenceObservations: ObservationRow[];
  /** The notebook's front matter (title, authors, datasets and any other keys). */
  meta: Record<string, unknown>;
  Plot: typeof Plot;
  table: typeof table;
  figure: typeof figure;
  html: typeof html;
  md: typeof md;
  fmt: typeof fmt;
  /**
   * The analysis of `sets` (`analyzeResultSets` with seed 1, each set labelled with its file
   * name, plus the front matter's `analysis:` options), made once by the builder — the same as
   * `ocibench analyze --format json` gives — and sent to the sandbox.
   */
  analysis: Analysis;
  /** Analyses `sets` again with other options (the seed stays 1 unless given). */
  analyze: (options?: AnalyzeOptions) => Analysis;
  /**
   * The measured samples of a set grouped by runtime × metric, values and iterations as typed
   * arrays (`model/sample_columns.ts`): what to loop over instead of `set.samples`, which makes
   * an object per sample.
   */
  sampleCells: typeof sampleCells;
  /** The analysis API and front-matter readers ({@link CELL_LIB}). */
  lib: typeof CELL_LIB;
  /**
   * The analysis of a previous run of the same host, made with the same options as `analysis`,
   * when the report was built with one (`report --previous FILE`); null otherwise.
   */
  previousAnalysis: Analysis | null;
  /** What the first screen says, from the analysis' verdicts ({@link CELL_OVERVIEW}). */
  overview: typeof CELL_OVERVIEW;
}

// A record, so that a name added to CellContext and not listed here fails to compile.
const CONTEXT_NAMES: Record<keyof CellContext, true> = {
  sets: true,
  observations: true,
  references: true,
  referenceObservations: true,
  meta: true,
  Plot: true,
  table: true,
  figure: true,
  html: true,
  md: true,
  fmt: true,
  analysis: true,
  analyze: true,
  sampleCells: true,
  lib: true,
  previousAnalysis: true,
  overview: true,
};

/** Every name of {@link CellContext}, for tools that need them at run time. */
export const CELL_CONTEXT_NAMES = Object.keys(CONTEXT_NAMES) as (keyof CellContext)[];

/** Builds the context of a notebook's cells. */
export function makeCellContext(
  sets: ResultSet[],
  meta: Record<string, unknown>,
  document: Document,
  options: {
    labels?: string[];
    references?: ResultSet[];
    analysis?: Analysis;
    previousAnalysis?: Analysis | null;
  } = {},
): CellContext {
  const labels = options.labels ?? [];
  const references = options.references ?? [];
  // Plot renders into the sandbox's jsdom document; cells need not pass one.
  const plot =
    ((options: Plot.PlotOptions = {}) => Plot.plot({ ...options, document })) as typeof Plot.plot;
  const fromMeta = (meta.analysis ?? {}) as AnalyzeOptions;
  const analyze = (options: AnalyzeOptions = {}) =>
    analyzeResultSets(sets, {
      seed: 1,
      ...(labels.length ? { labels } : {}),
      ...fromMeta,
      ...options,
    });
  let analysis = options.analysis;
  let observations: ObservationRow[] | undefined;
  let referenceObservations: ObservationRow[] | undefined;
  const context = {
    sets,
    references,
    meta,
    Plot: { ...Plot, plot },
    table,
    figure,
    html,
    md,
    fmt,
    analyze,
    sampleCells,
    lib: CELL_LIB,
    previousAnalysis: options.previousAnalysis ?? null,
    overview: CELL_OVERVIEW,
  } as Omit<CellContext, "analysis" | "observations" | "referenceObservations">;
  // Made on first use: a cell that never names them never pays for them.
  Object.defineProperties(context, {
    observations: { enumerable: true, get: () => (observations ??= observationRows(sets)) },
    referenceObservations: {
      enumerable: true,
      get: () => (referenceObservations ??= observationRows(references)),
    },
    analysis: { enumerable: true, get: () => (analysis ??= analyze()) },
  });
  return context as CellContext;
}
