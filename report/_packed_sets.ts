// Result sets in the compact form the builder sends the cell sandbox: each set's sample columns
// (model/sample_columns.ts) as raw bytes after the JSON message, described in the message by
// where each array starts, so that a million samples cost a few typed arrays to send and
// receive, and no object until a cell reads `set.samples` (which then equals the set sent, key
// order included).
import type { Observation, ResultSet } from "../model/result_set.ts";
import {
  emptyColumns,
  resultSetFromColumns,
  type SampleColumns,
  sampleColumns,
} from "../model/sample_columns.ts";

/** A typed array of the bytes block: its kind, where it starts (bytes) and its length. */
interface ArrayRef {
  type: "u8" | "u32" | "f64";
  offset: number;
  length: number;
}

const NUMERIC = [
  "apart",
  "runtime",
  "metric",
  "value",
  "iteration",
  "warmup",
  "startedAt",
  "finishedAt",
] as const;
const NOISE_NUMERIC = [
  "stealPercent",
  "loadBefore",
  "loadAfter",
  "othersRunnableBefore",
  "othersRunnableAfter",
] as const;

/** The samples of one set: its columns' arrays as places in the bytes block, the rest as is. */
export interface PackedSamples {
  count: number;
  arrays: Record<(typeof NUMERIC)[number], ArrayRef>;
  notComparable: [number, string][];
  topology: [number, string][];
  notes: [number, string][];
  hostNoise: null | {
    arrays: Record<(typeof NOISE_NUMERIC)[number], ArrayRef>;
    disturbed: [number, string][];
    rerunAfter: [number, string][];
  };
  /** Observations the columns do not hold, by position. */
  other: [number, Observation][];
}

/** A result set as the sandbox receives it. */
export interface PackedResultSet {
  /** The set with `samples: null`, in its key order. */
  head: Omit<ResultSet, "samples"> & { samples: null };
  samples: PackedSamples;
}

/** Collects typed arrays into one block of bytes, each at an offset that suits its type. */
class Block {
  #parts: Uint8Array[] = [];
  #size = 0;

  add(array: Uint8Array | Uint32Array | Float64Array): ArrayRef {
    const pad = (8 - (this.#size % 8)) % 8;
    if (pad > 0) {
      this.#parts.push(new Uint8Array(pad));
      this.#size += pad;
    }
    const offset = this.#size;
    this.#parts.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    this.#size += array.byteLength;
    const type = array instanceof Float64Array
      ? "f64"
      : array instanceof Uint32Array
      ? "u32"
      : "u8";
    return { type, offset, length: array.length };
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.#size);
    let at = 0;
    for (const part of this.#parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

function packColumns(c: SampleColumns, block: Block): PackedSamples {
  const arrays = Object.fromEntries(NUMERIC.map((k) => [k, block.add(c[k])])) as PackedSamples[
    "arrays"
  ];
  const h = c.hostNoise;
  return {
    count: c.count,
    arrays,
    notComparable: [...c.notComparable],
    topology: [...c.topology],
    notes: [...c.notes],
    hostNoise: h === null ? null : {
      arrays: Object.fromEntries(NOISE_NUMERIC.map((k) => [k, block.add(h[k])])) as NonNullable<
        PackedSamples["hostNoise"]
      >["arrays"],
      disturbed: [...h.disturbed],
      rerunAfter: [...h.rerunAfter],
    },
    other: [...c.other],
  };
}

/**
 * Packs `sets` for the sandbox: the messages' part (JSON) and one block of bytes holding every
 * set's columns; {@link unpackResultSets} gives equal sets back.
 */
export function packResultSets(
  sets: readonly ResultSet[][],
): { packed: PackedResultSet[][]; bytes: Uint8Array } {
  const block = new Block();
  const packed = sets.map((list) =>
    list.map((set) => {
      // The head keeps the set's key order, `samples` in its place (and never read: reading
      // it would make the samples as objects).
      const head = Object.fromEntries(
        Object.keys(set).map((k) => [k, k === "samples" ? null : set[k as keyof ResultSet]]),
      ) as PackedResultSet["head"];
      return { head, samples: packColumns(sampleColumns(set), block) };
    })
  );
  return { packed, bytes: block.bytes() };
}

function view(bytes: Uint8Array, ref: ArrayRef): Uint8Array | Uint32Array | Float64Array {
  const at = bytes.byteOffset + ref.offset;
  if (ref.type === "f64") return new Float64Array(bytes.buffer, at, ref.length);
  if (ref.type === "u32") return new Uint32Array(bytes.buffer, at, ref.length);
  return new Uint8Array(bytes.buffer, at, ref.length);
}

/**
 * The set `packed` stands for, its columns read from `bytes` (whose start must be 8-byte
 * aligned). Its `samples` are made from the columns when first read.
 */
export function unpackResultSet(packed: PackedResultSet, bytes: Uint8Array): ResultSet {
  const p = packed.samples;
  const c: SampleColumns = {
    ...emptyColumns(0),
    ...Object.fromEntries(NUMERIC.map((k) => [k, view(bytes, p.arrays[k])])),
    count: p.count,
    notComparable: new Map(p.notComparable),
    topology: new Map(p.topology),
    notes: new Map(p.notes),
    hostNoise: p.hostNoise === null ? null : {
      ...(Object.fromEntries(
        NOISE_NUMERIC.map((k) => [k, view(bytes, p.hostNoise!.arrays[k])]),
      ) as Record<(typeof NOISE_NUMERIC)[number], Float64Array>),
      disturbed: new Map(p.hostNoise.disturbed),
      rerunAfter: new Map(p.hostNoise.rerunAfter),
    },
    other: new Map(p.other),
  };
  return resultSetFromColumns(packed.head, c);
}
