//! Exports of [`crate::snapshot`], [`crate::ledger`] and of the sync's markers ([`crate::mapping::sync_markers`]):
//! what the store holds of the sync's products, what the ledger records of them, and how the host finds them.

use wasm_bindgen::prelude::*;

use super::{export, Objects};
use crate::{ledger, mapping, snapshot};

/// Reads the snapshot of the products the sync owns from the Query rows and the ledger rows: the owned products
/// (with what each lacks) for `planCatalog`, their inventory items for `planStockLevels`, the repairs to make
/// first (never-finished creates to delete and recreate, products to link to the sales channel, orphaned
/// inventory items to delete) and the ledger writes (adopted products, finished creates, rows of products gone).
///
/// ```js
/// const snapshot = readSnapshot({ rows, ledger, runId, currencyCode: options.currencyCode, salesChannelId, scope });
/// // snapshot.owned => [{ id, externalId, handle, status, fingerprint, imagesFingerprint, variantId, prices, ... }]
/// // snapshot.incompleteProductIds => ["prod_01..."] (never finished: delete them, the plan recreates them)
/// // snapshot.ledger => { record: [LedgerRow], remove: [LedgerKey] }
/// ```
#[wasm_bindgen(js_name = readSnapshot, unchecked_return_type = "StoreSnapshot")]
pub fn read_snapshot(
    #[wasm_bindgen(unchecked_param_type = "SnapshotInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("readSnapshot", |call| {
        Ok(Objects(snapshot::read_snapshot(&call.input(input)?)))
    })
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
