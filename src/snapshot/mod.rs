//! The store snapshot: the products the sync owns, read from Medusa, turned into what the plan needs; the
//! repairs an interrupted run calls for; and the ledger rows to write with them (see [`crate::ledger`]).
//!
//! The host reads the owned products with Query (rows with Medusa's keys, [`StoreProductRow`]) and the ledger
//! rows, and hands both over as they are; [`read_snapshot`] decides everything about them:
//!
//! * each row becomes an [`OwnedProduct`]: fingerprints from `metadata`, the sync's variant (see
//!   [`rows::variant_facts`]) with every price it has outside price lists, the product's other variants, its
//!   images, and what it lacks (a variant, a price set, an inventory item), which the plan completes;
//! * **only a product the ledger still has as `creating` may be deleted and created again**, and only when it
//!   is incomplete: Medusa's `createProductsWorkflow` stores a product, its sales-channel link, its variant, the
//!   variant's inventory item and price in separate transactions, and a process killed in between (kill -9)
//!   compensates nothing. It is deleted (`deleteProductsWorkflow`), its row removed, and it is left out of the
//!   snapshot, so the plan creates it whole again. A `creating` product found complete is marked `complete`.
//!   Every other product — once complete, or synced before the ledger existed — keeps its id whatever it lacks;
//! * a product not in the sync's sales channel is linked to it (its other channels stay);
//! * owned products without a ledger row (a store synced before the ledger existed) are adopted: rows written
//!   `complete` from the store, nothing else written; a row whose product is gone (deleted in the admin, or a
//!   create that never reached Medusa) is removed, so the plan creates the product again;
//! * a targeted (webhook) run repairs and records only the products it names: deleting another one would remove
//!   it from the store until the next full sync, since the targeted plan does not create it again (it stays in
//!   the snapshot as it is);
//! * after an interrupted run, the host also passes the inventory items the sync marked as its own: those that no
//!   variant uses ([`crate::stock::orphaned_inventory_items`]) are deleted, or their SKUs would block the products'
//!   creation.

pub mod rows;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::batching::WriteBatch;
use crate::ledger::{LedgerKey, LedgerRow, LedgerState, LedgerWrites};
use crate::mapping::source_id_of;
use crate::model::{OwnedProduct, SourceId, SyncScope};
use crate::stock::{orphaned_inventory_items, InventoryItemRef, InventoryItemState};

use rows::{ledger_row_of, variant_facts};
pub use rows::{
    IdRow, InventoryLinkRow, PriceRow, StoreProductRow, StoreVariantRow, FINGERPRINT_KEY,
    IMAGES_FINGERPRINT_KEY,
};

/// Input of [`read_snapshot`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SnapshotInput {
    /// The owned products (`external_id` `dummyjson:*`).
    pub rows: Vec<StoreProductRow>,
    /// The ledger's rows (every source product the sync recorded).
    #[serde(default)]
    #[ts(as = "Option<Vec<LedgerRow>>", optional)]
    pub ledger: Vec<LedgerRow>,
    /// The run reading the snapshot (the rows it records carry it).
    #[serde(default)]
    #[ts(optional)]
    pub run_id: Option<String>,
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
    /// The owned products (`PlanInput.owned`), with what each lacks.
    pub owned: Vec<OwnedProduct>,
    /// The live inventory item of each owned product's variant (for the stock plan).
    pub inventory_items: Vec<InventoryItemRef>,
    /// Products the sync started to create and never finished, incomplete: delete them
    /// (`deleteProductsWorkflow`) so that the plan creates them whole again.
    pub incomplete_product_ids: Vec<String>,
    /// Products not in the sync's sales channel, to link to it (their other channels stay).
    pub unlisted_product_ids: Vec<String>,
    /// Inventory items of the sync's that no variant uses, to delete.
    pub orphaned_inventory_item_ids: Vec<String>,
    /// Ledger rows to write (adopted products, finished creates) and to remove (products gone, or deleted to be
    /// created again), before the plan's writes.
    pub ledger: LedgerWrites,
}

