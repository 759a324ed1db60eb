'use strict';
/**
 * Client for a running DummyJSON stand-in server (tests/dummyjson/server.js): its control API
 * (reset, faults, mutate, stats, catalog) and its public categories route, plus a way to run it as a
 * child process (what the demo, run.sh and the benchmark do, so Medusa talks to a separate process).
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const SERVER_JS = path.join(__dirname, '..', 'dummyjson', 'server.js');

/** A control client for one stand-in server. */
class DummyJsonControl {
  /** @param {string} url e.g. http://127.0.0.1:9100 */
  constructor(url) {
    this.url = url.replace(/\/+$/, '');
  }

  /** Sends a JSON request to the server and returns the parsed answer; throws unless 2xx. */
  async request(method, route, body) {
    const res = await fetch(this.url + route, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route} -> HTTP ${res.status}: ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : null;
  }

  /** Restores a catalog (`{}`: the start-up catalog; `{ size, seed }`: a generated one) and clears faults and stats. */
  reset(body = {}) { return this.request('POST', '/__control/reset', body); }

  /** Replaces the fault configuration (`{}` turns every fault off). */
  faults(body = {}) { return this.request('POST', '/__control/faults', body); }

  /** Changes the catalog: `{ update: [{ id, ...fields }], remove: [ids], add: n, changeImage: [...] }`. */
  mutate(body) { return this.request('POST', '/__control/mutate', body); }

  /** Request counters since the last reset. */
  stats() { return this.request('GET', '/__control/stats'); }

  /** Zeroes the request counters. */
  resetStats() { return this.request('POST', '/__control/stats/reset', {}); }

  /** The stored catalog (unfaulted products, as the sync should see them). */
  async catalog() { return (await this.request('GET', '/__control/catalog')).products; }

  /** The public `GET /products/categories` answer (`[{ slug, name, url }]`). */
  categories() { return this.request('GET', '/products/categories'); }
}

/**
 * Runs the stand-in as a child process and resolves once it prints its URL.
 * @param {{ port?: number, products?: number, seed?: number, logFile?: string }} [opts]
 * @returns {Promise<{ url: string, child: import('node:child_process').ChildProcess, stop(): Promise<void> }>}
 */
function spawnStandIn(opts = {}) {
  const args = [SERVER_JS, '--port', String(opts.port ?? 0), '--products', String(opts.products ?? 194)];
  if (opts.seed !== undefined) args.push('--seed', String(opts.seed));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const onExit = (code) => reject(new Error(`stand-in server exited (${code}): ${stderr.trim()}`));
    child.once('exit', onExit);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /DUMMYJSON_URL=(\S+)/.exec(out);
      if (!m) return;
      child.removeListener('exit', onExit);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({
        url: m[1],
        child,
        stop: () => new Promise((done) => {
          if (child.exitCode !== null || child.signalCode !== null) { done(); return; }
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
      });
    });
  });
}

module.exports = { DummyJsonControl, spawnStandIn, SERVER_JS };
