//! Exports of [`crate::snapshot`], [`crate::ledger`] and of the sync's markers ([`crate::mapping::sync_markers`]):
//! the store checked against the ledger, what the ledger records of the writes, and how the host finds what the
//! sync owns.

use js_sys::JsString;
use wasm_bindgen::prelude::*;

use super::bodies::json_argument;
use super::plan::CatalogPlanner;
use super::{export, AsIs, Objects};
use crate::plan::{PlanInput, Planner, WindowLimits};
use crate::snapshot::{self, StoreCheckInput, SuspectRows};
use crate::{ledger, mapping};

/// The store check of a run: the ledger against the stamps of every product the sync owns (ids, `updated_at`,
/// status, handle, sales channels, each variant's price set and live inventory items). Its `summary()` names the
/// suspects to read with their relations; `readSuspects` decides the repairs from their full rows; `planner`
/// hands the products over to the run's plan. Call `free()` when done (`planner` frees it).
///
/// ```js
/// const check = new StoreCheck({ runId, currencyCode, salesChannelId, scope }, ledgerJson, stampsJson);
/// const { suspectProductIds, unlistedProductIds, ledger } = check.summary();
/// for (const ids of chunksOf(suspectProductIds, 1000)) {
///   const { incompleteProductIds, ledger } = check.readSuspects({ productIds: ids, rows: await readFullRows(ids) });
/// }
/// const planner = check.planner(planInput); // a CatalogPlanner; the check is consumed
/// ```
#[wasm_bindgen]
pub struct StoreCheck {
    check: snapshot::StoreCheck,
}

#[wasm_bindgen]
impl StoreCheck {
    /// Checks the ledger (`ledgerJson`: the ledger's rows as a JSON array of `LedgerRow`) against the stamps
    /// (`stampsJson`: a JSON array of `ProductStamp`); `input`'s own `ledger` and `stamps` are ignored. Both come as
    /// JSON text because they have a row per product of the catalog. Throws `INVALID_INPUT` on a wrong shape.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "StoreCheckInput")] input: JsValue,
        ledger_json: JsString,
        stamps_json: JsString,
    ) -> Result<StoreCheck, JsValue> {
        export("new StoreCheck", |call| {
            let mut input: StoreCheckInput = call.input(input)?;
            input.ledger = json_argument(call.function(), "ledgerJson", &ledger_json)?;
            input.stamps = json_argument(call.function(), "stampsJson", &stamps_json)?;
            Ok(AsIs(StoreCheck {
                check: snapshot::StoreCheck::new(input),
            }))
        })
    }

    /// What the check found: the suspects to read with their relations, how many products are recorded, the
    /// products to link to the sales channel, the orphaned inventory items, the ledger rows of products gone.
    #[wasm_bindgen(unchecked_return_type = "StoreCheckSummary")]
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        export("StoreCheck.summary", |_| Ok(Objects(self.check.summary())))
    }

    /// The repairs a window of suspects calls for, from their full rows (`{ productIds, rows }`): never-finished
    /// creates to delete and recreate, ledger rows to write and remove.
    #[wasm_bindgen(js_name = readSuspects, unchecked_return_type = "SuspectRepairs")]
    pub fn read_suspects(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "SuspectRows")] window: JsValue,
    ) -> Result<JsValue, JsValue> {
        export("StoreCheck.readSuspects", |call| {
            let window: SuspectRows = call.input(window)?;
            Ok(Objects(self.check.read_suspects(window)))
        })
    }

    /// The run's planner (windows of 1,000 products), given the owned products as the check left them (recorded,
    /// or with their full content) and their inventory items; consumes the check.
    pub fn planner(
        self,
        #[wasm_bindgen(unchecked_param_type = "PlanInput")] input: JsValue,
    ) -> Result<CatalogPlanner, JsValue> {
        export("StoreCheck.planner", |call| {
            let input: PlanInput = call.input(input)?;
            let input = self.check.plan_input(input);
            Ok(AsIs(CatalogPlanner::of(Planner::new(
                input,
                WindowLimits::HOST,
            ))))
        })
    }
}

/// The `creating` ledger rows to claim before a create batch's workflow runs (all or none), one per product;
/// `[]` for other kinds.
///
/// ```js
/// const claims = ledgerClaims({ batch, runId }); // [{ source: "dummyjson", source_id: "17", state: "creating", ... }]
/// ```
#[wasm_bindgen(js_name = ledgerClaims, unchecked_return_type = "LedgerRow[]")]
pub fn ledger_claims(
    #[wasm_bindgen(unchecked_param_type = "LedgerClaimInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("ledgerClaims", |call| {
        let input: ledger::LedgerClaimInput = call.input(input)?;
        Ok(Objects(ledger::ledger_claims(&input.batch, &input.run_id)))
    })
}

/// The ledger writes recording a batch that landed, from its products as read back: rows rewritten `complete`, or
/// removed for a delete batch.
///
/// ```js
/// const { record, remove } = ledgerWritesAfterBatch({ batch, rows: readBack, runId });
/// ```
#[wasm_bindgen(js_name = ledgerWritesAfterBatch, unchecked_return_type = "LedgerWrites")]
pub fn ledger_writes_after_batch(
    #[wasm_bindgen(unchecked_param_type = "LedgerAfterBatchInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("ledgerWritesAfterBatch", |call| {
        Ok(Objects(snapshot::ledger_writes_after_batch(
            &call.input(input)?,
        )))
    })
}

/// How the sync marks what it owns in the store, for the host's queries: the `external_id` prefix of its products
/// (`dummyjson:`) and the metadata key of the inventory items it creates.
///
/// ```js
/// const { externalIdPrefix, inventoryItemMarker } = syncMarkers(); // "dummyjson:", "catalog_sync_external_id"
/// ```
#[wasm_bindgen(js_name = syncMarkers, unchecked_return_type = "SyncMarkers")]
pub fn sync_markers() -> Result<JsValue, JsValue> {
    export("syncMarkers", |_| Ok(Objects(mapping::sync_markers())))
}
