'use strict';
/**
 * The topology itself (no sync yet): two servers and N workers of the built app on one PostgreSQL and one Redis.
 * Each instance is up, runs in its mode and uses Medusa's Redis modules; the servers serve the admin API and the
 * plugin's routes, the workers serve no API route; only the workers consume the Redis event bus.
 */
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { MedusaAdmin } = require('../../support/medusa-admin');
const { topologyEnv, redisClients, clientOwners } = require('./context');

/** What each instance logs once it holds a connection to Redis (Medusa 2.21.2's Redis modules). */
const REDIS_LOG_LINES = [
  "Connection to Redis in module 'event-bus-redis' established",
  "Connection to Redis in module 'workflow-engine-redis' established",
  "Connection to Redis in module 'cache-redis' established",
  'Connection to Redis in "locking-redis" provider established',
];
/** The connection name of a BullMQ worker on the Redis event bus's queue ("events-queue"). */
const EVENT_BUS_WORKER = `RedisEventBusService:${Buffer.from('events-queue').toString('base64')}`;

const env = topologyEnv();

/** The messages of a Medusa log (production mode writes one JSON object per line; other lines as they are). */
function logMessages(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    try { return String(JSON.parse(line).message); } catch { return line; }
  });
}

describe('topology: servers and workers on PostgreSQL and Redis', () => {
  before(() => assert.ok(env.serverUrls.length >= 2 && env.workerUrls.length >= 2, `two servers and two workers (${env.instances.map((i) => i.url).join(', ')})`));

  it('every instance answers /health and runs in its mode with the topology Redis URL', async () => {
    for (const inst of env.instances) {
      const res = await fetch(`${inst.url}/health`);
      assert.equal(res.status, 200, `${inst.name} /health`);
      const dotEnv = fs.readFileSync(path.join(inst.dir, '.env'), 'utf8');
      assert.match(dotEnv, new RegExp(`^MEDUSA_WORKER_MODE=${inst.mode}$`, 'm'), inst.name);
      assert.match(dotEnv, new RegExp(`^REDIS_URL=${env.redisUrl}$`, 'm'), inst.name);
    }
  });

  it("every instance logs a connection from each of Medusa's Redis modules, and no fake Redis", () => {
    for (const inst of env.instances) {
      const log = logMessages(path.join(inst.dir, 'medusa.log'));
      for (const line of REDIS_LOG_LINES) assert.ok(log.some((m) => m.includes(line)), `${inst.name} logs: ${line}`);
      assert.ok(!log.some((m) => m.includes('redisUrl not found')), `${inst.name} uses projectConfig.redisUrl`);
    }
  });

  it('every server serves the admin API, the admin and the plugin routes', async () => {
    for (const url of env.serverUrls) {
      const admin = await new MedusaAdmin(url).login(env.email, env.password);
      const products = await admin.raw('GET', '/admin/products?limit=1&fields=id');
      assert.equal(products.status, 200, `${url} ${JSON.stringify(products.body)}`);
      const status = await admin.raw('GET', '/admin/sync/status');
      assert.equal(status.status, 200, `${url} ${JSON.stringify(status.body)}`);
      assert.equal((await fetch(`${url}/app`)).status, 200, url);
    }
  });

  it('the workers register no API route: login, admin API, plugin routes, admin and webhook all answer 404', async () => {
    for (const url of env.workerUrls) {
      const worker = new MedusaAdmin(url);
      const login = await worker.raw('POST', '/auth/user/emailpass', { email: env.email, password: env.password }, { auth: false });
      assert.equal(login.status, 404, `${url} login`);
      for (const route of ['/admin/products', '/admin/sync/status', '/admin/sync/trigger', '/webhooks/product-update', '/app', '/store/products']) {
        const method = route.endsWith('/trigger') || route.startsWith('/webhooks') ? 'POST' : 'GET';
        assert.equal((await worker.raw(method, route, method === 'POST' ? {} : undefined)).status, 404, `${url} ${method} ${route}`);
      }
    }
  });

  it('the Redis event bus is consumed by every worker and by no server', async () => {
    const workers = env.instances.filter((i) => i.mode === 'worker').map((i) => i.name).sort();
    // A worker's consumer connection may still be settling right after boot: look again for up to 15 s.
    let consumers = [];
    let owners = new Map();
    for (const until = Date.now() + 15_000; ;) {
      const clients = await redisClients(env.redisPort);
      owners = clientOwners(clients, env.instances);
      consumers = clients.filter((c) => c.name === EVENT_BUS_WORKER).map((c) => owners.get(c));
      if (JSON.stringify([...new Set(consumers)].sort()) === JSON.stringify(workers) || Date.now() > until) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.deepEqual([...new Set(consumers)].sort(), env.instances.filter((i) => i.mode === 'worker').map((i) => i.name).sort(),
      `event-bus consumers: ${JSON.stringify(consumers)}`);
    const connected = new Set([...owners.values()].filter(Boolean));
    assert.deepEqual([...connected].sort(), env.instances.map((i) => i.name).sort(), 'every instance holds Redis connections');
  });
});
