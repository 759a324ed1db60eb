'use strict';
/**
 * The scheduled job fires by itself: the store restarted with a six-field cron (every 5 seconds) records
 * runs with trigger "schedule" without anyone calling the API; restarted with `schedule: false`, it stops.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { adminClient, standIn, restartStore, describeRun } = require('./context');
const { sleep } = require('../support/medusa-admin');

/** Runs started by the schedule, newest first. */
async function scheduledRuns(admin) {
  const { runs } = await admin.runs(50, 0);
  return runs.filter((r) => r.trigger === 'schedule');
}

/** Waits until no run is in progress. */
async function waitIdle(admin, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await admin.syncStatus()).running) {
    if (Date.now() > deadline) throw new Error('a run is still in progress');
    await sleep(200);
  }
}

test('a six-field cron schedule runs the sync by itself, and schedule false turns it off', { timeout: 300_000 }, async () => {
  const source = standIn();
  await source.reset({});
  let admin = await adminClient();
  const before = (await scheduledRuns(admin)).length;
  assert.equal(before, 0, 'no scheduled run while schedule is false');

  await restartStore({ schedule: '*/5 * * * * *' });
  try {
    admin = await adminClient();
    const deadline = Date.now() + 90_000;
    let runs = [];
    while (Date.now() < deadline) {
      runs = (await scheduledRuns(admin)).filter((r) => r.status !== 'running');
      if (runs.length >= 2) break;
      await sleep(500);
    }
    assert.ok(runs.length >= 2, `two scheduled runs finished within 90 s (got ${runs.length})`);
    for (const r of runs) assert.equal(r.status, 'success', describeRun(r));
    const starts = runs.map((r) => Date.parse(r.started_at)).sort((a, b) => a - b);
    assert.ok(starts[1] - starts[0] >= 4000, `scheduled runs are ~5 s apart (${starts[1] - starts[0]} ms)`);
    await waitIdle(admin);
  } finally {
    await restartStore({});
  }
  admin = await adminClient();
  const count = (await scheduledRuns(admin)).length;
  await sleep(7000);
  assert.equal((await scheduledRuns(admin)).length, count, 'no scheduled run after schedule: false');
});
