'use strict';
/**
 * Tests for the DummyJSON stand-in server: `node --test tests/dummyjson/`.
 */
const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startServer } = require('./server');
const { generateCatalog, slugify, titleKey, CATEGORY_SLUGS } = require('./catalog');
const { inspectPng, PNG_SIGNATURE } = require('./images');
const { MALFORMED_KINDS } = require('./faults');
const { parseOptions, handleProducts } = require('./products-api');

let srv;
/** GET helper: status, headers, raw text and parsed JSON (undefined when not JSON). */
async function get(p, init) {
  const res = await fetch(srv.url + p, init);
  const buf = Buffer.from(await res.arrayBuffer());
  let json;
  try { json = JSON.parse(buf.toString('utf8')); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, buf, text: buf.toString('utf8'), json };
}
/** POST a JSON body to /__control/<action>. */
async function control(action, body = {}) {
  const res = await fetch(`${srv.url}/__control/${action}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

before(async () => { srv = await startServer({ port: 0 }); });
after(() => srv.close());

describe('GET /products envelope', () => {
  it('defaults to limit 30, skip 0, id order', async () => {
    const { status, json, headers } = await get('/products');
    assert.equal(status, 200);
    assert.match(headers.get('content-type'), /application\/json/);
    assert.deepEqual(Object.keys(json), ['products', 'total', 'skip', 'limit']);
    assert.equal(json.total, 194);
    assert.equal(json.skip, 0);
    assert.equal(json.limit, 30);
    assert.deepEqual(json.products.map((p) => p.id), Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('returned limit is the number of items returned; 7 pages of 30 cover 1..194 once', async () => {
    const ids = [];
    for (let skip = 0; skip < 194; skip += 30) {
      const { json } = await get(`/products?limit=30&skip=${skip}`);
      assert.equal(json.skip, skip);
      assert.equal(json.limit, json.products.length);
      ids.push(...json.products.map((p) => p.id));
    }
    assert.deepEqual(ids, Array.from({ length: 194 }, (_, i) => i + 1));
    const last = await get('/products?limit=30&skip=180');
    assert.equal(last.json.limit, 14);
    const beyond = await get('/products?skip=500');
    assert.deepEqual([beyond.json.products.length, beyond.json.limit, beyond.json.total], [0, 0, 194]);
  });

  it('limit=0 and an over-size limit return everything', async () => {
    for (const q of ['limit=0', 'limit=1000', 'limit=0&skip=10']) {
      const { json } = await get(`/products?${q}`);
      const expected = q.includes('skip=10') ? 184 : 194;
      assert.equal(json.products.length, expected, q);
      assert.equal(json.limit, expected, q);
      assert.equal(json.total, 194, q);
    }
  });

  it('a page is the real server\'s slice of the catalog for any limit and skip (negative and past the end too)', () => {
    const catalog = Array.from({ length: 50 }, (_, i) => ({ id: i + 1 }));
    const ctx = { catalog, byId: new Map(), baseUrl: '', present: (p) => p };
    // The real server's steps: skip first (only when > 0), then the limit (0 or past the rest: everything).
    const real = (limit, skip) => {
      const rest = skip > 0 ? catalog.slice(skip) : catalog;
      return limit === 0 || limit > rest.length ? rest : rest.slice(0, limit);
    };
    for (const limit of ['1', '30', '49', '50', '51', '1000', '0', '-3', '']) {
      for (const skip of ['0', '1', '20', '49', '50', '60', '-5', '2.7']) {
        const opts = parseOptions(new URLSearchParams({ limit, skip }));
        const { body } = handleProducts([], opts, ctx);
        assert.deepEqual(body.products.map((p) => p.id), real(opts.limit, opts.skip).map((p) => p.id), `limit=${limit}&skip=${skip}`);
      }
    }
  });

  it('select keeps only the named keys plus id (list and single)', async () => {
    const { json } = await get('/products?limit=3&select=title,price');
    for (const p of json.products) assert.deepEqual(Object.keys(p), ['id', 'title', 'price']);
    const one = await get('/products/5?select=stock');
    assert.deepEqual(Object.keys(one.json), ['id', 'stock']);
    assert.equal(one.json.id, 5);
  });

  it('non-numeric limit/skip, bad order and bad delay answer 400 with the real messages', async () => {
    const cases = [
      ['/products?limit=abc', "Invalid 'limit' - must be a number"],
      ['/products?skip=x', "Invalid 'skip' - must be a number"],
      ['/products?sortBy=price&order=up', "Order can be: 'asc' or 'desc'"],
      ['/products?delay=6000', 'Delay cannot be greater than 5 seconds'],
      ['/products?delay=abc', 'Delay must be a number in milliseconds'],
    ];
    for (const [p, message] of cases) {
      const { status, json } = await get(p);
      assert.equal(status, 400, p);
      assert.deepEqual(json, { message }, p);
    }
  });

  it('sortBy/order sort the whole set before paging', async () => {
    const { json } = await get('/products?limit=0&sortBy=price&order=desc&select=price');
    const prices = json.products.map((p) => p.price);
    assert.deepEqual(prices, [...prices].sort((a, b) => b - a));
    assert.equal(prices[0], 36999.99);
    const asc = await get('/products?limit=1&sortBy=price');
    assert.equal(asc.json.products[0].price, 0.79);
  });

  it('?delay=MS slows the answer', async () => {
    const t = Date.now();
    const { status } = await get('/products?limit=1&delay=150');
    assert.equal(status, 200);
    assert.ok(Date.now() - t >= 140);
  });
});

describe('other product routes', () => {
  it('unknown id → 404 with the exact message; unknown route → 404 JSON', async () => {
    const r = await get('/products/999');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { message: "Product with id '999' not found" });
    const r2 = await get('/products/abc');
    assert.deepEqual(r2.json, { message: "Product with id 'abc' not found" });
    const r3 = await get('/nowhere/at/all');
    assert.equal(r3.status, 404);
    assert.equal(typeof r3.json.message, 'string');
  });

  it('GET /products/:id returns the full product', async () => {
    const { status, json } = await get('/products/1');
    assert.equal(status, 200);
    assert.equal(json.id, 1);
    assert.equal(json.category, 'beauty');
  });

  it('categories: 24 entries {slug,name,url}; category-list: slugs', async () => {
    const { json } = await get('/products/categories');
    assert.equal(json.length, 24);
    assert.deepEqual(json.map((c) => c.slug), CATEGORY_SLUGS);
    const names = Object.fromEntries(json.map((c) => [c.slug, c.name]));
    assert.equal(names['womens-jewellery'], 'Womens Jewellery');
    assert.equal(names['home-decoration'], 'Home Decoration');
    assert.equal(names['skin-care'], 'Skin Care');
    assert.equal(json[0].url, `${srv.url}/products/category/beauty`);
    const list = await get('/products/category-list');
    assert.deepEqual(list.json, CATEGORY_SLUGS);
  });

  it('category/:slug is case-insensitive; unknown slug → empty envelope', async () => {
    const { json } = await get('/products/category/SMARTPHONES?limit=0');
    assert.equal(json.total, 16);
    assert.ok(json.products.every((p) => p.category === 'smartphones'));
    const none = await get('/products/category/nope');
    assert.equal(none.status, 200);
    assert.deepEqual(none.json, { products: [], total: 0, skip: 0, limit: 0 });
  });

  it('search matches title and description, case-insensitively', async () => {
    const { json } = await get('/products/search?q=ROLEX&limit=0');
    assert.ok(json.total >= 2);
    assert.ok(json.products.every((p) => /rolex/i.test(p.title + p.description)));
    const desc = await get('/products/search?q=fragrances%20range&limit=0');
    assert.equal(desc.json.total, 5);
  });

  it('trailing slash redirects like the real server', async () => {
    const r = await get('/products/?limit=1', { redirect: 'manual' });
    assert.equal(r.status, 301);
    assert.equal(r.headers.get('location'), '/products?limit=1');
  });

  it('bad input never crashes the server', async () => {
    assert.equal((await get('/products/%E0%A4%A')).status, 400);
    const bad = await fetch(`${srv.url}/__control/faults`, { method: 'POST', body: '{nope' });
    assert.equal(bad.status, 400);
    assert.equal((await get('/products?limit=1&limit=2')).status, 400);
    assert.equal((await get('/products?select=')).status, 200);
    assert.equal((await get('/products/1')).status, 200);
  });
});

describe('catalog generator', () => {
  it('every product has the real shape and realistic values', () => {
    const products = generateCatalog({ size: 194, seed: 1, baseUrl: 'http://h:1' });
    assert.deepEqual(products.map((p) => p.id), Array.from({ length: 194 }, (_, i) => i + 1));
    const keys = ['id', 'title', 'description', 'category', 'price', 'discountPercentage', 'rating', 'stock', 'tags',
      'sku', 'weight', 'dimensions', 'warrantyInformation', 'shippingInformation', 'availabilityStatus', 'reviews',
      'returnPolicy', 'minimumOrderQuantity', 'meta', 'images', 'thumbnail'];
    for (const p of products) {
      for (const k of keys) assert.ok(k in p, `${p.id} lacks ${k}`);
      assert.ok(p.brand === undefined || typeof p.brand === 'string');
      assert.ok(p.price >= 0.79 && p.price <= 36999.99 && Number(p.price.toFixed(2)) === p.price, `${p.id} price ${p.price}`);
      assert.ok(Number.isInteger(p.stock) && p.stock >= 0 && p.stock <= 100);
      const expected = p.stock === 0 ? 'Out of Stock' : p.stock <= 7 ? 'Low Stock' : 'In Stock';
      assert.equal(p.availabilityStatus, expected);
      assert.equal(p.reviews.length, 3);
      for (const r of p.reviews) assert.deepEqual(Object.keys(r), ['rating', 'comment', 'date', 'reviewerName', 'reviewerEmail']);
      assert.deepEqual(Object.keys(p.dimensions), ['width', 'height', 'depth']);
      assert.deepEqual(Object.keys(p.meta), ['createdAt', 'updatedAt', 'barcode', 'qrCode']);
      assert.match(p.meta.barcode, /^\d{13}$/);
      assert.ok(p.images.length >= 1 && p.images.length <= 6);
      p.images.forEach((u, i) => assert.equal(u, `http://h:1/images/products/${p.id}/${i + 1}.png`));
      assert.equal(p.thumbnail, `http://h:1/images/products/${p.id}/thumbnail.png`);
    }
    assert.equal(new Set(products.map((p) => p.sku)).size, 194);
    assert.equal(new Set(products.map((p) => p.meta.barcode)).size, 194);
  });

  it('real quirks are present: duplicate title, punctuation twins, apostrophes/accents, ~half without brand', () => {
    for (const size of [194, 60, 2000]) {
      const products = generateCatalog({ size, seed: 1 });
      const byTitle = (t) => products.filter((p) => p.title === t);
      assert.equal(byTitle('Rolex Cellini Moonphase').length, 2, `duplicate title (size ${size})`);
      const [a, b] = byTitle('Rolex Cellini Moonphase');
      assert.notEqual(a.sku, b.sku);
      assert.equal(byTitle('Knife & Fork Set').length, 1);
      assert.equal(byTitle('Knife Fork Set').length, 1);
      assert.equal(slugify('Knife & Fork Set'), slugify('Knife Fork Set'));
      assert.equal(byTitle('Sports Sneakers Off White & Red').length, 1);
      assert.equal(byTitle("Women's Gold Ring").length, 1);
      assert.equal(byTitle('Crème Brûlée Torch').length, 1);
      const noBrand = products.filter((p) => !('brand' in p)).length / products.length;
      assert.ok(noBrand > 0.35 && noBrand < 0.65, `share without brand ${noBrand}`);
      assert.ok(products.every((p) => p.brand !== null));
      // Apart from the three planted pairs (1 duplicate title, 2 punctuation twins), titles are unique even
      // when ignoring case, accents, spaces and punctuation (so any handle rule gives unique handles).
      assert.equal(new Set(products.map((p) => slugify(p.title))).size, size - 3);
      assert.equal(new Set(products.map((p) => titleKey(p.title))).size, size - 3);
      assert.equal(new Set(products.map((p) => p.category)).size, 24);
    }
  });

  it('is deterministic per seed', () => {
    const a = JSON.stringify(generateCatalog({ size: 300, seed: 5 }));
    assert.equal(a, JSON.stringify(generateCatalog({ size: 300, seed: 5 })));
    assert.notEqual(a, JSON.stringify(generateCatalog({ size: 300, seed: 6 })));
  });

  it('generates 100,000 products well under 10 s', () => {
    const t = Date.now();
    const products = generateCatalog({ size: 100000, seed: 1 });
    const ms = Date.now() - t;
    assert.equal(products.length, 100000);
    assert.equal(products[99999].id, 100000);
    assert.ok(ms < 9000, `took ${ms} ms`); // typically 1.5-3 s
    assert.equal(new Set(products.map((p) => p.meta.barcode)).size, 100000);
  });
});

