/**
 * A fast path for reading a result-set file: its bytes are read straight into sample columns
 * (`sample_columns.ts`), without decoding the file to text or making an object per sample. The
 * rules are the schema's; the set it gives equals what `ResultSetSchema.parse(JSON.parse(text))`
 * gives. It only ever accepts: on the first doubt it gives up (null), and the caller reads the
 * file the ordinary way, whose messages say what is wrong. Rare forms (published summaries,
 * timestamps with offsets, strings with escapes) are parsed one object at a time with JSON.parse
 * and the schema.
 *
 * @module
 */
import {
  HostNoiseSchema,
  type Observation,
  ObservationSchema,
  type ResultSet,
  ResultSetSchema,
} from "./result_set.ts";
import {
  emptyColumns,
  resultSetFromColumns,
  type SampleColumns,
  setHostNoise,
} from "./sample_columns.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Thrown inside the reader when the fast path gives up; never leaves this module. */
class Doubt extends Error {}
const DOUBT = new Doubt();
/** Thrown when a value runs past the bytes read so far and the file has more. */
class NeedMore extends Error {}
const NEED_MORE = new NeedMore();

/** Bytes kept available ahead of each sample and each key of the set while streaming. */
const WINDOW_BYTES = 1 << 20;
/** Bytes read from a file at a time. */
const CHUNK_BYTES = 8 << 20;

/** Reads the next bytes of a file into `into`: how many, or null at its end. */
type Fill = (into: Uint8Array) => number | null;

/** Powers of ten that are exact doubles (10^0 … 10^22), for Clinger's fast path. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

// Sample keys, by their index in KEY_NAMES.
const KIND = 0;
const RUNTIME = 1;
const BENCHMARK = 2;
const METRIC = 3;
const UNIT = 4;
const DIRECTION = 5;
const VALUE = 6;
const ITERATION = 7;
const WARMUP = 8;
const STARTED_AT = 9;
const FINISHED_AT = 10;
const TOPOLOGY = 11;
const NOTES = 12;
const NOT_COMPARABLE = 13;
const HOST_NOISE = 14;
const KEY_NAMES = [
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
  "notComparable",
  "hostNoise",
];
const KEY_BYTES = KEY_NAMES.map((k) => new TextEncoder().encode(k));
/** The keys with their quotes, as they are written. */
const KEY_QUOTED = KEY_NAMES.map((k) => new TextEncoder().encode(`"${k}"`));
/** Keys every sample has. */
const REQUIRED_KEYS = (1 << (FINISHED_AT + 1)) - 1;
const REASON_BYTES = [new TextEncoder().encode("reason")];

const NOISE_NAMES = [
  "stealPercent",
  "loadBefore",
  "loadAfter",
  "othersRunnableBefore",
  "othersRunnableAfter",
  "disturbed",
  "rerunAfter",
];
const NOISE_BYTES = NOISE_NAMES.map((k) => new TextEncoder().encode(k));

/** Distinct strings seen in one field, each with a small id. */
class Interned {
  ids = new Map<string, number>();
  names: string[] = [];
  /** Where the last string was in the bytes (of generation `generation`), and its id. */
  generation = -1;
  lastStart = -1;
  lastEnd = -1;
  lastId = -1;
}

class Reader {
  /** The bytes at hand: a view of exactly them, so that reading past them gives undefined. */
  b: Uint8Array;
  p = 0;
  /** True when `b` reaches the end of the file. */
  eof: boolean;
  /** Counts the times `b` moved (positions into it from before are void). */
  generation = 0;
  #storage: Uint8Array;
  #fill: Fill | null;
  #utf8 = new TextDecoder();
  constructor(bytes: Uint8Array, fill: Fill | null = null) {
    this.b = bytes;
    this.#storage = bytes;
    this.#fill = fill;
    this.eof = fill === null;
  }

