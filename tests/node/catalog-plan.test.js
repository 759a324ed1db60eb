'use strict';
/**
 * `planCatalog` of the BUILT package (pkg/): the plan kept inside WebAssembly hands over, batch by batch, the
 * batches its summary outlines, and the summary has the plan's counts, completeness and errors. (That each batch
 * is exactly the core's own plan is checked in WebAssembly, tests/wasm_catalog_plan.rs.)
 * Run: bash .ci/build-core && node --test tests/node/
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const core = require(path.join(__dirname, '..', '..', 'pkg'));
const { generateCatalog, pageBodies, storeCategories, storeTags } = require('./support/catalog');
const { planWhole } = require('./support/plan');

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
  const first = planWhole(core, input);
  const created = first.batches.flatMap((b) => b.products);
  const owned = created.filter((p) => p.metadata.catalog_sync_source_id <= 120).map((p, i) => ({
    id: `prod_${String(i).padStart(4, '0')}`,
    externalId: p.external_id,
    handle: p.handle,
    status: p.metadata.catalog_sync_source_id >= 110 ? 'draft' : 'published',
    fingerprint: i % 2 ? p.metadata.catalog_sync_fingerprint : 'stale',
    imagesFingerprint: p.metadata.catalog_sync_images_fingerprint,
    variantId: `variant_${i}`,
    prices: [{ id: `price_${i}`, currency_code: 'usd', amount: 1 }],
  }));
  for (let id = 1001; id <= 1010; id++) {
    owned.push({ id: `prod_gone_${id}`, externalId: `dummyjson:${id}`, handle: `gone-${id}`, status: 'published',
      fingerprint: 'x', imagesFingerprint: 'x', variantId: null });
  }
  return { ...input, owned };
}

/** The outline of a batch, as the summary gives it. */
const outline = (b) => ({
  kind: b.kind,
  index: b.index,
  len: (b.products || b.productIds).length,
  sourceIds: b.products ? b.products.map((p) => p.metadata.catalog_sync_source_id) : b.sourceIds,
});

for (const onMissing of ['draft', 'delete']) {
  test(`planCatalog(input).batchJson(i) is the batch summary().batches[i] outlines, for every i (onMissing ${onMissing})`, () => {
    const input = scenario(onMissing);
    const plan = core.planCatalog(input);
    try {
      assert.ok(plan instanceof core.CatalogPlan);
      const summary = plan.summary();
      const kinds = new Set(summary.batches.map((b) => b.kind));
      assert.deepEqual([...kinds], ['create', 'update', onMissing === 'draft' ? 'archive' : 'delete']);
      assert.equal(plan.batchCount, summary.batches.length);
      const batches = summary.batches.map((_, i) => JSON.parse(plan.batchJson(i)));
      assert.deepEqual(batches.map(outline), summary.batches);
      const written = batches.flatMap((b) => (b.products ? b.products.map((p) => p.metadata.catalog_sync_source_id) : []));
      assert.equal(written.length, summary.counts.toCreate + summary.counts.toUpdate);
      assert.equal(new Set(written).size, written.length, 'every product is written once');
      assert.ok(!written.includes(7), 'the rejected product is not written');
      const removed = batches.filter((b) => b.productIds).reduce((n, b) => n + b.productIds.length, 0);
      assert.equal(removed, summary.counts.toArchive + summary.counts.toDelete);
    } finally {
      plan.free();
    }
  });
}

