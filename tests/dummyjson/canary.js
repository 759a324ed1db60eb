#!/usr/bin/env node
'use strict';
/**
 * The canary: a tiny HTTP server on loopback addresses that answers every request (any method, any path) and
 * counts them, so a test can assert that NO request reached it (e.g. an image URL pointing at 127.0.0.1).
 *
 *   node tests/dummyjson/canary.js [--port 0] [--host 127.0.0.1[,::1,...]] [--status 200] [--body png|json|text|empty]
 *                                  [--token TOKEN]
 *
 * prints `CANARY_URL=http://127.0.0.1:PORT` and `CANARY_CONTROL_URL=http://127.0.0.1:PORT/__canary/TOKEN` and runs
 * until SIGINT/SIGTERM. Only requests under the control URL (secret token: random unless given) are not counted, so
 * even a request for `/__canary/count` without the token counts as a hit. Control API (JSON):
 *   GET  <control>/count      { count, requests: [{ method, url, host, remoteAddress, localAddress, localPort, at }] }
 *                             (the last 1000 hits, oldest first)
 *   POST <control>/reset      zeroes the count, answers { count: 0 }
 *   POST <control>/answer     { status?, body? } changes what hits get; answers the current { status, body }
 * See README.md in this folder.
 */
const crypto = require('node:crypto');
const http = require('node:http');
const { renderGenericImage } = require('./images');
const { parseArgs } = require('./cli-args');

const KEPT_REQUESTS = 1000;
const MAX_CONTROL_BODY = 64 * 1024;
const BODIES = {
  png: () => [renderGenericImage('/canary.png'), 'image/png'],
  json: () => [Buffer.from('{"canary":true}'), 'application/json; charset=utf-8'],
  text: () => [Buffer.from('canary\n'), 'text/plain; charset=utf-8'],
  empty: () => [Buffer.alloc(0), undefined],
};

/**
 * Validates what hits get.
 * @param {{ status?: unknown, body?: unknown }} answer
 * @returns {{ status: number, body: string }}
 */
function normalizeAnswer(answer = {}) {
  const status = answer.status === undefined ? 200 : Number(answer.status);
  if (!(Number.isInteger(status) && status >= 200 && status <= 599)) throw new Error('status must be an integer from 200 to 599');
  const body = answer.body === undefined ? 'png' : String(answer.body);
  if (!BODIES[body]) throw new Error(`body must be one of ${Object.keys(BODIES).join(', ')}`);
  return { status, body };
}

/** The URL of a listening address (IPv6 in brackets). */
const urlOf = (host, port) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * Starts a canary listening on one port of every host given (all loopback by default: 127.0.0.1).
 * @param {{ port?: number, hosts?: string[], host?: string, status?: number, body?: string, token?: string }} [opts]
 * @returns {Promise<{ url: string, urls: string[], port: number, controlUrl: string, token: string,
 *   count(): number, requests(): object[], reset(): void, setAnswer(a: object): object, close(): Promise<void> }>}
 */
