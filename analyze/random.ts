/**
 * A small seeded pseudo-random generator, so that every bootstrap interval is reproducible.
 *
 * @module
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * Creates a generator from an integer seed: the same seed gives the same sequence.
 * Mulberry32 (T. Ettinger, 2017): 32-bit state, period 2³², ample for resampling indices.
 *
 * @example
 * ```ts
 * const random = createRandom(1);
 * const index = Math.floor(random() * 10);
 * ```
 */
export function createRandom(seed: number): Random {
  let state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  return function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seed for one named stream derived from a base seed (FNV-1a hash of the name, 32 bits,
 * mixed with the seed), so that each stream stays the same whatever other streams exist.
 *
 * @example
 * ```ts
 * const random = createRandom(streamSeed(1, "cpu.time\u0000runc"));
 * ```
 */
export function streamSeed(seed: number, name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (Math.trunc(seed) ^ h) >>> 0;
}
