'use strict';
/**
 * catalog-sync-core: the Rust decision engine of catalog-sync, compiled to WebAssembly.
 *
 * This wrapper re-exports every function and class of the wasm-bindgen output (`catalog_sync.js`, loaded
 * synchronously) and adds one thing: a Rust panic (a bug, never bad input) surfaces as a WebAssembly trap; the
 * wrapper turns it into an `Error` with `code: "CORE_PANIC"` and the panic message, then loads a fresh instance
 * of the module so that later calls do not run on the trapped instance's state. The core's functions are
 * stateless, so nothing is lost; a `CatalogPlan`, `CatalogPlanner` or `StoreCheck` lives in the instance that made it, so after
 * a panic the host plans again.
 */
const CORE_PATH = require.resolve('./catalog_sync.js');
/** Global in which the core's panic hook leaves the panic message (see src/wasm/mod.rs). */
const PANIC_GLOBAL = '__catalogSyncCorePanic';

/** Whether an export is a wasm-bindgen class (its instances hold WebAssembly memory and have `free()`). */
const isClass = (value) => typeof value === 'function' && typeof value.prototype?.free === 'function';

/** Makes the methods and getters of a class's instances translate traps like the functions do. */
function translateMethods(cls) {
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(cls.prototype))) {
    if (key === 'constructor') continue;
    for (const part of ['value', 'get']) {
      const original = descriptor[part];
      if (typeof original !== 'function') continue;
      descriptor[part] = function (...args) {
        try {
          return original.apply(this, args);
        } catch (error) {
          throw translate(error);
        }
      };
    }
    Object.defineProperty(cls.prototype, key, descriptor);
  }
}

let core;

/** Makes `loaded` the current core instance and exports its classes. */
function useCore(loaded) {
  core = loaded;
  for (const [name, value] of Object.entries(core)) {
    if (isClass(value)) {
      translateMethods(value);
      module.exports[name] = value;
    }
  }
}

/** Loads a new instance of the WebAssembly module. */
function reloadCore() {
  delete require.cache[CORE_PATH];
  useCore(require(CORE_PATH));
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

useCore(require(CORE_PATH));
for (const [name, value] of Object.entries(core)) {
  if (typeof value === 'function' && !isClass(value)) module.exports[name] = wrap(name);
}
