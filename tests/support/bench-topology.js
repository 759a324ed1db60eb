'use strict';
/**
 * The topology benchmark's measuring part (started by .ci/bench-topology, which starts PostgreSQL, the stand-in and
 * the Medusa instances of each mode and passes them in BENCH_* variables). Two commands:
 *
 *   node tests/support/bench-topology.js measure   one mode, already running: the admin API's latency on the server
 *                                                  idle, during a full sync and idle again after it; the sync's wall
 *                                                  time and products/s; the CPU time of every process named in
 *                                                  BENCH_PROCESSES (with its descendants) over the sync, and over the
 *                                                  idle probing after it; which process wrote how many of the run's
 *                                                  batches (BENCH_DATABASE_URL). Writes the figures to BENCH_RESULT.
 *   node tests/support/bench-topology.js report FILE...   the figures of every mode as markdown tables.
 *
 * Latency: `GET /admin/products?limit=20`, one request at a time from this process, a new one every
 * BENCH_INTERVAL_MS (a slower answer delays the next), never more than BENCH_MAX_SAMPLES during a sync.
 * CPU: utime + stime (+ cutime + cstime, the children it reaped) of each process and its descendants, from /proc, at
 * the trigger and when the run has ended; the machine's busy time from /proc/stat over the same interval.
 */
const fs = require('node:fs');
const os = require('node:os');
const { execFileSync } = require('node:child_process');
const { MedusaAdmin, sleep } = require('./medusa-admin');
const { DummyJsonControl } = require('./dummyjson-control');
const { productsPerSecond } = require('./sync-cli');
const { cpuSnapshot, cpuBetween } = require('./cpu');

/** The request whose latency is measured. */
const PROBE_PATH = '/admin/products?limit=20';
/** Requests answered before the idle figures are taken (connection set up, route code warmed). */
const WARMUP_REQUESTS = 10;
/** One probe request's time limit (a request that takes longer counts as an error). */
const PROBE_TIMEOUT_MS = 30_000;
/** The column order of the processes .ci/bench-topology names. */
const GROUP_ORDER = ['shared', 'server', 'worker-1', 'worker-2', 'postgres', 'redis', 'stand-in'];
const log = (msg) => process.stderr.write(`[bench-topology] ${msg}\n`);

