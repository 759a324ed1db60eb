'use strict';
/**
 * The benchmark's floor: Medusa's own `createProductsWorkflow` on the very products the sync would create.
 * Run inside a store with `medusa exec ./bench-floor.js <sourceUrl> <batches|single> [batchSize]` on a clean
 * database (the benchmark copies this file into the instance). Fetching, category/tag creation and planning are
 * done first, untimed, with catalog-sync-core (the plugin's own bundled copy); then only the product creation is
 * timed: `batches` passes the planned create batches to `createProductsWorkflow` one after the other, `single`
 * passes every product in one call. Prints `BENCH_FLOOR={json}`.
 */
const path = require('node:path');
const { createRequire } = require('node:module');

/** catalog-sync-core as bundled in the installed plugin tarball. */
function loadCore() {
  const pluginRequire = createRequire(require.resolve('medusa-plugin-catalog-sync/package.json', { paths: [process.cwd()] }));
  return pluginRequire('catalog-sync-core');
}

/** GET a URL and return its body as text (throws unless 200). */
async function getText(url) {
  const res = await fetch(url);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} -> HTTP ${res.status}`);
  return text;
}

/** @param {{ container: any, args: string[] }} params */
async function floor({ container, args }) {
  const appRequire = createRequire(path.join(process.cwd(), 'package.json'));
  const { createProductsWorkflow, createProductCategoriesWorkflow, createProductTagsWorkflow } = appRequire('@medusajs/medusa/core-flows');
  const { Modules } = appRequire('@medusajs/framework/utils');
  const core = loadCore();
  const [sourceUrl, mode = 'batches', batchSize] = args;
  const options = core.validateOptions({ sourceUrl, schedule: false, ...(batchSize ? { batchSize: Number(batchSize) } : {}) });

  const first = await getText(core.firstPageRequest(options).url);
  const header = core.readPageHeader(first);
  const rest = core.planRemainingPages({ options, total: header.total, firstPageCount: header.count });
  const pages = [first];
  for (let i = 0; i < rest.length; i += options.concurrency) {
    pages.push(...await Promise.all(rest.slice(i, i + options.concurrency).map((r) => getText(r.url))));
  }
  const categoriesBody = await getText(core.categoriesRequest(options).url);

  const categoryPlan = core.planCategories({ pages, categoriesBody, existing: [] });
  const { result: categories } = await createProductCategoriesWorkflow(container).run({ input: { product_categories: categoryPlan.create } });
  const tagPlan = core.planTags({ pages, existing: [] });
  const { result: tags } = tagPlan.create.length
    ? await createProductTagsWorkflow(container).run({ input: { product_tags: tagPlan.create } })
    : { result: [] };
  const [store] = await container.resolve(Modules.STORE).listStores({}, { select: ['id', 'default_sales_channel_id'] });

  const plan = core.planSync({
    options,
    pages,
    scope: { kind: 'full' },
    categories: categories.map((c) => ({ id: c.id, handle: c.handle, name: c.name })),
    tags: tags.map((t) => ({ id: t.id, value: t.value })),
    owned: [],
    takenHandles: [],
    salesChannelId: store ? store.default_sales_channel_id : null,
  });
  const batches = plan.batches.filter((b) => b.kind === 'create');
  const products = batches.reduce((n, b) => n + b.products.length, 0);

  const calls = mode === 'single' ? [batches.flatMap((b) => b.products)] : batches.map((b) => b.products);
  const t0 = performance.now();
  for (const input of calls) {
    await createProductsWorkflow(container).run({ input: { products: input } });
  }
  const ms = performance.now() - t0;
  console.log(`BENCH_FLOOR=${JSON.stringify({ mode, products, calls: calls.length, ms: Math.round(ms) })}`);
}

module.exports = { default: floor };
