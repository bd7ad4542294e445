/**
 * Sanity checks on a host group's data: physically impossible values, missing values, values
 * inconsistent with each other, high variability and suspicious outliers. Every finding names
 * its rule, the values and where they come from (file, run, table, runtime, metric).
 *
 * @module
 */
import { sampleColumns } from "../model/sample_columns.ts";
import type { FindingValue, MetricAnalysis, SanityFinding, Severity } from "../model/analysis.ts";
import type { BenchmarkInfo, HostInfo } from "../model/result_set.ts";
import type { GroupValues, MetricValues } from "./_group_values.ts";
import { describeSet } from "./_group_values.ts";

/** Options of {@link checkSanity}. */
export interface CheckSanityOptions {
  /** CV (fraction) above which samples are flagged as highly variable. */
  cvThreshold: number;
}

/** Bytes per second in one unit of a throughput unit, or null when it is not a byte rate. */
export function bytesPerSecond(unit: string): number | null {
  const table: Record<string, number> = {
    "B/s": 1,
    "kB/s": 1e3,
    "KB/s": 1e3,
    "KiB/s": 1024,
    "MB/s": 1e6,
    "MiB/s": 1024 ** 2,
    "GB/s": 1e9,
    "GiB/s": 1024 ** 3,
  };
  return table[unit] ?? null;
}

/** Seconds in one unit of a time unit, or null when it is not a time. */
export function secondsPer(unit: string): number | null {
  const table: Record<string, number> = {
    ns: 1e-9,
    us: 1e-6,
    "µs": 1e-6,
    ms: 1e-3,
    s: 1,
    min: 60,
    h: 3600,
  };
  return table[unit] ?? null;
}

function fmt(x: number): string {
  if (x === 0) return "0";
  const abs = Math.abs(x);
  if (abs >= 1e6 || abs < 1e-3) return x.toExponential(3);
  return Number(x.toPrecision(abs >= 100 ? 6 : 4)).toString();
}

/** Removes the word `word` (as an id segment) so that sibling metric ids can be matched. */
function stem(id: string, word: RegExp): string | null {
  return word.test(id) ? id.replace(word, "\u0000") : null;
}

/**
 * Runs every rule on one group. `metrics` are the group's analysed metrics (their summaries
 * give each runtime's central value).
 */