  /**
   * Makes at least `want` bytes from `p` on available, unless the file ends first: what is left
   * moves to the start of the buffer (so `p` becomes 0) and more of the file is read after it.
   */
  ensure(want: number): void {
    if (this.eof || this.b.length - this.p >= want) return;
    const keep = this.b.length - this.p;
    let storage = this.#storage;
    if (storage.length < keep + Math.max(want, CHUNK_BYTES)) {
      const grown = new Uint8Array(keep + Math.max(want, CHUNK_BYTES));
      grown.set(this.b.subarray(this.p));
      storage = grown;
    } else storage.copyWithin(0, this.p, this.b.length);
    let end = keep;
    while (end < storage.length) {
      const read = this.#fill!(storage.subarray(end));
      if (read === null) {
        this.eof = true;
        break;
      }
      end += read;
    }
    this.#storage = storage;
    this.b = storage.subarray(0, end);
    this.p = 0;
    this.generation++;
  }

  /** What to throw on reaching the end of the bytes at hand. */
  end(): Error {
    return this.eof ? DOUBT : NEED_MORE;
  }

  ws(): void {
    const b = this.b;
    let p = this.p;
    for (;;) {
      const c = b[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.p = p;
  }

  expect(c: number): void {
    this.ws();
    if (this.b[this.p] !== c) throw DOUBT;
    this.p++;
  }

  /** Set by {@link plainString}: the string had a byte above ASCII (UTF-8). */
  wide = false;

  /**
   * A string without escapes or control characters starting at the opening quote: sets `p`
   * past the closing quote and returns where its characters end; its characters start right
   * after the quote. Throws a doubt on anything else.
   */
  plainString(): number {
    const b = this.b;
    let p = this.p + 1;
    let wide = false;
    for (;;) {
      const c = b[p];
      if (c === QUOTE) break;
      if (c === BACKSLASH || c < 0x20 || c === undefined) throw DOUBT;
      if (c >= 0x80) wide = true;
      p++;
    }
    this.wide = wide;
    this.p = p + 1;
    return p;
  }

  /** The characters of the string {@link plainString} just read, from `start` to `end`. */
  text(start: number, end: number): string {
    return this.wide ? this.#utf8.decode(this.b.subarray(start, end)) : latin1(this.b, start, end);
  }

  /** Any JSON string at the opening quote, decoded as JSON.parse would (escapes, UTF-8). */
  anyString(): string {
    const start = this.p;
    const b = this.b;
    let p = start + 1;
    let plain = true;
    for (;;) {
      const c = b[p];
      if (c === undefined) throw DOUBT;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        plain = false;
        p += 2;
        continue;
      }
      if (c < 0x20) throw DOUBT;
      if (c >= 0x80) plain = false;
      p++;
    }
    this.p = p + 1;
    if (plain) return latin1(b, start + 1, p);
    try {
      return JSON.parse(this.#utf8.decode(b.subarray(start, p + 1)));
    } catch {
      throw DOUBT;
    }
  }

  /** A JSON number, as JSON.parse reads it. */
  number(): number {
    const b = this.b;
    const start = this.p;
    let p = start;
    const negative = b[p] === MINUS;
    if (negative) p++;
    let mantissa = 0;
    let significant = 0;
    let c = b[p];
    if (c === ZERO) {
      p++;
    } else if (c > ZERO && c <= NINE) {
      while ((c = b[p]) >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        significant++;
        p++;
      }
    } else throw DOUBT;
    let decimals = 0;
    if (b[p] === DOT) {
      p++;
      const from = p;
      while ((c = b[p]) >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        if (mantissa !== 0) significant++;
        p++;
      }
      decimals = p - from;
      if (decimals === 0) throw DOUBT;
    }
    let exact = true;
    c = b[p];
    if (c === 0x65 || c === 0x45) {
      exact = false;
      p++;
      if (b[p] === PLUS || b[p] === MINUS) p++;
      const from = p;
      while ((c = b[p]) >= ZERO && c <= NINE) p++;
      if (p === from) throw DOUBT;
    }
    this.p = p;
    // Clinger's fast path: an exact integer mantissa divided by an exact power of ten is
    // correctly rounded, as JSON.parse's reading is.
    if (exact && significant <= 15 && decimals <= 22) {
      const value = mantissa / POW10[decimals];
      return negative ? -value : value;
    }
    return Number(latin1(b, start, p));
  }

  /** True for `true`, false for `false`. */
  boolean(): boolean {
    const b = this.b;
    const p = this.p;
    if (b[p] === 0x74 && b[p + 1] === 0x72 && b[p + 2] === 0x75 && b[p + 3] === 0x65) {
      this.p = p + 4;
      return true;
    }
    if (
      b[p] === 0x66 && b[p + 1] === 0x61 && b[p + 2] === 0x6c && b[p + 3] === 0x73 &&
      b[p + 4] === 0x65
    ) {
      this.p = p + 5;
      return false;
    }
    throw DOUBT;
  }

  /**
   * Moves past the JSON value at `p` without reading it, and returns where it started: strings
   * and nesting are followed, nothing else is checked (JSON.parse of the piece checks it).
   */
  skipValue(): number {
    this.ws();
    const b = this.b;
    const start = this.p;
    let p = start;
    let depth = 0;
    for (;;) {
      const c = b[p];
      if (c === undefined) throw this.end();
      if (c === QUOTE) {
        p++;
        for (;;) {
          const d = b[p];
          if (d === undefined) throw this.end();
          if (d === QUOTE) break;
          p += d === BACKSLASH ? 2 : 1;
        }
        p++;
        if (depth === 0) break;
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth === 0) break;
        depth--;
        if (depth === 0) {
          p++;
          break;
        }
      } else if (
        depth === 0 && (c === COMMA || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)
      ) break;
      p++;
    }
    if (p === start) throw DOUBT;
    this.p = p;
    return start;
  }

  /** The JSON value from `start` to `p`, parsed. */
  parsed(start: number): unknown {
    try {
      return JSON.parse(this.#utf8.decode(this.b.subarray(start, this.p)));
    } catch {
      throw DOUBT;
    }
  }

  /** An id among `table`'s strings for the plain string at `p`. */
  interned(table: Interned): number {
    this.ws();
    if (this.b[this.p] !== QUOTE) throw DOUBT;
    const start = this.p + 1;
    const end = this.plainString();
    const b = this.b;
    const length = end - start;
    if (table.generation === this.generation && table.lastEnd - table.lastStart === length) {
      let same = true;
      const last = table.lastStart;
      for (let k = 0; k < length; k++) {
        if (b[start + k] !== b[last + k]) {
          same = false;
          break;
        }
      }
      if (same) return table.lastId;
    }
    const text = this.text(start, end);
    let id = table.ids.get(text);
    if (id === undefined) {
      id = table.names.length;
      table.ids.set(text, id);
      table.names.push(text);
    }
    table.generation = this.generation;
    table.lastStart = start;
    table.lastEnd = end;
    table.lastId = id;
    return id;
  }

  /**
   * True, past the key and its colon, when the key at `p` is exactly `quoted`; else false with
   * `p` left at the key.
   */
  quotedKey(quoted: Uint8Array): boolean {
    this.ws();
    const b = this.b;
    const p = this.p;
    for (let k = 0; k < quoted.length; k++) if (b[p + k] !== quoted[k]) return false;
    this.p = p + quoted.length;
    this.expect(COLON);
    return true;
  }

  /** The key at `p` (a plain string followed by a colon) as an index of `names`, or -1. */
  key(names: Uint8Array[]): number {
    this.ws();
    if (this.b[this.p] !== QUOTE) throw DOUBT;
    const start = this.p + 1;
    const end = this.plainString();
    this.expect(COLON);
    const b = this.b;
    const length = end - start;
    for (let k = 0; k < names.length; k++) {
      const name = names[k];
      if (name.length !== length || name[0] !== b[start]) continue;
      let same = true;
      for (let j = 1; j < length; j++) {
        if (name[j] !== b[start + j]) {
          same = false;
          break;
        }
      }
      if (same) return k;
    }
    return -1;
  }

  /** A timestamp written as toISOString writes it, in milliseconds; a doubt otherwise. */
  time(): number {
    this.ws();
    const b = this.b;
    const p = this.p;
    if (b[p] !== QUOTE || b[p + 25] !== QUOTE) throw DOUBT;
    const s = p + 1;
    if (
      b[s + 4] !== MINUS || b[s + 7] !== MINUS || b[s + 10] !== 0x54 || b[s + 13] !== COLON ||
      b[s + 16] !== COLON || b[s + 19] !== DOT || b[s + 23] !== 0x5a
    ) throw DOUBT;
    const hour = digits(b, s + 11, 2);
    const minute = digits(b, s + 14, 2);
    const second = digits(b, s + 17, 2);
    const ms = digits(b, s + 20, 3);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
      throw DOUBT;
    }
    // Samples come in runs of the same day: its start is read once.
    const last = this.#lastDate;
    let sameDay = this.#lastDateGeneration === this.generation;
    for (let k = 0; k < 10 && sameDay; k++) sameDay = b[s + k] === b[last + k];
    if (!sameDay) {
      const year = digits(b, s, 4);
      const month = digits(b, s + 5, 2);
      const day = digits(b, s + 8, 2);
      if (year < 100 || month < 1 || month > 12 || day < 1) throw DOUBT;
      const at = Date.UTC(year, month - 1, day);
      // A day that does not exist (31 April, 29 February of a common year) rolls over.
      if (day > 28 && new Date(at).getUTCDate() !== day) throw DOUBT;
      this.#lastDate = s;
      this.#lastDateGeneration = this.generation;
      this.#lastDayMs = at;
    }
    this.p = p + 26;
    return this.#lastDayMs + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  }

  #lastDate = -1;
  #lastDateGeneration = -1;
  #lastDayMs = 0;
}

function digits(b: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = b[i] - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

const CHARS = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c));

/** The bytes from `start` to `end` as one-byte characters (ASCII here). */
function latin1(b: Uint8Array, start: number, end: number): string {
  let out = "";
  if (end - start <= 64) {
    for (let i = start; i < end; i++) out += CHARS[b[i]];
    return out;
  }
  for (let i = start; i < end; i += 4096) {
    out += String.fromCharCode(...b.subarray(i, Math.min(end, i + 4096)));
  }
  return out;
}

/** Columns that grow as samples are read. */
class Growing {
  c: SampleColumns = emptyColumns(1024);
  count = 0;
  /** Per position, the field ids of benchmark, unit and direction checked per metric. */
  metricFields = new Map<number, string>();

