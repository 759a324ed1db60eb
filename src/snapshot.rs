//! The store snapshot: the products the sync owns, read from Medusa, turned into what the plan needs, and the
//! repairs an interrupted run calls for.
//!
//! The host reads the owned products with Query (rows with Medusa's keys, [`StoreProductRow`]) and hands them
//! over as they are; [`read_snapshot`] decides everything about them:
//!
//! * each row becomes an [`OwnedProduct`]: fingerprints from `metadata`, the (single) variant, its price in the
//!   sync's currency, its images; plus the variant's inventory item for the stock plan;
//! * **incomplete products** are repaired by recreating them: Medusa's `createProductsWorkflow` stores a
//!   product, its sales-channel link, its variant, the variant's inventory item and price in separate
//!   transactions, and a process killed in between (kill -9) compensates nothing. A product without a variant,
//!   without a price in the currency, or whose inventory-managed variant has no inventory item is deleted
//!   (`deleteProductsWorkflow`) and left out of the snapshot, so the plan creates it whole again;
//! * a product in no sales channel is linked to the sync's channel;
//! * a targeted (webhook) run repairs only the products it names: deleting another one would remove it from the
//!   store until the next full sync, since the targeted plan does not create it again (it stays in the
//!   snapshot as it is);
//! * after an interrupted run, the host also passes the inventory items the sync marked as its own: those that no
//!   variant uses ([`crate::stock::orphaned_inventory_items`]) are deleted, or their SKUs would block the products'
//!   creation.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::mapping::source_id_of;
use crate::model::{OwnedImage, OwnedProduct, SyncScope};
use crate::stock::{orphaned_inventory_items, InventoryItemRef, InventoryItemState};

/// Metadata key of the content fingerprint.
pub const FINGERPRINT_KEY: &str = "catalog_sync_fingerprint";
/// Metadata key of the images fingerprint.
pub const IMAGES_FINGERPRINT_KEY: &str = "catalog_sync_images_fingerprint";

/// `{ id }` of a linked record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IdRow {
    /// The record's id.
    pub id: String,
}

/// A price of a variant: `{ id, currency_code }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PriceRow {
    /// Price id.
    pub id: String,
    /// Lowercase currency code.
    pub currency_code: String,
}

/// The link of a variant to an inventory item: `{ inventory_item_id }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InventoryLinkRow {
    /// Inventory item id.
    pub inventory_item_id: String,
}

/// A variant as the snapshot query reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StoreVariantRow {
    /// Variant id.
    pub id: String,
    /// Whether the variant manages inventory.
    #[serde(default)]
    pub manage_inventory: bool,
    /// Its prices.
    #[serde(default)]
    #[ts(type = "PriceRow[] | null")]
    pub prices: Option<Vec<PriceRow>>,
    /// Its inventory item links.
    #[serde(default)]
    #[ts(type = "InventoryLinkRow[] | null")]
    pub inventory_items: Option<Vec<InventoryLinkRow>>,
}

/// A product the sync owns as the snapshot query reads it (Query `product`, Medusa's keys).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StoreProductRow {
    /// Product id.
    pub id: String,
    /// `dummyjson:<source id>`.
    pub external_id: String,
    /// Handle.
    pub handle: String,
    /// Status.
    pub status: String,
    /// Metadata (holds the fingerprints).
    #[serde(default)]
    #[ts(type = "Record<string, unknown> | null")]
    pub metadata: Option<Value>,
    /// Images.
    #[serde(default)]
    #[ts(type = "OwnedImage[] | null")]
    pub images: Option<Vec<OwnedImage>>,
    /// Sales channels.
    #[serde(default)]
    #[ts(type = "IdRow[] | null")]
    pub sales_channels: Option<Vec<IdRow>>,
    /// Variants.
    #[serde(default)]
    #[ts(type = "StoreVariantRow[] | null")]
    pub variants: Option<Vec<StoreVariantRow>>,
}

/// Input of [`read_snapshot`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SnapshotInput {
    /// The owned products (`external_id` `dummyjson:*`).
    pub rows: Vec<StoreProductRow>,
    /// The sync's currency.
    pub currency_code: String,
    /// The sync's sales channel (`null`: none to link to).
    pub sales_channel_id: Option<String>,
    /// Full or targeted: a targeted run repairs only its products.
    pub scope: SyncScope,
    /// After an interrupted run: the inventory items the sync marked as its own, with their variants.
    #[serde(default)]
    #[ts(as = "Option<Vec<InventoryItemState>>", optional)]
    pub inventory_items: Vec<InventoryItemState>,
}

