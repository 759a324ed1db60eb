//! The owned products a preview plans with: every product the sync owns, from its full row and its ledger row, as
//! a run's planner reads them (the run reads the full rows of changed products only; a preview reads them all,
//! since it compares every field).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ledger::LedgerRow;
use crate::mapping::source_id_of;
use crate::model::{OwnedProduct, SourceId};
use crate::rows::{owned_product, variant_facts, StoreProductRow};
use crate::stock::InventoryItemRef;

/// Input of [`preview_owned_products`]: the full rows of the owned products and the ledger's rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OwnedRowsInput {
    /// The full rows of every product the sync owns.
    pub rows: Vec<StoreProductRow>,
    /// The ledger's rows.
    pub ledger: Vec<LedgerRow>,
}

/// The owned products and the live inventory item of each one's variant (for its current stock level).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewOwned {
    /// The owned products (`PlanInput.owned`).
    pub owned: Vec<OwnedProduct>,
    /// The inventory item of each owned product's variant.
    pub inventory_items: Vec<InventoryItemRef>,
}

/// The owned products a preview plans with, each with the variant the ledger records as the sync's (see
/// [`crate::rows::variant_facts`]), and their inventory items. Nothing is repaired: a preview writes nothing.
pub fn preview_owned_products(input: &OwnedRowsInput) -> PreviewOwned {
    let recorded: HashMap<SourceId, Option<&str>> = input
        .ledger
        .iter()
        .filter_map(|row| Some((row.key().dummyjson_id()?, row.variant_id.as_deref())))
        .collect();
    let mut preview = PreviewOwned {
        owned: Vec::with_capacity(input.rows.len()),
        inventory_items: Vec::with_capacity(input.rows.len()),
    };
    for row in &input.rows {
        let variant = source_id_of(&row.external_id)
            .and_then(|id| recorded.get(&id).copied())
            .flatten();
        let facts = variant_facts(row, variant);
        if let Some(item) = &facts.inventory_item_id {
            preview.inventory_items.push(InventoryItemRef {
                external_id: row.external_id.clone(),
                inventory_item_id: item.clone(),
            });
        }
        preview.owned.push(owned_product(row, facts));
    }
    preview
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_row_becomes_an_owned_product_with_its_inventory_item() {
        let row: StoreProductRow = serde_json::from_value(json!({
            "id": "prod_1", "external_id": "dummyjson:1", "handle": "lamp", "status": "published",
            "metadata": { "catalog_sync_fingerprint": "f" },
            "variants": [{ "id": "variant_1", "sku": "L-1", "manage_inventory": true,
                "price_set": { "id": "pset_1" },
                "prices": [{ "id": "price_1", "currency_code": "usd", "amount": 9.5 }],
                "inventory_items": [{ "inventory_item_id": "iitem_1", "inventory": { "id": "iitem_1" } }] }]
        }))
        .unwrap();
        let preview = preview_owned_products(&OwnedRowsInput {
            rows: vec![row],
            ledger: Vec::new(),
        });
        assert_eq!(preview.owned.len(), 1);
        assert_eq!(preview.owned[0].variant_id.as_deref(), Some("variant_1"));
        assert_eq!(preview.owned[0].fingerprint.as_deref(), Some("f"));
        assert_eq!(
            preview.inventory_items,
            vec![InventoryItemRef {
                external_id: "dummyjson:1".into(),
                inventory_item_id: "iitem_1".into()
            }]
        );
    }
}
