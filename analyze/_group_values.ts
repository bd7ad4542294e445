/**
 * Gathers the observations of several result sets into host groups: per group, per metric,
 * per runtime. Internal to `analyze/`.
 *
 * @module
 */
import type {
  HostInfo,
  MetricInfo,
  ResultSet,
  RuntimeInfo,
  SummaryStatistic,
} from "../model/result_set.ts";
import type { SanityFinding, SourceInfo } from "../model/analysis.ts";
import { notComparableMarks } from "./mark_not_comparable.ts";
import { sampleColumns } from "../model/sample_columns.ts";
import { mitigationFindings } from "./_mitigations.ts";

/** One published value kept with where it came from. */
export interface PublishedValue {
  value: number | null;
  statistic: SummaryStatistic;
  n?: number;
  missingReason?: string;
  printed?: string;
  source?: string;
  runId: string;
}

/** Everything one runtime has for one metric. */
export interface RuntimeValues {
  runtime: string;
  /**
   * Raw non-warm-up sample values; `iterations` and `runIds` hold, at the same index, each
   * sample's iteration and the result set it came from (columns: no object per sample).
   */
  values: number[];
  iterations: number[];
  runIds: string[];
  warmup: number;
  published: PublishedValue[];
  /** Failure messages of this runtime's runs of the metric's benchmark. */
  failures: string[];
  /**
   * Non-warm-up samples marked `notComparable`, kept out of `values` (so out of every
   * statistic, verdict, ranking and score) and shown with the (first) reason.
   */
  notComparable?: { reason: string; values: number[] };
}

/** One metric's values in a group. */
export interface MetricValues {
  info: MetricInfo;
  sources: string[];
  runtimes: Map<string, RuntimeValues>;
}

/** One result set with the label the caller gave it. */
export interface LabelledSet {
  set: ResultSet;
  label?: string;
}

/** A host group before analysis. */
export interface GroupValues {
  id: string;
  description: string;
  hostIds: string[];
  pooled: boolean;
  hosts: HostInfo[];
  sets: LabelledSet[];
  sources: SourceInfo[];
  runtimes: RuntimeInfo[];
  metrics: MetricValues[];
  /** Problems found while merging (conflicting definitions). */
  findings: SanityFinding[];
}

function addSample(
  rv: RuntimeValues,
  value: number,
  iteration: number,
  warmup: boolean,
  notComparable: string | undefined,
  runId: string,
): void {
  if (warmup) rv.warmup++;
  else if (notComparable !== undefined) {
    rv.notComparable ??= { reason: notComparable, values: [] };
    rv.notComparable.values.push(value);
  } else {
    rv.values.push(value);
    rv.iterations.push(iteration);
    rv.runIds.push(runId);
  }
}

function newRuntimeValues(runtime: string): RuntimeValues {
  return {
    runtime,
    values: [],
    iterations: [],
    runIds: [],
    warmup: 0,
    published: [],
    failures: [],
  };
}

/** Where a set came from, for messages: `label (runId)` or `runId`. */
export function describeSet(s: LabelledSet): string {
  return s.label ? `${s.label} (${s.set.runId})` : s.set.runId;
}

/**
 * Splits sets into groups by `host.id` (or one group when `pool`), merging runtimes and
 * metrics by id. A metric or runtime defined differently in two sets is reported as a finding
 * and the later set's values for it are left out rather than mixed. Values that do not measure
 * what their metric says are marked first (mark_not_comparable.ts, so older runs are marked
 * too) and kept apart in `notComparable`.
 */
export function groupValues(sets: LabelledSet[], pool: boolean): GroupValues[] {
  const byHost = new Map<string, LabelledSet[]>();
  for (const s of sets) {
    const key = pool ? "pooled" : s.set.host.id;
    if (!byHost.has(key)) byHost.set(key, []);
    byHost.get(key)!.push(s);
  }
  return [...byHost.entries()].map(([key, members]) => buildGroup(key, members, pool));
}

