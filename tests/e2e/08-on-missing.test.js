'use strict';
/**
 * `onMissing` "keep" and "delete" against the real store (issue 3: a product removed upstream is handled by
 * `onMissing`; "draft" is covered by 03-changes). "keep" leaves removed products exactly as they were;
 * "delete" removes them the way Medusa's deleteProductsWorkflow does (soft-deletes the product, its variant,
 * images and exclusive option, its links, price set and prices, and its inventory item), and a product that
 * comes back is created again, once, with the handle it had when that handle is still free. With "delete", a
 * fetch the core cannot trust (catalog shifted while paging, source down part-way, a rejected product without
 * an id, an empty catalog) deletes nothing. The store is restarted with each option and with the base options
 * at the end. With "delete", `maxRemovalRatio` is 1 (the guard is off): what earlier files left in the shared store
 * (e.g. the 400 drafts of 06) is deleted in one go; the guard has its own file, 09-removal-guard.
 */
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { adminClient, standIn, restartStore, bySourceId, e2eEnv } = require('./context');
const { diffProduct, summarizeDiffs } = require('../support/expected-mapping');
const { psql } = require('../support/medusa-process');
const { sleep } = require('../support/medusa-admin');

/** Every count a run reports, in the order of the core's RunCounts. */
const COUNT_KEYS = ['fetched', 'created', 'updated', 'unchanged', 'kept', 'archived', 'deleted', 'rejected', 'failed'];

/** The run's counts as `GET /admin/sync/runs/:id` gives them; fails when the top-level fields disagree with `counts`. */
function countsOf(run) {
  const counts = Object.fromEntries(COUNT_KEYS.map((k) => [k, run.counts[k]]));
  assert.deepEqual(Object.fromEntries(COUNT_KEYS.map((k) => [k, run[k]])), counts, `run ${run.id}: fields and counts agree`);
  return counts;
}

/** Every count zero except the given ones. */
function counts(nonZero) {
  return { ...Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])), ...nonZero };
}

/** A one-line description of a run for assertion messages (all counts, errors). */
function describeRun(run) {
  return JSON.stringify({ id: run.id, status: run.status, counts: run.counts, requests: run.requests, retries: run.retries,
    error_message: run.error_message, errors: (run.errors || []).slice(0, 5) });
}

/** Triggers a sync and returns the finished run as the admin API reports it (`GET /admin/sync/runs/:id`). */
async function syncRun(admin) {
  const id = await admin.trigger();
  await admin.waitForRun(id);
  return admin.run(id);
}

/** Source id of a product the sync owns (`external_id` = "dummyjson:<id>"), else null. */
function sourceIdOf(product) {
  const m = /^dummyjson:(\d+)$/.exec(product.external_id || '');
  return m ? Number(m[1]) : null;
}

/** What a write would change on a product, as the admin API shows it (array order normalized). */
function writtenState(p) {
  const byId = (a, b) => String(a.id).localeCompare(String(b.id));
  return {
    id: p.id,
    status: p.status,
    handle: p.handle,
    title: p.title,
    updated_at: p.updated_at,
    metadata: p.metadata,
    images: (p.images || []).map((i) => `${i.id}@${i.updated_at}`).sort(),
    sales_channels: (p.sales_channels || []).map((c) => c.id).sort(),
    variants: (p.variants || []).map((v) => ({
      id: v.id,
      sku: v.sku,
      updated_at: v.updated_at,
      prices: (v.prices || []).map((pr) => ({ id: pr.id, amount: pr.amount, currency_code: pr.currency_code, updated_at: pr.updated_at })).sort(byId),
      inventory_items: (v.inventory_items || []).map((i) => i.inventory_item_id).sort(),
    })).sort(byId),
  };
}

/** A SQL array literal of ids (Medusa ids: letters, digits and `_` only). */
function sqlIds(ids) {
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_]+$/, `a Medusa id: ${id}`);
  return `ARRAY[${ids.map((id) => `'${id}'`).join(',')}]::text[]`;
}

