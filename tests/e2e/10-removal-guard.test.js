'use strict';
/**
 * The removal guard against the built store (issue 11, item 2), through the admin API and, for "Apply
 * removals", the admin in headless Chromium. For each `onMissing` value the feed suddenly lists only its first
 * 60 products (the stand-in's `mutate { keepFirst }`): the run writes no product, and with "draft" / "delete"
 * it ends `partial` with REMOVALS_HELD_BACK and lists the held set (source id, product id, action), while with
 * "keep" it removes nothing anyway (success, nothing held, apply refused with 400). "Apply removals" then
 * applies exactly the held set once (API for "delete"; the run page's button and its confirmation dialog for
 * "draft", with screenshots tests/artifacts/admin-held-removals*.png), and a second apply is refused (409). The
 * store is converged back to the start-up catalog with the base options at the end.
 */
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { e2eEnv, adminClient, standIn, restartStore, bySourceId, describeRun } = require('./context');
const { launchBrowser, newPage, login, screenshot, waitUntil, textOf } = require('./admin/browser');

/** Products the shrunk feed keeps. */
const KEPT_UPSTREAM = 60;

/** Triggers a sync and returns the finished run. */
async function syncRun(admin) {
  const id = await admin.trigger();
  await admin.waitForRun(id);
  return admin.run(id);
}

/** What a removal would change on a product: its id, status and last write. */
const stateOf = (products) => new Map([...products].map(([id, p]) => [id, `${p.id} ${p.status} ${p.updated_at}`]));

/**
 * The start-up catalog, synced: products earlier files left in the shared store that the source does not have
 * any more are removed by `onMissing` (few of them, under maxRemovalRatio), the others are published.
 */
async function converge(admin, source) {
  await source.reset({});
  // A run an earlier file queued (or the restart re-queued) finishes first.
  await waitUntil('no sync running or queued', async () => {
    const { running, queued } = await admin.syncStatus();
    return running === null && queued === null;
  }, { timeoutMs: 120_000, intervalMs: 500 });
  const run = await syncRun(admin);
  assert.notEqual(run.status, 'failed', describeRun(run));
  assert.deepEqual(run.held_removals, [], `converging holds nothing back: ${describeRun(run)}`);
  return run;
}

/** Shrinks the feed to its first 60 products and syncs; checks that no product was written. */
async function shrinkAndSync(admin, source) {
  const before = bySourceId(await admin.products());
  await source.mutate({ keepFirst: KEPT_UPSTREAM });
  const run = await syncRun(admin);
  const missing = [...before.keys()].filter((id) => id > KEPT_UPSTREAM).sort((a, b) => a - b);
  assert.equal(run.fetched, KEPT_UPSTREAM, describeRun(run));
  assert.equal(run.unchanged, KEPT_UPSTREAM, describeRun(run));
  assert.deepEqual([run.created, run.updated, run.archived, run.deleted], [0, 0, 0, 0], describeRun(run));
  assert.deepEqual(stateOf(bySourceId(await admin.products())), stateOf(before), 'no product was written or removed');
  return { run, before, missing };
}

/** Checks the held set and the error of a held-back run; returns the held set. */
function assertHeldBack(run, before, missing, onMissing) {
  const info = describeRun(run);
  const drafts = onMissing === 'draft' ? missing.filter((id) => before.get(id).status === 'draft') : [];
  const held = missing.filter((id) => !drafts.includes(id));
  assert.equal(run.status, 'partial', info);
  assert.equal(run.kept, missing.length, info);
  const done = onMissing === 'draft' ? 'set to draft' : 'deleted';
  const share = Math.round((held.length / before.size) * 10000) / 100;
  assert.deepEqual(run.errors, [{ source_id: null, field: null, code: 'REMOVALS_HELD_BACK',
    message: `${held.length} product(s) missing upstream were not ${done} (onMissing "${onMissing}"): that is ${share}% of the ` +
      `${before.size} products the sync owns, above maxRemovalRatio 20%. Check the source; if the removals are right, ` +
      'apply them from the run page.' }], info);
  const action = onMissing === 'draft' ? 'archive' : 'delete';
  assert.deepEqual(run.held_removals, held.map((id) => ({ source_id: id, product_id: before.get(id).id, action })));
  assert.equal(run.removals_applied_by, null);
  return held;
}

