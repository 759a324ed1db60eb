#!/usr/bin/env node
'use strict';
/**
 * The demo's admin password: random, and safe as a command-line argument.
 *
 *   node .ci/lib/admin-password.js FILE
 *
 * prints the password saved in FILE. When FILE is missing or empty, or holds a password that is not safe for
 * `medusa user -p PASSWORD` (one that starts with "-" is read as options: "Unknown arguments"), a new one is
 * written there first and a note on stderr says why.
 *
 * New passwords are 20 characters from [A-Za-z0-9] (about 119 bits), drawn with rejection sampling so every
 * character is equally likely. A saved password is kept when it only has base64url characters and does not
 * start with "-": the passwords earlier demos saved (base64url, 12 characters) still log in, and only those
 * that could never have been set are replaced.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** The characters of a new password. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The length of a new password. */
const PASSWORD_LENGTH = 20;
/** Bytes at or above this are redrawn, so `byte % 62` is uniform (248 = 4 * 62). */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/**
 * A new random password of PASSWORD_LENGTH characters from ALPHABET.
 * @param {(n: number) => Buffer} [randomBytes] the source of random bytes (crypto.randomBytes)
 * @returns {string}
 */
function generatePassword(randomBytes = crypto.randomBytes) {
  let out = '';
  while (out.length < PASSWORD_LENGTH) {
    for (const byte of randomBytes(PASSWORD_LENGTH * 2)) {
      if (byte < UNBIASED_LIMIT && out.length < PASSWORD_LENGTH) out += ALPHABET[byte % ALPHABET.length];
    }
  }
  return out;
}

/**
 * Whether a saved password can be passed as `-p PASSWORD`: base64url characters only (no shell or option
 * syntax), at least 8 of them, and not starting with "-".
 * @param {unknown} password
 * @returns {boolean}
 */
function isSafePassword(password) {
  return typeof password === 'string' && /^[A-Za-z0-9_][A-Za-z0-9_-]{7,127}$/.test(password);
}

/**
 * The password saved in `file`, after replacing a missing, empty or unsafe one with a new one.
 * @param {string} file
 * @param {() => string} [generate]
 * @returns {{ password: string, replaced: null | 'missing' | 'unsafe' }}
 */
function ensurePasswordFile(file, generate = generatePassword) {
  let saved = '';
  try {
    saved = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  if (isSafePassword(saved)) return { password: saved, replaced: null };
  const password = generate();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, password, { mode: 0o600 });
  return { password, replaced: saved ? 'unsafe' : 'missing' };
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node .ci/lib/admin-password.js FILE\n');
    process.exit(2);
  }
  const { password, replaced } = ensurePasswordFile(file);
  if (replaced === 'unsafe') {
    process.stderr.write(`[password] ${file} held a password the medusa CLI cannot take as an argument; wrote a new one\n`);
  }
  process.stdout.write(password);
}

module.exports = { ALPHABET, PASSWORD_LENGTH, generatePassword, isSafePassword, ensurePasswordFile };