/// Reads the snapshot; see the module documentation. Rows come out in the order they came in.
pub fn read_snapshot(input: &SnapshotInput) -> StoreSnapshot {
    let run_id = input.run_id.as_deref().unwrap_or_default();
    let mut snapshot = StoreSnapshot {
        owned: Vec::with_capacity(input.rows.len()),
        inventory_items: Vec::with_capacity(input.rows.len()),
        incomplete_product_ids: Vec::new(),
        unlisted_product_ids: Vec::new(),
        orphaned_inventory_item_ids: orphaned_inventory_items(&input.inventory_items),
        ledger: LedgerWrites::default(),
    };
    let in_scope = |source_id: SourceId| match &input.scope {
        SyncScope::Full => true,
        SyncScope::Targeted { product_ids } => product_ids.contains(&source_id),
    };
    let ledger: HashMap<SourceId, &LedgerRow> = input
        .ledger
        .iter()
        .filter_map(|row| Some((row.key().dummyjson_id()?, row)))
        .collect();
    // The product the plan keeps for each source id (the plan deletes the others, see `crate::plan`).
    let mut kept: BTreeMap<SourceId, &str> = BTreeMap::new();
    for row in &input.rows {
        if let Some(source_id) = source_id_of(&row.external_id) {
            let id = kept.entry(source_id).or_insert(row.id.as_str());
            if row.id.as_str() < *id {
                *id = row.id.as_str();
            }
        }
    }
    for row in &input.rows {
        let source_id = source_id_of(&row.external_id);
        let recorded = source_id.and_then(|id| ledger.get(&id).copied());
        let facts = variant_facts(row, recorded);
        let canonical = source_id.is_some_and(|id| kept.get(&id) == Some(&row.id.as_str()));
        let repairable = canonical && source_id.is_some_and(in_scope);
        if repairable {
            let creating = recorded.is_some_and(|ledger| ledger.state == LedgerState::Creating);
            if creating && !facts.complete(&input.currency_code) {
                snapshot.incomplete_product_ids.push(row.id.clone());
                snapshot.ledger.remove.extend(recorded.map(LedgerRow::key));
                continue;
            }
            let stale = match recorded {
                None => true,
                Some(ledger) => creating || ledger.product_id.as_deref() != Some(row.id.as_str()),
            };
            if stale {
                snapshot
                    .ledger
                    .record
                    .extend(ledger_row_of(row, &facts, run_id));
            }
            if let Some(channel) = &input.sales_channel_id {
                if !row.in_channel(channel) {
                    snapshot.unlisted_product_ids.push(row.id.clone());
                }
            }
        }
        if let Some(item) = &facts.inventory_item_id {
            snapshot.inventory_items.push(InventoryItemRef {
                external_id: row.external_id.clone(),
                inventory_item_id: item.clone(),
            });
        }
        snapshot.owned.push(OwnedProduct {
            id: row.id.clone(),
            external_id: row.external_id.clone(),
            handle: row.handle.clone(),
            status: row.status.clone(),
            fingerprint: row.metadata_text(FINGERPRINT_KEY),
            images_fingerprint: row.metadata_text(IMAGES_FINGERPRINT_KEY),
            variant_id: facts.variant.map(|variant| variant.id.clone()),
            other_variant_ids: facts.other_variant_ids,
            price_set_linked: facts.price_set_linked,
            prices: facts.prices,
            missing_inventory_item: facts.inventory_gap,
            images: row.images.clone().unwrap_or_default(),
        });
    }
    let mut gone: Vec<LedgerKey> = ledger
        .iter()
        .filter(|(source_id, _)| !kept.contains_key(source_id) && in_scope(**source_id))
        .map(|(_, row)| row.key())
        .collect();
    gone.sort();
    snapshot.ledger.remove.extend(gone);
    snapshot
}

/// Input of [`ledger_writes_after_batch`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LedgerAfterBatchInput {
    /// The batch that landed (whole, or the half that landed).
    pub batch: WriteBatch,
    /// Its products as read back after the write (the same Query as the snapshot's, by product id); none for a
    /// delete batch.
    pub rows: Vec<StoreProductRow>,
    /// The run that wrote it.
    pub run_id: String,
}