  slot(): number {
    if (this.count === this.c.count) this.#grow();
    return this.count++;
  }

  #grow() {
    const old = this.c;
    const size = old.count * 2;
    const next = emptyColumns(size);
    next.apart.set(old.apart);
    next.runtime.set(old.runtime);
    next.metric.set(old.metric);
    next.value.set(old.value);
    next.iteration.set(old.iteration);
    next.warmup.set(old.warmup);
    next.startedAt.set(old.startedAt);
    next.finishedAt.set(old.finishedAt);
    next.notComparable = old.notComparable;
    next.topology = old.topology;
    next.notes = old.notes;
    next.other = old.other;
    if (old.hostNoise !== null) {
      const h = old.hostNoise;
      const grow = (a: Float64Array) => {
        const out = new Float64Array(size).fill(NaN);
        out.set(a);
        return out;
      };
      next.hostNoise = {
        stealPercent: grow(h.stealPercent),
        loadBefore: grow(h.loadBefore),
        loadAfter: grow(h.loadAfter),
        othersRunnableBefore: grow(h.othersRunnableBefore),
        othersRunnableAfter: grow(h.othersRunnableAfter),
        disturbed: h.disturbed,
        rerunAfter: h.rerunAfter,
      };
    }
    this.c = next;
  }

  /** The columns cut to the samples read. */
  done(): SampleColumns {
    const c = this.c;
    const n = this.count;
    const h = c.hostNoise;
    return {
      ...c,
      count: n,
      apart: c.apart.slice(0, n),
      runtime: c.runtime.slice(0, n),
      metric: c.metric.slice(0, n),
      value: c.value.slice(0, n),
      iteration: c.iteration.slice(0, n),
      warmup: c.warmup.slice(0, n),
      startedAt: c.startedAt.slice(0, n),
      finishedAt: c.finishedAt.slice(0, n),
      hostNoise: h === null ? null : {
        ...h,
        stealPercent: h.stealPercent.slice(0, n),
        loadBefore: h.loadBefore.slice(0, n),
        loadAfter: h.loadAfter.slice(0, n),
        othersRunnableBefore: h.othersRunnableBefore.slice(0, n),
        othersRunnableAfter: h.othersRunnableAfter.slice(0, n),
      },
    };
  }
}

