'use strict';
/**
 * Upstream changes (price, title, stock, category, removals, additions) are applied exactly: only the
 * changed products are written — a stock change moves only that product's stock level, without writing
 * the product — removed ones are archived as drafts (onMissing "draft"), added ones are created;
 * restoring the source brings every product back.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { adminClient, standIn, bySourceId, countsOf, describeRun } = require('./context');
const { diffProduct, categoryName, summarizeDiffs } = require('../support/expected-mapping');

/** A product's stocked quantity (its variant's inventory levels, summed). */
function stockOf(product) {
  const items = product.variants[0].inventory_items || [];
  return items.flatMap((i) => i.inventory.location_levels).reduce((n, l) => n + Number(l.stocked_quantity), 0);
}

test('changes, removals and additions are applied exactly, and reverting them converges', { timeout: 300_000 }, async () => {
  const admin = await adminClient();
  const source = standIn();
  await source.reset({});
  const baseline = await admin.sync();
  assert.ok(['success'].includes(baseline.status), describeRun(baseline));
  const before = bySourceId(await admin.products());
  const original = new Map((await source.catalog()).map((p) => [p.id, p]));

  // Product 8 moves to another existing category, product 9 to a category the store does not have yet.
  const newCategoryFor8 = original.get(8).category === 'laptops' ? 'tablets' : 'laptops';
  const changes = await source.mutate({
    update: [
      { id: 5, price: Math.round((original.get(5).price + 10.5) * 100) / 100 },
      { id: 6, title: `${original.get(6).title} Deluxe Edition` },
      // Only the stock: the availability text stays (else the product content changes too).
      { id: 7, stock: 3, availabilityStatus: original.get(7).availabilityStatus },
      { id: 8, category: newCategoryFor8 },
      { id: 9, category: 'garden-tools' },
    ],
    remove: [10, 11, 12],
    add: 2,
  });
  assert.deepEqual(changes.added.length, 2);
  const addedIds = changes.added;
  const catalog = await source.catalog();
  const current = new Map(catalog.map((p) => [p.id, p]));

  const run = await admin.sync();
  const info = describeRun(run);
  assert.equal(run.status, 'success', info);
  assert.deepEqual(countsOf(run), { fetched: 193, created: 2, updated: 4, unchanged: 187, archived: 3, rejected: 0 }, info);
  assert.equal(run.stock_levels, 1, `product 7's level moved; the 2 added products were created with theirs (${info})`);

  const after = bySourceId(await admin.products());
  assert.equal(after.size, 196, '194 - 0 deleted + 2 added (removed ones are kept as drafts)');
  const changedIds = new Set([5, 6, 8, 9, 10, 11, 12]);
  const untouchedButWritten = [];
  for (const [id, p] of before) {
    if (!changedIds.has(id) && after.get(id).updated_at !== p.updated_at) untouchedButWritten.push(id);
  }
  assert.deepEqual(untouchedButWritten, [], 'products that did not change upstream were not written');

  const diffs = [];
  for (const id of [5, 6, 7, 8, 9, ...addedIds]) {
    diffs.push(...diffProduct(after.get(id), current.get(id)));
  }
  assert.equal(diffs.length, 0, summarizeDiffs(diffs));
  assert.equal(after.get(6).handle, before.get(6).handle, 'a retitled product keeps its handle');
  for (const id of [5, 6, 8, 9]) assert.notEqual(after.get(id).updated_at, before.get(id).updated_at, `product ${id} was updated`);
  const levelsMoved = [...before.keys()].filter((id) => stockOf(after.get(id)) !== stockOf(before.get(id)));
  assert.deepEqual(levelsMoved, [7], 'only the stock level of product 7 moved');
  assert.equal(stockOf(after.get(7)), 3);
  for (const id of [10, 11, 12]) {
    assert.equal(after.get(id).status, 'draft', `removed product ${id} is a draft`);
    assert.equal(after.get(id).variants.length, 1, `removed product ${id} keeps its variant`);
  }
  for (const id of addedIds) assert.equal(after.get(id).status, 'published', `added product ${id}`);
  for (const id of addedIds) assert.equal(stockOf(after.get(id)), current.get(id).stock, `stock of added product ${id}`);
  const categories = await admin.categories();
  const garden = categories.find((c) => c.handle === 'garden-tools');
  assert.ok(garden, 'the new category was created');
  assert.equal(garden.name, categoryName('garden-tools', await source.categories()));
  assert.equal(categories.length, 25);
  assert.equal(new Set([...after.values()].map((p) => p.handle)).size, after.size, 'handles stay unique');

  // Restore the original catalog: the drafts come back published, the additions become drafts.
  await source.reset({});
  const back = await admin.sync();
  assert.equal(back.status, 'success', describeRun(back));
  assert.deepEqual(countsOf(back), { fetched: 194, created: 0, updated: 7, unchanged: 187, archived: 2, rejected: 0 }, describeRun(back));
  assert.equal(back.stock_levels, 1, `only product 7's level moves back (${describeRun(back)})`);
  const restored = bySourceId(await admin.products());
  const restoreDiffs = [];
  for (const p of original.values()) restoreDiffs.push(...diffProduct(restored.get(p.id), p, { handle: before.get(p.id).handle }));
  assert.equal(restoreDiffs.length, 0, summarizeDiffs(restoreDiffs));
  for (const id of addedIds) assert.equal(restored.get(id).status, 'draft', `product ${id}, gone upstream, is a draft`);
});
