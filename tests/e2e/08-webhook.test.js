'use strict';
/**
 * The signed webhook (`POST /webhooks/product-update`) against the built store: off (503) without a secret;
 * with one, a genuine call syncs only its products (one `GET /products/:id` each, trigger `webhook`), a
 * product the source answers 404 for is left as it is with a REMOVAL_LEFT_TO_FULL_SYNC notice (the next full
 * sync drafts it, onMissing "draft"); a bad signature, a stale timestamp, a malformed body and an oversize body
 * get 401/401/400/413 and change nothing; a replay of an accepted call gets 200 `{ duplicate: true }` and starts
 * nothing, while the same body at another timestamp is a new delivery; a burst of calls while a full sync runs
 * lands in one queued run, synced as soon as the running sync ends, without blocking Sync Now.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { e2eEnv, adminClient, standIn, restartStore, bySourceId, describeRun } = require('./context');
const { diffProduct, summarizeDiffs } = require('../support/expected-mapping');
const { sleep } = require('../support/medusa-admin');
const { sendWebhook } = require('../support/webhook-client');

const SECRET = 'e2e-webhook-secret-0f3c9a71';

/** `updated_at` of every store product, by source id. */
const stamps = (products) => new Map([...products].map(([id, p]) => [id, p.updated_at]));

/** Source ids whose product row changed between two reads, ascending. */
const changedIds = (before, after) => [...after].filter(([id, at]) => before.get(id) !== at).map(([id]) => id).sort((a, b) => a - b);

/** A price moved by `delta`, with two decimals. */
const moved = (price, delta) => Math.round((price + delta) * 100) / 100;