after(async () => {
  // Later files run against the same store: base options, start-up catalog, in sync.
  const source = standIn();
  await source.reset({});
  await source.faults({});
  await restartStore({});
  const admin = await adminClient();
  const run = await syncRun(admin);
  assert.notEqual(run.status, 'failed', describeRun(run));
});

test('onMissing "keep": a shrunk feed removes nothing and holds nothing back', { timeout: 400_000 }, async () => {
  await restartStore({ onMissing: 'keep' });
  const admin = await adminClient();
  const source = standIn();
  await converge(admin, source);
  const { run, missing } = await shrinkAndSync(admin, source);
  assert.equal(run.status, 'success', describeRun(run));
  assert.equal(run.kept, missing.length, describeRun(run));
  assert.deepEqual([run.errors, run.held_removals], [[], []], describeRun(run));
  const refused = await admin.applyRemovals(run.id);
  assert.equal(refused.status, 400, JSON.stringify(refused.body));
  assert.equal(refused.body.code, 'NO_HELD_REMOVALS');
});

test('onMissing "delete": a shrunk feed deletes nothing; Apply removals (API) deletes exactly the held set, once', { timeout: 600_000 }, async () => {
  await restartStore({ onMissing: 'delete' });
  const admin = await adminClient();
  const source = standIn();
  await converge(admin, source);
  const { run, before, missing } = await shrinkAndSync(admin, source);
  const held = assertHeldBack(run, before, missing, 'delete');

  const started = await admin.applyRemovals(run.id);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  await admin.waitForRun(started.body.run_id);
  const applied = await admin.run(started.body.run_id);
  const info = describeRun(applied);
  assert.equal(applied.status, 'success', info);
  assert.equal(applied.trigger, 'apply_removals', info);
  assert.equal(applied.removals_of, run.id);
  assert.deepEqual([applied.fetched, applied.deleted, applied.archived, applied.created, applied.updated], [0, held.length, 0, 0, 0], info);
  assert.deepEqual(applied.errors, [], info);
  assert.equal((await admin.run(run.id)).removals_applied_by, applied.id);

  const after = bySourceId(await admin.products());
  assert.deepEqual(held.filter((id) => after.has(id)), [], 'every held product is deleted');
  const kept = [...before.keys()].filter((id) => !held.includes(id));
  assert.deepEqual(kept.filter((id) => `${after.get(id)?.id} ${after.get(id)?.updated_at}` !== `${before.get(id).id} ${before.get(id).updated_at}`), [],
    'no other product was written');

  const again = await admin.applyRemovals(run.id);
  assert.equal(again.status, 409, JSON.stringify(again.body));
  assert.equal(again.body.code, 'REMOVALS_ALREADY_APPLIED');
  assert.equal((await admin.runs(1, 0)).runs[0].id, applied.id, 'no run was started');

  // The source is back: the deleted products are created again (new ids: the operator chose to delete them).
  const back = await converge(admin, source);
  assert.equal(back.created, held.length, describeRun(back));
});

