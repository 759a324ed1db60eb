#!/usr/bin/env node
'use strict';
/**
 * Runs one catalog sync through the admin API of a running store and prints its report.
 *
 *   node tests/support/sync-cli.js --url http://127.0.0.1:9000 --email E --password P [--json]
 *
 * Logs in (`POST /auth/user/emailpass`), triggers (`POST /admin/sync/trigger`; when a sync is already
 * running it follows that one), polls `GET /admin/sync/runs/:id` until the run is done while printing its
 * progress, then prints status, counts, duration, products per second, requests and retries.
 * Exit status: 0 for success or partial, 1 for failed (or any error).
 */
const { MedusaAdmin } = require('./medusa-admin');

/** Parses `--key value` arguments. */
function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 1) {
    const m = /^--(.+)$/.exec(argv[i]);
    if (!m) continue;
    if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) { out[m[1]] = argv[i + 1]; i += 1; } else out[m[1]] = true;
  }
  return out;
}

/** Products per second of a finished run (products the source delivered / duration). */
function productsPerSecond(run) {
  return run.duration_ms > 0 ? run.fetched / (run.duration_ms / 1000) : null;
}

/** A human-readable report of a finished run. */
function formatRun(run) {
  const pps = productsPerSecond(run);
  const lines = [
    `  run          ${run.id} (trigger: ${run.trigger})`,
    `  status       ${run.status}`,
    `  fetched      ${run.fetched}`,
    `  created      ${run.created}`,
    `  updated      ${run.updated}`,
    `  unchanged    ${run.unchanged}`,
    `  kept         ${run.kept ?? 0}`,
    `  archived     ${run.archived}`,
    `  deleted      ${run.deleted ?? 0}`,
    `  rejected     ${run.rejected}`,
    `  images       ${run.images_uploaded ?? 0} uploaded, ${run.images_reused ?? 0} reused`,
    `  stock levels ${run.stock_levels ?? 0} set on existing products (new products get theirs when created)`,
    `  duration     ${(run.duration_ms / 1000).toFixed(2)} s`,
    `  throughput   ${pps === null ? '-' : `${pps.toFixed(1)} products/s`}`,
    `  requests     ${run.requests} (retries: ${run.retries})`,
  ];
  if (run.phase_timings) {
    const phases = Object.entries(run.phase_timings).sort((a, b) => b[1] - a[1]);
    lines.push(`  phases       ${phases.map(([k, v]) => `${k.replace(/_ms$/, '')} ${v} ms`).join(', ')} (some overlap)`);
  }
  if (run.error_message) lines.push(`  error        ${run.error_message}`);
  for (const e of (run.errors || []).slice(0, 10)) lines.push(`  ! ${e.code}: ${e.message}`);
  if ((run.errors || []).length > 10) lines.push(`  ... ${run.errors.length - 10} more errors`);
  return lines.join('\n');
}

/** Triggers a sync (or follows the one in progress) and resolves with the finished run. */
async function syncAndWait(admin, log = () => {}) {
  const res = await admin.triggerRaw();
  let runId;
  if (res.status === 202) runId = res.body.run_id;
  else if (res.status === 409) {
    const { running } = await admin.syncStatus();
    if (!running) throw new Error(`trigger answered 409 but no run is in progress: ${JSON.stringify(res.body)}`);
    runId = running.id;
    log(`a sync is already running (${runId}); following it`);
  } else throw new Error(`POST /admin/sync/trigger -> HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  let last = '';
  return admin.waitForRun(runId, {
    timeoutMs: 1_800_000,
    intervalMs: 200,
    onProgress: (run) => {
      const p = run.progress || {};
      const line = `  ... ${p.phase || 'running'}: pages ${p.pages_fetched ?? '?'}/${p.pages_total ?? '?'}, products written ${p.products_written ?? 0}/${p.products_planned ?? '?'}`;
      if (line !== last) { log(line); last = line; }
    },
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args.url || !args.email || !args.password) {
    console.error('usage: sync-cli.js --url URL --email EMAIL --password PASSWORD [--json]');
    process.exit(2);
  }
  const admin = await new MedusaAdmin(args.url).login(args.email, args.password);
  const run = await syncAndWait(admin, (l) => console.log(l));
  if (args.json) console.log(JSON.stringify(run));
  else console.log(formatRun(run));
  process.exit(run.status === 'failed' || run.status === 'interrupted' ? 1 : 0);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`sync failed: ${err.message}`);
    process.exit(1);
  });
}

module.exports = { formatRun, productsPerSecond, syncAndWait };