interface Tables {
  runtime: Interned;
  benchmark: Interned;
  metric: Interned;
  unit: Interned;
  direction: Interned;
}

/** Reads the host noise object at `p` into position `i`, as HostNoiseSchema would give it. */
function readHostNoise(r: Reader, out: SampleColumns, i: number): void {
  r.expect(OPEN_BRACE);
  const values = [NaN, NaN, NaN, NaN, NaN];
  let disturbed: string | undefined;
  let rerunAfter: string | undefined;
  let seen = 0;
  r.ws();
  if (r.b[r.p] === CLOSE_BRACE) throw DOUBT;
  for (;;) {
    const k = r.key(NOISE_BYTES);
    if (k < 0 || seen & (1 << k)) throw DOUBT;
    seen |= 1 << k;
    r.ws();
    if (k < 5) {
      const v = r.number();
      if (!(v >= 0) || !Number.isFinite(v) || (k >= 3 && !Number.isInteger(v))) throw DOUBT;
      values[k] = v;
    } else {
      if (r.b[r.p] !== QUOTE) throw DOUBT;
      if (k === 5) disturbed = r.anyString();
      else rerunAfter = r.anyString();
    }
    r.ws();
    const c = r.b[r.p++];
    if (c === CLOSE_BRACE) break;
    if (c !== COMMA) throw DOUBT;
  }
  if ((seen & 31) !== 31) throw DOUBT;
  setHostNoise(out, i, {
    stealPercent: values[0],
    loadBefore: values[1],
    loadAfter: values[2],
    othersRunnableBefore: values[3],
    othersRunnableAfter: values[4],
    ...(disturbed !== undefined ? { disturbed } : {}),
    ...(rerunAfter !== undefined ? { rerunAfter } : {}),
  });
}

