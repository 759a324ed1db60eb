'use strict';
/**
 * The core's answers of the plugin's admin API, through the built package: a stored run as the admin sees it
 * (`runView`), the analytics of a range of runs (`buildAnalytics`), the settings (`presentSettings`), and the
 * statuses/triggers/count columns the plugin's database enums and queries use (`runVocabulary`).
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const core = require(path.join(__dirname, '..', '..', 'pkg'));

/** A stored run as the module service reads it, dates already ISO text. */
function record(fields = {}) {
  const counts = Object.fromEntries(core.runVocabulary().countColumns.map((name) => [name, 0]));
  return {
    id: 'csrun_1', trigger: 'manual', status: 'success', started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:00:04.000Z', duration_ms: 4000, ...counts, requests: 3, retries: 1,
    phase_timings: { fetch: 120.5 }, progress: null, error_message: null, errors: null, product_ids: null,
    owner: null, heartbeat_at: null, requeued_run_id: null, held_removals: null, removals_applied_by: null,
    removals_of: null, created_at: new Date(), updated_at: new Date(), deleted_at: null, ...fields,
  };
}

test('runView derives the summary fields and puts the counts at the top and under counts', () => {
  const view = core.runView(record({ created: 2, updated: 3, unchanged: 5, rejected: 1, product_ids: { ids: [7] } }));
  assert.equal(view.products_synced, 10);
  assert.equal(view.products_created, 2);
  assert.equal(view.duration_seconds, 4);
  assert.equal(view.last_sync_at, '2026-01-01T00:00:04.000Z');
  assert.equal(view.counts.rejected, 1);
  assert.equal(view.rejected, 1);
  assert.deepEqual(view.product_ids, [7]);
  assert.deepEqual(view.errors, []);
  assert.deepEqual(view.held_removals, []);
  assert.deepEqual(view.phase_timings, { fetch: 120.5 });
  assert.equal('created_at' in view, false, 'columns the view does not name stay out');
});

test('runView refuses a record with an unknown status, naming the field', () => {
  assert.throws(() => core.runView(record({ status: 'paused' })), (error) => {
    assert.equal(error.code, 'INVALID_INPUT');
    assert.match(error.message, /runView/);
    assert.match(error.message, /status/);
    return true;
  });
});

test('buildAnalytics: oldest first, failed and interrupted runs counted as failed and given no speed', () => {
  const row = (id, status, minute, created) => ({
    id, trigger: 'schedule', status, started_at: `2026-01-01T00:0${minute}:00.000Z`, duration_ms: 2000,
    fetched: created, created, updated: 0, unchanged: 0, archived: 0, rejected: 0,
  });
  const analytics = core.buildAnalytics({
    rows: [row('c', 'interrupted', 3, 1), row('b', 'failed', 2, 0), row('a', 'success', 1, 10)],
    from: null, to: '2026-02-01T00:00:00.000Z', runsInRange: 3, maxPoints: 250,
  });
  assert.deepEqual(analytics.points.map((p) => p.run_id), ['a', 'b', 'c']);
  assert.deepEqual(analytics.points.map((p) => p.products_per_second), [5, null, null]);
  assert.equal(analytics.totals.failed, 2);
  assert.equal(analytics.totals.success, 1);
  assert.equal(analytics.totals.created, 11);
  assert.equal(analytics.group_size, 1);
});

test('presentSettings masks the secret and the source URL password and says where the secret came from', () => {
  const options = {
    ...core.validateOptions({}, { webhookSecret: 'abcdefghijklmnopQZ' }),
    sourceUrl: 'https://bot:hunter2@feed.example/',
  };
  const settings = core.presentSettings({ plugin: { name: 'medusa-plugin-catalog-sync', version: '1.2.3' }, options, configured: ['sourceUrl'] });
  assert.equal(settings.options.webhookSecret, '••••QZ');
  assert.match(settings.options.sourceUrl, /^https:\/\/bot:••••@feed\.example/);
  assert.deepEqual(settings.environment, ['webhookSecret']);
  assert.deepEqual(settings.secrets, ['webhookSecret']);
  assert.equal(settings.options.pageSize, options.pageSize);
  assert.equal(JSON.stringify(settings).includes('hunter2'), false);
});

test('runVocabulary lists the statuses, the ended ones, the triggers and the count columns', () => {
  const vocabulary = core.runVocabulary();
  assert.deepEqual(vocabulary.statuses, ['queued', 'running', 'success', 'partial', 'failed', 'interrupted', 'cancelled']);
  assert.deepEqual(vocabulary.endedStatuses, ['success', 'partial', 'failed', 'interrupted', 'cancelled']);
  assert.deepEqual(vocabulary.catalogTriggers, ['schedule', 'manual', 'webhook', 'apply_preview']);
  // The analytics leave out cancelled runs (an operator stopped them) and previews (they write nothing).
  assert.deepEqual(vocabulary.analyzedStatuses, ['success', 'partial', 'failed', 'interrupted']);
  assert.deepEqual(vocabulary.analyzedTriggers, ['schedule', 'manual', 'webhook', 'apply_removals', 'apply_preview']);
  assert.equal(vocabulary.triggers.includes('apply_removals'), true);
  assert.equal(vocabulary.countColumns.includes('images_reused'), true);
  assert.equal(vocabulary.countColumns.length, 13);
});
