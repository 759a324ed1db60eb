'use strict';
/**
 * Fault injection for the stand-in server. All decisions come from a PRNG seeded by `faults.seed`
 * and consumed in request order, so the same fault config + the same request sequence gives the same
 * outcome every time (no Math.random anywhere).
 */
const { createRng } = require('./prng');

/**
 * Kinds of broken data served for `malformedIds`, assigned in order of the list (cycling):
 * malformedIds[0] gets kind 0, malformedIds[1] kind 1, ... malformedIds[7] kind 0 again.
 */
const MALFORMED_KINDS = [
  'price-string', //     price: "abc"
  'missing-title', //    no `title` key
  'negative-stock', //   stock: -5
  'missing-id', //       no `id` key
  'null-category', //    category: null
  'images-not-array', // images: "not-an-array", thumbnail: null
  'empty-title', //      title: "   " (whitespace only)
];

/**
 * Image fault kinds accepted in `imageErrors`. "429" carries `Retry-After: retryAfterSeconds`; "500" and "503" are
 * plain server errors (JSON `{ message }`).
 */
const IMAGE_FAULTS = ['404', 'html', 'huge', 'slow', 'badpng', '429', '500', '503'];

const clamp01 = (v) => Math.min(1, Math.max(0, Number(v) || 0));
const nonNegative = (v, dflt) => (Number.isFinite(Number(v)) && Number(v) >= 0 ? Number(v) : dflt);

/**
 * Validates a fault config body and returns the normalized, complete config (unspecified = off).
 * @param {object} [body] the POST /__control/faults body
 * @returns {object} normalized faults
 */
function normalizeFaults(body = {}) {
  const b = body && typeof body === 'object' ? body : {};
  const malformed = new Map();
  const ids = Array.isArray(b.malformedIds) ? b.malformedIds : [];
  ids.forEach((id, i) => malformed.set(String(id), MALFORMED_KINDS[i % MALFORMED_KINDS.length]));
  // Optional explicit form: { malformed: { "12": "missing-id" } }.
  if (b.malformed && typeof b.malformed === 'object') {
    for (const [id, kind] of Object.entries(b.malformed)) {
      if (MALFORMED_KINDS.includes(kind)) malformed.set(String(id), kind);
    }
  }
  const imageErrors = {};
  if (b.imageErrors && typeof b.imageErrors === 'object') {
    for (const [key, kind] of Object.entries(b.imageErrors)) {
      if (IMAGE_FAULTS.includes(String(kind))) imageErrors[key] = String(kind);
    }
  }
  return {
    seed: b.seed === undefined ? 1 : b.seed,
    errorRate: clamp01(b.errorRate),
    rateLimitEvery: Math.floor(nonNegative(b.rateLimitEvery, 0)),
    retryAfterSeconds: nonNegative(b.retryAfterSeconds, 1),
    slowMs: nonNegative(b.slowMs, 0),
    truncateRate: clamp01(b.truncateRate),
    down: Boolean(b.down),
    malformed,
    imageErrors,
    imageSlowMs: nonNegative(b.imageSlowMs, 5000),
    ...normalizeHostileSource(b),
  };
}

/**
 * The hostile-source part of a fault config (see README "Hostile source"): padded bodies, a lying `total`, short
 * pages, endless pages.
 * @param {object} b the raw POST /__control/faults body
 * @returns {{ padPagesBytes: number, padProductBytes: number, padAt: 'start'|'end', padContentLength: boolean,
 *   totalOverride: unknown, pageCap: number, endlessPages: boolean }}
 */
function normalizeHostileSource(b) {
  return {
    padPagesBytes: Math.floor(nonNegative(b.padPagesBytes, 0)),
    padProductBytes: Math.floor(nonNegative(b.padProductBytes, 0)),
    padAt: b.padAt === 'end' ? 'end' : 'start',
    padContentLength: Boolean(b.padContentLength),
    // Any JSON value, served verbatim as `total` (1e9, -1, "many", null...); absent = the real total.
    totalOverride: Object.prototype.hasOwnProperty.call(b, 'totalOverride') ? b.totalOverride : undefined,
    pageCap: Math.floor(nonNegative(b.pageCap, 0)),
    endlessPages: Boolean(b.endlessPages),
  };
}

/** JSON view of a normalized config (Map → object) for control API answers. */
function describeFaults(f) {
  const { malformed, ...rest } = f;
  return { ...rest, malformed: Object.fromEntries(malformed) };
}

/**
 * Creates the per-config fault engine. Every /products* request calls `decide()` exactly once, which
 * always draws the same two numbers from the PRNG whatever is enabled, keeping sequences reproducible.
 * @param {object} [body] raw or normalized fault config
 * @returns {{ config: object, decide(): { status?: number, truncate: boolean }, malformedKind(id: unknown): string|undefined, imageFault(path: string, url: string, id?: string): string|undefined }}
 */
function createFaultEngine(body = {}) {
  const config = body && body.malformed instanceof Map ? body : normalizeFaults(body);
  const rng = createRng(config.seed);
  let count = 0;
  return {
    config,
    decide() {
      count += 1;
      const rError = rng.next();
      const rTruncate = rng.next();
      if (config.down) return { status: 503, truncate: false };
      if (config.rateLimitEvery > 0 && count % config.rateLimitEvery === 0) return { status: 429, truncate: false };
      if (rError < config.errorRate) return { status: 500, truncate: false };
      return { truncate: rTruncate < config.truncateRate };
    },
    malformedKind(id) {
      return config.malformed.size ? config.malformed.get(String(id)) : undefined;
    },
    imageFault(path, url, id) {
      const e = config.imageErrors;
      return e[url] || e[path] || (id !== undefined ? e[id] : undefined);
    },
  };
}

/**
 * Returns a broken copy of a product for the given malformed kind (the stored product is untouched).
 * @param {object} product
 * @param {string} kind one of MALFORMED_KINDS
 * @returns {object}
 */
function malformProduct(product, kind) {
  const p = { ...product };
  switch (kind) {
    case 'price-string': p.price = 'abc'; break;
    case 'missing-title': delete p.title; break;
    case 'negative-stock': p.stock = -5; break;
    case 'missing-id': delete p.id; break;
    case 'null-category': p.category = null; break;
    case 'images-not-array': p.images = 'not-an-array'; p.thumbnail = null; break;
    case 'empty-title': p.title = '   '; break;
    default: break;
  }
  return p;
}

module.exports = { MALFORMED_KINDS, IMAGE_FAULTS, normalizeFaults, describeFaults, createFaultEngine, malformProduct };
