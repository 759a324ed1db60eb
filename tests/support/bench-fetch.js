'use strict';
/**
 * The fetch benchmark (started by .ci/bench-fetch; not part of the test command): how long the plugin's fetch
 * of a whole catalog takes, against the DummyJSON stand-in in this process, beside the HTTP floor.
 *   - `after`: the plugin's `fetchCatalog` (the core's `fetchSource` driving the host's one-attempt
 *     `fetchPageOnce`), loaded from a built plugin (default: js-host/.medusa/server, or `--fetch PATH`);
 *   - `before` (with `--before PATH`): another version's `fetch-catalog.js`, e.g. the TypeScript page loop
 *     (`fetchWithRetries` + `mapWithConcurrency`) that .ci/bench-fetch builds from a git ref. Both contracts are
 *     served by one call: the run carries `startedAt` and `counters`, the progress callback is a function
 *     with `onPlanned` / `onFetched`;
 *   - `floor`: the very URLs the plugin requested (recorded in an untimed first run, through the global
 *     `fetch` or `http.get`) fetched with `fetch(...).text()`, `concurrency` at a time, nothing
 *     checked: what the HTTP requests alone cost.
 * Each is run `--rounds` times, alternating; prints the median, min and max in ms, and the raw figures as JSON.
 *
 *   node tests/support/bench-fetch.js [--products 10000] [--rounds 7] [--page-size 100] [--concurrency 4]
 *                                     [--fetch PATH] [--before PATH] [--before-label TEXT] [--port N]
 */
const http = require('node:http');
const path = require('node:path');
const { startServer } = require('../dummyjson/server');
const { parseArgs } = require('../dummyjson/cli-args');

const ROOT = path.join(__dirname, '..', '..');
const args = parseArgs(process.argv.slice(2));
const products = Number(args.products ?? 10_000);
const rounds = Number(args.rounds ?? 7);
const pageSize = Number(args['page-size'] ?? 100);
const concurrency = Number(args.concurrency ?? 4);
const afterModule = path.resolve(args.fetch ?? path.join(ROOT, 'js-host', '.medusa', 'server', 'src', 'lib', 'fetch-catalog.js'));
const beforeModule = args.before ? path.resolve(args.before) : null;
const log = (msg) => process.stderr.write(`[bench-fetch] ${msg}\n`);

/** Median, min and max of a list of numbers. */
function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
}

/** The floor: `urls` fetched `concurrency` at a time, bodies read as text. */
async function floor(urls) {
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++];
      bytes += (await (await fetch(url)).text()).length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests: urls.length, bytes };
}

/**
 * Runs `work` with the global `fetch` and `http.get` (the plugin's `fetchPageOnce` uses Node's `http` client)
 * recording every URL they are given; returns those URLs.
 */
async function recordingUrls(work) {
  const realFetch = globalThis.fetch;
  const realGet = http.get;
  const urls = [];
  globalThis.fetch = (url, init) => {
    urls.push(String(url));
    return realFetch(url, init);
  };
  http.get = (url, ...rest) => {
    urls.push(String(url));
    return realGet.call(http, url, ...rest);
  };
  try {
    await work();
  } finally {
    globalThis.fetch = realFetch;
    http.get = realGet;
  }
  if (urls.length === 0) throw new Error('the warm-up fetch requested no URL through fetch() or http.get');
  return urls;
}

/**
 * A full fetch with the `fetchCatalog` of `modulePath`, as a function of the round; `stats` receives the last
 * progress the fetch reported (the counts of the current version, the request counters of an older one).
 */
function loadFetch(modulePath, serverUrl, stats) {
  const { fetchCatalog } = require(modulePath);
  // The core the fetch module itself loads (its options shape).
  const core = require(require.resolve('catalog-sync-core', { paths: [path.dirname(modulePath)] }));
  const options = core.validateOptions({ sourceUrl: serverUrl, pageSize, concurrency, schedule: false });
  return async (round) => {
    const counters = { requests: 0, retries: 0 };
    const progress = Object.assign((latest) => {
      stats.last = latest;
    }, { onPlanned() {}, onFetched() {} });
    const run = { runId: `bench_${round}`, startedAt: new Date(), counters };
    let pages;
    if (fetchCatalog.length === 5) {
      // The current contract: each accepted body goes to the run's SourceBodies (kept compressed as it comes, with
      // the answer it came in), counted here.
      const { SourceBodies } = require(path.join(path.dirname(modulePath), 'source-bodies.js'));
      const kept = new SourceBodies();
      pages = 0;
      await fetchCatalog(options, null, run, { add: (body, answer) => { pages += body.kind === 'page' ? 1 : 0; kept.add(body, answer); } }, progress);
    } else {
      pages = (await fetchCatalog(options, null, run, progress)).pages.length;
    }
    if (pages !== Math.ceil(products / pageSize)) throw new Error(`${modulePath}: fetched ${pages} pages`);
    if (stats.last === null) stats.last = counters;
  };
}

async function main() {
  const server = await startServer({ port: Number(args.port ?? 0), size: products, seed: 1 });
  const contenders = [{ name: `after (\`fetchSource\`, ${path.relative(ROOT, afterModule)})`, key: 'after', modulePath: afterModule }];
  if (beforeModule) {
    contenders.unshift({ name: `before (${args['before-label'] ?? path.relative(ROOT, beforeModule)})`, key: 'before', modulePath: beforeModule });
  }
  log(`stand-in with ${products} products at ${server.url}`);
  try {
    const figures = { floor: [] };
    const stats = {};
    for (const contender of contenders) {
      stats[contender.key] = { last: null };
      contender.run = loadFetch(contender.modulePath, server.url, stats[contender.key]);
      figures[contender.key] = [];
    }
    const urls = await recordingUrls(() => contenders.at(-1).run('warm-up'));
    for (const contender of contenders.slice(0, -1)) await contender.run('warm-up');
    log(`warm-up: ${urls.length} requests recorded`);
    for (let round = 0; round < rounds; round++) {
      const line = [];
      for (const contender of contenders) {
        const started = performance.now();
        await contender.run(round);
        figures[contender.key].push(performance.now() - started);
        line.push(`${contender.key} ${figures[contender.key].at(-1).toFixed(0)} ms`);
      }
      const started = performance.now();
      const raw = await floor(urls);
      figures.floor.push(performance.now() - started);
      log(`round ${round + 1}: ${line.join(', ')}, floor ${figures.floor.at(-1).toFixed(0)} ms (${raw.requests} requests, ${(raw.bytes / 1e6).toFixed(1)} M characters)`);
    }
    const ms = (v) => `${Math.round(v)} ms`;
    const row = (name, values) => {
      const { median, min, max } = spread(values);
      return `| ${name} | ${ms(median)} | ${ms(min)} – ${ms(max)} |`;
    };
    console.log(`\nFetch of ${products} products (${Math.ceil(products / pageSize)} pages of ${pageSize} and the category list, concurrency ${concurrency}), ${rounds} rounds:\n`);
    console.log('| fetch | median | min – max |');
    console.log('| --- | ---: | ---: |');
    for (const contender of contenders) console.log(row(contender.name, figures[contender.key]));
    console.log(row('floor (`fetch().text()` of the same URLs)', figures.floor));
    const lastStats = Object.fromEntries(Object.entries(stats).map(([key, value]) => [key, value.last]));
    console.log(`\nBENCH_FETCH=${JSON.stringify({ products, pageSize, concurrency, rounds, lastStats, ...figures })}`);
  } finally {
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
