'use strict';
/**
 * Operator control (issue 15), in headless Chromium in the real admin: the source changes, "Preview changes"
 * lists the changed products field by field and writes nothing, "Apply" writes exactly that (the store then equals
 * the source); a slow sync is stopped with "Stop" and ends `cancelled`, the next sync completes it without
 * duplicates; a synced product's page shows the sync widget and "Resync this product" brings it in line; the
 * source breaks before a scheduled run and the failure is in the notification drawer. Screenshots in
 * tests/artifacts/admin-operator-*.png.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { e2eEnv, adminClient, standIn, restartStore, bySourceId, describeRun } = require('./context');
const { launchBrowser, newPage, login, screenshot, waitUntil, textOf } = require('./admin/browser');
const { sleep } = require('../support/medusa-admin');

/** Syncs until a run ends `success` (a first run may also complete an earlier test file's leftovers). */
async function converge(admin) {
  let run;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    run = await admin.sync();
    if (run.status === 'success') return run;
  }
  assert.fail(`no successful sync: ${describeRun(run)}`);
}

/** The usd price of a store product's first variant. */
function priceOf(product) {
  return product.variants[0].prices.find((price) => price.currency_code === 'usd')?.amount;
}

/** The store agrees with the source: each listed product is published with its title and price, once. */
async function assertStoreEqualsSource(admin, source) {
  const catalog = await source.catalog();
  const store = bySourceId(await admin.products());
  for (const product of catalog) {
    const stored = store.get(product.id);
    assert.ok(stored, `product ${product.id} is in the store`);
    assert.deepEqual([stored.title, priceOf(stored), stored.status], [product.title, product.price, 'published'], `product ${product.id}`);
  }
  const listed = new Set(catalog.map((product) => product.id));
  for (const [id, stored] of store) {
    if (!listed.has(id)) assert.equal(stored.status, 'draft', `product ${id}, gone upstream, is a draft`);
  }
}

/** Waits until the run page shows the status. */
function waitForStatus(page, status, timeoutMs = 120_000) {
  return waitUntil(`the run page to show ${status}`, async () =>
    (await page.getByTestId('run-status').first().getAttribute('data-status')) === status, { timeoutMs });
}

