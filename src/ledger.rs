//! The sync ledger: one row per source product (table `catalog_sync_product` of the plugin's module), keyed by
//! `(source, source_id)` under a unique index, so the database guarantees that a source product maps to one row.
//!
//! A row says which store product, variant and inventory item the sync wrote for the source product, with the
//! fingerprints, image ids and `updated_at` values read back after its last write, and the run that wrote it.
//! Its `state` makes "created by the sync and never finished" a fact instead of a guess:
//!
//! * before a create batch's workflow runs, the host claims a `creating` row for each of its products
//!   ([`ledger_claims`]), all of them or none (a row that already exists makes the batch fail, product by
//!   product, with a clear message);
//! * after the workflow, the rows are rewritten `complete` from the products as read back
//!   ([`crate::snapshot::ledger_writes_after_batch`]); a failed workflow releases its claims;
//! * a row still `creating` when a later run starts means the process died mid-create: only such a product may
//!   be deleted and created again, and only when it is incomplete ([`crate::snapshot::StoreCheck::read_suspects`]).
//!
//! Every write of the ledger is one statement per batch: the host passes whole lists of rows or keys.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::batching::WriteBatch;
use crate::mapping::{external_id, source_id_of, EXTERNAL_ID_PREFIX};
use crate::model::{OwnedImage, SourceId};

/// Whether the product of a ledger row was ever completely written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum LedgerState {
    /// Claimed before the create workflow ran; not known to be finished.
    Creating,
    /// Written completely at least once (or adopted from a store synced before the ledger existed).
    Complete,
}

/// The key of a ledger row: the source's namespace (`dummyjson`, the prefix of the products' `external_id`) and
/// the product's id in it, as text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LedgerKey {
    /// The source's namespace, e.g. `dummyjson`.
    pub source: String,
    /// The product's id in the source, e.g. `"17"`.
    pub source_id: String,
}

impl LedgerKey {
    /// The key of a DummyJSON product.
    pub fn of(source_id: SourceId) -> Self {
        LedgerKey {
            source: source_namespace().to_string(),
            source_id: source_id.to_string(),
        }
    }

    /// The DummyJSON id the key names, or `None` for another source or a malformed id.
    pub fn dummyjson_id(&self) -> Option<SourceId> {
        if self.source != source_namespace() {
            return None;
        }
        source_id_of(&external_id_text(&self.source_id))
    }
}

/// `dummyjson:` + the id text, for [`source_id_of`]'s validation.
fn external_id_text(source_id: &str) -> String {
    format!("{EXTERNAL_ID_PREFIX}{source_id}")
}

/// The namespace of the DummyJSON source: the `external_id` prefix without its colon.
pub fn source_namespace() -> &'static str {
    EXTERNAL_ID_PREFIX.trim_end_matches(':')
}

/// One ledger row, with the table's column names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LedgerRow {
    /// The source's namespace.
    pub source: String,
    /// The product's id in the source, as text.
    pub source_id: String,
    /// `creating` or `complete`.
    pub state: LedgerState,
    /// The store product (`null` while `creating`).
    pub product_id: Option<String>,
    /// The sync's variant.
    pub variant_id: Option<String>,
    /// The inventory item of the sync's variant.
    pub inventory_item_id: Option<String>,
    /// The content fingerprint written on the product.
    pub fingerprint: Option<String>,
    /// The images fingerprint written on the product.
    pub images_fingerprint: Option<String>,
    /// The product's images, as stored (`null` while `creating`).
    pub image_ids: Option<Vec<OwnedImage>>,
    /// The product's `updated_at` read after the sync's write (ISO 8601): a later value means someone else
    /// changed the product's own fields.
    pub product_updated_at: Option<String>,
    /// The sync's variant's `updated_at` read after the sync's write (ISO 8601): variant and price edits made
    /// through the variant move it.
    pub variant_updated_at: Option<String>,
    /// The run that last wrote the row.
    pub run_id: Option<String>,
}

impl LedgerRow {
    /// The row's key.
    pub fn key(&self) -> LedgerKey {
        LedgerKey {
            source: self.source.clone(),
            source_id: self.source_id.clone(),
        }
    }
}

/// What to write into the ledger: rows to insert or overwrite (by key), keys whose rows to remove, and deleted
/// products whose rows to remove.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LedgerWrites {
    /// Rows to insert, or to overwrite where their key exists (one upsert).
    pub record: Vec<LedgerRow>,
    /// Rows to remove (one delete).
    pub remove: Vec<LedgerKey>,
    /// Products deleted from the store: the rows pointing at them are removed (one delete). A deleted
    /// duplicate leaves the row of the product kept for its source id alone.
    #[serde(default)]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub remove_products: Vec<String>,
}

impl LedgerWrites {
    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.record.is_empty() && self.remove.is_empty() && self.remove_products.is_empty()
    }
}

/// Input of [`ledger_claims`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LedgerClaimInput {
    /// A batch about to be written.
    pub batch: WriteBatch,
    /// The run writing it.
    pub run_id: String,
}

