'use strict';
/**
 * Images in Medusa's file storage and stock levels at the sync's stock location (issue 5):
 * a resync neither downloads nor uploads an image and writes no level; a replaced image is copied and
 * replaced, and only it (the product's other images keep their rows); an image the source cannot serve
 * (404, not an image, too large) leaves its product synced at the source URL with an error naming product and
 * URL, and is copied on the next run once it is fine; an image host the last run could not reach gets one
 * attempt per image on the next run; `images: "link"` writes the source URLs, and switching
 * back to "upload" reuses the stored copies without any image traffic.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { adminClient, standIn, restartStore, bySourceId, countsOf, describeRun, e2eEnv, inSync } = require('./context');

/** Files in the instance's static/ folder (where the local file provider stores uploads). */
function storedFiles(env) {
  const dir = path.join(env.instanceDir, 'static');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

/** GETs a URL's bytes (200 required). */
async function bytesOf(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200, `GET ${url}`);
  return Buffer.from(await res.arrayBuffer());
}

/** The images of a product in rank order. */
const imagesOf = (product) => [...(product.images || [])].sort((a, b) => a.rank - b.rank);

/** The stocked quantity of every product, by source id. */
function stockBySource(products) {
  return new Map([...products].map(([id, p]) => [id, p.variants[0].inventory_items
    .flatMap((i) => i.inventory.location_levels).reduce((n, l) => n + Number(l.stocked_quantity), 0)]));
}

test('a resync downloads nothing, uploads nothing and writes no stock level', { timeout: 300_000 }, async () => {
  const { env, admin, source } = await inSync();
  const files = storedFiles(env);
  const before = bySourceId(await admin.products());
  await source.resetStats();

  const run = await admin.sync();
  const info = describeRun(run);
  assert.equal(run.status, 'success', info);
  assert.deepEqual(countsOf(run), { fetched: 194, created: 0, updated: 0, unchanged: 194, archived: 0, rejected: 0 }, info);
  assert.equal(run.images_uploaded + run.images_reused, 0, info);
  assert.equal(run.stock_levels, 0, info);
  const stats = await source.stats();
  assert.equal(stats.imageRequests, 0, 'no image was requested from the source');
  assert.deepEqual(storedFiles(env), files, 'no file was added to the file storage');
  const after = bySourceId(await admin.products());
  assert.deepEqual(stockBySource(after), stockBySource(before), 'stock levels unchanged');
  for (const [id, p] of after) {
    assert.deepEqual(imagesOf(p).map((i) => `${i.id}@${i.url}`), imagesOf(before.get(id)).map((i) => `${i.id}@${i.url}`), `images of ${id}`);
  }
});

test('a replaced image is copied and replaced, and only it', { timeout: 300_000 }, async () => {
  const { env, admin, source } = await inSync();
  const catalog = await source.catalog();
  const target = catalog.find((p) => p.images.length >= 3);
  assert.ok(target, 'a product with three images');
  const before = bySourceId(await admin.products());
  const files = storedFiles(env);
  const { imagesReplaced: [newUrl] } = await source.mutate({ replaceImage: [{ id: target.id, index: 1 }] });
  await source.resetStats();

  const run = await admin.sync();
  const info = describeRun(run);
  assert.equal(run.status, 'success', info);
  assert.equal(run.updated, 1, info);
  assert.equal(run.unchanged, 193, info);
  assert.equal(run.images_uploaded, 1, info);
  assert.equal((await source.stats()).imageRequests, 1, 'only the new image was downloaded');
  assert.equal(storedFiles(env).length, files.length + 1, 'one file was added');

  const after = bySourceId(await admin.products());
  const [old0, old1, old2] = imagesOf(before.get(target.id));
  const [new0, new1, new2] = imagesOf(after.get(target.id));
  assert.equal(new0.id, old0.id, 'the first image row is kept');
  assert.equal(new2.id, old2.id, 'the third image row is kept');
  assert.equal(new0.url, old0.url);
  assert.notEqual(new1.url, old1.url, 'the replaced image points at a new copy');
  assert.ok(new1.url.startsWith(`${env.medusaUrl}/static/`), new1.url);
  assert.ok((await bytesOf(new1.url)).equals(await bytesOf(newUrl)), 'the copy has the new source bytes');
  const written = [...after].filter(([id, p]) => p.updated_at !== before.get(id).updated_at).map(([id]) => id);
  assert.deepEqual(written, [target.id], 'no other product was written');
});