test('preview, apply, stop, the product widget and the failure notification, in the admin', { timeout: 900_000 }, async (t) => {
  const env = e2eEnv();
  const source = standIn(env);
  await source.reset({});
  let admin = await adminClient(env);
  await converge(admin);

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await newPage(browser);
  await login(page, env.medusaUrl, env.email, env.password);

  await t.test('Preview changes lists the changed products field by field and writes nothing; Apply writes it', async () => {
    await source.mutate({ update: [{ id: 3, title: 'Lamp Deluxe', price: 12.5 }, { id: 4, description: 'A new text' }], remove: [6] });
    const { added } = await source.mutate({ add: 1 });
    const before = await admin.products();

    await page.goto(`${env.medusaUrl}/app/catalog-sync`);
    await page.getByTestId('preview-changes').click();
    await page.waitForURL(/\/app\/catalog-sync\/runs\/csrun_/, { timeout: 30_000 });
    const previewId = page.url().split('/').pop();
    const preview = await admin.waitForRun(previewId);
    assert.equal(preview.trigger, 'preview');
    assert.equal(preview.status, 'success', describeRun(preview));
    assert.deepEqual(preview.change_counts, { created: 1, updated: 2, removed: 1, kept: 191, rejected: 0, held: 0 });
    const after = await admin.products();
    assert.deepEqual(after.map((p) => [p.id, p.updated_at]), before.map((p) => [p.id, p.updated_at]), 'the preview wrote no product');

    await page.getByTestId('preview-changes-list').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('change-count-updated').getAttribute('data-count'), '2');
    await page.getByTestId('change-count-updated').click();
    await waitUntil('the updated products', async () => (await page.getByTestId('change-row').count()) === 2);
    await page.locator('[data-testid="change-row"][data-source-id="3"]').click();
    const diff = page.getByTestId('change-diff').first();
    await diff.waitFor();
    const fields = await diff.getByTestId('change-field').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-field')));
    assert.deepEqual(fields, ['title', 'price']);
    assert.equal(await textOf(diff.locator('[data-field="title"] [data-testid="change-new"]')), 'Lamp Deluxe');
    assert.equal(await textOf(diff.locator('[data-field="price"] [data-testid="change-new"]')), '12.5');
    await screenshot(page, 'admin-operator-preview');

    await page.getByTestId('apply-preview').click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor({ timeout: 15_000 });
    assert.match(await textOf(dialog), /1 created, 2 updated, 1 removed/);
    await sleep(500); // the dialog's fade-in
    await screenshot(page, 'admin-operator-apply-confirm');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/admin/sync/runs/${previewId}/apply`) && r.request().method() === 'POST'),
      dialog.getByRole('button', { name: 'Apply' }).click(),
    ]);
    assert.equal(response.status(), 202);
    const { run_id: applyId } = await response.json();
    await page.waitForURL(`**/app/catalog-sync/runs/${applyId}`, { timeout: 30_000 });
    const applied = await admin.waitForRun(applyId);
    assert.equal(applied.status, 'success', describeRun(applied));
    assert.deepEqual([applied.trigger, applied.preview_of, applied.created, applied.updated, applied.archived],
      ['apply_preview', previewId, 1, 2, 1]);
    await waitForStatus(page, 'success');
    assert.equal(await textOf(page.getByTestId('run-preview-of')), previewId);
    await screenshot(page, 'admin-operator-applied');
    await assertStoreEqualsSource(admin, source);
    assert.ok(bySourceId(await admin.products()).has(added[0]), 'the added product was created');
  });

  await t.test('Stop ends a slow sync cancelled; the next sync completes it without duplicates', async () => {
    // Small batches, links instead of copies: the 150 new products take 30 create batches.
    await restartStore({ batchSize: 5, images: 'link' });
    try {
      admin = await adminClient(env);
      await login(page, env.medusaUrl, env.email, env.password);
      await source.mutate({ add: 150 });
      const runId = await admin.trigger();
      await page.goto(`${env.medusaUrl}/app/catalog-sync/runs/${runId}`);
      await waitUntil('the first batches to land', async () => (await admin.run(runId)).progress?.products_written >= 10,
        { timeoutMs: 120_000, intervalMs: 50 });
      await page.getByText('Writing products').first().waitFor({ timeout: 30_000 });
      await page.getByTestId('stop-run').click();
      const dialog = page.getByRole('alertdialog');
      await dialog.waitFor({ timeout: 15_000 });
      assert.match(await textOf(dialog), /Stop this sync\?/);
      await sleep(500); // the dialog's fade-in
      await screenshot(page, 'admin-operator-stop-confirm');
      await dialog.getByRole('button', { name: 'Stop' }).click();
      const cancelled = await admin.waitForRun(runId);
      assert.equal(cancelled.status, 'cancelled', describeRun(cancelled));
      assert.ok(cancelled.created > 0 && cancelled.created < 150, describeRun(cancelled));
      await waitForStatus(page, 'cancelled');
      await page.getByTestId('run-cancelled').waitFor();
      await screenshot(page, 'admin-operator-stopped');
      assert.equal((await admin.syncStatus()).running, null, 'the lock is free');

      const next = await admin.sync();
      assert.equal(next.status, 'success', describeRun(next));
      assert.equal(next.created, 150 - cancelled.created, describeRun(next));
      const store = await admin.products();
      assert.equal(new Set(store.map((p) => p.external_id)).size, store.length, 'no product twice');
      await assertStoreEqualsSource(admin, source);
    } finally {
      await restartStore({});
      admin = await adminClient(env);
    }
  });

  await t.test('the product widget shows the sync state, and Resync this product brings it in line', async () => {
    // Back to the base options (images copied again, not linked): one sync rewrites the images of the products.
    await converge(admin);
    await login(page, env.medusaUrl, env.email, env.password);
    const product = bySourceId(await admin.products()).get(7);
    await page.goto(`${env.medusaUrl}/app/products/${product.id}`);
    const widget = page.getByTestId('product-sync-widget');
    await widget.waitFor({ timeout: 60_000 });
    assert.equal(await widget.getAttribute('data-status'), 'in_sync');
    assert.equal(await page.getByTestId('product-sync-source-link').getAttribute('href'), `${env.dummyjsonUrl}/products/7`);

    await source.mutate({ update: [{ id: 7, title: 'Seven Upstream', price: 70 }] });
    const preview = await admin.waitForRun((await admin.post('/admin/sync/preview')).run_id);
    assert.equal(preview.change_counts.updated, 1, describeRun(preview));
    await page.reload();
    await widget.waitFor({ timeout: 60_000 });
    await waitUntil('the widget to say changed upstream', async () => (await widget.getAttribute('data-status')) === 'changed_upstream');

    await page.getByTestId('product-sync-resync').click();
    const result = page.getByTestId('product-sync-resync-result');
    await result.waitFor({ timeout: 30_000 });
    await waitUntil('the resync to end', async () => (await result.getAttribute('data-status')) === 'success', { timeoutMs: 120_000 });
    await waitUntil('the widget to say in sync', async () => (await widget.getAttribute('data-status')) === 'in_sync', { timeoutMs: 30_000 });
    await screenshot(page, 'admin-operator-product-widget', widget);
    const synced = bySourceId(await admin.products()).get(7);
    assert.deepEqual([synced.id, synced.title, priceOf(synced)], [product.id, 'Seven Upstream', 70]);

    // A product the sync does not own shows no widget.
    const own = await admin.post('/admin/products', { title: 'Hand made', options: [{ title: 'Default', values: ['Default'] }] });
    await page.goto(`${env.medusaUrl}/app/products/${own.product.id}`);
    await page.getByText('Hand made').first().waitFor({ timeout: 60_000 });
    await sleep(2000);
    assert.equal(await widget.count(), 0, 'no widget on a product the sync does not own');
  });

  await t.test('a scheduled run that fails puts a notification in the drawer', async () => {
    await source.faults({ down: true });
    await restartStore({ schedule: '*/5 * * * * *', maxRetries: 0 });
    let failed;
    try {
      admin = await adminClient(env);
      failed = await waitUntil('a failed scheduled run', async () => {
        const { runs } = await admin.runs(20, 0);
        return runs.find((run) => run.trigger === 'schedule' && run.status === 'failed');
      }, { timeoutMs: 120_000, intervalMs: 500 });
    } finally {
      await source.faults({});
      await restartStore({});
      admin = await adminClient(env);
    }
    await login(page, env.medusaUrl, env.email, env.password);
    await page.goto(`${env.medusaUrl}/app/catalog-sync`);
    await page.getByTestId('catalog-sync-page').waitFor({ timeout: 60_000 });
    const triggers = page.locator('button[aria-haspopup="dialog"]');
    let drawer = null;
    for (let i = 0; i < (await triggers.count()) && !drawer; i += 1) {
      await triggers.nth(i).click();
      const dialog = page.getByRole('dialog').filter({ hasText: 'Notifications' });
      if (await dialog.count()) drawer = dialog;
      else await page.keyboard.press('Escape');
    }
    assert.ok(drawer, 'the notification drawer opens from the top bar');
    const entry = drawer.getByText('Scheduled catalog sync failed').first();
    await entry.waitFor({ timeout: 30_000 });
    assert.match(await textOf(drawer), new RegExp(`Run ${failed.id}: .*/app/catalog-sync/runs/${failed.id}`));
    await screenshot(page, 'admin-operator-notification');
    assert.deepEqual(page.problems.filter((p) => !/Failed to load resource/.test(p)), [], 'no script error in the admin');
    await converge(admin);
  });

  await t.test('back to the 194-product catalog for the next test file: the removal guard holds, Apply removals drafts', async () => {
    // The products this file added upstream are more than maxRemovalRatio (0.2) of those the sync owns: the run
    // holds their removals back, and applying them sets them to draft.
    await source.reset({});
    const back = await admin.sync();
    assert.equal(back.status, 'partial', describeRun(back));
    assert.equal(back.archived, 0, describeRun(back));
    assert.ok(back.held_removals.length > 0, describeRun(back));
    const apply = await admin.applyRemovals(back.id);
    assert.equal(apply.status, 202, JSON.stringify(apply.body));
    const applied = await admin.waitForRun(apply.body.run_id);
    assert.equal(applied.status, 'success', describeRun(applied));
    assert.equal(applied.archived, back.held_removals.length, describeRun(applied));
    const again = await admin.sync();
    assert.equal(again.status, 'success', describeRun(again));
  });
});
