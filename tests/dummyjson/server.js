#!/usr/bin/env node
'use strict';
/**
 * DummyJSON-compatible stand-in server (plain Node.js, no dependencies).
 *
 *   node tests/dummyjson/server.js [--port 0] [--host 127.0.0.1] [--products 194] [--seed 1]
 *                                  [--catalog file.json] [--public-url http://host:port]
 *
 * prints `DUMMYJSON_URL=http://127.0.0.1:PORT` once listening and runs until SIGINT/SIGTERM.
 * See README.md in this folder for routes, the /__control API, faults and image URLs.
 */
const http = require('node:http');
const zlib = require('node:zlib');
const { generateCatalog, generateProducts, loadCatalogFile, availabilityStatusFor } = require('./catalog');
const { renderProductImage, renderGenericImage, hugePng } = require('./images');
const { createFaultEngine, describeFaults, malformProduct } = require('./faults');
const { ApiError, parseOptions, handleProducts, productsRouteName, pick } = require('./products-api');
const { parseArgs } = require('./cli-args');

const JSON_TYPE = 'application/json; charset=utf-8';
const RATE_LIMIT_MESSAGE = 'request limit exceeded, please wait a few seconds';
const MAX_CONTROL_BODY = 256 * 1024 * 1024;
const STREAM_THRESHOLD = 2000; // list answers with more products than this are streamed
const STREAM_BATCH = 500;
const PAD_CHUNK = Buffer.alloc(1 << 20, 0x20); // 1 MiB of JSON whitespace, written again and again for padded answers
const MAX_SYNTHESIZED_PAGE = 1000; // endlessPages: at most this many made-up products per page
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
const MAX_REDIRECT_HOPS = 20;
const IMAGE_PATH = /^\/images\/products\/([^/]+)\/(thumbnail|\d+)(?:-v(\d+))?\.png$/;
const QR_CODE_PATH = '/images/qr-code.png';
const HTML_PAGE = '<!DOCTYPE html><html><head><title>Just a moment...</title></head>'
  + '<body><h1>Checking your browser before accessing the site.</h1></body></html>';

/** Fresh request counters. */
function emptyStats() {
  return {
    requests: 0,
    byRoute: {},
    imageRequests: 0,
    faultsServed: { 500: 0, 429: 0, truncated: 0, 503: 0, image: 0, malformed: 0, padded: 0, synthesized: 0 },
  };
}

/** Builds the catalog described by a reset body / start options. */
function buildCatalog({ size, seed, catalogFile, products }, baseUrl) {
  if (Array.isArray(products)) return { catalog: products.slice(), source: 'inline' }; // our own array: mutate edits it
  if (catalogFile) return { catalog: loadCatalogFile(catalogFile), source: `file:${catalogFile}` };
  return { catalog: generateCatalog({ size, seed, baseUrl }), source: 'generated' };
}

/** Largest numeric id in a catalog (0 when none). */
function maxId(catalog) {
  let max = 0;
  for (const p of catalog) if (p && Number.isInteger(p.id) && p.id > max) max = p.id;
  return max;
}

/**
 * Starts the stand-in server.
 * @param {object} [opts]
 * @param {number} [opts.port=0] port to listen on (0 = random free port)
 * @param {string} [opts.host='127.0.0.1'] interface to bind
 * @param {number} [opts.size=194] number of generated products (alias: opts.products)
 * @param {number|string} [opts.seed=1] catalog seed
 * @param {string} [opts.catalogFile] JSON snapshot to serve as-is instead of generating
 * @param {string} [opts.publicUrl] origin used in generated URLs instead of the listening address
 * @param {boolean} [opts.compression=true] gzip JSON answers > 1 KB when the client accepts it (like the real server)
 * @returns {Promise<{ url: string, port: number, host: string, baseUrl: string, state: object, close(): Promise<void>,
 *   reset(body?: object): object, setFaults(body?: object): object, mutate(body: object): object, stats(): object }>}
 */
