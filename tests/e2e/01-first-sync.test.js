'use strict';
/**
 * First sync into an empty store (194 products, 24 categories) with every mapped field checked through the
 * admin API, then an unchanged resync that must write nothing.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { adminClient, standIn, bySourceId, defaultSalesChannelId, countsOf, describeRun, e2eEnv } = require('./context');
const { expectedHandles, categoryName, diffProduct, summarizeDiffs } = require('../support/expected-mapping');

/** GETs a URL and returns its bytes (fails unless 200 with an image content type). */
async function bytesOf(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200, `GET ${url}`);
  assert.match(res.headers.get('content-type') || '', /^image\//, `content type of ${url}`);
  return Buffer.from(await res.arrayBuffer());
}

/** The "Catalog sync" stock location the plugin created, checked to be linked to the sales channel. */
async function catalogStockLocationId(admin, salesChannelId) {
  const { stock_locations: locations } = await admin.get('/admin/stock-locations?fields=id,name,*sales_channels&limit=50');
  const ours = locations.filter((l) => l.name === 'Catalog sync');
  assert.equal(ours.length, 1, 'the plugin created one "Catalog sync" stock location');
  assert.deepEqual(ours[0].sales_channels.map((c) => c.id), [salesChannelId], 'linked to the sales channel');
  return ours[0].id;
}

/** What must stay identical when nothing changed upstream: row ids and updated_at of every written row. */
function writeFingerprint(products) {
  return products.map((p) => ({
    id: p.id,
    updated_at: p.updated_at,
    images: (p.images || []).map((i) => `${i.id}@${i.updated_at}`),
    variants: (p.variants || []).map((v) => ({
      id: v.id,
      updated_at: v.updated_at,
      prices: (v.prices || []).map((pr) => `${pr.id}@${pr.updated_at}:${pr.amount}`),
      items: (v.inventory_items || []).map((i) => i.inventory_item_id),
    })),
    tags: (p.tags || []).map((t) => t.id).sort(),
    categories: (p.categories || []).map((c) => c.id).sort(),
  })).sort((a, b) => a.id.localeCompare(b.id));
}

test('first sync: 194 products in 24 categories, every mapped field as the source says', { timeout: 300_000 }, async () => {
  const env = e2eEnv();
  const admin = await adminClient(env);
  const source = standIn(env);
  await source.reset({});
  const catalog = await source.catalog();
  const categoriesBody = await source.categories();
  assert.equal(catalog.length, 194);
  assert.equal((await admin.products()).length, 0, 'the store starts empty');

  const started = Date.now();
  const run = await admin.sync();
  const info = describeRun(run);
  assert.equal(run.status, 'success', info);
  assert.equal(run.trigger, 'manual', info);
  assert.deepEqual(countsOf(run), { fetched: 194, created: 194, updated: 0, unchanged: 0, archived: 0, rejected: 0 }, info);
  assert.deepEqual(run.errors || [], [], info);
  assert.ok(run.requests >= 8, `7 pages of 30 + the categories list need at least 8 requests (${info})`);
  assert.equal(run.retries, 0, info);
  assert.ok(run.duration_ms > 0 && run.duration_ms <= Date.now() - started + 1000, `duration_ms ${run.duration_ms}`);
  assert.ok(Date.parse(run.finished_at) >= Date.parse(run.started_at), 'finished_at after started_at');

  const products = await admin.products();
  assert.equal(products.length, 194);
  const stored = bySourceId(products);
  const handles = expectedHandles(catalog);
  const salesChannelId = await defaultSalesChannelId(admin);
  const stockLocationId = await catalogStockLocationId(admin, salesChannelId);
  const images = { storedBase: `${env.medusaUrl}/static/` };
  const diffs = [];
  for (const p of catalog) {
    const actual = stored.get(p.id);
    if (!actual) { diffs.push(`product ${p.id} is missing`); continue; }
    diffs.push(...diffProduct(actual, p, { handle: handles.get(p.id), salesChannelId, images, stockLocationId }));
  }
  assert.equal(diffs.length, 0, `${diffs.length} field differences:\n${summarizeDiffs(diffs)}`);
  assert.equal(new Set(products.map((p) => p.handle)).size, 194, 'handles are unique');

  // Images were uploaded into Medusa's file storage (images: "upload", the default): every copy is served by
  // Medusa with the source's bytes.
  const mismatched = [];
  for (const p of catalog) {
    const actual = stored.get(p.id);
    const pairs = [...(actual.images || []).map((i) => [i.url, p.images[i.rank]]), [actual.thumbnail, p.thumbnail]];
    for (const [copy, original] of pairs) {
      const [a, b] = await Promise.all([bytesOf(copy), bytesOf(original)]);
      if (!a.equals(b)) mismatched.push(`product ${p.id}: ${copy} differs from ${original}`);
    }
  }
  assert.deepEqual(mismatched, [], 'uploaded images are byte-identical to the source images');
  assert.equal(run.images_uploaded, catalog.reduce((n, p) => n + p.images.length + 1, 0), 'one upload per distinct image URL');

  // Categories: the 24 used by the catalog, handle = slug, display name from the source, active and public.
  const categories = await admin.categories();
  const slugs = [...new Set(catalog.map((p) => p.category))].sort();
  assert.equal(slugs.length, 24);
  assert.deepEqual(categories.map((c) => c.handle).sort(), slugs);
  for (const c of categories) {
    assert.equal(c.name, categoryName(c.handle, categoriesBody), `name of category ${c.handle}`);
    assert.equal(c.is_active, true, `category ${c.handle} is active`);
    assert.equal(c.is_internal, false, `category ${c.handle} is public`);
  }

  // The currency the prices are in was added to the store.
  const { stores } = await admin.get('/admin/stores?fields=id,*supported_currencies');
  assert.ok(stores[0].supported_currencies.some((c) => c.currency_code === 'usd'), 'usd is a store currency');

  // The run is listed, and is the latest in /status.
  const list = await admin.runs(10, 0);
  assert.equal(list.runs[0].id, run.id);
  const status = await admin.syncStatus();
  assert.equal(status.status.id, run.id);
  assert.equal(status.running, null);
});

test('unchanged resync writes nothing and reports 194 unchanged', { timeout: 120_000 }, async () => {
  const env = e2eEnv();
  const admin = await adminClient(env);
  const beforeProducts = await admin.products();
  const beforeCategories = await admin.categories();
  assert.equal(beforeProducts.length, 194, 'the first sync left 194 products');

  const run = await admin.sync();
  const info = describeRun(run);
  assert.equal(run.status, 'success', info);
  assert.deepEqual(countsOf(run), { fetched: 194, created: 0, updated: 0, unchanged: 194, archived: 0, rejected: 0 }, info);

  const afterProducts = await admin.products();
  assert.deepEqual(writeFingerprint(afterProducts), writeFingerprint(beforeProducts), 'no product, image, variant or price row was written');
  const afterCategories = await admin.categories();
  assert.deepEqual(afterCategories.map((c) => `${c.id}@${c.updated_at}`).sort(), beforeCategories.map((c) => `${c.id}@${c.updated_at}`).sort(),
    'no category was written');
  const { runs, count } = await admin.runs(10, 0);
  assert.equal(runs[0].id, run.id, 'newest run first');
  assert.ok(count >= 2);
});