export function checkSanity(
  group: GroupValues,
  metrics: MetricAnalysis[],
  options: CheckSanityOptions,
): SanityFinding[] {
  const findings: SanityFinding[] = [...group.findings];
  const valuesById = new Map(group.metrics.map((m) => [m.info.id, m]));
  const setByRun = new Map(group.sets.map((s) => [s.set.runId, s]));
  const whereOf = (runIds: string[]) =>
    [...new Set(runIds)].map((id) => (setByRun.has(id) ? describeSet(setByRun.get(id)!) : id));

  /** The central value of a runtime on a metric, with where it came from. */
  function ref(m: MetricAnalysis, runtime: string): FindingValue | null {
    const s = m.summaries.find((x) => x.runtime === runtime);
    if (!s || s.central === null) return null;
    const rv = valuesById.get(m.metric)?.runtimes.get(runtime);
    const published = rv?.published.find((p) => p.value !== null);
    const runId = published?.runId ?? rv?.runIds[0];
    return {
      runtime,
      metric: m.metric,
      value: s.central,
      unit: m.unit,
      ...(runId !== undefined ? { runId } : {}),
      ...(published?.source !== undefined ? { source: published.source } : {}),
    };
  }

  function add(
    rule: string,
    severity: Severity,
    message: string,
    values: FindingValue[],
    runIds: string[] = [],
  ) {
    findings.push({
      rule,
      severity,
      message,
      values,
      where: whereOf([
        ...values.map((v) => v.runId).filter((r): r is string => r !== undefined),
        ...runIds,
      ]),
    });
  }

  const host = group.hosts.length === 1 ? group.hosts[0] : null;
  const benchmarks = new Map(group.sets.flatMap((s) => s.set.benchmarks).map((b) => [b.id, b]));
  const byBenchmark = new Map<string, MetricAnalysis[]>();
  for (const m of metrics) {
    if (!byBenchmark.has(m.benchmark)) byBenchmark.set(m.benchmark, []);
    byBenchmark.get(m.benchmark)!.push(m);
  }

  checkNotComparable(metrics, add);
  for (const m of metrics) {
    const mv = valuesById.get(m.metric)!;
    checkMissing(m, mv, add);
    checkNegative(m, mv, add);
    for (const s of m.summaries) {
      const r = ref(m, s.runtime);
      if (!r) continue;
      const v = s.central!;
      // Physically impossible: above the host's stated device maximum.
      const perUnit = bytesPerSecond(m.unit);
      const maxMiB = host?.disk?.maxThroughputMiBPerS;
      // A computation rate filed under disk (y-cruncher's "streaming computation") moves no
      // bytes through the device, so the device maximum does not bound it.
      const transfersBytes = !/comput/i.test(`${m.metric} ${m.name}`);
      if (m.category === "disk" && transfersBytes && perUnit !== null && maxMiB !== undefined) {
        const observed = s.kind === "sample" ? s.max! : v;
        const mib = (observed * perUnit) / 1024 ** 2;
        if (mib > maxMiB) {
          const bench = benchmarks.get(m.benchmark);
          // A benchmark that declares buffered I/O may measure the page cache on purpose.
          const buffered = bench?.parameters?.direct === false;
          add(
            "disk-throughput-above-device-max",
            buffered ? "warning" : "error",
            `${m.name} of ${s.runtime} is ${fmt(observed)} ${m.unit} (${fmt(mib)} MiB/s), above ` +
              `the host's stated device maximum of ${maxMiB} MiB/s (${host!.disk!.description}): ` +
              "the device cannot deliver it, so the figure measures a cache or carries a unit " +
              `error${fileFitsInRam(bench, host!)}.`,
            [{ ...r, value: observed }],
          );
        }
      }
      if (m.unit === "%" && /efficien/i.test(`${m.metric} ${m.name}`) && v > 100) {
        add(
          "efficiency-above-100",
          "error",
          `${m.name} of ${s.runtime} is ${fmt(v)} %: a multi-core efficiency (speed-up ÷ cores) ` +
            "above 100 % is impossible without super-linear effects, which a CPU-bound run on " +
            "shared caches does not have.",
          [r],
        );
      }
      if (
        m.unit === "%" && /utili[sz]/i.test(`${m.metric} ${m.name}`) && host && v > host.cores * 100
      ) {
        add(
          "utilisation-above-cores",
          "error",
          `${m.name} of ${s.runtime} is ${fmt(v)} %, above ${host.cores} cores × 100 %.`,
          [r],
        );
      }
      if (s.kind === "sample" && s.n >= 3 && s.cv !== null && s.cv > options.cvThreshold) {
        add(
          "high-variability",
          "warning",
          `${m.name} of ${s.runtime} varies with CV ${fmt(s.cv * 100)} % over ${s.n} samples ` +
            `(threshold ${fmt(options.cvThreshold * 100)} %): differences smaller than the ` +
            "spread are not meaningful; look for interference or warm-up effects.",
          [{ ...r, value: s.cv * 100, unit: "% CV" }],
        );
      }
      const both = s.outliers.filter((o) => o.rules.length === 2);
      if (both.length > 0) {
        add(
          "suspicious-outliers",
          "warning",
          `${both.length} sample(s) of ${s.runtime} on ${m.name} lie outside Tukey's fences ` +
            `and beyond 3.5 MADs: ${both.slice(0, 5).map((o) => fmt(o.value)).join(", ")} ` +
            `${m.unit} (median ${fmt(s.median!)}); kept in every statistic.`,
          both.slice(0, 5).map((o) => ({
            runtime: s.runtime,
            metric: m.metric,
            value: o.value,
            unit: m.unit,
            runId: o.runId,
          })),
        );
      }
    }
    if (m.kind === "summary") {
      checkPrintedPrecision(m, mv, add);
      checkFarFromOthers(m, ref, add);
    }
  }

  for (const [, list] of byBenchmark) {
    checkEfficiencyVsUtilisation(list, host?.cores ?? null, ref, add);
    checkCharVsBlock(list, ref, add);
    checkScatteredVsSequential(list, ref, add);
    checkPartAboveTotal(list, ref, add);
    checkThroughputVsLatency(list, ref, add);
    checkStream(list, ref, add);
  }
  checkNetworkAboveMemory(metrics, ref, add);
  checkUnstatedRuns(group, add);
  return findings;
}

