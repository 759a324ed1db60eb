'use strict';
/**
 * Outbound requests only where they belong, and every input bounded (issue 11, items 3 and 4), through the
 * admin API of the built store:
 * - image URLs that point at loopback services, directly and through redirect chains from the source's own
 *   host, reach nothing: a canary on 127.0.0.1, 127.0.0.2 and ::1 counts every request it receives (0), and
 *   each refusal is named in the run (product, field, reason; no URL, port or status of the refused host);
 *   `imageHosts` lets one private origin through on purpose, and only it;
 * - pages padded to 300 MB fail the run quickly with nothing written, the Medusa process's RSS bounded;
 * - a first page of one product claiming a million (or 200,000) fails the run before any further request,
 *   naming maxProducts (maxPages); endless pages past the real end are never asked for;
 * - a product with more images than maxImagesPerProduct keeps the first 20, the rest reported and never
 *   downloaded;
 * - runTimeoutMs: a run past its deadline stops (fetch: failed, nothing written; writes: at a batch
 *   boundary, partial), names the deadline, and releases the lock.
 * The canary listens on E2E_CANARY_PORT (default: a free port).
 */
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { adminClient, standIn, restartStore, bySourceId, describeRun, inSync } = require('./context');
const { startCanary } = require('../dummyjson/canary');
const { instancePid, sampleRss } = require('../support/medusa-process');

const CANARY_PORT = Number(process.env.E2E_CANARY_PORT || 0);
let canaryServer = null;

/** The canary, started once for the file (on 127.0.0.1, 127.0.0.2 and ::1), its count reset. */
async function canary() {
  canaryServer ??= await startCanary({ port: CANARY_PORT, hosts: ['127.0.0.1', '127.0.0.2', '::1'] });
  canaryServer.reset();
  return canaryServer;
}

after(async () => {
  await canaryServer?.close();
});

/** Runs a sync while the stand-in serves `faults`, turned off again whatever happens; returns the run. */
async function syncWithFaults(admin, source, faults) {
  await source.faults(faults);
  try {
    return await admin.sync();
  } finally {
    await source.faults({});
  }
}

/** Every product's id, update time and status, to compare before and after a run that must write nothing. */
const fingerprint = (products) => products.map((p) => `${p.id}@${p.updated_at}:${p.status}`).sort();

/** A URL of the stand-in's redirect route that sends `hops` redirects, the last one to `to`. */
const redirectUrl = (source, name, to, hops = 1) =>
  `${source.url}/redirect/p/${name}?hops=${hops}&to=${encodeURIComponent(to)}`;

test('image URLs pointing at loopback services, directly or through redirects, reach nothing and are named', { timeout: 300_000 }, async () => {
  const { admin, source } = await inSync();
  const trap = await canary();
  const port = trap.port;
  await source.mutate({
    update: [
      { id: 3, images: [`http://127.0.0.1:${port}/direct.png`, `http://[::1]:${port}/v6.png`],
        thumbnail: redirectUrl(source, '3.png', `http://127.0.0.1:${port}/chain.png`, 2) },
      { id: 4, images: [`http://127.0.0.2:${port}/a.png`, `http://localhost:${port}/b.png`, `http://[::ffff:127.0.0.1]:${port}/c.png`],
        thumbnail: redirectUrl(source, '4.png', 'http://169.254.169.254/latest/meta-data/') },
      { id: 5, thumbnail: redirectUrl(source, '5.png', `http://127.0.0.2:${port}/far.png`, 4) },
    ],
  });
  await source.resetStats();
  const run = await admin.sync();
  const info = describeRun(run);
  assert.equal(trap.count(), 0, `no request reached the canary: ${JSON.stringify(trap.requests())}`);
  assert.equal(run.status, 'partial', info);
  const refused = (run.errors || []).filter((e) => e.code === 'IMAGE_REFUSED');
  const named = refused.map((e) => `${e.source_id}:${e.field}`).sort();
  assert.deepEqual(named, ['3:images[0]', '3:images[1]', '3:thumbnail', '4:images[0]', '4:images[1]', '4:images[2]',
    '4:thumbnail', '5:thumbnail'], JSON.stringify(run.errors));
  const message = (id, field) => refused.find((e) => e.source_id === id && e.field === field).message;
  assert.equal(message(3, 'images[0]'), 'product 3: images[0]: refused: the host resolves to a loopback address; the image is left out of the product');
  assert.match(message(3, 'thumbnail'), /^product 3: thumbnail: refused: a redirect leads to a host that resolves to a loopback address/);
  assert.match(message(4, 'thumbnail'), /a redirect leads to a host that resolves to a link-local address/);
  assert.match(message(5, 'thumbnail'), /more than 3 redirects/);
  for (const error of refused) {
    assert.ok(!error.message.includes(String(port)) && !/https?:|HTTP \d/.test(error.message), `no URL, port or status: ${error.message}`);
  }
  // The redirect chains on the source's own host were followed up to the refused hop, and no further.
  const stats = await source.stats();
  assert.equal(stats.byRoute['/redirect'], 2 + 1 + 4, JSON.stringify(stats.byRoute));
  // The products are written without the refused images; the others keep theirs.
  const stored = bySourceId(await admin.products());
  for (const id of [3, 4]) {
    assert.deepEqual(stored.get(id).images, [], `product ${id} has no refused image`);
    assert.equal(stored.get(id).thumbnail, null, `product ${id} has no refused thumbnail`);
  }
  assert.ok(stored.get(5).images.length > 0, 'product 5 keeps its own images');
  assert.equal(stored.get(5).status, 'published');
  // Back to the source's images: they are written again.
  await source.reset({});
  const restored = await admin.sync();
  assert.equal(restored.status, 'success', describeRun(restored));
  assert.ok(bySourceId(await admin.products()).get(3).images.length > 0);
  assert.equal(trap.count(), 0);
});

