'use strict';
/**
 * The package's TypeScript declarations type every main shape: tests/node/support/usage.ts, which uses every
 * function and marks wrong uses with `@ts-expect-error`, must compile under `strict` against pkg/index.d.ts.
 * Uses the TypeScript compiler that .ci/build-core installs under .work/tools.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const TSC = path.join(ROOT, '.work', 'tools', 'node_modules', '.bin', 'tsc');

test('the declarations compile under strict and reject wrong uses', () => {
  assert.ok(fs.existsSync(TSC), `TypeScript compiler missing at ${TSC}: run bash .ci/build-core`);
  const result = spawnSync(TSC, ['-p', path.join(__dirname, 'support', 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(result.status, 0, `tsc failed:\n${result.stdout}${result.stderr}`);
});
