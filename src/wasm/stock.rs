//! Exports of [`crate::stock`]: the stock levels to write after the products.

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
