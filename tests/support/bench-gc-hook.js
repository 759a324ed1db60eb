'use strict';
/**
 * Benchmark only: preloaded into the benchmark's Medusa process (`NODE_OPTIONS="--expose-gc -r <this file>"`,
 * set by tests/support/bench-sync.js, never by the plugin or a store). It tells memory that V8 only defers from
 * memory that is really held:
 *   - after every major (mark-compact) GC, it notes the heap still used: the live heap at that moment; the largest
 *     such value since the last report is the peak live heap of the window, measured without forcing anything;
 *   - on SIGUSR2 it forces a full GC (`gc()`) and appends one JSON line to BENCH_GC_FILE:
 *     `{ heapUsedMb, externalMb, arrayBuffersMb, rssMb, wasmMb, peakLiveMb, majorGcs }` (peakLiveMb and majorGcs
 *     since the previous report; the window then starts again); `wasmMb` is the size of the core's WebAssembly
 *     memory (every wasm-bindgen instance made in this process: `WebAssembly.Instance` is wrapped to see them), which
 *     only grows: its high-water mark;
 *   - with BENCH_CPU_PROFILE_DIR set, SIGWINCH toggles V8's CPU profiler (the inspector's `Profiler` domain, in this
 *     process): the first signal starts a profile, the next one stops it and writes
 *     `<BENCH_CPU_PROFILE_DIR>/<n>.cpuprofile` (n counts from 1), readable by Chrome's DevTools and by
 *     tests/support/cpu-profile-summary.js.
 */
const fs = require('node:fs');
const v8 = require('node:v8');
const { PerformanceObserver, constants } = require('node:perf_hooks');

const file = process.env.BENCH_GC_FILE;
const mb = (bytes) => Math.round((bytes / (1024 * 1024)) * 10) / 10;
let peakLive = 0;
let majorGcs = 0;

/** The core's WebAssembly instances (the one loaded at boot, and a new one after each core panic). */
const coreInstances = [];
const RealInstance = WebAssembly.Instance;
WebAssembly.Instance = function Instance(module, imports) {
  const instance = new RealInstance(module, imports);
  if (typeof instance.exports.__wbindgen_start === 'function') coreInstances.push(instance);
  return instance;
};
WebAssembly.Instance.prototype = RealInstance.prototype;
const wasmBytes = () => coreInstances.reduce((sum, instance) => sum + (instance.exports.memory?.buffer.byteLength ?? 0), 0);

if (file && typeof global.gc === 'function') {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        majorGcs += 1;
        peakLive = Math.max(peakLive, v8.getHeapStatistics().used_heap_size);
      }
    }
  }).observe({ entryTypes: ['gc'] });

  process.on('SIGUSR2', () => {
    const window = { peakLiveMb: mb(peakLive), majorGcs };
    global.gc();
    const usage = process.memoryUsage();
    fs.appendFileSync(file, `${JSON.stringify({
      heapUsedMb: mb(usage.heapUsed), externalMb: mb(usage.external), arrayBuffersMb: mb(usage.arrayBuffers),
      rssMb: mb(usage.rss), wasmMb: mb(wasmBytes()), ...window,
    })}\n`);
    peakLive = 0;
    majorGcs = 0;
  });
}

const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
if (profileDir) {
  const inspector = require('node:inspector');
  const path = require('node:path');
  const session = new inspector.Session();
  session.connect();
  let profiling = false;
  let written = 0;
  process.on('SIGWINCH', () => {
    if (!profiling) {
      profiling = true;
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')));
      return;
    }
    profiling = false;
    session.post('Profiler.stop', (error, result) => {
      if (!error) {
        written += 1;
        fs.mkdirSync(profileDir, { recursive: true });
        fs.writeFileSync(path.join(profileDir, `${written}.cpuprofile`), JSON.stringify(result.profile));
      }
    });
  });
}