/**
 * Reads the sample object at `p` into position `i` of the columns, runtime and metric as ids
 * of `tables` (made the set's indices once its runtimes and metrics are known). Throws a doubt
 * on any form it does not read; the caller then reads the object with JSON.parse.
 */
function readSample(r: Reader, g: Growing, i: number, t: Tables): void {
  const c = g.c;
  r.expect(OPEN_BRACE);
  let seen = 0;
  let benchmark = -1;
  let unit = -1;
  let direction = -1;
  // Files written by ocibench have the schema's key order: the next key is tried first.
  let expected = KIND;
  for (;;) {
    const k = (expected < KEY_QUOTED.length && r.quotedKey(KEY_QUOTED[expected]))
      ? expected
      : r.key(KEY_BYTES);
    if (k < 0 || seen & (1 << k)) throw DOUBT;
    seen |= 1 << k;
    expected = k + 1;
    r.ws();
    switch (k) {
      case KIND: {
        const start = r.p + 1;
        if (r.b[r.p] !== QUOTE) throw DOUBT;
        const end = r.plainString();
        // "sample"
        if (
          end - start !== 6 || r.b[start] !== 0x73 || r.b[start + 1] !== 0x61 ||
          r.b[start + 5] !== 0x65 || latin1(r.b, start, end) !== "sample"
        ) throw DOUBT;
        break;
      }
      case RUNTIME:
        c.runtime[i] = r.interned(t.runtime);
        break;
      case BENCHMARK:
        benchmark = r.interned(t.benchmark);
        break;
      case METRIC:
        c.metric[i] = r.interned(t.metric);
        break;
      case UNIT:
        unit = r.interned(t.unit);
        break;
      case DIRECTION:
        direction = r.interned(t.direction);
        break;
      case VALUE: {
        const v = r.number();
        if (!Number.isFinite(v)) throw DOUBT;
        c.value[i] = v;
        break;
      }
      case ITERATION: {
        const v = r.number();
        if (!Number.isSafeInteger(v) || v < 0) throw DOUBT;
        c.iteration[i] = v;
        break;
      }
      case WARMUP:
        c.warmup[i] = r.boolean() ? 1 : 0;
        break;
      case STARTED_AT:
        c.startedAt[i] = r.time();
        break;
      case FINISHED_AT:
        c.finishedAt[i] = r.time();
        break;
      case TOPOLOGY:
        if (r.b[r.p] !== QUOTE) throw DOUBT;
        c.topology.set(i, r.anyString());
        break;
      case NOTES:
        if (r.b[r.p] !== QUOTE) throw DOUBT;
        c.notes.set(i, r.anyString());
        break;
      case NOT_COMPARABLE: {
        // Exactly { "reason": "…" } (the schema's object is strict), the reason not empty.
        r.expect(OPEN_BRACE);
        if (r.key(REASON_BYTES) !== 0) throw DOUBT;
        r.ws();
        if (r.b[r.p] !== QUOTE) throw DOUBT;
        const reason = r.anyString();
        if (reason.length === 0) throw DOUBT;
        r.expect(CLOSE_BRACE);
        c.notComparable.set(i, reason);
        break;
      }
      case HOST_NOISE:
        readHostNoise(r, c, i);
        break;
    }
    r.ws();
    const next = r.b[r.p++];
    if (next === CLOSE_BRACE) break;
    if (next !== COMMA) throw DOUBT;
  }
  if ((seen & REQUIRED_KEYS) !== REQUIRED_KEYS) throw DOUBT;
  // Benchmark, unit and direction must be those of the metric: one combination per metric.
  const fields = `${benchmark}/${unit}/${direction}`;
  const known = g.metricFields.get(c.metric[i]);
  if (known === undefined) g.metricFields.set(c.metric[i], fields);
  else if (known !== fields) throw DOUBT;
}