/**
 * The live rows (not soft-deleted) Medusa keeps for the given products, as "table id updated_at" lines: the
 * product, its variants, images, exclusive options and their values, the option, sales-channel and
 * shipping-profile links, the variants' price-set and inventory-item links, the price sets, prices, inventory
 * items, their stock levels and reservations, and variant-image links. (Plain pivot tables without `deleted_at`
 * — tags, categories, variant option values — are left out: deleteProductsWorkflow leaves them to the deleted
 * rows, and the tags and categories themselves are shared.)
 */
async function liveRows(databaseUrl, productIds) {
  if (!productIds.length) return [];
  const rows = await psql(databaseUrl, `
    WITH p AS (SELECT id FROM product WHERE id = ANY(${sqlIds(productIds)})),
    v AS (SELECT id FROM product_variant WHERE product_id IN (SELECT id FROM p)),
    ppo AS (SELECT id, product_option_id FROM product_product_option WHERE product_id IN (SELECT id FROM p)),
    pvps AS (SELECT id, price_set_id FROM product_variant_price_set WHERE variant_id IN (SELECT id FROM v)),
    pvii AS (SELECT id, inventory_item_id FROM product_variant_inventory_item WHERE variant_id IN (SELECT id FROM v))
    SELECT 'product', id, updated_at FROM product WHERE id IN (SELECT id FROM p) AND deleted_at IS NULL
    UNION ALL SELECT 'product_variant', id, updated_at FROM product_variant WHERE id IN (SELECT id FROM v) AND deleted_at IS NULL
    UNION ALL SELECT 'image', id, updated_at FROM image WHERE product_id IN (SELECT id FROM p) AND deleted_at IS NULL
    UNION ALL SELECT 'product_sales_channel', id, updated_at FROM product_sales_channel WHERE product_id IN (SELECT id FROM p) AND deleted_at IS NULL
    UNION ALL SELECT 'product_shipping_profile', id, updated_at FROM product_shipping_profile WHERE product_id IN (SELECT id FROM p) AND deleted_at IS NULL
    UNION ALL SELECT 'product_product_option', id, updated_at FROM product_product_option WHERE id IN (SELECT id FROM ppo) AND deleted_at IS NULL
    UNION ALL SELECT 'product_option', id, updated_at FROM product_option WHERE id IN (SELECT product_option_id FROM ppo) AND is_exclusive AND deleted_at IS NULL
    UNION ALL SELECT 'product_option_value', ov.id, ov.updated_at FROM product_option_value ov JOIN product_option o ON o.id = ov.option_id
      WHERE o.id IN (SELECT product_option_id FROM ppo) AND o.is_exclusive AND ov.deleted_at IS NULL
    UNION ALL SELECT 'product_variant_price_set', id, updated_at FROM product_variant_price_set WHERE id IN (SELECT id FROM pvps) AND deleted_at IS NULL
    UNION ALL SELECT 'price_set', id, updated_at FROM price_set WHERE id IN (SELECT price_set_id FROM pvps) AND deleted_at IS NULL
    UNION ALL SELECT 'price', id, updated_at FROM price WHERE price_set_id IN (SELECT price_set_id FROM pvps) AND deleted_at IS NULL
    UNION ALL SELECT 'product_variant_inventory_item', id, updated_at FROM product_variant_inventory_item WHERE id IN (SELECT id FROM pvii) AND deleted_at IS NULL
    UNION ALL SELECT 'inventory_item', id, updated_at FROM inventory_item WHERE id IN (SELECT inventory_item_id FROM pvii) AND deleted_at IS NULL
    UNION ALL SELECT 'inventory_level', id, updated_at FROM inventory_level WHERE inventory_item_id IN (SELECT inventory_item_id FROM pvii) AND deleted_at IS NULL
    UNION ALL SELECT 'reservation_item', id, updated_at FROM reservation_item WHERE inventory_item_id IN (SELECT inventory_item_id FROM pvii) AND deleted_at IS NULL
    UNION ALL SELECT 'product_variant_product_image', id, updated_at FROM product_variant_product_image WHERE variant_id IN (SELECT id FROM v) AND deleted_at IS NULL
    ORDER BY 1, 2`);
  return rows.map((r) => r.join(' '));
}

