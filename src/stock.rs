//! Stock: the source's `stock` as the stocked quantity of each variant's inventory level at the sync's stock
//! location.
//!
//! Medusa 2.x keeps stock in its Inventory module (a variant that manages inventory has an inventory item; the
//! item has one level per stock location), not on the variant. The sync owns the level of its products' items at
//! one location (the `stockLocationId` option, or the "Catalog sync" location the host creates once).
//!
//! The stock plan is made after the product writes, when every created variant has its inventory item:
//! [`plan_stock_levels`] compares the source stock of every valid product of the run ([`StockTarget`], from the
//! product plan) with the level the store has at the location and plans a create for a missing level and an
//! update for a different quantity — nothing for an equal one, so a resync writes no level and a stock change
//! moves exactly that product's level. Products of the run without an inventory item are reported (it is what
//! an interrupted write leaves behind; the next run repairs the product).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::batching::{chunks, StockAction, StockLevelWrite, WriteBatch};
use crate::mapping::{source_id_of, INVENTORY_ITEM_MARKER};
use crate::model::{RunError, RunErrorCode, SourceId};

/// The stock the source has for one valid product of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StockTarget {
    /// Source id of the product.
    #[ts(type = "number")]
    pub source_id: SourceId,
    /// Units in stock upstream.
    #[ts(type = "number")]
    pub stock: u64,
}

/// The inventory item of a synced product's variant, as the host reads it from the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InventoryItemRef {
    /// The product's `external_id` (`dummyjson:<source id>`; others are ignored).
    pub external_id: String,
    /// Id of the variant's inventory item.
    pub inventory_item_id: String,
}

/// An inventory level that exists at the sync's location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExistingLevel {
    /// Id of the level's inventory item.
    pub inventory_item_id: String,
    /// Its stocked quantity.
    pub stocked_quantity: f64,
}

/// Input of [`plan_stock_levels`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StockPlanInput {
    /// The sync's stock location.
    pub location_id: String,
    /// Levels per batch (the `batchSize` option).
    pub batch_size: u32,
    /// The source stock of every valid product of the run (`SyncPlan.stock`).
    pub targets: Vec<StockTarget>,
    /// Products whose write Medusa refused in this run (already reported): their stock is left alone.
    #[serde(default)]
    #[ts(as = "Option<Vec<u32>>", optional)]
    pub refused_source_ids: Vec<SourceId>,
    /// The inventory item of each synced product's variant (products without one are absent).
    pub items: Vec<InventoryItemRef>,
    /// The levels at the location of (at least) those items.
    pub levels: Vec<ExistingLevel>,
}

/// What to write, and what is already right.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StockPlan {
    /// Stock batches (kind `stock`), indexed from 0, by source id.
    pub batches: Vec<WriteBatch>,
    /// Levels already equal to the source stock.
    pub unchanged: usize,
    /// One error per product whose variant has no inventory item.
    pub errors: Vec<RunError>,
}

