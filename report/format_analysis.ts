/**
 * Text renderings of an analysis for the command line: a plain-text table view, Markdown and
 * CSV. Pure: returns strings. Numbers go through `format_number.ts`, CSV through
 * `render_csv.ts`; text for the terminal has its control characters shown as escapes.
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
import { escapeMarkdownTags, escapeTerminal } from "./escape.ts";
import { formatInterval, formatNumber, formatPercent, MISSING_VALUE } from "./format_number.ts";
import { csvText, type CsvValue } from "./render_csv.ts";
import { renderTextTable, type TextTable } from "./render_text_table.ts";
import { formatVerdictSummary } from "./format_verdict_summary.ts";

/** The text formats {@link formatAnalysis} writes. */
export type TextFormat = "table" | "md" | "csv";

function signedPercent(x: number | null): string {
  return formatPercent(x, { alreadyPercent: true, signed: true });
}

/** The coverage the medians' intervals of a metric reach, as a header: "75 % CI", or "CI". */
function coverageLabel(m: MetricAnalysis): { header: string; perCell: boolean } {
  const levels = [...new Set(m.summaries.filter((s) => s.ci).map((s) => s.ci!.level))];
  if (levels.length === 1) return { header: `${percentText(levels[0])} CI`, perCell: false };
  return { header: "CI (coverage)", perCell: levels.length > 1 };
}

function percentText(level: number): string {
  return `${formatNumber(level * 100, { significant: 3 })} %`;
}

/** A rank interval `best–worst`, one number when they agree. */
function rankText(best: number | null, worst: number | null, rank: number | null): string {
  if (best === null || worst === null) return rank === null ? MISSING_VALUE : String(rank);
  return best === worst ? String(best) : `${best}–${worst}`;
}

const VERDICT_MARK = { better: "better", worse: "worse", equivalent: "equiv.", undetermined: "?" };

function metricBlock(m: MetricAnalysis, group: HostGroup): TextTable {
  const dir = m.direction === "higher"
    ? "higher is better"
    : m.direction === "lower"
    ? "lower is better"
    : "no direction";
  const ref = m.reference;
  const refLabel = ref ? (ref.mode === "baseline" ? `vs ${ref.runtime}` : "vs best") : "ratio";
  const coverage = coverageLabel(m);
  const verdicts = group.verdicts.filter((v) => v.metric === m.metric);
  const header = [
    "rank",
    "runtime",
    `value (${m.unit})`,
    "n",
    coverage.header,
    refLabel,
    "overhead",
    ...(verdicts.length > 0 ? ["verdict"] : []),
  ];
  const order = m.ranking
    ? m.ranking.entries.map((e) => e.runtime)
    : m.summaries.map((s) => s.runtime);
  const rows = order.map((runtime) => {
    const s = m.summaries.find((x) => x.runtime === runtime)!;
    const e = m.ranking?.entries.find((x) => x.runtime === runtime);
    const r = m.ratios.find((x) => x.runtime === runtime);
    const v = verdicts.find((x) => x.runtime === runtime);
    const ci = s.ci
      ? formatInterval(s.ci.low, s.ci.high) +
        (coverage.perCell ? ` ${percentText(s.ci.level)}` : "")
      : MISSING_VALUE;
    const ratio = r?.ratio === null || r === undefined
      ? MISSING_VALUE
      : `${formatNumber(r.ratio)}${r.ci ? ` ${formatInterval(r.ci.low, r.ci.high)}` : ""}`;
    return [
      e ? rankText(e.rankBest, e.rankWorst, e.rank) : "",
      runtime,
      formatNumber(s.central),
      s.kind === "summary" ? (s.reportedN ? `pub. (${s.reportedN})` : "pub.") : String(s.n),
      ci,
      ratio,
      r ? signedPercent(r.overheadPercent) : MISSING_VALUE,
      ...(verdicts.length > 0
        ? [v ? VERDICT_MARK[v.verdict] : runtime === group.baseline.used ? "baseline" : ""]
        : []),
    ];
  });
  const notes: string[] = [];
  for (const s of m.summaries) {
    if (s.central === null) notes.push(`${s.runtime}: no value (${s.missingReason ?? "no value"})`);
  }
  if (m.ranking) {
    notes.push(
      m.ranking.significance === "tested"
        ? `rank: best–worst possible rank from the decided comparisons (${m.ranking.method})`
        : `rank: place by value, nothing decided (${m.ranking.method})`,
    );
  } else notes.push("not ranked (direction none)");
  if (ref && ref.mode === "best" && group.baseline.used !== null) notes.push(ref.note);
  notes.push(...m.notes);
  const decisions = m.pairwise.filter((p) => p.decision !== null);
  if (decisions.length > 0) {
    const apart = decisions.filter((p) => p.decision!.better !== null).length;
    notes.push(
      `${apart} of ${decisions.length} pairs decided apart (ratio intervals simultaneous over ` +
        `the metric's pairs); ${decisions.length - apart} undetermined`,
    );
  }
  if (verdicts.length > 0) {
    const count = (k: string) => verdicts.filter((v) => v.verdict === k).length;
    notes.push(
      `against ${verdicts[0].baseline}: ${count("worse")} worse, ${count("better")} better, ` +
        `${count("equivalent")} equivalent, ${count("undetermined")} undetermined (margin ` +
        `±${formatNumber(verdicts[0].margin * 100, { significant: 3 })} %; ? in the verdict ` +
        "column)",
    );
  }
  return { title: `${m.name} [${m.metric}, ${dir}]`, header, rows, notes };
}

