'use strict';
/**
 * Small seeded pseudo-random helpers shared by the catalog generator and the
 * fault injector. Nothing in the stand-in server may use Math.random(): every
 * "random" decision must be reproducible from a seed.
 */

/**
 * Hashes any seed-like value (number, string, boolean, undefined) to an unsigned 32-bit integer.
 * Integers that fit in 32 bits are used as-is so `seed: 1` stays "1"; anything else goes through FNV-1a.
 * @param {unknown} value
 * @returns {number}
 */
function hashSeed(value) {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff) {
    return value >>> 0;
  }
  const text = String(value);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Mixes several 32-bit integers into one well-distributed 32-bit integer (murmur3 finalizer style).
 * Used to derive independent streams, e.g. one per product id: `mix(seed, id)`.
 * @param {...number} parts
 * @returns {number}
 */
function mix(...parts) {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h ^= part >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * Seeded mulberry32 generator with convenience helpers (a class so that creating one per product is cheap).
 */
class Rng {
  /** @param {unknown} seed any value accepted by hashSeed */
  constructor(seed) {
    this.state = hashSeed(seed);
  }

  /** Uniform float in [0, 1). */
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max] (both inclusive). */
  int(min, max) {
    return Math.floor(this.next() * (max - min + 1)) + min;
  }

  /** Float in [min, max) rounded to `digits` decimals (2 by default), like the real generator. */
  float(min, max, digits = 2) {
    const f = 10 ** digits;
    return Math.round((this.next() * (max - min) + min) * f) / f;
  }

  /** One element of a non-empty array. */
  pick(items) {
    return items[Math.floor(this.next() * items.length)];
  }

  /** True with probability p. */
  chance(p) {
    return this.next() < p;
  }

  /** Picks from [value, weight] pairs proportionally to weight. */
  weighted(entries) {
    let total = 0;
    for (const e of entries) total += e[1];
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1][0];
  }
}

/**
 * Creates a seeded generator (mulberry32): next(), int(min,max), float(min,max,digits), pick(arr),
 * chance(p), weighted([[value, weight], ...]).
 * @param {unknown} seed any value accepted by hashSeed
 * @returns {Rng}
 */
function createRng(seed) {
  return new Rng(seed);
}

module.exports = { hashSeed, mix, createRng, Rng };