test('an image the source cannot serve leaves its product synced at the source URL, with an error', { timeout: 300_000 }, async () => {
  const { env, admin, source } = await inSync();
  const catalog = await source.catalog();
  const [missing, html, huge] = catalog.filter((p) => p.images.length >= 1).slice(10, 13).map((p) => p.id);
  const { imagesReplaced } = await source.mutate({
    replaceImage: [{ id: missing, index: 0 }, { id: html, index: 0 }, { id: huge, index: 'thumbnail' }],
  });
  const [missingUrl, htmlUrl, hugeUrl] = imagesReplaced;
  await source.faults({ imageErrors: { [missingUrl]: '404', [htmlUrl]: 'html', [hugeUrl]: 'huge' } });
  try {
    const run = await admin.sync();
    const info = describeRun(run);
    assert.equal(run.status, 'partial', info);
    assert.equal(run.updated, 3, `the three products are still written (${info})`);
    assert.equal(run.failed + run.rejected, 0, info);
    const expected = [[missing, 'images[0]', 'IMAGE_NOT_FOUND', missingUrl], [html, 'images[0]', 'IMAGE_NOT_AN_IMAGE', htmlUrl],
      [huge, 'thumbnail', 'IMAGE_TOO_LARGE', hugeUrl]];
    for (const [id, field, code, url] of expected) {
      const error = run.errors.find((e) => e.source_id === id && e.field === field);
      assert.ok(error, `an error for product ${id} ${field}: ${JSON.stringify(run.errors)}`);
      assert.equal(error.code, code, error.message);
      assert.ok(error.message.includes(`product ${id}`) && error.message.includes(url), error.message);
    }
    const stored = bySourceId(await admin.products());
    assert.equal(imagesOf(stored.get(missing))[0].url, missingUrl, 'a 404 image keeps its source URL');
    assert.equal(imagesOf(stored.get(html))[0].url, htmlUrl);
    assert.equal(stored.get(huge).thumbnail, hugeUrl);
  } finally {
    await source.faults({});
  }

  // Once the source serves them, the next run copies them.
  const healed = await admin.sync();
  assert.equal(healed.status, 'success', describeRun(healed));
  assert.equal(healed.updated, 3, describeRun(healed));
  assert.equal(healed.images_uploaded, 3, describeRun(healed));
  const stored = bySourceId(await admin.products());
  for (const url of [imagesOf(stored.get(missing))[0].url, imagesOf(stored.get(html))[0].url, stored.get(huge).thumbnail]) {
    assert.ok(url.startsWith(`${env.medusaUrl}/static/`), url);
  }
});

test('an image host the last run could not reach gets one attempt per image on the next run, not the backoff again', { timeout: 300_000 }, async () => {
  const { admin, source } = await inSync();
  const catalog = await source.catalog();
  const product = catalog.filter((p) => p.images.length >= 2)[20];
  // A name that never resolves (.invalid, RFC 2606): every request to this host fails at once with a network error.
  // (A loopback address would not do: the sync refuses image hosts that are not public.)
  const deadImages = ['http://unreachable-images.invalid/a.png', 'http://unreachable-images.invalid/b.png'];
  await source.mutate({ update: [{ id: product.id, images: deadImages }] });
  const errorsOf = (run) => run.errors.filter((e) => e.source_id === product.id && /^images\[\d\]$/.test(e.field));

  const first = await admin.sync();
  assert.equal(first.status, 'partial', describeRun(first));
  assert.equal(first.updated, 1, describeRun(first));
  const firstErrors = errorsOf(first);
  assert.equal(firstErrors.length, 2, JSON.stringify(first.errors));
  for (const error of firstErrors) {
    assert.equal(error.code, 'IMAGE_UNREACHABLE', error.message);
    assert.match(error.message, /after \d+ attempts/, 'the first run applies the retry policy');
  }

  const second = await admin.sync();
  assert.equal(second.status, 'partial', describeRun(second));
  assert.equal(second.updated + second.created, 0, `nothing to write (${describeRun(second)})`);
  const secondErrors = errorsOf(second);
  assert.equal(secondErrors.length, 2, JSON.stringify(second.errors));
  for (const error of secondErrors) {
    assert.equal(error.code, 'IMAGE_UNREACHABLE', error.message);
    assert.ok(error.message.includes('unreachable-images.invalid'), error.message);
    assert.doesNotMatch(error.message, /after \d+ attempts/, 'a host down in the last run is not retried with backoff');
  }
  const stored = bySourceId(await admin.products());
  assert.deepEqual(imagesOf(stored.get(product.id)).map((image) => image.url), deadImages, 'the product keeps the source URLs');
});

test('images "link" writes the source URLs; back to "upload" reuses the stored copies without image traffic', { timeout: 300_000 }, async () => {
  const env = e2eEnv();
  const source = standIn(env);
  await source.reset({});
  try {
    await restartStore({ images: 'link' }, env);
    let admin = await adminClient(env);
    await source.resetStats();
    const linked = await admin.sync();
    assert.equal(linked.status, 'success', describeRun(linked));
    assert.equal(linked.updated, 194, describeRun(linked));
    assert.equal((await source.stats()).imageRequests, 0, 'link mode requests no image');
    const catalog = await source.catalog();
    let stored = bySourceId(await admin.products());
    for (const p of catalog) {
      assert.deepEqual(imagesOf(stored.get(p.id)).map((i) => i.url), p.images, `images of ${p.id}`);
      assert.equal(stored.get(p.id).thumbnail, p.thumbnail, `thumbnail of ${p.id}`);
    }

    await restartStore({}, env);
    admin = await adminClient(env);
    const files = storedFiles(env);
    await source.resetStats();
    const uploaded = await admin.sync();
    assert.equal(uploaded.status, 'success', describeRun(uploaded));
    assert.equal(uploaded.updated, 194, describeRun(uploaded));
    assert.equal(uploaded.images_uploaded, 0, describeRun(uploaded));
    assert.equal((await source.stats()).imageRequests, 0, 'the stored copies are reused');
    assert.deepEqual(storedFiles(env), files);
    stored = bySourceId(await admin.products());
    for (const p of catalog) {
      const urls = [...imagesOf(stored.get(p.id)).map((i) => i.url), stored.get(p.id).thumbnail];
      assert.ok(urls.every((url) => url.startsWith(`${env.medusaUrl}/static/`)), `images of ${p.id}: ${urls}`);
    }
  } finally {
    await restartStore({}, env);
  }
});
