'use strict';
/**
 * One run's writes spread across the workers (issue 14 item 4): the owner of a run publishes its write batches
 * (`catalog_sync_batch`, one row per position, one event each) and every worker, the owner included, writes some and
 * records each result once with its writer. A worker killed while it writes batches of someone else's run has them
 * taken over once their claims' lease ran out: no product twice, every batch counted once.
 */
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { MedusaAdmin, sleep } = require('../../support/medusa-admin');
const { instancePid, psql, startInstance, stopInstance } = require('../../support/medusa-process');
const { standIn, describeRun } = require('../context');
const { assertConverged, ownedProductCount } = require('../convergence');
const { topologyEnv, ownerInstance, restartWorkers, instancePids } = require('./context');

const env = topologyEnv();

/** The batch rows of a run: position, writer pid, written count and the claimer pid while it is being written. */
async function batchRows(runId) {
  const rows = await psql(env.databaseUrl, `SELECT position, coalesce(writer->>'pid', ''), coalesce(result->>'written', ''),
    coalesce(claimer->>'pid', ''), recorded_at IS NOT NULL FROM catalog_sync_batch
    WHERE run_id = '${runId}' AND deleted_at IS NULL ORDER BY position`);
  return rows.map(([position, writer, written, claimer, recorded]) => ({
    position: Number(position), writerPid: writer ? Number(writer) : null, written: written ? Number(written) : null,
    claimerPid: claimer ? Number(claimer) : null, recorded: recorded === 't',
  }));
}

/** How many runs are `running`. */
async function runningCount() {
  const [[n]] = await psql(env.databaseUrl, "SELECT count(*) FROM catalog_sync_run WHERE status = 'running' AND deleted_at IS NULL");
  return Number(n);
}

/** The topology's worker instance whose Medusa process has this pid. */
function workerWithPid(pid) {
  return env.instances.find((inst) => {
    try { return inst.mode === 'worker' && instancePids(inst.dir).includes(pid); } catch { return false; }
  }) ?? null;
}

/** Asserts that the database holds no product, handle or SKU twice among the sync's products. */
async function assertNoDuplicates() {
  const [[products]] = await psql(env.databaseUrl, `SELECT count(*) FROM (SELECT external_id FROM product
    WHERE external_id LIKE 'dummyjson:%' AND deleted_at IS NULL GROUP BY external_id HAVING count(*) > 1) d`);
  const [[handles]] = await psql(env.databaseUrl, `SELECT count(*) FROM (SELECT handle FROM product
    WHERE deleted_at IS NULL GROUP BY handle HAVING count(*) > 1) d`);
  const [[skus]] = await psql(env.databaseUrl, `SELECT count(*) FROM (SELECT sku FROM product_variant
    WHERE sku IS NOT NULL AND deleted_at IS NULL GROUP BY sku HAVING count(*) > 1) d`);
  assert.deepEqual({ products: Number(products), handles: Number(handles), skus: Number(skus) }, { products: 0, handles: 0, skus: 0 });
}