describe('images', () => {
  beforeEach(() => control('reset'));

  it('serves valid, stable PNGs with content-type and content-length', async () => {
    const { json } = await get('/products/7');
    for (const url of [...json.images, json.thumbnail]) {
      assert.ok(url.startsWith(`${srv.url}/images/products/7/`));
      const r1 = await fetch(url);
      const b1 = Buffer.from(await r1.arrayBuffer());
      assert.equal(r1.status, 200);
      assert.equal(r1.headers.get('content-type'), 'image/png');
      assert.equal(Number(r1.headers.get('content-length')), b1.length);
      assert.ok(b1.subarray(0, 8).equals(PNG_SIGNATURE));
      assert.deepEqual(inspectPng(b1), { valid: true, width: 64, height: 64 });
      const b2 = Buffer.from(await (await fetch(url)).arrayBuffer());
      assert.ok(b1.equals(b2), 'same URL, same bytes');
    }
    const other = Buffer.from(await (await fetch(`${srv.url}/images/products/8/1.png`)).arrayBuffer());
    const mine = Buffer.from(await (await fetch(json.images[0])).arrayBuffer());
    assert.ok(!other.equals(mine));
  });

  it('unknown images → 404; changeImage changes bytes but not the URL', async () => {
    assert.equal((await get('/images/products/99999/1.png')).status, 404);
    assert.equal((await get('/images/products/1/77.png')).status, 404);
    const url = `${srv.url}/images/products/3/1.png`;
    const before = Buffer.from(await (await fetch(url)).arrayBuffer());
    const m = await control('mutate', { changeImage: [{ id: 3, index: 0 }] });
    assert.equal(m.json.imagesChanged, 1);
    const { json } = await get('/products/3');
    assert.equal(json.images[0], url);
    const afterBytes = Buffer.from(await (await fetch(url)).arrayBuffer());
    assert.ok(!before.equals(afterBytes));
    assert.equal(inspectPng(afterBytes).valid, true);
  });

  it('replaceImage gives an image a new URL with other bytes; the old URL is gone', async () => {
    const { json: before } = await get('/products/4');
    const oldBytes = Buffer.from(await (await fetch(before.images[0])).arrayBuffer());
    const m = await control('mutate', { replaceImage: [{ id: 4, index: 0 }, { id: 4, index: 'thumbnail' }, { id: 99999, index: 0 }] });
    assert.deepEqual(m.json.imagesReplaced, [before.images[0].replace(/\.png$/, '-v1.png'), before.thumbnail.replace(/\.png$/, '-v1.png')]);
    assert.deepEqual(m.json.missing, [99999]);
    const { json: after } = await get('/products/4');
    assert.deepEqual(after.images.slice(1), before.images.slice(1), 'the other images keep their URLs');
    assert.equal(after.images[0], m.json.imagesReplaced[0]);
    assert.equal(after.thumbnail, m.json.imagesReplaced[1]);
    const fresh = await fetch(after.images[0]);
    assert.equal(fresh.status, 200);
    const newBytes = Buffer.from(await fresh.arrayBuffer());
    assert.equal(inspectPng(newBytes).valid, true);
    assert.ok(!newBytes.equals(oldBytes), 'a replaced image has other bytes');
    assert.equal((await fetch(before.images[0])).status, 404, 'the replaced URL is no longer served');
    const again = await control('mutate', { replaceImage: [{ id: 4, index: 0 }] });
    assert.deepEqual(again.json.imagesReplaced, [before.images[0].replace(/\.png$/, '-v2.png')]);
  });

  it('image faults: 404, html, badpng, huge, slow', async () => {
    const base = `${srv.url}/images/products`;
    await control('faults', {
      imageErrors: { 1: '404', [`${base}/2/thumbnail.png`]: 'html', '/images/products/3/1.png': 'badpng', 4: 'huge', 5: 'slow' },
      imageSlowMs: 200,
    });
    assert.equal((await fetch(`${base}/1/1.png`)).status, 404);
    const html = await fetch(`${base}/2/thumbnail.png`);
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type'), /text\/html/);
    assert.match(await html.text(), /<html>/);
    const bad = Buffer.from(await (await fetch(`${base}/3/1.png`)).arrayBuffer());
    assert.equal(inspectPng(bad).valid, false);
    const huge = Buffer.from(await (await fetch(`${base}/4/thumbnail.png`)).arrayBuffer());
    assert.ok(huge.length > 10 * 1024 * 1024);
    assert.deepEqual(inspectPng(huge), { valid: true, width: 2048, height: 2048 });
    const t = Date.now();
    assert.equal((await fetch(`${base}/5/1.png`)).status, 200);
    assert.ok(Date.now() - t >= 190);
    assert.equal((await fetch(`${base}/6/1.png`)).status, 200);
    const stats = await get('/__control/stats');
    assert.equal(stats.json.faultsServed.image, 5);
  });
});

