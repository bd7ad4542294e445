/**
 * Marks the values of a result set that do not measure what their metric says, so that analysis
 * shows them with the reason instead of ranking them. Pure, and cheap when nothing is marked
 * (the set comes back as it was). Applied when a collection writes its result set and again
 * when a result set is analysed, so older runs benefit too.
 *
 * Rule: a runtime whose median read bandwidth or IOPS on a direct-I/O benchmark (`fio_*_direct`,
 * O_DIRECT) is more than {@link DIRECT_READ_CACHE_FACTOR} × the best the native baseline reached
 * on it cannot be reading the device: the reads come from a cache, so O_DIRECT is not honoured
 * there and every value of that benchmark under that runtime is marked — its writes too, which
 * the same cache absorbs (published run: gVisor's direct-write latency 0.3× native's). The native best, not its
 * median, is the reference: with three quantised quick runs native's median can sit 1.5× below
 * an ordinary container's (published run: 970 against docker-crun's 1,600 MiB/s, while its best
 * was 1,455), whereas gVisor's medians are 2–2.6× the native best. A runtime declared not to honour
 * O_DIRECT is marked on every direct-I/O value whatever its figures.
 *
 * @module
 */
import type { Observation, ResultSet } from "../model/result_set.ts";
import { type SampleColumns, sampleColumns } from "../model/sample_columns.ts";

/** How much faster than native's best a "direct" read's median must be to be taken for a cache. */
export const DIRECT_READ_CACHE_FACTOR = 1.5;

/** The reason of values marked by the measured rule. */
export const DIRECT_READ_CACHE_REASON =
  "direct reads faster than the device gives natively: served from a cache (O_DIRECT not honoured)";

/** The reason of values marked because the runtime declares it ignores O_DIRECT. */
export const IGNORES_O_DIRECT_REASON =
  "the runtime does not honour O_DIRECT (declared): direct reads may be served from a cache";

/** Options of {@link markNotComparable}. */
export interface MarkNotComparableOptions {
  /** Runtimes declared not to honour O_DIRECT (an adapter capability). */
  ignoresODirect?: ReadonlySet<string>;
}

const DIRECT_BENCHMARK = /^fio_.+_direct$/;

/** Whether a benchmark measures direct I/O (O_DIRECT), which a runtime may not honour. */
export function isDirectIoBenchmark(benchmark: string): boolean {
  return DIRECT_BENCHMARK.test(benchmark);
}

function isRead(metric: string): boolean {
  return metric.slice(metric.indexOf(".") + 1).includes("read");
}

function largest(values: number[]): number {
  return values.reduce((a, b) => Math.max(a, b), -Infinity);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * `set` with the values that are not comparable marked `notComparable` (see the module doc);
 * values already marked keep their reason. Returns `set` itself when nothing is marked.
 *
 * @example
 * ```ts
 * const marked = markNotComparable(set);
 * marked.samples.filter((s) => s.notComparable).length; // gVisor's direct reads, if any
 * ```
 */
export function markNotComparable(
  set: ResultSet,
  options: MarkNotComparableOptions = {},
): ResultSet {
  const marked = notComparableMarks(set, undefined, options);
  if (marked.size === 0) return set;
  const samples = set.samples.map((o): Observation => {
    if (o.notComparable) return o;
    const reason = marked.get(`${o.runtime}\u0000${o.benchmark}`);
    return reason === undefined ? o : { ...o, notComparable: { reason } };
  });
  return { ...set, samples };
}

/**
 * What {@link markNotComparable} would mark, without making a new set: the reason per
 * `${runtime}\0${benchmark}` whose values are not comparable (values already marked keep
 * theirs). Reads the columns of `set` (given, or made from it).
 */
export function notComparableMarks(
  set: ResultSet,
  columns?: SampleColumns,
  options: MarkNotComparableOptions = {},
): Map<string, string> {
  const marked = new Map<string, string>(); // `${runtime}\0${benchmark}` → reason
  const direct = new Set(set.benchmarks.map((b) => b.id).filter((id) => DIRECT_BENCHMARK.test(id)));
  if (direct.size === 0) return marked;
  const native = set.runtimes.find((r) => r.isolation === "native")?.id;
  // Read throughput per runtime/metric: the values the rule compares.
  const throughput = new Map<string, number[]>();
  const add = (runtime: string, metric: string, value: number) => {
    const key = `${runtime}\u0000${metric}`;
    const list = throughput.get(key);
    if (list) list.push(value);
    else throughput.set(key, [value]);
  };
  const c = columns ?? sampleColumns(set);
  // The metrics whose values the rule reads, by index.
  const read = set.metrics.map((m) =>
    direct.has(m.benchmark) && m.direction === "higher" && isRead(m.id)
  );
  for (let i = 0; i < c.count; i++) {
    if (c.apart[i] === 1) {
      const o = c.other.get(i)!;
      if (o.kind !== "sample" || o.warmup || !direct.has(o.benchmark)) continue;
      if (o.direction !== "higher" || !isRead(o.metric) || o.notComparable) continue;
      add(o.runtime, o.metric, o.value);
      continue;
    }
    const m = c.metric[i];
    if (!read[m] || c.warmup[i] === 1 || c.notComparable.has(i)) continue;
    add(set.runtimes[c.runtime[i]].id, set.metrics[m].id, c.value[i]);
  }
  for (const runtime of options.ignoresODirect ?? []) {
    for (const benchmark of direct) {
      marked.set(`${runtime}\u0000${benchmark}`, IGNORES_O_DIRECT_REASON);
    }
  }
  if (native !== undefined) {
    for (const [key, values] of throughput) {
      const [runtime, metric] = key.split("\u0000");
      if (runtime === native) continue;
      const nativeValues = throughput.get(`${native}\u0000${metric}`);
      if (!nativeValues) continue;
      const base = largest(nativeValues);
      if (base > 0 && median(values) > DIRECT_READ_CACHE_FACTOR * base) {
        const benchmark = metric.slice(0, metric.indexOf("."));
        const where = `${runtime}\u0000${benchmark}`;
        if (!marked.has(where)) marked.set(where, DIRECT_READ_CACHE_REASON);
      }
    }
  }
  return marked;
}
