//! Exports of [`crate::plan`] and [`crate::batching`]: the sync plan, kept inside WebAssembly and handed over one
//! window of batches at a time, and the halves of a refused batch.

use js_sys::JsString;
use wasm_bindgen::prelude::*;

use super::bodies::{json_argument, read_bodies, WithBodies};
use super::{export, AsIs, JsonText, Objects, Parsed};
use crate::batching::{self, WriteBatch};
use crate::error::CoreError;
use crate::plan::{self, Planner, StockRequest, SyncPlan, WindowLimits};
use crate::rows::StoreProductRow;

/// The plan of a run, held inside WebAssembly: made in steps (`new CatalogPlanner`, `readPages`, `finishReading`,
/// `addRows`, `summary`), then written window by window (`planWindow`, `batchJson`), then its stock (`planStock`).
/// Only small things cross the boundary: the summary, the ids of the rows it needs, one window's batches as JSON
/// text. Call `free()` when done to release its WebAssembly memory.
///
/// ```js
/// const planner = check.planner({ options, scope: { kind: "full" }, categories, tags, owned: [], takenHandles,
///                                 salesChannelId, stockLocationId }); // or new CatalogPlanner(input)
/// try {
///   for (const chunk of chunksOf(pages, 100)) planner.readPages(chunk);
///   const ids = planner.finishReading(); // products whose content changed: read their full rows
///   planner.addRows(await readFullRows(ids));
///   const { counts, errors, batches, windows } = planner.summary();
///   windows.forEach((window, w) => {
///     planner.planWindow(w, window.bodies.map((i) => pages[i]));
///     for (let b = window.firstBatch; b < window.firstBatch + window.batchCount; b++) write(JSON.parse(planner.batchJson(b)));
///   });
///   const stock = planner.planStock({ locationId, refusedSourceIds }, levelsJson); // '[{"inventoryItemId":…}]'
/// } finally {
///   planner.free();
/// }
/// ```
#[wasm_bindgen]
pub struct CatalogPlanner {
    planner: Planner,
    /// The batches of the window planned last, which the host may ask for.
    batches: Vec<WriteBatch>,
}

impl CatalogPlanner {
    /// Wraps a planner and the batches it made.
    pub(crate) fn of(planner: Planner) -> Self {
        CatalogPlanner {
            planner,
            batches: Vec::new(),
        }
    }
}

