'use strict';
/**
 * Where runs execute and how one run at a time survives several instances (issue 14): two servers and two workers
 * of the packed plugin on one PostgreSQL database and one Redis. A trigger or a webhook on a server records the run
 * and hands it to the workers; two triggers on two servers at once start one run; a worker killed in the middle of
 * a sync is taken over by the other worker, and the next run converges.
 */
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { MedusaAdmin, sleep } = require('../../support/medusa-admin');
const { sendWebhook } = require('../../support/webhook-client');
const { instancePid, psql } = require('../../support/medusa-process');
const { standIn, describeRun } = require('../context');
const { assertConverged, ownedProductCount, waitUntilEnded } = require('../convergence');
const { topologyEnv, ownerInstance } = require('./context');

const env = topologyEnv();

/** Runs recorded as running, straight from the database (the unique index allows one). */
async function runningCount() {
  const [[n]] = await psql(env.databaseUrl, "SELECT count(*) FROM catalog_sync_run WHERE status = 'running' AND deleted_at IS NULL");
  return Number(n);
}

/** Asserts that a run was executed by a worker instance of this topology, and returns that instance. */
function assertRanInWorker(run) {
  assert.equal(run.owner?.mode, 'worker', `the run's owner is a worker: ${JSON.stringify(run.owner)}`);
  const inst = ownerInstance(run, env);
  assert.ok(inst, `the owner pid ${run.owner.pid} is one of the topology's instances`);
  assert.equal(inst.mode, 'worker', `run ${run.id} ran in ${inst.name}`);
  return inst;
}

describe('topology: runs execute in workers, one at a time, and survive a killed worker', () => {
  const source = standIn(env);
  /** @type {MedusaAdmin[]} one admin client per server */
  let admins;

  before(async () => {
    assert.ok(env.serverUrls.length >= 2 && env.workerUrls.length >= 2, 'two servers and two workers');
    admins = await Promise.all(env.serverUrls.map((url) => new MedusaAdmin(url).login(env.email, env.password)));
    await source.reset({});
  });

  after(async () => {
    await source.faults({});
  });

  it('a trigger on a server records the run and a worker executes it; the run names that worker', async () => {
    const runId = await admins[0].trigger();
    const run = await admins[0].waitForRun(runId, { timeoutMs: 180_000 });
    assert.equal(run.status, 'success', describeRun(run));
    assert.equal(run.created, 194, describeRun(run));
    assertRanInWorker(run);
    assert.ok(run.heartbeat_at, 'the run kept a heartbeat');
  });

  it('two triggers at the same moment on two servers: one 202, one 409 naming the run that started', async () => {
    const before = (await admins[0].runs(1, 0)).count;
    await source.faults({ slowMs: 100 });
    const answers = await Promise.all(admins.map((admin) => admin.triggerRaw()));
    await source.faults({});
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [202, 409], JSON.stringify(answers));
    const started = answers.find((a) => a.status === 202).body.run_id;
    assert.equal(answers.find((a) => a.status === 409).body.run_id, started, 'the refusal names the running run');
    assert.equal((await admins[1].runs(1, 0)).count, before + 1, 'one run was recorded');
    const run = await admins[1].waitForRun(started, { timeoutMs: 180_000 });
    assert.equal(run.status, 'success', describeRun(run));
    assert.equal(run.unchanged, 194, describeRun(run));
    assertRanInWorker(run);
  });

  it('a webhook on a server: a targeted run of its products, executed in a worker', async () => {
    await source.mutate({ update: [{ id: 5, title: 'Renamed Upstream For The Webhook' }] });
    const answer = await sendWebhook(env.serverUrls[1], env.baseOptions.webhookSecret, { product_ids: [5, 6] });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.queued, false);
    const run = await admins[0].waitForRun(answer.body.run_id, { timeoutMs: 60_000 });
    assert.deepEqual(
      { trigger: run.trigger, status: run.status, product_ids: run.product_ids, fetched: run.fetched, updated: run.updated, unchanged: run.unchanged },
      { trigger: 'webhook', status: 'success', product_ids: [5, 6], fetched: 2, updated: 1, unchanged: 1 },
      describeRun(run)
    );
    assertRanInWorker(run);
    const [[title]] = await psql(env.databaseUrl, "SELECT title FROM product WHERE external_id = 'dummyjson:5' AND deleted_at IS NULL");
    assert.equal(title, 'Renamed Upstream For The Webhook');
  });

  it('SIGKILL of the worker running a sync: the other worker interrupts the run, and the next run converges', { timeout: 300_000 }, async () => {
    // 400 products to create, every source answer slowed down: the kill lands after some batches and before the last.
    const { added } = await source.mutate({ add: 400 });
    assert.equal(added.length, 400);
    const startCount = await ownedProductCount(env.databaseUrl);
    await source.faults({ slowMs: 40 });
    const runId = await admins[0].trigger();
    let killed = null;
    let killedAt = null;
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline && !killed) {
      const n = await ownedProductCount(env.databaseUrl);
      if (n > startCount) {
        const run = await admins[0].run(runId);
        killed = assertRanInWorker(run);
        process.kill(run.owner.pid, 'SIGKILL');
        killedAt = n;
      } else {
        await sleep(50);
      }
    }
    await source.faults({});
    assert.ok(killed, 'the sync started writing products');
    assert.ok(killedAt < startCount + 400, `killed before the run wrote everything (${killedAt - startCount} of 400 created)`);
    for (let i = 0; i < 100 && (await instancePid(killed.dir)); i += 1) await sleep(100);
    assert.equal(await instancePid(killed.dir), null, `${killed.name} is gone`);

    // The surviving worker's queue job takes the run over once its lease ran out, whatever the host names.
    const interrupted = await waitUntilEnded(admins[1], runId);
    assert.equal(interrupted.status, 'interrupted', describeRun(interrupted));
    assert.match(interrupted.error_message, new RegExp(`^interrupted: its process \\(worker pid ${interrupted.owner.pid} on .+\\) gave no sign of life for \\d+ s`));
    assert.ok(interrupted.finished_at, 'the interrupted run has a finish time');
    assert.equal(await runningCount(), 0, 'no run is left running');

    // The next run executes in the surviving worker and converges.
    const run = await admins[1].sync({ timeoutMs: 240_000 });
    assert.equal(run.status, 'success', describeRun(run));
    const survivor = assertRanInWorker(run);
    assert.notEqual(survivor.name, killed.name);
    assert.equal((await source.catalog()).length, 594);
    await assertConverged(admins[0], source, env.databaseUrl);
    assert.equal(await runningCount(), 0, 'no run is left running');
    // The killed worker stays down: 3-schedule.test.js restarts the workers.
  });
});
