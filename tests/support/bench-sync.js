'use strict';
/**
 * The sync benchmark's measuring part (started by .ci/bench-sync, which prepares the app, PostgreSQL and
 * the stand-in and passes them in BENCH_* variables). Two tables:
 *   - `images: "link"` for BENCH_SIZES, with the floor (the floor links images too, so the two compare);
 *   - `images: "upload"` (the default) for BENCH_UPLOAD_SIZES: the image copy of a first sync, and a resync
 *     that must make no image request at all.
 * For each catalog size:
 *   1. a fresh database (clone of a migrated template) and a freshly started Medusa (with `--expose-gc` and the
 *      benchmark's GC hook, bench-gc-hook.js: benchmark only);
 *   2. a cold sync into the empty store: duration, products/s, phases, peak RSS of the Medusa process during the
 *      sync (VmRSS sampled every 20 ms) and its growth over the idle process, the live heap (the largest heap left
 *      after a major GC during the sync, and after a GC forced at the end) against the idle one after a forced GC,
 *      requests, retries, error rate;
 *   3. an unchanged resync: duration, phases and writes (must be 0); BENCH_RESYNCS (default 1) of them, one after
 *      the other (the table shows the first; the phases list shows each);
 *   4. a resync after 1 % of the products changed upstream (their price): duration, phases and writes;
 *   5. for sizes up to BENCH_FLOOR_MAX (default 10,000): the floor: Medusa stopped, a fresh database,
 *      `medusa exec bench-floor.js` times createProductsWorkflow on the same mapped products; and the ceilings,
 *      the same way: the product module alone, and every module write a created product needs, both without a
 *      workflow.
 * Prints markdown tables (and the raw figures as JSON).
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const { MedusaAdmin } = require('./medusa-admin');
const { DummyJsonControl } = require('./dummyjson-control');
const { cpuSnapshot, cpuBetween } = require('./cpu');
const { configureInstance, startInstance, stopInstance, instancePid, rssBytes, sampleRss, psql } = require('./medusa-process');
const { productsPerSecond } = require('./sync-cli');

const execFileP = promisify(execFile);

/** Reads a required BENCH_* variable. */
function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run .ci/bench-sync`);
  return v;
}

const cfg = {
  sizes: env('BENCH_SIZES').split(',').map(Number),
  uploadSizes: (process.env.BENCH_UPLOAD_SIZES ?? '194').split(',').filter(Boolean).map(Number),
  medusaUrl: env('BENCH_MEDUSA_URL'),
  port: Number(env('BENCH_MEDUSA_PORT')),
  standInUrl: env('BENCH_DUMMYJSON_URL'),
  instanceDir: env('BENCH_INSTANCE_DIR'),
  appDir: env('BENCH_APP_DIR'),
  adminDbUrl: env('BENCH_ADMIN_DB_URL'),
  dbName: env('BENCH_DB'),
  templateDb: env('BENCH_TEMPLATE_DB'),
  databaseUrl: env('BENCH_DATABASE_URL'),
  email: env('BENCH_ADMIN_EMAIL'),
  password: env('BENCH_ADMIN_PASSWORD'),
  options: JSON.parse(env('BENCH_PLUGIN_OPTIONS')),
  floorMax: Number(process.env.BENCH_FLOOR_MAX ?? 10000),
  resyncs: Math.max(1, Number(process.env.BENCH_RESYNCS ?? 1)),
};

/** Where the benchmark's GC hook (bench-gc-hook.js) writes its reports. */
const GC_FILE = path.join(cfg.instanceDir, 'bench-gc.jsonl');

/** Largest catalog also timed as one createProductsWorkflow call (bigger ones need too much memory). */
const SINGLE_CALL_MAX = 2000;
const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const mb = (bytes) => (bytes / (1024 * 1024));

/** Drops the benchmark database and clones it from the migrated template (Medusa must be stopped). */
async function freshDatabase() {
  await psql(cfg.adminDbUrl, `DROP DATABASE IF EXISTS "${cfg.dbName}" WITH (FORCE)`);
  await psql(cfg.adminDbUrl, `CREATE DATABASE "${cfg.dbName}" TEMPLATE "${cfg.templateDb}"`);
  fs.rmSync(path.join(cfg.instanceDir, 'static'), { recursive: true, force: true });
}

/** Restarts Medusa on a fresh database with these plugin options and returns a logged-in client. */
async function freshStore(options) {
  await stopInstance(cfg.instanceDir);
  await freshDatabase();
  await configureInstance({ instDir: cfg.instanceDir, appDir: cfg.appDir, port: cfg.port, databaseUrl: cfg.databaseUrl, options });
  fs.rmSync(GC_FILE, { force: true });
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, BENCH_GC_FILE: process.env.BENCH_GC_FILE };
  // Benchmark only: the Medusa process started now inherits these (see bench-gc-hook.js).
  process.env.NODE_OPTIONS = `--expose-gc -r ${path.join(__dirname, 'bench-gc-hook.js')}`;
  process.env.BENCH_GC_FILE = GC_FILE;
  try {
    await startInstance(cfg.instanceDir);
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return new MedusaAdmin(cfg.medusaUrl).login(cfg.email, cfg.password);
}

/**
 * Asks the GC hook of the Medusa process for a report: it forces a full GC and writes the heap left, with the
 * peak live heap (largest heap after a major GC) since the previous report.
 */
async function gcReport(pid) {
  const before = fs.existsSync(GC_FILE) ? fs.readFileSync(GC_FILE, 'utf8').split('\n').filter(Boolean).length : 0;
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 200; i += 1) {
    await new Promise((r) => setTimeout(r, 50));
    const lines = fs.existsSync(GC_FILE) ? fs.readFileSync(GC_FILE, 'utf8').split('\n').filter(Boolean) : [];
    if (lines.length > before) return JSON.parse(lines[lines.length - 1]);
  }
  throw new Error(`the GC hook of process ${pid} did not report (is bench-gc-hook.js preloaded?)`);
}

/** Product writes of a finished run (creates, updates, completions, archives, deletes). */
function writesOf(run) {
  return run.created + run.updated + (run.completed ?? 0) + run.archived + (run.deleted ?? 0);
}

/** The source ids 1 % of a catalog of `size` products changes (at least one), spread over the catalog. */
function onePercent(size) {
  const count = Math.max(1, Math.round(size / 100));
  return Array.from({ length: count }, (_, i) => 1 + Math.floor((i * size) / count));
}

/** Waits until the RSS of an idle process stops moving (after boot and login), returns it. */
async function settledRss(pid) {
  let prev = rssBytes(pid);
  for (let i = 0; i < 20; i += 1) {
    await new Promise((r) => setTimeout(r, 250));
    const now = rssBytes(pid);
    if (Math.abs(now - prev) < 2 * 1024 * 1024) return now;
    prev = now;
  }
  return prev;
}

/**
 * Times createProductsWorkflow on the mapped products of the current stand-in catalog (clean database),
 * in the plugin's batches (`batches`) or in one call (`single`).
 */
async function measureFloor(mode) {
  await stopInstance(cfg.instanceDir);
  await freshDatabase();
  fs.copyFileSync(path.join(__dirname, 'bench-floor.js'), path.join(cfg.instanceDir, 'bench-floor.js'));
  const envVars = { ...process.env, NODE_ENV: 'production' };
  for (const line of fs.readFileSync(path.join(cfg.instanceDir, '.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) envVars[m[1]] = m[2];
  }
  const args = [path.join(cfg.instanceDir, 'node_modules/@medusajs/cli/cli.js'), 'exec', './bench-floor.js', cfg.standInUrl, mode];
  if (cfg.options.batchSize) args.push(String(cfg.options.batchSize));
  const { stdout, stderr } = await execFileP(process.execPath, args, { cwd: cfg.instanceDir, env: envVars, maxBuffer: 256 << 20, timeout: 1_800_000 })
    .catch((err) => { throw new Error(`medusa exec bench-floor.js failed:\n${(err.stdout || '').slice(-3000)}${(err.stderr || '').slice(-3000)}`); });
  const m = /BENCH_FLOOR=(\{.*\})/.exec(stdout + stderr);
  if (!m) throw new Error(`bench-floor.js printed no result:\n${stdout.slice(-3000)}${stderr.slice(-3000)}`);
  return JSON.parse(m[1]);
}

/**
 * Measures one catalog size with the given image mode.
 * @param {number} size
 * @param {'link' | 'upload'} images
 * @param {boolean} withFloor also time createProductsWorkflow alone on the same products
 */
async function measure(size, images, withFloor) {
  const standIn = new DummyJsonControl(cfg.standInUrl);
  await standIn.reset({ size });
  log(`${size} products, images ${images}: fresh store`);
  const admin = await freshStore({ ...cfg.options, images });
  const pid = await instancePid(cfg.instanceDir);
  const idleRss = await settledRss(pid);
  const idleHeap = await gcReport(pid);
  await standIn.resetStats();

  log(`${size} products: cold sync`);
  const sampler = sampleRss(pid, 20);
  const cpuBefore = cpuSnapshot([{ name: 'medusa', pid }]);
  const t0 = performance.now();
  // duration_ms is measured by the server; polling about as often as the admin widget keeps the probe light.
  const cold = await admin.sync({ timeoutMs: 3_600_000, intervalMs: 500 });
  const wallMs = performance.now() - t0;
  const cpu = cpuBetween(cpuBefore, cpuSnapshot([{ name: 'medusa', pid }]));
  const rss = sampler.stop();
  const heapAfterCold = await gcReport(pid);
  const sourceStats = await standIn.stats();
  if (cold.status === 'failed') throw new Error(`cold sync of ${size} failed: ${cold.error_message}`);

  log(`${size} products: unchanged resync`);
  await standIn.resetStats();
  const warm = await admin.sync({ timeoutMs: 600_000, intervalMs: 100 });
  const warmStats = await standIn.stats();
  const more = [];
  for (let i = 1; i < cfg.resyncs; i += 1) {
    log(`${size} products: unchanged resync ${i + 1} of ${cfg.resyncs}`);
    more.push(await admin.sync({ timeoutMs: 600_000, intervalMs: 100 }));
  }

  const changedIds = onePercent(size);
  log(`${size} products: resync after ${changedIds.length} products changed upstream`);
  const catalog = new Map((await standIn.catalog()).map((product) => [product.id, product]));
  await standIn.mutate({ update: changedIds.map((id) => ({ id, price: Math.round(catalog.get(id).price * 110) / 100 + 1 })) });
  const changed = await admin.sync({ timeoutMs: 600_000, intervalMs: 100 });

  const floors = withFloor && size <= cfg.floorMax;
  let floorResult = null;
  let singleFloor = null;
  if (floors) {
    log(`${size} products: floor (createProductsWorkflow in the plugin's batches)`);
    floorResult = await measureFloor('batches');
  }
  if (floors && size <= SINGLE_CALL_MAX) {
    log(`${size} products: floor (createProductsWorkflow, one call)`);
    singleFloor = await measureFloor('single');
  }
  let moduleOnly = null;
  let modulesOnly = null;
  if (floors) {
    log(`${size} products: product module alone (productModule.createProducts in the plugin's batches)`);
    moduleOnly = await measureFloor('module');
    log(`${size} products: every module write, no workflow`);
    modulesOnly = await measureFloor('modules');
  }
  return {
    size,
    load: require('node:os').loadavg().map((v) => Number(v.toFixed(2))),
    cold: {
      status: cold.status, durationMs: cold.duration_ms, wallMs: Math.round(wallMs), productsPerSecond: productsPerSecond(cold),
      created: cold.created, rejected: cold.rejected, failed: cold.failed ?? 0, requests: cold.requests, retries: cold.retries,
      sourceRequests: sourceStats.requests, imageRequests: sourceStats.imageRequests, phases: cold.phase_timings,
      imagesUploaded: cold.images_uploaded, stockLevels: cold.stock_levels,
      // CPU seconds of the Medusa process (less sensitive to the machine's other load than the wall time) and of
      // the whole machine, over the cold sync.
      medusaCpuSeconds: Number(cpu.byProcess.medusa.toFixed(2)), machineBusySeconds: Number(cpu.machineBusy.toFixed(2)),
    },
    rss: { idleMb: mb(idleRss), peakMb: mb(rss.peak), growthMb: mb(rss.peak - idleRss), samples: rss.samples },
    heap: {
      idleMb: idleHeap.heapUsedMb,
      peakLiveMb: heapAfterCold.peakLiveMb,
      peakLiveGrowthMb: heapAfterCold.peakLiveMb - idleHeap.heapUsedMb,
      afterRunMb: heapAfterCold.heapUsedMb,
      majorGcs: heapAfterCold.majorGcs,
      // The core's WebAssembly memory after the cold sync (it never shrinks: the run's high-water mark).
      wasmMb: heapAfterCold.wasmMb,
    },
    resync: { status: warm.status, durationMs: warm.duration_ms, writes: writesOf(warm),
      unchanged: warm.unchanged, imageRequests: warmStats.imageRequests, imagesUploaded: warm.images_uploaded, stockLevels: warm.stock_levels, phases: warm.phase_timings,
      // The further unchanged resyncs (BENCH_RESYNCS), one after the other.
      more: more.map((run) => ({ status: run.status, durationMs: run.duration_ms, writes: writesOf(run), phases: run.phase_timings })) },
    changed: { status: changed.status, products: changedIds.length, durationMs: changed.duration_ms, writes: writesOf(changed),
      updated: changed.updated, stockLevels: changed.stock_levels, phases: changed.phase_timings },
    floor: floorResult,
    singleFloor,
    moduleOnly,
    modulesOnly,
  };
}