/** Forgets what a sample that gave up left in the optional columns of position `i`. */
function clearOptional(c: SampleColumns, i: number): void {
  c.topology.delete(i);
  c.notes.delete(i);
  c.notComparable.delete(i);
  if (c.hostNoise !== null) {
    c.hostNoise.stealPercent[i] = NaN;
    c.hostNoise.disturbed.delete(i);
    c.hostNoise.rerunAfter.delete(i);
  }
}

/**
 * Reads result-set bytes into a set whose samples are columns, or null when anything is not
 * plainly valid or not in a form this reader follows (the caller then reads the file as text).
 */
export function readResultSetColumns(bytes: Uint8Array): ResultSet | null {
  try {
    return read(new Reader(bytes));
  } catch (error) {
    if (error instanceof Doubt) return null;
    throw error;
  }
}

/**
 * Reads the result-set file at `path` as {@link readResultSetColumns} reads bytes, a chunk at a
 * time (the file is never whole in memory); null when it is not a regular file of at most
 * `maxBytes`, cannot be read, or is not plainly valid (the caller then reads it the ordinary way,
 * for the messages).
 */
export function readResultSetFileColumns(path: string, maxBytes: number): ResultSet | null {
  let file: Deno.FsFile;
  try {
    if (!Deno.statSync(path).isFile) return null;
    file = Deno.openSync(path, { read: true });
  } catch {
    return null;
  }
  try {
    let total = 0;
    const fill: Fill = (into) => {
      const read = file.readSync(into);
      if (read !== null) total += read;
      // Too large: the ordinary reader says so.
      if (total > maxBytes) throw DOUBT;
      return read;
    };
    return read(new Reader(new Uint8Array(0), fill));
  } catch (error) {
    // A failure to read: the ordinary reader says what it is.
    if (error instanceof Doubt || Object.values(Deno.errors).some((e) => error instanceof e)) {
      return null;
    }
    throw error;
  } finally {
    file.close();
  }
}

function read(r: Reader): ResultSet | null {
  const head: Record<string, unknown> = {};
  const g = new Growing();
  const tables: Tables = {
    runtime: new Interned(),
    benchmark: new Interned(),
    metric: new Interned(),
    unit: new Interned(),
    direction: new Interned(),
  };
  let hasSamples = false;
  r.ensure(WINDOW_BYTES);
  r.expect(OPEN_BRACE);
  r.ws();
  if (r.b[r.p] === CLOSE_BRACE) return null;
  for (;;) {
    r.ensure(WINDOW_BYTES);
    r.ws();
    if (r.b[r.p] !== QUOTE) return null;
    const name = r.anyString();
    r.expect(COLON);
    if (Object.hasOwn(head, name) || name === "__proto__") return null;
    if (name === "samples") {
      hasSamples = true;
      head.samples = null;
      readSamples(r, g, tables);
    } else {
      const start = skipWhole(r);
      head[name] = r.parsed(start);
    }
    r.ensure(WINDOW_BYTES);
    r.ws();
    const c = r.b[r.p++];
    if (c === CLOSE_BRACE) break;
    if (c !== COMMA) return null;
  }
  // Nothing but white space may follow.
  for (;;) {
    r.ws();
    if (r.p < r.b.length || r.eof) break;
    r.ensure(WINDOW_BYTES);
  }
  if (r.p !== r.b.length || !hasSamples) return null;
  const checked = ResultSetSchema.safeParse({ ...head, samples: [] });
  if (!checked.success) return null;
  const set = checked.data;
  const columns = g.done();
  if (!resolveIds(set, columns, tables, g.metricFields)) return null;
  return resultSetFromColumns({ ...set, samples: null }, columns);
}