/** Reads a required BENCH_* variable. */
function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run .ci/bench-topology`);
  return v;
}

/**
 * Sends the probe request one at a time, a new one every intervalMs, until `count` requests were sent or `stop()`
 * says so. Returns the latencies (ms) of the answers with status 200 and the number of other outcomes.
 * @param {MedusaAdmin} admin
 * @param {{ intervalMs: number, count: number, stop?: () => boolean }} opts
 */
async function probe(admin, { intervalMs, count, stop = () => false }) {
  const latencies = [];
  let errors = 0;
  for (let sent = 0; sent < count && !stop(); sent += 1) {
    const t0 = performance.now();
    try {
      const res = await admin.raw('GET', PROBE_PATH, undefined, { timeoutMs: PROBE_TIMEOUT_MS });
      if (res.status === 200) latencies.push(performance.now() - t0);
      else errors += 1;
    } catch {
      errors += 1;
    }
    const wait = intervalMs - (performance.now() - t0);
    if (wait > 0) await sleep(wait);
  }
  return { latencies, errors };
}

/** p50, p95 and max (nearest rank) of latencies in ms, with their count and the errors. */
function summarize({ latencies, errors }) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const rank = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return sorted.length === 0
    ? { requests: errors, errors, p50: null, p95: null, max: null }
    : { requests: sorted.length + errors, errors, p50: rank(50), p95: rank(95), max: sorted[sorted.length - 1] };
}

/** The processes to measure, each with its descendants, from BENCH_PROCESSES (`name=pidfile,...`; the PID is the file's first line). */
function measuredProcesses() {
  return env('BENCH_PROCESSES').split(',').map((item) => {
    const [name, file] = item.split('=');
    return { name, pid: Number(fs.readFileSync(file, 'utf8').split('\n')[0].trim()) };
  });
}

/** The load averages (/proc/loadavg: 1, 5 and 15 minutes). */
function loadAverage() {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** The parent of a process (/proc/PID/stat, the field after the state), or 0 when it is gone. */
function parentOf(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/** The name of the measured process whose tree holds `pid` (walking up its parents), or `pid N`. */
function groupOf(processes, pid) {
  for (let at = pid; at > 1; at = parentOf(at)) {
    const found = processes.find((p) => p.pid === at);
    if (found) return found.name;
  }
  return `pid ${pid}`;
}

/**
 * Who wrote a run's batches (`catalog_sync_batch`, BENCH_DATABASE_URL): batches and products per measured process;
 * empty when the run wrote in its own process (shared mode publishes nothing).
 */
function batchWriters(runId, processes) {
  const out = execFileSync('psql', ['-X', '-q', '-At', '-F', '\t', env('BENCH_DATABASE_URL'), '-c',
    `SELECT writer->>'pid', count(*), sum((result->>'written')::int) FROM catalog_sync_batch
     WHERE run_id = '${runId}' AND recorded_at IS NOT NULL GROUP BY 1`], { encoding: 'utf8' });
  const writers = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [pid, batches, products] = line.split('\t');
    const name = groupOf(processes, Number(pid));
    writers[name] = { batches: Number(batches), products: Number(products) };
  }
  return writers;
}

/** Measures one running mode and writes its figures (JSON) to BENCH_RESULT. */
async function measure() {
  const mode = env('BENCH_MODE');
  const size = Number(env('BENCH_PRODUCTS'));
  const intervalMs = Number(process.env.BENCH_INTERVAL_MS || 100);
  const idleCount = Number(process.env.BENCH_IDLE_SAMPLES || 100);
  const maxSamples = Number(process.env.BENCH_MAX_SAMPLES || 36_000);
  const runTimeoutMs = Number(process.env.BENCH_RUN_TIMEOUT_MS || 3_600_000);
  const loadBefore = loadAverage();
  await new DummyJsonControl(env('BENCH_STANDIN_URL')).reset({ size });
  const admin = await new MedusaAdmin(env('BENCH_SERVER_URL')).login(env('BENCH_ADMIN_EMAIL'), env('BENCH_ADMIN_PASSWORD'));
  const processes = measuredProcesses();

  log(`${mode}: warm-up, then ${idleCount} idle requests (empty store)`);
  await probe(admin, { intervalMs, count: WARMUP_REQUESTS });
  const idle = summarize(await probe(admin, { intervalMs, count: idleCount }));

  log(`${mode}: full sync of ${size} products, probing every ${intervalMs} ms`);
  let ended = false;
  const before = cpuSnapshot(processes);
  const runId = await admin.trigger();
  const during = probe(admin, { intervalMs, count: maxSamples, stop: () => ended });
  let run;
  try {
    run = await admin.waitForRun(runId, { timeoutMs: runTimeoutMs, intervalMs: 250 });
  } finally {
    ended = true;
  }
  const after = cpuSnapshot(processes);
  const busy = summarize(await during);
  if (run.status !== 'success') throw new Error(`${mode}: the sync ended ${run.status}: ${run.error_message ?? JSON.stringify(run.errors?.slice(0, 3))}`);
  if (run.created !== size) throw new Error(`${mode}: the sync created ${run.created} products, not ${size}`);

  log(`${mode}: ${idleCount} idle requests (${size} products in the store)`);
  const probeStart = cpuSnapshot(processes);
  const idleFull = summarize(await probe(admin, { intervalMs, count: idleCount }));
  const probeCpu = cpuBetween(probeStart, cpuSnapshot(processes));
  const result = {
    mode, size, intervalMs, loadBefore, loadAfter: loadAverage(),
    latency: { idle, during: busy, idleFull },
    sync: {
      runId, status: run.status, created: run.created, durationMs: run.duration_ms, productsPerSecond: productsPerSecond(run),
      owner: run.owner, phases: run.phase_timings, writers: batchWriters(runId, processes),
    },
    cpu: cpuBetween(before, after),
    probeCpu,
    processes,
  };
  fs.writeFileSync(env('BENCH_RESULT'), JSON.stringify(result, null, 2));
  log(`${mode}: ${(run.duration_ms / 1000).toFixed(2)} s, ${result.sync.productsPerSecond.toFixed(0)} products/s, p95 ${busy.p95?.toFixed(0)} ms`);
}

/** A latency in ms, rounded, or "-". */
const ms = (v) => (v === null || v === undefined ? '-' : v.toFixed(0));
/** A latency summary as `p50 / p95 / max ms (n requests[, e errors])`. */
const latencyCell = (s) => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.max)} ms (${s.requests}${s.errors ? `, ${s.errors} failed` : ''})`;
/** CPU seconds and the cores they make over the wall time. */
const cpuCell = (seconds, wall) => (seconds === undefined ? '-' : `${seconds.toFixed(1)} s (${(seconds / wall).toFixed(2)})`);

