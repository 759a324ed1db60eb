'use strict';
/**
 * Option changes between syncs never recreate a product (issue 11 item 1): the store is restarted with another
 * `currencyCode`, `salesChannelId` and `stockLocationId` in turn, and after each sync every product and variant
 * id is the one it had before. The currency change adds the new currency's price to every variant and keeps the
 * old price with its id and amount; the channel change links every product to the new channel and keeps the old
 * link; the location change gives every inventory item a level at the new location and keeps the old level.
 * The file puts the store back as it found it (base options, no second channel or location levels).
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { adminClient, standIn, restartStore, bySourceId, describeRun, e2eEnv } = require('./context');

/** Product id and sorted variant ids of each product, by source id. */
function ids(products) {
  return new Map([...products].map(([id, p]) => [id, { product: p.id, variants: p.variants.map((v) => v.id).sort() }]));
}

/** The variant's live inventory item (the sync's variant has one). */
function itemOf(product) {
  const [link] = product.variants[0].inventory_items.filter((l) => l.inventory);
  return link.inventory;
}

test('currency, sales channel and stock location changes keep every product and variant id', { timeout: 900_000 }, async () => {
  const env = e2eEnv();
  let admin = await adminClient(env);
  const source = standIn(env);
  await source.reset({});
  assert.equal((await admin.sync()).status, 'success');
  const catalog = new Map((await source.catalog()).map((p) => [p.id, p]));
  // Every product the store has (earlier files may leave drafts of products no longer upstream: their ids must
  // survive too), and the ones upstream, which the sync writes.
  const before = bySourceId(await admin.products());
  const upstream = (products) => [...products].filter(([sourceId]) => catalog.has(sourceId));
  assert.equal(upstream(before).length, 194);

  await restartStore({ currencyCode: 'eur' }, env);
  admin = await adminClient(env);
  const eur = await admin.sync();
  assert.equal(eur.status, 'success', describeRun(eur));
  assert.deepEqual([eur.created, eur.updated, eur.deleted], [0, 194, 0], describeRun(eur));
  const afterEur = bySourceId(await admin.products());
  assert.deepEqual(ids(afterEur), ids(before), 'the currency change kept every product and variant id');
  for (const [sourceId, product] of upstream(afterEur)) {
    const prices = product.variants[0].prices;
    const old = before.get(sourceId).variants[0].prices.find((p) => p.currency_code === 'usd');
    const usd = prices.find((p) => p.currency_code === 'usd');
    const added = prices.filter((p) => p.currency_code === 'eur');
    assert.deepEqual([usd.id, Number(usd.amount)], [old.id, Number(old.amount)], `product ${sourceId}: the USD price stays`);
    assert.equal(added.length, 1, `product ${sourceId}: one EUR price`);
    assert.equal(Number(added[0].amount), catalog.get(sourceId).price, `product ${sourceId}: EUR amount`);
  }
  const eurAgain = await admin.sync();
  assert.deepEqual([eurAgain.updated, eurAgain.completed, eurAgain.unchanged], [0, 0, 194], describeRun(eurAgain));

  const { sales_channel: channel } = await admin.post('/admin/sales-channels', { name: 'E2E second channel' });
  const { stock_location: location } = await admin.post('/admin/stock-locations', { name: 'E2E second location' });
  await restartStore({ currencyCode: 'eur', salesChannelId: channel.id }, env);
  admin = await adminClient(env);
  const linked = await admin.sync();
  assert.equal(linked.status, 'success', describeRun(linked));
  assert.deepEqual([linked.created, linked.updated, linked.deleted], [0, 0, 0], describeRun(linked));
  const afterChannel = bySourceId(await admin.products());
  assert.deepEqual(ids(afterChannel), ids(before), 'the sales channel change kept every product and variant id');
  for (const [sourceId, product] of afterChannel) {
    const channels = product.sales_channels.map((c) => c.id).sort();
    const old = before.get(sourceId).sales_channels.map((c) => c.id);
    assert.deepEqual(channels, [...old, channel.id].sort(), `product ${sourceId}: linked to the new channel, old link kept`);
  }

  await restartStore({ currencyCode: 'eur', salesChannelId: channel.id, stockLocationId: location.id }, env);
  admin = await adminClient(env);
  const moved = await admin.sync();
  assert.equal(moved.status, 'success', describeRun(moved));
  assert.deepEqual([moved.created, moved.updated, moved.deleted, moved.stock_levels], [0, 0, 0, 194], describeRun(moved));
  const afterLocation = bySourceId(await admin.products());
  assert.deepEqual(ids(afterLocation), ids(before), 'the stock location change kept every product and variant id');
  for (const [sourceId, product] of upstream(afterLocation)) {
    const item = itemOf(product);
    const oldItem = itemOf(before.get(sourceId));
    assert.equal(item.id, oldItem.id, `product ${sourceId}: same inventory item`);
    const levels = new Map(item.location_levels.map((l) => [l.location_id, Number(l.stocked_quantity)]));
    assert.equal(levels.get(location.id), catalog.get(sourceId).stock, `product ${sourceId}: level at the new location`);
    for (const old of oldItem.location_levels) {
      assert.equal(levels.get(old.location_id), Number(old.stocked_quantity), `product ${sourceId}: old level kept`);
    }
  }

  // Back to the base options; the second channel and the levels at the second location go (EUR prices stay:
  // the sync no longer updates them, and the other test files look at USD prices only).
  await restartStore({}, env);
  admin = await adminClient(env);
  const remove = async (path) => {
    const res = await admin.raw('DELETE', path);
    assert.equal(res.status, 200, `DELETE ${path}: ${JSON.stringify(res.body)}`);
  };
  const items = await admin.listAll('/admin/inventory-items?fields=id,location_levels.id,location_levels.location_id', 'inventory_items');
  const levelIds = items.flatMap((item) => item.location_levels.filter((l) => l.location_id === location.id).map((l) => l.id));
  assert.equal(levelIds.length, 194, 'one level per synced item at the second location');
  await admin.post('/admin/inventory-items/location-levels/batch', { delete: levelIds, force: true });
  await remove(`/admin/stock-locations/${location.id}`);
  await remove(`/admin/sales-channels/${channel.id}`);
  const back = await admin.sync();
  assert.equal(back.status, 'success', describeRun(back));
  assert.deepEqual(ids(bySourceId(await admin.products())), ids(before), 'every id survived the round trip');
});
