//! Exports of [`crate::snapshot`] and of the sync's markers ([`crate::mapping::sync_markers`]): what the store
//! holds of the sync's products, and how the host finds them.

use wasm_bindgen::prelude::*;

use super::{export, Objects};
use crate::{mapping, snapshot};

/// Reads the snapshot of the products the sync owns from the Query rows: the owned products for `planCatalog`,
/// their inventory items for `planStockLevels`, and the repairs to make first (incomplete products to recreate,
/// unlisted products to link to the sales channel, orphaned inventory items to delete).
///
/// ```js
/// const snapshot = readSnapshot({ rows, currencyCode: options.currencyCode, salesChannelId, scope });
/// // snapshot.owned => [{ id, externalId, handle, status, fingerprint, imagesFingerprint, variantId, priceId, images }]
/// // snapshot.incompleteProductIds => ["prod_01..."] (delete them: the plan recreates them)
/// ```
#[wasm_bindgen(js_name = readSnapshot, unchecked_return_type = "StoreSnapshot")]
pub fn read_snapshot(
    #[wasm_bindgen(unchecked_param_type = "SnapshotInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("readSnapshot", |call| {
        Ok(Objects(snapshot::read_snapshot(&call.input(input)?)))
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