/// Plans the stock levels of a run. Deterministic: by source id. Products refused in this run are skipped.
///
/// ```
/// use catalog_sync::batching::{StockAction, WriteBatch};
/// use catalog_sync::stock::*;
/// let plan = plan_stock_levels(&StockPlanInput {
///     location_id: "sloc_1".into(),
///     batch_size: 50,
///     targets: vec![StockTarget { source_id: 1, stock: 5 }, StockTarget { source_id: 2, stock: 7 }],
///     refused_source_ids: vec![],
///     items: vec![
///         InventoryItemRef { external_id: "dummyjson:1".into(), inventory_item_id: "iitem_1".into() },
///         InventoryItemRef { external_id: "dummyjson:2".into(), inventory_item_id: "iitem_2".into() },
///     ],
///     levels: vec![ExistingLevel { inventory_item_id: "iitem_1".into(), stocked_quantity: 5.0 }],
/// });
/// assert_eq!(plan.unchanged, 1);
/// let WriteBatch::Stock { levels, .. } = &plan.batches[0] else { panic!() };
/// assert_eq!((levels[0].source_id, levels[0].action, levels[0].stocked_quantity), (2, StockAction::Create, 7));
/// ```
pub fn plan_stock_levels(input: &StockPlanInput) -> StockPlan {
    let items: HashMap<SourceId, &str> = input
        .items
        .iter()
        .filter_map(|item| {
            Some((
                source_id_of(&item.external_id)?,
                item.inventory_item_id.as_str(),
            ))
        })
        .collect();
    let refused: HashSet<SourceId> = input.refused_source_ids.iter().copied().collect();
    let levels: HashMap<&str, f64> = input
        .levels
        .iter()
        .map(|level| (level.inventory_item_id.as_str(), level.stocked_quantity))
        .collect();
    let mut targets: Vec<StockTarget> = input
        .targets
        .iter()
        .filter(|target| !refused.contains(&target.source_id))
        .copied()
        .collect();
    targets.sort_unstable_by_key(|target| target.source_id);
    targets.dedup_by_key(|target| target.source_id);
    let mut writes = Vec::new();
    let mut unchanged = 0;
    let mut errors = Vec::new();
    for target in targets {
        let id = target.source_id;
        let Some(&item) = items.get(&id) else {
            errors.push(RunError::new(
                Some(id),
                None,
                RunErrorCode::MissingInventoryItem,
                format!("product {id}: its variant has no inventory item, so its stock ({}) was not set; the next sync recreates it", target.stock),
            ));
            continue;
        };
        let action = match levels.get(item) {
            None => StockAction::Create,
            // Quantities are whole units; the store may hand them over as decimals.
            Some(&quantity) if quantity == target.stock as f64 => {
                unchanged += 1;
                continue;
            }
            Some(_) => StockAction::Update,
        };
        writes.push(StockLevelWrite {
            source_id: id,
            action,
            inventory_item_id: item.to_string(),
            location_id: input.location_id.clone(),
            stocked_quantity: target.stock,
        });
    }
    let size = usize::try_from(input.batch_size.max(1)).unwrap_or(usize::MAX);
    let batches = chunks(writes, size)
        .into_iter()
        .enumerate()
        .map(|(index, levels)| WriteBatch::Stock { index, levels })
        .collect();
    StockPlan {
        batches,
        unchanged,
        errors,
    }
}

/// An inventory item as the host reads it when it looks for items an interrupted write left behind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InventoryItemState {
    /// Inventory item id.
    pub id: String,
    /// Its metadata.
    #[ts(type = "Record<string, unknown> | null")]
    pub metadata: Option<serde_json::Value>,
    /// Ids of the variants linked to it.
    pub variant_ids: Vec<String>,
}

