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

/** Timestamps that `new Date(ms).toISOString()` gives back exactly (days ≤ 28 never roll over). */
const CANONICAL_TIME =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

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

function time(text: string): number | null {
  if (!CANONICAL_TIME.test(text)) return null;
  const ms = Date.parse(text);
  if (Number(text.slice(8, 10)) > 28 && new Date(ms).toISOString() !== text) return null;
  return ms;
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

function unpackSamples(head: PackedResultSet["head"], p: PackedSamples): Observation[] {
  const out: Observation[] = new Array(p.count);
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
      startedAt: new Date(p.startedAt[i]).toISOString(),
      finishedAt: new Date(p.finishedAt[i]).toISOString(),
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
