//! Exports of [`crate::stock`]: the stock levels to write after the products, and the inventory items a cut write
//! left without product.

use wasm_bindgen::prelude::*;

use super::{export, Objects};
use crate::stock;

/// Plans the stock levels of a run after its product writes: a create for each item without a level at the
/// location, an update for each level with another quantity, nothing for an equal one; in `stock` batches.
///
/// ```js
/// const stock = planStockLevels({ locationId, batchSize: options.batchSize, targets: plan.stock, items, levels });
/// for (const batch of stock.batches) await writeBatch(container, batch); // batchInventoryItemLevelsWorkflow
/// ```
#[wasm_bindgen(js_name = planStockLevels, unchecked_return_type = "StockPlan")]
pub fn plan_stock_levels(
    #[wasm_bindgen(unchecked_param_type = "StockPlanInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("planStockLevels", |call| {
        Ok(Objects(stock::plan_stock_levels(&call.input(input)?)))
    })
}

/// The inventory items the sync created that no variant uses, to delete (a write cut between a batch's items and
/// its products leaves them, and their SKUs would refuse the next create); `items` are the ones the sync marked,
/// read only when the store check's summary says `lookForOrphanedInventoryItems`.
///
/// ```js
/// const orphans = orphanedInventoryItems(items); // [{ id, metadata, variantIds }] → ["iitem_…"]
/// ```
#[wasm_bindgen(js_name = orphanedInventoryItems, unchecked_return_type = "string[]")]
pub fn orphaned_inventory_items(
    #[wasm_bindgen(unchecked_param_type = "InventoryItemState[]")] items: JsValue,
) -> Result<JsValue, JsValue> {
    export("orphanedInventoryItems", |call| {
        let items: Vec<stock::InventoryItemState> = call.input(items)?;
        Ok(Objects(stock::orphaned_inventory_items(&items)))
    })
}
