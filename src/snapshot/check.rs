//! The store check: the ledger against the stamps, then the suspects' full rows (see the module documentation of
//! [`crate::snapshot`]).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ledger::{LedgerKey, LedgerRow, LedgerState, LedgerWrites};
use crate::mapping::source_id_of;
use crate::model::{OwnedProduct, RecordedProduct, SourceId, SyncScope};
use crate::plan::PlanInput;
use crate::rows::{
    ledger_row_of, owned_product, same_instant, variant_facts, ProductStamp, StoreProductRow,
    FINGERPRINT_KEY,
};
#[cfg(doc)]
use crate::stock::orphaned_inventory_items;
use crate::stock::InventoryItemRef;

/// Input of [`StoreCheck::new`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StoreCheckInput {
    /// The ledger's rows (every source product the sync recorded).
    #[serde(default)]
    #[ts(as = "Option<Vec<LedgerRow>>", optional)]
    pub ledger: Vec<LedgerRow>,
    /// The stamps of every product the sync owns (`external_id` `dummyjson:*`).
    #[serde(default)]
    #[ts(as = "Option<Vec<ProductStamp>>", optional)]
    pub stamps: Vec<ProductStamp>,
    /// The run checking the store (the rows it records carry it).
    #[serde(default)]
    #[ts(optional)]
    pub run_id: Option<String>,
    /// The sync's currency.
    pub currency_code: String,
    /// The sync's sales channel (`null`: none to link to).
    pub sales_channel_id: Option<String>,
    /// Full or targeted: a targeted run checks and repairs only its products.
    pub scope: SyncScope,
    /// Whether a run other than this one was interrupted (its process died mid-write) since the last catalog run
    /// that completed.
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub interrupted_since_last_completed_run: bool,
}

/// What the check found, before any full row is read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StoreCheckSummary {
    /// The products to read with their relations (full rows) and hand to `readSuspects`, in stamp order.
    pub suspect_product_ids: Vec<String>,
    /// Products found as their ledger rows record them.
    pub recorded: usize,
    /// Products not in the sync's sales channel, to link to it (their other channels stay).
    pub unlisted_product_ids: Vec<String>,
    /// Whether a write may have been cut between a batch's inventory items and its products, leaving items of the
    /// sync's that no variant uses (their SKUs would refuse the products' next create): a run was interrupted since
    /// the last completed one, or a ledger row is still `creating` (a batch's writer died while the run went on).
    /// Only then does the host read the inventory items the sync marked and delete the ones
    /// [`orphaned_inventory_items`] names.
    pub look_for_orphaned_inventory_items: bool,
    /// Ledger rows whose product is gone, to remove before the writes.
    pub ledger: LedgerWrites,
}

/// A window of suspects the host read: the product ids it asked for and the full rows it found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SuspectRows {
    /// The suspects asked for (ids of `suspectProductIds`).
    pub product_ids: Vec<String>,
    /// Their full rows, as found (a product deleted meanwhile has none).
    pub rows: Vec<StoreProductRow>,
}

/// The repairs a window of suspects calls for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SuspectRepairs {
    /// Products the sync started to create and never finished, incomplete: delete them
    /// (`deleteProductsWorkflow`) so that the plan creates them whole again.
    pub incomplete_product_ids: Vec<String>,
    /// Ledger rows to write (adopted products, finished creates, products edited in the admin) and to remove
    /// (products gone, or deleted to be created again), before the plan's writes.
    pub ledger: LedgerWrites,
}

/// What the plan works on once the check is done.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckedProducts {
    /// Products known from the ledger and their stamps, and the ones the check leaves as they are (duplicates,
    /// products outside a targeted run's scope).
    pub recorded: Vec<RecordedProduct>,
    /// Suspects that lack something, with their full content.
    pub owned: Vec<OwnedProduct>,
    /// The live inventory item of each owned product's variant (for the stock plan).
    pub inventory_items: Vec<InventoryItemRef>,
}

/// The store check of one run: made from the ledger and the stamps, then told the suspects' full rows.
#[derive(Debug, Clone)]
pub struct StoreCheck {
    summary: StoreCheckSummary,
    /// The ledger row of each suspect (none: a product to adopt), by product id.
    suspects: HashMap<String, Option<LedgerRow>>,
    run_id: String,
    currency_code: String,
    products: CheckedProducts,
}

