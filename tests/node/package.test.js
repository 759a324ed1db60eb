'use strict';
/**
 * Tests of the BUILT npm package (pkg/, assembled by .ci/build-core), the way the Medusa plugin uses it:
 * CommonJS require, plain objects in and out, thrown errors with `.code`.
 * Run: bash .ci/build-core && node --test tests/node/
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const path = require('node:path');

const PKG = path.join(__dirname, '..', '..', 'pkg');
const core = require(PKG);
const { CATEGORY_SLUGS, generateCatalog, pageBodies, titleOf } = require('./support/catalog');
const { planWhole } = require('./support/plan');

/** Asserts that `fn` throws an Error with `.code === code` and an object `.details`; returns the error. */
function throwsCode(fn, code) {
  let caught;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof Error, `expected an Error with code ${code}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(typeof caught.details, 'object');
  return caught;
}

/** Serves a catalog page by page like the source, for the planner's own request plan. */
function sourceFor(products) {
  return (request) => {
    const slice = products.slice(request.skip, request.skip + request.limit);
    return JSON.stringify({ products: slice, total: products.length, skip: request.skip, limit: slice.length });
  };
}

/** Every page of a catalog, `options.pageSize` products each, as a full fetch collects them. */
function fetchPages(options, serve) {
  const pages = [serve({ skip: 0, limit: options.pageSize })];
  const { total } = JSON.parse(pages[0]);
  for (let skip = options.pageSize; skip < total; skip += options.pageSize) {
    pages.push(serve({ skip, limit: Math.min(options.pageSize, total - skip) }));
  }
  return pages;
}

/** A source host for `fetchSource` over `serve`, answering after `delayMs`; records what it was asked. */
function sourceHost(serve, { delayMs = 2, answer = null } = {}) {
  const host = {
    calls: [], inFlight: 0, maxInFlight: 0, progress: [], sleeps: [], bodies: { page: [], product: [] },
    fetchPage: async (request, limits) => {
      host.calls.push({ request, limits });
      host.inFlight += 1;
      host.maxInFlight = Math.max(host.maxInFlight, host.inFlight);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      host.inFlight -= 1;
      const special = answer && answer(request, limits);
      if (special) return special;
      return { kind: 'body', body: request.kind === 'categories' ? '[]' : serve(request) };
    },
    sleep: (ms) => { host.sleeps.push(ms); return new Promise((resolve) => setTimeout(resolve, ms)); },
    now: () => Date.now(),
    onBody: ({ kind, position, body }) => { host.bodies[kind][position] = body; },
    onProgress: (stats) => host.progress.push(stats),
  };
  return host;
}

/** The taxonomy plan of `pages` (read a page at a time) and, for a targeted run, `products`, against `store`. */
function planTaxonomy(pages, store, products = []) {
  const reader = new core.TaxonomyReader();
  for (const page of pages) reader.readPages([page]);
  reader.readProducts(products);
  return reader.plan(store);
}

/** Runs the taxonomy plan and "creates" what it asks for, returning the store's categories and tags. */
function reconcileTaxonomy(pages) {
  const { categories: categoryPlan, tags: tagPlan } = planTaxonomy(pages, { existingCategories: [], existingTags: [] });
  assert.deepEqual(categoryPlan.update, []);
  const categories = categoryPlan.create.map((c) => ({ id: `pcat_${c.handle}`, handle: c.handle, name: c.name }));
  const tags = tagPlan.create.map((t) => ({ id: `ptag_${t.value}`, value: t.value }));
  return { categoryPlan, categories, tags };
}

function planInput(options, pages, store, extra = {}) {
  return {
    options,
    pages,
    scope: { kind: 'full' },
    categories: store.categories,
    tags: store.tags,
    owned: [],
    takenHandles: [],
    salesChannelId: 'sc_test',
    ...extra,
  };
}

const createdProducts = (plan) => plan.batches.filter((b) => b.kind === 'create').flatMap((b) => b.products);

test('a generated 194-product catalog is planned as 194 creates with unique handles and right categories', () => {
  const options = core.validateOptions({ sourceUrl: 'http://127.0.0.1:4010', pageSize: 30, batchSize: 50 });
  const products = generateCatalog(194);
  const pages = fetchPages(options, sourceFor(products));
  assert.equal(pages.length, 7);
  const store = reconcileTaxonomy(pages);
  assert.equal(store.categories.length, 24);
  assert.deepEqual(store.categories.map((c) => c.handle).sort(), [...CATEGORY_SLUGS].sort());
  assert.ok(store.categoryPlan.create.every((c) => c.is_active === true && c.is_internal === false));
  assert.equal(store.categoryPlan.create.find((c) => c.handle === 'home-decoration').name, 'Home Decoration');

  const plan = planWhole(core, planInput(options, pages, store));
  assert.equal(plan.counts.fetched, 194);
  assert.equal(plan.counts.valid, 194);
  assert.equal(plan.counts.toCreate, 194);
  assert.equal(plan.counts.rejected, 0);
  assert.deepEqual(plan.errors, []);
  assert.deepEqual(plan.completeness, { expectedTotal: 194, received: 194, duplicateIds: [], complete: true });
  assert.deepEqual(plan.batches.map((b) => [b.kind, b.index, b.products.length]),
    [['create', 0, 50], ['create', 1, 50], ['create', 2, 50], ['create', 3, 44]]);

  const created = createdProducts(plan);
  assert.deepEqual(created.map((p) => p.metadata.catalog_sync_source_id), products.map((p) => p.id));
  const handles = created.map((p) => p.handle);
  assert.equal(new Set(handles).size, 194, 'handles are unique');
  const byId = new Map(created.map((p) => [p.metadata.catalog_sync_source_id, p]));
  // Same title (10 reuses 5's) and punctuation-only difference (13 is 12's with " & "): lowest id keeps it.
  assert.equal(titleOf(10, 194), titleOf(5, 194));
  assert.equal(byId.get(10).handle, `${byId.get(5).handle}-10`);
  assert.notEqual(titleOf(13, 194), titleOf(12, 194));
  assert.equal(byId.get(13).handle, `${byId.get(12).handle}-13`);

  for (const source of products) {
    const input = byId.get(source.id);
    assert.deepEqual(input.category_ids, [`pcat_${source.category}`], `product ${source.id} category`);
    assert.deepEqual(input.tag_ids, [...new Set(source.tags)].map((t) => `ptag_${t}`));
    assert.equal(input.external_id, `dummyjson:${source.id}`);
    assert.equal(input.status, 'published');
    assert.equal(input.metadata.brand, source.brand ?? null, 'brand absent on half the products is null');
    assert.deepEqual(input.variants[0].prices, [{ currency_code: 'usd', amount: source.price }]);
    assert.deepEqual(input.sales_channels, [{ id: 'sc_test' }]);
    assert.match(input.metadata.catalog_sync_fingerprint, /^[0-9a-f]{32}$/);
  }
});

test('applying a plan and planning again changes nothing', () => {
  const options = core.validateOptions({ pageSize: 30 });
  const pages = fetchPages(options, sourceFor(generateCatalog(194)));
  const store = reconcileTaxonomy(pages);
  const first = planWhole(core, planInput(options, pages, store));
  const owned = createdProducts(first).map((p, i) => ({
    id: `prod_${i}`,
    externalId: p.external_id,
    handle: p.handle,
    status: p.status,
    fingerprint: p.metadata.catalog_sync_fingerprint,
    imagesFingerprint: p.metadata.catalog_sync_images_fingerprint,
    variantId: `variant_${i}`,
    prices: [{ id: `price_${i}`, currency_code: 'usd', amount: 1 }],
  }));
  const second = planWhole(core, planInput(options, pages, store, { owned }));
  assert.equal(second.counts.unchanged, 194);
  assert.deepEqual(second.batches, []);
  assert.deepEqual(second.errors, []);
});

test('malformed products are rejected one by one with their id and field; the rest is planned', () => {
  const options = core.validateOptions({ pageSize: 30 });
  const products = generateCatalog(194);
  products[16].price = 'abc'; // product 17
  products[41].title = ''; // product 42
  products[98].stock = -1; // product 99
  products[149].images = 'not-a-list'; // product 150
  const pages = fetchPages(options, sourceFor(products));
  const store = reconcileTaxonomy(pages);
  const plan = planWhole(core, planInput(options, pages, store));
  assert.equal(plan.counts.fetched, 194);
  assert.equal(plan.counts.rejected, 4);
  assert.equal(plan.counts.toCreate, 190);
  const rejected = plan.errors.map((e) => [e.source_id, e.field]);
  assert.deepEqual(rejected, [[17, 'price'], [42, 'title'], [99, 'stock'], [150, 'images']]);
  for (const error of plan.errors) {
    assert.match(error.message, new RegExp(`product ${error.source_id}\\b`), error.message);
    assert.ok(error.message.includes(`"${error.field}"`) || error.message.includes(error.field), error.message);
    assert.equal(typeof error.code, 'string');
  }
  assert.match(plan.errors[0].message, /"abc"/);
  const planned = new Set(createdProducts(plan).map((p) => p.metadata.catalog_sync_source_id));
  assert.ok(![17, 42, 99, 150].some((id) => planned.has(id)));
  assert.equal(planned.size, 190);
});

test('a refused batch is split, single products get write errors, and the run is summarized', () => {
  const options = core.validateOptions({ pageSize: 30, batchSize: 4 });
  const pages = fetchPages(options, sourceFor(generateCatalog(10)));
  const store = reconcileTaxonomy(pages);
  const plan = planWhole(core, planInput(options, pages, store));
  assert.deepEqual(plan.batches.map((b) => b.products.length), [4, 4, 2]);
  const halves = core.splitBatch(plan.batches[1]);
  assert.deepEqual(halves.map((b) => [b.kind, b.index, b.products.length]), [['create', 1, 2], ['create', 1, 2]]);
  const single = core.splitBatch(core.splitBatch(halves[0])[0]);
  assert.deepEqual(single, []);
  const refused = core.splitBatch(halves[0])[0];
  const errors = core.writeErrorFor({ batch: refused, message: 'Product with handle x already exists' });
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'WRITE_FAILED');
  assert.equal(errors[0].source_id, 5);
  assert.match(errors[0].message, /^product 5: .*already exists/);

  const report = core.summarizeRun({
    plan,
    results: [
      { kind: 'create', index: 0, written: 4, failedSourceIds: [] },
      { kind: 'create', index: 1, written: 3, failedSourceIds: [5], errors },
      { kind: 'create', index: 2, written: 2, failedSourceIds: [] },
    ],
    fetch: { requests: 1, retries: 0, pagesTotal: 1, pagesFetched: 1 },
  });
  assert.equal(report.status, 'partial');
  assert.equal(report.counts.created, 9);
  assert.equal(report.counts.failed, 1);
  assert.deepEqual(report.errors, errors);
});

test('thrown errors are Errors with a stable code and details', () => {
  const invalid = throwsCode(() => core.validateOptions({ pageSize: 'abc' }), 'INVALID_OPTION');
  assert.equal(invalid.message, 'catalog-sync option "pageSize" must be an integer between 1 and 1000 (got "abc")');
  assert.deepEqual(invalid.details, { option: 'pageSize', value: 'abc' });
  throwsCode(() => core.validateOptions({ sourceUrl: 'ftp://example.com' }), 'INVALID_OPTION');
  throwsCode(() => core.validateOptions({ schedule: '* * *' }), 'INVALID_OPTION');
  const shape = throwsCode(() => core.planCatalog({ options: core.validateOptions({}), pages: 'nope' }), 'INVALID_INPUT');
  assert.equal(shape.details.function, 'planCatalog');
  assert.equal(shape.details.path, 'pages');
  throwsCode(() => core.checkRunDeadline({ deadline: { startedAtMs: 0 }, nowMs: 0, phase: 'write' }), 'INVALID_INPUT');
  throwsCode(() => core.validateOptions({ imageHosts: ['http://10.0.0.5/images'] }), 'INVALID_OPTION');
});

test('the markers the host queries with come from the core', () => {
  assert.deepEqual(core.syncMarkers(), { externalIdPrefix: 'dummyjson:', inventoryItemMarker: 'catalog_sync_external_id' });
  const { inventoryItemMarker, externalIdPrefix } = core.syncMarkers();
  assert.deepEqual(core.orphanedInventoryItems([
    { id: 'iitem_ours', metadata: { [inventoryItemMarker]: `${externalIdPrefix}4` }, variantIds: [] },
    { id: 'iitem_linked', metadata: { catalog_sync_external_id: 'dummyjson:5' }, variantIds: ['variant_1'] },
    { id: 'iitem_theirs', metadata: null, variantIds: [] },
  ]), ['iitem_ours']);
  const lookAfter = (input, ledger) => {
    const check = new core.StoreCheck({ currencyCode: 'usd', salesChannelId: null, scope: { kind: 'full' }, ...input },
      JSON.stringify(ledger), '[]');
    try {
      return check.summary().lookForOrphanedInventoryItems;
    } finally {
      check.free();
    }
  };
  const creating = [{ source: 'dummyjson', source_id: '4', state: 'creating', product_id: null, variant_id: null,
    inventory_item_id: null, fingerprint: null, images_fingerprint: null, image_ids: [], run_id: 'csrun_1' }];
  assert.equal(lookAfter({}, []), false);
  assert.equal(lookAfter({ interruptedSinceLastCompletedRun: true }, []), true);
  assert.equal(lookAfter({}, creating), true);
});

test('options come back complete, with null (not undefined) for unset values', () => {
  const options = core.validateOptions({});
  assert.deepEqual(options, {
    sourceUrl: 'https://dummyjson.com', schedule: '0 * * * *', pageSize: 100, concurrency: 4, batchSize: 50,
    currencyCode: 'usd', salesChannelId: null, onMissing: 'draft', requestTimeoutMs: 10000, maxRetries: 4,
    images: 'upload', imageMaxBytes: 10485760, stockLocationId: null, webhookSecret: null, maxRemovalRatio: 0.2,
    pageMaxBytes: 8388608, maxProducts: 250000, maxPages: 10000, runTimeoutMs: 7200000, maxImagesPerProduct: 20,
    imageHosts: [],
    previewTtlMs: 3600000,
  });
  assert.equal(core.validateOptions(undefined).pageSize, 100);
  assert.equal(core.validateOptions({ schedule: false }).schedule, null);
  // The host passes CATALOG_SYNC_WEBHOOK_SECRET as a fallback; the option, when set, wins.
  assert.equal(core.validateOptions({}, { webhookSecret: 'from-env' }).webhookSecret, 'from-env');
  assert.equal(core.validateOptions({ webhookSecret: 'set' }, { webhookSecret: 'from-env' }).webhookSecret, 'set');
  assert.equal(core.validateOptions({}, { webhookSecret: undefined }).webhookSecret, null);
});

test('the core says whether a run copies images: upload does, link reads and plans nothing', () => {
  assert.equal(core.copiesImages(core.validateOptions({})), true);
  assert.equal(core.copiesImages(core.validateOptions({ images: 'link' })), false);
  assert.throws(() => core.copiesImages('upload'), { code: 'INVALID_INPUT' });
});

test('the taxonomy reader reads the bodies once for categories and tags, and leaves the store\'s own alone', () => {
  const page = JSON.stringify({
    products: [
      { id: 1, title: 'Lamp', price: 10, stock: 1, category: 'home-decoration', tags: ['lighting', 'sale'] },
      { id: 2, title: 'Pan', price: 'x', stock: 1, category: 'kitchen', tags: ['steel'] },
    ],
    total: 2, skip: 0, limit: 2,
  });
  const product = JSON.stringify({ id: 3, title: 'Desk', price: 90, stock: 3, category: 'office', tags: ['wood'] });
  const plan = planTaxonomy([page, '{ not json'], {
    categoriesBody: JSON.stringify([{ slug: 'home-decoration', name: 'Home & Decor', url: 'x' }]),
    existingCategories: [{ id: 'pcat_1', handle: 'home-decoration', name: 'Home Decoration' }],
    existingTags: [{ id: 'ptag_1', value: 'sale' }],
  }, [product]);
  assert.deepEqual(plan, {
    categories: { create: [{ name: 'Office', handle: 'office', is_active: true, is_internal: false }],
      update: [{ id: 'pcat_1', name: 'Home & Decor' }] },
    tags: { create: [{ value: 'lighting' }, { value: 'wood' }] },
  });
  const reader = new core.TaxonomyReader();
  throwsCode(() => reader.readPages(['{}', 7]), 'INVALID_INPUT');
  throwsCode(() => reader.plan({ existingCategories: [] }), 'INVALID_INPUT');
});

test('addresses are classified by the core, IPv4-mapped forms like their IPv4 address', () => {
  assert.equal(core.classifyAddress('8.8.8.8'), 'public');
  for (const [address, kind] of [['127.0.0.1', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'], ['169.254.169.254', 'link-local'], ['100.64.0.1', 'shared-cgnat'], ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'], ['64:ff9b::7f00:1', 'loopback'], ['2002:a00:1::', 'private'], ['fe80::1%eth0', 'link-local']]) {
    assert.equal(core.classifyAddress(address), kind, address);
  }
});

test('webhook signatures made with Node crypto verify; tampering and replays are refused', () => {
  const secret = 'whsec_node_test';
  const body = Buffer.from(JSON.stringify({ product_ids: [3, 4, 3], event: 'product.updated' }));
  const now = 1_750_000_000;
  const sign = (timestamp, bytes) => crypto.createHmac('sha256', secret)
    .update(`${timestamp}.`).update(bytes).digest('hex');
  const check = ({ bytes = body, signature = sign(now, body), nowSeconds = now + 30 } = {}) => core.checkWebhook({
    secret, headers: { 'x-webhook-timestamp': String(now), 'x-webhook-signature': signature }, body: bytes,
    bodyLength: bytes.length, nowSeconds });
  assert.deepEqual(check(), { kind: 'accepted', productIds: [3, 4], event: 'product.updated',
    replayKey: sign(now, body), rememberUntilSeconds: now + 360 });
  // The same body sent again at another time is another delivery: another signature, another replay key.
  const later = core.checkWebhook({ secret, headers: { 'x-webhook-timestamp': String(now + 1),
    'x-webhook-signature': `SHA256=${sign(now + 1, body).toUpperCase()}` }, body, bodyLength: body.length, nowSeconds: now });
  assert.equal(later.replayKey, sign(now + 1, body));
  assert.notEqual(later.replayKey, check().replayKey);
  const tampered = Buffer.from(body);
  tampered[tampered.length - 2] ^= 1;
  assert.equal(check({ bytes: tampered }).code, 'WEBHOOK_SIGNATURE_MISMATCH');
  assert.equal(check({ nowSeconds: now + 301 }).code, 'WEBHOOK_TIMESTAMP_STALE');
  assert.equal(check({ signature: '' }).code, 'WEBHOOK_SIGNATURE_MISSING');
});

test('checkWebhook answers a call signed with Node crypto over the raw Buffer, in the documented order', () => {
  const secret = 'whsec_node_test';
  const now = 1_750_000_000;
  const sign = (timestamp, bytes) => crypto.createHmac('sha256', secret)
    .update(`${timestamp}.`).update(bytes).digest('hex');
  // As sent: spaces and a key order a re-serialisation would not keep.
  const body = Buffer.from('{ "event": "product.deleted", "product_ids": [9, 8, 9] }');
  const call = (overrides = {}) => ({
    secret,
    headers: { 'x-webhook-timestamp': String(now), 'x-webhook-signature': `sha256=${sign(now, body)}`,
      'content-type': 'application/json', host: '127.0.0.1' },
    body,
    bodyLength: body.length,
    nowSeconds: now + 12.7,
    ...overrides,
  });
  assert.deepEqual(core.checkWebhook(call()), { kind: 'accepted', productIds: [9, 8], event: 'product.deleted',
    replayKey: sign(now, body), rememberUntilSeconds: now + 360 });
  const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
  const refused = (overrides) => {
    const { kind, status, code } = core.checkWebhook(call(overrides));
    return { kind, status, code };
  };
  assert.deepEqual(refused({ body: reserialised, bodyLength: reserialised.length }),
    { kind: 'refused', status: 401, code: 'WEBHOOK_SIGNATURE_MISMATCH' });
  assert.deepEqual(refused({ nowSeconds: now - 301 }), { kind: 'refused', status: 401, code: 'WEBHOOK_TIMESTAMP_STALE' });
  assert.deepEqual(refused({ headers: {} }), { kind: 'refused', status: 401, code: 'WEBHOOK_SIGNATURE_MISSING' });
  assert.deepEqual(refused({ bodyLength: core.webhookBodyLimit() + 1 }),
    { kind: 'refused', status: 413, code: 'WEBHOOK_BODY_TOO_LARGE' });
  assert.deepEqual(refused({ secret: null, headers: {} }), { kind: 'refused', status: 503, code: 'WEBHOOK_SECRET_MISSING' });
  const invalid = Buffer.from('{"product_ids":[]}');
  const signedInvalid = { body: invalid, bodyLength: invalid.length,
    headers: { 'x-webhook-timestamp': String(now), 'x-webhook-signature': sign(now, invalid) } };
  assert.deepEqual(refused(signedInvalid), { kind: 'refused', status: 400, code: 'WEBHOOK_BODY_INVALID' });
  assert.equal(core.webhookBodyLimit(), 65536);
});

test('queued webhook ids merge into one sorted, duplicate-free list whatever the order of calls', () => {
  const calls = [[40, 12], [13], [12, 99, 13]];
  const fold = (list) => list.reduce((queued, incoming) => core.mergeQueuedIds({ queued, incoming }), []);
  assert.deepEqual(fold(calls), [12, 13, 40, 99]);
  assert.deepEqual(fold([...calls].reverse()), [12, 13, 40, 99]);
  throwsCode(() => core.mergeQueuedIds({ queued: ['12'], incoming: [] }), 'INVALID_INPUT');
});

test('the run lifecycle: transitions for the conditional updates, liveness by lease, endings and their messages', () => {
  assert.deepEqual(core.runTransition({ kind: 'startQueued' }), { from: 'queued', to: 'running', guard: 'none' });
  assert.deepEqual(core.runTransition({ kind: 'begin' }), { from: null, to: 'running', guard: 'none' });
  assert.deepEqual(core.runTransition({ kind: 'finish', outcome: 'partial' }), { from: 'running', to: 'partial', guard: 'owner' });
  assert.deepEqual(core.runTransition({ kind: 'interrupt' }), { from: 'running', to: 'interrupted', guard: 'observed' });
  throwsCode(() => core.runTransition({ kind: 'finish', outcome: 'queued' }), 'INVALID_INPUT');

  const { heartbeatIntervalMs, leaseMs } = core.leaseFigures();
  assert.deepEqual([heartbeatIntervalMs, leaseMs], [5000, 20000]);
  const owner = { host: 'same', pid: 1, boot: 'b-1', mode: 'worker' };
  const ask = (nowMs, thisBoot, heldHere) => core.runLiveness({ owner, heartbeatAtMs: 1e12, nowMs, thisBoot, heldHere });
  assert.deepEqual(ask(1e12 + leaseMs - 1, 'b-2', false), { kind: 'live', leaseEndsAtMs: 1e12 + leaseMs });
  assert.deepEqual(ask(1e12 + leaseMs, 'b-2', false), { kind: 'dead', reason: { kind: 'leaseExpired', silentMs: leaseMs } });
  assert.deepEqual(ask(1e12 + 1, 'b-1', false), { kind: 'dead', reason: { kind: 'abandonedHere' } });

  const failed = core.endRun({ kind: 'completed', status: 'failed', errors: [{ source_id: 3, field: null, code: 'WRITE_FAILED', message: 'product 3: no' }] });
  assert.deepEqual(failed, { transition: { from: 'running', to: 'failed', guard: 'owner' }, errorMessage: 'product 3: no' });
  const interrupted = core.endRun({ kind: 'interrupted', owner, reason: { kind: 'leaseExpired', silentMs: 21500 } });
  assert.equal(interrupted.transition.to, 'interrupted');
  assert.match(interrupted.errorMessage, /^interrupted: its process \(worker pid 1 on same\) gave no sign of life for 21 s/);
  assert.deepEqual([1, 2, 3, 4, 5].map(core.finalWriteRetryDelay), [500, 1000, 2000, 4000, null]);
  assert.deepEqual(['server', 'worker', 'shared'].map(core.executionSite), ['workers', 'thisProcess', 'thisProcess']);
  throwsCode(() => core.executionSite('cluster'), 'INVALID_INPUT');
  assert.deepEqual(['server', 'worker', 'shared'].map(core.writeSite), ['thisProcess', 'workers', 'thisProcess']);
});

test('the write fan-out: a worker takes a batch unless written or claimed live; the owner republishes dead claims', () => {
  const { leaseMs } = core.leaseFigures();
  const claim = { claimer: { host: 'h', pid: 7, boot: 'killed', mode: 'worker' }, heartbeatAtMs: 1e12 };
  const take = (nowMs, extra = {}) => core.batchTake({
    published: true, recorded: false, runWriting: true, claim, nowMs, thisBoot: 'me', heldHere: false, ...extra,
  });
  assert.deepEqual(take(1e12 + leaseMs - 1), { kind: 'skip', reason: 'claimedLive' });
  assert.deepEqual(take(1e12 + leaseMs), { kind: 'take', observed: claim });
  assert.deepEqual(take(1e12, { claim: null }), { kind: 'take', observed: null });
  assert.deepEqual(take(1e12 + leaseMs, { recorded: true }), { kind: 'skip', reason: 'recorded' });
  assert.deepEqual(take(1e12 + leaseMs, { runWriting: false }), { kind: 'skip', reason: 'runStopped' });
  throwsCode(() => core.batchTake({ published: true }), 'INVALID_INPUT');

  const batches = [
    { position: 0, publishedAtMs: 1e12, claim, recordedAtMs: 1e12 + 10, written: 50 },
    { position: 1, publishedAtMs: 1e12, claim, recordedAtMs: null, written: 0 },
  ];
  const look = (nowMs, closing, fullLook = true) => core.fanOutState({
    batches, fullLook, lastFullLookMs: fullLook ? nowMs : nowMs - 1, nowMs, thisBoot: 'owner', heldHere: [], closing,
  });
  const changedSince = (nowMs) => ({ kind: 'changedSince', sinceMs: nowMs - 1000 });
  assert.deepEqual(look(1e12 + 1, false),
    { complete: false, recorded: 1, written: 50, republish: [], nextLook: changedSince(1e12 + 1) });
  assert.deepEqual(look(1e12 + leaseMs, false),
    { complete: false, recorded: 1, written: 50, republish: [1], nextLook: changedSince(1e12 + leaseMs) });
  assert.deepEqual(look(1e12 + leaseMs, true),
    { complete: true, recorded: 1, written: 50, republish: [], nextLook: changedSince(1e12 + leaseMs) });
  // A look that read only the changed rows acts on nothing: it asks for a look at every row.
  assert.deepEqual(look(1e12 + leaseMs, false, false),
    { complete: false, recorded: 1, written: 50, republish: [], nextLook: { kind: 'every' } });
  throwsCode(() => core.fanOutState({ batches, nowMs: 0, thisBoot: 'owner', heldHere: [], closing: false }), 'INVALID_INPUT');
});

test('fetchSource drives the fetch through an injected host: concurrency, retries, counts, progress', async () => {
  const options = core.validateOptions({ sourceUrl: 'http://127.0.0.1:4010', pageSize: 30, concurrency: 2 });
  const host = sourceHost(sourceFor(generateCatalog(194)), {
    answer: (request, limits) => (request.skip === 90 && limits.attempt === 1
      ? { kind: 'http', status: 429, retryAfter: '0' } : null),
  });
  const fetched = await core.fetchSource({ options, scope: { kind: 'full' }, runId: 'csrun_node', startedAtMs: Date.now() }, host);
  assert.deepEqual(fetched, { notFoundIds: [], categoriesBody: '[]', pagesTotal: 7 });
  const ids = host.bodies.page.flatMap((body) => JSON.parse(body).products.map((p) => p.id));
  assert.deepEqual(ids, Array.from({ length: 194 }, (_, i) => i + 1), 'every page handed over once, by position');
  assert.deepEqual(host.bodies.product, []);
  const pageSkips = host.calls.filter((c) => c.request.kind === 'page').map((c) => c.request.skip);
  assert.deepEqual(pageSkips.slice(0, 1), [0]);
  assert.deepEqual([...new Set(pageSkips)].sort((a, b) => a - b), [0, 30, 60, 90, 120, 150, 180]);
  assert.equal(pageSkips.filter((skip) => skip === 90).length, 2, 'the 429 was retried');
  assert.equal(host.maxInFlight, 2);
  assert.equal(host.calls[0].limits.timeoutMs, 10000);
  assert.equal(host.calls[0].limits.maxBytes, 8388608);
  assert.ok(host.calls[0].limits.signal instanceof AbortSignal);
  assert.ok(host.calls[0].limits.signal.aborted, 'aborted once the fetch is over');
  assert.deepEqual(host.progress.at(-1), { requests: 9, retries: 1, pagesTotal: 7, pagesFetched: 7 });

  const targeted = sourceHost(sourceFor(generateCatalog(20)), {
    answer: (request) => (request.productId === 404 ? { kind: 'http', status: 404, retryAfter: null }
      : request.kind === 'product' ? { kind: 'body', body: JSON.stringify({ id: request.productId, title: 'x' }) } : null),
  });
  const some = await core.fetchSource({ options, scope: { kind: 'targeted', productIds: [3, 404, 3] }, runId: 'r',
    startedAtMs: Date.now() }, targeted);
  assert.deepEqual(targeted.bodies.product.map((body) => JSON.parse(body).id), [3]);
  assert.deepEqual(some.notFoundIds, [404]);

  await assert.rejects(core.fetchSource({ options, scope: { kind: 'full' }, runId: 'r', startedAtMs: Date.now() },
    { ...host, fetchPage: async () => { throw new Error('ECONNREFUSED'); } }),
  (error) => error.code === 'HOST_CALL_FAILED' && /ECONNREFUSED/.test(error.message));
  const capped = core.validateOptions({ sourceUrl: 'http://127.0.0.1:4010', maxProducts: 100 });
  await assert.rejects(core.fetchSource({ options: capped, scope: { kind: 'full' }, runId: 'r', startedAtMs: Date.now() },
    sourceHost(sourceFor(generateCatalog(194)))),
  (error) => error.code === 'SOURCE_TOO_LARGE' && /maxProducts \(100\)/.test(error.message));
});

test('bodies with non-ASCII text cross intact, and the caller\'s input object is not modified', () => {
  const options = core.validateOptions({ pageSize: 30 });
  const products = generateCatalog(30);
  products[0].title = `${'a'.repeat(3000)} Crème brûlée ☕`;
  products[1].title = '😀 Émoji ünïcödé';
  products[2].description = '日本語の説明\u2028with a line separator';
  const pages = fetchPages(options, sourceFor(products));
  const store = reconcileTaxonomy(pages);
  const input = planInput(options, pages, store);
  const snapshot = JSON.stringify(input);
  const created = createdProducts(planWhole(core, input));
  assert.equal(created[0].title, products[0].title);
  assert.equal(created[1].title, products[1].title);
  assert.equal(created[2].description, products[2].description);
  assert.equal(JSON.stringify(input), snapshot);
});

test('the wrapper turns a WebAssembly trap into a CORE_PANIC error and reloads the module', () => {
  // A stand-in for the wasm-bindgen module whose export traps like a Rust panic does (after the panic hook
  // stored its message), loaded under the real module's path so that index.js wraps it.
  const corePath = require.resolve(path.join(PKG, 'catalog_sync.js'));
  const indexPath = require.resolve(path.join(PKG, 'index.js'));
  const realCore = require.cache[corePath];
  const trapping = {
    validateOptions() {
      globalThis.__catalogSyncCorePanic = 'catalog-sync core panicked: index out of bounds';
      throw new WebAssembly.RuntimeError('unreachable');
    },
    planCatalog() {
      throw new WebAssembly.RuntimeError('unreachable');
    },
  };
  try {
    delete require.cache[indexPath];
    require.cache[corePath] = { id: corePath, filename: corePath, loaded: true, exports: trapping };
    const wrapped = require(indexPath);
    const panic = throwsCode(() => wrapped.validateOptions({}), 'CORE_PANIC');
    assert.equal(panic.message, 'catalog-sync core panicked: index out of bounds');
    assert.ok(panic.cause instanceof WebAssembly.RuntimeError);
    assert.equal(globalThis.__catalogSyncCorePanic, undefined, 'the message is consumed');
    // The trapped instance was replaced by a fresh load of the real module: calls work again.
    assert.equal(wrapped.validateOptions({}).pageSize, 100);
    const unknown = throwsCode(() => wrapped.planCatalog({}), 'INVALID_INPUT');
    assert.equal(unknown.details.function, 'planCatalog');
  } finally {
    delete require.cache[indexPath];
    if (realCore) require.cache[corePath] = realCore;
  }
});

test('planHeldRemovals plans exactly the held set that is still gone, as a CatalogPlan', () => {
  const held = [3, 4, 5].map((id) => ({ source_id: id, product_id: `prod_${id}`, action: 'delete' }));
  const products = [3, 4].map((id) => ({ id: `prod_${id}`, external_id: `dummyjson:${id}`, status: 'published' }));
  const plan = core.planHeldRemovals({ held, notFoundIds: [3, 5], products, batchSize: 50 });
  try {
    const summary = plan.summary();
    assert.deepEqual(summary.counts, { fetched: 1, valid: 0, rejected: 0, toCreate: 0, toUpdate: 0, toComplete: 0,
      unchanged: 0, toArchive: 0, toDelete: 1, kept: 0 });
    assert.deepEqual(summary.errors.map((e) => [e.source_id, e.code]), [[4, 'HELD_REMOVAL_SKIPPED'], [5, 'HELD_REMOVAL_SKIPPED']]);
    assert.deepEqual(summary.heldRemovals, []);
    assert.deepEqual(JSON.parse(plan.batchJson(0)), { kind: 'delete', index: 0, productIds: ['prod_3'], sourceIds: [3] });
    const report = core.summarizeRun({ plan: summary, results: [{ kind: 'delete', index: 0, written: 1, failedSourceIds: [] }],
      fetch: { requests: 4, retries: 0, pagesTotal: 3, pagesFetched: 3 } });
    assert.equal(report.status, 'success', 'skipped held removals are notices, not problems');
    assert.equal(report.counts.deleted, 1);
  } finally {
    plan.free();
  }
  assert.throws(() => core.planHeldRemovals({ held: 'x' }), (error) => error.code === 'INVALID_INPUT');
});

test('checkApplyRemovals allows a held set once, and again only after the run that took it failed or was interrupted', () => {
  const request = (held, appliedBy = null, appliedByStatus = null) => ({ runId: 'csrun_held', held, appliedBy, appliedByStatus });
  assert.deepEqual(core.checkApplyRemovals(request(2)), { kind: 'allowed' });
  assert.deepEqual(core.checkApplyRemovals(request(0)), { kind: 'refused', status: 400, code: 'NO_HELD_REMOVALS',
    message: 'run csrun_held held back no removals: there is nothing to apply' });
  assert.equal(core.checkApplyRemovals(request(2, 'csrun_apply', 'success')).code, 'REMOVALS_ALREADY_APPLIED');
  assert.equal(core.checkApplyRemovals(request(2, 'csrun_apply', 'running')).status, 409);
  assert.deepEqual(core.checkApplyRemovals(request(2, 'csrun_apply', 'failed')), { kind: 'allowed' });
  assert.deepEqual(core.checkApplyRemovals(request(2, 'csrun_apply', 'interrupted')), { kind: 'allowed' });
});

test('splitRefusedGroup halves a refused group of files by the rule of splitBatch, down to single files', () => {
  assert.deepEqual(core.splitRefusedGroup(5), [[0, 3], [3, 5]]);
  assert.deepEqual(core.splitRefusedGroup(2), [[0, 1], [1, 2]]);
  assert.deepEqual(core.splitRefusedGroup(1), []);
  assert.deepEqual(core.splitRefusedGroup(0), []);
});

test('planChanges lists a preview through the boundary; checkApplyPreview, comparePreviewFingerprints and checkCancel decide', () => {
  const page = JSON.stringify({ products: [{ id: 1, title: 'Lamp', price: 9.5, stock: 3 }, { id: 2, title: 'Bad', price: 'x', stock: 1 }],
    total: 2, skip: 0, limit: 30 });
  const list = core.planChanges({
    plan: { options: core.validateOptions({ images: 'link' }), pages: [page], scope: { kind: 'full' }, categories: [], tags: [],
      owned: [], takenHandles: [], salesChannelId: null },
    current: [],
  });
  assert.deepEqual(list.entries.map((entry) => [entry.source_id, entry.kind]), [[1, 'created'], [2, 'rejected']]);
  assert.deepEqual(list.counts, { created: 1, updated: 0, removed: 0, kept: 0, rejected: 1, held: 0 });
  assert.equal(list.report.status, 'partial');
  assert.match(list.listingFingerprint, /^[0-9a-f]{32}$/);
  assert.match(list.planFingerprint, /^[0-9a-f]{32}$/);
  assert.deepEqual(list.entries[0].diff[2], { field: 'price', old: null, new: 9.5 });

  const request = { runId: 'csrun_p', trigger: 'preview', status: 'success', finishedAtMs: 1000, nowMs: 2000, ttlMs: 60000,
    appliedBy: null, appliedByStatus: null };
  assert.deepEqual(core.checkApplyPreview(request), { kind: 'allowed' });
  assert.equal(core.checkApplyPreview({ ...request, nowMs: 62001 }).code, 'PREVIEW_EXPIRED');
  const same = { listing: list.listingFingerprint, plan: list.planFingerprint };
  assert.equal(core.comparePreviewFingerprints('csrun_p', same, same), null);
  assert.match(core.comparePreviewFingerprints('csrun_p', same, { ...same, listing: 'other' }), /^the source changed since preview csrun_p/);
  assert.deepEqual(core.checkCancel('csrun_r', 'running', false), { kind: 'accepted' });
  assert.deepEqual(core.checkCancel('csrun_r', 'success', false),
    { kind: 'refused', message: 'run csrun_r already ended (success): there is nothing to stop' });
  assert.deepEqual(core.endRun({ kind: 'cancelled', written: 10 }).transition, { from: 'running', to: 'cancelled', guard: 'owner' });
});

test('runNotification and productStatus through the boundary', () => {
  const failed = core.runNotification({ runId: 'csrun_s', trigger: 'schedule', status: 'failed', errorMessage: 'HTTP 503', errors: [] });
  assert.deepEqual(failed, {
    title: 'Scheduled catalog sync failed',
    description: 'Run csrun_s: HTTP 503. Details: /app/catalog-sync/runs/csrun_s',
    path: '/app/catalog-sync/runs/csrun_s',
    idempotencyKey: 'catalog-sync-run:csrun_s',
  });
  assert.equal(core.runNotification({ runId: 'csrun_m', trigger: 'manual', status: 'failed', errorMessage: null, errors: [] }), null);
  const state = core.productStatus({ sourceUrl: 'https://dummyjson.com', sourceId: 4, writtenFingerprint: 'f', writtenProductUpdatedMs: 10,
    writtenVariantUpdatedMs: 10, productUpdatedMs: 20, variantUpdatedMs: 10, metadata: { catalog_sync_fingerprint: 'f' },
    seenFingerprint: null, seenAtMs: null });
  assert.equal(state.status, 'edited_in_admin');
  assert.equal(state.sourceLink, 'https://dummyjson.com/products/4');
});