test('pages padded to 300 MB fail the run quickly, write nothing and keep the process memory bounded', { timeout: 300_000 }, async () => {
  const { env, admin, source } = await inSync();
  const before = fingerprint(await admin.products());
  await source.mutate({ update: [{ id: 9, price: 1234.5 }] });
  const pid = await instancePid(env.instanceDir);
  assert.ok(pid, 'the store runs');
  for (const padAt of ['start', 'end']) {
    const rss = sampleRss(pid, 25);
    const started = Date.now();
    const run = await syncWithFaults(admin, source, { padPagesBytes: 300 * 1024 * 1024, padAt });
    const seconds = (Date.now() - started) / 1000;
    const { peak, first } = rss.stop();
    const growthMb = Math.round((peak - first) / 1e6);
    console.log(`# padded pages (${padAt}): run ${run.status} in ${seconds.toFixed(1)} s; Medusa RSS ${Math.round(first / 1e6)} MB -> peak ${Math.round(peak / 1e6)} MB (+${growthMb} MB)`);
    const info = describeRun(run);
    assert.equal(run.status, 'failed', info);
    assert.match(run.error_message, /the answer is larger than pageMaxBytes \(8388608 bytes\): the run stops before any write/, info);
    assert.ok(run.error_message.startsWith(`GET ${source.url}/products?`), info);
    assert.ok(seconds < 30, `the run failed quickly (${seconds} s)`);
    assert.ok(growthMb < 500, `the RSS grew by ${growthMb} MB (a 300 MB page is never held)`);
    assert.deepEqual(fingerprint(await admin.products()), before, 'no product was written');
  }
  const recovered = await admin.sync();
  assert.equal(recovered.status, 'success', describeRun(recovered));
  assert.equal(recovered.updated, 1, describeRun(recovered));
});

test('absurd totals fail before any further request, naming the option; endless pages are never asked for', { timeout: 300_000 }, async () => {
  const { admin, source } = await inSync();
  const before = fingerprint(await admin.products());
  for (const [total, option] of [[1_000_000, 'maxProducts (250000)'], [200_000, 'maxPages (10000)']]) {
    await source.resetStats();
    const run = await syncWithFaults(admin, source, { totalOverride: total, pageCap: 1, endlessPages: true });
    const info = describeRun(run);
    assert.equal(run.status, 'failed', info);
    assert.ok(run.error_message.includes(option), info);
    assert.match(run.error_message, /the run stops before any write/, info);
    const stats = await source.stats();
    assert.equal(stats.requests - stats.imageRequests, 1, `the first page only: ${JSON.stringify(stats.byRoute)}`);
    assert.deepEqual(fingerprint(await admin.products()), before, 'no product was written');
  }
  // Endless pages with an honest total: the pages past the end are never requested.
  await source.resetStats();
  const run = await syncWithFaults(admin, source, { endlessPages: true });
  assert.equal(run.status, 'success', describeRun(run));
  assert.equal(run.fetched, 194, describeRun(run));
  assert.equal(run.requests, 8, describeRun(run));
  assert.equal((await source.stats()).faultsServed.synthesized, 0);
});

