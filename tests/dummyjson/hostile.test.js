'use strict';
/**
 * Tests of the stand-in's hostile-source modes (README "Hostile source"): padded bodies, a lying total, short and
 * endless pages, image URLs that point elsewhere, the redirect route, image 429/5xx, shrinking the catalog.
 * Run: node --test tests/dummyjson/
 */
const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const zlib = require('node:zlib');
const { startServer } = require('./server');
const { inspectPng } = require('./images');

let srv;
before(async () => { srv = await startServer({ port: 0 }); });
after(() => srv.close());
beforeEach(() => srv.reset({}));

/** GET with node:http (no automatic decompression): status, headers, raw bytes. */
function rawGet(path, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(srv.url + path, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** GET that follows no redirect: status and Location. */
async function noFollow(url) {
  const res = await fetch(url, { redirect: 'manual' });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location') };
}

describe('padded answers (padPagesBytes, padProductBytes)', () => {
  it('a list answer is padded with whitespace to at least N bytes, chunked, and parses to the unpadded envelope', async () => {
    const plain = await rawGet('/products?limit=5');
    srv.setFaults({ padPagesBytes: 200_000 });
    const padded = await rawGet('/products?limit=5');
    assert.equal(padded.status, 200);
    assert.match(padded.headers['content-type'], /application\/json/);
    assert.equal(padded.headers['transfer-encoding'], 'chunked');
    assert.equal(padded.headers['content-length'], undefined);
    assert.equal(padded.body.length, 200_000);
    assert.match(padded.body.subarray(0, 1000).toString(), /^ +$/, 'padding comes first by default');
    assert.deepEqual(JSON.parse(padded.body.toString()), JSON.parse(plain.body.toString()));
    assert.equal(srv.stats().faultsServed.padded, 1);
    // Search and category lists are list answers too; other routes are not padded.
    assert.equal((await rawGet('/products/search?q=phone')).body.length, 200_000);
    assert.equal((await rawGet('/products/category/beauty')).body.length, 200_000);
    assert.ok((await rawGet('/products/category-list')).body.length < 10_000);
    assert.ok((await rawGet('/products/1')).body.length < 10_000);
  });

  it('padAt "end" and padContentLength: the JSON first, then spaces, with a content-length', async () => {
    srv.setFaults({ padPagesBytes: 50_000, padAt: 'end', padContentLength: true });
    const padded = await rawGet('/products?limit=2');
    assert.equal(Number(padded.headers['content-length']), 50_000);
    assert.equal(padded.body.length, 50_000);
    assert.equal(padded.body[0], '{'.charCodeAt(0));
    assert.equal(JSON.parse(padded.body.toString()).products.length, 2);
  });

  it('an answer already larger than N is sent as is; padProductBytes pads GET /products/:id', async () => {
    srv.setFaults({ padPagesBytes: 10, padProductBytes: 30_000 });
    const list = await rawGet('/products?limit=3');
    assert.equal(list.body.toString(), JSON.stringify(JSON.parse(list.body.toString())));
    const one = await rawGet('/products/7');
    assert.equal(one.body.length, 30_000);
    assert.equal(JSON.parse(one.body.toString()).id, 7);
  });

  it('with Accept-Encoding gzip the padding is compressed: a small download that inflates to N bytes', async () => {
    srv.setFaults({ padPagesBytes: 5_000_000 });
    const zipped = await rawGet('/products?limit=1', { 'accept-encoding': 'gzip' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.ok(zipped.body.length < 100_000, `${zipped.body.length} compressed bytes`);
    const inflated = zlib.gunzipSync(zipped.body);
    assert.equal(inflated.length, 5_000_000);
    assert.equal(JSON.parse(inflated.toString()).products[0].id, 1);
  });

  it('300 MB pages are streamed as the client reads: the server never holds the answer in memory', async () => {
    const N = 300_000_000;
    srv.setFaults({ padPagesBytes: N });
    global.gc?.();
    const base = process.memoryUsage();
    let peak = 0;
    const sample = () => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
    };
    const timer = setInterval(sample, 5);
    // Reads and drops the bytes; keeps the first and last kilobyte to parse the envelope.
    const { bytes, head, tail } = await new Promise((resolve, reject) => {
      http.get(`${srv.url}/products?limit=2`, (res) => {
        let n = 0;
        let first = Buffer.alloc(0);
        let last = Buffer.alloc(0);
        res.on('data', (c) => {
          n += c.length;
          sample();
          if (first.length < 1024) first = Buffer.concat([first, c]).subarray(0, 1024);
          last = Buffer.concat([last, c]).subarray(-4096);
        });
        res.on('end', () => resolve({ bytes: n, head: first, tail: last }));
        res.on('error', reject);
      }).on('error', reject);
    });
    clearInterval(timer);
    assert.equal(bytes, N);
    assert.match(head.toString(), /^ +$/);
    assert.equal(JSON.parse(tail.toString()).products.length, 2);
    assert.ok(peak < 64 * 1024 * 1024, `heap + buffers grew by ${Math.round(peak / 1048576)} MiB while 300 MB went through`);
  });
});

describe('lying totals and short or endless pages (totalOverride, pageCap, endlessPages)', () => {
  it('a first page of one product that claims a million', async () => {
    srv.setFaults({ totalOverride: 1_000_000, pageCap: 1 });
    const first = await (await fetch(`${srv.url}/products?limit=30&skip=0`)).json();
    assert.deepEqual([first.products.map((p) => p.id), first.total, first.skip, first.limit], [[1], 1_000_000, 0, 1]);
    const second = await (await fetch(`${srv.url}/products?limit=30&skip=1`)).json();
    assert.deepEqual(second.products.map((p) => p.id), [2]);
    // Without endlessPages the catalog still ends: past it, pages are empty but keep the lie.
    const past = await (await fetch(`${srv.url}/products?limit=30&skip=194`)).json();
    assert.deepEqual([past.products.length, past.total], [0, 1_000_000]);
  });

  it('totalOverride is served verbatim, whatever it is (1e9, -1, a string, null); {} restores the real total', async () => {
    for (const value of [1e9, -1, 'many', null, 1.5]) {
      srv.setFaults({ totalOverride: value });
      const page = await (await fetch(`${srv.url}/products?limit=1`)).json();
      assert.deepEqual(page.total, value);
    }
    srv.setFaults({});
    assert.equal((await (await fetch(`${srv.url}/products?limit=1`)).json()).total, 194);
  });

  it('endlessPages: pages past the end hold made-up products with fresh ids, the same ones every time', async () => {
    srv.setFaults({ endlessPages: true, totalOverride: 1_000_000, pageCap: 1 });
    const far = await (await fetch(`${srv.url}/products?limit=30&skip=500000`)).json();
    assert.equal(far.products.length, 1);
    assert.equal(far.products[0].id, 194 + 1 + (500_000 - 194));
    assert.equal(typeof far.products[0].title, 'string');
    assert.ok(far.products[0].price > 0);
    const again = await (await fetch(`${srv.url}/products?limit=30&skip=500000`)).json();
    assert.deepEqual(again, far);
    // Their images are served; they are not in the catalog (GET /products/:id answers 404).
    const img = await fetch(far.products[0].images[0]);
    assert.equal(img.status, 200);
    assert.equal(inspectPng(Buffer.from(await img.arrayBuffer())).valid, true);
    assert.equal((await fetch(`${srv.url}/products/${far.products[0].id}`)).status, 404);

    srv.setFaults({ endlessPages: true });
    const edge = await (await fetch(`${srv.url}/products?limit=30&skip=190&select=title`)).json();
    assert.deepEqual(edge.products.map((p) => p.id), Array.from({ length: 30 }, (_, i) => 191 + i), 'the real end, then 195...');
    assert.deepEqual(Object.keys(edge.products[29]), ['id', 'title'], 'select applies to made-up products');
    assert.deepEqual([edge.total, edge.limit], [194, 30]);
    assert.equal(srv.stats().faultsServed.synthesized, 1 + 1 + 26);
    const all = await (await fetch(`${srv.url}/products?limit=0`)).json();
    assert.equal(all.products.length, 194, 'limit=0 ("everything") is the catalog only');
  });
});

describe('image URLs that point elsewhere', () => {
  it('mutate update sets any URL as images / thumbnail; the listing serves them as given', async () => {
    const elsewhere = ['http://127.0.0.1:9/a.png', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:9/b.png'];
    const m = srv.mutate({ update: [{ id: 3, images: elsewhere, thumbnail: 'http://localhost:9/t.png' }] });
    assert.equal(m.updated, 1);
    const product = await (await fetch(`${srv.url}/products/3`)).json();
    assert.deepEqual([product.images, product.thumbnail], [elsewhere, 'http://localhost:9/t.png']);
    const page = await (await fetch(`${srv.url}/products?limit=3&select=images`)).json();
    assert.deepEqual(page.products[2].images, elsewhere);
    assert.equal((await fetch(`${srv.url}/images/products/3/1.png`)).status, 404, 'its old image is no longer served');
  });

  it('GET /redirect?to=URL answers 302 Location URL; status and path are free; hops chain through this server', async () => {
    const to = 'http://127.0.0.1:9/target.png?x=1';
    assert.deepEqual(await noFollow(`${srv.url}/redirect?to=${encodeURIComponent(to)}`), { status: 302, location: to });
    for (const status of [301, 303, 307, 308]) {
      assert.deepEqual(await noFollow(`${srv.url}/redirect/img/1.png?status=${status}&to=${encodeURIComponent(to)}`), { status, location: to });
    }
    let url = `${srv.url}/redirect/p/1.png?to=${encodeURIComponent(to)}&hops=3&status=307`;
    const chain = [];
    for (let i = 0; i < 3; i += 1) {
      const hop = await noFollow(url);
      assert.equal(hop.status, 307);
      chain.push(hop.location);
      url = hop.location;
    }
    assert.ok(chain[0].startsWith(`${srv.url}/redirect/p/1.png?`) && chain[0].includes('hops=2'), chain[0]);
    assert.ok(chain[1].includes('hops=1'), chain[1]);
    assert.equal(chain[2], to);
    assert.equal(srv.stats().byRoute['/redirect'], 4 + 1 + 3);
  });

  it('GET /redirect refuses a missing or relative target, an unknown status and bad hops with 400', async () => {
    for (const q of ['', 'to=/relative', 'to=http%3A%2F%2Fx%2F&status=200', 'to=http%3A%2F%2Fx%2F&hops=0', 'to=http%3A%2F%2Fx%2F&hops=21']) {
      const res = await fetch(`${srv.url}/redirect?${q}`, { redirect: 'manual' });
      assert.equal(res.status, 400, q);
      assert.equal(typeof (await res.json()).message, 'string');
    }
  });
});

describe('image 429 and 5xx', () => {
  it('imageErrors "429" answers with Retry-After; "500" and "503" are server errors; counted as image faults', async () => {
    srv.setFaults({ imageErrors: { 1: '429', 2: '500', 3: '503' }, retryAfterSeconds: 7 });
    const limited = await fetch(`${srv.url}/images/products/1/1.png`);
    assert.deepEqual([limited.status, limited.headers.get('retry-after')], [429, '7']);
    assert.equal((await fetch(`${srv.url}/images/products/2/thumbnail.png`)).status, 500);
    assert.equal((await fetch(`${srv.url}/images/products/3/1.png`)).status, 503);
    assert.equal((await fetch(`${srv.url}/images/products/4/1.png`)).status, 200);
    assert.equal(srv.stats().faultsServed.image, 3);
    assert.equal(srv.stats().faultsServed[429], 0, 'page-level counters stay for /products');
  });
});

describe('shrinking the catalog (mutate keepFirst)', () => {
  it('keeps the first K products; a bad K changes nothing', async () => {
    const m = srv.mutate({ keepFirst: 10 });
    assert.deepEqual([m.total, m.removed], [10, 184]);
    const page = await (await fetch(`${srv.url}/products?limit=0`)).json();
    assert.deepEqual(page.products.map((p) => p.id), Array.from({ length: 10 }, (_, i) => i + 1));
    const res = await fetch(`${srv.url}/__control/mutate`, { method: 'POST', body: JSON.stringify({ update: [{ id: 1, price: 1 }], keepFirst: -1 }) });
    assert.equal(res.status, 400);
    assert.notEqual((await (await fetch(`${srv.url}/products/1`)).json()).price, 1, 'nothing applied');
    assert.equal(srv.mutate({ keepFirst: 0, add: 2 }).total, 2, 'keepFirst before add');
  });
});