/// The ledger writes that record a batch that landed: every written product's row rewritten `complete` from the
/// product as read back (create, update, complete, archive), the rows pointing at deleted products removed (a
/// deleted duplicate leaves the kept product's row alone); nothing for a stock batch.
pub fn ledger_writes_after_batch(input: &LedgerAfterBatchInput) -> LedgerWrites {
    match &input.batch {
        WriteBatch::Delete { product_ids, .. } => LedgerWrites {
            remove_products: product_ids.clone(),
            ..LedgerWrites::default()
        },
        WriteBatch::Stock { .. } => LedgerWrites::default(),
        _ => LedgerWrites {
            record: input
                .rows
                .iter()
                .filter_map(|row| ledger_row_of(row, &variant_facts(row, None), &input.run_id))
                .collect(),
            ..LedgerWrites::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{InventoryGap, OwnedImage, OwnedPrice};
    use serde_json::{json, Value};

    fn row(id: &str, variants: Value, sales_channels: Value) -> StoreProductRow {
        serde_json::from_value(json!({
            "id": id, "external_id": format!("dummyjson:{}", &id[5..]), "handle": id, "status": "published",
            "updated_at": "2026-12-01T10:00:00.000Z",
            "metadata": { "catalog_sync_fingerprint": "f", "catalog_sync_images_fingerprint": "i", "brand": 3, "sku": "SKU" },
            "images": [{ "id": "img_1", "url": "https://x/1.png" }],
            "sales_channels": sales_channels,
            "variants": variants,
        }))
        .expect("row")
    }

    fn usd() -> Value {
        json!([{ "id": "price_usd", "currency_code": "usd", "amount": 5 }])
    }

    fn item() -> Value {
        json!([{ "inventory_item_id": "iitem_1", "inventory": { "id": "iitem_1" } }])
    }

    fn variant(id: &str, prices: Value, items: Value) -> Value {
        json!({ "id": id, "sku": "SKU", "manage_inventory": true, "updated_at": "2026-12-01T10:00:01.000Z",
                "price_set": { "id": "pset_1" }, "prices": prices, "inventory_items": items })
    }

    fn channel() -> Value {
        json!([{ "id": "sc_1" }])
    }

    fn ledger_row(source_id: u64, state: LedgerState, product_id: Option<&str>) -> LedgerRow {
        LedgerRow {
            source: "dummyjson".into(),
            source_id: source_id.to_string(),
            state,
            product_id: product_id.map(str::to_string),
            variant_id: product_id.map(|_| "variant_1".to_string()),
            inventory_item_id: None,
            fingerprint: Some("f".into()),
            images_fingerprint: Some("i".into()),
            image_ids: None,
            product_updated_at: None,
            variant_updated_at: None,
            run_id: Some("csrun_0".into()),
        }
    }

    fn input(rows: Vec<StoreProductRow>, ledger: Vec<LedgerRow>) -> SnapshotInput {
        SnapshotInput {
            rows,
            ledger,
            run_id: Some("csrun_1".into()),
            currency_code: "usd".to_string(),
            sales_channel_id: Some("sc_1".to_string()),
            scope: SyncScope::Full,
            inventory_items: Vec::new(),
        }
    }

    fn ids(products: &[OwnedProduct]) -> Vec<&str> {
        products.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn an_intact_row_becomes_an_owned_product_with_its_inventory_item() {
        let prices = json!([{ "id": "price_eur", "currency_code": "eur", "amount": 4.5 },
                            { "id": "price_usd", "currency_code": "usd", "amount": 5 },
                            { "id": "price_pl", "currency_code": "usd", "amount": 3, "price_list_id": "plist_1" },
                            { "id": "price_region", "currency_code": "usd", "amount": 6, "rules_count": 1 }]);
        let recorded = ledger_row(1, LedgerState::Complete, Some("prod_1"));
        let snapshot = read_snapshot(&input(
            vec![row(
                "prod_1",
                json!([variant("variant_1", prices, item())]),
                channel(),
            )],
            vec![recorded],
        ));
        let price = |id: &str, currency: &str, amount: f64, conditional: bool| OwnedPrice {
            id: id.into(),
            currency_code: currency.into(),
            amount,
            conditional,
        };
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
                other_variant_ids: vec![],
                price_set_linked: true,
                prices: vec![
                    price("price_eur", "eur", 4.5, false),
                    price("price_usd", "usd", 5.0, false),
                    price("price_region", "usd", 6.0, true)
                ],
                missing_inventory_item: None,
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
        assert!(snapshot.incomplete_product_ids.is_empty());
        assert!(snapshot.unlisted_product_ids.is_empty());
        assert!(
            snapshot.ledger.is_empty(),
            "a recorded, intact product writes nothing"
        );
    }

    #[test]
    fn a_product_once_complete_keeps_its_ids_whatever_it_lacks() {
        let rows = vec![
            row("prod_1", json!([]), channel()),
            row(
                "prod_2",
                json!([variant(
                    "variant_2",
                    json!([{ "id": "p", "currency_code": "eur", "amount": 1 }]),
                    item()
                )]),
                channel(),
            ),
            row(
                "prod_3",
                json!([variant("variant_3", usd(), json!([]))]),
                channel(),
            ),
            row(
                "prod_4",
                json!([variant(
                    "variant_4",
                    usd(),
                    json!([{ "inventory_item_id": "iitem_gone", "inventory": null }])
                )]),
                channel(),
            ),
            row(
                "prod_5",
                json!([{ "id": "variant_5", "sku": "SKU", "manage_inventory": true, "prices": [], "inventory_items": item() }]),
                channel(),
            ),
        ];
        let ledger = (1..=5)
            .map(|n| ledger_row(n, LedgerState::Complete, Some(&format!("prod_{n}"))))
            .collect();
        let snapshot = read_snapshot(&input(rows, ledger));
        assert!(snapshot.incomplete_product_ids.is_empty());
        assert_eq!(
            ids(&snapshot.owned),
            ["prod_1", "prod_2", "prod_3", "prod_4", "prod_5"]
        );
        let owned = &snapshot.owned;
        assert_eq!(owned[0].variant_id, None);
        assert_eq!(
            (owned[1].price_set_linked, owned[1].prices.len()),
            (true, 1)
        );
        assert_eq!(
            owned[2].missing_inventory_item,
            Some(InventoryGap {
                dangling_item_id: None
            })
        );
        assert_eq!(
            owned[3].missing_inventory_item,
            Some(InventoryGap {
                dangling_item_id: Some("iitem_gone".into())
            })
        );
        assert!(!owned[4].price_set_linked);
        assert!(snapshot.ledger.is_empty());
    }

    #[test]
    fn a_never_finished_create_is_recreated_when_incomplete_and_marked_complete_otherwise() {
        let rows = vec![
            row("prod_1", json!([]), json!([])),
            row(
                "prod_2",
                json!([variant("variant_2", usd(), item())]),
                json!([]),
            ),
            row(
                "prod_3",
                json!([variant("variant_3", usd(), json!([]))]),
                channel(),
            ),
        ];
        let ledger = vec![
            ledger_row(1, LedgerState::Creating, None),
            ledger_row(2, LedgerState::Creating, None),
            ledger_row(3, LedgerState::Complete, Some("prod_3")),
        ];
        let snapshot = read_snapshot(&input(rows, ledger));
        assert_eq!(snapshot.incomplete_product_ids, ["prod_1"]);
        assert_eq!(ids(&snapshot.owned), ["prod_2", "prod_3"]);
        assert_eq!(snapshot.unlisted_product_ids, ["prod_2"]);
        assert_eq!(snapshot.ledger.remove, vec![LedgerKey::of(1)]);
        let recorded = &snapshot.ledger.record;
        assert_eq!(recorded.len(), 1);
        assert_eq!(
            (
                recorded[0].key(),
                recorded[0].state,
                recorded[0].product_id.as_deref()
            ),
            (LedgerKey::of(2), LedgerState::Complete, Some("prod_2"))
        );
        assert_eq!(
            (
                recorded[0].variant_id.as_deref(),
                recorded[0].inventory_item_id.as_deref()
            ),
            (Some("variant_2"), Some("iitem_1"))
        );
        assert_eq!(recorded[0].run_id.as_deref(), Some("csrun_1"));
    }

    #[test]
    fn products_without_a_row_are_adopted_and_rows_without_a_product_removed() {
        let rows = vec![
            row(
                "prod_1",
                json!([variant("variant_1", usd(), item())]),
                channel(),
            ),
            row("prod_2", json!([]), channel()),
        ];
        let ledger = vec![
            ledger_row(7, LedgerState::Complete, Some("prod_7")),
            ledger_row(8, LedgerState::Creating, None),
            LedgerRow {
                source: "shop".into(),
                ..ledger_row(9, LedgerState::Complete, Some("prod_9"))
            },
        ];
        let snapshot = read_snapshot(&input(rows, ledger));
        assert!(
            snapshot.incomplete_product_ids.is_empty(),
            "an unrecorded product is never deleted"
        );
        let adopted: Vec<(LedgerKey, Option<&str>, Option<&str>)> = snapshot
            .ledger
            .record
            .iter()
            .map(|r| (r.key(), r.product_id.as_deref(), r.fingerprint.as_deref()))
            .collect();
        assert_eq!(
            adopted,
            vec![
                (LedgerKey::of(1), Some("prod_1"), Some("f")),
                (LedgerKey::of(2), Some("prod_2"), Some("f"))
            ]
        );
        let first = &snapshot.ledger.record[0];
        assert_eq!(
            first.product_updated_at.as_deref(),
            Some("2026-12-01T10:00:00.000Z")
        );
        assert_eq!(
            first.variant_updated_at.as_deref(),
            Some("2026-12-01T10:00:01.000Z")
        );
        assert_eq!(first.image_ids.as_ref().map(Vec::len), Some(1));
        assert_eq!(
            snapshot.ledger.remove,
            vec![LedgerKey::of(7), LedgerKey::of(8)]
        );
    }

    #[test]
    fn the_sync_variant_is_found_by_sku_then_ledger_then_age_and_others_are_kept() {
        let mut other = variant("variant_0", json!([]), json!([]));
        other["sku"] = json!("OPERATOR");
        let ours = variant("variant_9", usd(), item());
        let rows = vec![row("prod_1", json!([other, ours]), channel())];
        let snapshot = read_snapshot(&input(rows.clone(), vec![]));
        assert_eq!(snapshot.owned[0].variant_id.as_deref(), Some("variant_9"));
        assert_eq!(snapshot.owned[0].other_variant_ids, ["variant_0"]);
        let mut no_sku = rows[0].clone();
        no_sku.metadata = Some(json!({}));
        let by_age = read_snapshot(&input(vec![no_sku.clone()], vec![]));
        assert_eq!(by_age.owned[0].variant_id.as_deref(), Some("variant_0"));
        let mut recorded = ledger_row(1, LedgerState::Complete, Some("prod_1"));
        recorded.variant_id = Some("variant_9".into());
        let by_ledger = read_snapshot(&input(vec![no_sku.clone()], vec![recorded.clone()]));
        assert_eq!(by_ledger.owned[0].variant_id.as_deref(), Some("variant_9"));
        recorded.variant_id = Some("variant_gone".into());
        let lost = read_snapshot(&input(vec![no_sku], vec![recorded]));
        assert_eq!(
            lost.owned[0].variant_id, None,
            "a recorded variant that is gone is not replaced by an operator's"
        );
        assert_eq!(lost.owned[0].other_variant_ids, ["variant_0", "variant_9"]);
    }

    #[test]
    fn a_product_outside_the_sync_channel_is_linked_whatever_its_other_channels() {
        let rows = vec![
            row(
                "prod_1",
                json!([variant("variant_1", usd(), item())]),
                json!([{ "id": "sc_2" }]),
            ),
            row(
                "prod_2",
                json!([variant("variant_2", usd(), item())]),
                json!(null),
            ),
            row(
                "prod_3",
                json!([variant("variant_3", usd(), item())]),
                json!([{ "id": "sc_2" }, { "id": "sc_1" }]),
            ),
        ];
        let snapshot = read_snapshot(&input(rows.clone(), vec![]));
        assert_eq!(snapshot.unlisted_product_ids, ["prod_1", "prod_2"]);
        let without_channel = read_snapshot(&SnapshotInput {
            sales_channel_id: None,
            ..input(rows, vec![])
        });
        assert!(without_channel.unlisted_product_ids.is_empty());
    }

    #[test]
    fn a_targeted_run_repairs_and_records_only_its_products() {
        let rows = vec![
            row("prod_1", json!([]), channel()),
            row("prod_2", json!([]), json!([])),
            row(
                "prod_3",
                json!([variant("variant_3", usd(), item())]),
                json!([]),
            ),
            row(
                "prod_4",
                json!([variant("variant_4", usd(), item())]),
                json!([]),
            ),
        ];
        let ledger = vec![
            ledger_row(1, LedgerState::Creating, None),
            ledger_row(2, LedgerState::Creating, None),
            ledger_row(5, LedgerState::Complete, Some("prod_5")),
            ledger_row(6, LedgerState::Complete, Some("prod_6")),
        ];
        let snapshot = read_snapshot(&SnapshotInput {
            scope: SyncScope::Targeted {
                product_ids: vec![2, 3, 5],
            },
            ..input(rows, ledger)
        });
        assert_eq!(snapshot.incomplete_product_ids, ["prod_2"]);
        assert_eq!(snapshot.unlisted_product_ids, ["prod_3"]);
        assert_eq!(
            ids(&snapshot.owned),
            ["prod_1", "prod_3", "prod_4"],
            "a product out of scope stays as it is"
        );
        let recorded: Vec<LedgerKey> = snapshot.ledger.record.iter().map(LedgerRow::key).collect();
        assert_eq!(recorded, vec![LedgerKey::of(3)]);
        assert_eq!(
            snapshot.ledger.remove,
            vec![LedgerKey::of(2), LedgerKey::of(5)]
        );
    }

    #[test]
    fn duplicates_are_left_to_the_plan_and_the_ledger_records_the_kept_one() {
        let rows = vec![
            row(
                "prod_9",
                json!([variant("variant_9", usd(), item())]),
                channel(),
            ),
            row(
                "prod_1",
                json!([variant("variant_1", usd(), item())]),
                channel(),
            ),
        ];
        let mut rows = rows;
        rows[0].external_id = "dummyjson:1".into();
        let snapshot = read_snapshot(&input(
            rows,
            vec![ledger_row(1, LedgerState::Complete, Some("prod_9"))],
        ));
        assert_eq!(ids(&snapshot.owned), ["prod_9", "prod_1"]);
        let recorded: Vec<Option<&str>> = snapshot
            .ledger
            .record
            .iter()
            .map(|r| r.product_id.as_deref())
            .collect();
        assert_eq!(recorded, vec![Some("prod_1")]);
    }

    #[test]
    fn a_variant_that_does_not_manage_inventory_needs_no_item() {
        let mut plain = variant("variant_1", usd(), json!([]));
        plain["manage_inventory"] = json!(false);
        let snapshot = read_snapshot(&input(
            vec![row("prod_1", json!([plain]), channel())],
            vec![],
        ));
        assert_eq!(snapshot.owned.len(), 1);
        assert_eq!(snapshot.owned[0].missing_inventory_item, None);
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
            ..input(Vec::new(), Vec::new())
        });
        assert_eq!(snapshot.orphaned_inventory_item_ids, ["iitem_b"]);
    }

    #[test]
    fn a_landed_batch_rewrites_its_rows_complete_and_a_delete_removes_the_rows_of_its_products() {
        let rows = vec![row(
            "prod_4",
            json!([variant("variant_4", usd(), item())]),
            channel(),
        )];
        let archive = WriteBatch::Archive {
            index: 0,
            status: crate::mapping::ProductStatus::Draft,
            product_ids: vec!["prod_4".into()],
            source_ids: vec![4],
        };
        let writes = ledger_writes_after_batch(&LedgerAfterBatchInput {
            batch: archive,
            rows: rows.clone(),
            run_id: "csrun_2".into(),
        });
        assert!(writes.remove.is_empty());
        assert_eq!(writes.record.len(), 1);
        let row = &writes.record[0];
        assert_eq!(
            (
                row.key(),
                row.state,
                row.product_id.as_deref(),
                row.variant_id.as_deref(),
                row.run_id.as_deref()
            ),
            (
                LedgerKey::of(4),
                LedgerState::Complete,
                Some("prod_4"),
                Some("variant_4"),
                Some("csrun_2")
            )
        );
        let delete = WriteBatch::Delete {
            index: 1,
            product_ids: vec!["prod_4".into(), "prod_5".into()],
            source_ids: vec![4, 5],
        };
        let removed = ledger_writes_after_batch(&LedgerAfterBatchInput {
            batch: delete,
            rows: Vec::new(),
            run_id: "csrun_2".into(),
        });
        assert_eq!(removed.remove_products, ["prod_4", "prod_5"]);
        assert!(removed.record.is_empty() && removed.remove.is_empty());
    }
}