/** Prints the figures of the modes measured (result files) as markdown. */
function report(files) {
  const results = files.filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
  if (results.length === 0) throw new Error('no result to report');
  const cpus = os.cpus();
  const size = results[0].size;
  console.log(`\n## catalog-sync topology benchmark (${new Date().toISOString().slice(0, 10)}, ${cpus.length} x ${cpus[0].model.trim()}, Node ${process.version}, Medusa 2.21.2, PostgreSQL 15, Redis)\n`);
  console.log(`${size.toLocaleString('en-US')} products, plugin options ${process.env.BENCH_OPTIONS_SHOWN || '-'}; a fresh database (and Redis) per mode.`);
  if (process.env.BENCH_LOAD_START) console.log(`load at the start: ${process.env.BENCH_LOAD_START}`);
  if (process.env.BENCH_LOAD_END) console.log(`load at the end:   ${process.env.BENCH_LOAD_END}`);

  console.log(`\n### GET ${PROBE_PATH} on the server (the instance that serves the admin API) during a full sync\n`);
  console.log(`p50 / p95 / max (requests), one request at a time, one every ${results[0].intervalMs} ms:\n`);
  console.log('| mode | idle, empty store | during the sync | idle, after the sync | sync duration | products/s | wall, trigger to end seen | the run ran in | load 1/5/15 min before → after |');
  console.log('| :--- | ---: | ---: | ---: | ---: | ---: | ---: | :--- | :--- |');
  for (const r of results) {
    const owner = r.sync.owner ? `${r.sync.owner.mode} pid ${r.sync.owner.pid} (${r.processes.find((p) => p.pid === r.sync.owner.pid)?.name ?? '?'})` : '-';
    console.log(`| ${r.mode} | ${latencyCell(r.latency.idle)} | ${latencyCell(r.latency.during)} | ${latencyCell(r.latency.idleFull)} `
      + `| ${(r.sync.durationMs / 1000).toFixed(2)} s | ${r.sync.productsPerSecond.toFixed(0)} | ${r.cpu.wallSeconds.toFixed(2)} s | ${owner} | ${r.loadBefore} → ${r.loadAfter} |`);
  }

  const one = results.find((r) => r.mode === 'server + 1 worker');
  const two = results.find((r) => r.mode === 'server + 2 workers');
  if (one && two) {
    const ratio = two.sync.productsPerSecond / one.sync.productsPerSecond;
    console.log(`\n### One worker against two workers\n`);
    console.log(`products/s: ${one.sync.productsPerSecond.toFixed(0)} with one worker, ${two.sync.productsPerSecond.toFixed(0)} with two: ratio ${ratio.toFixed(2)}x.`);
    for (const r of [one, two]) {
      const writers = Object.entries(r.sync.writers ?? {}).map(([name, w]) => `${name} ${w.batches} batches / ${w.products} products`);
      console.log(`${r.mode}: batches written by ${writers.join(', ') || '-'}.`);
    }
  }

  const seen = new Set(results.flatMap((r) => Object.keys(r.cpu.byProcess)));
  const names = [...GROUP_ORDER.filter((n) => seen.has(n)), ...[...seen].filter((n) => !GROUP_ORDER.includes(n))];
  console.log('\n### Where the CPU goes, from the trigger until the run has ended\n');
  console.log('CPU seconds of each process with its descendants (in parentheses: cores, CPU seconds / wall time); "others" = the machine\'s busy time');
  console.log('less the processes listed and this benchmark; "CPU bound" = wall time x cores / CPU seconds of the listed processes');
  console.log('and this benchmark: the most a run spread over more processes could gain here if nothing else ran. "Probe alone" =');
  console.log("the API instance's cores during the idle requests after the sync: what the probe (and nothing else) costs it.\n");
  console.log(`| mode | wall | ${names.join(' | ')} | bench | others | machine busy / available | CPU bound | probe alone |`);
  console.log(`| :--- | ---: | ${names.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: | ---: |`);
  for (const r of results) {
    const c = r.cpu;
    const listed = Object.values(c.byProcess).reduce((a, b) => a + b, 0) + c.bench;
    const cores = c.machineTotal / c.wallSeconds;
    console.log(`| ${r.mode} | ${c.wallSeconds.toFixed(2)} s | ${names.map((n) => cpuCell(c.byProcess[n], c.wallSeconds)).join(' | ')} `
      + `| ${cpuCell(c.bench, c.wallSeconds)} | ${cpuCell(Math.max(0, c.machineBusy - listed), c.wallSeconds)} `
      + `| ${c.machineBusy.toFixed(1)} / ${c.machineTotal.toFixed(1)} s | ${((c.wallSeconds * cores) / listed).toFixed(2)}x `
      + `| ${cpuCell(r.probeCpu.byProcess[r.processes[0].name], r.probeCpu.wallSeconds)} |`);
  }
  console.log(`\nraw: ${JSON.stringify(results)}`);
}

const [command, ...args] = process.argv.slice(2);
(command === 'measure' ? measure() : command === 'report' ? Promise.resolve(report(args)) : Promise.reject(new Error('usage: bench-topology.js measure | report FILE...')))
  .catch((err) => {
    console.error(err.stack || err.message);
    process.exit(1);
  });