function startServer(opts = {}) {
  const host = opts.host || '127.0.0.1';
  const initial = {
    size: opts.size ?? opts.products ?? 194,
    seed: opts.seed ?? 1,
    catalogFile: opts.catalogFile,
  };
  const compression = opts.compression !== false;

  /** Live server state (also returned to in-process tests). */
  const state = {
    baseUrl: '',
    source: '',
    size: initial.size,
    seed: initial.seed,
    catalog: [],
    faults: createFaultEngine({}),
    stats: emptyStats(),
    imageVersions: new Map(), // image path → version (bumped by changeImage)
    maxIdEver: 0,
    cache: { byId: null, imagePaths: null, images: new Map() },
  };
  const timers = new Set();

  // ---------- helpers ----------
  const invalidate = () => {
    state.cache.byId = null;
    state.cache.imagePaths = null;
  };

  /** id (string) → first product with that id, built lazily. */
  const byId = () => {
    if (!state.cache.byId) {
      const map = new Map();
      for (const p of state.catalog) {
        if (p && p.id !== undefined && p.id !== null && !map.has(String(p.id))) map.set(String(p.id), p);
      }
      state.cache.byId = map;
    }
    return state.cache.byId;
  };

  /** Path of one of our own URLs, or null for foreign URLs. */
  const ownPath = (url) => (typeof url === 'string' && url.startsWith(`${state.baseUrl}/`) ? url.slice(state.baseUrl.length).split('?')[0] : null);

  /** Set of image paths referenced anywhere in the current catalog (built lazily, slow path only). */
  const imagePaths = () => {
    if (!state.cache.imagePaths) {
      const set = new Set();
      const add = (u) => { const p = ownPath(u); if (p) set.add(p); };
      for (const p of state.catalog) {
        if (!p) continue;
        if (Array.isArray(p.images)) p.images.forEach(add);
        add(p.thumbnail);
        if (p.meta) add(p.meta.qrCode);
      }
      state.cache.imagePaths = set;
    }
    return state.cache.imagePaths;
  };

  /**
   * Is this image path served? Yes when a current product references it: first check the product whose
   * id is in the path (O(1)), then any product. The shared QR-code placeholder always exists.
   */
  const imageExists = (path, idInPath) => {
    if (path === QR_CODE_PATH) return true;
    if (state.faults.config.endlessPages && Number(idInPath) > state.maxIdEver) return true; // a made-up product's
    const p = idInPath !== undefined ? byId().get(idInPath) : undefined;
    const url = state.baseUrl + path;
    if (p && ((Array.isArray(p.images) && p.images.includes(url)) || p.thumbnail === url)) return true;
    return imagePaths().has(path);
  };

  /** Runs fn after ms milliseconds (tracked so close() can cancel it), or now when ms <= 0. */
  const later = (ms, fn) => {
    if (!(ms > 0)) { fn(); return; }
    const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
    timers.add(t);
  };

  /** Sends a body with content-length; gzips JSON bodies > 1 KB when accepted. */
  const send = (req, res, status, body, headers = {}) => {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
    const h = { 'access-control-allow-origin': '*', ...headers };
    const gzip = compression && buf.length > 1024 && /json|text/.test(h['content-type'] || '')
      && /\bgzip\b/.test(String(req.headers['accept-encoding'] || ''));
    const finish = (payload, extra) => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, { ...h, ...extra, 'content-length': payload.length });
      res.end(payload);
    };
    if (!gzip) { finish(buf, {}); return; }
    zlib.gzip(buf, { level: 1 }, (err, zipped) => {
      if (err) finish(buf, {});
      else finish(zipped, { 'content-encoding': 'gzip', vary: 'Accept-Encoding' });
    });
  };
  const sendJson = (req, res, status, value, headers) => send(req, res, status, JSON.stringify(value), { 'content-type': JSON_TYPE, ...headers });

  /**
   * Streams a big `{ products, ...scalars }` envelope in batches (chunked encoding, gzip when
   * accepted) so huge catalogs never build one giant string. Output is byte-identical to JSON.stringify.
   */
  const streamEnvelope = (req, res, status, body) => {
    const { products, ...rest } = body;
    const { out, gzip } = openJsonStream(req, res, status);
    const tail = `],${JSON.stringify(rest).slice(1)}`; // ],"total":..,"skip":..,"limit":..}
    let i = -1; // -1: the opening '{"products":[' is still to be written
    const pump = () => {
      if (res.destroyed) { if (gzip) out.destroy(); return; }
      while (i < products.length) {
        let chunk;
        if (i < 0) { chunk = '{"products":['; i = 0; } else {
          const batch = products.slice(i, i + STREAM_BATCH).map((p) => JSON.stringify(p) ?? 'null').join(',');
          chunk = i === 0 ? batch : `,${batch}`;
          i += STREAM_BATCH;
        }
        if (!out.write(chunk)) { out.once('drain', pump); return; }
      }
      out.end(tail);
    };
    pump();
  };

  /**
   * Starts a chunked JSON answer and returns the stream to write the body into: the response itself, or a gzip
   * stream piped into it when the client accepts gzip. `contentLength` is sent only on identity answers.
   */
  function openJsonStream(req, res, status, contentLength) {
    const gzip = compression && /\bgzip\b/.test(String(req.headers['accept-encoding'] || ''));
    res.writeHead(status, {
      'access-control-allow-origin': '*',
      'content-type': JSON_TYPE,
      ...(gzip ? { 'content-encoding': 'gzip', vary: 'Accept-Encoding' } : {}),
      ...(!gzip && contentLength !== undefined ? { 'content-length': contentLength } : {}),
    });
    if (!gzip) return { out: res, gzip };
    const out = zlib.createGzip({ level: 1, chunkSize: 128 * 1024 });
    out.pipe(res);
    out.on('error', () => res.destroy());
    res.once('close', () => out.destroy());
    return { out, gzip };
  }

  /**
   * Sends a JSON text padded with spaces to at least `padTo` bytes (before or after the JSON: `padAt`), written
   * 1 MiB at a time as the client reads, so a 300 MB answer never exists in memory. Chunked unless
   * `padContentLength`.
   */
  function sendPadded(req, res, status, text, padTo) {
    const f = state.faults.config;
    const body = Buffer.from(text);
    let padding = Math.max(0, padTo - body.length);
    const { out } = openJsonStream(req, res, status, f.padContentLength ? body.length + padding : undefined);
    let bodyFirst = f.padAt === 'end';
    const pump = () => {
      if (res.destroyed) return;
      if (bodyFirst) {
        bodyFirst = false;
        if (!out.write(body)) { out.once('drain', pump); return; }
      }
      while (padding > 0) {
        const chunk = padding >= PAD_CHUNK.length ? PAD_CHUNK : PAD_CHUNK.subarray(0, padding);
        padding -= chunk.length;
        if (!out.write(chunk)) { out.once('drain', pump); return; }
      }
      out.end(f.padAt === 'end' ? undefined : body);
    };
    pump();
  }

  /**
   * The hostile-source shaping of a list envelope (faults pageCap, endlessPages, totalOverride), in place.
   * Made-up products (endlessPages, main listing only) get fresh ids after the largest id ever seen, from their
   * position past the end of the catalog, so the same page always holds the same products.
   */
  function shapeList(body, route, opts) {
    const f = state.faults.config;
    if (f.pageCap > 0 && body.products.length > f.pageCap) body.products = body.products.slice(0, f.pageCap);
    if (f.endlessPages && route === '/products' && opts.limit > 0) {
      const wanted = Math.min(opts.limit, f.pageCap || Infinity, MAX_SYNTHESIZED_PAGE);
      const missing = wanted - body.products.length;
      if (missing > 0) {
        const beyondEnd = Math.max(opts.skip, 0) + body.products.length - state.catalog.length;
        const ids = Array.from({ length: missing }, (_, k) => state.maxIdEver + 1 + beyondEnd + k);
        const made = generateProducts({ ids, seed: state.seed, baseUrl: state.baseUrl });
        body.products = body.products.concat(opts.select ? made.map((p) => pick(p, opts.select)) : made);
        state.stats.faultsServed.synthesized += missing;
      }
    }
    body.limit = body.products.length;
    if (f.totalOverride !== undefined) body.total = f.totalOverride;
  }

  /** What is served for a stored product: a broken copy when it is listed in malformedIds. */
  const present = (p) => {
    const kind = p ? state.faults.malformedKind(p.id) : undefined;
    if (!kind) return p;
    state.stats.faultsServed.malformed += 1;
    return malformProduct(p, kind);
  };

  const count = (route) => {
    state.stats.requests += 1;
    state.stats.byRoute[route] = (state.stats.byRoute[route] || 0) + 1;
  };

  // ---------- /products ----------
  function serveProducts(req, res, rest, params) {
    const route = productsRouteName(rest);
    count(route);
    const f = state.faults.config;
    const decision = state.faults.decide();
    if (decision.status) {
      state.stats.faultsServed[decision.status] += 1;
      const [body, headers] = {
        503: [{ message: 'Service Unavailable' }, {}],
        429: [{ message: RATE_LIMIT_MESSAGE }, { 'retry-after': String(Math.ceil(f.retryAfterSeconds)), 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0' }],
        500: [{ message: 'Something went wrong.' }, {}],
      }[decision.status];
      later(f.slowMs, () => sendJson(req, res, decision.status, body, headers));
      return;
    }
    let opts;
    try {
      opts = parseOptions(params);
    } catch (err) {
      later(f.slowMs, () => sendJson(req, res, err.status || 400, { message: err.message }));
      return;
    }
    let result;
    try {
      result = handleProducts(rest, opts, { catalog: state.catalog, byId: byId(), baseUrl: state.baseUrl, present });
    } catch (err) {
      result = { status: err.status || 500, body: { message: err.message || 'Something went wrong.' } };
    }
    const wait = opts.delay + f.slowMs;
    if (result.list && result.status === 200) shapeList(result.body, route, opts);
    const padTo = result.status !== 200 ? 0 : result.list ? f.padPagesBytes : route === '/products/:id' ? f.padProductBytes : 0;
    if (padTo > 0 && !decision.truncate) {
      state.stats.faultsServed.padded += 1;
      later(wait, () => sendPadded(req, res, result.status, JSON.stringify(result.body), padTo));
      return;
    }
    if (result.list && !decision.truncate && result.body.products.length > STREAM_THRESHOLD) {
      later(wait, () => streamEnvelope(req, res, result.status, result.body));
      return;
    }
    let text = JSON.stringify(result.body);
    if (result.list && decision.truncate) {
      state.stats.faultsServed.truncated += 1;
      const buf = Buffer.from(text);
      text = buf.subarray(0, Math.floor(buf.length / 2));
    }
    later(wait, () => send(req, res, result.status, text, { 'content-type': JSON_TYPE }));
  }

  // ---------- /images ----------
  function imageBytes(path) {
    const version = state.imageVersions.get(path) || 0;
    const key = `${path}#${version}`;
    let bytes = state.cache.images.get(key);
    if (!bytes) {
      const m = IMAGE_PATH.exec(path);
      // A `-vN` URL (from replaceImage) is another picture than the plain one, and changeImage bumps either.
      bytes = m ? renderProductImage({ id: m[1], index: m[2], version: version * 1000 + Number(m[3] || 0) })
        : renderGenericImage(path, version);
      if (state.cache.images.size > 20000) state.cache.images.clear();
      state.cache.images.set(key, bytes);
    }
    return bytes;
  }

  function serveImage(req, res, path, params) {
    count('/images');
    state.stats.imageRequests += 1;
    const f = state.faults.config;
    let delay;
    try {
      delay = parseOptions(params).delay + f.slowMs; // the real server validates every route's query
    } catch (err) {
      sendJson(req, res, err.status || 400, { message: err.message });
      return;
    }
    const m = IMAGE_PATH.exec(path);
    const fault = state.faults.imageFault(path, state.baseUrl + path, m ? m[1] : undefined);
    const png = (bytes) => send(req, res, 200, bytes, { 'content-type': 'image/png' });
    const notFound = () => sendJson(req, res, 404, { message: 'Image not found' });
    if (fault) state.stats.faultsServed.image += 1;
    if (fault === '404') { later(delay, notFound); return; }
    if (fault === 'html') { later(delay, () => send(req, res, 200, HTML_PAGE, { 'content-type': 'text/html; charset=utf-8' })); return; }
    if (fault === 'huge') { later(delay, () => png(hugePng())); return; }
    if (fault === '429') {
      const headers = { 'retry-after': String(Math.ceil(f.retryAfterSeconds)) };
      later(delay, () => sendJson(req, res, 429, { message: RATE_LIMIT_MESSAGE }, headers));
      return;
    }
    if (fault === '500') { later(delay, () => sendJson(req, res, 500, { message: 'Something went wrong.' })); return; }
    if (fault === '503') { later(delay, () => sendJson(req, res, 503, { message: 'Service Unavailable' })); return; }
    if (!imageExists(path, m ? m[1] : undefined)) { later(delay, notFound); return; }
    const bytes = imageBytes(path);
    if (fault === 'badpng') { later(delay, () => png(bytes.subarray(0, Math.floor(bytes.length / 2)))); return; }
    later(delay + (fault === 'slow' ? f.imageSlowMs : 0), () => png(bytes));
  }

  // ---------- /redirect ----------
  /**
   * `GET /redirect[/anything]?to=URL&status=302&hops=1`: answers `status` with `Location: to`; with hops > 1, first
   * redirects hops - 1 times to itself on this server (same path, hops counting down). Not a DummyJSON route: it
   * lets an image URL on the source's own host lead anywhere.
   */
  function serveRedirect(req, res, path, params) {
    count('/redirect');
    const to = params.get('to');
    const status = Number(params.get('status') ?? 302);
    const hops = Number(params.get('hops') ?? 1);
    let problem = null;
    try { new URL(to); } catch { problem = "'to' must be an absolute URL"; }
    if (!REDIRECT_STATUSES.includes(status)) problem = `'status' must be one of ${REDIRECT_STATUSES.join(', ')}`;
    if (!(Number.isInteger(hops) && hops >= 1 && hops <= MAX_REDIRECT_HOPS)) problem = `'hops' must be an integer from 1 to ${MAX_REDIRECT_HOPS}`;
    if (problem) { sendJson(req, res, 400, { message: problem }); return; }
    const location = hops > 1 ? `${state.baseUrl}${path}?${new URLSearchParams({ to, status: String(status), hops: String(hops - 1) })}` : to;
    later(state.faults.config.slowMs, () => send(req, res, status, '', { location }));
  }

  // ---------- /__control ----------
  function reset(body = {}) {
    const b = body && typeof body === 'object' ? body : {};
    const wantsGenerated = b.size !== undefined || b.seed !== undefined;
    if (b.size !== undefined && !(Number.isInteger(Number(b.size)) && Number(b.size) >= 0 && Number(b.size) <= 5e6)) {
      throw new ApiError('size must be an integer between 0 and 5000000', 400);
    }
    const spec = b.products || b.catalogFile ? b
      : wantsGenerated ? { size: Number(b.size ?? initial.size), seed: b.seed ?? initial.seed }
        : initial;
    const { catalog, source } = buildCatalog(spec, state.baseUrl);
    state.catalog = catalog;
    state.source = source;
    state.size = catalog.length;
    state.seed = spec.seed ?? initial.seed;
    state.faults = createFaultEngine({});
    state.stats = emptyStats();
    state.imageVersions = new Map();
    state.cache.images = new Map();
    state.maxIdEver = maxId(catalog);
    invalidate();
    return { total: catalog.length, source, seed: state.seed };
  }

  function setFaults(body = {}) {
    state.faults = createFaultEngine(body || {});
    return describeFaults(state.faults.config);
  }

  function mutate(body = {}) {
    const b = body && typeof body === 'object' ? body : {};
    const keep = b.keepFirst === undefined ? undefined : Number(b.keepFirst);
    if (keep !== undefined && !(Number.isInteger(keep) && keep >= 0)) throw new ApiError('keepFirst must be an integer >= 0', 400);
    const out = { updated: 0, removed: 0, added: [], imagesChanged: 0, imagesReplaced: [], missing: [] };
    const index = new Map();
    state.catalog.forEach((p, i) => { if (p && p.id != null && !index.has(String(p.id))) index.set(String(p.id), i); });

    for (const u of Array.isArray(b.update) ? b.update : []) {
      const i = u && typeof u === 'object' ? index.get(String(u.id)) : undefined;
      if (i === undefined) { out.missing.push(u && typeof u === 'object' ? u.id : u); continue; }
      const next = { ...state.catalog[i], ...u, id: state.catalog[i].id };
      // Keep availabilityStatus consistent when only the stock changes.
      if ('stock' in u && !('availabilityStatus' in u) && typeof u.stock === 'number') next.availabilityStatus = availabilityStatusFor(u.stock);
      state.catalog[i] = next;
      out.updated += 1;
    }
    if (Array.isArray(b.remove) && b.remove.length) {
      const gone = new Set(b.remove.map(String));
      const before = state.catalog.length;
      state.catalog = state.catalog.filter((p) => !(p && gone.has(String(p.id))));
      out.removed = before - state.catalog.length;
    }
    if (keep !== undefined) {
      out.removed += Math.max(0, state.catalog.length - keep);
      state.catalog = state.catalog.slice(0, keep);
    }
    const addCount = Math.max(0, Math.floor(Number(b.add) || 0));
    if (addCount > 0) {
      const start = Math.max(state.maxIdEver, maxId(state.catalog)) + 1;
      const ids = Array.from({ length: addCount }, (_, k) => start + k);
      state.catalog = state.catalog.concat(generateProducts({ ids, seed: state.seed, baseUrl: state.baseUrl, existing: state.catalog }));
      out.added = ids;
    }
    state.maxIdEver = Math.max(state.maxIdEver, maxId(state.catalog));
    invalidate();
    for (const c of Array.isArray(b.changeImage) ? b.changeImage : []) {
      if (!c) continue;
      let url = c.url;
      if (!url) {
        const p = byId().get(String(c.id));
        if (!p) { out.missing.push(c.id); continue; }
        url = c.index === 'thumbnail' ? p.thumbnail : Array.isArray(p.images) ? p.images[Number(c.index) || 0] : undefined;
      }
      const path = ownPath(url) || (typeof url === 'string' && url.startsWith('/') ? url : null);
      if (!path) { out.missing.push(c.id); continue; }
      state.imageVersions.set(path, (state.imageVersions.get(path) || 0) + 1);
      out.imagesChanged += 1;
    }
    for (const c of Array.isArray(b.replaceImage) ? b.replaceImage : []) {
      const p = c ? byId().get(String(c.id)) : undefined;
      const thumbnail = c && c.index === 'thumbnail';
      const position = Number(c && c.index) || 0;
      const url = !p ? undefined : thumbnail ? p.thumbnail : Array.isArray(p.images) ? p.images[position] : undefined;
      if (typeof url !== 'string' || !/\.png$/.test(url)) { out.missing.push(c ? c.id : null); continue; }
      const next = url.replace(/(?:-v(\d+))?\.png$/, (_, v) => `-v${Number(v || 0) + 1}.png`);
      const replaced = thumbnail ? { ...p, thumbnail: next } : { ...p, images: p.images.map((u, i) => (i === position ? next : u)) };
      state.catalog[state.catalog.indexOf(p)] = replaced;
      invalidate();
      out.imagesReplaced.push(next);
    }
    return { total: state.catalog.length, ...out };
  }

  function readJson(req, cb) {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_CONTROL_BODY) { req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (!text) { cb(null, {}); return; }
      try { cb(null, JSON.parse(text)); } catch { cb(new ApiError('Invalid JSON body', 400)); }
    });
  }

  function serveControl(req, res, action) {
    const run = (fn) => readJson(req, (err, body) => {
      if (err) { sendJson(req, res, err.status, { message: err.message }); return; }
      try { sendJson(req, res, 200, fn(body)); } catch (e) { sendJson(req, res, e.status || 400, { message: e.message }); }
    });
    const key = `${req.method} ${action}`;
    switch (key) {
      case 'POST reset': run(reset); break;
      case 'POST faults': run(setFaults); break;
      case 'GET faults': sendJson(req, res, 200, describeFaults(state.faults.config)); break;
      case 'POST mutate': run(mutate); break;
      case 'GET stats': sendJson(req, res, 200, state.stats); break;
      case 'POST stats/reset': run(() => { state.stats = emptyStats(); return state.stats; }); break;
      case 'GET catalog': {
        const body = { products: state.catalog, total: state.catalog.length };
        if (state.catalog.length > STREAM_THRESHOLD) streamEnvelope(req, res, 200, body);
        else sendJson(req, res, 200, body);
        break;
      }
      case 'GET health': sendJson(req, res, 200, { ok: true, total: state.catalog.length, source: state.source }); break;
      default: sendJson(req, res, 404, { message: `Unknown control endpoint: ${key}` });
    }
  }

  // ---------- dispatcher ----------
  function handle(req, res) {
    req.on('error', () => {});
    const [rawPath, query = ''] = req.url.split(/\?(.*)/s);
    const params = new URLSearchParams(query);
    if (rawPath.startsWith('/__control/')) { serveControl(req, res, rawPath.slice('/__control/'.length)); return; }

    // Real server: trailing slash → 301 to the path without it.
    if (rawPath.length > 1 && rawPath.endsWith('/')) {
      count('(redirect)');
      send(req, res, 301, '', { location: rawPath.slice(0, -1).replace(/\/+/g, '/') + (query ? `?${query}` : '') });
      return;
    }
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (isRead && rawPath.startsWith('/images/')) { serveImage(req, res, rawPath, params); return; }
    if (isRead && (rawPath === '/redirect' || rawPath.startsWith('/redirect/'))) { serveRedirect(req, res, rawPath, params); return; }

    let segments;
    try {
      segments = rawPath.split('/').slice(1).map(decodeURIComponent);
    } catch {
      count('(bad request)');
      sendJson(req, res, 400, { message: `Failed to decode param '${rawPath}'` });
      return;
    }
    const first = (segments[0] || '').toLowerCase();
    if (isRead && (first === 'products' || first === 'product') && productsRouteName(segments.slice(1))) {
      serveProducts(req, res, segments.slice(1), params);
      return;
    }
    count('(not found)');
    later(state.faults.config.slowMs, () => sendJson(req, res, 404, { message: `Not found: ${req.method} ${rawPath}` }));
  }

  const server = http.createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      if (!res.headersSent) sendJson(req, res, 500, { message: err.message || 'Something went wrong.' });
    }
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.removeListener('error', reject);
      server.on('error', () => {});
      const { port } = server.address();
      const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      const url = `http://${urlHost}:${port}`;
      state.baseUrl = String(opts.publicUrl || url).replace(/\/+$/, '');
      try {
        reset({}); // generate (or load) the catalog now that the URLs are known
      } catch (err) {
        server.close();
        reject(err);
        return;
      }
      let closing = null;
      resolve({
        url,
        port,
        host,
        baseUrl: state.baseUrl,
        state,
        /** Stops listening, drops keep-alive sockets and pending delayed answers. */
        close() {
          if (!closing) {
            closing = new Promise((done) => {
              for (const t of timers) clearTimeout(t);
              timers.clear();
              server.close(() => done());
              server.closeAllConnections();
            });
          }
          return closing;
        },
        reset,
        setFaults,
        mutate,
        stats: () => state.stats,
      });
    });
  });
}

if (require.main === module) {
  const a = parseArgs(process.argv.slice(2));
  const num = (v) => (v !== undefined && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v);
  startServer({
    port: Number(a.port ?? 0),
    host: a.host || '127.0.0.1',
    size: num(a.products ?? a.size ?? 194),
    seed: num(a.seed ?? 1),
    catalogFile: a.catalog,
    publicUrl: a['public-url'],
  }).then((srv) => {
    process.stdout.write(`DUMMYJSON_URL=${srv.url}\n`);
    const stop = () => srv.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }).catch((err) => {
    process.stderr.write(`dummyjson stand-in: ${err.message}\n`);
    process.exit(1);
  });
}

module.exports = { startServer, generateCatalog };