/** A clause saying that a benchmark's test file fits in the host's RAM, or "". */
function fileFitsInRam(bench: BenchmarkInfo | undefined, host: HostInfo): string {
  const p = bench?.parameters ?? {};
  const mib = typeof p.sizeMiB === "number"
    ? p.sizeMiB
    : typeof p.fileSizeMB === "number"
    ? (p.fileSizeMB * 1e6) / 1024 ** 2
    : null;
  if (mib === null) return "";
  const ramMiB = host.memoryBytes / 1024 ** 2;
  if (mib >= ramMiB) return "";
  return `: the ${fmt(mib)} MiB test file fits in the host's ${fmt(ramMiB / 1024)} GiB of RAM, ` +
    "so it can be served from the page cache (bonnie++ needs a file twice the RAM to avoid it)";
}

type Add = (
  rule: string,
  severity: Severity,
  message: string,
  values: FindingValue[],
  runIds?: string[],
) => void;
type Ref = (m: MetricAnalysis, runtime: string) => FindingValue | null;

/** One finding per runtime and benchmark whose values were marked not comparable. */
function checkNotComparable(metrics: MetricAnalysis[], add: Add): void {
  const byCell = new Map<
    string,
    { runtime: string; benchmark: string; reason: string; n: number }
  >();
  for (const m of metrics) {
    for (const s of m.summaries) {
      if (!s.notComparable) continue;
      const key = `${s.runtime}/${m.benchmark}/${s.notComparable.reason}`;
      const cell = byCell.get(key) ??
        { runtime: s.runtime, benchmark: m.benchmark, reason: s.notComparable.reason, n: 0 };
      cell.n++;
      byCell.set(key, cell);
    }
  }
  for (const c of byCell.values()) {
    add(
      "not-comparable",
      "warning",
      `${c.n} metric(s) of ${c.benchmark} under ${c.runtime} are not comparable and left out of ` +
        `every comparison: ${c.reason}.`,
      [{ runtime: c.runtime, metric: c.benchmark, value: null }],
    );
  }
}

function checkMissing(m: MetricAnalysis, mv: MetricValues, add: Add): void {
  for (const s of m.summaries) {
    // Values marked not comparable are reported once per benchmark (checkNotComparable).
    if (s.central !== null || s.notComparable) continue;
    const rv = mv.runtimes.get(s.runtime);
    const published = rv?.published[0];
    add(
      "missing-value",
      "warning",
      `${m.name} of ${s.runtime} has no value: ${s.missingReason ?? "no value"}` +
        (published?.printed !== undefined &&
            !(s.missingReason ?? "").includes(`"${published.printed}"`)
          ? ` (printed "${published.printed}")`
          : "") +
        ".",
      [{
        runtime: s.runtime,
        metric: m.metric,
        value: null,
        unit: m.unit,
        ...(published ? { runId: published.runId } : {}),
        ...(published?.source !== undefined ? { source: published.source } : {}),
      }],
    );
  }
}

function checkNegative(m: MetricAnalysis, mv: MetricValues, add: Add): void {
  for (const rv of mv.runtimes.values()) {
    const negatives: { value: number; runId: string; source?: string }[] = [];
    rv.values.forEach((value, i) => {
      if (value < 0) negatives.push({ value, runId: rv.runIds[i] });
    });
    negatives.push(
      ...rv.published.filter((p) => p.value !== null && p.value < 0).map((p) => ({
        value: p.value as number,
        runId: p.runId,
        ...(p.source !== undefined ? { source: p.source } : {}),
      })),
    );
    if (negatives.length === 0) continue;
    add(
      "negative-value",
      "error",
      `${m.name} of ${rv.runtime} has ${negatives.length} negative value(s) ` +
        `(${negatives.slice(0, 3).map((n) => fmt(n.value)).join(", ")} ${m.unit}): times, ` +
        "rates, sizes and percentages cannot be negative.",
      negatives.slice(0, 5).map((n) => ({
        runtime: rv.runtime,
        metric: m.metric,
        value: n.value,
        unit: m.unit,
        runId: n.runId,
        ...(n.source !== undefined ? { source: n.source } : {}),
      })),
    );
  }
}