test('onMissing "draft": the run page lists the held set, and Apply removals asks first, then drafts exactly it', { timeout: 600_000 }, async (t) => {
  const env = e2eEnv();
  await restartStore({ onMissing: 'draft' });
  const admin = await adminClient(env);
  const source = standIn(env);
  await converge(admin, source);
  const { run, before, missing } = await shrinkAndSync(admin, source);
  const held = assertHeldBack(run, before, missing, 'draft');

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await newPage(browser);
  await login(page, env.medusaUrl, env.email, env.password);
  await page.goto(`${env.medusaUrl}/app/catalog-sync/runs/${run.id}`);
  const section = page.getByTestId('held-removals');
  await section.waitFor({ timeout: 60_000 });
  assert.equal(await section.getAttribute('data-count'), String(held.length));
  assert.equal(await textOf(page.getByTestId('held-removals-count')), `(${held.length})`);
  assert.equal(await textOf(page.getByTestId('held-removals-why')), run.errors[0].message);
  const rows = page.getByTestId('held-removal-row');
  assert.equal(await rows.count(), Math.min(20, held.length), 'the first page of the held set');
  const shown = await rows.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-source-id'))));
  assert.deepEqual(shown, held.slice(0, 20));
  assert.deepEqual([...new Set(await page.getByTestId('held-removal-action').allTextContents())], ['Set to draft']);
  await screenshot(page, 'admin-held-removals');

  // The button asks first; Cancel starts nothing.
  await page.getByTestId('apply-removals').click();
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor({ timeout: 15_000 });
  const dialogText = await textOf(dialog);
  assert.match(dialogText, new RegExp(`Apply ${held.length} held-back removals\\?`));
  assert.match(dialogText, new RegExp(`${held.length} products will be set to draft`));
  await screenshot(page, 'admin-held-removals-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 15_000 });
  assert.equal((await admin.runs(1, 0)).runs[0].id, run.id, 'Cancel started no run');
  assert.equal((await admin.run(run.id)).removals_applied_by, null);

  // Confirmed: the removals run starts and the page moves to it.
  await page.getByTestId('apply-removals').click();
  await dialog.waitFor({ timeout: 15_000 });
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/admin/sync/runs/${run.id}/apply-removals`) && r.request().method() === 'POST'),
    dialog.getByRole('button', { name: 'Apply removals' }).click(),
  ]);
  assert.equal(response.status(), 202);
  const { run_id: appliedId } = await response.json();
  await page.waitForURL(`**/app/catalog-sync/runs/${appliedId}`, { timeout: 30_000 });
  await admin.waitForRun(appliedId);
  const applied = await admin.run(appliedId);
  assert.equal(applied.status, 'success', describeRun(applied));
  assert.deepEqual([applied.trigger, applied.removals_of, applied.archived, applied.deleted], ['apply_removals', run.id, held.length, 0]);
  await waitUntil('the run page to show the finished removals run', async () =>
    (await page.getByTestId('run-status').first().getAttribute('data-status')) === 'success', { timeoutMs: 60_000 });
  assert.equal(await textOf(page.getByTestId('run-removals-of')), run.id);
  await screenshot(page, 'admin-held-removals-run');

  const after = bySourceId(await admin.products());
  assert.deepEqual(held.filter((id) => after.get(id)?.status !== 'draft' || after.get(id)?.id !== before.get(id).id), [],
    'every held product is a draft, with its id');
  const others = [...before.keys()].filter((id) => !held.includes(id));
  assert.deepEqual(others.filter((id) => after.get(id).updated_at !== before.get(id).updated_at), [], 'no other product was written');

  // Back on the held run: applied, no button; the API refuses a second apply.
  await page.goto(`${env.medusaUrl}/app/catalog-sync/runs/${run.id}`);
  await page.getByTestId('held-removals-applied').waitFor({ timeout: 30_000 });
  assert.equal(await textOf(page.getByTestId('held-removals-applied-link')), appliedId);
  assert.equal(await page.getByTestId('apply-removals').count(), 0, 'no Apply removals button once applied');
  await screenshot(page, 'admin-held-removals-applied');
  const again = await admin.applyRemovals(run.id);
  assert.equal(again.status, 409, JSON.stringify(again.body));
  assert.deepEqual(page.problems.filter((p) => !/Failed to load resource/.test(p)), [], 'no script error in the admin');

  // The source is back: the drafts are published again, with their ids.
  const back = await converge(admin, source);
  assert.equal(back.updated, held.length, describeRun(back));
});
