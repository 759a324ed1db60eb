'use strict';
/**
 * Crash safety: Medusa is killed with SIGKILL in the middle of writing a sync; after a restart the
 * interrupted run is taken over once its lease ran out and shows `interrupted` (not `running`, nothing left
 * running), and the next sync converges: every source product exactly once, each with its variant, price,
 * inventory item, stock level and sales channel, and exactly once in the sync ledger, `complete`, pointing at that
 * product, variant and inventory item.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { adminClient, standIn, describeRun, e2eEnv } = require('./context');
const { assertConverged, assertLedgerMatches, ownedProductCount, waitUntilEnded } = require('./convergence');
const { instancePid, startInstance } = require('../support/medusa-process');
const { sleep } = require('../support/medusa-admin');

test('kill -9 mid-sync: the run is interrupted after restart and the next sync converges', { timeout: 600_000 }, async () => {
  const env = e2eEnv();
  let admin = await adminClient(env);
  const source = standIn(env);
  await source.reset({});
  assert.equal((await admin.sync()).status, 'success');
  const startCount = await ownedProductCount(env.databaseUrl);

  // 400 new products to create, every source answer (pages and images) slowed down: the write phase takes
  // long enough to be interrupted after some batches landed and before the last one.
  const { added } = await source.mutate({ add: 400 });
  assert.equal(added.length, 400);
  await source.faults({ slowMs: 150 });
  const pid = await instancePid(env.instanceDir);
  assert.ok(pid, 'Medusa runs');
  const runId = await admin.trigger();
  let killedAt = null;
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    const n = await ownedProductCount(env.databaseUrl);
    if (n > startCount) {
      process.kill(pid, 'SIGKILL');
      killedAt = n;
      break;
    }
    await sleep(50);
  }
  await source.faults({});
  assert.ok(killedAt !== null, 'the sync started writing products');
  assert.ok(killedAt < startCount + 400, `killed before the run wrote everything (${killedAt} products)`);
  for (let i = 0; i < 100 && (await instancePid(env.instanceDir)); i += 1) await sleep(100);
  assert.equal(await instancePid(env.instanceDir), null, 'the Medusa process is gone');

  await startInstance(env.instanceDir);
  admin = await adminClient(env);
  // The restarted process cannot tell its predecessor's run from another live instance's: the run is taken over
  // (by the queue job, every 10 s) once its lease ran out.
  const interrupted = await waitUntilEnded(admin, runId);
  assert.equal(interrupted.status, 'interrupted', describeRun(interrupted));
  assert.ok(interrupted.finished_at, 'the interrupted run has a finish time');
  assert.match(interrupted.error_message, new RegExp(`^interrupted: its process \\(shared pid ${pid} on .+\\) gave no sign of life`));
  const status = await admin.syncStatus();
  assert.equal(status.running, null, 'nothing is running after the takeover');

  // A new run starts and converges.
  const run = await admin.sync();
  assert.equal(run.status, 'success', describeRun(run));
  assert.equal((await source.catalog()).length, 594);
  await assertConverged(admin, source, env.databaseUrl);
  await assertLedgerMatches(admin, source, env.databaseUrl);

  // Back to the 194-product catalog for the next test file. The 400 products gone at once are more than
  // maxRemovalRatio (0.2) of the 594 the sync owns: the run holds them back, and applying them drafts them.
  await source.reset({});
  const back = await admin.sync();
  assert.equal(back.status, 'partial', describeRun(back));
  assert.equal(back.archived, 0, describeRun(back));
  assert.deepEqual(back.held_removals.map((r) => r.source_id), added, describeRun(back));
  const apply = await admin.applyRemovals(back.id);
  assert.equal(apply.status, 202, JSON.stringify(apply.body));
  const applied = await admin.waitForRun(apply.body.run_id);
  assert.equal(applied.status, 'success', describeRun(applied));
  assert.equal(applied.archived, 400, describeRun(applied));
});