/** Tables every synced product has live rows in. */
const PRODUCT_TABLES = ['product', 'product_variant', 'image', 'product_sales_channel', 'product_product_option', 'product_option',
  'product_option_value', 'product_variant_price_set', 'price_set', 'price', 'product_variant_inventory_item', 'inventory_item',
  'inventory_level'];

/** The tables of liveRows lines, deduplicated and sorted. */
const tablesOf = (lines) => [...new Set(lines.map((l) => l.split(' ')[0]))].sort();

/** Product rows (live or not) per source id, from the database: `{ live: [ids], deleted: [ids] }`. */
async function productRowsBySource(databaseUrl, sourceIds) {
  const rows = await psql(databaseUrl, `SELECT external_id, id, deleted_at IS NOT NULL FROM product
    WHERE external_id = ANY(ARRAY[${sourceIds.map((id) => `'dummyjson:${Number(id)}'`).join(',')}]::text[]) ORDER BY id`);
  const out = new Map(sourceIds.map((id) => [id, { live: [], deleted: [] }]));
  for (const [externalId, id, deleted] of rows) {
    const entry = out.get(Number(externalId.split(':')[1]));
    if (entry) (deleted === 't' ? entry.deleted : entry.live).push(id);
  }
  return out;
}

/** Live products the sync owns, from the database: product id → `updated_at`. */
async function liveOwnedProducts(databaseUrl) {
  const rows = await psql(databaseUrl, "SELECT id, updated_at FROM product WHERE external_id LIKE 'dummyjson:%' AND deleted_at IS NULL");
  return new Map(rows.map(([id, updatedAt]) => [id, updatedAt]));
}

/** Changes the USD price of product `id` upstream by `delta`; returns the new price. */
async function bumpPrice(source, id, delta) {
  const current = (await source.catalog()).find((p) => p.id === id);
  const price = Math.round((current.price + delta) * 100) / 100;
  await source.mutate({ update: [{ id, price }] });
  return price;
}

/**
 * Starts a sync whose first page the stand-in answers slowly, calls `between` as soon as that first request
 * came in (its answer is already computed, the remaining pages are not requested yet), and returns the
 * finished run. Fails when any other source request but the category list had arrived before `between` was done.
 */
async function syncChangingSourceAfterFirstPage(admin, source, between) {
  await source.faults({ slowMs: 2500 });
  await source.resetStats();
  const id = await admin.trigger();
  const deadline = Date.now() + 30_000;
  while (((await source.stats()).byRoute['/products'] || 0) < 1) {
    assert.ok(Date.now() < deadline, 'the sync requested its first page');
    await sleep(10);
  }
  await between();
  const stats = await source.stats();
  // The category list goes out beside the first page; no other page does before the first one is answered.
  assert.equal(stats.byRoute['/products'], 1, `only the first page was requested before the change (${JSON.stringify(stats.byRoute)})`);
  assert.equal(stats.requests - (stats.byRoute['/products/categories'] || 0), 1, JSON.stringify(stats.byRoute));
  await admin.waitForRun(id);
  await source.faults({});
  return admin.run(id);
}

/** Brings the store in line with the start-up catalog under the current options; returns the run. */
async function converge(admin, source) {
  await source.reset({});
  const run = await syncRun(admin);
  assert.equal(run.status, 'success', describeRun(run));
  return run;
}

after(async () => {
  // Later files run against the same store: base options, start-up catalog, no faults, in sync.
  const source = standIn();
  await source.reset({});
  await restartStore({});
  const admin = await adminClient();
  const run = await syncRun(admin);
  assert.equal(run.status, 'success', describeRun(run));
});