/** A floor measurement as `<seconds> s (<products/s>)`. */
function rate(floorRun) {
  return `${(floorRun.ms / 1000).toFixed(2)} s (${(floorRun.products / floorRun.ms * 1000).toFixed(0)})`;
}

/** A run's phase timings in seconds, largest first, and its read figures: `fetch 0.52, plan 0.09, … (stamps read …)`. */
function phases(timings) {
  const spans = Object.entries(timings ?? {}).filter(([name]) => name.endsWith('_ms')).sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name.replace(/_ms$/, '')} ${(ms / 1000).toFixed(2)}`).join(', ');
  // The read figures the run records beside its phases (products read as stamps, and with their full relations).
  return `${spans} (stamps read ${timings?.stamps_read ?? 0}, full rows read ${timings?.full_rows_read ?? 0})`;
}

/** The scale results (cold, unchanged resync, 1 % changed) as a markdown table. */
function scaleTable(results) {
  const rows = [
    '| products | cold sync | products/s | Medusa CPU (machine busy) | peak RSS growth | live heap growth (peak after a major GC; after the run) | unchanged resync | resync writes | 1 % changed: resync | its writes | load (1 min) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    rows.push(`| ${r.size.toLocaleString('en-US')} | ${(r.cold.durationMs / 1000).toFixed(2)} s | ${r.cold.productsPerSecond.toFixed(0)} `
      + `| ${r.cold.medusaCpuSeconds} s (${r.cold.machineBusySeconds} s) `
      + `| +${r.rss.growthMb.toFixed(0)} MB | +${r.heap.peakLiveGrowthMb.toFixed(0)} MB; +${(r.heap.afterRunMb - r.heap.idleMb).toFixed(0)} MB `
      + `| ${(r.resync.durationMs / 1000).toFixed(2)} s | ${r.resync.writes} `
      + `| ${(r.changed.durationMs / 1000).toFixed(2)} s | ${r.changed.writes} (${r.changed.products} changed) | ${r.load[0]} |`);
  }
  rows.push('', 'phases (s):', '');
  for (const r of results) {
    const more = (r.resync.more ?? []).map((run, i) => `unchanged resync ${i + 2}: ${(run.durationMs / 1000).toFixed(2)} s, `
      + `${run.writes} writes: ${phases(run.phases)}; `).join('');
    rows.push(`- ${r.size.toLocaleString('en-US')}: cold: ${phases(r.cold.phases)}; unchanged resync: ${phases(r.resync.phases)}; `
      + `${more}1 % changed: ${phases(r.changed.phases)}`);
  }
  return rows.join('\n');
}

/** The results with their floors as a markdown table (sizes measured with a floor only). */
function table(results) {
  const rows = [
    '| products | cold sync | products/s | floor: createProductsWorkflow, batches (one call) | cold / floor | no workflow: product module alone / all module writes (products/s) | peak RSS (growth) | requests (source hits, images) | retries | error rate | unchanged resync | resync writes |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results.filter((result) => result.floor)) {
    const errors = r.cold.rejected + r.cold.failed;
    rows.push(`| ${r.size.toLocaleString('en-US')} | ${(r.cold.durationMs / 1000).toFixed(2)} s | ${r.cold.productsPerSecond.toFixed(0)} `
      + `| ${(r.floor.ms / 1000).toFixed(2)} s (${r.singleFloor ? `${(r.singleFloor.ms / 1000).toFixed(2)} s` : '-'}) | ${(r.cold.durationMs / r.floor.ms).toFixed(2)}x `
      + `| ${rate(r.moduleOnly)} / ${rate(r.modulesOnly)} `
      + `| ${r.rss.peakMb.toFixed(0)} MB (+${r.rss.growthMb.toFixed(0)} MB) | ${r.cold.requests} (${r.cold.sourceRequests}, ${r.cold.imageRequests}) `
      + `| ${r.cold.retries} | ${(100 * errors / r.size).toFixed(1)} % | ${(r.resync.durationMs / 1000).toFixed(2)} s | ${r.resync.writes} |`);
  }
  return rows.join('\n');
}

/** The upload-mode results as a markdown table. */
function uploadTable(results) {
  const rows = [
    '| products | cold sync (images upload) | products/s | images uploaded | image requests | peak RSS (growth) | unchanged resync | resync image requests | resync uploads | resync writes |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    rows.push(`| ${r.size.toLocaleString('en-US')} | ${(r.cold.durationMs / 1000).toFixed(2)} s | ${r.cold.productsPerSecond.toFixed(0)} `
      + `| ${r.cold.imagesUploaded} | ${r.cold.imageRequests} | ${r.rss.peakMb.toFixed(0)} MB (+${r.rss.growthMb.toFixed(0)} MB) `
      + `| ${(r.resync.durationMs / 1000).toFixed(2)} s | ${r.resync.imageRequests} | ${r.resync.imagesUploaded} | ${r.resync.writes + r.resync.stockLevels} |`);
  }
  return rows.join('\n');
}

async function main() {
  const results = [];
  for (const size of cfg.sizes) {
    results.push(await measure(size, 'link', true));
    // Each size's figures as soon as they are in (a long run stopped later still leaves them).
    log(`${size} products: ${JSON.stringify(results[results.length - 1])}`);
  }
  const uploads = [];
  for (const size of cfg.uploadSizes) uploads.push(await measure(size, 'upload', false));
  await stopInstance(cfg.instanceDir);
  const cpu = require('node:os').cpus();
  console.log(`\n## catalog-sync benchmark (${new Date().toISOString().slice(0, 10)}, ${cpu.length} x ${cpu[0].model.trim()}, Node ${process.version}, Medusa 2.21.2, PostgreSQL 15)\n`);
  console.log(`plugin options: ${JSON.stringify({ ...cfg.options, sourceUrl: '<stand-in>' })} (images set per table)\n`);
  console.log('images: "link": cold sync, unchanged resync, resync after 1 % of the products changed upstream:\n');
  console.log(scaleTable(results));
  if (results.some((result) => result.floor)) {
    console.log('\nimages: "link", against the floor (which links images too):\n');
    console.log(table(results));
  }
  if (uploads.length) {
    console.log('\nimages: "upload" (the default; every image downloaded from the stand-in and stored through the File module):\n');
    console.log(uploadTable(uploads));
  }
  console.log('\ncold sync = first sync into an empty store (run duration_ms); floor = createProductsWorkflow alone on the same mapped products, clean database,');
  console.log(`in the plugin's create batches (cold / floor uses this one) and, up to ${SINGLE_CALL_MAX} products, in one call;`);
  console.log('no workflow = ceilings, not syncs: productModule.createProducts alone on the same batches (no prices, links or stock), and every');
  console.log('module write a created product needs (inventory items and levels, products, price sets, links) made directly, without compensation or events;');
  console.log('RSS = VmRSS of the Medusa process sampled every 20 ms during the cold sync (growth over the idle process after boot);');
  console.log('live heap = V8 heap in use after a major GC (the largest during the cold sync, and after a full GC forced once it ended), over the idle heap after a forced GC;');
  console.log('requests = HTTP requests the run reports (stand-in counters: all requests incl. images, image requests); error rate = rejected + failed products / products.');
  console.log(`\nraw: ${JSON.stringify({ link: results, upload: uploads })}`);
}

main().catch((err) => {
  console.error(err.stack || err.message);
  process.exit(1);
});
