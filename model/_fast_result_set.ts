/**
 * A fast path for validating a result set's samples: the same rules as `ResultSetSchema`, checked
 * by hand, without zod's per-field cost on a million samples. It only ever accepts; on the first
 * doubt it gives up and the caller validates with the schema, whose messages say what is wrong.
 *
 * @module
 */
import { z } from "zod";
import {
  ObservationSchema,
  type ResultSet,
  ResultSetSchema,
  SampleSchema,
  SummaryStatisticSchema,
  SummaryValueSchema,
} from "./result_set.ts";

// The same pattern `z.iso.datetime({ offset: true })` applies to `startedAt` and `finishedAt`.
const TIMESTAMP = z.regexes.datetime({ offset: true, local: false, precision: null });

/** A sample's and a published summary's keys in the schema's order, as zod's output has them. */
const SAMPLE_KEYS = Object.keys(SampleSchema.shape);
const SUMMARY_KEYS = Object.keys(SummaryValueSchema.shape);
/**
 * The keys the hand checks below cover. A sample with any other key the schema knows (a nested
 * object such as `hostNoise` or `notComparable`) goes through the schema, so a field added to it
 * is validated and kept, never dropped by a list here that did not follow.
 */
const CHECKED_KEYS = new Set([
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
  "topology",
  "notes",
  "statistic",
  "n",
  "missingReason",
  "source",
  "printed",
]);
const STATISTICS = new Set<string>(SummaryStatisticSchema.options);

type Loose = Record<string, unknown>;

function optionalString(o: Loose, key: string): boolean {
  return o[key] === undefined || typeof o[key] === "string";
}

/**
 * True when `o`'s own keys are exactly the present keys of `order`, in that order: then zod's
 * output would be an equal object with the same key order, and `o` itself can stand for it.
 */
function keysInOrder(o: Loose, order: readonly string[]): boolean {
  let k = 0;
  for (const key in o) {
    while (k < order.length && order[k] !== key) {
      if (o[order[k]] !== undefined) return false;
      k++;
    }
    if (k === order.length) return false;
    k++;
  }
  return true;
}

/** A copy of `o` with only the keys of `order`, in that order (zod strips unknown keys). */
function pick(o: Loose, order: readonly string[]): Loose {
  const out: Loose = {};
  for (const key of order) if (o[key] !== undefined) out[key] = o[key];
  return out;
}

/**
 * Validates `data` as a result set like `ResultSetSchema.parse` and returns the same value, or
 * null when anything is not plainly valid (the caller then runs the schema for its messages).
 * Everything but the samples goes through the schema; each sample is checked by hand against
 * the metric it names (whose id, benchmark, unit and direction the schema has already checked),
 * and kept as it is when its keys are already those zod would output, in zod's order.
 */
export function parseResultSetFast(data: unknown): ResultSet | null {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return null;
  const samples = (data as Loose).samples;
  if (!Array.isArray(samples)) return null;
  const head = ResultSetSchema.safeParse({ ...data, samples: [] });
  if (!head.success) return null;
  const set = head.data;
  const runtimes = new Set(set.runtimes.map((r) => r.id));
  const metrics = new Map(set.metrics.map((m) => [m.id, m]));
  const out: ResultSet["samples"] = new Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const o = samples[i] as Loose;
    if (o === null || typeof o !== "object" || Array.isArray(o)) return null;
    const metric = metrics.get(o.metric as string);
    if (
      metric === undefined || typeof o.runtime !== "string" || !runtimes.has(o.runtime) ||
      o.benchmark !== metric.benchmark || o.unit !== metric.unit ||
      o.direction !== metric.direction
    ) return null;
    if (Object.keys(o).some((key) => !CHECKED_KEYS.has(key) && o[key] !== undefined)) {
      const checked = ObservationSchema.safeParse(o);
      if (!checked.success) return null;
      out[i] = checked.data;
      continue;
    }
    const value = o.value;
    let order: readonly string[];
    if (o.kind === "sample") {
      const iteration = o.iteration;
      if (
        typeof value !== "number" || !Number.isFinite(value) ||
        typeof iteration !== "number" || !Number.isSafeInteger(iteration) || iteration < 0 ||
        typeof o.warmup !== "boolean" ||
        typeof o.startedAt !== "string" || !TIMESTAMP.test(o.startedAt) ||
        typeof o.finishedAt !== "string" || !TIMESTAMP.test(o.finishedAt) ||
        !optionalString(o, "topology") || !optionalString(o, "notes")
      ) return null;
      order = SAMPLE_KEYS;
    } else if (o.kind === "summary") {
      const n = o.n;
      if (
        !(value === null || (typeof value === "number" && Number.isFinite(value))) ||
        typeof o.statistic !== "string" || !STATISTICS.has(o.statistic) ||
        !(n === undefined || (typeof n === "number" && Number.isSafeInteger(n) && n > 0)) ||
        !optionalString(o, "missingReason") || !optionalString(o, "source") ||
        !optionalString(o, "printed") || (value === null && !o.missingReason)
      ) return null;
      order = SUMMARY_KEYS;
    } else return null;
    out[i] = (keysInOrder(o, order) ? o : pick(o, order)) as ResultSet["samples"][number];
  }
  set.samples = out;
  return set;
}
