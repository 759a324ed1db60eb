'use strict';
/**
 * The benchmark's floor: Medusa's own `createProductsWorkflow` on the very products the sync would create.
 * Run inside a store with `medusa exec ./bench-floor.js <sourceUrl> <batches|single> [batchSize]` on a clean
 * database (the benchmark copies this file into the instance). Fetching, category/tag creation and planning are
 * done first, untimed, with catalog-sync-core (the plugin's own bundled copy); then only the product creation is
 * timed: `batches` passes the planned create batches to `createProductsWorkflow` one after the other, `single`
 * passes every product in one call, and `module` passes the batches straight to the product module's
 * `createProducts` (no workflow, no prices, links or stock), and `modules` makes every module write a created
 * product needs, with no workflow (`writeThroughModules`): the ceilings of any path through Medusa's modules.
 * Prints `BENCH_FLOOR={json}`.
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

/**
 * A create input as the product module takes it: the product with its options, variants, images, tags and
 * categories, without what other modules hold (prices, sales channels).
 */
function productRowsOnly(product) {
  return { ...product, sales_channels: undefined, variants: product.variants.map((variant) => ({ ...variant, prices: undefined })) };
}

/**
 * Every module write a created product of the sync needs, made directly, with no workflow (so no
 * compensation, events or hooks): inventory items and their levels, the products with their variants, the
 * variants' price sets, and the links (variant-price set, variant-inventory item, product-sales channel).
 */
async function writeThroughModules(container, Modules, batch) {
  const inventory = container.resolve(Modules.INVENTORY);
  const items = await inventory.createInventoryItems(batch.inventoryItems.map(({ location_levels, ...item }) => item));
  await inventory.createInventoryLevels(batch.inventoryItems.flatMap((item, i) =>
    (item.location_levels ?? []).map((level) => ({ ...level, inventory_item_id: items[i].id }))));
  const products = await container.resolve(Modules.PRODUCT).createProducts(batch.products.map(productRowsOnly));
  const priceSets = await container.resolve(Modules.PRICING).createPriceSets(batch.products.map((p) => ({ prices: p.variants[0].prices })));
  const links = products.flatMap((product, i) => [
    ...(batch.products[i].sales_channels ?? []).map((channel) => ({
      [Modules.PRODUCT]: { product_id: product.id }, [Modules.SALES_CHANNEL]: { sales_channel_id: channel.id },
    })),
    { [Modules.PRODUCT]: { variant_id: product.variants[0].id }, [Modules.PRICING]: { price_set_id: priceSets[i].id } },
    { [Modules.PRODUCT]: { variant_id: product.variants[0].id }, [Modules.INVENTORY]: { inventory_item_id: items[i].id }, data: { required_quantity: 1 } },
  ]);
  await container.resolve('link').create(links);
}

/** @param {{ container: any, args: string[] }} params */
async function floor({ container, args }) {
  const appRequire = createRequire(path.join(process.cwd(), 'package.json'));
  const { createProductsWorkflow, createProductCategoriesWorkflow, createProductTagsWorkflow } = appRequire('@medusajs/medusa/core-flows');
  const { Modules } = appRequire('@medusajs/framework/utils');
  const core = loadCore();
  const [sourceUrl, mode = 'batches', batchSize] = args;
  const options = core.validateOptions({ sourceUrl, schedule: false, ...(batchSize ? { batchSize: Number(batchSize) } : {}) });

  // The core's fetch loop, with a plain host (untimed): every page and the category list.
  const pages = [];
  const { categoriesBody } = await core.fetchSource(
    { options, scope: { kind: 'full' }, runId: 'bench-floor', startedAtMs: Date.now() },
    {
      fetchPage: async (request) => ({ kind: 'body', body: await getText(request.url) }),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: () => Date.now(),
      onBody: ({ position, body }) => { pages[position] = body; },
    },
  );

  const reader = new core.TaxonomyReader();
  reader.readPages(pages);
  const { categories: categoryPlan, tags: tagPlan } = reader.plan({ categoriesBody, existingCategories: [], existingTags: [] });
  const { result: categories } = await createProductCategoriesWorkflow(container).run({ input: { product_categories: categoryPlan.create } });
  const { result: tags } = tagPlan.create.length
    ? await createProductTagsWorkflow(container).run({ input: { product_tags: tagPlan.create } })
    : { result: [] };
  const [store] = await container.resolve(Modules.STORE).listStores({}, { select: ['id', 'default_sales_channel_id'] });
  const [location] = mode === 'modules'
    ? await container.resolve(Modules.STOCK_LOCATION).createStockLocations([{ name: 'Benchmark' }])
    : [null];

  const plan = core.planCatalog({
    options,
    pages,
    scope: { kind: 'full' },
    categories: categories.map((c) => ({ id: c.id, handle: c.handle, name: c.name })),
    tags: tags.map((t) => ({ id: t.id, value: t.value })),
    owned: [],
    takenHandles: [],
    salesChannelId: store ? store.default_sales_channel_id : null,
    stockLocationId: location ? location.id : null,
  });
  const summary = plan.summary();
  const batches = summary.batches.map((_, i) => JSON.parse(plan.batchJson(i))).filter((b) => b.kind === 'create');
  plan.free();
  const products = batches.reduce((n, b) => n + b.products.length, 0);

  const calls = mode === 'single' ? [batches.flatMap((b) => b.products)] : batches.map((b) => b.products);
  const productModule = container.resolve(Modules.PRODUCT);
  const t0 = performance.now();
  if (mode === 'modules') {
    for (const batch of batches) await writeThroughModules(container, Modules, batch);
  } else {
    for (const input of calls) {
      if (mode === 'module') await productModule.createProducts(input.map(productRowsOnly));
      else await createProductsWorkflow(container).run({ input: { products: input } });
    }
  }
  const ms = performance.now() - t0;
  console.log(`BENCH_FLOOR=${JSON.stringify({ mode, products, calls: calls.length, ms: Math.round(ms) })}`);
}

module.exports = { default: floor };
