'use strict';
/**
 * The catalog-sync admin in a real browser: headless Chromium (playwright-core + Debian's chromium) against
 * the built Medusa app with the packed plugin that tests/e2e/run.sh started. Logs in through the login form,
 * then checks the product-list widget (figures of a completed sync, Sync Now → running → new figures, a run
 * with rejected products, the 409 "already running" answer) and the Catalog sync page (run history, run
 * detail, analytics chart with one point per run, settings with the webhook secret masked, a webhook run queued
 * behind a running sync shown as Queued).
 * Screenshots go to tests/artifacts/admin-*.png.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { e2eEnv, adminClient, standIn, restartStore, describeRun } = require('./context');
const { launchBrowser, newPage, login, screenshot, waitUntil, textOf } = require('./admin/browser');
const { sendWebhook } = require('../support/webhook-client');
const core = require('../../pkg');

/** The widget figures and the run fields they show. */
const FIGURES = {
  synced: (run) => run.products_synced,
  created: (run) => run.created,
  updated: (run) => run.updated,
  unchanged: (run) => run.unchanged,
  archived: (run) => run.archived,
  rejected: (run) => run.rejected,
};

/** Figures shown only when not zero, and the run fields they show. */
const OPTIONAL_FIGURES = {
  kept: (run) => run.kept,
  deleted: (run) => run.deleted,
  stock: (run) => run.stock_levels,
  images: (run) => run.images_uploaded + run.images_reused,
  failed: (run) => run.failed,
};

/** A figure as the UI prints it ("1,234") → 1234. */
const parseCount = (text) => Number(String(text).replace(/[^\d.-]/g, ''));

/** Reads the six figures shown inside `scope`. */
async function shownFigures(scope) {
  const shown = {};
  for (const key of Object.keys(FIGURES)) {
    shown[key] = parseCount(await textOf(scope.getByTestId(`figure-${key}-value`)));
  }
  return shown;
}

/** The optional figures shown inside `scope` (absent ones as 0). */
async function shownOptionalFigures(scope) {
  const shown = {};
  for (const key of Object.keys(OPTIONAL_FIGURES)) {
    const figure = scope.getByTestId(`figure-${key}-value`);
    shown[key] = (await figure.count()) ? parseCount(await textOf(figure)) : 0;
  }
  return shown;
}

/** The optional figures of a run as the API reports them. */
const expectedOptionalFigures = (run) => Object.fromEntries(Object.entries(OPTIONAL_FIGURES).map(([key, of]) => [key, of(run)]));

/** The six figures of a run as the API reports them. */
const expectedFigures = (run) => Object.fromEntries(Object.entries(FIGURES).map(([key, of]) => [key, of(run)]));

/** Clicks Sync now and returns the answer of the trigger request it sent (`{ status, body }`). */
async function clickSyncNow(page, scope) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/admin/sync/trigger') && r.request().method() === 'POST'),
    scope.getByTestId('sync-now').click(),
  ]);
  return { status: response.status(), body: await response.json().catch(() => null) };
}

/** Waits until the widget (or page header) shows the finished run `runId`. */
async function waitForShownRun(scope, runId, timeoutMs = 180_000) {
  await scope.locator(`[data-testid="sync-last-run"][data-run-id="${runId}"]`).waitFor({ timeout: timeoutMs });
}

