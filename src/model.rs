//! The shared vocabulary of the core: the shapes every layer above speaks in, and nothing else.
//!
//! * [`SourceId`]: how a product is named in the source;
//! * [`RunError`]: a problem with one product (or with the fetch) that does not stop the run;
//! * [`OwnedProduct`] / [`OwnedImage`]: a product the sync created earlier, as found in the store;
//! * [`Fingerprints`]: the two fingerprints the sync stores on a product to see changes without reading it;
//! * [`SyncScope`]: which products a run is about.
//!
//! This module imports no other module of the crate; every other module may import it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Identifier of a product in the source (DummyJSON `id`).
pub type SourceId = u64;

/// A problem with one product (or with the fetch) that did not stop the run.
///
/// It is stored as-is in the host's run records, hence its snake_case keys. `message` is human readable and
/// names the product and the field, e.g. `product 17: field "price" must be a non-negative number (got "abc")`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunError {
    /// Source id of the product concerned; `null` when the problem is not tied to one identifiable product.
    #[ts(type = "number | null")]
    pub source_id: Option<SourceId>,
    /// Source field concerned (e.g. `price`, `dimensions.width`, `tags[2]`); `null` when not tied to a field.
    pub field: Option<String>,
    /// Stable machine-readable code, e.g. `INVALID_FIELD`.
    pub code: String,
    /// Human-readable explanation naming the product and the field.
    pub message: String,
}

impl RunError {
    /// Builds a run error.
    pub fn new(
        source_id: Option<SourceId>,
        field: Option<&str>,
        code: &str,
        message: impl Into<String>,
    ) -> Self {
        RunError {
            source_id,
            field: field.map(str::to_string),
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// A product the sync created earlier, as found in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OwnedProduct {
    /// Medusa product id.
    pub id: String,
    /// `dummyjson:<source id>`.
    pub external_id: String,
    /// Current handle (kept by updates).
    pub handle: String,
    /// Current status (`published`, `draft`, ...).
    pub status: String,
    /// `metadata.catalog_sync_fingerprint`, if any.
    pub fingerprint: Option<String>,
    /// `metadata.catalog_sync_images_fingerprint`, if any.
    pub images_fingerprint: Option<String>,
    /// Id of the product's variant.
    pub variant_id: Option<String>,
    /// Id of the variant's price in the configured currency.
    pub price_id: Option<String>,
    /// The product's images (so an update keeps the unchanged ones; absent means none).
    #[serde(default)]
    #[ts(as = "Option<Vec<OwnedImage>>", optional)]
    pub images: Vec<OwnedImage>,
}

/// An image a product already has in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OwnedImage {
    /// Medusa image id.
    pub id: String,
    /// Its URL.
    pub url: String,
}

/// The two fingerprints of a product's content (computed by [`crate::fingerprint`], written into the product's
/// metadata by [`crate::mapping`], compared with an [`OwnedProduct`]'s by [`crate::plan`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprints {
    /// Fingerprint of the whole content (stored as `metadata.catalog_sync_fingerprint`).
    pub content: String,
    /// Fingerprint of thumbnail and images (stored as `metadata.catalog_sync_images_fingerprint`).
    pub images: String,
}

/// Which products a run is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[ts(export)]
pub enum SyncScope {
    /// The whole catalog (scheduled run, "Sync Now").
    Full,
    /// Some products (webhook).
    Targeted {
        /// Source ids requested.
        #[serde(rename = "productIds")]
        #[ts(type = "Array<number>")]
        product_ids: Vec<SourceId>,
    },
}