test('a product with more images than maxImagesPerProduct keeps the first 20; the rest are reported, never fetched', { timeout: 300_000 }, async () => {
  const { admin, source } = await inSync();
  const images = Array.from({ length: 25 }, (_, n) => `${source.url}/images/products/7/${n + 1}.png`);
  const copiedBefore = (await source.catalog()).find((p) => p.id === 7).images;
  await source.mutate({ update: [{ id: 7, images }] });
  await source.resetStats();
  const run = await admin.sync();
  const info = describeRun(run);
  assert.equal(run.status, 'partial', info);
  const capped = (run.errors || []).filter((e) => e.code === 'TOO_MANY_IMAGES');
  assert.deepEqual(capped.map((e) => [e.source_id, e.field]), [[7, 'images[20]']], info);
  assert.equal(capped[0].message, 'product 7: images[20] to images[24]: 5 images beyond maxImagesPerProduct (20) are left out of the product');
  const stored = bySourceId(await admin.products()).get(7);
  assert.equal(stored.images.length, 20, 'the first 20 images');
  const stats = await source.stats();
  const kept = images.slice(0, 20).filter((url) => !copiedBefore.includes(url));
  assert.equal(stats.imageRequests, kept.length, 'only the new images among the first 20 were requested, none past the cap');
  await source.reset({});
  assert.equal((await admin.sync()).status, 'success');
});

test('imageHosts lets a private image origin through on purpose, and only that origin', { timeout: 300_000 }, async () => {
  const trap = await canary();
  const allowed = `http://127.0.0.2:${trap.port}`;
  await restartStore({ imageHosts: [allowed] });
  try {
    const { admin, source } = await inSync();
    trap.reset();
    await source.mutate({ update: [{ id: 11, images: [`${allowed}/allowed.png`, `http://127.0.0.1:${trap.port}/refused.png`] }] });
    const run = await admin.sync();
    const info = describeRun(run);
    const hits = trap.requests();
    assert.deepEqual(hits.map((hit) => `${hit.localAddress}:${hit.url}`), ['127.0.0.2:/allowed.png'], info);
    const refused = (run.errors || []).filter((e) => e.code === 'IMAGE_REFUSED');
    assert.deepEqual(refused.map((e) => `${e.source_id}:${e.field}`), ['11:images[1]'], info);
    const stored = bySourceId(await admin.products()).get(11);
    assert.equal(stored.images.length, 1, 'the allowed image was copied, the refused one left out');
    await source.reset({});
  } finally {
    await restartStore({});
  }
});

test('runTimeoutMs stops a run at its deadline, names it, and releases the lock', { timeout: 600_000 }, async () => {
  await inSync();
  // Slow pages: the deadline passes while fetching (the run fails, nothing is written).
  await restartStore({ runTimeoutMs: 3000 });
  try {
    const admin = await adminClient();
    const source = standIn();
    const before = fingerprint(await admin.products());
    await source.mutate({ update: [{ id: 12, price: 999.99 }] });
    const run = await syncWithFaults(admin, source, { slowMs: 1500 });
    const info = describeRun(run);
    assert.equal(run.status, 'failed', info);
    assert.equal(run.error_message, 'the run reached its deadline (runTimeoutMs: 3000 ms) while fetching the source: nothing was written', info);
    assert.ok(run.duration_ms < 3000 + 2500, `stopped at the deadline (${run.duration_ms} ms)`);
    assert.deepEqual(fingerprint(await admin.products()), before, 'no product was written');
    assert.equal((await admin.syncStatus()).running, null, 'nothing is left running');
    assert.equal((await admin.triggerRaw()).status, 202, 'the lock was released: the next trigger starts a run');
    await admin.waitForRun((await admin.syncStatus()).status.id);
  } finally {
    await restartStore({});
  }
  // Many small write batches: the deadline passes while writing; the run stops at a batch boundary.
  await restartStore({ runTimeoutMs: 4000, batchSize: 1 });
  try {
    const admin = await adminClient();
    const source = standIn();
    const catalog = await source.catalog();
    await source.mutate({ update: catalog.map((p) => ({ id: p.id, price: Math.round((p.price + 0.5) * 100) / 100 })) });
    const run = await admin.sync();
    const info = describeRun(run);
    const timeout = (run.errors || []).find((e) => e.code === 'RUN_TIMEOUT');
    assert.ok(timeout, info);
    assert.ok(run.updated < 194, info);
    if (run.updated > 0) {
      assert.equal(run.status, 'partial', info);
      assert.equal(timeout.message, 'the run reached its deadline (runTimeoutMs: 4000 ms) while writing products: it stopped at a batch boundary; the next sync writes what is left');
    } else {
      assert.equal(run.status, 'failed', info);
    }
    assert.equal((await admin.syncStatus()).running, null, 'nothing is left running');
    console.log(`# write-phase timeout: ${run.updated} of 194 updated before the deadline, status ${run.status}`);
  } finally {
    await restartStore({});
  }
  const admin = await adminClient();
  const rest = await admin.sync();
  assert.equal(rest.status, 'success', describeRun(rest));
  assert.equal(rest.updated + rest.unchanged, 194, describeRun(rest));
});