function decimals(text: string): number {
  const m = /\.(\d+)(?:[eE]|$)/.exec(text);
  return m ? m[1].length : 0;
}

function checkPrintedPrecision(m: MetricAnalysis, mv: MetricValues, add: Add): void {
  const cells = [...mv.runtimes.values()].flatMap((rv) =>
    rv.published.filter((p) => p.value !== null).map((p) => ({
      runtime: rv.runtime,
      p,
      places: decimals(p.printed ?? String(p.value)),
    }))
  );
  if (cells.length < 3) return;
  const sorted = [...cells].sort((a, b) => b.places - a.places);
  if (sorted[0].places <= sorted[1].places) return;
  const c = sorted[0];
  add(
    "printed-precision-inconsistent",
    "info",
    `${m.name} of ${c.runtime} is printed as ${c.p.printed ?? String(c.p.value)} with ` +
      `${c.places} decimals while every other value of the column has at most ` +
      `${sorted[1].places}: a different rounding or a transcription slip.`,
    [{
      runtime: c.runtime,
      metric: m.metric,
      value: c.p.value,
      unit: m.unit,
      runId: c.p.runId,
      ...(c.p.source !== undefined ? { source: c.p.source } : {}),
    }],
  );
}

/** Factor from the other runtimes' median beyond which a published value is worth a look. */
export const FAR_FROM_OTHERS_FACTOR = 5;

function checkFarFromOthers(m: MetricAnalysis, ref: Ref, add: Add): void {
  const present = m.summaries.filter((s) => s.central !== null && s.central > 0);
  if (present.length < 4) return;
  for (const s of present) {
    const others = present.filter((o) => o !== s).map((o) => o.central!).sort((a, b) => a - b);
    const mid = others.length % 2 === 1
      ? others[(others.length - 1) / 2]
      : (others[others.length / 2 - 1] + others[others.length / 2]) / 2;
    const factor = s.central! / mid;
    if (factor > FAR_FROM_OTHERS_FACTOR || factor < 1 / FAR_FROM_OTHERS_FACTOR) {
      add(
        "far-from-other-runtimes",
        "info",
        `${m.name} of ${s.runtime} is ${fmt(s.central!)} ${m.unit}, ${
          factor > 1 ? fmt(factor) + "×" : "1/" + fmt(1 / factor)
        } of the other runtimes' median ${fmt(mid)}: a real difference or a measurement ` +
          "problem; check before drawing conclusions.",
        [ref(m, s.runtime)!],
      );
    }
  }
}

function checkEfficiencyVsUtilisation(
  list: MetricAnalysis[],
  cores: number | null,
  ref: Ref,
  add: Add,
): void {
  if (cores === null) return;
  const eff = list.find((m) => m.unit === "%" && /efficien/i.test(`${m.metric} ${m.name}`));
  const util = list.find((m) => m.unit === "%" && /utili[sz]/i.test(`${m.metric} ${m.name}`));
  if (!eff || !util) return;
  const pairs = eff.summaries.map((s) => {
    const e = ref(eff, s.runtime);
    const u = ref(util, s.runtime);
    if (!e || !u) return null;
    const expected = u.value! / cores;
    const gap = Math.abs(e.value! - expected);
    return { runtime: s.runtime, e, u, expected, gap, off: gap > Math.max(1, 0.02 * expected) };
  }).filter((p) => p !== null);
  const agreeing = pairs.filter((p) => !p.off).length;
  for (const { runtime, e, u, expected, gap, off } of pairs) {
    if (off) {
      add(
        "efficiency-vs-utilisation",
        "warning",
        `${runtime}: ${eff.name} ${fmt(e.value!)} % does not match ${util.name} ` +
          `${fmt(u.value!)} % ÷ ${cores} cores = ${fmt(expected)} % (off by ${fmt(gap)} points); ` +
          "one of the two values is wrong" +
          (agreeing > 0 ? ` (${agreeing} other runtime(s) agree within 1 point or 2 %).` : "."),
        [e, u],
      );
    }
  }
}

