'use strict';
/**
 * `planCatalog` of the BUILT package (pkg/): the plan kept inside WebAssembly gives, batch by batch, exactly
 * the batches `planSync` gives at once, and its summary has planSync's counts, completeness and errors.
 * Run: bash .ci/build-core && node --test tests/node/
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const core = require(path.join(__dirname, '..', '..', 'pkg'));
const { generateCatalog, pageBodies, storeCategories, storeTags } = require('./support/catalog');

/**
 * A 300-product catalog in batches of 40, against a store where the sync already owns products 1-120 (half of
 * them stale, 110-120 archived earlier) plus 10 products that are gone upstream, and where product 7 has a bad
 * price: every kind of batch except delete (onMissing "draft"), or except archive (onMissing "delete").
 */
function scenario(onMissing) {
  const options = core.validateOptions({ pageSize: 100, batchSize: 40, onMissing });
  const products = generateCatalog(300);
  products[6].price = 'abc';
  const pages = pageBodies(products, 100);
  const input = {
    options, pages, scope: { kind: 'full' }, categories: storeCategories(), tags: storeTags(products),
    owned: [], takenHandles: [], salesChannelId: 'sc_test',
  };
  const first = core.planSync(input);
  const created = first.batches.flatMap((b) => b.products);
  const owned = created.filter((p) => p.metadata.catalog_sync_source_id <= 120).map((p, i) => ({
    id: `prod_${String(i).padStart(4, '0')}`,
    externalId: p.external_id,
    handle: p.handle,
    status: p.metadata.catalog_sync_source_id >= 110 ? 'draft' : 'published',
    fingerprint: i % 2 ? p.metadata.catalog_sync_fingerprint : 'stale',
    imagesFingerprint: p.metadata.catalog_sync_images_fingerprint,
    variantId: `variant_${i}`,
    priceId: `price_${i}`,
  }));
  for (let id = 1001; id <= 1010; id++) {
    owned.push({ id: `prod_gone_${id}`, externalId: `dummyjson:${id}`, handle: `gone-${id}`, status: 'published',
      fingerprint: 'x', imagesFingerprint: 'x', variantId: null, priceId: null });
  }
  return { ...input, owned };
}

for (const onMissing of ['draft', 'delete']) {
  test(`planCatalog(input).batch(i) and batchJson(i) equal planSync(input).batches[i] for every i (onMissing ${onMissing})`, () => {
    const input = scenario(onMissing);
    const expected = core.planSync(input);
    const kinds = new Set(expected.batches.map((b) => b.kind));
    assert.deepEqual([...kinds], ['create', 'update', onMissing === 'draft' ? 'archive' : 'delete']);
    const plan = core.planCatalog(input);
    try {
      assert.ok(plan instanceof core.CatalogPlan);
      assert.equal(plan.batchCount, expected.batches.length);
      for (let i = 0; i < expected.batches.length; i++) {
        assert.deepEqual(plan.batch(i), expected.batches[i], `batch ${i}`);
        assert.deepEqual(JSON.parse(plan.batchJson(i)), expected.batches[i], `batchJson ${i}`);
      }
    } finally {
      plan.free();
    }
  });
}

test('the summary has planSync counts, completeness and errors, and the outline of every batch', () => {
  const input = scenario('draft');
  const expected = core.planSync(input);
  assert.equal(expected.counts.rejected, 1);
  assert.ok(expected.counts.toUpdate > 0 && expected.counts.unchanged > 0 && expected.counts.toArchive === 10);
  const plan = core.planCatalog(input);
  const summary = plan.summary();
  plan.free();
  assert.deepEqual(Object.keys(summary).sort(), ['batches', 'completeness', 'counts', 'errors', 'stock']);
  assert.deepEqual(summary.counts, expected.counts);
  assert.deepEqual(summary.stock, expected.stock);
  assert.deepEqual(summary.completeness, expected.completeness);
  assert.deepEqual(summary.errors, expected.errors);
  assert.deepEqual(summary.batches, expected.batches.map((b) => ({
    kind: b.kind,
    index: b.index,
    len: (b.products || b.productIds).length,
    sourceIds: b.products ? b.products.map((p) => p.metadata.catalog_sync_source_id) : b.sourceIds,
  })));
});