/// The snapshot the plan is made from, and the repairs to make first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StoreSnapshot {
    /// The intact owned products (`PlanInput.owned`).
    pub owned: Vec<OwnedProduct>,
    /// The inventory item of each intact owned product's variant (for the stock plan).
    pub inventory_items: Vec<InventoryItemRef>,
    /// Products to delete (`deleteProductsWorkflow`) so that the plan creates them whole again.
    pub incomplete_product_ids: Vec<String>,
    /// Intact products in no sales channel, to link to the sync's channel.
    pub unlisted_product_ids: Vec<String>,
    /// Inventory items of the sync's that no variant uses, to delete.
    pub orphaned_inventory_item_ids: Vec<String>,
}

/// Reads the snapshot; see the module documentation. Rows come out in the order they came in.
pub fn read_snapshot(input: &SnapshotInput) -> StoreSnapshot {
    let mut snapshot = StoreSnapshot {
        owned: Vec::with_capacity(input.rows.len()),
        inventory_items: Vec::with_capacity(input.rows.len()),
        incomplete_product_ids: Vec::new(),
        unlisted_product_ids: Vec::new(),
        orphaned_inventory_item_ids: orphaned_inventory_items(&input.inventory_items),
    };
    let in_scope = |row: &StoreProductRow| match &input.scope {
        SyncScope::Full => true,
        SyncScope::Targeted { product_ids } => {
            source_id_of(&row.external_id).is_some_and(|id| product_ids.contains(&id))
        }
    };
    for row in &input.rows {
        let repairable = in_scope(row);
        let variants = row.variants.as_deref().unwrap_or_default();
        let variant = variants.first();
        let price = variant.and_then(|variant| {
            variant
                .prices
                .iter()
                .flatten()
                .find(|price| price.currency_code == input.currency_code)
        });
        let item_missing = variants.iter().any(|variant| {
            variant.manage_inventory
                && variant
                    .inventory_items
                    .as_deref()
                    .unwrap_or_default()
                    .is_empty()
        });
        if repairable && (variant.is_none() || price.is_none() || item_missing) {
            snapshot.incomplete_product_ids.push(row.id.clone());
            continue;
        }
        if repairable
            && input.sales_channel_id.is_some()
            && row.sales_channels.as_deref().unwrap_or_default().is_empty()
        {
            snapshot.unlisted_product_ids.push(row.id.clone());
        }
        if let Some(link) = variant
            .and_then(|variant| variant.inventory_items.as_deref())
            .and_then(<[InventoryLinkRow]>::first)
        {
            snapshot.inventory_items.push(InventoryItemRef {
                external_id: row.external_id.clone(),
                inventory_item_id: link.inventory_item_id.clone(),
            });
        }
        let text = |key: &str| {
            row.metadata
                .as_ref()
                .and_then(|metadata| metadata.get(key))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        snapshot.owned.push(OwnedProduct {
            id: row.id.clone(),
            external_id: row.external_id.clone(),
            handle: row.handle.clone(),
            status: row.status.clone(),
            fingerprint: text(FINGERPRINT_KEY),
            images_fingerprint: text(IMAGES_FINGERPRINT_KEY),
            variant_id: variant.map(|variant| variant.id.clone()),
            price_id: price.map(|price| price.id.clone()),
            images: row.images.clone().unwrap_or_default(),
        });
    }
    snapshot
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(id: &str, variant: Value, sales_channels: Value) -> StoreProductRow {
        serde_json::from_value(json!({
            "id": id, "external_id": format!("dummyjson:{}", &id[5..]), "handle": id, "status": "published",
            "metadata": { "catalog_sync_fingerprint": "f", "catalog_sync_images_fingerprint": "i", "brand": 3 },
            "images": [{ "id": "img_1", "url": "https://x/1.png" }],
            "sales_channels": sales_channels,
            "variants": if variant.is_null() { json!([]) } else { json!([variant]) },
        }))
        .expect("row")
    }

    fn variant(prices: Value, items: Value) -> Value {
        json!({ "id": "variant_1", "manage_inventory": true, "prices": prices, "inventory_items": items })
    }

    fn input(rows: Vec<StoreProductRow>) -> SnapshotInput {
        SnapshotInput {
            rows,
            currency_code: "usd".to_string(),
            sales_channel_id: Some("sc_1".to_string()),
            scope: SyncScope::Full,
            inventory_items: Vec::new(),
        }
    }

    #[test]
    fn an_intact_row_becomes_an_owned_product_with_its_inventory_item() {
        let usd = json!([{ "id": "price_eur", "currency_code": "eur" }, { "id": "price_usd", "currency_code": "usd" }]);
        let items = json!([{ "inventory_item_id": "iitem_1" }]);
        let snapshot = read_snapshot(&input(vec![row(
            "prod_1",
            variant(usd, items),
            json!([{ "id": "sc_1" }]),
        )]));
        assert_eq!(
            snapshot.owned,
            vec![OwnedProduct {
                id: "prod_1".into(),
                external_id: "dummyjson:1".into(),
                handle: "prod_1".into(),
                status: "published".into(),
                fingerprint: Some("f".into()),
                images_fingerprint: Some("i".into()),
                variant_id: Some("variant_1".into()),
                price_id: Some("price_usd".into()),
                images: vec![OwnedImage {
                    id: "img_1".into(),
                    url: "https://x/1.png".into()
                }],
            }]
        );
        assert_eq!(
            snapshot.inventory_items,
            vec![InventoryItemRef {
                external_id: "dummyjson:1".into(),
                inventory_item_id: "iitem_1".into()
            }]
        );
        assert!(
            snapshot.incomplete_product_ids.is_empty() && snapshot.unlisted_product_ids.is_empty()
        );
    }

    #[test]
    fn incomplete_products_are_recreated_and_unlisted_ones_linked() {
        let usd = || json!([{ "id": "price_1", "currency_code": "usd" }]);
        let item = || json!([{ "inventory_item_id": "iitem_1" }]);
        let rows = vec![
            row("prod_1", Value::Null, json!([{ "id": "sc_1" }])),
            row(
                "prod_2",
                variant(json!([{ "id": "p", "currency_code": "eur" }]), item()),
                json!([]),
            ),
            row("prod_3", variant(usd(), json!([])), json!([])),
            row("prod_4", variant(usd(), json!(null)), json!(null)),
            row("prod_5", variant(usd(), item()), json!(null)),
            row("prod_6", variant(usd(), item()), json!([{ "id": "sc_2" }])),
        ];
        let snapshot = read_snapshot(&input(rows.clone()));
        assert_eq!(
            snapshot.incomplete_product_ids,
            ["prod_1", "prod_2", "prod_3", "prod_4"]
        );
        assert_eq!(snapshot.unlisted_product_ids, ["prod_5"]);
        let owned: Vec<&str> = snapshot.owned.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(owned, ["prod_5", "prod_6"]);
        let without_channel = read_snapshot(&SnapshotInput {
            sales_channel_id: None,
            ..input(rows)
        });
        assert!(without_channel.unlisted_product_ids.is_empty());
    }

    #[test]
    fn a_targeted_run_repairs_only_its_products() {
        let rows = vec![
            row("prod_1", Value::Null, json!([{ "id": "sc_1" }])),
            row("prod_2", Value::Null, json!([])),
            row(
                "prod_3",
                variant(
                    json!([{ "id": "p", "currency_code": "usd" }]),
                    json!([{ "inventory_item_id": "i" }]),
                ),
                json!([]),
            ),
            row(
                "prod_4",
                variant(
                    json!([{ "id": "p", "currency_code": "usd" }]),
                    json!([{ "inventory_item_id": "i" }]),
                ),
                json!([]),
            ),
        ];
        let snapshot = read_snapshot(&SnapshotInput {
            scope: SyncScope::Targeted {
                product_ids: vec![2, 3],
            },
            ..input(rows)
        });
        assert_eq!(snapshot.incomplete_product_ids, ["prod_2"]);
        assert_eq!(snapshot.unlisted_product_ids, ["prod_3"]);
        let owned: Vec<&str> = snapshot.owned.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            owned,
            ["prod_1", "prod_3", "prod_4"],
            "a product out of scope stays as it is"
        );
    }

    #[test]
    fn a_variant_that_does_not_manage_inventory_needs_no_item() {
        let mut plain = variant(
            json!([{ "id": "price_1", "currency_code": "usd" }]),
            json!([]),
        );
        plain["manage_inventory"] = json!(false);
        let snapshot = read_snapshot(&input(vec![row(
            "prod_1",
            plain,
            json!([{ "id": "sc_1" }]),
        )]));
        assert_eq!(snapshot.owned.len(), 1);
        assert!(snapshot.inventory_items.is_empty());
    }

    #[test]
    fn orphaned_items_of_the_sync_are_listed_for_deletion() {
        let snapshot = read_snapshot(&SnapshotInput {
            inventory_items: vec![
                InventoryItemState {
                    id: "iitem_b".into(),
                    metadata: Some(json!({ "catalog_sync_external_id": "dummyjson:7" })),
                    variant_ids: vec![],
                },
                InventoryItemState {
                    id: "iitem_a".into(),
                    metadata: Some(json!({ "catalog_sync_external_id": "shop:7" })),
                    variant_ids: vec![],
                },
            ],
            ..input(Vec::new())
        });
        assert_eq!(snapshot.orphaned_inventory_item_ids, ["iitem_b"]);
    }
}
