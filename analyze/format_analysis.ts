/**
 * Text renderings of an analysis for the command line: a plain-text table view, Markdown and
 * CSV. Pure: returns strings. Missing numbers print as "–", never as NaN.
 *
 * @module
 */
import type {
  Analysis,
  CategoryScore,
  HostGroup,
  MetricAnalysis,
  SanityFinding,
} from "../model/analysis.ts";
import { type Category, CategorySchema } from "../model/result_set.ts";

/** The text formats {@link formatAnalysis} writes. */
export type TextFormat = "table" | "md" | "csv";

/** Formats a number with about 4 significant digits (more for large integers); null → "–". */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  if (x === 0) return "0";
  const abs = Math.abs(x);
  if (abs >= 1e7 || abs < 1e-4) return x.toExponential(3);
  if (abs >= 1000) return (Math.round(x * 10) / 10).toString();
  return Number(x.toPrecision(4)).toString();
}

function signedPercent(x: number | null): string {
  if (x === null) return "–";
  const rounded = Math.round(x * 10) / 10;
  return `${rounded > 0 ? "+" : ""}${rounded.toFixed(1)} %`;
}

/** A titled table with notes, as {@link renderTable} prints it. */
export interface Block {
  title: string;
  header: string[];
  rows: string[][];
  notes: string[];
}

function metricBlock(m: MetricAnalysis, group: HostGroup): Block {
  const dir = m.direction === "higher"
    ? "higher is better"
    : m.direction === "lower"
    ? "lower is better"
    : "no direction";
  const ref = m.reference;
  const refLabel = ref ? (ref.mode === "baseline" ? `vs ${ref.runtime}` : "vs best") : "ratio";
  const header = ["rank", "runtime", `value (${m.unit})`, "n", "95 % CI", refLabel, "overhead"];
  const order = m.ranking
    ? m.ranking.entries.map((e) => e.runtime)
    : m.summaries.map((s) => s.runtime);
  const rows = order.map((runtime) => {
    const s = m.summaries.find((x) => x.runtime === runtime)!;
    const e = m.ranking?.entries.find((x) => x.runtime === runtime);
    const r = m.ratios.find((x) => x.runtime === runtime);
    const tie = e && e.tiedWith.length > 0 ? "=" : "";
    const ci = s.ci ? `${formatNumber(s.ci.low)}–${formatNumber(s.ci.high)}` : "–";
    const ratio = r?.ratio === null || r === undefined
      ? "–"
      : `${formatNumber(r.ratio)}${
        r.ci ? ` [${formatNumber(r.ci.low)}, ${formatNumber(r.ci.high)}]` : ""
      }`;
    return [
      e ? (e.rank === null ? "–" : `${e.rank}${tie}`) : "",
      runtime,
      formatNumber(s.central),
      s.kind === "summary" ? (s.reportedN ? `pub. (${s.reportedN})` : "pub.") : String(s.n),
      ci,
      ratio,
      r ? signedPercent(r.overheadPercent) : "–",
    ];
  });
  const notes: string[] = [];
  for (const s of m.summaries) {
    if (s.central === null) notes.push(`${s.runtime}: no value (${s.missingReason ?? "no value"})`);
  }
  if (m.ranking) notes.push(`ranking: ${m.ranking.method}`);
  else notes.push("not ranked (direction none)");
  if (ref && ref.mode === "best" && group.baseline.used !== null) notes.push(ref.note);
  notes.push(...m.notes);
  const sigPairs = m.pairwise.filter((p) => p.significant).length;
  if (m.pairwise.length > 0) {
    notes.push(`${sigPairs} of ${m.pairwise.length} pairs differ (Mann–Whitney, Holm-corrected)`);
  }
  return { title: `${m.name} [${m.metric}, ${dir}]`, header, rows, notes };
}

