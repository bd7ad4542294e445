/**
 * A result set's observations as columns: a million samples as a few typed arrays instead of a
 * million objects. The reader fills them straight from the file, analysis groups them into
 * cells of runtime × metric, and the report sends them to its cell sandbox as bytes. A set's
 * `samples` array is made from the columns only when something reads it, and then equals what
 * the schema gives, key order included.
 *
 * @module
 */
import type {
  HostNoise,
  MetricInfo,
  Observation,
  ResultSet,
  RuntimeInfo,
  Sample,
} from "./result_set.ts";

/** The columns of one host-noise field per observation (NaN where a sample has none). */
export interface HostNoiseColumns {
  stealPercent: Float64Array;
  loadBefore: Float64Array;
  loadAfter: Float64Array;
  othersRunnableBefore: Float64Array;
  othersRunnableAfter: Float64Array;
  /** By position, the optional texts. */
  disturbed: Map<number, string>;
  rerunAfter: Map<number, string>;
}

/**
 * The observations of one result set, position by position. A position whose `apart` flag is
 * 0 is a raw sample held in the columns; 1 means the observation is in `other` as it is
 * (a published summary, or a sample of a form the columns do not keep, such as a timestamp
 * not written as `toISOString` writes it).
 */
export interface SampleColumns {
  count: number;
  /** 1 where the observation is in `other`. */
  apart: Uint8Array;
  /** Index into the set's `runtimes`. */
  runtime: Uint32Array;
  /** Index into the set's `metrics` (benchmark, unit and direction are the metric's). */
  metric: Uint32Array;
  value: Float64Array;
  iteration: Float64Array;
  /** 1 for a warm-up sample. */
  warmup: Uint8Array;
  /** Milliseconds since the epoch. */
  startedAt: Float64Array;
  finishedAt: Float64Array;
  /** By position, the samples' optional fields. */
  notComparable: Map<number, string>;
  topology: Map<number, string>;
  notes: Map<number, string>;
  /** Host noise, when some sample has it. */
  hostNoise: HostNoiseColumns | null;
  /** By position, the observations the columns do not hold. */
  other: Map<number, Observation>;
}

/** An empty set of columns for `count` observations. */
export function emptyColumns(count: number): SampleColumns {
  return {
    count,
    apart: new Uint8Array(count),
    runtime: new Uint32Array(count),
    metric: new Uint32Array(count),
    value: new Float64Array(count),
    iteration: new Float64Array(count),
    warmup: new Uint8Array(count),
    startedAt: new Float64Array(count),
    finishedAt: new Float64Array(count),
    notComparable: new Map(),
    topology: new Map(),
    notes: new Map(),
    hostNoise: null,
    other: new Map(),
  };
}

/** Host-noise columns for `count` observations, every value NaN (none). */
export function emptyHostNoiseColumns(count: number): HostNoiseColumns {
  const nan = () => new Float64Array(count).fill(NaN);
  return {
    stealPercent: nan(),
    loadBefore: nan(),
    loadAfter: nan(),
    othersRunnableBefore: nan(),
    othersRunnableAfter: nan(),
    disturbed: new Map(),
    rerunAfter: new Map(),
  };
}

/** The value of the `count` decimal digits at `text[at]`, or -1 when one is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The milliseconds of a timestamp written as `new Date(ms).toISOString()` writes it
 * (`YYYY-MM-DDTHH:mm:ss.sssZ`, years 0100–9999), read field by field; null for any other form
 * or a date that does not exist (which would come back as another date).
 */
export function canonicalTime(text: string): number | null {
  if (
    text.length !== 24 || text[4] !== "-" || text[7] !== "-" || text[10] !== "T" ||
    text[13] !== ":" || text[16] !== ":" || text[19] !== "." || text[23] !== "Z"
  ) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = digits(text, 20, 3);
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
    minute > 59 || second < 0 || second > 59 || ms < 0
  ) return null;
  const at = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC maps years 0–99 to 1900–1999 and lets day 31 of a 30-day month roll over.
  if (year < 100 || (day > 28 && new Date(at).toISOString() !== text)) return null;
  return at;
}

const DAY_MS = 86_400_000;

/**
 * A function that writes milliseconds as `new Date(ms).toISOString()` does, for the years
 * 0100–9999 that {@link canonicalTime} reads: the day's `YYYY-MM-DDT` from toISOString once per
 * day, the rest digit by digit (toISOString costs about 1 µs, and a run has two stamps per
 * sample).
 */
