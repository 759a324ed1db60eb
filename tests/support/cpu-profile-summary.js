'use strict';
/**
 * Benchmark only: prints where a V8 CPU profile (`.cpuprofile`, e.g. written by bench-gc-hook.js) spent its time.
 *
 *   node tests/support/cpu-profile-summary.js FILE.cpuprofile [TOP]
 *
 * Three lists, in milliseconds of samples (TOP lines each, default 25):
 *   - self time per function (name, file, line);
 *   - total time per function (each sample counted once per function on its stack);
 *   - self time per package (the `node_modules/<package>` of the function's file, `node:` internals, `(program)`,
 *     `(garbage collector)`, `(idle)`).
 */
const fs = require('node:fs');

/** The package a script URL belongs to. */
function packageOf(url) {
  if (!url) return '(native or V8)';
  if (url.startsWith('node:')) return 'node:';
  const parts = url.split('node_modules/');
  if (parts.length < 2) return url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
  const rest = parts[parts.length - 1].split('/');
  return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

/** A function's label: name, file and line. */
function labelOf(frame) {
  const file = frame.url ? frame.url.split('/').slice(-2).join('/') : '';
  return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
}

/** Sorted `[key, ms]` pairs of a map, largest first, as text lines. */
function top(map, count) {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count)
    .map(([key, ms]) => `${ms.toFixed(1).padStart(9)} ms  ${key}`).join('\n');
}

function main() {
  const [file, count = '25'] = process.argv.slice(2);
  if (!file) throw new Error('usage: node tests/support/cpu-profile-summary.js FILE.cpuprofile [TOP]');
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map();
  const total = new Map();
  const packages = new Map();
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
  let sampled = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    sampled += ms;
    const node = nodes.get(id);
    add(self, labelOf(node.callFrame), ms);
    const name = node.callFrame.functionName;
    add(packages, name.startsWith('(') ? name : packageOf(node.callFrame.url), ms);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const label = labelOf(nodes.get(at).callFrame);
      if (!seen.has(label)) {
        seen.add(label);
        add(total, label, ms);
      }
    }
  });
  const n = Number(count);
  console.log(`profile: ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms, ${sampled.toFixed(0)} ms sampled\n`);
  console.log(`self time per package:\n${top(packages, n)}\n`);
  console.log(`self time per function:\n${top(self, n)}\n`);
  console.log(`total time per function:\n${top(total, n)}`);
}

main();