describe('faults', () => {
  beforeEach(() => control('reset'));

  /** Statuses of n sequential requests. */
  async function statuses(n, p = '/products?limit=1') {
    const out = [];
    for (let i = 0; i < n; i += 1) out.push((await get(p)).status);
    return out;
  }

  it('errorRate is deterministic for a seed', async () => {
    await control('faults', { errorRate: 0.5, seed: 42 });
    const first = await statuses(24);
    assert.ok(first.includes(500) && first.includes(200));
    await control('faults', { errorRate: 0.5, seed: 42 });
    assert.deepEqual(await statuses(24), first);
    await control('faults', { errorRate: 0.5, seed: 43 });
    assert.notDeepEqual(await statuses(24), first);
    const stats = await get('/__control/stats');
    assert.ok(stats.json.faultsServed['500'] > 0);
  });

  it('rateLimitEvery answers 429 with Retry-After and the real message', async () => {
    await control('faults', { rateLimitEvery: 3, retryAfterSeconds: 2 });
    const got = [];
    for (let i = 0; i < 6; i += 1) got.push(await get('/products?limit=1'));
    assert.deepEqual(got.map((r) => r.status), [200, 200, 429, 200, 200, 429]);
    assert.equal(got[2].headers.get('retry-after'), '2');
    assert.deepEqual(got[2].json, { message: 'request limit exceeded, please wait a few seconds' });
  });

  it('truncateRate cuts page bodies in half (status 200, JSON content-type, invalid JSON)', async () => {
    await control('faults', { truncateRate: 1 });
    for (const accept of ['gzip', 'identity']) {
      const r = await get('/products', { headers: { 'accept-encoding': accept } });
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type'), /application\/json/);
      assert.throws(() => JSON.parse(r.text));
      assert.ok(r.text.startsWith('{"products":[{"id":1,'));
    }
    assert.equal((await get('/products/1')).json.id, 1, 'single product answers are not pages');
  });

  it('down → 503 on /products*; {} clears all faults; slowMs delays', async () => {
    await control('faults', { down: true });
    assert.equal((await get('/products')).status, 503);
    assert.equal((await get('/products/categories')).status, 503);
    const f = await control('faults', {});
    assert.equal(f.json.down, false);
    assert.equal((await get('/products')).status, 200);
    await control('faults', { slowMs: 150 });
    const t = Date.now();
    await get('/products/1');
    assert.ok(Date.now() - t >= 140);
  });

  it('malformedIds cycle through the documented kinds; the control catalog stays clean', async () => {
    const ids = [1, 2, 3, 4, 5, 6, 7];
    await control('faults', { malformedIds: ids });
    const { json } = await get('/products?limit=8');
    const [p1, p2, p3, p4, p5, p6, p7, p8] = json.products;
    assert.equal(MALFORMED_KINDS.length, 7);
    assert.equal(p1.price, 'abc');
    assert.ok(!('title' in p2));
    assert.equal(p3.stock, -5);
    assert.ok(!('id' in p4));
    assert.equal(p5.category, null);
    assert.equal(p6.images, 'not-an-array');
    assert.equal(p7.title.trim(), '');
    assert.equal(typeof p8.price, 'number');
    assert.equal((await get('/products/1')).json.price, 'abc');
    const cat = await get('/__control/catalog');
    assert.equal(typeof cat.json.products[0].price, 'number');
  });
});

