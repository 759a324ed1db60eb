'use strict';
/**
 * Node wrappers around .ci/lib/medusa-app.sh (configure / start / stop a Medusa instance), a way to run
 * `medusa start` in the foreground until it exits (for boot failures), RSS sampling of a process, and
 * psql queries against the store's database.
 */
const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { promisify } = require('node:util');

const execFileP = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const MEDUSA_LIB = path.join(ROOT, '.ci', 'lib', 'medusa-app.sh');

/** Runs one function of medusa-app.sh (`bash medusa-app.sh FN ARGS...`); rejects with its output on failure. */
async function medusaLib(fn, ...args) {
  try {
    const { stdout } = await execFileP('bash', [MEDUSA_LIB, fn, ...args.map(String)], { maxBuffer: 16 << 20, timeout: 600_000 });
    return stdout.trim();
  } catch (err) {
    throw new Error(`medusa-app.sh ${fn} ${args.join(' ')} failed:\n${err.stdout || ''}${err.stderr || ''}`);
  }
}

/**
 * Rewrites an instance's medusa-config.js and .env (the instance must be stopped). `mode` (shared, server or
 * worker), `redisUrl` and `filesFrom` (the server instance whose static/ a worker writes into) are optional: see
 * .ci/lib/medusa-app.sh.
 */
function configureInstance({ instDir, appDir, port, databaseUrl, options, mode = 'shared', redisUrl = '', filesFrom = '' }) {
  return medusaLib('instance_configure', instDir, appDir, port, databaseUrl, options ? JSON.stringify(options) : '', mode, redisUrl, filesFrom);
}

/** Starts an instance in the background and waits for /health. */
function startInstance(instDir) {
  return medusaLib('start', instDir);
}

/** Stops an instance (SIGTERM, then SIGKILL). */
function stopInstance(instDir) {
  return medusaLib('stop', instDir);
}

/** The PID of the instance's Medusa process, or null when it does not run. */
async function instancePid(instDir) {
  const out = await medusaLib('pid', instDir);
  return out ? Number(out) : null;
}

/**
 * Runs `medusa start` of an instance in the foreground and resolves when the process exits on its own
 * (or is killed after timeoutMs), with its exit code, output, and whether /health ever answered.
 * With `stopWhenHealthy`, the process gets SIGTERM as soon as /health answers.
 * @param {string} instDir
 * @param {number} [timeoutMs]
 * @param {{ stopWhenHealthy?: boolean }} [opts]
 * @returns {Promise<{ code: number|null, signal: string|null, output: string, timedOut: boolean, healthy: boolean }>}
 */
function runUntilExit(instDir, timeoutMs = 120_000, opts = {}) {
  const env = { ...process.env, NODE_ENV: 'production', MEDUSA_DISABLE_TELEMETRY: 'true' };
  // Only the instance's .env may set these (as medusa_start does).
  for (const name of ['REDIS_URL', 'MEDUSA_WORKER_MODE', 'MEDUSA_FILE_UPLOAD_DIR', 'MEDUSA_FILE_BACKEND_URL']) delete env[name];
  for (const line of fs.readFileSync(path.join(instDir, '.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  const child = spawn(process.execPath, [path.join(instDir, 'node_modules/@medusajs/cli/cli.js'), 'start', '--host', '127.0.0.1', '--port', env.PORT],
    { cwd: instDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let healthy = false;
  let timedOut = false;
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const probe = setInterval(() => {
    fetch(`http://127.0.0.1:${env.PORT}/health`, { signal: AbortSignal.timeout(1000) })
      .then((r) => {
        if (r.status !== 200 || healthy) return;
        healthy = true;
        if (opts.stopWhenHealthy) child.kill('SIGTERM');
      }).catch(() => {});
  }, 250);
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearInterval(probe);
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut, healthy });
    });
  });
}

/** Resident set size of a process in bytes (VmRSS), or null when it is gone. */
function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Samples a process's RSS every intervalMs until stop() is called.
 * @returns {{ stop(): { peak: number|null, first: number|null, samples: number } }}
 */
function sampleRss(pid, intervalMs = 50) {
  const first = rssBytes(pid);
  let peak = first;
  let samples = 1;
  const timer = setInterval(() => {
    const v = rssBytes(pid);
    samples += 1;
    if (v !== null && (peak === null || v > peak)) peak = v;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const v = rssBytes(pid);
      if (v !== null && (peak === null || v > peak)) peak = v;
      return { peak, first, samples };
    },
  };
}

/**
 * Runs SQL with psql against a database URL and returns the rows as arrays of strings
 * (unaligned, tab-separated; no header).
 */
async function psql(databaseUrl, sql) {
  const { stdout } = await execFileP('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-F', '\t', databaseUrl, '-c', sql], { maxBuffer: 64 << 20 });
  return stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

module.exports = {
  ROOT, MEDUSA_LIB, medusaLib, configureInstance, startInstance, stopInstance, instancePid, runUntilExit, rssBytes, sampleRss, psql,
};