function checkCharVsBlock(list: MetricAnalysis[], ref: Ref, add: Add): void {
  for (const charMetric of list) {
    const key = stem(charMetric.metric, /char/);
    if (key === null || charMetric.direction !== "higher") continue;
    const block = list.find((m) => stem(m.metric, /block/) === key && m.unit === charMetric.unit);
    if (!block) continue;
    for (const s of charMetric.summaries) {
      const c = ref(charMetric, s.runtime);
      const b = ref(block, s.runtime);
      if (!c || !b || !(c.value! > b.value!)) continue;
      add(
        "per-char-faster-than-block",
        "warning",
        `${s.runtime}: ${charMetric.name} ${fmt(c.value!)} ${charMetric.unit} exceeds ` +
          `${block.name} ${fmt(b.value!)} ${block.unit}; per-character I/O makes one library ` +
          "call per byte and cannot outrun block I/O on the same file: columns swapped, or " +
          "the block figure is wrong.",
        [c, b],
      );
    }
  }
}

function checkPartAboveTotal(list: MetricAnalysis[], ref: Ref, add: Add): void {
  for (const total of list) {
    const match = /^(.*[._])total_time$/.exec(total.metric);
    if (!match || secondsPer(total.unit) === null) continue;
    for (const part of list) {
      if (part === total || !part.metric.startsWith(match[1]) || !/time$/.test(part.metric)) {
        continue;
      }
      if (part.metric.slice(match[1].length).includes(".")) continue;
      const perPart = secondsPer(part.unit);
      if (perPart === null) continue;
      for (const s of part.summaries) {
        const p = ref(part, s.runtime);
        const t = ref(total, s.runtime);
        if (!p || !t) continue;
        const partS = p.value! * perPart;
        const totalS = t.value! * secondsPer(total.unit)!;
        if (partS <= totalS * (1 + 1e-9)) continue;
        add(
          "part-above-total",
          "error",
          `${s.runtime}: ${part.name} ${fmt(p.value!)} ${part.unit} exceeds ${total.name} ` +
            `${fmt(t.value!)} ${total.unit}, of which it is a part.`,
          [p, t],
        );
      }
    }
  }
}

/** Factor by which strided or random throughput may exceed sequential before it is flagged. */
export const SCATTERED_OVER_SEQUENTIAL_FACTOR = 1.5;

function checkScatteredVsSequential(list: MetricAnalysis[], ref: Ref, add: Add): void {
  for (const scattered of list) {
    const key = stem(scattered.metric, /strided|random|rand/);
    if (key === null || scattered.direction !== "higher") continue;
    if (bytesPerSecond(scattered.unit) === null) continue;
    const seq = list.find((m) =>
      stem(m.metric, /sequential|seq/) === key && m.unit === scattered.unit
    );
    if (!seq) continue;
    for (const s of scattered.summaries) {
      const x = ref(scattered, s.runtime);
      const q = ref(seq, s.runtime);
      if (!x || !q || !(x.value! > SCATTERED_OVER_SEQUENTIAL_FACTOR * q.value!)) continue;
      add(
        "scattered-faster-than-sequential",
        "warning",
        `${s.runtime}: ${scattered.name} ${fmt(x.value!)} ${scattered.unit} is ` +
          `${fmt(x.value! / q.value!)}× ${seq.name} ${fmt(q.value!)} ${seq.unit}; strided or ` +
          "random access adds seeks and cannot outrun sequential access to the same device, " +
          "so one of the two was served from a cache or is wrong.",
        [x, q],
      );
    }
  }
}

/** Bytes in flight above which a request/response or stream figure is implausible. */
export const MAX_RR_BYTES_IN_FLIGHT = 1024 ** 2;
/** Bytes in flight above which a stream figure is implausible (far above TCP windows). */
export const MAX_STREAM_BYTES_IN_FLIGHT = 64 * 1024 ** 2;

