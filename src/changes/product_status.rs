//! The sync's view of one product, for the widget on its page in the admin: whether the store still holds what the
//! sync last wrote, and whether the source changed since.
//!
//! * **edited in the admin**: the product's `updated_at` (or its variant's) is later than the one read back after
//!   the sync's last write (the ledger's), or its content fingerprint in `metadata` is not the one the sync wrote.
//!   Medusa does not move `updated_at` for every edit (images, categories, tags, prices edited through the product
//!   form, stock levels do not move it), so an edit of those alone is not seen.
//! * **changed upstream**: a run that fetched the product after that write (a preview records what it saw on the
//!   ledger: `source_fingerprint`, `source_seen_at`) saw another content fingerprint than the one written.
//! * **in sync** otherwise. An edit in the admin is reported first: a resync would overwrite it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::model::SourceId;
use crate::rows::FINGERPRINT_KEY;

/// Where one product stands, as the sync sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProductSyncStatus {
    /// The store holds what the sync last wrote, and no later fetch saw a change.
    InSync,
    /// A fetch after the sync's last write saw other content upstream: the next sync updates the product.
    ChangedUpstream,
    /// The product was edited in the store since the sync's last write: the next sync that changes it
    /// overwrites the edit.
    EditedInAdmin,
}

/// What [`product_status`] decides from: the ledger's row of the product and the store's product now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProductStatusInput {
    /// The source's base URL (the `sourceUrl` option).
    pub source_url: String,
    /// The product's source id.
    #[ts(type = "number")]
    pub source_id: SourceId,
    /// The content fingerprint the sync last wrote (the ledger's).
    pub written_fingerprint: Option<String>,
    /// The product's `updated_at` read back after that write, ms since the epoch (the ledger's).
    pub written_product_updated_ms: Option<f64>,
    /// The sync's variant's `updated_at` read back after that write, ms since the epoch (the ledger's).
    pub written_variant_updated_ms: Option<f64>,
    /// The product's `updated_at` now, ms since the epoch.
    pub product_updated_ms: Option<f64>,
    /// The sync's variant's `updated_at` now, ms since the epoch (`null`: the variant is gone).
    pub variant_updated_ms: Option<f64>,
    /// The product's metadata now (holds the content fingerprint of the last write, see
    /// [`crate::rows::FINGERPRINT_KEY`]).
    #[ts(type = "Record<string, unknown> | null")]
    pub metadata: Option<Value>,
    /// The content fingerprint the last fetch saw (the ledger's `source_fingerprint`).
    pub seen_fingerprint: Option<String>,
    /// When that fetch saw it, ms since the epoch.
    pub seen_at_ms: Option<f64>,
}

/// The decision: the status, why, and the link to the product in the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProductSyncState {
    /// Where the product stands.
    pub status: ProductSyncStatus,
    /// Why, in words (empty when in sync).
    pub reasons: Vec<String>,
    /// The product's URL in the source API (`<sourceUrl>/products/<id>`).
    pub source_link: String,
}

/// Whether `now` is later than `written` (both known).
fn later(now: Option<f64>, written: Option<f64>) -> bool {
    matches!((now, written), (Some(now), Some(written)) if now > written)
}

