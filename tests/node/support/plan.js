'use strict';
/**
 * The whole plan of an input, as the plugin reads it from the core: `planCatalog(input)`'s summary, with the
 * outline of every batch replaced by the batch itself (`JSON.parse(plan.batchJson(i))`). Shaped like the
 * core's `SyncPlan`: `{ batches, counts, errors, completeness, stock }`.
 */
function planWhole(core, input) {
  const plan = core.planCatalog(input);
  try {
    const summary = plan.summary();
    return { ...summary, batches: summary.batches.map((_, i) => JSON.parse(plan.batchJson(i))) };
  } finally {
    plan.free();
  }
}

module.exports = { planWhole };