/// Whether a `complete` ledger row still says what the store holds, as the product's stamp shows it.
fn matches(row: &LedgerRow, stamp: &ProductStamp) -> bool {
    let variant = row
        .variant_id
        .as_deref()
        .and_then(|id| stamp.variants.iter().find(|variant| variant.id == id));
    row.state == LedgerState::Complete
        && row.product_id.as_deref() == Some(stamp.id.as_str())
        && same_instant(
            row.product_updated_at.as_deref(),
            stamp.updated_at.as_deref(),
        )
        && variant.is_some_and(|variant| {
            same_instant(
                row.variant_updated_at.as_deref(),
                variant.updated_at.as_deref(),
            ) && variant.price_set
                && match &row.inventory_item_id {
                    Some(item) => variant.inventory_items.contains(item),
                    None => !variant.manage_inventory,
                }
        })
}

/// Whether a ledger row records what `current` (the row as the store has it now) records; the run does not count.
fn same_record(row: &LedgerRow, current: &LedgerRow) -> bool {
    row.state == current.state
        && row.product_id == current.product_id
        && row.variant_id == current.variant_id
        && row.inventory_item_id == current.inventory_item_id
        && row.fingerprint == current.fingerprint
        && row.images_fingerprint == current.images_fingerprint
        && row.image_ids == current.image_ids
        && same_instant(
            row.product_updated_at.as_deref(),
            current.product_updated_at.as_deref(),
        )
        && same_instant(
            row.variant_updated_at.as_deref(),
            current.variant_updated_at.as_deref(),
        )
}

/// A stamped product as the plan sees it without its relations; `row` is its ledger row when it points at it.
fn recorded_product(stamp: &ProductStamp, row: Option<&LedgerRow>) -> RecordedProduct {
    let row = row.filter(|row| row.product_id.as_deref() == Some(stamp.id.as_str()));
    RecordedProduct {
        id: stamp.id.clone(),
        external_id: stamp.external_id.clone(),
        handle: stamp.handle.clone(),
        status: stamp.status.clone(),
        fingerprint: row.and_then(|row| row.fingerprint.clone()),
        variant_id: row.and_then(|row| row.variant_id.clone()),
    }
}

impl StoreCheck {
    /// Checks the ledger against the stamps; see the module documentation of [`crate::snapshot`].
    pub fn new(input: StoreCheckInput) -> Self {
        let in_scope = |source_id: SourceId| match &input.scope {
            SyncScope::Full => true,
            SyncScope::Targeted { product_ids } => product_ids.contains(&source_id),
        };
        let ledger: HashMap<SourceId, &LedgerRow> = input
            .ledger
            .iter()
            .filter_map(|row| Some((row.key().dummyjson_id()?, row)))
            .collect();
        // The product kept for each source id: the smallest id (the plan deletes the others, see `crate::plan`).
        let mut kept: BTreeMap<SourceId, &str> = BTreeMap::new();
        for stamp in &input.stamps {
            if let Some(source_id) = source_id_of(&stamp.external_id) {
                let id = kept.entry(source_id).or_insert(stamp.id.as_str());
                if stamp.id.as_str() < *id {
                    *id = stamp.id.as_str();
                }
            }
        }
        let mut check = StoreCheck {
            summary: StoreCheckSummary {
                look_for_orphaned_inventory_items: input.interrupted_since_last_completed_run
                    || input
                        .ledger
                        .iter()
                        .any(|row| row.state == LedgerState::Creating),
                ..StoreCheckSummary::default()
            },
            suspects: HashMap::new(),
            run_id: input.run_id.clone().unwrap_or_default(),
            currency_code: input.currency_code.clone(),
            products: CheckedProducts::default(),
        };
        for stamp in &input.stamps {
            let source_id = source_id_of(&stamp.external_id);
            let row = source_id.and_then(|id| ledger.get(&id).copied());
            let canonical = source_id.is_some_and(|id| kept.get(&id) == Some(&stamp.id.as_str()));
            if !(canonical && source_id.is_some_and(in_scope)) {
                check.products.recorded.push(recorded_product(stamp, row));
                continue;
            }
            if let Some(channel) = &input.sales_channel_id {
                if !stamp.sales_channels.contains(channel) {
                    check.summary.unlisted_product_ids.push(stamp.id.clone());
                }
            }
            match row.filter(|row| matches(row, stamp)) {
                Some(row) => {
                    check.summary.recorded += 1;
                    check
                        .products
                        .recorded
                        .push(recorded_product(stamp, Some(row)));
                    if let Some(item) = &row.inventory_item_id {
                        check.products.inventory_items.push(InventoryItemRef {
                            external_id: stamp.external_id.clone(),
                            inventory_item_id: item.clone(),
                        });
                    }
                }
                None => {
                    check.summary.suspect_product_ids.push(stamp.id.clone());
                    check.suspects.insert(stamp.id.clone(), row.cloned());
                }
            }
        }
        let mut gone: Vec<LedgerKey> = ledger
            .iter()
            .filter(|(source_id, _)| !kept.contains_key(source_id) && in_scope(**source_id))
            .map(|(_, row)| row.key())
            .collect();
        gone.sort();
        check.summary.ledger.remove = gone;
        check
    }