export function isoWriter(): (ms: number) => string {
  const codes: number[] = Array.from("0000-00-00T00:00:00.000Z", (c) => c.charCodeAt(0));
  let day = NaN;
  return (ms) => {
    const d = Math.floor(ms / DAY_MS);
    if (d !== day) {
      day = d;
      const date = new Date(d * DAY_MS).toISOString();
      for (let i = 0; i < 11; i++) codes[i] = date.charCodeAt(i);
    }
    let rest = ms - d * DAY_MS;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    rest -= seconds * 1000;
    codes[11] = 48 + Math.floor(hours / 10);
    codes[12] = 48 + (hours % 10);
    codes[14] = 48 + Math.floor(minutes / 10);
    codes[15] = 48 + (minutes % 10);
    codes[17] = 48 + Math.floor(seconds / 10);
    codes[18] = 48 + (seconds % 10);
    codes[20] = 48 + Math.floor(rest / 100);
    codes[21] = 48 + (Math.floor(rest / 10) % 10);
    codes[22] = 48 + (rest % 10);
    return String.fromCharCode(...codes);
  };
}

/** A sample's keys in the schema's order; the optional ones may be absent. */
const SAMPLE_KEYS = [
  "kind",
  "runtime",
  "benchmark",
  "metric",
  "unit",
  "direction",
  "notComparable",
  "value",
  "iteration",
  "warmup",
  "startedAt",
  "finishedAt",
  "topology",
  "notes",
  "hostNoise",
] as const;
const OPTIONAL_KEYS = new Set(["notComparable", "topology", "notes", "hostNoise"]);
/** Host noise's keys in the schema's order; the last two are optional. */
const NOISE_KEYS = [
  "stealPercent",
  "loadBefore",
  "loadAfter",
  "othersRunnableBefore",
  "othersRunnableAfter",
  "disturbed",
  "rerunAfter",
] as const;

/** True when `o`'s keys follow `order`, every key not in `optional` present. */
function keysFollow(o: object, order: readonly string[], optional: (key: string) => boolean) {
  let k = 0;
  for (const key in o) {
    while (k < order.length && order[k] !== key) {
      if (!optional(order[k])) return false;
      k++;
    }
    if (k === order.length) return false;
    k++;
  }
  for (; k < order.length; k++) if (!optional(order[k])) return false;
  return true;
}

function noiseFits(noise: unknown): noise is HostNoise {
  if (noise === null || typeof noise !== "object" || Array.isArray(noise)) return false;
  const n = noise as Record<string, unknown>;
  return keysFollow(n, NOISE_KEYS, (k) => k === "disturbed" || k === "rerunAfter") &&
    NOISE_KEYS.slice(0, 5).every((k) => typeof n[k] === "number") &&
    (n.disturbed === undefined || typeof n.disturbed === "string") &&
    (n.rerunAfter === undefined || typeof n.rerunAfter === "string");
}

function fits(o: Sample): boolean {
  if (!keysFollow(o, SAMPLE_KEYS, (k) => OPTIONAL_KEYS.has(k))) return false;
  if (typeof o.value !== "number" || typeof o.iteration !== "number") return false;
  if (typeof o.warmup !== "boolean") return false;
  if (o.topology !== undefined && typeof o.topology !== "string") return false;
  if (o.notes !== undefined && typeof o.notes !== "string") return false;
  if (o.hostNoise !== undefined && !noiseFits(o.hostNoise)) return false;
  if (o.notComparable !== undefined) {
    const nc = o.notComparable as unknown as Record<string, unknown>;
    if (nc === null || typeof nc !== "object" || typeof nc.reason !== "string") return false;
    if (Object.keys(nc).length !== 1) return false;
  }
  return true;
}

/** Writes the host noise of position `i` into `columns`. */
export function setHostNoise(columns: SampleColumns, i: number, noise: HostNoise): void {
  const h = columns.hostNoise ??= emptyHostNoiseColumns(columns.count);
  h.stealPercent[i] = noise.stealPercent;
  h.loadBefore[i] = noise.loadBefore;
  h.loadAfter[i] = noise.loadAfter;
  h.othersRunnableBefore[i] = noise.othersRunnableBefore;
  h.othersRunnableAfter[i] = noise.othersRunnableAfter;
  if (noise.disturbed !== undefined) h.disturbed.set(i, noise.disturbed);
  if (noise.rerunAfter !== undefined) h.rerunAfter.set(i, noise.rerunAfter);
}

/**
 * The columns of `samples` for a set with these runtimes and metrics. Observations the columns
 * cannot give back as they are (other forms, other key orders, ids the set does not list) are
 * kept in `other`, so that {@link samplesFromColumns} gives an equal array back.
 */