function categoryBlock(group: HostGroup): Block {
  const present = (CategorySchema.options as Category[]).filter((c) =>
    group.categories.some((s) => s.category === c)
  );
  const header = ["runtime", ...present, "overall", "wins", "losses"];
  const cell = (runtime: string, category: CategoryScore["category"]) => {
    const s = group.categories.find((x) => x.runtime === runtime && x.category === category);
    if (!s || s.score === null) return "–";
    return formatNumber(s.score) + (s.metricsMissing > 0 ? "*" : "");
  };
  const overall = (id: string) =>
    group.categories.find((x) => x.runtime === id && x.category === "overall")?.score ?? -1;
  const rows = group.runtimes
    .map((r) => r.id)
    .sort((a, b) => overall(b) - overall(a))
    .map((id) => {
      const wl = group.winsLosses.find((w) => w.runtime === id);
      return [
        id,
        ...present.map((c) => cell(id, c)),
        cell(id, "overall"),
        String(wl?.wins ?? 0),
        String(wl?.losses ?? 0),
      ];
    });
  return {
    title: "Category scores (geometric mean of normalised ratios; 1 = reference, higher is better)",
    header,
    rows,
    notes: [
      group.baseline.note,
      "* = some metrics of the category have no value for this runtime",
      "wins/losses: ranked metrics on which the runtime holds the first/last rank",
    ],
  };
}

function recommendationBlocks(group: HostGroup): Block[] {
  return group.recommendations.map((rec) => ({
    title:
      `Recommendation for "${rec.profile.name}" (${rec.profile.id}): ${rec.profile.description}`,
    header: ["rank", "runtime", "desirability", "security", "reasons"],
    rows: rec.entries.map((e) => [
      e.rank === null ? "–" : String(e.rank),
      e.runtime,
      formatNumber(e.desirability),
      formatNumber(e.security),
      e.reasons.join("; "),
    ]),
    notes: [rec.method, ...rec.notes],
  }));
}

function findingLines(findings: SanityFinding[]): string[] {
  const order = { error: 0, warning: 1, info: 2 };
  return [...findings]
    .sort((a, b) => order[a.severity] - order[b.severity])
    .map((f) => `[${f.severity}] ${f.rule}: ${f.message}`);
}

/** Renders a titled table as aligned plain text or as Markdown (with its notes). */
export function renderTable(block: Block, markdown: boolean): string[] {
  if (markdown) {
    const esc = (s: string) => s.replaceAll("|", "\\|");
    return [
      `#### ${block.title}`,
      "",
      `| ${block.header.map(esc).join(" | ")} |`,
      `| ${block.header.map(() => "---").join(" | ")} |`,
      ...block.rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
      "",
      ...block.notes.map((n) => `- ${n}`),
      "",
    ];
  }
  const widths = block.header.map((h, i) =>
    Math.max(
      h.length,
      ...block.rows.map((r) => (i === r.length - 1 && r[i].length > 60 ? 0 : r[i].length)),
    )
  );
  const line = (cells: string[]) =>
    "  " + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [
    block.title,
    line(block.header),
    ...block.rows.map(line),
    ...block.notes.map((n) => `  note: ${n}`),
    "",
  ];
}