    /// What the check found.
    pub fn summary(&self) -> &StoreCheckSummary {
        &self.summary
    }

    /// Reads a window of suspects' full rows; see the module documentation of [`crate::snapshot`]. Rows of
    /// products that are not (or no longer) suspects are ignored.
    pub fn read_suspects(&mut self, window: SuspectRows) -> SuspectRepairs {
        let mut repairs = SuspectRepairs::default();
        for row in &window.rows {
            let Some(recorded) = self.suspects.remove(&row.id) else {
                continue;
            };
            let facts = variant_facts(row, recorded.as_ref().and_then(|r| r.variant_id.as_deref()));
            let complete = facts.complete(&self.currency_code);
            if recorded
                .as_ref()
                .is_some_and(|r| r.state == LedgerState::Creating)
                && !complete
            {
                repairs.incomplete_product_ids.push(row.id.clone());
                repairs.ledger.remove.extend(recorded.map(|r| r.key()));
                continue;
            }
            if let Some(current) = ledger_row_of(row, &facts, &self.run_id) {
                if !recorded.as_ref().is_some_and(|r| same_record(r, &current)) {
                    repairs.ledger.record.push(current);
                }
            }
            if let Some(item) = &facts.inventory_item_id {
                self.products.inventory_items.push(InventoryItemRef {
                    external_id: row.external_id.clone(),
                    inventory_item_id: item.clone(),
                });
            }
            if complete {
                self.products.recorded.push(RecordedProduct {
                    id: row.id.clone(),
                    external_id: row.external_id.clone(),
                    handle: row.handle.clone(),
                    status: row.status.clone(),
                    fingerprint: row.metadata_text(FINGERPRINT_KEY),
                    variant_id: facts.variant.map(|variant| variant.id.clone()),
                });
            } else {
                self.products.owned.push(owned_product(row, facts));
            }
        }
        for id in &window.product_ids {
            if let Some(recorded) = self.suspects.remove(id) {
                repairs.ledger.remove.extend(recorded.map(|r| r.key()));
            }
        }
        repairs
    }

    /// The products the plan works on (suspects never read are left out: the plan creates them again).
    pub fn into_products(self) -> CheckedProducts {
        self.products
    }

