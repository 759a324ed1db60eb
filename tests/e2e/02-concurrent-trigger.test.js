'use strict';
/** Never two syncs at once: a trigger while a run is in progress gets 409, and the run still completes. */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { adminClient, standIn, describeRun } = require('./context');

test('a second trigger while a sync runs gets 409; the first run completes', { timeout: 180_000 }, async () => {
  const admin = await adminClient();
  const source = standIn();
  await source.reset({});
  // Every source answer takes 400 ms, so the run is still fetching when the second trigger arrives.
  await source.faults({ slowMs: 400 });
  try {
    const first = await admin.triggerRaw();
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.equal(first.body.status, 'running');
    const runId = first.body.run_id;

    const second = await admin.triggerRaw();
    assert.equal(second.status, 409, `second trigger: ${second.status} ${JSON.stringify(second.body)}`);

    const status = await admin.syncStatus();
    assert.ok(status.running, '/admin/sync/status shows the running run');
    assert.equal(status.running.id, runId);
    assert.equal(status.running.status, 'running');
    const running = await admin.run(runId);
    assert.equal(running.status, 'running');
    assert.ok(running.progress, 'a running run reports its progress');

    await source.faults({});
    const done = await admin.waitForRun(runId);
    assert.equal(done.status, 'success', describeRun(done));
    assert.equal(done.trigger, 'manual');
    const { runs } = await admin.runs(5, 0);
    assert.equal(runs.filter((r) => r.status === 'running').length, 0, 'no run left running');
    assert.equal(runs[0].id, runId, 'the refused trigger created no run');

    // Free again: a trigger after the run finished is accepted.
    const third = await admin.sync();
    assert.equal(third.status, 'success', describeRun(third));
  } finally {
    await source.faults({});
  }
});
