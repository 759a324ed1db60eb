//! Exports of [`crate::plan`] and [`crate::batching`]: the sync plan, kept inside WebAssembly and handed over
//! one batch at a time, and the halves of a refused batch.

use wasm_bindgen::prelude::*;

use super::bodies::WithBodies;
use super::{export, AsIs, JsonText, Objects, Parsed};
use crate::batching::{self, WriteBatch};
use crate::error::CoreError;
use crate::plan::{self, SyncPlan};

/// Plans a sync — which products to create, update, archive or delete, in batches, with every problem found —
/// and keeps the plan inside WebAssembly: it returns a [`CatalogPlan`] handle whose small `summary()` (counts,
/// completeness, errors, one line per batch) crosses the boundary at once, and each full batch only when the
/// host asks for it with `batchJson(i)`.
///
/// The full plan of 100,000 new products is about 150 MB of JSON, and building it as JavaScript objects costs
/// more than planning it; pulling one batch at a time as the host writes also keeps the host's memory flat.
/// Never throws because of source data: a bad product becomes an entry of `summary().errors` naming the
/// product and the field, and the valid rest is planned. Throws `INVALID_INPUT` only when the input has the
/// wrong shape. Call `free()` when done to release the plan's WebAssembly memory.
///
/// ```js
/// const plan = planCatalog({ options, pages, scope: { kind: "full" }, categories, tags, owned: [],
///                            takenHandles: [], salesChannelId });
/// try {
///   const { counts, errors, batches } = plan.summary();
///   // errors[0] => { source_id: 17, field: "price", code: "INVALID_FIELD", message: "product 17: ..." }
///   for (let i = 0; i < batches.length; i++) await execute(JSON.parse(plan.batchJson(i))); // batch.kind: "create" | ...
/// } finally {
///   plan.free();
/// }
/// ```
#[wasm_bindgen(js_name = planCatalog)]
pub fn plan_catalog(
    #[wasm_bindgen(unchecked_param_type = "PlanInput")] input: JsValue,
) -> Result<CatalogPlan, JsValue> {
    export("planCatalog", |call| {
        let WithBodies(input) = call.input(input)?;
        Ok(AsIs(CatalogPlan {
            plan: plan::plan_sync(&input),
        }))
    })
}

/// Plans applying a held set — the removals a full run's guard held back, now confirmed by an operator — as a
/// [`CatalogPlan`] like `planCatalog`'s: archive and delete batches of the held products the source still answers
/// 404 for and the store still has as they were; every other held product gets a `HELD_REMOVAL_SKIPPED` notice in
/// `summary().errors`. Throws `INVALID_INPUT` only when the input has the wrong shape.
///
/// ```js
/// const plan = planHeldRemovals({ held: heldRun.held_removals, notFoundIds: fetched.notFoundIds,
///                                 products: await readProductStates(heldIds), batchSize: options.batchSize });
/// try {
///   const { batches } = plan.summary();
///   for (let i = 0; i < batches.length; i++) await execute(JSON.parse(plan.batchJson(i))); // "archive" | "delete"
/// } finally {
///   plan.free();
/// }
/// ```
#[wasm_bindgen(js_name = planHeldRemovals)]
pub fn plan_held_removals(
    #[wasm_bindgen(unchecked_param_type = "HeldRemovalsInput")] input: JsValue,
) -> Result<CatalogPlan, JsValue> {
    export("planHeldRemovals", |call| {
        Ok(AsIs(CatalogPlan {
            plan: plan::plan_held_removals(&call.input(input)?),
        }))
    })
}

/// A sync plan held inside WebAssembly (made by `planCatalog` or `planHeldRemovals`); its batches are
/// materialized on demand.
#[wasm_bindgen]
pub struct CatalogPlan {
    plan: SyncPlan,
}

#[wasm_bindgen]
impl CatalogPlan {
    /// Number of write batches (`summary().batches.length`).
    #[wasm_bindgen(getter, js_name = batchCount)]
    pub fn batch_count(&self) -> Result<usize, JsValue> {
        export("CatalogPlan.batchCount", |_| {
            Ok(AsIs(self.plan.batches.len()))
        })
    }

    /// Counts, completeness and errors of the plan, the source stock of its valid products, and each batch's
    /// kind, index, length and source ids, in execution order.
    #[wasm_bindgen(unchecked_return_type = "CatalogPlanSummary")]
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        export("CatalogPlan.summary", |_| {
            Ok(Parsed(plan::summarize_plan(&self.plan)))
        })
    }

    /// Write batch number `position` (0-based, in execution order) as JSON text, for `JSON.parse` (a
    /// `WriteBatch`). A string is passed on as it is, where a Medusa workflow deep-copies every object a step
    /// receives. Throws `INVALID_INPUT` when there is no such batch.
    #[wasm_bindgen(js_name = batchJson)]
    pub fn batch_json(&self, position: f64) -> Result<String, JsValue> {
        export("CatalogPlan.batchJson", |call| {
            Ok(JsonText(batch_at(&self.plan, position, call.function())?))
        })
    }
}

/// The batch at a JavaScript position, or `INVALID_INPUT` naming the position and the number of batches.
fn batch_at<'a>(
    plan: &'a SyncPlan,
    position: f64,
    function: &'static str,
) -> Result<&'a WriteBatch, CoreError> {
    let found = (position.fract() == 0.0 && position >= 0.0)
        .then(|| plan.batches.get(position as usize))
        .flatten();
    found.ok_or_else(|| CoreError::InvalidInput {
        function,
        path: ".".to_string(),
        reason: format!(
            "no batch {position}: the plan has {} batches (0 to {})",
            plan.batches.len(),
            plan.batches.len() as f64 - 1.0
        ),
    })
}

/// Splits a batch Medusa refused into two halves (same kind and index); a one-product batch gives `[]`.
///
/// ```js
/// const halves = splitBatch(batch); // retry each half; when [] use writeErrorFor
/// ```
#[wasm_bindgen(js_name = splitBatch, unchecked_return_type = "WriteBatch[]")]
pub fn split_batch(
    #[wasm_bindgen(unchecked_param_type = "WriteBatch")] batch: JsValue,
) -> Result<JsValue, JsValue> {
    export("splitBatch", |call| {
        Ok(Objects(batching::split_batch(&call.input(batch)?)))
    })
}

/// The halves of a refused group of `len` items (`[start, end)` ranges), by the rule of `splitBatch`; `[]` for a
/// group of one: the host retries a group of files the File module refused this way.
///
/// ```js
/// splitRefusedGroup(5); // [[0, 3], [3, 5]]
/// ```
#[wasm_bindgen(js_name = splitRefusedGroup, unchecked_return_type = "Array<[number, number]>")]
pub fn split_refused_group(len: usize) -> Result<JsValue, JsValue> {
    export("splitRefusedGroup", |_| {
        Ok(Objects(batching::split_refused_group(len)))
    })
}
