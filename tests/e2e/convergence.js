'use strict';
/**
 * What "the store converged" means after a sync that followed an interrupted one (a process killed mid-write):
 * checked in the admin API and in SQL, shared by the one-instance crash test and the topology's takeover test.
 */
const assert = require('node:assert/strict');
const { bySourceId, defaultSalesChannelId } = require('./context');
const { diffProduct, summarizeDiffs } = require('../support/expected-mapping');
const { psql } = require('../support/medusa-process');
const { sleep } = require('../support/medusa-admin');

/** Number of live products the sync owns, straight from the database. */
async function ownedProductCount(databaseUrl) {
  const [[n]] = await psql(databaseUrl, "SELECT count(*) FROM product WHERE external_id LIKE 'dummyjson:%' AND deleted_at IS NULL");
  return Number(n);
}

/**
 * Polls a run until it is no longer `running`: a run whose process was killed ends `interrupted` once its lease ran
 * out (20 s after its last heartbeat) and a job tick (every 10 s) took it over.
 * @returns {Promise<object>} the run
 */
async function waitUntilEnded(admin, runId, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await admin.run(runId);
    if (run.status !== 'running') return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} is still running after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/**
 * Asserts that the store holds every source product exactly once, complete and as the source says (fields, price,
 * sales channel, stock level), with unique handles; and, in the database, no duplicate, no product without its
 * variant, price, inventory item or sales channel, no inventory item of the sync without its variant, and one stock
 * level per synced inventory item.
 * @param {import('../support/medusa-admin').MedusaAdmin} admin
 * @param {import('../support/dummyjson-control').DummyJsonControl} source
 * @param {string} databaseUrl
 */
async function assertConverged(admin, source, databaseUrl) {
  const catalog = await source.catalog();
  const products = await admin.products();
  const stored = bySourceId(products);
  assert.equal(stored.size, catalog.length, 'every source product exactly once');
  const salesChannelId = await defaultSalesChannelId(admin);
  const diffs = [];
  for (const p of catalog) {
    const actual = stored.get(p.id);
    if (!actual) diffs.push(`product ${p.id} is missing`);
    else diffs.push(...diffProduct(actual, p, { salesChannelId }));
  }
  assert.equal(diffs.length, 0, `${diffs.length} differences after convergence:\n${summarizeDiffs(diffs)}`);
  assert.equal(new Set(products.map((p) => p.handle)).size, products.length, 'handles are unique');

  // The database agrees: no duplicate external ids, no product without a variant, price, inventory item
  // or sales channel (including rows the admin API might not show).
  const [[dupes]] = await psql(databaseUrl, `SELECT count(*) FROM (SELECT external_id FROM product
    WHERE external_id LIKE 'dummyjson:%' AND deleted_at IS NULL GROUP BY external_id HAVING count(*) > 1) d`);
  assert.equal(Number(dupes), 0, 'no duplicate products in the database');
  const [[orphans]] = await psql(databaseUrl, `SELECT count(*) FROM product p
    WHERE p.external_id LIKE 'dummyjson:%' AND p.deleted_at IS NULL AND (
      NOT EXISTS (SELECT 1 FROM product_variant v WHERE v.product_id = p.id AND v.deleted_at IS NULL)
      OR EXISTS (SELECT 1 FROM product_variant v WHERE v.product_id = p.id AND v.deleted_at IS NULL AND (
        NOT EXISTS (SELECT 1 FROM product_variant_price_set vps JOIN price pr ON pr.price_set_id = vps.price_set_id
                    WHERE vps.variant_id = v.id AND vps.deleted_at IS NULL AND pr.deleted_at IS NULL)
        OR NOT EXISTS (SELECT 1 FROM product_variant_inventory_item vii WHERE vii.variant_id = v.id AND vii.deleted_at IS NULL)))
      OR NOT EXISTS (SELECT 1 FROM product_sales_channel psc WHERE psc.product_id = p.id AND psc.deleted_at IS NULL))`);
  assert.equal(Number(orphans), 0, 'every product has its variant, price, inventory item and sales channel');
  // A kill between a batch's inventory items and its products leaves items no variant uses; the next run
  // deletes them (they would block the products' SKUs) and every synced item has its level at one location.
  const [[unusedItems]] = await psql(databaseUrl, `SELECT count(*) FROM inventory_item i
    WHERE i.deleted_at IS NULL AND i.metadata ? 'catalog_sync_external_id' AND NOT EXISTS (
      SELECT 1 FROM product_variant_inventory_item vii WHERE vii.inventory_item_id = i.id AND vii.deleted_at IS NULL)`);
  assert.equal(Number(unusedItems), 0, 'no inventory item of the sync is left without its variant');
  const [[levelless]] = await psql(databaseUrl, `SELECT count(*) FROM product_variant_inventory_item vii
    JOIN product_variant v ON v.id = vii.variant_id AND v.deleted_at IS NULL
    JOIN product p ON p.id = v.product_id AND p.deleted_at IS NULL AND p.external_id LIKE 'dummyjson:%'
    WHERE vii.deleted_at IS NULL AND (SELECT count(*) FROM inventory_level l
      WHERE l.inventory_item_id = vii.inventory_item_id AND l.deleted_at IS NULL) <> 1`);
  assert.equal(Number(levelless), 0, 'every synced inventory item has exactly one stock level');

}

/**
 * Asserts that the sync ledger agrees with the store: one row per source product (the unique key), every row
 * `complete` and pointing at the product, the sync's variant and the live inventory item the store has for it.
 * @param {import('../support/medusa-admin').MedusaAdmin} admin
 * @param {import('../support/dummyjson-control').DummyJsonControl} source
 * @param {string} databaseUrl
 */
async function assertLedgerMatches(admin, source, databaseUrl) {
  const catalog = await source.catalog();
  const stored = bySourceId(await admin.products());
  const ledger = await psql(databaseUrl, `SELECT source, source_id, state, product_id, variant_id, inventory_item_id
    FROM catalog_sync_product WHERE deleted_at IS NULL`);
  const recorded = ledger.map(([, sourceId]) => Number(sourceId)).sort((a, b) => a - b);
  assert.deepEqual(recorded, catalog.map((p) => p.id).sort((a, b) => a - b), 'the ledger names every source product once');
  const wrong = [];
  for (const [source_, sourceId, state, productId, variantId, itemId] of ledger) {
    const product = stored.get(Number(sourceId));
    const item = product && product.variants[0].inventory_items.find((link) => link.inventory);
    const expected = [source_, state, productId, variantId, itemId];
    const actual = ['dummyjson', 'complete', product && product.id, product && product.variants[0].id, item && item.inventory.id];
    if (JSON.stringify(expected) !== JSON.stringify(actual)) wrong.push(`${sourceId}: ${JSON.stringify(expected)} != ${JSON.stringify(actual)}`);
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} ledger rows do not point at the store's product, variant and item`);
}

module.exports = { assertConverged, assertLedgerMatches, ownedProductCount, waitUntilEnded };
