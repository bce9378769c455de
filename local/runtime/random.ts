/**
 * A small seedable pseudo-random generator (mulberry32: 32-bit state, uniform floats in [0, 1)), so
 * `--seed` reproduces the health-check phases of a run exactly. Not for anything secret.
 */

/** A generator of uniform floats in [0, 1), fully determined by `seed` (a 32-bit unsigned integer). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
}

/** A fresh seed from Math.random, for runs that were not given one. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x100000000) >>> 0;
}

/** Parses a `--seed` value: a whole number 0 … 4294967295. @throws RangeError naming the flag */
export function parseSeed(text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`--seed must be a whole number 0-4294967295, got "${text}"`);
  return n;
}