test('onMissing "keep": products removed upstream stay exactly as they were, the rest syncs', { timeout: 300_000 }, async () => {
  const env = e2eEnv();
  await restartStore({ onMissing: 'keep' });
  const admin = await adminClient(env);
  const source = standIn(env);
  await converge(admin, source);
  const before = bySourceId(await admin.products());
  const removed = [10, 11, 12];
  const removedIds = removed.map((id) => before.get(id).id);
  const rowsBefore = await liveRows(env.databaseUrl, removedIds);
  assert.deepEqual(tablesOf(rowsBefore).filter((t) => PRODUCT_TABLES.includes(t)), [...PRODUCT_TABLES].sort(), 'the removed products have every part');

  const price5 = await bumpPrice(source, 5, 4.5);
  const title6 = `${before.get(6).title} Keep Edition`;
  await source.mutate({ update: [{ id: 6, title: title6 }], remove: removed });
  const catalog = new Map((await source.catalog()).map((p) => [p.id, p]));
  assert.equal(catalog.size, 191);
  // The removed three, and whatever earlier files left in the shared store that is not upstream.
  const missingUpstream = [...before.keys()].filter((id) => !catalog.has(id)).length;
  assert.ok(missingUpstream >= 3, `${missingUpstream} owned products are missing upstream`);

  const run = await syncRun(admin);
  const info = describeRun(run);
  assert.equal(run.status, 'success', info);
  // Kept products are counted as kept: neither unchanged (they are not upstream) nor archived or deleted.
  assert.deepEqual(countsOf(run), counts({ fetched: 191, updated: 2, unchanged: 189, kept: missingUpstream }), info);
  assert.deepEqual(run.errors, [], info);
  assert.equal(run.products_synced, 191, info);

  const after1 = bySourceId(await admin.products());
  assert.equal(after1.size, before.size, 'no product was removed from the store');
  const rewritten = [];
  for (const [id, p] of before) {
    if (id === 5 || id === 6) continue;
    if (JSON.stringify(writtenState(after1.get(id))) !== JSON.stringify(writtenState(p))) rewritten.push(id);
  }
  assert.deepEqual(rewritten, [], 'only the two changed products were written');
  for (const id of removed) {
    assert.deepEqual(writtenState(after1.get(id)), writtenState(before.get(id)), `removed product ${id} is untouched`);
    assert.equal(after1.get(id).status, 'published', `removed product ${id} stays published`);
  }
  assert.deepEqual(await liveRows(env.databaseUrl, removedIds), rowsBefore, 'no row of the removed products changed (SQL)');
  const diffs = [5, 6].flatMap((id) => diffProduct(after1.get(id), catalog.get(id), { handle: before.get(id).handle }));
  assert.deepEqual(diffs, [], summarizeDiffs(diffs));
  assert.equal(Number(after1.get(5).variants[0].prices.find((p) => p.currency_code === 'usd').amount), price5);
  assert.equal(after1.get(6).title, title6);

  // The next run keeps them again, without writing anything.
  const again = await syncRun(admin);
  assert.equal(again.status, 'success', describeRun(again));
  assert.deepEqual(countsOf(again), counts({ fetched: 191, unchanged: 191, kept: missingUpstream }), describeRun(again));
  assert.deepEqual(await liveRows(env.databaseUrl, removedIds), rowsBefore, 'still untouched');

  // Back upstream unchanged: nothing to write for them; 5 and 6 go back to their original content.
  await source.reset({});
  const back = await syncRun(admin);
  assert.equal(back.status, 'success', describeRun(back));
  assert.deepEqual(countsOf(back), counts({ fetched: 194, updated: 2, unchanged: 192, kept: missingUpstream - removed.length }),
    describeRun(back));
  assert.deepEqual(await liveRows(env.databaseUrl, removedIds), rowsBefore, 'the returning products were not written');
});