describe('control API', () => {
  beforeEach(() => control('reset'));

  it('mutate: update, remove, add, with total', async () => {
    const r = await control('mutate', {
      update: [{ id: 10, price: 1.23, title: 'Renamed Thing' }, { id: 11, stock: 0 }, { id: 4242, price: 1 }],
      remove: [194, 12],
      add: 3,
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.total, 194 - 2 + 3);
    assert.deepEqual(r.json.added, [195, 196, 197]);
    assert.deepEqual(r.json.missing, [4242]);
    const p10 = (await get('/products/10')).json;
    assert.deepEqual([p10.price, p10.title], [1.23, 'Renamed Thing']);
    const p11 = (await get('/products/11')).json;
    assert.deepEqual([p11.stock, p11.availabilityStatus], [0, 'Out of Stock']);
    assert.equal((await get('/products/194')).status, 404);
    assert.equal((await get('/images/products/194/1.png')).status, 404);
    const p196 = (await get('/products/196')).json;
    assert.equal(p196.id, 196);
    assert.equal((await fetch(p196.thumbnail)).status, 200);
    const list = await get('/products?limit=0');
    assert.equal(list.json.total, 195);
    // Fresh ids are never reused, even after removing the max.
    await control('mutate', { remove: [195, 196, 197] });
    assert.deepEqual((await control('mutate', { add: 1 })).json.added, [198]);
  });

  it('stats count requests by route, images and faults; stats/reset clears', async () => {
    await get('/products');
    await get('/products/1');
    await get('/products/1');
    await get('/images/products/1/1.png');
    const { json } = await get('/__control/stats');
    assert.equal(json.requests, 4);
    assert.equal(json.byRoute['/products'], 1);
    assert.equal(json.byRoute['/products/:id'], 2);
    assert.equal(json.imageRequests, 1);
    await control('stats/reset');
    assert.equal((await get('/__control/stats')).json.requests, 0);
  });

  it('reset regenerates with a size and seed, and clears faults', async () => {
    await control('faults', { down: true });
    const r = await control('reset', { size: 50, seed: 3 });
    assert.equal(r.json.total, 50);
    const { json } = await get('/products?limit=0');
    assert.equal(json.total, 50);
    const expected = generateCatalog({ size: 50, seed: 3, baseUrl: srv.url });
    assert.deepEqual((await get('/__control/catalog')).json.products, expected);
    await control('reset');
    assert.equal((await get('/products')).json.total, 194);
  });

  it('big answers are streamed with the same bytes as JSON.stringify (gzip and identity)', async () => {
    await control('reset', { size: 4500, seed: 9 });
    const catalog = (await get('/__control/catalog')).json.products;
    assert.equal(catalog.length, 4500);
    const expected = JSON.stringify({ products: catalog.slice(10), total: 4500, skip: 10, limit: 4490 });
    for (const accept of ['gzip', 'identity']) {
      const r = await get('/products?limit=0&skip=10', { headers: { 'accept-encoding': accept } });
      assert.equal(r.status, 200);
      assert.equal(r.text, expected, accept);
    }
  });

  it('catalogFile snapshots are served as-is (envelope or plain array)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dummyjson-'));
    const weird = [{ id: 1, title: 'A', category: 'x', price: '12' }, { id: 2, title: 'B' }];
    fs.writeFileSync(path.join(dir, 'env.json'), JSON.stringify({ products: weird, total: 2 }));
    fs.writeFileSync(path.join(dir, 'arr.json'), JSON.stringify(weird));
    const other = await startServer({ catalogFile: path.join(dir, 'env.json') });
    try {
      const res = await (await fetch(`${other.url}/products`)).json();
      assert.deepEqual(res, { products: weird, total: 2, skip: 0, limit: 2 });
      await fetch(`${other.url}/__control/reset`, { method: 'POST', body: JSON.stringify({ catalogFile: path.join(dir, 'arr.json') }) });
      assert.deepEqual(await (await fetch(`${other.url}/products/2`)).json(), { id: 2, title: 'B' });
    } finally {
      await other.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('process', () => {
  it('close() ends keep-alive connections promptly', async () => {
    const other = await startServer({ size: 5 });
    const agentRes = await fetch(`${other.url}/products`, { headers: { connection: 'keep-alive' } });
    await agentRes.json();
    const t = Date.now();
    await other.close();
    assert.ok(Date.now() - t < 1000);
  });

  it('CLI prints DUMMYJSON_URL and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, 'server.js'), '--port', '0', '--products', '40', '--seed', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /^DUMMYJSON_URL=(http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`exited early: ${out}`)));
    });
    const res = await (await fetch(`${url}/products?limit=0`)).json();
    assert.equal(res.total, 40);
    const code = await new Promise((resolve) => { child.on('exit', resolve); child.kill('SIGTERM'); });
    assert.equal(code, 0);
  });
});