    /// A plan input given the products as the check leaves them: `recorded` and `inventoryItems` replaced, the
    /// suspects that lack something added to `owned`.
    pub fn plan_input(self, mut input: PlanInput) -> PlanInput {
        let products = self.into_products();
        input.owned.extend(products.owned);
        input.recorded = products.recorded;
        input.inventory_items = products.inventory_items;
        input
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::VariantStamp;
    use serde_json::{json, Value};

    const AT: &str = "2026-12-01T10:00:00.000Z";
    const VARIANT_AT: &str = "2026-12-01T10:00:01.000Z";

    fn stamp(n: u64, channels: &[&str]) -> ProductStamp {
        ProductStamp {
            id: format!("prod_{n}"),
            external_id: format!("dummyjson:{n}"),
            handle: format!("handle-{n}"),
            status: "published".into(),
            updated_at: Some(AT.into()),
            sales_channels: channels.iter().map(|c| c.to_string()).collect(),
            variants: vec![VariantStamp {
                id: format!("variant_{n}"),
                updated_at: Some(VARIANT_AT.into()),
                manage_inventory: true,
                price_set: true,
                inventory_items: vec![format!("iitem_{n}")],
            }],
        }
    }

    fn ledger_row(n: u64, state: LedgerState) -> LedgerRow {
        let complete = state == LedgerState::Complete;
        LedgerRow {
            source: "dummyjson".into(),
            source_id: n.to_string(),
            state,
            product_id: complete.then(|| format!("prod_{n}")),
            variant_id: complete.then(|| format!("variant_{n}")),
            inventory_item_id: complete.then(|| format!("iitem_{n}")),
            fingerprint: Some("f".into()),
            images_fingerprint: Some("i".into()),
            image_ids: complete.then(Vec::new),
            product_updated_at: complete.then(|| AT.into()),
            variant_updated_at: complete.then(|| VARIANT_AT.into()),
            run_id: Some("csrun_0".into()),
        }
    }

    fn input(stamps: Vec<ProductStamp>, ledger: Vec<LedgerRow>) -> StoreCheckInput {
        StoreCheckInput {
            ledger,
            stamps,
            run_id: Some("csrun_1".into()),
            currency_code: "usd".into(),
            sales_channel_id: Some("sc_1".into()),
            scope: SyncScope::Full,
            interrupted_since_last_completed_run: false,
        }
    }

    /// The full row of `prod_n` as its stamp describes it, with these variants.
    fn row(n: u64, variants: Value) -> StoreProductRow {
        serde_json::from_value(json!({
            "id": format!("prod_{n}"), "external_id": format!("dummyjson:{n}"), "handle": format!("handle-{n}"),
            "status": "published", "updated_at": AT,
            "metadata": { "catalog_sync_fingerprint": "f", "catalog_sync_images_fingerprint": "i", "sku": format!("SKU-{n}") },
            "images": [], "sales_channels": [{ "id": "sc_1" }], "variants": variants,
        }))
        .unwrap()
    }

    fn variant(n: u64, prices: Value, items: Value) -> Value {
        json!({ "id": format!("variant_{n}"), "sku": format!("SKU-{n}"), "manage_inventory": true,
                "updated_at": VARIANT_AT, "price_set": { "id": "pset" }, "prices": prices, "inventory_items": items })
    }

    fn usd() -> Value {
        json!([{ "id": "price_usd", "currency_code": "usd", "amount": 5 }])
    }

    fn item(n: u64) -> Value {
        json!([{ "inventory_item_id": format!("iitem_{n}"), "inventory": { "id": format!("iitem_{n}") } }])
    }

    fn ids(recorded: &[RecordedProduct]) -> Vec<&str> {
        recorded.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn products_as_their_ledger_rows_record_them_need_no_full_row() {
        let check = StoreCheck::new(input(
            vec![stamp(1, &["sc_1"]), stamp(2, &["sc_1"])],
            vec![
                ledger_row(1, LedgerState::Complete),
                ledger_row(2, LedgerState::Complete),
            ],
        ));
        assert_eq!(check.summary().suspect_product_ids, Vec::<String>::new());
        assert_eq!(check.summary().recorded, 2);
        assert!(check.summary().ledger.is_empty());
        let products = check.into_products();
        assert_eq!(ids(&products.recorded), ["prod_1", "prod_2"]);
        assert_eq!(
            products.recorded[0],
            RecordedProduct {
                id: "prod_1".into(),
                external_id: "dummyjson:1".into(),
                handle: "handle-1".into(),
                status: "published".into(),
                fingerprint: Some("f".into()),
                variant_id: Some("variant_1".into()),
            }
        );
        assert_eq!(
            products.inventory_items[1],
            InventoryItemRef {
                external_id: "dummyjson:2".into(),
                inventory_item_id: "iitem_2".into()
            }
        );
    }

    #[test]
    fn every_edit_the_stamps_show_makes_a_suspect() {
        let mut edited_title = stamp(1, &["sc_1"]);
        edited_title.updated_at = Some("2026-12-01T10:05:00.000Z".into());
        let mut edited_price = stamp(2, &["sc_1"]);
        edited_price.variants[0].updated_at = Some("2026-12-01T10:05:00.000Z".into());
        let mut variant_deleted = stamp(3, &["sc_1"]);
        variant_deleted.variants.clear();
        let mut item_deleted = stamp(4, &["sc_1"]);
        item_deleted.variants[0].inventory_items.clear();
        let mut price_set_unlinked = stamp(5, &["sc_1"]);
        price_set_unlinked.variants[0].price_set = false;
        let mut extra_variant = stamp(6, &["sc_1"]);
        extra_variant.variants.push(VariantStamp {
            id: "variant_operator".into(),
            updated_at: Some(AT.into()),
            manage_inventory: false,
            price_set: true,
            inventory_items: vec![],
        });
        let mut within_a_millisecond = stamp(7, &["sc_1"]);
        within_a_millisecond.updated_at = Some("2026-12-01T10:00:00.001Z".into());
        let stamps = vec![
            edited_title,
            edited_price,
            variant_deleted,
            item_deleted,
            price_set_unlinked,
            extra_variant,
            within_a_millisecond,
            stamp(8, &["sc_1"]),
            stamp(9, &["sc_1"]),
        ];
        let mut ledger: Vec<LedgerRow> = (1..=7)
            .map(|n| ledger_row(n, LedgerState::Complete))
            .collect();
        ledger.push(ledger_row(8, LedgerState::Creating));
        let check = StoreCheck::new(input(stamps, ledger));
        assert_eq!(
            check.summary().suspect_product_ids,
            ["prod_1", "prod_2", "prod_3", "prod_4", "prod_5", "prod_8", "prod_9"],
            "edited, lost variant / item / price set, never-finished create, not in the ledger"
        );
        assert_eq!(ids(&check.into_products().recorded), ["prod_6", "prod_7"]);
    }

    #[test]
    fn rows_of_products_gone_are_removed_and_unlisted_products_linked() {
        let other_source = LedgerRow {
            source: "shop".into(),
            ..ledger_row(9, LedgerState::Complete)
        };
        let check = StoreCheck::new(input(
            vec![stamp(1, &["sc_2"]), stamp(2, &[])],
            vec![
                ledger_row(1, LedgerState::Complete),
                ledger_row(2, LedgerState::Complete),
                ledger_row(7, LedgerState::Complete),
                ledger_row(8, LedgerState::Creating),
                other_source,
            ],
        ));
        assert_eq!(
            check.summary().ledger.remove,
            vec![LedgerKey::of(7), LedgerKey::of(8)]
        );
        assert_eq!(check.summary().unlisted_product_ids, ["prod_1", "prod_2"]);
        let without_channel = StoreCheck::new(StoreCheckInput {
            sales_channel_id: None,
            ..input(vec![stamp(1, &[])], vec![])
        });
        assert!(without_channel.summary().unlisted_product_ids.is_empty());
    }

    #[test]
    fn duplicates_and_products_outside_a_targeted_run_are_left_as_they_are() {
        let mut duplicate = stamp(1, &["sc_1"]);
        duplicate.id = "prod_9".into();
        let check = StoreCheck::new(StoreCheckInput {
            scope: SyncScope::Targeted {
                product_ids: vec![1, 5],
            },
            ..input(
                vec![duplicate, stamp(1, &[]), stamp(2, &[])],
                vec![
                    ledger_row(1, LedgerState::Creating),
                    ledger_row(5, LedgerState::Complete),
                    ledger_row(6, LedgerState::Complete),
                ],
            )
        });
        assert_eq!(check.summary().suspect_product_ids, ["prod_1"]);
        assert_eq!(
            check.summary().unlisted_product_ids,
            ["prod_1"],
            "only the targeted product is linked"
        );
        assert_eq!(
            check.summary().ledger.remove,
            vec![LedgerKey::of(5)],
            "a row outside the scope stays"
        );
        assert_eq!(ids(&check.into_products().recorded), ["prod_9", "prod_2"]);
    }

    #[test]
    fn orphaned_items_are_looked_for_only_after_a_cut_write() {
        let complete = || vec![ledger_row(1, LedgerState::Complete)];
        let stamps = || vec![stamp(1, &["sc_1"])];
        let look = |input: StoreCheckInput| {
            StoreCheck::new(input)
                .summary()
                .look_for_orphaned_inventory_items
        };
        assert!(
            !look(input(stamps(), complete())),
            "nothing was cut: no inventory item is read"
        );
        assert!(
            look(StoreCheckInput {
                interrupted_since_last_completed_run: true,
                ..input(stamps(), complete())
            }),
            "a run was interrupted since the last completed one"
        );
        assert!(
            look(input(stamps(), vec![ledger_row(1, LedgerState::Creating)])),
            "a create never finished: its batch's writer died while the run went on"
        );
    }

    #[test]
    fn a_never_finished_create_is_recreated_when_incomplete_and_marked_complete_otherwise() {
        let mut check = StoreCheck::new(input(
            vec![stamp(1, &["sc_1"]), stamp(2, &["sc_1"])],
            vec![
                ledger_row(1, LedgerState::Creating),
                ledger_row(2, LedgerState::Creating),
            ],
        ));
        let repairs = check.read_suspects(SuspectRows {
            product_ids: vec!["prod_1".into(), "prod_2".into()],
            rows: vec![
                row(1, json!([])),
                row(2, json!([variant(2, usd(), item(2))])),
            ],
        });
        assert_eq!(repairs.incomplete_product_ids, ["prod_1"]);
        assert_eq!(repairs.ledger.remove, vec![LedgerKey::of(1)]);
        assert_eq!(repairs.ledger.record.len(), 1);
        let finished = &repairs.ledger.record[0];
        assert_eq!(
            (
                finished.key(),
                finished.state,
                finished.product_id.as_deref(),
                finished.variant_id.as_deref(),
                finished.inventory_item_id.as_deref(),
                finished.run_id.as_deref()
            ),
            (
                LedgerKey::of(2),
                LedgerState::Complete,
                Some("prod_2"),
                Some("variant_2"),
                Some("iitem_2"),
                Some("csrun_1")
            )
        );
        let products = check.into_products();
        assert_eq!(ids(&products.recorded), ["prod_2"]);
        assert!(products.owned.is_empty());
    }

    #[test]
    fn a_suspect_that_lacks_something_is_owned_and_keeps_its_ids() {
        let mut check = StoreCheck::new(input(
            (1..=4).map(|n| stamp(n, &["sc_1"])).collect(),
            Vec::new(),
        ));
        let eur = json!([{ "id": "price_eur", "currency_code": "eur", "amount": 4 }]);
        let gone_item = json!([{ "inventory_item_id": "iitem_gone", "inventory": null }]);
        let repairs = check.read_suspects(SuspectRows {
            product_ids: (1..=4).map(|n| format!("prod_{n}")).collect(),
            rows: vec![
                row(1, json!([])),
                row(2, json!([variant(2, eur, item(2))])),
                row(3, json!([variant(3, usd(), gone_item)])),
                row(4, json!([variant(4, usd(), item(4))])),
            ],
        });
        assert!(
            repairs.incomplete_product_ids.is_empty(),
            "a product the ledger does not know is never deleted"
        );
        let adopted: Vec<LedgerKey> = repairs.ledger.record.iter().map(LedgerRow::key).collect();
        assert_eq!(adopted, (1..=4).map(LedgerKey::of).collect::<Vec<_>>());
        let products = check.into_products();
        assert_eq!(ids(&products.recorded), ["prod_4"]);
        let owned: Vec<(&str, Option<&str>)> = products
            .owned
            .iter()
            .map(|p| (p.id.as_str(), p.variant_id.as_deref()))
            .collect();
        assert_eq!(
            owned,
            [
                ("prod_1", None),
                ("prod_2", Some("variant_2")),
                ("prod_3", Some("variant_3"))
            ]
        );
        assert_eq!(
            products.owned[2]
                .missing_inventory_item
                .as_ref()
                .and_then(|gap| gap.dangling_item_id.as_deref()),
            Some("iitem_gone")
        );
        let items: Vec<&str> = products
            .inventory_items
            .iter()
            .map(|i| i.inventory_item_id.as_str())
            .collect();
        assert_eq!(items, ["iitem_2", "iitem_4"]);
    }

    #[test]
    fn an_edited_suspect_is_recorded_again_and_one_found_gone_loses_its_row() {
        let mut edited = stamp(1, &["sc_1"]);
        edited.updated_at = Some("2026-12-01T11:00:00.000Z".into());
        let mut check = StoreCheck::new(input(
            vec![edited, stamp(2, &["sc_1"]), stamp(3, &["sc_1"])],
            vec![
                ledger_row(1, LedgerState::Complete),
                ledger_row(2, LedgerState::Creating),
                ledger_row(3, LedgerState::Complete),
            ],
        ));
        let mut row_1 = row(1, json!([variant(1, usd(), item(1))]));
        row_1.updated_at = Some("2026-12-01T11:00:00.000Z".into());
        let repairs = check.read_suspects(SuspectRows {
            product_ids: vec!["prod_1".into(), "prod_2".into()],
            rows: vec![row_1, row(3, json!([variant(3, usd(), item(3))]))],
        });
        let recorded: Vec<(LedgerKey, Option<&str>)> = repairs
            .ledger
            .record
            .iter()
            .map(|r| (r.key(), r.product_updated_at.as_deref()))
            .collect();
        assert_eq!(
            recorded,
            [(LedgerKey::of(1), Some("2026-12-01T11:00:00.000Z"))],
            "prod_3 is no suspect: its row is ignored"
        );
        assert_eq!(repairs.ledger.remove, vec![LedgerKey::of(2)]);
        assert_eq!(ids(&check.into_products().recorded), ["prod_3", "prod_1"]);
    }
}
