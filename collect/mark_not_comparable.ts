/**
 * The not-comparable rules applied when a collection builds its result set: the measured rule of
 * analyze/mark_not_comparable.ts (direct reads faster than the device gives natively), plus the
 * runtimes whose adapters declare that they do not honour O_DIRECT.
 *
 * @module
 */
import {
  IGNORES_O_DIRECT_REASON,
  isDirectIoBenchmark,
  markNotComparable,
} from "../analyze/mark_not_comparable.ts";
import type { ResultSet } from "../model/result_set.ts";
import type { RuntimeAdapter } from "./types.ts";
import { cellKey } from "./scheduler.ts";

/**
 * Whether an adapter declares that O_DIRECT is not honoured under it: `capabilities.directIo:
 * false` (its O_DIRECT I/O is served through a cache), or `honoursODirect: false` directly or
 * among its capabilities. Undeclared counts as honoured.
 */
export function ignoresODirect(
  adapter: {
    readonly id: string;
    readonly capabilities?: object;
    readonly honoursODirect?: boolean;
  },
): boolean {
  const declared = adapter.capabilities as
    | { directIo?: boolean; honoursODirect?: boolean }
    | undefined;
  return adapter.honoursODirect === false || declared?.directIo === false ||
    declared?.honoursODirect === false;
}

/** `set` with its values that are not comparable marked, by measurement and by declaration. */
export function markCollectedNotComparable(
  set: ResultSet,
  adapters: Iterable<RuntimeAdapter>,
): ResultSet {
  const declared = new Set([...adapters].filter(ignoresODirect).map((a) => a.id));
  return markNotComparable(set, { ignoresODirect: declared });
}

/**
 * The cells (by `runtime/benchmark` key) whose values are not comparable by declaration, known
 * before anything is measured: each direct-I/O benchmark under each runtime that ignores O_DIRECT,
 * with the reason. A budgeted run measures them once, to show, and spends nothing more on them.
 */
export function declaredNotComparableCells(
  adapters: Iterable<RuntimeAdapter>,
  benchmarks: Iterable<string>,
): Map<string, string> {
  const direct = [...benchmarks].filter(isDirectIoBenchmark);
  const cells = new Map<string, string>();
  for (const adapter of adapters) {
    if (!ignoresODirect(adapter)) continue;
    for (const benchmark of direct) {
      cells.set(cellKey({ runtime: adapter.id, benchmark }), IGNORES_O_DIRECT_REASON);
    }
  }
  return cells;
}
