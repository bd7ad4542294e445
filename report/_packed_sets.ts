// Result sets in the compact form the builder sends the cell sandbox: a million samples as a few
// columns of numbers instead of a million objects, so that the message is small and quick to
// write and parse. The sandbox turns the columns back into sample objects only when a cell first
// reads `set.samples`; they equal the objects sent, key order included.
import type { Observation, ResultSet, Sample } from "../model/result_set.ts";

/**
 * A sample's keys when it fits the columns: these, in this (the schema's) order, then perhaps
 * `topology` and `notes`.
 */
const COLUMN_KEYS = [
  "kind",
  "runtime",
  "benchmark",
  "metric",
  "unit",
  "direction",
  "value",
  "iteration",
  "warmup",
  "startedAt",
  "finishedAt",
] as const;

/** The samples of one set as columns; `other` holds, by index, what does not fit them. */
export interface PackedSamples {
  count: number;
  /** Index into the set's `runtimes`. */
  runtime: number[];
  /** Index into the set's `metrics` (benchmark, unit and direction are the metric's). */
  metric: number[];
  value: number[];
  iteration: number[];
  /** 1 for a warm-up sample. */
  warmup: number[];
  /** Milliseconds since the epoch. */
  startedAt: number[];
  finishedAt: number[];
  /** By index, the samples' optional fields. */
  topology: Record<number, string>;
  notes: Record<number, string>;
  /** Observations that do not fit the columns (summaries, optional fields, other forms). */
  other: Record<number, Observation>;
}

/** A result set as the sandbox receives it. */
export interface PackedResultSet {
  /** The set with `samples: null`, in its key order. */
  head: Omit<ResultSet, "samples"> & { samples: null };
  samples: PackedSamples;
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
 * (`YYYY-MM-DDTHH:mm:ss.sssZ`), read field by field; null for any other form or a date that does
 * not exist (which would come back as another date).
 */
function time(text: string): number | null {
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

function fitsColumns(o: Sample): boolean {
  let k = 0;
  let optional = 0; // 1 after topology, 2 after notes
  for (const key in o) {
    if (k < COLUMN_KEYS.length) {
      if (key !== COLUMN_KEYS[k++]) return false;
    } else if (key === "topology" && optional === 0 && typeof o.topology === "string") {
      optional = 1;
    } else if (key === "notes" && optional < 2 && typeof o.notes === "string") optional = 2;
    else return false;
  }
  return k === COLUMN_KEYS.length;
}

/** Packs `set` for the sandbox; {@link unpackResultSet} gives an equal set back. */
export function packResultSet(set: ResultSet): PackedResultSet {
  const runtimes = new Map(set.runtimes.map((r, i) => [r.id, i]));
  const metrics = new Map(set.metrics.map((m, i) => [m.id, i]));
  const p: PackedSamples = {
    count: set.samples.length,
    runtime: [],
    metric: [],
    value: [],
    iteration: [],
    warmup: [],
    startedAt: [],
    finishedAt: [],
    topology: {},
    notes: {},
    other: {},
  };
  set.samples.forEach((o, i) => {
    const r = runtimes.get(o.runtime);
    const m = metrics.get(o.metric);
    const info = m === undefined ? undefined : set.metrics[m];
    const started = o.kind === "sample" ? time(o.startedAt) : null;
    const finished = o.kind === "sample" ? time(o.finishedAt) : null;
    if (
      o.kind !== "sample" || r === undefined || info === undefined || started === null ||
      finished === null || o.benchmark !== info.benchmark || o.unit !== info.unit ||
      o.direction !== info.direction || !fitsColumns(o)
    ) {
      p.other[i] = o;
      // The columns keep one entry per observation; these are never read.
      p.runtime.push(0);
      p.metric.push(0);
      p.value.push(0);
      p.iteration.push(0);
      p.warmup.push(0);
      p.startedAt.push(0);
      p.finishedAt.push(0);
      return;
    }
    p.runtime.push(r);
    p.metric.push(m!);
    p.value.push(o.value);
    p.iteration.push(o.iteration);
    p.warmup.push(o.warmup ? 1 : 0);
    p.startedAt.push(started);
    p.finishedAt.push(finished);
    if (o.topology !== undefined) p.topology[i] = o.topology;
    if (o.notes !== undefined) p.notes[i] = o.notes;
  });
  return { head: { ...set, samples: null }, samples: p };
}

const DAY_MS = 86_400_000;

/**
 * A function that writes milliseconds as `new Date(ms).toISOString()` does, for the years
 * 0100–9999 that {@link time} reads: the day's `YYYY-MM-DDT` from toISOString once per day, the
 * rest digit by digit (toISOString costs about 1 µs, and a run has two stamps per sample).
 */
function isoWriter(): (ms: number) => string {
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

function unpackSamples(head: PackedResultSet["head"], p: PackedSamples): Observation[] {
  const out: Observation[] = new Array(p.count);
  const iso = isoWriter();
  for (let i = 0; i < p.count; i++) {
    const other = p.other[i];
    if (other !== undefined) {
      out[i] = other;
      continue;
    }
    const metric = head.metrics[p.metric[i]];
    const sample: Sample = {
      kind: "sample",
      runtime: head.runtimes[p.runtime[i]].id,
      benchmark: metric.benchmark,
      metric: metric.id,
      unit: metric.unit,
      direction: metric.direction,
      value: p.value[i],
      iteration: p.iteration[i],
      warmup: p.warmup[i] === 1,
      startedAt: iso(p.startedAt[i]),
      finishedAt: iso(p.finishedAt[i]),
    };
    const topology = p.topology[i];
    const notes = p.notes[i];
    if (topology !== undefined) sample.topology = topology;
    if (notes !== undefined) sample.notes = notes;
    out[i] = sample;
  }
  return out;
}

/**
 * The set `packed` stands for. Its `samples` are made from the columns when first read (a cell
 * that never reads them never pays for a million objects).
 */
export function unpackResultSet(packed: PackedResultSet): ResultSet {
  const set = { ...packed.head } as unknown as ResultSet;
  let samples: Observation[] | undefined;
  Object.defineProperty(set, "samples", {
    enumerable: true,
    configurable: true,
    get: () => (samples ??= unpackSamples(packed.head, packed.samples)),
    set: (value: Observation[]) => (samples = value),
  });
  return set;
}