export function columnsFromSamples(
  samples: readonly Observation[],
  head: { runtimes: readonly RuntimeInfo[]; metrics: readonly MetricInfo[] },
): SampleColumns {
  const runtimes = new Map(head.runtimes.map((r, i) => [r.id, i]));
  const metrics = new Map(head.metrics.map((m, i) => [m.id, i]));
  const c = emptyColumns(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const o = samples[i];
    const r = runtimes.get(o.runtime);
    const m = metrics.get(o.metric);
    const info = m === undefined ? undefined : head.metrics[m];
    const started = o.kind === "sample" && typeof o.startedAt === "string"
      ? canonicalTime(o.startedAt)
      : null;
    const finished = o.kind === "sample" && typeof o.finishedAt === "string"
      ? canonicalTime(o.finishedAt)
      : null;
    if (
      o.kind !== "sample" || r === undefined || info === undefined || started === null ||
      finished === null || o.benchmark !== info.benchmark || o.unit !== info.unit ||
      o.direction !== info.direction || !fits(o)
    ) {
      c.apart[i] = 1;
      c.other.set(i, o);
      continue;
    }
    c.runtime[i] = r;
    c.metric[i] = m!;
    c.value[i] = o.value;
    c.iteration[i] = o.iteration;
    c.warmup[i] = o.warmup ? 1 : 0;
    c.startedAt[i] = started;
    c.finishedAt[i] = finished;
    if (o.notComparable !== undefined) c.notComparable.set(i, o.notComparable.reason);
    if (o.topology !== undefined) c.topology.set(i, o.topology);
    if (o.notes !== undefined) c.notes.set(i, o.notes);
    if (o.hostNoise !== undefined) setHostNoise(c, i, o.hostNoise);
  }
  return c;
}

/** The observations `columns` hold, as the schema gives them (key order included). */
export function samplesFromColumns(
  head: { runtimes: readonly RuntimeInfo[]; metrics: readonly MetricInfo[] },
  c: SampleColumns,
): Observation[] {
  const out: Observation[] = new Array(c.count);
  const iso = isoWriter();
  const h = c.hostNoise;
  for (let i = 0; i < c.count; i++) {
    if (c.apart[i] === 1) {
      out[i] = c.other.get(i)!;
      continue;
    }
    const metric = head.metrics[c.metric[i]];
    const reason = c.notComparable.get(i);
    const sample = {
      kind: "sample",
      runtime: head.runtimes[c.runtime[i]].id,
      benchmark: metric.benchmark,
      metric: metric.id,
      unit: metric.unit,
      direction: metric.direction,
      ...(reason !== undefined ? { notComparable: { reason } } : {}),
      value: c.value[i],
      iteration: c.iteration[i],
      warmup: c.warmup[i] === 1,
      startedAt: iso(c.startedAt[i]),
      finishedAt: iso(c.finishedAt[i]),
    } as Sample;
    const topology = c.topology.get(i);
    const notes = c.notes.get(i);
    if (topology !== undefined) sample.topology = topology;
    if (notes !== undefined) sample.notes = notes;
    if (h !== null && !Number.isNaN(h.stealPercent[i])) {
      const noise: HostNoise = {
        stealPercent: h.stealPercent[i],
        loadBefore: h.loadBefore[i],
        loadAfter: h.loadAfter[i],
        othersRunnableBefore: h.othersRunnableBefore[i],
        othersRunnableAfter: h.othersRunnableAfter[i],
      };
      const disturbed = h.disturbed.get(i);
      const rerunAfter = h.rerunAfter.get(i);
      if (disturbed !== undefined) noise.disturbed = disturbed;
      if (rerunAfter !== undefined) noise.rerunAfter = rerunAfter;
      sample.hostNoise = noise;
    }
    out[i] = sample;
  }
  return out;
}

interface Attached {
  columns: SampleColumns;
  /** The samples made from the columns, once something read them. */
  made?: Observation[];
}

const ATTACHED = new WeakMap<object, Attached>();

/**
 * A result set whose `samples` are `columns`: the array is made when first read (a reader that
 * never reads it never pays for a million objects) and may be replaced like any property.
 * `head` is the set without its samples, in its key order (`samples` takes its place).
 */
