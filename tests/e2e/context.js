'use strict';
/**
 * What every e2e test file shares: the running store and stand-in that tests/e2e/run.sh started
 * (passed in E2E_* environment variables), a logged-in admin client, and restarting the store with
 * other plugin options.
 */
const assert = require('node:assert/strict');
const { MedusaAdmin } = require('../support/medusa-admin');
const { DummyJsonControl } = require('../support/dummyjson-control');
const { configureInstance, startInstance, stopInstance } = require('../support/medusa-process');

/** Reads a required E2E_* variable. */
function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests through tests/e2e/run.sh`);
  return value;
}

/**
 * The e2e environment.
 * @returns {{ medusaUrl: string, dummyjsonUrl: string, instanceDir: string, appDir: string, workDir: string,
 *   databaseUrl: string, port: number, email: string, password: string, baseOptions: object }}
 */
function e2eEnv() {
  return {
    medusaUrl: required('E2E_MEDUSA_URL'),
    dummyjsonUrl: required('E2E_DUMMYJSON_URL'),
    instanceDir: required('E2E_INSTANCE_DIR'),
    appDir: required('E2E_APP_DIR'),
    workDir: required('E2E_WORK_DIR'),
    databaseUrl: required('E2E_DATABASE_URL'),
    port: Number(required('E2E_MEDUSA_PORT')),
    email: required('E2E_ADMIN_EMAIL'),
    password: required('E2E_ADMIN_PASSWORD'),
    baseOptions: JSON.parse(required('E2E_PLUGIN_OPTIONS')),
  };
}

/** A logged-in admin client for the e2e store. */
async function adminClient(env = e2eEnv()) {
  return new MedusaAdmin(env.medusaUrl).login(env.email, env.password);
}

/** A control client for the e2e stand-in server. */
function standIn(env = e2eEnv()) {
  return new DummyJsonControl(env.dummyjsonUrl);
}

/**
 * Stops the e2e store, rewrites its plugin options (merged over the base options; `null` values remove an
 * option) and starts it again.
 */
async function restartStore(overrides = {}, env = e2eEnv()) {
  const options = { ...env.baseOptions, ...overrides };
  for (const [k, v] of Object.entries(options)) if (v === null) delete options[k];
  await stopInstance(env.instanceDir);
  await configureInstance({ instDir: env.instanceDir, appDir: env.appDir, port: env.port, databaseUrl: env.databaseUrl, options });
  await startInstance(env.instanceDir);
}

/** Index of store products by source id (from `external_id` = "dummyjson:<id>"); fails on duplicates. */
function bySourceId(products) {
  const map = new Map();
  for (const p of products) {
    const m = /^dummyjson:(\d+)$/.exec(p.external_id || '');
    if (!m) continue;
    const id = Number(m[1]);
    assert.ok(!map.has(id), `source product ${id} exists twice in the store (${map.get(id)?.id}, ${p.id})`);
    map.set(id, p);
  }
  return map;
}

/** The id of the store's default sales channel. */
async function defaultSalesChannelId(admin) {
  const { stores } = await admin.get('/admin/stores?fields=id,default_sales_channel_id');
  assert.ok(stores[0] && stores[0].default_sales_channel_id, 'the store has a default sales channel');
  return stores[0].default_sales_channel_id;
}

/** The run's counters as one object (for messages and deepEqual). */
function countsOf(run) {
  const keys = ['fetched', 'created', 'updated', 'unchanged', 'archived', 'rejected'];
  return Object.fromEntries(keys.map((k) => [k, run[k]]));
}

/** A one-line description of a run for assertion messages. */
function describeRun(run) {
  return JSON.stringify({ id: run.id, status: run.status, ...countsOf(run), requests: run.requests, retries: run.retries,
    error_message: run.error_message, errors: (run.errors || []).slice(0, 5) });
}

/** The e2e clients, after resetting the catalog and syncing the store to it (the sync must succeed). */
async function inSync() {
  const env = e2eEnv();
  const admin = await adminClient(env);
  const source = standIn(env);
  await source.reset({});
  const baseline = await admin.sync();
  assert.equal(baseline.status, 'success', describeRun(baseline));
  return { env, admin, source };
}

module.exports = { e2eEnv, adminClient, standIn, restartStore, bySourceId, defaultSalesChannelId, countsOf, describeRun, inSync };
