'use strict';
/**
 * catalog-sync-core: the Rust decision engine of catalog-sync, compiled to WebAssembly.
 *
 * This wrapper re-exports every function of the wasm-bindgen output (`catalog_sync.js`, loaded synchronously)
 * and adds two things. `planSync(input)` parses the JSON text of `planSyncJson(input)`: a large plan crosses the
 * boundary much faster as one string than object by object. And a Rust panic (a bug, never bad input) surfaces as a WebAssembly trap; the wrapper turns
 * it into an `Error` with `code: "CORE_PANIC"` and the panic message, then loads a fresh instance of the module
 * so that later calls do not run on the trapped instance's state. The core is stateless, so nothing is lost.
 */
const CORE_PATH = require.resolve('./catalog_sync.js');
/** Global in which the core's panic hook leaves the panic message (see src/wasm.rs). */
const PANIC_GLOBAL = '__catalogSyncCorePanic';

let core = require(CORE_PATH);

/** Loads a new instance of the WebAssembly module. */
function reloadCore() {
  delete require.cache[CORE_PATH];
  core = require(CORE_PATH);
}

/** Turns a WebAssembly trap into a readable CORE_PANIC error (and reloads the core); other errors pass through. */
function translate(error) {
  if (!(error instanceof WebAssembly.RuntimeError)) return error;
  const message = globalThis[PANIC_GLOBAL] || `catalog-sync core crashed: ${error.message}`;
  delete globalThis[PANIC_GLOBAL];
  const panic = new Error(message, { cause: error });
  panic.code = 'CORE_PANIC';
  panic.details = {};
  reloadCore();
  return panic;
}

/** A function that calls the current core instance's export `name`. */
function wrap(name) {
  const wrapped = {
    [name](...args) {
      try {
        const result = core[name](...args);
        return result instanceof Promise ? result.catch((error) => { throw translate(error); }) : result;
      } catch (error) {
        throw translate(error);
      }
    },
  };
  return wrapped[name];
}

for (const [name, value] of Object.entries(core)) {
  if (typeof value === 'function') module.exports[name] = wrap(name);
}

const planSyncJson = module.exports.planSyncJson;
/** Plans a sync (see planSyncJson in catalog_sync.d.ts) and returns the SyncPlan object. */
module.exports.planSync = function planSync(input) {
  return JSON.parse(planSyncJson(input));
};
