'use strict';
/**
 * Benchmark helpers for .ci/bench-core (not a test).
 *
 *   node tests/node/support/bench.js generate <n> <file>   writes { pages, categories, tags } for n products
 *   node tests/node/support/bench.js plan <file> <iterations>
 *       plans the catalog with the built package (pkg/) and prints one JSON line:
 *       { products, iterations, firstMs, minMs, medianMs, parseMs, peakRssKb }
 *       where the times are of `planSync` (input conversion + plan + JSON.parse of the result) and parseMs is
 *       the median share of `JSON.parse`.
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

function plan(file, iterations) {
  const core = require(path.join(__dirname, '..', '..', '..', 'pkg'));
  const catalog = JSON.parse(fs.readFileSync(file, 'utf8'));
  const options = core.validateOptions({ pageSize: PAGE_SIZE });
  const input = {
    options, pages: catalog.pages, scope: { kind: 'full' }, categories: catalog.categories, tags: catalog.tags,
    owned: [], takenHandles: [], salesChannelId: 'sc_bench',
  };
  const times = [];
  const parses = [];
  let products = 0;
  let peakRss = process.memoryUsage().rss;
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    const text = core.planSyncJson(input);
    const parseStarted = process.hrtime.bigint();
    const result = JSON.parse(text);
    const ended = process.hrtime.bigint();
    times.push(Number(ended - started) / 1e6);
    parses.push(Number(ended - parseStarted) / 1e6);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (result.counts.rejected > 0) throw new Error(`rejected products: ${JSON.stringify(result.errors[0])}`);
    products = result.counts.toCreate;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(JSON.stringify({
    products,
    iterations,
    firstMs: times[0],
    minMs: sorted[0],
    medianMs: median(times),
    parseMs: median(parses),
    peakRssKb: Math.max(Math.round(peakRss / 1024), process.resourceUsage().maxRSS),
  }));
}

const [command, ...args] = process.argv.slice(2);
if (command === 'generate') generate(Number(args[0]), args[1]);
else if (command === 'plan') plan(args[0], Number(args[1] || 5));
else {
  console.error('usage: bench.js generate <n> <file> | plan <file> <iterations>');
  process.exit(2);
}
