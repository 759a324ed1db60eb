'use strict';
/**
 * A flaky source (30 % HTTP 500 plus 429 with Retry-After) still yields every product with the retries
 * counted; malformed products are rejected with errors naming product and field while the rest lands
 * (run `partial`); a source that stays down fails the run cleanly and writes nothing.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { adminClient, standIn, bySourceId, describeRun } = require('./context');
const { diffProduct } = require('../support/expected-mapping');

/** Changes the price of the given products upstream (so a sync has something to write) and returns the new prices. */
async function bumpPrices(source, ids, delta) {
  const catalog = new Map((await source.catalog()).map((p) => [p.id, p]));
  const update = ids.map((id) => ({ id, price: Math.round((catalog.get(id).price + delta) * 100) / 100 }));
  await source.mutate({ update });
  return new Map(update.map((u) => [u.id, u.price]));
}

test('30% HTTP 500 plus 429s: every product lands and the retries are counted', { timeout: 300_000 }, async () => {
  const admin = await adminClient();
  const source = standIn();
  await source.reset({});
  await admin.sync();
  const prices = await bumpPrices(source, [40, 41, 42], 1.25);
  await source.faults({ seed: 11, errorRate: 0.3, rateLimitEvery: 5, retryAfterSeconds: 1 });
  try {
    const run = await admin.sync();
    const info = describeRun(run);
    const stats = await source.stats();
    const faultsServed = stats.faultsServed[500] + stats.faultsServed[429];
    assert.ok(stats.faultsServed[500] > 0 && stats.faultsServed[429] > 0, `the source answered 500 and 429 (${JSON.stringify(stats.faultsServed)})`);
    assert.equal(run.status, 'success', info);
    assert.equal(run.fetched, 194, info);
    assert.equal(run.updated, 3, info);
    assert.equal(run.retries, faultsServed, `one retry per faulty answer (${info})`);
    assert.ok(run.requests >= 8 + faultsServed, info);
    const stored = bySourceId(await admin.products());
    const catalog = await source.catalog();
    assert.deepEqual(catalog.filter((p) => stored.get(p.id)?.status !== 'published').map((p) => p.id), [], 'every source product is published');
    for (const [id, price] of prices) {
      assert.equal(Number(stored.get(id).variants[0].prices.find((p) => p.currency_code === 'usd').amount), price, `price of ${id}`);
    }
  } finally {
    await source.faults({});
  }
});

test('malformed products are rejected with errors naming product and field; the rest lands (partial)', { timeout: 300_000 }, async () => {
  const admin = await adminClient();
  const source = standIn();
  await source.reset({});
  await admin.sync();
  const before = bySourceId(await admin.products());
  const prices = await bumpPrices(source, [50, 51], 2);
  // Kinds in order: price "abc", no title, stock -5, no id, category null, images not an array, blank title.
  const malformed = [20, 21, 22, 23, 24, 25, 26];
  await source.faults({ malformedIds: malformed });
  try {
    const run = await admin.sync();
    const info = describeRun(run);
    assert.equal(run.status, 'partial', info);
    assert.equal(run.rejected, 7, info);
    assert.equal(run.updated, 2, info);
    const errors = run.errors || [];
    const errorFor = (id, field) => errors.find((e) => e.source_id === id && e.field === field);
    for (const [id, field] of [[20, 'price'], [21, 'title'], [22, 'stock'], [24, 'category'], [25, 'images'], [26, 'title']]) {
      const e = errorFor(id, field);
      assert.ok(e, `an error for product ${id}, field ${field}: ${JSON.stringify(errors)}`);
      assert.equal(typeof e.code, 'string');
      assert.match(e.message, new RegExp(`\\b${id}\\b`), `the message names product ${id}`);
      assert.match(e.message, new RegExp(field), `the message names field ${field}`);
    }
    assert.ok(errors.some((e) => e.field === 'id'), `the product without an id is reported: ${JSON.stringify(errors)}`);

    const after = bySourceId(await admin.products());
    for (const [id, price] of prices) {
      assert.equal(Number(after.get(id).variants[0].prices.find((p) => p.currency_code === 'usd').amount), price, `valid product ${id} was synced`);
    }
    for (const id of [20, 21, 22, 24, 25, 26]) {
      assert.equal(after.get(id).updated_at, before.get(id).updated_at, `rejected product ${id} was left as it was`);
      assert.equal(after.get(id).status, 'published', `rejected product ${id} stays published`);
    }
  } finally {
    await source.faults({});
  }
  const clean = await admin.sync();
  assert.equal(clean.status, 'success', describeRun(clean));
});

test('a source that stays down fails the run with a message naming URL and status, and writes nothing', { timeout: 300_000 }, async () => {
  const admin = await adminClient();
  const source = standIn();
  await source.reset({});
  await admin.sync();
  const before = await admin.products();
  await bumpPrices(source, [60, 61], 3);
  await source.faults({ down: true });
  try {
    const run = await admin.sync();
    const info = describeRun(run);
    assert.equal(run.status, 'failed', info);
    assert.match(run.error_message || '', /503/, info);
    assert.ok((run.error_message || '').includes(source.url), `the message names the URL (${run.error_message})`);
    assert.ok(run.retries > 0, info);
    assert.equal(run.created + run.updated + run.archived, 0, info);
    const after = await admin.products();
    assert.deepEqual(after.map((p) => `${p.id}@${p.updated_at}:${p.status}`).sort(), before.map((p) => `${p.id}@${p.updated_at}:${p.status}`).sort(),
      'no product was written');
    const status = await admin.syncStatus();
    assert.equal(status.running, null);
    assert.equal(status.status.id, run.id);
  } finally {
    await source.faults({});
  }
  // Back up: the next sync applies the pending changes.
  const recovered = await admin.sync();
  assert.equal(recovered.status, 'success', describeRun(recovered));
  assert.equal(recovered.updated, 2, describeRun(recovered));
  const catalog = await source.catalog();
  const stored = bySourceId(await admin.products());
  assert.deepEqual([60, 61].flatMap((id) => diffProduct(stored.get(id), catalog.find((p) => p.id === id))), []);
});