test('the summary has the plan\'s counts, completeness and errors, and no batch contents', () => {
  const input = scenario('draft');
  const plan = core.planCatalog(input);
  const summary = plan.summary();
  plan.free();
  assert.deepEqual(Object.keys(summary).sort(), ['batches', 'completeness', 'counts', 'errors', 'heldRemovals', 'stock']);
  assert.deepEqual(summary.heldRemovals, [], '10 removals of 130 owned products are under maxRemovalRatio 0.2');
  const { counts } = summary;
  assert.equal(counts.fetched, 300);
  assert.equal(counts.rejected, 1);
  assert.equal(counts.valid, 299);
  assert.equal(counts.valid, counts.toCreate + counts.toUpdate + counts.unchanged);
  assert.ok(counts.toUpdate > 0 && counts.unchanged > 0 && counts.toArchive === 10, JSON.stringify(counts));
  assert.deepEqual(summary.completeness, { expectedTotal: 300, received: 300, duplicateIds: [], complete: true });
  assert.deepEqual(summary.errors.map((e) => [e.source_id, e.field, e.code]), [[7, 'price', 'INVALID_FIELD']]);
  assert.equal(summary.stock.length, 299);
  assert.ok(summary.batches.every((b) => Object.keys(b).sort().join() === 'index,kind,len,sourceIds'));
});

test('a missing batch throws INVALID_INPUT naming the batch count; bad input throws INVALID_INPUT', () => {
  const plan = core.planCatalog(scenario('keep'));
  const count = plan.batchCount;
  for (const position of [count, -1, 1.5]) {
    let caught;
    try {
      plan.batchJson(position);
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof Error, `batchJson(${position}) throws`);
    assert.equal(caught.code, 'INVALID_INPUT');
    assert.match(caught.message, new RegExp(`the batches at hand are 0 to ${count - 1}`));
  }
  plan.free();
  assert.throws(() => core.planCatalog({ pages: [] }), (error) => error.code === 'INVALID_INPUT'
    && error.details.function === 'planCatalog');
});

test('summarizeRun makes the same report from the summary as from the whole plan (the plugin keeps only the summary)', () => {
  const input = scenario('draft');
  const expected = planWhole(core, input);
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
    batchJson() {
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
    assert.throws(() => plan.batchJson(0), (error) => error.code === 'CORE_PANIC'
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

test('CatalogPlanner.planStock reads the levels as JSON text: an equal level is left alone, another quantity updated, a missing level created', () => {
  const options = core.validateOptions({ pageSize: 100, batchSize: 40 });
  const products = generateCatalog(3);
  const planner = new core.CatalogPlanner({
    options, scope: { kind: 'full' }, categories: storeCategories(), tags: storeTags(products), takenHandles: [],
    salesChannelId: 'sc_test', stockLocationId: 'sloc_test',
    owned: products.map((product) => ({
      id: `prod_${product.id}`, externalId: `dummyjson:${product.id}`, handle: `owned-${product.id}`, status: 'published',
      fingerprint: 'stale', imagesFingerprint: 'stale', variantId: `variant_${product.id}`,
      prices: [{ id: `price_${product.id}`, currency_code: 'usd', amount: 1 }],
    })),
    inventoryItems: products.map((product) => ({ externalId: `dummyjson:${product.id}`, inventoryItemId: `iitem_${product.id}` })),
  });
  try {
    planner.readPages(pageBodies(products, 100));
    assert.deepEqual(planner.finishReading(), []);
    planner.summary();
    const [equal, other] = products;
    const levelsJson = JSON.stringify([
      { inventoryItemId: `iitem_${equal.id}`, stockedQuantity: equal.stock },
      { inventoryItemId: `iitem_${other.id}`, stockedQuantity: other.stock + 3 },
      { inventoryItemId: 'iitem_of_someone_else', stockedQuantity: 1 },
    ]);
    const stock = planner.planStock({ locationId: 'sloc_test', refusedSourceIds: [] }, levelsJson);
    assert.equal(stock.unchanged, 1);
    assert.deepEqual(stock.batches.flatMap((batch) => batch.levels).map((level) => [level.sourceId, level.action, level.stocked_quantity]),
      [[other.id, 'update', other.stock], [products[2].id, 'create', products[2].stock]]);
    assert.throws(() => planner.planStock({ locationId: 'sloc_test' }, '[{"inventoryItemId": 1}]'),
      (error) => error.code === 'INVALID_INPUT' && error.details.path.startsWith('levelsJson'));
  } finally {
    planner.free();
  }
});