test('onMissing "delete": removed products are deleted like deleteProductsWorkflow does, and come back once with their handles', { timeout: 400_000 }, async () => {
  const env = e2eEnv();
  await restartStore({ onMissing: 'delete', maxRemovalRatio: 1 });
  const admin = await adminClient(env);
  const source = standIn(env);
  const merchantProducts = [];
  try {
    // Products earlier runs left behind (drafted or kept, no longer upstream) are deleted first.
    await source.reset({});
    const catalogIds = new Set((await source.catalog()).map((p) => p.id));
    const leftovers = (await admin.products()).filter((p) => sourceIdOf(p) !== null && !catalogIds.has(sourceIdOf(p)));
    const first = await converge(admin, source);
    assert.equal(first.deleted, leftovers.length, describeRun(first));
    assert.equal(first.archived, 0, describeRun(first));
    assert.deepEqual(await liveRows(env.databaseUrl, leftovers.map((p) => p.id)), [], 'no live row is left of the leftovers');

    // Product 13 was archived earlier (a draft), 91 and 92 share a title handle (92 has the suffixed one).
    let before = bySourceId(await admin.products());
    assert.equal(before.size, 194, 'the store holds exactly the source catalog');
    await admin.post(`/admin/products/${before.get(13).id}`, { status: 'draft' });
    before = bySourceId(await admin.products());
    assert.equal(before.get(13).status, 'draft');
    assert.equal(before.get(92).handle, `${before.get(91).handle}-92`, 'precondition: 92 carries the suffixed handle');
    const removed = [10, 13, 91, 92];
    const removedIds = removed.map((id) => before.get(id).id);
    const rowsBefore = await liveRows(env.databaseUrl, removedIds);
    assert.deepEqual(tablesOf(rowsBefore).filter((t) => PRODUCT_TABLES.includes(t)), [...PRODUCT_TABLES].sort(), 'the removed products have every part');
    const ownedBefore = await liveOwnedProducts(env.databaseUrl);

    await bumpPrice(source, 5, 7.25);
    await source.mutate({ remove: removed });
    const run = await syncRun(admin);
    const info = describeRun(run);
    assert.equal(run.status, 'success', info);
    assert.deepEqual(countsOf(run), counts({ fetched: 190, updated: 1, unchanged: 189, deleted: 4 }), info);
    assert.deepEqual(run.errors, [], info);

    const afterDelete = bySourceId(await admin.products());
    assert.deepEqual(removed.filter((id) => afterDelete.has(id)), [], 'the removed products are gone from the admin API');
    assert.equal(afterDelete.size, 190);
    for (const id of removedIds) {
      const res = await admin.raw('GET', `/admin/products/${id}`);
      assert.equal(res.status, 404, `GET /admin/products/${id} of a deleted product`);
    }
    // In SQL: soft-deleted (deleted_at set), with everything deleteProductsWorkflow deletes along.
    const [[softDeleted]] = await psql(env.databaseUrl, `SELECT count(*) FROM product WHERE id = ANY(${sqlIds(removedIds)}) AND deleted_at IS NOT NULL`);
    assert.equal(Number(softDeleted), 4, 'the product rows are soft-deleted');
    assert.deepEqual(await liveRows(env.databaseUrl, removedIds), [], 'no live row is left of the deleted products');
    const ownedAfter = await liveOwnedProducts(env.databaseUrl);
    const touched = [...ownedAfter].filter(([id, at]) => ownedBefore.get(id) !== at).map(([id]) => id);
    assert.deepEqual(touched, [before.get(5).id], 'apart from the deletions only product 5 was written');
    assert.equal(ownedAfter.size, ownedBefore.size - 4);

    // While 13 is gone, a merchant creates a product with its handle: 13 cannot have it back.
    const handle13 = before.get(13).handle;
    const { product: merchant } = await admin.post('/admin/products', {
      title: 'Merchant product with a freed handle', handle: handle13, status: 'draft',
      options: [{ title: 'Default', values: ['Default'] }],
    });
    merchantProducts.push(merchant.id);
    assert.equal(merchant.handle, handle13);

    await source.reset({});
    const catalog = new Map((await source.catalog()).map((p) => [p.id, p]));
    const back = await syncRun(admin);
    assert.equal(back.status, 'success', describeRun(back));
    assert.deepEqual(countsOf(back), counts({ fetched: 194, created: 4, updated: 1, unchanged: 189 }), describeRun(back));
    const returned = bySourceId(await admin.products());
    assert.equal(returned.size, 194);
    const expectedHandle = new Map([[10, before.get(10).handle], [13, `${handle13}-13`], [91, before.get(91).handle], [92, before.get(92).handle]]);
    const diffs = removed.flatMap((id) => diffProduct(returned.get(id), catalog.get(id), { handle: expectedHandle.get(id) }));
    assert.deepEqual(diffs, [], summarizeDiffs(diffs));
    const rows = await productRowsBySource(env.databaseUrl, removed);
    for (const id of removed) {
      assert.deepEqual(rows.get(id), { live: [returned.get(id).id], deleted: [before.get(id).id] },
        `product ${id}: one live row (created again) and the deleted one`);
      assert.notEqual(returned.get(id).id, before.get(id).id);
    }
    assert.deepEqual(tablesOf(await liveRows(env.databaseUrl, removed.map((id) => returned.get(id).id))).filter((t) => PRODUCT_TABLES.includes(t)),
      [...PRODUCT_TABLES].sort(), 'the products created again have every part');
    const { product: merchantNow } = await admin.get(`/admin/products/${merchant.id}?fields=id,handle,updated_at,external_id`);
    assert.deepEqual(merchantNow, { id: merchant.id, handle: handle13, updated_at: merchant.updated_at, external_id: null },
      'the merchant product is not the sync\'s and stays as it was');

    // They landed once: the next run has nothing to do, and the handles stay.
    const settled = await syncRun(admin);
    assert.equal(settled.status, 'success', describeRun(settled));
    assert.deepEqual(countsOf(settled), counts({ fetched: 194, unchanged: 194 }), describeRun(settled));
    const settledProducts = bySourceId(await admin.products());
    for (const id of removed) assert.equal(settledProducts.get(id).handle, expectedHandle.get(id), `product ${id} keeps its handle`);
  } finally {
    for (const id of merchantProducts) await admin.raw('DELETE', `/admin/products/${id}`);
  }
});