async function startCanary(opts = {}) {
  const hosts = opts.hosts || [opts.host || '127.0.0.1'];
  const token = opts.token || crypto.randomBytes(12).toString('hex');
  const controlPrefix = `/__canary/${token}/`;
  let answer = normalizeAnswer(opts);
  let hits = 0;
  let kept = [];

  const sendJson = (res, status, value) => {
    const buf = Buffer.from(JSON.stringify(value));
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': buf.length });
    res.end(buf);
  };

  const control = (req, res, action) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => { size += c.length; if (size <= MAX_CONTROL_BODY) chunks.push(c); });
    req.on('end', () => {
      try {
        const text = Buffer.concat(chunks).toString('utf8').trim();
        const body = text ? JSON.parse(text) : {};
        const key = `${req.method} ${action}`;
        if (key === 'GET count') sendJson(res, 200, { count: hits, requests: kept });
        else if (key === 'POST reset') { api.reset(); sendJson(res, 200, { count: hits }); }
        else if (key === 'POST answer') sendJson(res, 200, api.setAnswer(body));
        else sendJson(res, 404, { message: `Unknown canary control endpoint: ${key}` });
      } catch (err) {
        sendJson(res, 400, { message: err.message });
      }
    });
  };

  const hit = (req, res) => {
    hits += 1;
    kept.push({
      method: req.method,
      url: req.url,
      host: req.headers.host,
      remoteAddress: req.socket.remoteAddress,
      localAddress: req.socket.localAddress,
      localPort: req.socket.localPort,
      at: new Date().toISOString(),
    });
    if (kept.length > KEPT_REQUESTS) kept = kept.slice(-KEPT_REQUESTS);
    req.resume();
    const [bytes, type] = BODIES[answer.body]();
    res.writeHead(answer.status, { 'content-length': bytes.length, ...(type ? { 'content-type': type } : {}) });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  };

  const handler = (req, res) => {
    req.on('error', () => {});
    if (req.url.startsWith(controlPrefix)) control(req, res, req.url.slice(controlPrefix.length).split('?')[0]);
    else hit(req, res);
  };

  const servers = [];
  let port = opts.port ?? 0;
  const closeAll = () => Promise.all(servers.map((s) => new Promise((done) => { s.close(() => done()); s.closeAllConnections(); })));
  try {
    for (const host of hosts) {
      const server = http.createServer(handler);
      // A request the HTTP parser refuses is a hit too.
      server.on('clientError', (err, socket) => {
        hits += 1;
        if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
        else socket.destroy();
      });
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => { server.removeListener('error', reject); resolve(); });
      });
      servers.push(server);
      port = server.address().port; // every further host on the same port
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  const urls = hosts.map((h) => urlOf(h, port));
  let closing = null;
  const api = {
    url: urls[0],
    urls,
    port,
    token,
    controlUrl: `${urls[0]}${controlPrefix.slice(0, -1)}`,
    /** How many requests reached the canary (control requests excluded). */
    count: () => hits,
    /** The last 1000 hits, oldest first. */
    requests: () => kept.slice(),
    /** Zeroes the count and forgets the hits. */
    reset() { hits = 0; kept = []; },
    /** Changes what hits get (`{ status, body }`); returns the current answer. */
    setAnswer(a) { answer = normalizeAnswer({ ...answer, ...a }); return { ...answer }; },
    /** Stops listening and drops open connections. */
    close() {
      if (!closing) closing = closeAll().then(() => {});
      return closing;
    },
  };
  return api;
}

/**
 * A client for a canary's control API (one started from bash: `.ci/lib/canary.sh`).
 * @param {string} controlUrl the CANARY_CONTROL_URL the canary printed
 */
function canaryControl(controlUrl) {
  const base = controlUrl.replace(/\/+$/, '');
  const call = async (method, action, body) => {
    const res = await fetch(`${base}/${action}`, { method, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    const json = await res.json();
    if (!res.ok) throw new Error(`canary ${method} ${action} -> HTTP ${res.status}: ${json.message}`);
    return json;
  };
  return {
    /** `{ count, requests }`. */
    count: () => call('GET', 'count'),
    /** Zeroes the count. */
    reset: () => call('POST', 'reset', {}),
    /** Changes what hits get. */
    answer: (a) => call('POST', 'answer', a),
  };
}

if (require.main === module) {
  const a = parseArgs(process.argv.slice(2));
  startCanary({
    port: Number(a.port ?? 0),
    hosts: String(a.host || '127.0.0.1').split(',').filter(Boolean),
    status: a.status,
    body: a.body,
    token: a.token,
  }).then((canary) => {
    process.stdout.write(`CANARY_URL=${canary.url}\nCANARY_CONTROL_URL=${canary.controlUrl}\n`);
    const stop = () => canary.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }).catch((err) => {
    process.stderr.write(`canary: ${err.message}\n`);
    process.exit(1);
  });
}

module.exports = { startCanary, canaryControl, normalizeAnswer };