#[wasm_bindgen]
impl CatalogPlanner {
    /// A planner writing in windows of 1,000 products; the input's `pages` and `products`, if any, are its first
    /// bodies. Throws `INVALID_INPUT` when the input has the wrong shape.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "PlanInput")] input: JsValue,
    ) -> Result<CatalogPlanner, JsValue> {
        export("new CatalogPlanner", |call| {
            let WithBodies(input) = call.input(input)?;
            Ok(AsIs(CatalogPlanner::of(Planner::new(
                input,
                WindowLimits::HOST,
            ))))
        })
    }

    /// Reads `/products` page bodies, in catalog order (bodies are numbered in the order they are read).
    #[wasm_bindgen(js_name = readPages)]
    pub fn read_pages(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] bodies: JsValue,
    ) -> Result<(), JsValue> {
        export("CatalogPlanner.readPages", |call| {
            let bodies = read_bodies(call.function(), &bodies, "bodies")?;
            self.planner.read_pages(&bodies)?;
            Ok(AsIs(()))
        })
    }

    /// Reads `/products/:id` bodies (a targeted run), after the pages.
    #[wasm_bindgen(js_name = readProducts)]
    pub fn read_products(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] bodies: JsValue,
    ) -> Result<(), JsValue> {
        export("CatalogPlanner.readProducts", |call| {
            let bodies = read_bodies(call.function(), &bodies, "bodies")?;
            self.planner.read_products(&bodies)?;
            Ok(AsIs(()))
        })
    }

    /// Ends the reading; returns the ids of the products whose full rows the plan needs (recorded products whose
    /// content changed upstream), for `addRows`.
    #[wasm_bindgen(js_name = finishReading, unchecked_return_type = "string[]")]
    pub fn finish_reading(&mut self) -> Result<JsValue, JsValue> {
        export("CatalogPlanner.finishReading", |_| {
            Ok(Objects(self.planner.finish_reading()?))
        })
    }

    /// Full rows of products `finishReading` asked for (any number of calls); a product never given is taken as
    /// gone from the store.
    #[wasm_bindgen(js_name = addRows)]
    pub fn add_rows(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "StoreProductRow[]")] rows: JsValue,
    ) -> Result<(), JsValue> {
        export("CatalogPlanner.addRows", |call| {
            let rows: Vec<StoreProductRow> = call.input(rows)?;
            self.planner.add_rows(&rows)?;
            Ok(AsIs(()))
        })
    }

    /// Counts, completeness and errors of the plan, the source stock of its valid products, each batch's kind,
    /// index, length and source ids in execution order, and the windows the batches are written in.
    #[wasm_bindgen(unchecked_return_type = "CatalogPlanSummary")]
    pub fn summary(&mut self) -> Result<JsValue, JsValue> {
        export("CatalogPlanner.summary", |_| {
            Ok(Parsed(self.planner.summary()?))
        })
    }

    /// Number of write batches (`summary().batches.length`).
    #[wasm_bindgen(getter, js_name = batchCount)]
    pub fn batch_count(&mut self) -> Result<usize, JsValue> {
        export("CatalogPlanner.batchCount", |_| {
            Ok(AsIs(self.planner.summary()?.batches.len()))
        })
    }

    /// Makes the batches of window `window` from its bodies (`bodies[i]` is body `summary().windows[window].bodies[i]`,
    /// the text the planner read); they replace the previous window's. A catalog that fits one window was mapped
    /// when read, and its bodies are only checked by their length. Throws `INVALID_INPUT` when the bodies are not
    /// the ones read or do not hold the window's products.
    #[wasm_bindgen(js_name = planWindow)]
    pub fn plan_window(
        &mut self,
        window: usize,
        #[wasm_bindgen(unchecked_param_type = "string[]")] bodies: JsValue,
    ) -> Result<(), JsValue> {
        export("CatalogPlanner.planWindow", |call| {
            let bodies = read_bodies(call.function(), &bodies, "bodies")?;
            self.batches = self.planner.plan_window(window, &bodies)?;
            Ok(AsIs(()))
        })
    }

    /// Write batch number `position` (its index, as in `summary().batches`) as JSON text, for `JSON.parse` (a
    /// `WriteBatch`): a batch of the window made last. A string is passed on as it is, where a Medusa workflow
    /// deep-copies every object a step receives. Throws `INVALID_INPUT` when that batch is not at hand.
    #[wasm_bindgen(js_name = batchJson)]
    pub fn batch_json(&self, position: f64) -> Result<String, JsValue> {
        export("CatalogPlanner.batchJson", |call| {
            Ok(JsonText(batch_at(
                &self.batches,
                position,
                call.function(),
            )?))
        })
    }

    /// The stock levels to write once the products are written (`StockPlan`): the source stock of the run's valid
    /// products against the levels at the sync's location of the owned products' inventory items. The levels come
    /// as JSON text (`levelsJson`: a JSON array of `ExistingLevel`, every level of the location), since there is one
    /// per product of the catalog; `request`'s own `levels` are ignored. Throws `INVALID_INPUT` on a wrong shape.
    #[wasm_bindgen(js_name = planStock, unchecked_return_type = "StockPlan")]
    pub fn plan_stock(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "StockRequest")] request: JsValue,
        levels_json: JsString,
    ) -> Result<JsValue, JsValue> {
        export("CatalogPlanner.planStock", |call| {
            let request: StockRequest = call.input(request)?;
            let levels = json_argument(call.function(), "levelsJson", &levels_json)?;
            Ok(Objects(self.planner.plan_stock(
                request.location_id,
                levels,
                request.refused_source_ids,
            )?))
        })
    }
}

/// Plans a sync in one call — which products to create, update, archive or delete, in batches, with every problem
/// found — and keeps the plan inside WebAssembly: it returns a [`CatalogPlan`] whose small `summary()` (counts,
/// completeness, errors, one line per batch) crosses the boundary at once, and each full batch only when the host
/// asks for it with `batchJson(i)`.
///
/// The full plan of 100,000 new products is about 150 MB of JSON, and building it as JavaScript objects costs
/// more than planning it; a host syncing a large catalog uses a [`CatalogPlanner`] and writes window by window.
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

/// A whole sync plan held inside WebAssembly (made by `planCatalog` or `planHeldRemovals`); its batches are
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
            Ok(JsonText(batch_at(
                &self.plan.batches,
                position,
                call.function(),
            )?))
        })
    }
}

/// The batch with index `position` among those at hand, or `INVALID_INPUT` naming the position and the ones at hand.
fn batch_at<'a>(
    batches: &'a [WriteBatch],
    position: f64,
    function: &'static str,
) -> Result<&'a WriteBatch, CoreError> {
    let first = batches.first().map_or(0, WriteBatch::index);
    let found = (position.fract() == 0.0 && position >= first as f64)
        .then(|| batches.get(position as usize - first))
        .flatten();
    found.ok_or_else(|| CoreError::InvalidInput {
        function,
        path: ".".to_string(),
        reason: if batches.is_empty() {
            format!("no batch {position}: none at hand (a plan without batches, or no window planned yet)")
        } else {
            format!(
                "no batch {position}: the batches at hand are {first} to {}",
                first + batches.len() - 1
            )
        },
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
