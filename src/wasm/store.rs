//! Exports of [`crate::store`]: the store setup before a run.

use wasm_bindgen::prelude::*;

use super::{export, Objects};
use crate::store;

/// Plans the store setup before the writes: the currency to add, the sales channel, the stock location to use
/// or create, and whether to link it to the sales channel. Throws `STORE_NOT_READY`, `UNKNOWN_SALES_CHANNEL` or
/// `UNKNOWN_STOCK_LOCATION` (naming the option) when the store cannot be synced into.
///
/// ```js
/// const setup = planStoreSetup({ options, store, salesChannels, stockLocations });
/// // setup.stockLocation => { action: "create", name: "Catalog sync" }, setup.linkStockLocation => true
/// ```
#[wasm_bindgen(js_name = planStoreSetup, unchecked_return_type = "StoreSetup")]
pub fn plan_store_setup(
    #[wasm_bindgen(unchecked_param_type = "StoreSetupInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("planStoreSetup", |call| {
        Ok(Objects(store::plan_store_setup(&call.input(input)?)?))
    })
}