export function resultSetFromColumns(
  head: Omit<ResultSet, "samples"> & { samples?: unknown },
  columns: SampleColumns,
): ResultSet {
  const set = { ...head } as unknown as ResultSet;
  const attached: Attached = { columns };
  let replaced: Observation[] | undefined;
  Object.defineProperty(set, "samples", {
    enumerable: true,
    configurable: true,
    get: () => replaced ?? (attached.made ??= samplesFromColumns(set, columns)),
    set: (value: Observation[]) => {
      replaced = value;
      ATTACHED.delete(set);
    },
  });
  ATTACHED.set(set, attached);
  return set;
}

/**
 * The observations of `set` as columns: those it was read into when its samples were never
 * made as objects (nothing can have changed them), else made from `set.samples`.
 */
export function sampleColumns(set: ResultSet): SampleColumns {
  const attached = ATTACHED.get(set);
  if (attached !== undefined && attached.made === undefined) return attached.columns;
  return columnsFromSamples(set.samples, set);
}

/** The number of observations of `set`, without making its samples as objects. */
export function observationCount(set: ResultSet): number {
  const attached = ATTACHED.get(set);
  return attached !== undefined && attached.made === undefined
    ? attached.columns.count
    : set.samples.length;
}

/** The measured (not warm-up) samples of one runtime on one metric, as typed arrays. */
export interface SampleCell {
  runtime: string;
  benchmark: string;
  metric: string;
  /** Values in file order, those marked not comparable included. */
  values: Float64Array;
  /** The iteration of each value, at the same index. */
  iterations: Float64Array;
  /** Warm-up samples left out. */
  warmups: number;
  /**
   * The distinct topologies its samples name (warm-ups included), in file order: where the
   * server and the load generator ran, for the benchmarks that have two ends.
   */
  topologies: string[];
}

const CELLS = new WeakMap<SampleColumns, SampleCell[]>();

/**
 * The raw samples of `set` grouped by runtime × metric, in the order each pair first appears
 * (published summaries are not samples and are left out). Made from the columns, so a cell of
 * a million-sample run costs typed arrays, not objects. A set read from a file whose samples
 * were never made as objects gives the same cells each time (made once; do not change them).
 *
 * @example
 * ```ts
 * const measured = sampleCells(set).reduce((n, c) => n + c.values.length, 0);
 * ```
 */
export function sampleCells(set: ResultSet): SampleCell[] {
  const c = sampleColumns(set);
  const known = CELLS.get(c);
  if (known !== undefined) return known;
  const R = set.runtimes.length;
  const byIndex = new Int32Array(R * set.metrics.length).fill(-1);
  const byName = new Map<string, number>();
  const cells: {
    runtime: string;
    benchmark: string;
    metric: string;
    values: number[];
    iterations: number[];
    warmups: number;
    topologies: string[];
  }[] = [];
  const open = (runtime: string, benchmark: string, metric: string) => {
    cells.push({
      runtime,
      benchmark,
      metric,
      values: [],
      iterations: [],
      warmups: 0,
      topologies: [],
    });
    return cells.length - 1;
  };
  for (let i = 0; i < c.count; i++) {
    let at: number;
    let warmup: boolean;
    let value: number;
    let iteration: number;
    let topology: string | undefined;
    if (c.apart[i] === 1) {
      const o = c.other.get(i)!;
      if (o.kind !== "sample") continue;
      const key = `${o.runtime}\u0000${o.metric}`;
      at = byName.get(key) ?? -1;
      if (at < 0) byName.set(key, at = open(o.runtime, o.benchmark, o.metric));
      ({ warmup, value, iteration, topology } = o);
    } else {
      const r = c.runtime[i];
      const m = c.metric[i];
      at = byIndex[m * R + r];
      if (at < 0) {
        const runtime = set.runtimes[r].id;
        const metric = set.metrics[m];
        const key = `${runtime}\u0000${metric.id}`;
        at = byName.get(key) ?? -1;
        if (at < 0) byName.set(key, at = open(runtime, metric.benchmark, metric.id));
        byIndex[m * R + r] = at;
      }
      warmup = c.warmup[i] === 1;
      value = c.value[i];
      iteration = c.iteration[i];
      // Sparse: most samples have none, and a lookup is cheaper than making them as objects.
      topology = c.topology.size === 0 ? undefined : c.topology.get(i);
    }
    const cell = cells[at];
    if (topology !== undefined && !cell.topologies.includes(topology)) {
      cell.topologies.push(topology);
    }
    if (warmup) cell.warmups++;
    else {
      cell.values.push(value);
      cell.iterations.push(iteration);
    }
  }
  const out = cells.map((cell) => ({
    ...cell,
    values: Float64Array.from(cell.values),
    iterations: Float64Array.from(cell.iterations),
  }));
  CELLS.set(c, out);
  return out;
}
