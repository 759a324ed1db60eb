'use strict';
/**
 * Command-line parsing shared by the stand-in's and the canary's CLIs.
 */

/**
 * Parses `--key value` / `--key=value` arguments; a flag with no value is "true".
 * @param {string[]} argv
 * @returns {Record<string, string>}
 */
function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 1) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    if (m[2] !== undefined) args[m[1]] = m[2];
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) { args[m[1]] = argv[i + 1]; i += 1; } else args[m[1]] = 'true';
  }
  return args;
}

module.exports = { parseArgs };
