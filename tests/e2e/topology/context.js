'use strict';
/**
 * What the topology test files share: the servers, workers and Redis that tests/e2e/topology/run.sh started
 * (passed in E2E_* variables), Redis's client list, which process owns a loopback TCP connection (to tell which
 * instance holds a Redis connection, from /proc: no external tool), which instance a run's owner is, and
 * restarting the workers with other plugin options.
 */
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { promisify } = require('node:util');
const { e2eEnv } = require('../context');
const { configureInstance, startInstance, stopInstance } = require('../../support/medusa-process');

const execFileP = promisify(execFile);

/**
 * The topology environment: e2eEnv() (the first server is `medusaUrl`, `instanceDir`) plus every server, the
 * workers and Redis.
 * @returns {ReturnType<typeof e2eEnv> & { topologyDir: string, serverUrls: string[], workerUrls: string[],
 *   redisPort: number, redisUrl: string, instances: { name: string, dir: string, url: string, mode: string }[] }}
 */
function topologyEnv() {
  const env = e2eEnv();
  const topologyDir = process.env.E2E_TOPOLOGY_DIR;
  if (!topologyDir) throw new Error('E2E_TOPOLOGY_DIR is not set: run these tests through tests/e2e/topology/run.sh');
  const serverUrls = (process.env.E2E_SERVER_URLS || env.medusaUrl).split(',').filter(Boolean);
  const workerUrls = (process.env.E2E_WORKER_URLS || '').split(',').filter(Boolean);
  const instances = serverUrls
    .map((url, i) => {
      const name = i === 0 ? 'server' : `server-${i + 1}`;
      return { name, dir: path.join(topologyDir, name), url, mode: 'server' };
    })
    .concat(workerUrls.map((url, i) => ({ name: `worker-${i + 1}`, dir: path.join(topologyDir, `worker-${i + 1}`), url, mode: 'worker' })));
  return {
    ...env, topologyDir, serverUrls, workerUrls, instances,
    redisPort: Number(process.env.E2E_REDIS_PORT), redisUrl: process.env.E2E_REDIS_URL,
  };
}

/**
 * The instance whose Medusa process is a run's owner (`run.owner.pid`, with the instance's PID file), or null.
 * @param {{ owner: { pid: number } | null }} run
 * @param {ReturnType<typeof topologyEnv>} env
 */
function ownerInstance(run, env) {
  if (!run.owner) return null;
  return env.instances.find((inst) => {
    try { return instancePids(inst.dir).includes(run.owner.pid); } catch { return false; }
  }) ?? null;
}

/**
 * Stops the workers, rewrites their plugin options (the base options with `overrides`) and starts them again side
 * by side: the servers keep running (scheduled jobs only run in workers).
 * @param {object} overrides
 * @param {ReturnType<typeof topologyEnv>} env
 */
async function restartWorkers(overrides, env) {
  const options = { ...env.baseOptions, ...overrides };
  const workers = env.instances.filter((inst) => inst.mode === 'worker');
  await Promise.all(workers.map((inst) => stopInstance(inst.dir)));
  for (const inst of workers) {
    await configureInstance({
      instDir: inst.dir, appDir: env.appDir, port: Number(new URL(inst.url).port), databaseUrl: env.databaseUrl,
      options, mode: 'worker', redisUrl: env.redisUrl, filesFrom: path.join(env.topologyDir, 'server'),
    });
  }
  await Promise.all(workers.map((inst) => startInstance(inst.dir)));
}

/**
 * Redis's `CLIENT LIST`: one object per connection (`{ id, addr, name, cmd, ... }`).
 * @param {number} port
 */
async function redisClients(port) {
  const { stdout } = await execFileP('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'CLIENT', 'LIST']);
  return stdout.split('\n').filter(Boolean).map((line) => Object.fromEntries(line.split(' ').map((kv) => {
    const i = kv.indexOf('=');
    return [kv.slice(0, i), kv.slice(i + 1)];
  })));
}

/** The PID in an instance's medusa.pid and its descendants. */
function instancePids(instDir) {
  const root = Number(fs.readFileSync(path.join(instDir, 'medusa.pid'), 'utf8'));
  const pids = [root];
  for (let i = 0; i < pids.length; i += 1) {
    for (const task of fs.readdirSync(`/proc/${pids[i]}/task`)) {
      const children = fs.readFileSync(`/proc/${pids[i]}/task/${task}/children`, 'utf8').trim();
      if (children) pids.push(...children.split(' ').map(Number));
    }
  }
  return pids;
}

/** The socket inode of every TCP connection on this machine by its local port (/proc/net/tcp and tcp6). */
function socketInodesByLocalPort() {
  const byPort = new Map();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = parseInt(cols[1].split(':')[1], 16);
      byPort.set(localPort, cols[9]);
    }
  }
  return byPort;
}

/**
 * For each Redis client (from redisClients), the name of the instance whose process holds its connection, or null.
 * @param {object[]} clients
 * @param {{ name: string, dir: string }[]} instances
 * @returns {Map<object, string|null>}
 */
function clientOwners(clients, instances) {
  const inodeOwner = new Map();
  for (const inst of instances) {
    for (const pid of instancePids(inst.dir)) {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        let link;
        try { link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { continue; }
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m) inodeOwner.set(m[1], inst.name);
      }
    }
  }
  const inodes = socketInodesByLocalPort();
  return new Map(clients.map((c) => {
    const port = Number(String(c.addr).split(':').pop());
    return [c, inodeOwner.get(inodes.get(port)) ?? null];
  }));
}

module.exports = { topologyEnv, redisClients, clientOwners, ownerInstance, restartWorkers, instancePids };
