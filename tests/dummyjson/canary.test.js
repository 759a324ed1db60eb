'use strict';
/**
 * Tests of the canary (canary.js, .ci/lib/canary.sh): every request counts, whatever its method, path or address,
 * except the secret-token control API. Run: node --test tests/dummyjson/
 */
const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');
const { startCanary, canaryControl } = require('./canary');
const { startServer } = require('./server');
const { inspectPng } = require('./images');

const execFileP = promisify(execFile);
const CANARY_SH = path.join(__dirname, '..', '..', '.ci', 'lib', 'canary.sh');

describe('canary in process', () => {
  let canary;
  before(async () => { canary = await startCanary({ hosts: ['127.0.0.1', '127.0.0.2', '::1'] }); });
  after(() => canary.close());
  beforeEach(() => { canary.reset(); canary.setAnswer({ status: 200, body: 'png' }); });

  it('answers every method and path on each address with a PNG, and counts each request', async () => {
    assert.deepEqual(canary.urls, [`http://127.0.0.1:${canary.port}`, `http://127.0.0.2:${canary.port}`, `http://[::1]:${canary.port}`]);
    const get = await fetch(`${canary.urls[0]}/images/1.png?x=1`);
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('content-type'), 'image/png');
    assert.equal(inspectPng(Buffer.from(await get.arrayBuffer())).valid, true);
    assert.equal((await fetch(`${canary.urls[1]}/latest/meta-data`, { method: 'POST', body: 'x' })).status, 200);
    assert.equal((await fetch(`${canary.urls[2]}/`, { method: 'HEAD' })).status, 200);
    assert.equal(canary.count(), 3);
    const seen = canary.requests().map((r) => [r.method, r.url, r.localAddress.replace('::ffff:', '')]);
    assert.deepEqual(seen, [['GET', '/images/1.png?x=1', '127.0.0.1'], ['POST', '/latest/meta-data', '127.0.0.2'], ['HEAD', '/', '::1']]);
  });

  it('control requests need the token: /__canary/count without it, or with a wrong one, is a hit', async () => {
    const control = canaryControl(canary.controlUrl);
    assert.equal((await control.count()).count, 0);
    await fetch(`${canary.url}/__canary/count`);
    await fetch(`${canary.url}/__canary/${'0'.repeat(24)}/count`);
    const { count, requests } = await control.count();
    assert.equal(count, 2);
    assert.deepEqual(requests.map((r) => r.url), ['/__canary/count', `/__canary/${'0'.repeat(24)}/count`]);
    assert.deepEqual(await control.reset(), { count: 0 });
    assert.equal(canary.count(), 0);
  });

  it('what hits get can change (status, body); a bad answer is refused with 400', async () => {
    const control = canaryControl(canary.controlUrl);
    assert.deepEqual(await control.answer({ status: 503, body: 'json' }), { status: 503, body: 'json' });
    const res = await fetch(`${canary.url}/x`);
    assert.deepEqual([res.status, await res.json()], [503, { canary: true }]);
    await assert.rejects(control.answer({ status: 99 }), /HTTP 400/);
    await assert.rejects(control.answer({ body: 'gif' }), /HTTP 400/);
    assert.equal(canary.count(), 1);
  });

  it('a request the HTTP parser refuses still counts', async () => {
    await new Promise((resolve, reject) => {
      const socket = net.connect(canary.port, '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      socket.on('data', () => {});
      socket.on('close', resolve);
      socket.on('error', reject);
    });
    assert.equal(canary.count(), 1);
  });

  it('an image URL on the stand-in that redirects (two hops) to the canary reaches it once', async () => {
    const standIn = await startServer({ port: 0, size: 5 });
    try {
      const to = `${canary.url}/private.png`;
      const res = await fetch(`${standIn.url}/redirect/products/1/1.png?hops=2&to=${encodeURIComponent(to)}`);
      assert.equal(res.status, 200);
      assert.equal(res.url, to);
      assert.equal(canary.count(), 1);
      assert.equal(standIn.stats().byRoute['/redirect'], 2);
    } finally {
      await standIn.close();
    }
  });
});

describe('canary from bash (.ci/lib/canary.sh)', () => {
  it('start prints the URLs; count, reset; stop ends the process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canary-'));
    try {
      const { stdout } = await execFileP('bash', [CANARY_SH, 'start', dir, '0', '127.0.0.1']);
      const url = /^CANARY_URL=(\S+)$/m.exec(stdout)[1];
      const controlUrl = /^CANARY_CONTROL_URL=(\S+)$/m.exec(stdout)[1];
      const pid = Number(fs.readFileSync(path.join(dir, 'canary.pid'), 'utf8'));
      assert.equal((await fetch(`${url}/a`)).status, 200);
      assert.equal((await fetch(`${url}/b`, { method: 'PUT' })).status, 200);
      const env = { ...process.env, CANARY_CONTROL_URL: controlUrl };
      assert.equal((await execFileP('bash', [CANARY_SH, 'count'], { env })).stdout.trim(), '2');
      await execFileP('bash', [CANARY_SH, 'reset'], { env });
      assert.equal((await execFileP('bash', [CANARY_SH, 'count'], { env })).stdout.trim(), '0');
      await execFileP('bash', [CANARY_SH, 'stop', dir]);
      assert.throws(() => process.kill(pid, 0), /ESRCH/);
      assert.equal(fs.existsSync(path.join(dir, 'canary.pid')), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