/**
 * Skips the value at `p` (see {@link Reader.skipValue}), reading more of the file while it runs
 * past the bytes at hand; returns where it starts.
 */
function skipWhole(r: Reader): number {
  for (;;) {
    const at = r.p;
    try {
      return r.skipValue();
    } catch (error) {
      if (!(error instanceof NeedMore)) throw error;
      r.p = at;
      r.ensure(Math.max(2 * WINDOW_BYTES, 2 * (r.b.length - r.p)));
    }
  }
}

function readSamples(r: Reader, g: Growing, tables: Tables): void {
  r.expect(OPEN_BRACKET);
  r.ws();
  if (r.b[r.p] === CLOSE_BRACKET) {
    r.p++;
    return;
  }
  for (;;) {
    r.ensure(WINDOW_BYTES);
    r.ws();
    const start = r.p;
    const i = g.slot();
    try {
      readSample(r, g, i, tables);
    } catch (error) {
      if (!(error instanceof Doubt)) throw error;
      // Another form: read this one object as JSON and check it with the schema.
      clearOptional(g.c, i);
      r.p = start;
      const from = skipWhole(r);
      const parsed = ObservationSchema.safeParse(r.parsed(from));
      if (!parsed.success) throw DOUBT;
      g.c.apart[i] = 1;
      g.c.other.set(i, parsed.data as Observation);
    }
    r.ensure(WINDOW_BYTES);
    r.ws();
    const c = r.b[r.p++];
    if (c === CLOSE_BRACKET) break;
    if (c !== COMMA) throw DOUBT;
  }
}

/**
 * Turns the ids of the columns into indices of the set's runtimes and metrics, checking each
 * sample's runtime, metric, benchmark, unit and direction as the schema's references do; and
 * the observations read apart likewise. False on any mismatch.
 */
function resolveIds(
  set: ResultSet,
  c: SampleColumns,
  t: Tables,
  metricFields: Map<number, string>,
): boolean {
  const runtimeIndex = new Map(set.runtimes.map((r, i) => [r.id, i]));
  const metricIndex = new Map(set.metrics.map((m, i) => [m.id, i]));
  const runtimes = t.runtime.names.map((id) => runtimeIndex.get(id) ?? -1);
  const metrics = t.metric.names.map((id) => metricIndex.get(id) ?? -1);
  if (runtimes.includes(-1) || metrics.includes(-1)) {
    // An id read in a column that the set does not list (a sample read apart may have named it).
    for (let i = 0; i < c.count; i++) {
      if (c.apart[i] === 0 && (runtimes[c.runtime[i]] < 0 || metrics[c.metric[i]] < 0)) {
        return false;
      }
    }
  }
  for (const [local, fields] of metricFields) {
    if (metrics[local] < 0) continue;
    const info = set.metrics[metrics[local]];
    const [b, u, d] = fields.split("/").map(Number);
    if (
      t.benchmark.names[b] !== info.benchmark || t.unit.names[u] !== info.unit ||
      t.direction.names[d] !== info.direction
    ) return false;
  }
  for (let i = 0; i < c.count; i++) {
    if (c.apart[i] === 1) continue;
    c.runtime[i] = runtimes[c.runtime[i]];
    c.metric[i] = metrics[c.metric[i]];
  }
  for (const o of c.other.values()) {
    const info = set.metrics[metricIndex.get(o.metric) ?? -1];
    if (
      !runtimeIndex.has(o.runtime) || info === undefined || info.benchmark !== o.benchmark ||
      info.unit !== o.unit || info.direction !== o.direction ||
      (o.kind === "summary" && o.value === null && !o.missingReason)
    ) return false;
  }
  return true;
}

// The host-noise schema is what readHostNoise follows; a field added to it must be added here.
if (Object.keys(HostNoiseSchema.shape).join() !== NOISE_NAMES.join()) {
  throw new Error("model/_column_reader.ts: host noise's fields changed; update NOISE_NAMES");
}