test('onMissing "delete" deletes nothing when the fetch cannot be trusted', { timeout: 400_000 }, async () => {
  const env = e2eEnv();
  await restartStore({ onMissing: 'delete', maxRemovalRatio: 1 });
  const admin = await adminClient(env);
  const source = standIn(env);
  try {
    await converge(admin, source);
    let live = await liveOwnedProducts(env.databaseUrl);
    assert.equal(live.size, 194);

    // The catalog shifts while it is paged: 10-12 are removed after page 1 (ids 1-30) was read, so every
    // later page starts three products further and 31-33, still upstream, are never received.
    const shifted = await syncChangingSourceAfterFirstPage(admin, source, () => source.mutate({ remove: [10, 11, 12] }));
    assert.equal(shifted.status, 'partial', describeRun(shifted));
    assert.deepEqual(countsOf(shifted), counts({ fetched: 191, unchanged: 191, kept: 3 }), describeRun(shifted));
    assert.deepEqual(shifted.errors, [{ source_id: null, field: null, code: 'INCOMPLETE_FETCH',
      message: 'received 191 of 194 products; 3 product(s) missing upstream were neither archived nor deleted' }], describeRun(shifted));
    assert.deepEqual(await liveOwnedProducts(env.databaseUrl), live, 'no product was deleted or written');

    // A complete fetch of the same catalog deletes exactly the products that are gone.
    const complete = await syncRun(admin);
    assert.equal(complete.status, 'success', describeRun(complete));
    assert.deepEqual(countsOf(complete), counts({ fetched: 191, unchanged: 191, deleted: 3 }), describeRun(complete));
    let stored = bySourceId(await admin.products());
    assert.deepEqual([10, 11, 12, 31, 32, 33].filter((id) => stored.has(id)), [31, 32, 33], '10-12 deleted, 31-33 kept');
    live = await liveOwnedProducts(env.databaseUrl);

    // The source goes down after the first page: the run fails before writing anything.
    await source.mutate({ remove: [20] });
    const down = await syncChangingSourceAfterFirstPage(admin, source, () => source.faults({ down: true }));
    assert.equal(down.status, 'failed', describeRun(down));
    assert.match(down.error_message || '', /503/, describeRun(down));
    assert.deepEqual(countsOf(down), counts({}), describeRun(down));
    assert.deepEqual(await liveOwnedProducts(env.databaseUrl), live, 'nothing was deleted or written');
    const recovered = await syncRun(admin);
    assert.equal(recovered.status, 'success', describeRun(recovered));
    assert.deepEqual(countsOf(recovered), counts({ fetched: 190, unchanged: 190, deleted: 1 }), describeRun(recovered));
    live = await liveOwnedProducts(env.databaseUrl);

    // A rejected product without an id could be any owned product: removals are skipped. Product 40 (served
    // without its id) would otherwise be deleted along with 30, which really is gone.
    await source.mutate({ remove: [30] });
    await source.faults({ malformed: { 40: 'missing-id' } });
    const unidentified = await syncRun(admin);
    await source.faults({});
    assert.equal(unidentified.status, 'partial', describeRun(unidentified));
    assert.deepEqual(countsOf(unidentified), counts({ fetched: 189, unchanged: 188, rejected: 1, kept: 2 }), describeRun(unidentified));
    assert.deepEqual(unidentified.errors.map((e) => [e.source_id, e.field, e.code]), [[null, 'id', 'MISSING_FIELD'], [null, null, 'REMOVALS_SKIPPED']],
      describeRun(unidentified));
    assert.equal(unidentified.errors[1].message,
      '2 product(s) missing upstream were neither archived nor deleted: 1 rejected product(s) had no usable id and could be any of them');
    assert.deepEqual(await liveOwnedProducts(env.databaseUrl), live, 'nothing was deleted or written');
    const clean = await syncRun(admin);
    assert.equal(clean.status, 'success', describeRun(clean));
    assert.deepEqual(countsOf(clean), counts({ fetched: 189, unchanged: 189, deleted: 1 }), describeRun(clean));
    stored = bySourceId(await admin.products());
    assert.deepEqual([30, 40].filter((id) => stored.has(id)), [40], '30 deleted, 40 kept');
    live = await liveOwnedProducts(env.databaseUrl);

    // An empty catalog is far more likely an outage than the truth: nothing is deleted, the run fails.
    await source.reset({ size: 0 });
    const empty = await syncRun(admin);
    assert.equal(empty.status, 'failed', describeRun(empty));
    assert.deepEqual(countsOf(empty), counts({ kept: live.size }), describeRun(empty));
    assert.deepEqual(empty.errors, [{ source_id: null, field: null, code: 'REMOVALS_SKIPPED',
      message: `${live.size} product(s) missing upstream were neither archived nor deleted: the source returned no product at all` }], describeRun(empty));
    assert.deepEqual(await liveOwnedProducts(env.databaseUrl), live, 'nothing was deleted or written');

    // Everything back: the five deleted products are created again.
    const restored = await converge(admin, source);
    assert.deepEqual(countsOf(restored), counts({ fetched: 194, created: 5, unchanged: 189 }), describeRun(restored));
  } finally {
    await source.faults({});
  }
});