function categoryBlock(group: HostGroup): TextTable {
  const present = (CategorySchema.options as Category[]).filter((c) =>
    group.categories.some((s) => s.category === c)
  );
  const header = ["runtime", ...present, "overall", "wins", "losses"];
  const cell = (runtime: string, category: CategoryScore["category"]) => {
    const s = group.categories.find((x) => x.runtime === runtime && x.category === category);
    if (!s || s.score === null) return MISSING_VALUE;
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

function recommendationBlocks(group: HostGroup): TextTable[] {
  return group.recommendations.map((rec) => {
    const firsts = rec.entries.filter((e) => e.rank === 1).map((e) => e.runtime);
    const tied = [
      ...new Set(rec.entries.filter((e) => e.rank === 1).flatMap((e) => e.tiedWith)),
    ].filter((id) => !firsts.includes(id));
    const lead = firsts.length === 0
      ? "no eligible runtime"
      : tied.length > 0
      ? `highest D: ${firsts.join(", ")}, tied with ${tied.join(", ")} (D intervals ` +
        "overlap: the data do not tell them apart)"
      : `first: ${firsts.join(", ")}, D interval clear of every other`;
    return {
      title: `Recommendation for "${rec.profile.name}" (${rec.profile.id}): ` +
        `${rec.profile.description} — ${lead}`,
      header: [
        "rank",
        "runtime",
        "D",
        `${percentText(rec.entries[0]?.interval?.level ?? 0.95)} interval`,
        "P(first)",
        "security",
        "reasons",
      ],
      rows: rec.entries.map((e) => [
        e.rank === null ? MISSING_VALUE : String(e.rank) + (e.tiedWith.length > 0 ? "=" : ""),
        e.runtime,
        e.eligible ? formatNumber(e.desirability, { digits: 3 }) : "not eligible",
        e.interval ? formatInterval(e.interval.low, e.interval.high, { digits: 3 }) : MISSING_VALUE,
        e.firstProbability === null
          ? MISSING_VALUE
          : formatPercent(e.firstProbability, { digits: 0 }),
        formatNumber(e.security),
        (e.eligible ? e.reasons : e.ineligible).join("; "),
      ]),
      notes: [
        "= : tied (its D interval overlaps another's); P(first): share of the " +
        `${rec.resamples} resamples in which it has the highest D`,
        rec.method,
        ...rec.notes,
      ],
    };
  });
}

function findingLines(findings: SanityFinding[]): string[] {
  const order = { error: 0, warning: 1, info: 2 };
  return [...findings]
    .sort((a, b) => order[a.severity] - order[b.severity])
    .map((f) => `[${f.severity}] ${f.rule}: ${f.message}`);
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
  out.push(...h(3, "Decided verdicts"));
  const summary = formatVerdictSummary(group, { perRuntime: markdown ? Infinity : 3 }).split("\n");
  const asList = (l: string) =>
    l.startsWith("    ") ? `  - ${l.trim()}` : l.startsWith("  ") ? `- ${l.trim()}` : l;
  out.push(...(markdown ? [summary[0], "", ...summary.slice(1).map(asList)] : summary));
  out.push("");
  const shown = new Set<string>();
  for (const source of group.sources) {
    const metrics = group.metrics.filter((m) => m.sources[0] === source.runId);
    const findings = group.sanity.filter((f) =>
      f.where.length === 1 && f.where[0].includes(source.runId)
    );
    if (metrics.length === 0 && findings.length === 0) continue;
    out.push(...h(3, `${source.title ?? source.runId}${source.label ? ` (${source.label})` : ""}`));
    for (const m of metrics) out.push(...renderTextTable(metricBlock(m, group), markdown));
    if (findings.length > 0) {
      out.push(...(markdown ? ["**Sanity findings**", ""] : ["Sanity findings:"]));
      out.push(...findingLines(findings).map((l) => (markdown ? `- ${l}` : `  ${l}`)), "");
      findings.forEach((f) => shown.add(JSON.stringify(f)));
    }
  }
  out.push(...renderTextTable(categoryBlock(group), markdown));
  if (group.security) out.push(...renderTextTable(securityBlock(group), markdown));
  for (const b of recommendationBlocks(group)) out.push(...renderTextTable(b, markdown));
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

function analysisCsv(analysis: Analysis): string {
  const rows: CsvValue[][] = [[...CSV_COLUMNS]];
  for (const g of analysis.groups) {
    for (const m of g.metrics) {
      for (const s of m.summaries) {
        const e = m.ranking?.entries.find((x) => x.runtime === s.runtime);
        const r = m.ratios.find((x) => x.runtime === s.runtime);
        rows.push([
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
        ]);
      }
    }
  }
  return csvText(rows);
}

/** The measured security of each runtime: score, class estimate and the properties it fails. */
function securityBlock(group: HostGroup): TextTable {
  const short = (metric: string) => metric.replace(/^security\./, "");
  return {
    title: "Security measured by the probe",
    header: [
      "runtime",
      "score",
      "class estimate",
      "fails (value; † on its own kernel, half weight)",
    ],
    rows: [...group.security!].sort((a, b) => b.score - a.score).map((s) => [
      s.runtime,
      s.measured ? formatNumber(s.score, { digits: 3 }) : `${s.score} (class)`,
      String(s.classScore),
      s.properties.filter((p) => p.passed === false && p.weight > 0).map((p) =>
        `${short(p.metric)} ${Number(p.value!.toPrecision(3))}${
          p.basis === "other-kernel" ? "†" : ""
        }`
      ).join(", ") || (s.measured ? "none" : "not measured"),
    ]),
    notes: [
      "score: weighted share of the probe's properties met (analyze/security_score.ts); it " +
      "replaces the class estimate in the recommendations",
    ],
  };
}

/**
 * Renders an analysis as text: `table` (plain text for a terminal), `md` (Markdown) or `csv`
 * (one row per host group × metric × runtime, see {@link CSV_COLUMNS}; RFC 4180, formulas
 * defused, control characters kept as data). Per host group and per
 * source table: the ranking of runtimes on each metric and the sanity findings of that table;
 * then category scores, wins and losses, recommendations and cross-table findings.
 */
export function formatAnalysis(analysis: Analysis, format: TextFormat): string {
  if (format === "csv") return analysisCsv(analysis);
  const markdown = format === "md";
  const out: string[] = [];
  out.push(...(markdown ? ["# ocibench analysis", ""] : ["ocibench analysis", ""]));
  out.push(
    `Seed ${analysis.settings.seed}; verdicts and rank intervals from ratio intervals that ` +
      `hold together at ${analysis.settings.confidenceLevel * 100} % per metric; medians' ` +
      "intervals state the coverage they reach; up to " +
      `${analysis.settings.bootstrapResamples} bootstrap resamples for the ratios' intervals.`,
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
  // Each entry is one line: a line break inside a string from data is shown, not obeyed.
  const safe = (line: string) => escapeTerminal(markdown ? escapeMarkdownTags(line) : line);
  return out.map(safe).join("\n") + "\n";
}