function checkThroughputVsLatency(list: MetricAnalysis[], ref: Ref, add: Add): void {
  for (const t of list) {
    const key = stem(t.metric, /throughput/);
    if (key === null) continue;
    const l = list.find((m) => stem(m.metric, /latency/) === key);
    if (!l) continue;
    const perByte = bytesPerSecond(t.unit);
    const perSecond = secondsPer(l.unit);
    if (perByte === null || perSecond === null) continue;
    const rr = /(^|[._-])(tcp_|udp_)?rr([._-]|$)|request/i.test(t.metric);
    if (rr) {
      add(
        "rr-throughput-unit",
        "warning",
        `${t.name} is given in ${t.unit}, but a request/response test measures transactions ` +
          'per second (netperf TCP_RR/UDP_RR print "Trans. Rate per sec"); the unit or the ' +
          "column is suspect.",
        [],
        t.sources,
      );
    }
    for (const s of t.summaries) {
      const tv = ref(t, s.runtime);
      const lv = ref(l, s.runtime);
      if (!tv || !lv) continue;
      const latencyS = lv.value! * perSecond;
      const inFlight = tv.value! * perByte * latencyS; // Little's law: rate × time in system
      const limit = rr ? MAX_RR_BYTES_IN_FLIGHT : MAX_STREAM_BYTES_IN_FLIGHT;
      if (inFlight <= limit) continue;
      const detail = rr
        ? `with one transaction outstanding, a ${fmt(lv.value!)} ${l.unit} round trip allows ` +
          `${fmt(1 / latencyS)} transactions/s, so ${fmt(tv.value!)} ${t.unit} would need ` +
          `${fmt(inFlight / 1e6)} MB per transaction (request/response tests send a few bytes)`
        : `${fmt(tv.value!)} ${t.unit} sustained over ${fmt(lv.value!)} ${l.unit} puts ` +
          `${fmt(inFlight / 1024 ** 2)} MiB in flight (Little's law), far above any socket ` +
          "buffer; a stream test does not measure a latency of this size";
      add(
        "throughput-latency-inconsistent",
        "warning",
        `${s.runtime}: ${t.name} and ${l.name} cannot both hold: ${detail}.`,
        [tv, lv],
      );
    }
  }
}

const STREAM_KERNEL = /^(.*)(copy|scale|add|triad)_(best_rate|avg_time)$/;
const STREAM_BYTES_PER_ELEMENT: Record<string, number> = {
  copy: 16,
  scale: 16,
  add: 24,
  triad: 24,
};

