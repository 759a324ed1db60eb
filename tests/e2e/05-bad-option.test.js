'use strict';
/**
 * A bad plugin option stops Medusa's boot with a message naming the option: `medusa start` of a second
 * instance of the same build (own config and port, same database) exits non-zero without ever serving.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { e2eEnv } = require('./context');
const { configureInstance, runUntilExit } = require('../support/medusa-process');

const CASES = [
  { option: 'pageSize', value: 'abc', message: /catalog-sync option "pageSize"/ },
  { option: 'onMissing', value: 'explode', message: /catalog-sync option "onMissing"/ },
];

for (const c of CASES) {
  test(`boot stops with a clear message when ${c.option} is ${JSON.stringify(c.value)}`, { timeout: 180_000 }, async () => {
    const env = e2eEnv();
    const instDir = path.join(env.workDir, 'medusa-bad-option');
    await configureInstance({
      instDir,
      appDir: env.appDir,
      port: env.port + 1,
      databaseUrl: env.databaseUrl,
      options: { ...env.baseOptions, [c.option]: c.value },
    });
    const result = await runUntilExit(instDir, 120_000);
    const tail = result.output.slice(-3000);
    assert.equal(result.timedOut, false, `Medusa kept running with ${c.option}=${JSON.stringify(c.value)}:\n${tail}`);
    assert.notEqual(result.code, 0, `exit code ${result.code}:\n${tail}`);
    assert.equal(result.healthy, false, 'it never served /health');
    assert.match(result.output, c.message, tail);
    assert.ok(result.output.includes(JSON.stringify(c.value)) || result.output.includes(String(c.value)), `the message shows the bad value:\n${tail}`);
  });
}

test('the same instance boots with good options (the failures above come from the options)', { timeout: 180_000 }, async () => {
  const env = e2eEnv();
  const instDir = path.join(env.workDir, 'medusa-bad-option');
  await configureInstance({ instDir, appDir: env.appDir, port: env.port + 1, databaseUrl: env.databaseUrl, options: env.baseOptions });
  const result = await runUntilExit(instDir, 120_000, { stopWhenHealthy: true });
  assert.equal(result.healthy, true, result.output.slice(-3000));
  assert.equal(result.timedOut, false);
});