test('a missing batch throws INVALID_INPUT naming the batch count; bad input throws INVALID_INPUT', () => {
  const plan = core.planCatalog(scenario('keep'));
  const count = plan.batchCount;
  for (const position of [count, -1, 1.5]) {
    let caught;
    try {
      plan.batch(position);
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof Error, `batch(${position}) throws`);
    assert.equal(caught.code, 'INVALID_INPUT');
    assert.match(caught.message, new RegExp(`the plan has ${count} batches`));
  }
  plan.free();
  assert.throws(() => core.planCatalog({ pages: [] }), (error) => error.code === 'INVALID_INPUT'
    && error.details.function === 'planCatalog');
});

test('summarizeRun makes the same report from the summary as from the whole plan (the plugin keeps only the summary)', () => {
  const input = scenario('draft');
  const expected = core.planSync(input);
  const plan = core.planCatalog(input);
  const summary = plan.summary();
  plan.free();
  const results = expected.batches.map((batch, i) => ({ kind: batch.kind, index: batch.index,
    written: summary.batches[i].len - (i === 0 ? 1 : 0), failedSourceIds: i === 0 ? [summary.batches[0].sourceIds[0]] : [] }));
  const fetch = { requests: 4, retries: 1, pagesTotal: 2, pagesFetched: 2 };
  const fromPlan = core.summarizeRun({ plan: expected, results, fetch });
  assert.equal(fromPlan.status, 'partial');
  assert.ok(fromPlan.counts.archived === 10 && fromPlan.counts.rejected === 1 && fromPlan.errors.length === 2, JSON.stringify(fromPlan.counts));
  assert.deepEqual(core.summarizeRun({ plan: summary, results, fetch }), fromPlan);
});

test('a WebAssembly trap in a CatalogPlan method becomes a CORE_PANIC error and reloads the module', () => {
  // A stand-in for the wasm-bindgen module with a class whose method traps like a Rust panic does, loaded under
  // the real module's path so that index.js wraps it (as in package.test.js for functions).
  const PKG = path.join(__dirname, '..', '..', 'pkg');
  const corePath = require.resolve(path.join(PKG, 'catalog_sync.js'));
  const indexPath = require.resolve(path.join(PKG, 'index.js'));
  const realCore = require.cache[corePath];
  class CatalogPlan {
    free() {}
    batch() {
      globalThis.__catalogSyncCorePanic = 'catalog-sync core panicked: batch';
      throw new WebAssembly.RuntimeError('unreachable');
    }
  }
  const trapping = { CatalogPlan, planCatalog: () => new CatalogPlan() };
  try {
    delete require.cache[indexPath];
    require.cache[corePath] = { id: corePath, filename: corePath, loaded: true, exports: trapping };
    const wrapped = require(indexPath);
    assert.equal(wrapped.CatalogPlan, CatalogPlan, 'classes are exported as they are');
    const plan = wrapped.planCatalog({});
    assert.throws(() => plan.batch(0), (error) => error.code === 'CORE_PANIC'
      && error.message === 'catalog-sync core panicked: batch' && error.cause instanceof WebAssembly.RuntimeError);
    // The trapped instance was replaced by the real module: its class is exported, planning works again.
    assert.notEqual(wrapped.CatalogPlan, CatalogPlan);
    const options = core.validateOptions({});
    const fresh = wrapped.planCatalog({ options, pages: [], scope: { kind: 'full' }, categories: [], tags: [],
      owned: [], takenHandles: [], salesChannelId: null });
    assert.ok(fresh instanceof wrapped.CatalogPlan);
    assert.equal(fresh.batchCount, 0);
    fresh.free();
  } finally {
    delete require.cache[indexPath];
    if (realCore) require.cache[corePath] = realCore;
  }
});