test('the signed webhook: targeted syncs, refusals that change nothing, and a burst queued behind a sync', { timeout: 900_000 }, async (t) => {
  const env = e2eEnv();
  const source = standIn(env);
  await source.reset({});
  await source.faults({});
  let admin = await adminClient(env);

  await t.test('without a webhookSecret the webhook is off: 503, nothing runs', async () => {
    const { count } = await admin.runs(1, 0);
    const answer = await sendWebhook(env.medusaUrl, SECRET, { product_id: 1 });
    assert.equal(answer.status, 503, JSON.stringify(answer.body));
    assert.equal(answer.body.code, 'WEBHOOK_SECRET_MISSING');
    assert.equal(typeof answer.body.message, 'string');
    assert.equal((await admin.runs(1, 0)).count, count, 'no run was recorded');
  });

  await restartStore({ webhookSecret: SECRET }, env);
  try {
    admin = await adminClient(env);
    const baseline = await admin.sync();
    assert.ok(['success', 'partial'].includes(baseline.status), describeRun(baseline));

    await t.test('a genuine call syncs only its product, with one GET /products/:id', async () => {
      const catalog = new Map((await source.catalog()).map((p) => [p.id, p]));
      const before = bySourceId(await admin.products());
      await source.mutate({
        update: [
          { id: 21, price: moved(catalog.get(21).price, 3.5), title: `${catalog.get(21).title} Webhook Edition` },
          { id: 22, price: moved(catalog.get(22).price, 1.25) },
        ],
      });
      const current = new Map((await source.catalog()).map((p) => [p.id, p]));
      await source.resetStats();

      const answer = await sendWebhook(env.medusaUrl, SECRET, { product_id: 21, event: 'product.updated' });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.match(answer.body.run_id, /^csrun_/);
      assert.equal(answer.body.queued, false);
      const run = await admin.waitForRun(answer.body.run_id);
      const info = describeRun(run);
      assert.equal(run.status, 'success', info);
      assert.equal(run.trigger, 'webhook');
      assert.deepEqual(run.product_ids, [21]);
      assert.deepEqual([run.fetched, run.updated, run.created, run.unchanged, run.archived], [1, 1, 0, 0, 0], info);

      const stats = await source.stats();
      assert.equal(stats.byRoute['/products/:id'], 1, JSON.stringify(stats.byRoute));
      assert.equal(stats.byRoute['/products'] ?? 0, 0, 'no page of the product list was fetched');

      const after = bySourceId(await admin.products());
      assert.deepEqual(changedIds(stamps(before), stamps(after)), [21], 'only product 21 was written');
      const diffs = diffProduct(after.get(21), current.get(21), { handle: before.get(21).handle });
      assert.equal(diffs.length, 0, summarizeDiffs(diffs));
      assert.equal(Number(after.get(22).variants[0].prices[0].amount), catalog.get(22).price, 'product 22, not named, keeps its old price');
    });

    await t.test('bad signature, stale timestamp, malformed and oversize bodies get 401/401/400/413 and change nothing', async () => {
      const runsBefore = (await admin.runs(1, 0)).count;
      const before = stamps(bySourceId(await admin.products()));
      await source.resetStats();
      const now = Math.floor(Date.now() / 1000);
      const body = JSON.stringify({ product_id: 22 });
      const cases = [
        ['wrong secret', () => sendWebhook(env.medusaUrl, 'not-the-secret', body), 401, 'WEBHOOK_SIGNATURE_MISMATCH'],
        ['no signature', () => sendWebhook(env.medusaUrl, SECRET, body, { signature: null }), 401, 'WEBHOOK_SIGNATURE_MISSING'],
        ['stale timestamp (6 min old)', () => sendWebhook(env.medusaUrl, SECRET, body, { timestamp: now - 360 }), 401, 'WEBHOOK_TIMESTAMP_STALE'],
        ['malformed JSON, signed', () => sendWebhook(env.medusaUrl, SECRET, '{"product_id": 22'), 400, 'WEBHOOK_BODY_INVALID'],
        ['no ids, signed', () => sendWebhook(env.medusaUrl, SECRET, { event: 'product.updated' }), 400, 'WEBHOOK_BODY_INVALID'],
        ['malformed JSON, unsigned', () => sendWebhook(env.medusaUrl, SECRET, '{"product_id": 22', { signature: null }), 401, 'WEBHOOK_SIGNATURE_MISSING'],
        ['65537 bytes', () => sendWebhook(env.medusaUrl, SECRET, Buffer.alloc(65_537, 0x20)), 413, 'WEBHOOK_BODY_TOO_LARGE'],
        ['10 MB', () => sendWebhook(env.medusaUrl, SECRET, Buffer.alloc(10 * 1024 * 1024, 0x20)), 413, 'WEBHOOK_BODY_TOO_LARGE'],
      ];
      for (const [name, send, status, code] of cases) {
        const answer = await send();
        assert.deepEqual({ name, status: answer.status, code: answer.body && answer.body.code }, { name, status, code },
          JSON.stringify(answer.body).slice(0, 300));
        assert.equal(typeof answer.body.message, 'string', name);
      }
      assert.equal((await admin.runs(1, 0)).count, runsBefore, 'no run was recorded');
      assert.equal((await source.stats()).requests, 0, 'the source was not asked anything');
      assert.deepEqual(changedIds(before, stamps(bySourceId(await admin.products()))), [], 'no product was written');
      assert.equal((await admin.syncStatus()).running, null, 'no sync runs');
    });

    await t.test('an id the source answers 404 for is left to the next full sync, which drafts it', async () => {
      const before = bySourceId(await admin.products());
      await source.mutate({ remove: [23] });
      const answer = await sendWebhook(env.medusaUrl, SECRET, { product_ids: [23, 987654], event: 'product.deleted' });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      const run = await admin.waitForRun(answer.body.run_id);
      const info = describeRun(run);
      assert.equal(run.status, 'success', `a notice is not a problem: ${info}`);
      assert.deepEqual(run.product_ids, [23, 987654]);
      assert.deepEqual([run.fetched, run.updated, run.archived, run.deleted, run.kept, run.created], [0, 0, 0, 0, 1, 0], info);
      assert.deepEqual(run.errors, [{ source_id: 23, field: null, code: 'REMOVAL_LEFT_TO_FULL_SYNC',
        message: 'product 23: the source answered 404, but a webhook run removes nothing: the product stays as it is until ' +
          'the next full sync, which sets it to draft if the source no longer lists it' }], info);
      let after = bySourceId(await admin.products());
      assert.equal(after.get(23).status, 'published', 'product 23 is left as it is');
      assert.deepEqual(changedIds(stamps(before), stamps(after)), [], 'no product was written');
      assert.equal(after.has(987654), false, 'an unknown id creates nothing');

      const full = await admin.sync();
      assert.equal(full.status, 'success', describeRun(full));
      assert.equal(full.archived, 1, describeRun(full));
      after = bySourceId(await admin.products());
      assert.equal(after.get(23).status, 'draft', 'the full sync, with its complete listing, drafts product 23');
      assert.equal(after.get(23).variants.length, 1, 'a draft keeps its variant');
      assert.deepEqual(changedIds(stamps(before), stamps(after)), [22, 23],
        'the full sync wrote 23 (drafted) and 22 (changed upstream earlier, named by no webhook), nothing else');
    });

    await t.test('a replayed call gets 200 { duplicate: true } and starts nothing; another timestamp is a new delivery', async () => {
      const body = JSON.stringify({ product_ids: [24, 25] });
      const timestamp = Math.floor(Date.now() / 1000);
      const first = await sendWebhook(env.medusaUrl, SECRET, body, { timestamp });
      assert.equal(first.status, 202, JSON.stringify(first.body));
      await admin.waitForRun(first.body.run_id);
      const runsBefore = (await admin.runs(1, 0)).count;
      await source.resetStats();
      const replays = await Promise.all([1, 2, 3].map(() => sendWebhook(env.medusaUrl, SECRET, body, { timestamp })));
      assert.deepEqual(replays.map((r) => [r.status, r.body]), [1, 2, 3].map(() => [200, { duplicate: true }]));
      assert.equal((await admin.syncStatus()).running, null, 'no sync runs');
      assert.equal((await admin.runs(1, 0)).count, runsBefore, 'no run was recorded');
      assert.equal((await source.stats()).requests, 0, 'the source was not asked anything');

      const resent = await sendWebhook(env.medusaUrl, SECRET, body, { timestamp: timestamp - 2 });
      assert.equal(resent.status, 202, JSON.stringify(resent.body));
      const run = await admin.waitForRun(resent.body.run_id);
      assert.equal(run.status, 'success', describeRun(run));
      assert.deepEqual(run.product_ids, [24, 25]);
    });

    await t.test('a burst of calls while a sync runs waits in one queued run, synced when the sync ends', async () => {
      await source.reset({});
      // Give the full sync writes to make, and slow the source down (first page alone, then two waves).
      const catalog = new Map((await source.catalog()).map((p) => [p.id, p]));
      await source.mutate({ update: [...Array(60).keys()].map((i) => ({ id: 101 + i, price: moved(catalog.get(101 + i).price, 2) })) });
      await source.faults({ slowMs: 400 });
      const fullId = await admin.trigger();
      // Once the first page (products 1-30) is in, change products on it: the full sync can no longer see that.
      for (let run = await admin.run(fullId); (run.progress?.pages_fetched ?? 0) < 1; run = await admin.run(fullId)) {
        assert.equal(run.status, 'running', `the full sync ended early: ${describeRun(run)}`);
        await sleep(50);
      }
      await source.mutate({ update: [{ id: 5, price: moved(catalog.get(5).price, 7) }, { id: 29, title: 'Queued Webhook Title' }] });
      const burst = [[5], [6, 7], [7, 8], [5, 29], [29]];
      const answers = await Promise.all(burst.map((ids) => sendWebhook(env.medusaUrl, SECRET, { product_ids: ids })));
      const queuedId = answers[0].body.run_id;
      assert.deepEqual(answers.map((a) => [a.status, a.body.run_id, a.body.queued]), burst.map(() => [202, queuedId, true]),
        JSON.stringify(answers.map((a) => a.body)));
      const queuedIds = [5, 6, 7, 8, 29];

      const status = await admin.syncStatus();
      assert.equal(status.running && status.running.id, fullId, 'the full sync is the running one');
      assert.deepEqual(status.queued && [status.queued.id, status.queued.status, status.queued.trigger, status.queued.product_ids],
        [queuedId, 'queued', 'webhook', queuedIds]);
      const sooner = await admin.triggerRaw();
      assert.equal(sooner.status, 409, 'Sync Now is refused while the full sync runs');
      assert.equal(sooner.body.run_id, fullId, 'because of the running sync, not the queued run');

      await source.faults({});
      const full = await admin.waitForRun(fullId);
      assert.equal(full.status, 'success', describeRun(full));
      assert.equal(full.updated, 63,
        `the 60 repriced products and three reverted ones (21 and 22, changed by the first test, 23, drafted): ${describeRun(full)}`);
      const queued = await admin.waitForRun(queuedId);
      const info = describeRun(queued);
      assert.equal(queued.status, 'success', info);
      assert.deepEqual(queued.product_ids, queuedIds);
      assert.deepEqual([queued.fetched, queued.updated, queued.unchanged], [5, 2, 3], `5 and 29 changed after the full sync read them: ${info}`);
      assert.ok(Date.parse(queued.started_at) >= Date.parse(full.finished_at), 'the queued run started after the full sync ended');

      const current = new Map((await source.catalog()).map((p) => [p.id, p]));
      const stored = bySourceId(await admin.products());
      const diffs = queuedIds.flatMap((id) => diffProduct(stored.get(id), current.get(id)));
      assert.equal(diffs.length, 0, summarizeDiffs(diffs));
      const idle = await admin.syncStatus();
      assert.deepEqual([idle.running, idle.queued], [null, null], 'nothing left running or queued');
      // Free again: Sync Now is accepted.
      const next = await admin.sync();
      assert.equal(next.status, 'success', describeRun(next));
      assert.equal(next.updated, 0, describeRun(next));
    });
  } finally {
    await source.faults({});
    await source.reset({});
    await admin.sync().catch(() => {});
    await restartStore({}, env);
  }
});
