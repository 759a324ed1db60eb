'use strict';
/**
 * The demo's admin password (.ci/lib/admin-password.js): every new password goes through `medusa user -p PASSWORD`
 * as a value, never as options, and a saved password that cannot (one starting with "-") is replaced.
 * Run: node --test tests/node/admin-password.test.js
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, '.ci', 'lib', 'admin-password.js');
const { ALPHABET, PASSWORD_LENGTH, generatePassword, isSafePassword, ensurePasswordFile } = require(SCRIPT);

const DRAWS = 20_000;

/**
 * The password as an option parser reads `user -e EMAIL -p PASSWORD` (strict, like the CLI's: a value that
 * starts with "-" is refused as ambiguous). Throws when the password would not be read as the -p value.
 */
function parsedPassword(password) {
  const { values, positionals } = parseArgs({
    args: ['-e', 'admin@catalog-sync.local', '-p', password],
    options: { email: { type: 'string', short: 'e' }, password: { type: 'string', short: 'p' } },
    strict: true,
    allowPositionals: true,
  });
  assert.deepEqual(positionals, []);
  return values.password;
}

test('the option-parser check catches the old generator (base64url, 1 password in 64 starts with "-")', () => {
  let unsafe = 0;
  for (let i = 0; i < DRAWS; i += 1) {
    const old = crypto.randomBytes(9).toString('base64url');
    let ok = true;
    try { ok = parsedPassword(old) === old; } catch { ok = false; }
    if (!ok) unsafe += 1;
    if (!ok) assert.equal(isSafePassword(old), false, `isSafePassword accepts ${old}`);
  }
  // Expected about DRAWS / 64 = 312; none at all has probability (63/64)^20000, about 1e-137.
  assert.ok(unsafe > 100, `only ${unsafe} of ${DRAWS} old passwords were unsafe`);
});

test(`${DRAWS} new passwords are read by a strict option parser as the -p value, and are alphanumeric`, () => {
  const seen = new Set();
  const firstChars = new Set();
  for (let i = 0; i < DRAWS; i += 1) {
    const password = generatePassword();
    assert.match(password, new RegExp(`^[A-Za-z0-9]{${PASSWORD_LENGTH}}$`));
    assert.equal(parsedPassword(password), password);
    assert.ok(isSafePassword(password), password);
    seen.add(password);
    firstChars.add(password[0]);
  }
  assert.equal(seen.size, DRAWS, 'no password repeats');
  assert.equal(firstChars.size, ALPHABET.length, 'every character of the alphabet starts some password');
});

test('the generator is unbiased: bytes 248..255 are redrawn, the rest map to byte % 62', () => {
  // A byte source that gives 255 (to be redrawn) then 61 (-> "9") then 62 (-> "A") over and over.
  const pattern = [255, 61, 62];
  let k = 0;
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => pattern[k++ % pattern.length]));
  const password = generatePassword(bytes);
  assert.equal(password, '9A'.repeat(PASSWORD_LENGTH / 2));
});

test('isSafePassword: refuses a leading "-", shell characters, whitespace and short strings', () => {
  for (const bad of ['-sp2abcdefgh', '--password', '-', '', 'abc def ghij', 'abc$defghij', 'abc;rm -rf x', 'short', null, undefined, 42]) {
    assert.equal(isSafePassword(bad), false, String(bad));
  }
  for (const good of ['abc_DEF-ghij', '_abcdefgh', 'A1b2C3d4E5f6G7h8I9j0']) assert.equal(isSafePassword(good), true, good);
});

test('the demo reuse logic: a missing, empty or "-"-leading saved password is replaced; a safe one is kept', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-password-'));
  try {
    const file = path.join(dir, 'demo', 'admin-password');
    const run = () => execFileSync(process.execPath, [SCRIPT, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

    const created = run();
    assert.ok(isSafePassword(created), created);
    assert.equal(fs.readFileSync(file, 'utf8'), created);
    assert.equal(run(), created, 'a second run reuses the saved password');

    fs.writeFileSync(file, '-sp2xQ9vLmNa');
    const replaced = run();
    assert.notEqual(replaced, '-sp2xQ9vLmNa');
    assert.equal(parsedPassword(replaced), replaced);
    assert.equal(fs.readFileSync(file, 'utf8'), replaced);

    fs.writeFileSync(file, 'abc_DEF-ghij\n'); // what an earlier demo saved and set: kept, or login would fail
    assert.equal(run(), 'abc_DEF-ghij');

    fs.writeFileSync(file, '');
    assert.ok(isSafePassword(run()));
    assert.deepEqual(ensurePasswordFile(file).replaced, null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('.ci/demo takes its password from .ci/lib/admin-password.js', () => {
  const demo = fs.readFileSync(path.join(ROOT, '.ci', 'demo'), 'utf8');
  assert.match(demo, /node \.ci\/lib\/admin-password\.js "\$DEMO\/admin-password"/);
  assert.doesNotMatch(demo, /base64url/);
});
