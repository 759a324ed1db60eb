//! The store's current values of the owned products, as a preview compares them with the plan: the fields the
//! snapshot does not carry (title, description, category, tags, images) and the stock levels.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::mapping::source_id_of;
use crate::model::SourceId;
use crate::stock::{ExistingLevel, InventoryItemRef};

/// An owned product's current values, read by the host with Query (`product`: `id`, `title`, `description`,
/// `thumbnail`, `images.url`, `categories.handle`, `tags.value`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CurrentProduct {
    /// Medusa product id.
    pub product_id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Handles of its categories.
    pub category_handles: Vec<String>,
    /// Values of its tags.
    pub tag_values: Vec<String>,
    /// Thumbnail URL.
    pub thumbnail: Option<String>,
    /// Image URLs, in order.
    pub image_urls: Vec<String>,
}

/// The stock levels of the owned products at the sync's stock location: the inventory item of each product's
/// variant (the snapshot's) and the levels those items have there.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CurrentStock {
    /// The inventory item of each owned product's variant.
    pub items: Vec<InventoryItemRef>,
    /// The levels of those items at the location.
    pub levels: Vec<ExistingLevel>,
}

impl CurrentStock {
    /// The stocked quantity of each owned product that has a level at the location, by source id.
    pub fn by_source_id(&self) -> HashMap<SourceId, u64> {
        let levels: HashMap<&str, f64> = self
            .levels
            .iter()
            .map(|level| (level.inventory_item_id.as_str(), level.stocked_quantity))
            .collect();
        self.items
            .iter()
            .filter_map(|item| {
                let quantity = levels.get(item.inventory_item_id.as_str())?;
                // Stocked quantities are whole numbers; a negative one reads as none.
                let quantity = if *quantity > 0.0 {
                    quantity.round() as u64
                } else {
                    0
                };
                Some((source_id_of(&item.external_id)?, quantity))
            })
            .collect()
    }
}
