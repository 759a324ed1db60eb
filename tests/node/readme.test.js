'use strict';
/**
 * The package README's JavaScript example is executed against the built package: every
 * `console.log(...); // => expected` line must print exactly `expected` (util.inspect formatting).
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const vm = require('node:vm');

const PKG = path.join(__dirname, '..', '..', 'pkg');

test('the README usage example runs and prints what its comments say', () => {
  const readme = fs.readFileSync(path.join(PKG, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]);
  assert.ok(blocks.length > 0, 'the README has a js example');
  for (const code of blocks) {
    const expected = [...code.matchAll(/console\.log\(.*\); \/\/ => (.*)$/gm)].map((match) => match[1]);
    assert.ok(expected.length > 0, 'the example states its results');
    const printed = [];
    const sandbox = {
      require: (name) => require(name === 'catalog-sync-core' ? PKG : name),
      console: { log: (...args) => printed.push(args.map((a) => (typeof a === 'string' ? a : util.inspect(a, { breakLength: Infinity }))).join(' ')) },
      JSON,
    };
    vm.runInNewContext(code, sandbox, { filename: 'README.md' });
    assert.deepEqual(printed, expected);
  }
});