/// The inventory items to delete after an interrupted run: items the sync created (marked with
/// `metadata.catalog_sync_external_id = "dummyjson:<id>"`) that no variant uses. A sync killed between creating a
/// batch's inventory items and its products leaves such items; their SKUs would block the products' creation in
/// the next run (Medusa keeps inventory SKUs unique). Items of anyone else are never chosen.
///
/// ```
/// use catalog_sync::stock::{orphaned_inventory_items, InventoryItemState};
/// use serde_json::json;
/// let items = [
///     InventoryItemState { id: "iitem_1".into(), metadata: Some(json!({ "catalog_sync_external_id": "dummyjson:3" })), variant_ids: vec![] },
///     InventoryItemState { id: "iitem_2".into(), metadata: Some(json!({ "catalog_sync_external_id": "dummyjson:4" })), variant_ids: vec!["variant_1".into()] },
///     InventoryItemState { id: "iitem_3".into(), metadata: None, variant_ids: vec![] },
/// ];
/// assert_eq!(orphaned_inventory_items(&items), vec!["iitem_1".to_string()]);
/// ```
pub fn orphaned_inventory_items(items: &[InventoryItemState]) -> Vec<String> {
    let mut orphans: Vec<String> = items
        .iter()
        .filter(|item| item.variant_ids.is_empty())
        .filter(|item| {
            item.metadata
                .as_ref()
                .and_then(|metadata| metadata.get(INVENTORY_ITEM_MARKER))
                .and_then(serde_json::Value::as_str)
                .and_then(source_id_of)
                .is_some()
        })
        .map(|item| item.id.clone())
        .collect();
    orphans.sort();
    orphans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(targets: &[(SourceId, u64)], levels: &[(&str, f64)]) -> StockPlanInput {
        StockPlanInput {
            location_id: "sloc_1".to_string(),
            batch_size: 2,
            targets: targets
                .iter()
                .map(|&(source_id, stock)| StockTarget { source_id, stock })
                .collect(),
            refused_source_ids: Vec::new(),
            items: targets
                .iter()
                .filter(|(id, _)| *id != 99)
                .map(|&(source_id, _)| InventoryItemRef {
                    external_id: format!("dummyjson:{source_id}"),
                    inventory_item_id: format!("iitem_{source_id}"),
                })
                .collect(),
            levels: levels
                .iter()
                .map(|&(item, stocked_quantity)| ExistingLevel {
                    inventory_item_id: item.to_string(),
                    stocked_quantity,
                })
                .collect(),
        }
    }

    fn writes(plan: &StockPlan) -> Vec<(SourceId, StockAction, u64, usize)> {
        plan.batches
            .iter()
            .flat_map(|batch| match batch {
                WriteBatch::Stock { index, levels } => levels
                    .iter()
                    .map(|l| (l.source_id, l.action, l.stocked_quantity, *index))
                    .collect::<Vec<_>>(),
                other => panic!("not a stock batch: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn missing_and_different_levels_are_written_equal_ones_are_not() {
        let plan = plan_stock_levels(&input(
            &[(3, 0), (1, 10), (2, 4), (4, 8)],
            &[
                ("iitem_1", 10.0),
                ("iitem_2", 5.0),
                ("iitem_4", 8.0),
                ("iitem_7", 1.0),
            ],
        ));
        assert_eq!(plan.unchanged, 2);
        assert_eq!(
            writes(&plan),
            vec![
                (2, StockAction::Update, 4, 0),
                (3, StockAction::Create, 0, 0)
            ]
        );
        assert!(plan.errors.is_empty());
    }

    #[test]
    fn applying_the_plan_and_planning_again_writes_nothing() {
        let first = input(&[(1, 3), (2, 0), (5, 100)], &[("iitem_2", 9.0)]);
        let plan = plan_stock_levels(&first);
        let levels = writes(&plan)
            .into_iter()
            .map(|(id, _, quantity, _)| (format!("iitem_{id}"), quantity as f64))
            .collect::<Vec<_>>();
        let again = StockPlanInput {
            levels: levels
                .iter()
                .map(|(item, quantity)| ExistingLevel {
                    inventory_item_id: item.clone(),
                    stocked_quantity: *quantity,
                })
                .collect(),
            ..first
        };
        let second = plan_stock_levels(&again);
        assert!(second.batches.is_empty(), "{second:?}");
        assert_eq!(second.unchanged, 3);
    }

    #[test]
    fn refused_products_and_foreign_items_are_left_alone() {
        let mut input = input(&[(1, 1), (2, 2)], &[]);
        input.refused_source_ids = vec![2];
        input.items.push(InventoryItemRef {
            external_id: "shopify:1".to_string(),
            inventory_item_id: "iitem_other".to_string(),
        });
        let plan = plan_stock_levels(&input);
        assert_eq!(writes(&plan), vec![(1, StockAction::Create, 1, 0)]);
        assert!(plan.errors.is_empty());
    }

    #[test]
    fn batches_hold_batch_size_levels_and_a_product_without_item_is_reported() {
        let plan = plan_stock_levels(&input(&[(1, 1), (2, 2), (3, 3), (99, 4)], &[]));
        let batches: Vec<usize> = writes(&plan).iter().map(|w| w.3).collect();
        assert_eq!(batches, vec![0, 0, 1]);
        assert_eq!(plan.errors.len(), 1);
        assert_eq!(plan.errors[0].source_id, Some(99));
        assert!(plan.errors[0].has_code(RunErrorCode::MissingInventoryItem));
    }
}