function checkStream(list: MetricAnalysis[], ref: Ref, add: Add): void {
  const kernels = new Map<string, { rate?: MetricAnalysis; time?: MetricAnalysis }>();
  for (const m of list) {
    const match = STREAM_KERNEL.exec(m.metric);
    if (!match) continue;
    const k = kernels.get(match[2]) ?? {};
    if (match[3] === "best_rate") k.rate = m;
    else k.time = m;
    kernels.set(match[2], k);
  }
  if (kernels.size < 2) return;
  const runtimes = [...new Set(list.flatMap((m) => m.summaries.map((s) => s.runtime)))];
  // Copy and Scale move 16 bytes per element, Add and Triad 24: their best rates agree.
  for (const [x, y] of [["copy", "scale"], ["add", "triad"]]) {
    const mx = kernels.get(x)?.rate;
    const my = kernels.get(y)?.rate;
    if (!mx || !my) continue;
    for (const r of runtimes) {
      const a = ref(mx, r);
      const b = ref(my, r);
      if (!a || !b) continue;
      const factor = Math.max(a.value! / b.value!, b.value! / a.value!);
      if (factor > 1.3) {
        add(
          "stream-kernel-rates-disagree",
          "warning",
          `${r}: ${mx.name} ${fmt(a.value!)} and ${my.name} ${fmt(b.value!)} ${mx.unit} differ ` +
            `by ${fmt(factor)}×, though both kernels move the same bytes per element ` +
            `(${STREAM_BYTES_PER_ELEMENT[x]}); one of the two is wrong or the run was disturbed.`,
          [a, b],
        );
      }
    }
  }
  // rate × average time ÷ bytes per element ≥ the array length N, and ≈ N when the average is
  // close to the best time: it must agree across kernels and runtimes built the same way.
  const implied = new Map<string, { n: number; values: FindingValue[] }[]>();
  for (const r of runtimes) {
    for (const [kernel, k] of kernels) {
      if (!k.rate || !k.time) continue;
      const perByte = bytesPerSecond(k.rate.unit);
      const perSecond = secondsPer(k.time.unit);
      const a = ref(k.rate, r);
      const b = ref(k.time, r);
      if (!a || !b || perByte === null || perSecond === null) continue;
      const n = (a.value! * perByte * b.value! * perSecond) / STREAM_BYTES_PER_ELEMENT[kernel];
      if (!implied.has(r)) implied.set(r, []);
      implied.get(r)!.push({ n, values: [a, b] });
    }
  }
  const perRuntime = [...implied.entries()].map(([r, list]) => {
    const ns = list.map((x) => x.n).sort((a, b) => a - b);
    return { r, n: ns[Math.floor(ns.length / 2)], list };
  });
  if (perRuntime.length < 3) return;
  const all = perRuntime.map((x) => x.n).sort((a, b) => a - b);
  const mid = all[Math.floor(all.length / 2)];
  for (const x of perRuntime) {
    const factor = Math.max(x.n / mid, mid / x.n);
    if (factor > 1.5) {
      add(
        "stream-array-size-differs",
        "warning",
        `${x.r}: best rate × average time implies about ${fmt(x.n / 1e6)} M elements per ` +
          `array, against ${fmt(mid / 1e6)} M for the other runtimes (${fmt(factor)}×): it ran ` +
          "with a different array size (then its rates are not comparable: a smaller array may " +
          "sit in cache) or its times and rates do not belong together.",
        x.list.flatMap((e) => e.values),
      );
    }
  }
}

function checkNetworkAboveMemory(metrics: MetricAnalysis[], ref: Ref, add: Add): void {
  const copy = metrics.find((m) =>
    m.category === "memory" && /copy/i.test(m.metric) && bytesPerSecond(m.unit) !== null
  );
  if (!copy) return;
  const copyPerByte = bytesPerSecond(copy.unit)!;
  for (const m of metrics) {
    if (m.category !== "network" || m.direction !== "higher") continue;
    const perByte = bytesPerSecond(m.unit);
    if (perByte === null || /(^|[._-])(tcp_|udp_)?rr([._-]|$)/i.test(m.metric)) continue;
    for (const s of m.summaries) {
      const n = ref(m, s.runtime);
      const c = ref(copy, s.runtime);
      if (!n || !c) continue;
      const network = n.value! * perByte;
      const memory = c.value! * copyPerByte;
      if (network <= memory) continue;
      add(
        "network-above-memory-bandwidth",
        "warning",
        `${s.runtime}: ${m.name} ${fmt(n.value!)} ${m.unit} exceeds its own memory copy ` +
          `bandwidth (${copy.name} ${fmt(c.value!)} ${copy.unit}), yet a transfer between two ` +
          "containers copies every byte at least twice; the unit is likely bits, not bytes " +
          "(netperf prints 10^6 bits/s by default).",
        [n, c],
      );
    }
  }
}

function checkUnstatedRuns(group: GroupValues, add: Add): void {
  for (const s of group.sets) {
    // Summaries never fit the columns: they are all among the observations kept apart.
    const published = [...sampleColumns(s.set).other.values()].filter((o) =>
      o.kind === "summary" && o.value !== null
    );
    if (published.length === 0) continue;
    if (published.some((o) => o.kind === "summary" && o.n !== undefined)) continue;
    add(
      "runs-not-stated",
      "info",
      `${describeSet(s)} publishes ${published.length} summary values without saying how many ` +
        "runs they summarise: their uncertainty is unknown.",
      [{ value: null, runId: s.set.runId }],
    );
  }
}
