//! The store snapshot: what the store holds of the sync's products, checked against the sync ledger, the repairs
//! an interrupted run calls for, and the ledger rows to write with them (see [`crate::ledger`]).
//!
//! A run never reads the relations of the whole catalog. The host reads the ledger and the **stamps** of every
//! product the sync owns ([`ProductStamp`]: ids, `updated_at`, status, handle, sales channels, each variant's
//! price set and live inventory items), and the [`StoreCheck`] compares them:
//!
//! * a product whose ledger row is `complete` and matches its stamp — same product, same `updated_at` on the product
//!   and on the sync's variant (to the millisecond), which still has its price set and its inventory item — is
//!   **recorded** ([`RecordedProduct`]): known without its relations. Editing a product's own fields in the admin
//!   moves `product.updated_at`; editing the variant or its prices (the admin's price editor goes through the
//!   variant) moves `variant.updated_at`;
//! * every other product of the run's scope is a **suspect**, whose full row ([`StoreProductRow`]) the host reads
//!   in windows and hands to [`StoreCheck::read_suspects`]: a product without a ledger row (adopted: a store synced
//!   before the ledger existed), a row still `creating` (a create that never finished), a product edited in the
//!   admin, a variant deleted, an inventory item deleted, a price set unlinked;
//! * a ledger row whose product is gone (deleted in the admin, or a create that never reached Medusa) is removed,
//!   so the plan creates the product again;
//! * a product not in the sync's sales channel is linked to it (its other channels stay);
//! * a duplicate (a second product with the same `external_id`) is left to the plan, which deletes it; the product
//!   kept for a source id is the one with the smallest id.
//!
//! What [`StoreCheck::read_suspects`] decides from a suspect's full row:
//!
//! * **only a product the ledger still has as `creating` may be deleted and created again**, and only when it is
//!   incomplete: Medusa's `createProductsWorkflow` stores a product, its sales-channel link, its variant, the
//!   variant's inventory item and price in separate transactions, and a process killed in between (kill -9)
//!   compensates nothing. It is deleted (`deleteProductsWorkflow`), its row removed, and it is left out of the
//!   products the plan sees, so the plan creates it whole again. A `creating` product found complete is marked
//!   `complete`. Every other product — once complete, or synced before the ledger existed — keeps its id whatever it
//!   lacks (see [`crate::rows::variant_facts`]); the plan completes it;
//! * the ledger row is written again from the store when it no longer says what the store holds (adopted, finished,
//!   edited in the admin), so that the next run finds the product recorded;
//! * a suspect the host asked for and did not find is gone: its row is removed;
//! * a suspect that lacks nothing goes to the plan as a recorded product, one that lacks something as an
//!   [`OwnedProduct`] with everything the plan's completion and update need.
//!
//! A targeted (webhook) run checks, repairs and records only the products it names: deleting another one would
//! remove it from the store until the next full sync, since the targeted plan does not create it again (it stays
//! as it is). After an interrupted run, the host also passes the inventory items the sync marked as its own: those
//! that no variant uses ([`crate::stock::orphaned_inventory_items`]) are deleted, or their SKUs would block the
//! products' creation.

mod check;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::batching::WriteBatch;
use crate::ledger::LedgerWrites;
use crate::rows::{ledger_row_of, variant_facts};

pub use crate::model::{OwnedProduct, RecordedProduct};
pub use crate::rows::{ProductStamp, StoreProductRow};
pub use check::{
    CheckedProducts, StoreCheck, StoreCheckInput, StoreCheckSummary, SuspectRepairs, SuspectRows,
};

/// Input of [`ledger_writes_after_batch`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LedgerAfterBatchInput {
    /// The batch that landed (whole, or the half that landed).
    pub batch: WriteBatch,
    /// Its products as read back after the write (the full rows, by product id); none for a delete batch.
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
    use crate::ledger::{LedgerKey, LedgerState};
    use serde_json::json;

    #[test]
    fn a_landed_batch_rewrites_its_rows_complete_and_a_delete_removes_the_rows_of_its_products() {
        let rows: Vec<StoreProductRow> = vec![serde_json::from_value(json!({
            "id": "prod_4", "external_id": "dummyjson:4", "handle": "h", "status": "published",
            "updated_at": "2026-12-01T10:00:00.000Z",
            "metadata": { "catalog_sync_fingerprint": "f", "catalog_sync_images_fingerprint": "i", "sku": "SKU" },
            "images": [], "sales_channels": [],
            "variants": [{ "id": "variant_4", "sku": "SKU", "manage_inventory": true,
                           "updated_at": "2026-12-01T10:00:01.000Z", "price_set": { "id": "pset_1" },
                           "prices": [{ "id": "price_usd", "currency_code": "usd", "amount": 5 }],
                           "inventory_items": [{ "inventory_item_id": "iitem_1", "inventory": { "id": "iitem_1" } }] }],
        }))
        .unwrap()];
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
                row.inventory_item_id.as_deref(),
                row.run_id.as_deref()
            ),
            (
                LedgerKey::of(4),
                LedgerState::Complete,
                Some("prod_4"),
                Some("variant_4"),
                Some("iitem_1"),
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
