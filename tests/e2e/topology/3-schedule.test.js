'use strict';
/**
 * The scheduled job in a topology: restarted with a six-field cron (every 5 seconds), the workers start one run per
 * firing, in a worker, and never two running at once (the database allows one running run; a firing while a run is
 * in progress is skipped). The servers run no scheduled job. Last file: the workers keep the schedule until
 * run.sh stops the topology (the one-instance 07-scheduled-job.test.js shows `schedule: false` turning it off).
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { MedusaAdmin, sleep } = require('../../support/medusa-admin');
const { psql } = require('../../support/medusa-process');
const { describeRun } = require('../context');
const { topologyEnv, restartWorkers } = require('./context');

const env = topologyEnv();

test('the scheduled job on two workers: one run per firing, executed in a worker, never two running', { timeout: 180_000 }, async () => {
  const admin = await new MedusaAdmin(env.medusaUrl).login(env.email, env.password);
  const scheduled = async () => (await admin.runs(100, 0)).runs.filter((r) => r.trigger === 'schedule');
  assert.equal((await scheduled()).length, 0, 'no scheduled run while schedule is false');

  await restartWorkers({ schedule: '*/5 * * * * *' }, env);
  let mostRunning = 0;
  const deadline = Date.now() + 22_000;
  while (Date.now() < deadline) {
    const [[n]] = await psql(env.databaseUrl, "SELECT count(*) FROM catalog_sync_run WHERE status = 'running' AND deleted_at IS NULL");
    mostRunning = Math.max(mostRunning, Number(n));
    await sleep(200);
  }
  const runs = (await scheduled()).filter((r) => r.status !== 'running');
  assert.ok(runs.length >= 3, `three finished scheduled runs or more in 22 s (got ${runs.length})`);
  assert.equal(mostRunning, 1, 'never two runs running at once (and at least one seen running)');
  for (const run of runs) {
    assert.equal(run.status, 'success', describeRun(run));
    assert.equal(run.owner?.mode, 'worker', `run ${run.id} ran in a worker: ${JSON.stringify(run.owner)}`);
  }
  // One run per firing: firings are 5 s apart, so two runs never start within one firing.
  const starts = runs.map((r) => Date.parse(r.started_at)).sort((a, b) => a - b);
  for (let i = 1; i < starts.length; i += 1) {
    assert.ok(starts[i] - starts[i - 1] >= 4_000, `scheduled runs start ~5 s apart or more (${starts[i] - starts[i - 1]} ms)`);
  }
});
