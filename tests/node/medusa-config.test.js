'use strict';
/**
 * The medusa-config that .ci/lib/medusa-app.sh writes for every instance, evaluated with a stand-in for
 * `@medusajs/framework/utils`: without REDIS_URL it is the one-instance config (shared mode, Medusa's in-process
 * modules); with REDIS_URL it adds Medusa 2.21's Redis modules with the option names their loaders read; the worker
 * mode comes from MEDUSA_WORKER_MODE. Run: node --test tests/node/medusa-config.test.js
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const vm = require('node:vm');

const ROOT = path.join(__dirname, '..', '..');
const OPTIONS = { sourceUrl: 'http://127.0.0.1:9100', schedule: false };

/** The generated config text ("js" or "ts"). */
function configText(kind, options = OPTIONS) {
  return execFileSync('bash', ['-c', 'source .ci/lib/medusa-app.sh && _medusa_config_text "$1" "$2"', '_', kind, options ? JSON.stringify(options) : ''],
    { cwd: ROOT, encoding: 'utf8' });
}

/** Evaluates the generated medusa-config.js with `env` as process.env; returns what it exports. */
function evaluate(env, options = OPTIONS) {
  const module = { exports: {} };
  const utils = { loadEnv: () => {}, defineConfig: (config) => config };
  const sandbox = {
    module,
    exports: module.exports,
    process: { env: { DATABASE_URL: 'postgres://db', STORE_CORS: 's', ADMIN_CORS: 'a', AUTH_CORS: 'u', ...env }, cwd: () => '/x' },
    require: (name) => {
      assert.equal(name, '@medusajs/framework/utils');
      return utils;
    },
  };
  vm.runInNewContext(configText('js', options), sandbox, { filename: 'medusa-config.js' });
  return JSON.parse(JSON.stringify(module.exports));
}

const FILE_MODULE = {
  resolve: '@medusajs/medusa/file',
  options: { providers: [{ resolve: '@medusajs/medusa/file-local', id: 'local', options: { backend_url: 'http://127.0.0.1:9000/static' } }] },
};

test('without REDIS_URL: shared mode, no redisUrl, only the file module (Medusa keeps its in-process defaults)', () => {
  const config = evaluate({ MEDUSA_FILE_BACKEND_URL: 'http://127.0.0.1:9000/static' });
  assert.equal(config.projectConfig.workerMode, 'shared');
  assert.equal('redisUrl' in config.projectConfig, false);
  assert.equal(config.projectConfig.databaseUrl, 'postgres://db');
  assert.deepEqual(config.projectConfig.cookieOptions, { secure: false, sameSite: 'lax' });
  assert.deepEqual(config.modules, [FILE_MODULE]);
  assert.deepEqual(config.plugins, [{ resolve: 'medusa-plugin-catalog-sync', options: OPTIONS }]);
});

test('with REDIS_URL: projectConfig.redisUrl and the event bus, workflow engine, cache and locking Redis modules', () => {
  const redisUrl = 'redis://127.0.0.1:6390';
  const config = evaluate({ REDIS_URL: redisUrl, MEDUSA_WORKER_MODE: 'worker', MEDUSA_FILE_BACKEND_URL: 'http://127.0.0.1:9000/static' });
  assert.equal(config.projectConfig.workerMode, 'worker');
  assert.equal(config.projectConfig.redisUrl, redisUrl);
  assert.deepEqual(config.modules, [
    FILE_MODULE,
    { resolve: '@medusajs/medusa/event-bus-redis', options: { redisUrl } },
    { resolve: '@medusajs/medusa/workflow-engine-redis', options: { redis: { redisUrl } } },
    { resolve: '@medusajs/medusa/cache-redis', options: { redisUrl } },
    {
      resolve: '@medusajs/medusa/locking',
      options: { providers: [{ resolve: '@medusajs/medusa/locking-redis', id: 'locking-redis', is_default: true, options: { redisUrl } }] },
    },
  ]);
});

test('MEDUSA_WORKER_MODE server is kept; an unknown mode stops the boot with a message naming it', () => {
  assert.equal(evaluate({ MEDUSA_WORKER_MODE: 'server' }).projectConfig.workerMode, 'server');
  assert.throws(() => evaluate({ MEDUSA_WORKER_MODE: 'both' }), /MEDUSA_WORKER_MODE must be shared, server or worker, not "both"/);
});

test('MEDUSA_FILE_UPLOAD_DIR points the local file provider at another instance folder (a worker at its server)', () => {
  const config = evaluate({ MEDUSA_FILE_UPLOAD_DIR: '/srv/server/static', MEDUSA_FILE_BACKEND_URL: 'http://127.0.0.1:9000/static' });
  assert.deepEqual(config.modules[0].options.providers[0].options, { backend_url: 'http://127.0.0.1:9000/static', upload_dir: '/srv/server/static' });
});

test('no plugin options: no plugin; the TypeScript variant differs only by its TypeScript', () => {
  assert.equal(evaluate({}, null).plugins, undefined);
  const ts = configText('ts');
  const js = configText('js');
  assert.match(ts, /^import \{ loadEnv, defineConfig \} from "@medusajs\/framework\/utils"/);
  assert.match(ts, /workerMode: workerMode as WorkerMode,/);
  assert.match(ts, /storeCors: process\.env\.STORE_CORS!,/);
  const stripped = ts.replace(/^import .*\n/, '').replace(/^type WorkerMode = .*\n/m, '').replace(/ as WorkerMode,/, ',').replace(/!,/g, ',');
  assert.equal(stripped, js.replace(/^const \{ loadEnv, defineConfig \} = require.*\n/, ''));
});