function buildGroup(key: string, members: LabelledSet[], pool: boolean): GroupValues {
  const hostIds = [...new Set(members.map((m) => m.set.host.id))];
  const hosts = hostIds.map((id) => members.find((m) => m.set.host.id === id)!.set.host);
  const findings: SanityFinding[] = [];
  const runtimes = new Map<string, RuntimeInfo>();
  const metrics = new Map<string, MetricValues>();
  const excluded = new Set<string>(); // `${runId}\u0000${metricId}` left out after a conflict
  for (const m of members) {
    const { set } = m;
    const first = members.find((o) => o.set.host.id === set.host.id)!.set.host;
    if (
      first !== set.host &&
      (first.cores !== set.host.cores || first.memoryBytes !== set.host.memoryBytes)
    ) {
      findings.push({
        rule: "host-description-conflict",
        severity: "warning",
        message: `Host "${set.host.id}" is described with ${set.host.cores} cores and ` +
          `${set.host.memoryBytes} bytes in ${describeSet(m)} but ${first.cores} cores and ` +
          `${first.memoryBytes} bytes elsewhere: the same id may name different machines.`,
        values: [],
        where: [describeSet(m)],
      });
    }
    for (const r of set.runtimes) {
      const known = runtimes.get(r.id);
      if (!known) runtimes.set(r.id, r);
      else if (known.isolation !== r.isolation) {
        findings.push({
          rule: "runtime-definition-conflict",
          severity: "warning",
          message: `Runtime "${r.id}" has isolation "${r.isolation}" in ${describeSet(m)} but ` +
            `"${known.isolation}" in an earlier set; the first definition is used.`,
          values: [],
          where: [describeSet(m)],
        });
      }
    }
    for (const info of set.metrics) {
      const known = metrics.get(info.id);
      if (!known) {
        metrics.set(info.id, { info, sources: [], runtimes: new Map() });
      } else if (known.info.unit !== info.unit || known.info.direction !== info.direction) {
        excluded.add(`${set.runId}\u0000${info.id}`);
        findings.push({
          rule: "metric-definition-conflict",
          severity: "error",
          message: `Metric "${info.id}" is ${info.unit}/${info.direction} in ${describeSet(m)} ` +
            `but ${known.info.unit}/${known.info.direction} in an earlier set; this set's ` +
            "values of it are left out rather than mixed.",
          values: [],
          where: [describeSet(m)],
        });
      }
    }
    const columns = sampleColumns(set);
    const marks = notComparableMarks(set, columns);
    // One entry per runtime × metric of this set, made on first sight (so in sample order).
    const cells: (RuntimeValues | null | undefined)[] = new Array(
      set.runtimes.length * set.metrics.length,
    );
    const cellOf = (runtime: string, metricId: string): RuntimeValues | null => {
      if (excluded.has(`${set.runId}\u0000${metricId}`)) return null;
      const metric = metrics.get(metricId)!;
      if (!metric.sources.includes(set.runId)) metric.sources.push(set.runId);
      let rv = metric.runtimes.get(runtime);
      if (!rv) {
        rv = newRuntimeValues(runtime);
        metric.runtimes.set(runtime, rv);
      }
      return rv;
    };
    const R = set.runtimes.length;
    for (let i = 0; i < columns.count; i++) {
      if (columns.apart[i] === 1) {
        const o = columns.other.get(i)!;
        const rv = cellOf(o.runtime, o.metric);
        if (!rv) continue;
        if (o.kind === "sample") {
          const reason = o.notComparable?.reason ?? marks.get(`${o.runtime}\u0000${o.benchmark}`);
          addSample(rv, o.value, o.iteration, o.warmup, reason, set.runId);
        } else {
          rv.published.push({
            value: o.value,
            statistic: o.statistic,
            runId: set.runId,
            ...(o.n !== undefined ? { n: o.n } : {}),
            ...(o.missingReason !== undefined ? { missingReason: o.missingReason } : {}),
            ...(o.printed !== undefined ? { printed: o.printed } : {}),
            ...(o.source !== undefined ? { source: o.source } : {}),
          });
        }
        continue;
      }
      const r = columns.runtime[i];
      const m = columns.metric[i];
      const key = m * R + r;
      let rv = cells[key];
      if (rv === undefined) {
        const runtime = set.runtimes[r].id;
        const info = set.metrics[m];
        rv = cells[key] = cellOf(runtime, info.id);
      }
      if (!rv) continue;
      let reason = columns.notComparable.get(i);
      if (reason === undefined && marks.size > 0) {
        reason = marks.get(`${set.runtimes[r].id}\u0000${set.metrics[m].benchmark}`);
      }
      addSample(
        rv,
        columns.value[i],
        columns.iteration[i],
        columns.warmup[i] === 1,
        reason,
        set.runId,
      );
    }
    for (const f of set.failures) {
      for (const metric of metrics.values()) {
        if (metric.info.benchmark !== f.benchmark) continue;
        let rv = metric.runtimes.get(f.runtime);
        if (!rv) {
          rv = newRuntimeValues(f.runtime);
          metric.runtimes.set(f.runtime, rv);
        }
        rv.failures.push(f.message);
      }
    }
  }
  findings.push(...mitigationFindings(members.map((m) => ({ set: m.set, name: describeSet(m) }))));
  const description = pool
    ? `pooled: ${hosts.map((h) => `${h.id} (${h.description})`).join("; ")}`
    : hosts[0].description;
  return {
    id: key,
    description,
    hostIds,
    pooled: pool,
    hosts,
    sets: members,
    sources: members.map((m) => ({
      runId: m.set.runId,
      hostId: m.set.host.id,
      status: m.set.status,
      ...(m.set.title !== undefined ? { title: m.set.title } : {}),
      ...(m.label !== undefined ? { label: m.label } : {}),
    })),
    runtimes: [...runtimes.values()],
    metrics: [...metrics.values()],
    findings,
  };
}