test('catalog sync admin: widget, Sync Now, errors, run history, analytics, settings', { timeout: 900_000 }, async (t) => {
  const env = e2eEnv();
  const admin = await adminClient(env);
  const source = standIn(env);
  await source.reset({});
  await source.faults({});

  const browser = await launchBrowser();
  t.after(async () => {
    await source.faults({}).catch(() => {});
    await browser.close();
  });
  const pages = [];
  const openPage = async () => {
    const opened = await newPage(browser);
    pages.push(opened);
    await login(opened, env.medusaUrl, env.email, env.password);
    return opened;
  };
  let page = await openPage();
  const widget = page.getByTestId('catalog-sync-widget');

  let baseline;
  await t.test('the product list widget shows the figures of a completed sync', async () => {
    baseline = await admin.sync();
    assert.notEqual(baseline.status, 'running', describeRun(baseline));
    await page.goto(`${env.medusaUrl}/app/products`);
    await widget.waitFor({ timeout: 60_000 });
    await waitForShownRun(widget, baseline.id, 30_000);
    assert.deepEqual(await shownFigures(widget), expectedFigures(baseline), 'widget figures = the run record');
    const badge = await textOf(widget.getByTestId('run-status'));
    assert.equal(badge.toLowerCase(), baseline.status, 'status badge');
    const when = await textOf(widget.getByTestId('sync-last-time'));
    assert.match(when, /Last sync (just now|\d+ seconds? ago)/, 'relative time of the last sync');
    assert.match(when, /\d{4}/, 'absolute time of the last sync (with the year)');
    await screenshot(page, 'admin-widget-completed', widget);
    await screenshot(page, 'admin-products-page');
  });

  await t.test('Sync Now moves the widget to running, then to the new figures', async () => {
    // Two new products and two changed ones upstream, so the new run's figures differ from the last one;
    // every source answer takes 1 s, so the running state lasts long enough to be seen.
    await source.mutate({ update: [{ id: 1, price: 9.99 }, { id: 2, title: 'Renamed by the admin e2e test' }], add: 2 });
    await source.faults({ slowMs: 1000 });
    const syncNow = widget.getByTestId('sync-now');
    assert.equal(await syncNow.isEnabled(), true, 'Sync now is enabled while no sync runs');
    const started = await clickSyncNow(page, widget);
    assert.equal(started.status, 202, JSON.stringify(started.body));

    await widget.getByTestId('sync-running').waitFor({ timeout: 15_000 });
    assert.equal(await syncNow.isDisabled(), true, 'Sync now is disabled while the sync runs');
    assert.equal((await textOf(widget.getByTestId('run-status'))).toLowerCase(), 'running');
    await widget.getByTestId('run-progress').waitFor();
    const running = await admin.run(started.body.run_id);
    assert.equal(running.trigger, 'manual');
    await waitUntil('pages fetched of total in the progress', async () =>
      /of \d+/.test(await textOf(widget.getByTestId('progress-pages-text'))), { timeoutMs: 30_000 });
    await screenshot(page, 'admin-widget-running', widget);

    await source.faults({});
    await waitForShownRun(widget, running.id);
    const done = await admin.run(running.id);
    assert.equal(done.status, 'success', describeRun(done));
    // Two changed products plus two added upstream. The added ids are new to this run's source, but the e2e
    // files share one store: an earlier file may already have synced (and later drafted) products with the
    // same ids, which then come back as updates instead of creates.
    assert.equal(done.created + done.updated, 4, `two changed and two added products are written: ${describeRun(done)}`);
    assert.equal(done.unchanged, done.fetched - 4, describeRun(done));
    assert.deepEqual(await shownFigures(widget), expectedFigures(done), 'the widget shows the new run figures');
    // Images stored, stock set, kept…: shown exactly when not zero (what this run has depends on what earlier
    // files left in the shared store).
    assert.deepEqual(await shownOptionalFigures(widget), expectedOptionalFigures(done), 'the widget shows images, stock, kept… when not zero');
    assert.notDeepEqual(expectedFigures(done), expectedFigures(baseline), 'the figures changed');
    assert.equal(await syncNow.isEnabled(), true, 'Sync now is enabled again');
    await screenshot(page, 'admin-widget-after-sync', widget);
  });

  let rejectedRun;
  await t.test('a run with rejected products shows the error count and the errors', async () => {
    await source.faults({ malformedIds: [3, 5] });
    const started = await clickSyncNow(page, widget);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await waitForShownRun(widget, started.body.run_id);
    await source.faults({});
    rejectedRun = await admin.run(started.body.run_id);
    assert.equal(rejectedRun.status, 'partial', describeRun(rejectedRun));
    assert.equal(rejectedRun.rejected, 2, describeRun(rejectedRun));

    assert.equal(parseCount(await textOf(widget.getByTestId('figure-rejected-value'))), 2, 'rejected count in the widget');
    assert.equal((await textOf(widget.getByTestId('run-status'))).toLowerCase(), 'partial');
    const preview = widget.getByTestId('error-preview');
    assert.match(await textOf(preview), new RegExp(`${rejectedRun.errors.length} errors? in this run`));
    const items = preview.getByTestId('error-preview-item');
    assert.equal(await items.count(), Math.min(3, rejectedRun.errors.length), 'the first errors are listed');
    const listed = (await items.allTextContents()).join('\n');
    for (const error of rejectedRun.errors.slice(0, 3)) {
      assert.ok(listed.includes(`Product ${error.source_id}`), `error of product ${error.source_id} listed:\n${listed}`);
      assert.ok(listed.includes(error.message), `message "${error.message}" listed:\n${listed}`);
    }
    await screenshot(page, 'admin-widget-rejected', widget);

    await preview.getByTestId('error-preview-link').click();
    await page.waitForURL(`**/app/catalog-sync/runs/${rejectedRun.id}`);
    const detail = page.getByTestId('run-detail');
    await detail.waitFor({ timeout: 30_000 });
    assert.equal(await detail.getAttribute('data-run-id'), rejectedRun.id);
    const rows = page.getByTestId('error-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), rejectedRun.errors.length, 'every error of the run is in the table');
    const table = await textOf(page.getByTestId('errors-table'));
    for (const error of rejectedRun.errors) {
      assert.ok(table.includes(error.message), `run page lists "${error.message}"`);
      if (error.field) assert.ok(table.includes(error.field), `run page names the field ${error.field}`);
    }
    assert.deepEqual(
      rejectedRun.errors.map((e) => e.source_id).sort((a, b) => a - b), [3, 5], 'the malformed products are the ones rejected');
    assert.ok((await page.getByTestId('phase-row').count()) >= 3, 'phase timings are shown');
    const owner = rejectedRun.owner;
    assert.equal(await textOf(page.getByTestId('run-owner')), `${owner.mode} · ${owner.host} · pid ${owner.pid} (boot ${owner.boot.slice(0, 8)})`,
      'the run page says which instance ran the run');
    await screenshot(page, 'admin-run-detail');
  });

  await t.test('a 409 from Sync Now says a sync is already running, not that it failed', async () => {
    await page.goto(`${env.medusaUrl}/app/products`);
    await waitForShownRun(widget, rejectedRun.id, 60_000);
    // Another admin (here: the API) starts a sync before this page has polled again.
    await source.faults({ slowMs: 1000 });
    const otherRun = await admin.trigger();
    const refused = await clickSyncNow(page, widget);
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    await widget.getByTestId('sync-now-conflict').waitFor({ timeout: 15_000 });
    assert.equal(await textOf(widget.getByTestId('sync-now-conflict')), 'A sync is already running');
    assert.equal(await widget.getByTestId('sync-now-error').count(), 0, 'no error shown for a 409');
    await widget.getByTestId('sync-running').waitFor({ timeout: 15_000 });
    await screenshot(page, 'admin-widget-conflict', widget);
    await source.faults({});
    const done = await admin.waitForRun(otherRun);
    await waitForShownRun(widget, done.id);
  });

  await t.test('the Catalog sync page lists the runs, opens a run, and charts one point per run', async () => {
    await page.getByTestId('catalog-sync-history-link').click();
    await page.waitForURL('**/app/catalog-sync');
    assert.ok(await page.locator('nav a[href$="/catalog-sync"], aside a[href$="/catalog-sync"]').count() > 0,
      'the Catalog sync page is in the sidebar');
    const { runs, count } = await admin.runs(20, 0);
    const rows = page.getByTestId('run-row');
    await rows.first().waitFor({ timeout: 30_000 });
    await waitUntil('the run history to list the newest runs', async () => (await rows.count()) === Math.min(20, count));
    const shownIds = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-run-id')));
    assert.deepEqual(shownIds, runs.map((r) => r.id), 'the table lists the runs newest first');
    await screenshot(page, 'admin-page-runs');

    await page.locator(`[data-testid="run-row"][data-run-id="${rejectedRun.id}"]`).click();
    await page.waitForURL(`**/app/catalog-sync/runs/${rejectedRun.id}`);
    await page.getByTestId('run-detail').waitFor();
    assert.equal(await textOf(page.getByTestId('run-id')), rejectedRun.id);
    await page.getByTestId('back-to-catalog-sync').click();
    await page.waitForURL('**/app/catalog-sync');

    await page.getByTestId('tab-analytics').click();
    await page.getByTestId('range-all').click();
    const analytics = await admin.get('/admin/sync/analytics');
    const firstPage = await admin.runs(100, 0);
    const allRuns = { count: firstPage.count, runs: [...firstPage.runs] };
    while (allRuns.runs.length < allRuns.count) {
      const next = await admin.runs(100, allRuns.runs.length);
      assert.ok(next.runs.length > 0, 'the runs pages reach the count');
      allRuns.runs.push(...next.runs);
    }
    // The analytics count the ended runs of the statuses and triggers the core names (not previews, not
    // cancelled runs).
    const { analyzedStatuses, analyzedTriggers } = core.runVocabulary();
    const finished = allRuns.runs.filter((r) => analyzedStatuses.includes(r.status) && analyzedTriggers.includes(r.trigger)).length;
    assert.equal(analytics.runs_in_range, finished, 'the analytics count every finished run they analyze');
    assert.equal(analytics.points.length, finished, 'one point per run');
    const withDuration = analytics.points.filter((p) => p.duration_seconds !== null).length;
    const dots = page.locator('[data-testid="chart-duration"] .recharts-line-dot');
    await waitUntil(`${withDuration} duration dots in the chart`, async () => (await dots.count()) === withDuration, { timeoutMs: 30_000 });
    const statRuns = parseCount(await textOf(page.getByTestId('stat-runs-value')));
    assert.equal(statRuns, finished, 'the Runs total');
    const bars = page.locator('[data-testid="chart-products"] .recharts-bar-rectangle');
    assert.ok((await bars.count()) >= finished, 'a bar (stack) per run in the products chart');
    await screenshot(page, 'admin-page-analytics');

    await page.getByTestId('range-24h').click();
    await waitUntil('the 24 h range to chart the same recent runs', async () => (await dots.count()) === withDuration);
  });

  await t.test('the analytics API validates its range and counts only the runs in it', async () => {
    const bad = await admin.raw('GET', '/admin/sync/analytics?from=yesterday');
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.match(bad.body.message, /"from" must be an ISO 8601 date-time/);
    const reversed = await admin.raw('GET', '/admin/sync/analytics?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z');
    assert.equal(reversed.status, 400, JSON.stringify(reversed.body));
    const hence = (hours) => encodeURIComponent(new Date(Date.now() + hours * 3600_000).toISOString());
    const future = await admin.get(`/admin/sync/analytics?from=${hence(1)}&to=${hence(2)}`);
    assert.equal(future.points.length, 0);
    assert.equal(future.totals.runs, 0);
    const { runs } = await admin.runs(3, 0);
    const since = runs[runs.length - 1].started_at;
    const recent = await admin.get(`/admin/sync/analytics?from=${encodeURIComponent(since)}`);
    assert.deepEqual(recent.points.map((p) => p.run_id), runs.map((r) => r.id).reverse(), 'the runs since `from`, oldest first');
    const byId = new Map(runs.map((r) => [r.id, r]));
    for (const point of recent.points) {
      const run = byId.get(point.run_id);
      assert.equal(point.created, run.created);
      assert.equal(point.rejected, run.rejected);
      assert.equal(point.duration_seconds, run.duration_ms / 1000);
    }
    assert.equal(recent.totals.created, runs.reduce((sum, r) => sum + r.created, 0));
  });

  const secret = 'e2e-webhook-secret-value-42';
  await restartStore({ webhookSecret: secret, pageSize: null }, env); // pageSize unset: shown as the default
  try {
    page = await openPage();
    await t.test('the settings panel shows the effective options, with the webhook secret masked', async () => {
      await page.goto(`${env.medusaUrl}/app/catalog-sync?tab=settings`);
      await page.getByTestId('settings').waitFor({ timeout: 60_000 });
      assert.equal(await textOf(page.getByTestId('setting-sourceUrl-value')), env.dummyjsonUrl);
      assert.match(await textOf(page.getByTestId('setting-schedule-value')), /^Off/);
      assert.equal(await textOf(page.getByTestId('setting-webhookSecret-value')), '••••42');
      const html = await page.content();
      assert.ok(!html.includes(secret), 'the webhook secret never reaches the browser');
      assert.match(await textOf(page.getByTestId('setting-webhookSecret')), /Configured/);
      assert.match(await textOf(page.getByTestId('setting-pageSize')), /Default/);
      await screenshot(page, 'admin-page-settings');
    });

    await t.test('a webhook run queued behind the running sync shows as Queued in the widget and the history', async () => {
      const client = await adminClient(env);
      // A slow source keeps the full sync running while the page loads.
      await source.faults({ slowMs: 4000 });
      try {
        const fullId = await client.trigger();
        const answer = await sendWebhook(env.medusaUrl, secret, { product_ids: [4, 3] });
        assert.equal(answer.status, 202, JSON.stringify(answer.body));
        assert.equal(answer.body.queued, true, JSON.stringify(answer.body));
        const queuedId = answer.body.run_id;

        await page.goto(`${env.medusaUrl}/app/products`);
        const queued = page.getByTestId('catalog-sync-widget').getByTestId('sync-queued');
        await queued.waitFor({ timeout: 60_000 });
        assert.equal(await queued.getAttribute('data-run-id'), queuedId);
        assert.match(await textOf(queued), /Webhook sync of products 3, 4, queued .*; it starts when this sync ends/);
        assert.equal(await queued.getByTestId('run-status').getAttribute('data-status'), 'queued');
        assert.equal(await textOf(queued.getByTestId('run-status')), 'Queued');
        assert.equal(await page.getByTestId('catalog-sync-widget').getByTestId('sync-running').count(), 1,
          'the running sync is shown above it');
        await screenshot(page, 'admin-widget-queued');

        await page.getByTestId('catalog-sync-history-link').click();
        const row = page.locator(`[data-testid="run-row"][data-run-id="${queuedId}"]`);
        await row.waitFor({ timeout: 60_000 });
        assert.equal(await row.getByTestId('run-status').getAttribute('data-status'), 'queued');
        await source.faults({});
        assert.equal((await client.waitForRun(fullId)).status, 'success');
        const done = await client.waitForRun(queuedId);
        assert.equal(done.status, 'success', describeRun(done));
        assert.deepEqual(done.product_ids, [3, 4]);
        await waitUntil('the history to show the queued run finished', async () =>
          (await row.getByTestId('run-status').getAttribute('data-status')) === 'success', { timeoutMs: 60_000 });
      } finally {
        await source.faults({});
      }
    });
  } finally {
    await restartStore({}, env);
  }

  await t.test('the browser reported no script errors', () => {
    const problems = pages.flatMap((p) => p.problems).filter((p) => !/Failed to load resource/.test(p));
    assert.deepEqual(problems, []);
  });
});