/// Decides where one product stands; see the [module](self).
///
/// ```
/// use catalog_sync::changes::{product_status, ProductStatusInput, ProductSyncStatus};
/// let input = ProductStatusInput { source_url: "https://dummyjson.com".into(), source_id: 7,
///     written_fingerprint: Some("a".into()), written_product_updated_ms: Some(10.0), written_variant_updated_ms: Some(10.0),
///     product_updated_ms: Some(10.0), variant_updated_ms: Some(10.0),
///     metadata: Some(serde_json::json!({ "catalog_sync_fingerprint": "a" })),
///     seen_fingerprint: None, seen_at_ms: None };
/// let state = product_status(&input);
/// assert_eq!(state.status, ProductSyncStatus::InSync);
/// assert_eq!(state.source_link, "https://dummyjson.com/products/7");
/// ```
pub fn product_status(input: &ProductStatusInput) -> ProductSyncState {
    let mut edits = Vec::new();
    if later(input.product_updated_ms, input.written_product_updated_ms) {
        edits.push("the product was saved in the store after the sync's last write".to_string());
    }
    if later(input.variant_updated_ms, input.written_variant_updated_ms) {
        edits.push(
            "its variant (or a price edited through it) was saved after the sync's last write"
                .to_string(),
        );
    }
    if input.written_variant_updated_ms.is_some() && input.variant_updated_ms.is_none() {
        edits.push("the sync's variant was deleted in the store".to_string());
    }
    let fingerprint = input
        .metadata
        .as_ref()
        .and_then(|metadata| metadata.get(FINGERPRINT_KEY))
        .and_then(Value::as_str);
    if input.written_fingerprint.is_some() && fingerprint != input.written_fingerprint.as_deref() {
        edits.push("its sync fingerprint in metadata is not the one the sync wrote".to_string());
    }
    let upstream = match (&input.seen_fingerprint, &input.written_fingerprint) {
        (Some(seen), written)
            if Some(seen) != written.as_ref()
                && (input.written_product_updated_ms.is_none()
                    || later(input.seen_at_ms, input.written_product_updated_ms)) =>
        {
            Some(
                "the last fetch of the source saw content the sync has not written yet".to_string(),
            )
        }
        _ => None,
    };
    let status = if !edits.is_empty() {
        ProductSyncStatus::EditedInAdmin
    } else if upstream.is_some() {
        ProductSyncStatus::ChangedUpstream
    } else {
        ProductSyncStatus::InSync
    };
    ProductSyncState {
        status,
        reasons: edits.into_iter().chain(upstream).collect(),
        source_link: format!(
            "{}/products/{}",
            input.source_url.trim_end_matches('/'),
            input.source_id
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synced() -> ProductStatusInput {
        ProductStatusInput {
            source_url: "http://127.0.0.1:9390/".into(),
            source_id: 3,
            written_fingerprint: Some("f1".into()),
            written_product_updated_ms: Some(1_000.0),
            written_variant_updated_ms: Some(1_000.0),
            product_updated_ms: Some(1_000.0),
            variant_updated_ms: Some(1_000.0),
            metadata: Some(serde_json::json!({ FINGERPRINT_KEY: "f1" })),
            seen_fingerprint: None,
            seen_at_ms: None,
        }
    }

    #[test]
    fn a_product_as_written_and_not_seen_changed_is_in_sync() {
        let state = product_status(&synced());
        assert_eq!(state.status, ProductSyncStatus::InSync);
        assert!(state.reasons.is_empty());
        assert_eq!(state.source_link, "http://127.0.0.1:9390/products/3");
        let seen_same = ProductStatusInput {
            seen_fingerprint: Some("f1".into()),
            seen_at_ms: Some(2_000.0),
            ..synced()
        };
        assert_eq!(product_status(&seen_same).status, ProductSyncStatus::InSync);
    }

    #[test]
    fn a_later_fetch_that_saw_other_content_means_changed_upstream() {
        let seen = ProductStatusInput {
            seen_fingerprint: Some("f2".into()),
            seen_at_ms: Some(2_000.0),
            ..synced()
        };
        assert_eq!(
            product_status(&seen).status,
            ProductSyncStatus::ChangedUpstream
        );
        // A fetch from before the last write is superseded by it.
        let stale = ProductStatusInput {
            seen_at_ms: Some(500.0),
            ..seen
        };
        assert_eq!(product_status(&stale).status, ProductSyncStatus::InSync);
    }

    #[test]
    fn edits_in_the_store_are_reported_first() {
        let cases = [
            ProductStatusInput {
                product_updated_ms: Some(1_001.0),
                ..synced()
            },
            ProductStatusInput {
                variant_updated_ms: Some(1_001.0),
                ..synced()
            },
            ProductStatusInput {
                variant_updated_ms: None,
                ..synced()
            },
            ProductStatusInput {
                metadata: Some(serde_json::json!({ FINGERPRINT_KEY: "other" })),
                seen_fingerprint: Some("f2".into()),
                seen_at_ms: Some(2_000.0),
                ..synced()
            },
        ];
        for case in cases {
            let state = product_status(&case);
            assert_eq!(state.status, ProductSyncStatus::EditedInAdmin, "{case:?}");
            assert!(!state.reasons.is_empty());
        }
    }
}