function renderGroup(group: HostGroup, markdown: boolean): string[] {
  const out: string[] = [];
  const h = (level: number, text: string) =>
    markdown
      ? [`${"#".repeat(level)} ${text}`, ""]
      : [text, "=".repeat(Math.min(100, text.length))];
  out.push(...h(2, `Host ${group.id}: ${group.description}`));
  out.push(`Sources: ${group.sources.map((s) => s.label ?? s.runId).join(", ")}`);
  out.push(`Baseline: ${group.baseline.note}`, "");
  const shown = new Set<string>();
  for (const source of group.sources) {
    const metrics = group.metrics.filter((m) => m.sources[0] === source.runId);
    const findings = group.sanity.filter((f) =>
      f.where.length === 1 && f.where[0].includes(source.runId)
    );
    if (metrics.length === 0 && findings.length === 0) continue;
    out.push(...h(3, `${source.title ?? source.runId}${source.label ? ` (${source.label})` : ""}`));
    for (const m of metrics) out.push(...renderTable(metricBlock(m, group), markdown));
    if (findings.length > 0) {
      out.push(...(markdown ? ["**Sanity findings**", ""] : ["Sanity findings:"]));
      out.push(...findingLines(findings).map((l) => (markdown ? `- ${l}` : `  ${l}`)), "");
      findings.forEach((f) => shown.add(JSON.stringify(f)));
    }
  }
  out.push(...renderTable(categoryBlock(group), markdown));
  for (const b of recommendationBlocks(group)) out.push(...renderTable(b, markdown));
  const rest = group.sanity.filter((f) => !shown.has(JSON.stringify(f)));
  if (rest.length > 0) {
    out.push(...h(3, "Sanity findings across sources"));
    out.push(...findingLines(rest).map((l) => (markdown ? `- ${l}` : `  ${l}`)), "");
  }
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of group.sanity) counts[f.severity]++;
  out.push(
    `Sanity: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} note(s).`,
    "",
  );
  return out;
}

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "number" ? String(value) : value;
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV columns of {@link formatAnalysis} with format `csv`: one row per group × metric × runtime. */
export const CSV_COLUMNS = [
  "group",
  "source",
  "metric",
  "category",
  "unit",
  "direction",
  "runtime",
  "kind",
  "n",
  "central",
  "mean",
  "median",
  "sd",
  "cv",
  "min",
  "max",
  "ci_low",
  "ci_high",
  "rank",
  "significance",
  "reference",
  "ratio",
  "ratio_ci_low",
  "ratio_ci_high",
  "overhead_percent",
  "outliers",
] as const;

function renderCsv(analysis: Analysis): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const g of analysis.groups) {
    for (const m of g.metrics) {
      for (const s of m.summaries) {
        const e = m.ranking?.entries.find((x) => x.runtime === s.runtime);
        const r = m.ratios.find((x) => x.runtime === s.runtime);
        lines.push(
          [
            g.id,
            m.sources.join(" "),
            m.metric,
            m.category,
            m.unit,
            m.direction,
            s.runtime,
            s.kind,
            s.n,
            s.central,
            s.mean,
            s.median,
            s.sd,
            s.cv,
            s.min,
            s.max,
            s.ci?.low,
            s.ci?.high,
            e?.rank,
            m.ranking?.significance,
            r?.reference,
            r?.ratio,
            r?.ci?.low,
            r?.ci?.high,
            r?.overheadPercent,
            s.outliers.length,
          ].map(csvCell).join(","),
        );
      }
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * Renders an analysis as text: `table` (plain text for a terminal), `md` (Markdown) or `csv`
 * (one row per host group × metric × runtime; see {@link CSV_COLUMNS}). Per host group and per
 * source table: the ranking of runtimes on each metric and the sanity findings of that table;
 * then category scores, wins and losses, recommendations and cross-table findings.
 */
export function formatAnalysis(analysis: Analysis, format: TextFormat): string {
  if (format === "csv") return renderCsv(analysis);
  const markdown = format === "md";
  const out: string[] = [];
  out.push(...(markdown ? ["# ocibench analysis", ""] : ["ocibench analysis", ""]));
  out.push(
    `Seed ${analysis.settings.seed}, ${analysis.settings.confidenceLevel * 100} % intervals, ` +
      `alpha ${analysis.settings.alpha} (Holm), up to ${analysis.settings.bootstrapResamples} ` +
      "bootstrap resamples.",
  );
  for (const n of analysis.notes) out.push(`Note: ${n}`);
  out.push("");
  for (const g of analysis.groups) out.push(...renderGroup(g, markdown));
  if (markdown) {
    out.push("## Security-posture scores", "");
    for (const s of analysis.securityPosture) {
      out.push(`- **${s.isolation}** ${s.score}: ${s.rationale}`);
    }
  } else {
    out.push("Security-posture scores used by the recommendations:");
    for (const s of analysis.securityPosture) {
      out.push(`  ${s.isolation} ${s.score}: ${s.rationale}`);
    }
  }
  return out.join("\n") + "\n";
}