/// The `creating` rows to claim before a create batch's workflow runs, one per product (none for other kinds).
///
/// ```
/// use catalog_sync::batching::WriteBatch;
/// use catalog_sync::ledger::{ledger_claims, LedgerState};
/// let batch = WriteBatch::Delete { index: 0, product_ids: vec!["prod_1".into()], source_ids: vec![1] };
/// assert!(ledger_claims(&batch, "csrun_1").is_empty());
/// ```
pub fn ledger_claims(batch: &WriteBatch, run_id: &str) -> Vec<LedgerRow> {
    let WriteBatch::Create { products, .. } = batch else {
        return Vec::new();
    };
    products
        .iter()
        .map(|product| {
            let key = LedgerKey::of(product.metadata.catalog_sync_source_id);
            LedgerRow {
                source: key.source,
                source_id: key.source_id,
                state: LedgerState::Creating,
                product_id: None,
                variant_id: None,
                inventory_item_id: None,
                fingerprint: Some(product.metadata.catalog_sync_fingerprint.clone()),
                images_fingerprint: Some(product.metadata.catalog_sync_images_fingerprint.clone()),
                image_ids: None,
                product_updated_at: None,
                variant_updated_at: None,
                run_id: Some(run_id.to_string()),
            }
        })
        .collect()
}

/// The key of the product with this `external_id`, if the sync owns it.
pub fn key_of_external_id(external_id: &str) -> Option<LedgerKey> {
    source_id_of(external_id).map(LedgerKey::of)
}

/// The `external_id` of the product a key names, when it is a DummyJSON key.
pub fn external_id_of_key(key: &LedgerKey) -> Option<String> {
    key.dummyjson_id().map(external_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_other_sources_are_not_dummyjson() {
        let key = LedgerKey::of(17);
        assert_eq!(
            (key.source.as_str(), key.source_id.as_str()),
            ("dummyjson", "17")
        );
        assert_eq!(key.dummyjson_id(), Some(17));
        assert_eq!(external_id_of_key(&key).as_deref(), Some("dummyjson:17"));
        assert_eq!(key_of_external_id("dummyjson:17"), Some(key));
        let other = LedgerKey {
            source: "shop".into(),
            source_id: "17".into(),
        };
        assert_eq!(other.dummyjson_id(), None);
        let malformed = LedgerKey {
            source: "dummyjson".into(),
            source_id: "x1".into(),
        };
        assert_eq!(malformed.dummyjson_id(), None);
        assert_eq!(key_of_external_id("shop:1"), None);
    }

    #[test]
    fn a_create_batch_claims_one_creating_row_per_product() {
        let page = r#"{"products":[{"id":4,"title":"A","price":1,"stock":2},{"id":9,"title":"B","price":2,"stock":0}],
            "total":2,"skip":0,"limit":2}"#;
        let plan = crate::plan::plan_sync(&crate::plan::PlanInput {
            options: crate::options::SyncOptions::default(),
            pages: vec![page.to_string()],
            products: None,
            not_found_ids: None,
            scope: crate::model::SyncScope::Full,
            categories: Vec::new(),
            tags: Vec::new(),
            owned: Vec::new(),
            recorded: Vec::new(),
            inventory_items: Vec::new(),
            taken_handles: Vec::new(),
            sales_channel_id: None,
            stock_location_id: None,
            stored_images: Vec::new(),
            image_failures: Vec::new(),
        });
        let claims = ledger_claims(&plan.batches[0], "csrun_7");
        let keys: Vec<LedgerKey> = claims.iter().map(LedgerRow::key).collect();
        assert_eq!(keys, vec![LedgerKey::of(4), LedgerKey::of(9)]);
        assert!(claims.iter().all(|row| row.state == LedgerState::Creating
            && row.product_id.is_none()
            && row.run_id.as_deref() == Some("csrun_7")
            && row.fingerprint.as_ref().is_some_and(|f| f.len() == 32)));
    }

    #[test]
    fn a_row_serializes_with_the_table_columns() {
        let row = LedgerRow {
            source: "dummyjson".into(),
            source_id: "3".into(),
            state: LedgerState::Creating,
            product_id: None,
            variant_id: None,
            inventory_item_id: None,
            fingerprint: Some("f".into()),
            images_fingerprint: Some("i".into()),
            image_ids: None,
            product_updated_at: None,
            variant_updated_at: None,
            run_id: Some("csrun_1".into()),
        };
        let value = serde_json::to_value(&row).unwrap();
        assert_eq!(value["state"], "creating");
        let mut keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "fingerprint",
                "image_ids",
                "images_fingerprint",
                "inventory_item_id",
                "product_id",
                "product_updated_at",
                "run_id",
                "source",
                "source_id",
                "state",
                "variant_id",
                "variant_updated_at"
            ]
        );
        let read: LedgerRow = serde_json::from_value(value).unwrap();
        assert_eq!(read, row);
        assert_eq!(read.key(), LedgerKey::of(3));
    }
}