describe('topology: one run\'s write batches are written by every worker', () => {
  const source = standIn(env);
  /** @type {MedusaAdmin} */
  let admin;

  before(async () => {
    assert.ok(env.workerUrls.length >= 2, 'two workers');
    // 3-schedule.test.js leaves the workers on a 5 s schedule: back to the base options (no schedule).
    // A scheduled run in flight when they stopped ended `interrupted` at their shutdown (the next test shows it); one
    // recorded in the instant before its worker held it is interrupted by the run keeper after its lease.
    await restartWorkers({}, env);
    for (const until = Date.now() + 45_000; (await runningCount()) > 0 && Date.now() < until;) await sleep(500);
    assert.equal(await runningCount(), 0, 'no run left running after the workers restarted');
    admin = await new MedusaAdmin(env.medusaUrl).login(env.email, env.password);
  });

  it('a worker stopped (SIGTERM) while it runs a sync: the run ends interrupted at once, and a trigger right after starts the next run', { timeout: 300_000 }, async () => {
    const { added } = await source.mutate({ add: 300 });
    assert.equal(added.length, 300);
    const startCount = await ownedProductCount(env.databaseUrl);
    await source.faults({ slowMs: 40 });
    const runId = await admin.trigger();
    let owner = null;
    for (const until = Date.now() + 120_000; !owner && Date.now() < until;) {
      if ((await ownedProductCount(env.databaseUrl)) > startCount) {
        owner = ownerInstance(await admin.run(runId), env);
      } else {
        await sleep(50);
      }
    }
    assert.ok(owner?.mode === 'worker', 'a worker started writing the run');
    await stopInstance(owner.dir);
    await source.faults({});
    assert.equal(await instancePid(owner.dir), null, `${owner.name} stopped`);
    const stopped = await admin.run(runId);
    assert.equal(stopped.status, 'interrupted', describeRun(stopped));
    assert.match(stopped.error_message, new RegExp(`^interrupted: its process \\(worker pid ${stopped.owner.pid} on .+\\) was shut down while it ran`));
    assert.ok((await ownedProductCount(env.databaseUrl)) < startCount + 300, 'stopped before the run wrote everything');

    // At once, not after the lease: the next trigger starts a run, in the other worker, which completes the rest.
    const next = await admin.sync({ timeoutMs: 240_000 });
    assert.equal(next.status, 'success', describeRun(next));
    assert.notEqual(ownerInstance(next, env)?.name, owner.name);
    await assertNoDuplicates();
    await assertConverged(admin, source, env.databaseUrl);
    await startInstance(owner.dir);
  });

  after(async () => {
    await source.faults({});
  });

  it('a 2-worker run: its batches are written by both workers, each result recorded once, every product once', { timeout: 400_000 }, async () => {
    // The store first holds the source's catalog (whatever the test files before this one left), then 1,000 are added.
    const first = await admin.sync({ timeoutMs: 240_000 });
    assert.equal(first.status, 'success', describeRun(first));
    const { added } = await source.mutate({ add: 1000 });
    assert.equal(added.length, 1000);
    const before = await ownedProductCount(env.databaseUrl);
    const run = await admin.sync({ timeoutMs: 240_000 });
    assert.equal(run.status, 'success', describeRun(run));
    assert.equal(run.created, 1000, describeRun(run));
    assert.equal(await ownedProductCount(env.databaseUrl), before + 1000);

    const rows = await batchRows(run.id);
    assert.ok(rows.length >= 20, `the creates were published as batches (${rows.length})`);
    assert.ok(rows.every((row) => row.recorded && row.writerPid !== null), 'every published batch has its result and its writer');
    assert.equal(rows.reduce((sum, row) => sum + row.written, 0), 1000, 'the results add up to the products created');
    const writers = new Set(rows.map((row) => workerWithPid(row.writerPid)?.name ?? `pid ${row.writerPid}`));
    assert.deepEqual([...writers].sort(), ['worker-1', 'worker-2'], `batches written by ${[...writers].join(', ')}`);
    assert.ok(ownerInstance(run, env)?.mode === 'worker', 'the owner is a worker');
    await assertNoDuplicates();
    await assertConverged(admin, source, env.databaseUrl);
  });

  it('SIGKILL of a worker writing batches of another worker\'s run: its batches are written by another, counts exact', { timeout: 300_000 }, async () => {
    const { added } = await source.mutate({ add: 1500 });
    assert.equal(added.length, 1500);
    const before = await ownedProductCount(env.databaseUrl);
    const runId = await admin.trigger();
    let killed = null;
    let killedPositions = [];
    let owner = null;
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline && !killed) {
      const run = await admin.run(runId);
      assert.equal(run.status, 'running', describeRun(run));
      owner = run.owner?.pid ?? null;
      const claimedElsewhere = (await batchRows(runId)).filter((row) => !row.recorded && row.claimerPid !== null && row.claimerPid !== owner);
      if (owner !== null && claimedElsewhere.length) {
        killed = workerWithPid(claimedElsewhere[0].claimerPid);
        assert.ok(killed, `pid ${claimedElsewhere[0].claimerPid} is a worker of the topology`);
        process.kill(claimedElsewhere[0].claimerPid, 'SIGKILL');
        killedPositions = claimedElsewhere.filter((row) => row.claimerPid === claimedElsewhere[0].claimerPid).map((row) => row.position);
      } else {
        await sleep(20);
      }
    }
    assert.ok(killed, 'a worker other than the owner claimed batches of the run');
    for (let i = 0; i < 100 && (await instancePid(killed.dir)); i += 1) await sleep(100);
    assert.equal(await instancePid(killed.dir), null, `${killed.name} is gone`);

    // The owner sees the dead claims once their lease ran out, publishes them again, and a live worker writes them.
    const run = await admin.waitForRun(runId, { timeoutMs: 240_000 });
    assert.ok(['success', 'partial'].includes(run.status), describeRun(run));
    const rows = await batchRows(runId);
    assert.ok(rows.every((row) => row.recorded), 'every batch has its result');
    for (const position of killedPositions) {
      const row = rows.find((r) => r.position === position);
      assert.notEqual(workerWithPid(row.writerPid)?.name, killed.name, `batch ${position} was written again by a live worker`);
    }
    // Counts exact: each batch counted once; a product the killed worker had claimed is an error of this run
    // (the ledger refused to create it twice), never a second product.
    const created = await ownedProductCount(env.databaseUrl) - before;
    assert.equal(run.created, rows.reduce((sum, row) => sum + row.written, 0), describeRun(run));
    assert.ok(created >= run.created, `the store holds the ${run.created} products the run counts (${created} new)`);
    assert.equal(run.created + run.failed, 1500, describeRun(run));
    await assertNoDuplicates();

    // The next run (on the surviving worker) finishes what the killed worker left and converges.
    const next = await admin.sync({ timeoutMs: 240_000 });
    assert.equal(next.status, 'success', describeRun(next));
    await assertNoDuplicates();
    await assertConverged(admin, source, env.databaseUrl);
  });

  it('a stock-only change upstream: its stock batches are written by both workers, each result once, levels exact', { timeout: 400_000 }, async () => {
    // Two live workers again (a test before may have killed one), and a first run while both connect to the event bus.
    await restartWorkers({}, env);
    for (const until = Date.now() + 45_000; (await runningCount()) > 0 && Date.now() < until;) await sleep(500);
    const warm = await admin.sync({ timeoutMs: 240_000 });
    assert.equal(warm.status, 'success', describeRun(warm));
    // Every product's stock changes, nothing else (its availabilityStatus, which the product carries, stays).
    const catalog = await source.catalog();
    const update = catalog.map((p) => ({ id: p.id, stock: p.stock + 1, availabilityStatus: p.availabilityStatus }));
    assert.ok(update.length >= 1000, `many products (${update.length})`);
    await source.mutate({ update });
    const run = await admin.sync({ timeoutMs: 240_000 });
    assert.equal(run.status, 'success', describeRun(run));
    assert.deepEqual({ created: run.created, updated: run.updated }, { created: 0, updated: 0 }, describeRun(run));
    assert.equal(run.stock_levels, update.length, describeRun(run));

    const rows = (await psql(env.databaseUrl, `SELECT position, coalesce(writer->>'pid', ''), result->>'written',
      recorded_at IS NOT NULL FROM catalog_sync_batch WHERE run_id = '${run.id}' AND result->>'kind' = 'stock'
      AND deleted_at IS NULL ORDER BY position`)).map(([position, writer, written, recorded]) => ({
      position: Number(position), writerPid: writer ? Number(writer) : null, written: Number(written), recorded: recorded === 't',
    }));
    assert.equal(rows.length, Math.ceil(update.length / 50), 'one row per stock batch of 50 levels');
    assert.ok(rows.every((row) => row.recorded && row.writerPid !== null), 'every stock batch has its result and its writer');
    assert.equal(rows.reduce((sum, row) => sum + row.written, 0), update.length, 'the results add up to the levels written');
    const writers = new Set(rows.map((row) => workerWithPid(row.writerPid)?.name ?? `pid ${row.writerPid}`));
    assert.deepEqual([...writers].sort(), ['worker-1', 'worker-2'], `stock batches written by ${[...writers].join(', ')}`);
    await assertConverged(admin, source, env.databaseUrl);

    // Nothing left to write: the next run writes no level.
    const again = await admin.sync({ timeoutMs: 240_000 });
    assert.equal(again.status, 'success', describeRun(again));
    assert.equal(again.stock_levels, 0, describeRun(again));
  });
});
