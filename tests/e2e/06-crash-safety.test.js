'use strict';
/**
 * Crash safety: Medusa is killed with SIGKILL in the middle of writing a sync; after a restart the
 * interrupted run shows `failed` (not `running`, no lock left behind), and the next sync converges: every
 * source product exactly once, each with its variant, price, inventory item and sales channel.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { adminClient, standIn, bySourceId, defaultSalesChannelId, describeRun, e2eEnv } = require('./context');
const { diffProduct, summarizeDiffs } = require('../support/expected-mapping');
const { instancePid, startInstance, psql } = require('../support/medusa-process');
const { sleep } = require('../support/medusa-admin');

/** Number of live products the sync owns, straight from the database. */
async function ownedProductCount(databaseUrl) {
  const [[n]] = await psql(databaseUrl, "SELECT count(*) FROM product WHERE external_id LIKE 'dummyjson:%' AND deleted_at IS NULL");
  return Number(n);
}

test('kill -9 mid-sync: the run ends failed after restart and the next sync converges', { timeout: 600_000 }, async () => {
  const env = e2eEnv();
  let admin = await adminClient(env);
  const source = standIn(env);
  await source.reset({});
  assert.equal((await admin.sync()).status, 'success');
  const startCount = await ownedProductCount(env.databaseUrl);

  // 400 new products to create, every source answer (pages and images) slowed down: the write phase takes
  // long enough to be interrupted after some batches landed and before the last one.
  const { added } = await source.mutate({ add: 400 });
  assert.equal(added.length, 400);
  await source.faults({ slowMs: 150 });
  const pid = await instancePid(env.instanceDir);
  assert.ok(pid, 'Medusa runs');
  const runId = await admin.trigger();
  let killedAt = null;
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    const n = await ownedProductCount(env.databaseUrl);
    if (n > startCount) {
      process.kill(pid, 'SIGKILL');
      killedAt = n;
      break;
    }
    await sleep(50);
  }
  await source.faults({});
  assert.ok(killedAt !== null, 'the sync started writing products');
  assert.ok(killedAt < startCount + 400, `killed before the run wrote everything (${killedAt} products)`);
  for (let i = 0; i < 100 && (await instancePid(env.instanceDir)); i += 1) await sleep(100);
  assert.equal(await instancePid(env.instanceDir), null, 'the Medusa process is gone');

  await startInstance(env.instanceDir);
  admin = await adminClient(env);
  const interrupted = await admin.run(runId);
  assert.equal(interrupted.status, 'failed', describeRun(interrupted));
  assert.ok(interrupted.finished_at, 'the interrupted run has a finish time');
  assert.ok(interrupted.error_message, 'the interrupted run says why it failed');
  const status = await admin.syncStatus();
  assert.equal(status.running, null, 'nothing is running after the restart');

  // The lock did not survive the process: a new run starts and converges.
  const run = await admin.sync();
  assert.equal(run.status, 'success', describeRun(run));
  const catalog = await source.catalog();
  assert.equal(catalog.length, 594);
  const products = await admin.products();
  const stored = bySourceId(products);
  assert.equal(stored.size, 594, 'every source product exactly once');
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
  const [[dupes]] = await psql(env.databaseUrl, `SELECT count(*) FROM (SELECT external_id FROM product
    WHERE external_id LIKE 'dummyjson:%' AND deleted_at IS NULL GROUP BY external_id HAVING count(*) > 1) d`);
  assert.equal(Number(dupes), 0, 'no duplicate products in the database');
  const [[orphans]] = await psql(env.databaseUrl, `SELECT count(*) FROM product p
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
  const [[unusedItems]] = await psql(env.databaseUrl, `SELECT count(*) FROM inventory_item i
    WHERE i.deleted_at IS NULL AND i.metadata ? 'catalog_sync_external_id' AND NOT EXISTS (
      SELECT 1 FROM product_variant_inventory_item vii WHERE vii.inventory_item_id = i.id AND vii.deleted_at IS NULL)`);
  assert.equal(Number(unusedItems), 0, 'no inventory item of the sync is left without its variant');
  const [[levelless]] = await psql(env.databaseUrl, `SELECT count(*) FROM product_variant_inventory_item vii
    JOIN product_variant v ON v.id = vii.variant_id AND v.deleted_at IS NULL
    JOIN product p ON p.id = v.product_id AND p.deleted_at IS NULL AND p.external_id LIKE 'dummyjson:%'
    WHERE vii.deleted_at IS NULL AND (SELECT count(*) FROM inventory_level l
      WHERE l.inventory_item_id = vii.inventory_item_id AND l.deleted_at IS NULL) <> 1`);
  assert.equal(Number(levelless), 0, 'every synced inventory item has exactly one stock level');

  // Back to the 194-product catalog for the next test file.
  await source.reset({});
  const back = await admin.sync();
  assert.equal(back.status, 'success', describeRun(back));
  assert.equal(back.archived, 400, describeRun(back));
});
