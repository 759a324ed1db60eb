'use strict';
/**
 * Benchmark helpers for .ci/bench-core (not a test).
 *
 *   node tests/node/support/bench.js generate <n> <file>   writes { pages, categories, tags } for n products
 *   node tests/node/support/bench.js plan <file> <iterations> <mode>
 *       plans the catalog with the built package (pkg/, or the directory in $BENCH_PKG) `iterations` times in one
 *       of these modes and prints one JSON line { mode, products, iterations, firstMs, minMs, medianMs, peakRssKb }:
 *         catalog      planCatalog(input) + summary() + free()           (input conversion + parse + map + plan)
 *         catalog-all  the same, plus JSON.parse(batchJson(i)) for every batch, each dropped once read (as the
 *                      plugin writing them)
 *         taxonomy     a TaxonomyReader over the same pages, 100 at a time (what the host runs before the plan)
 *       Each mode runs in its own process, so peakRssKb (max resident memory, catalog included) is the mode's own.
 */
const fs = require('node:fs');
const path = require('node:path');
const { generateCatalog, pageBodies, storeCategories, storeTags } = require('./catalog');

const PAGE_SIZE = 100;

function generate(n, file) {
  const products = generateCatalog(n);
  const catalog = { pages: pageBodies(products, PAGE_SIZE), categories: storeCategories(), tags: storeTags(products) };
  fs.writeFileSync(file, JSON.stringify(catalog));
}

/** One planning run per mode; returns the number of products planned for creation. */
const MODES = {
  catalog(core, input) {
    const plan = core.planCatalog(input);
    try {
      return checked(plan.summary().counts);
    } finally {
      plan.free();
    }
  },
  'catalog-all'(core, input) {
    const plan = core.planCatalog(input);
    try {
      const summary = plan.summary();
      let products = 0;
      for (let i = 0; i < summary.batches.length; i++) products += JSON.parse(plan.batchJson(i)).products.length;
      if (products !== summary.counts.toCreate) throw new Error(`batches hold ${products} products`);
      return checked(summary.counts);
    } finally {
      plan.free();
    }
  },
  taxonomy(core, input) {
    const reader = new core.TaxonomyReader();
    for (let i = 0; i < input.pages.length; i += 100) reader.readPages(input.pages.slice(i, i + 100));
    const { categories, tags } = reader.plan({ existingCategories: [], existingTags: [] });
    if (categories.create.length === 0 || tags.create.length === 0) throw new Error('no category or tag planned');
    return undefined;
  },
};

function checked(counts) {
  if (counts.rejected > 0) throw new Error(`${counts.rejected} rejected products`);
  return counts.toCreate;
}

function plan(file, iterations, mode) {
  const run = MODES[mode];
  if (!run) throw new Error(`unknown mode ${mode} (${Object.keys(MODES).join(', ')})`);
  const core = require(process.env.BENCH_PKG || path.join(__dirname, '..', '..', '..', 'pkg'));
  const catalog = JSON.parse(fs.readFileSync(file, 'utf8'));
  const options = core.validateOptions({ pageSize: PAGE_SIZE });
  const input = {
    options, pages: catalog.pages, scope: { kind: 'full' }, categories: catalog.categories, tags: catalog.tags,
    owned: [], takenHandles: [], salesChannelId: 'sc_bench',
  };
  const times = [];
  let products = null;
  let peakRss = process.memoryUsage().rss;
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    const planned = run(core, input);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (planned !== undefined) products = planned;
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(JSON.stringify({
    mode,
    products,
    iterations,
    firstMs: times[0],
    minMs: sorted[0],
    medianMs: sorted[Math.floor(sorted.length / 2)],
    peakRssKb: Math.max(Math.round(peakRss / 1024), process.resourceUsage().maxRSS),
  }));
}

const [command, ...args] = process.argv.slice(2);
if (command === 'generate') generate(Number(args[0]), args[1]);
else if (command === 'plan') plan(args[0], Number(args[1] || 5), args[2] || 'catalog');
else {
  console.error('usage: bench.js generate <n> <file> | plan <file> <iterations> <catalog|catalog-all|taxonomy>');
  process.exit(2);
}
