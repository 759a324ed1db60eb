//! The shared vocabulary of the core: the shapes every layer above speaks in, and nothing else.
//!
//! * [`SourceId`]: how a product is named in the source;
//! * [`RunError`]: a problem with one product (or with the fetch) that does not stop the run, with its
//!   [`RunErrorCode`];
//! * [`OwnedProduct`] / [`OwnedImage`]: a product the sync created earlier, as found in the store;
//! * [`Fingerprints`]: the two fingerprints the sync stores on a product to see changes without reading it;
//! * [`SyncScope`]: which products a run is about;
//! * [`CoreErrorCode`]: the stable code of every error a core function throws to the host;
//! * [`excerpt`]: how much of an input an error message quotes.
//!
//! Both code sets are closed Rust enums serialized as their `SCREAMING_SNAKE_CASE` text, so the package's
//! TypeScript types carry them as unions of string literals (`type RunErrorCode = "INVALID_FIELD" | ...`).
//!
//! This module imports no other module of the crate; every other module may import it.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Declares a closed set of stable codes: the enum (each variant serialized as its text, the TypeScript type a
/// union of those texts), [`ALL`](RunErrorCode::ALL) and [`as_str`](RunErrorCode::as_str).
macro_rules! codes {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[ts(export)]
        pub enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $text)] $variant, )*
        }

        impl $name {
            /// Every code, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The code's text, e.g. `"INVALID_FIELD"` (what it serializes to).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(self.as_str())
            }
        }
    };
}

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
    /// Stable machine-readable code, e.g. `INVALID_FIELD`: a [`RunErrorCode`]'s text. Kept as text so that
    /// errors stored by an older version, whose code this version may no longer have, still read back as they
    /// were; TypeScript sees the union of this version's codes.
    #[ts(type = "RunErrorCode")]
    pub code: String,
    /// Human-readable explanation naming the product and the field.
    pub message: String,
}

impl RunError {
    /// Builds a run error.
    pub fn new(
        source_id: Option<SourceId>,
        field: Option<&str>,
        code: RunErrorCode,
        message: impl Into<String>,
    ) -> Self {
        RunError {
            source_id,
            field: field.map(str::to_string),
            code: code.as_str().to_string(),
            message: message.into(),
        }
    }

    /// Whether the error has this code.
    pub fn has_code(&self, code: RunErrorCode) -> bool {
        self.code == code.as_str()
    }

    /// Whether the entry is a notice (a code whose [`RunErrorCode::is_notice`] holds): it tells what the run
    /// chose to do and is no problem, so it does not make the run `partial`.
    pub fn is_notice(&self) -> bool {
        RunErrorCode::ALL
            .iter()
            .any(|code| code.is_notice() && self.has_code(*code))
    }
}

impl RunErrorCode {
    /// Whether entries with this code are notices rather than problems: `REMOVAL_LEFT_TO_FULL_SYNC` and
    /// `HELD_REMOVAL_SKIPPED`.
    pub fn is_notice(self) -> bool {
        matches!(
            self,
            RunErrorCode::RemovalLeftToFullSync | RunErrorCode::HeldRemovalSkipped
        )
    }
}

/// Bytes of the start of a long text that an [`excerpt`] keeps.
const EXCERPT_HEAD_BYTES: usize = 192;
/// Bytes of the end of a long text that an [`excerpt`] keeps.
const EXCERPT_TAIL_BYTES: usize = 96;

/// A text as an error message quotes it: whole when short, else its start and its end around `…`. A message
/// that quotes its input (serde's `invalid type: string "..."`, a webhook body's `got ...`) so stays short
/// however long the input is, and keeps its end (serde's `at line 1 column 9`).
///
/// ```
/// use catalog_sync::model::excerpt;
/// assert_eq!(excerpt("expected u64"), "expected u64");
/// let long = format!("invalid type: string \"{}\", expected u64 at line 1 column 10010", "a".repeat(10_000));
/// let quoted = excerpt(&long);
/// assert!(quoted.len() < 300);
/// assert!(quoted.starts_with("invalid type: string \"aaa") && quoted.ends_with("expected u64 at line 1 column 10010"));
/// ```
pub fn excerpt(text: &str) -> String {
    if text.len() <= EXCERPT_HEAD_BYTES + EXCERPT_TAIL_BYTES {
        return text.to_string();
    }
    let mut head = EXCERPT_HEAD_BYTES;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - EXCERPT_TAIL_BYTES;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    format!("{}…{}", &text[..head], &text[tail..])
}

codes! {
    /// The code of a [`RunError`]: what kind of problem the run met, for programs and for grouping.
    pub enum RunErrorCode {
        /// A product field has the wrong type or an invalid value.
        InvalidField = "INVALID_FIELD",
        /// A required product field (`id`, `title`, `price`, `stock`) is missing.
        MissingField = "MISSING_FIELD",
        /// A product entry is not a JSON object, or a single-product body is not JSON.
        MalformedProduct = "MALFORMED_PRODUCT",
        /// A page body is not a valid envelope.
        MalformedPage = "MALFORMED_PAGE",
        /// The same source id was received more than once.
        DuplicateProductId = "DUPLICATE_PRODUCT_ID",
        /// Two incoming products share a SKU.
        DuplicateSku = "DUPLICATE_SKU",
        /// Two incoming products share a barcode.
        DuplicateBarcode = "DUPLICATE_BARCODE",
        /// Fewer products were received than expected.
        IncompleteFetch = "INCOMPLETE_FETCH",
        /// Products missing upstream were left alone because the fetch cannot be trusted.
        RemovalsSkipped = "REMOVALS_SKIPPED",
        /// A full run would have removed more than `maxRemovalRatio` of the owned products: it removed none and
        /// holds them back, for an operator to apply from the run page.
        RemovalsHeldBack = "REMOVALS_HELD_BACK",
        /// Notice: a targeted (webhook) run was answered 404 for a product the sync owns; it removes nothing and
        /// leaves the product to the next full sync.
        RemovalLeftToFullSync = "REMOVAL_LEFT_TO_FULL_SYNC",
        /// Notice: a run applying held-back removals left one of them alone (listed upstream again, no longer in
        /// the store, already a draft).
        HeldRemovalSkipped = "HELD_REMOVAL_SKIPPED",
        /// An owned product's `external_id` is not `dummyjson:<positive id>`; it is left alone.
        UnrecognizedExternalId = "UNRECOGNIZED_EXTERNAL_ID",
        /// The product's category has no store category (it should have been created from the taxonomy plan
        /// first). The product is rejected; if the sync owns it, it is left untouched.
        UnknownCategory = "UNKNOWN_CATEGORY",
        /// One of the product's tags has no store tag (it should have been created from the taxonomy plan first). The
        /// product is rejected; if the sync owns it, it is left untouched.
        UnknownTag = "UNKNOWN_TAG",
        /// A synced product's variant has no inventory item, so its stock cannot be set.
        MissingInventoryItem = "MISSING_INVENTORY_ITEM",
        /// Medusa refused a write.
        WriteFailed = "WRITE_FAILED",
        /// The source answered 404 for an image.
        ImageNotFound = "IMAGE_NOT_FOUND",
        /// The source answered another error status for an image, or kept failing.
        ImageHttpError = "IMAGE_HTTP_ERROR",
        /// An image host could not be reached (network error or timeout).
        ImageUnreachable = "IMAGE_UNREACHABLE",
        /// An image body is not an image (wrong content type, unknown or truncated bytes).
        ImageNotAnImage = "IMAGE_NOT_AN_IMAGE",
        /// An image is larger than `imageMaxBytes`.
        ImageTooLarge = "IMAGE_TOO_LARGE",
        /// An image is of a type the sync does not copy (SVG).
        ImageUnsupportedType = "IMAGE_UNSUPPORTED_TYPE",
        /// An image URL is not an absolute http(s) URL.
        ImageInvalidUrl = "IMAGE_INVALID_URL",
        /// Medusa's File module refused to store an image.
        ImageUploadFailed = "IMAGE_UPLOAD_FAILED",
        /// An image request was refused before it went out: its host (or a redirect's) resolves to a
        /// non-public address, or the redirects lead elsewhere than http(s). The product is written without it.
        ImageRefused = "IMAGE_REFUSED",
        /// A product has more images than `maxImagesPerProduct`; the extra ones are left out.
        TooManyImages = "TOO_MANY_IMAGES",
        /// The run reached its deadline (`runTimeoutMs`) and stopped.
        RunTimeout = "RUN_TIMEOUT",
    }
}

codes! {
    /// The stable code of an error a core function throws to the host (the `.code` of the JavaScript `Error`).
    pub enum CoreErrorCode {
        /// A plugin option is invalid.
        InvalidOption = "INVALID_OPTION",
        /// A source page body is not a valid envelope (truncated, not JSON, wrong types); retryable.
        MalformedPage = "MALFORMED_PAGE",
        /// A category list body is not a list of categories. No function throws it today: the category plan
        /// falls back to names derived from the slugs.
        MalformedCategories = "MALFORMED_CATEGORIES",
        /// The source announced more products (`maxProducts`) or needs more requests (`maxPages`) than a run
        /// accepts, or sent more products than it announced.
        SourceTooLarge = "SOURCE_TOO_LARGE",
        /// A source request kept failing (network errors, timeouts, 5xx, 429, malformed bodies) until the
        /// retries ran out, or the source asked to wait too long.
        SourceUnavailable = "SOURCE_UNAVAILABLE",
        /// The source answered a status that is not retried (404 for a page, 400, 401...).
        SourceHttpError = "SOURCE_HTTP_ERROR",
        /// A source answer is larger than `pageMaxBytes`.
        SourceAnswerTooLarge = "SOURCE_ANSWER_TOO_LARGE",
        /// A source request was redirected out of the source's origin, or redirected too many times.
        SourceRedirectRefused = "SOURCE_REDIRECT_REFUSED",
        /// The run reached its deadline (`runTimeoutMs`).
        RunTimeout = "RUN_TIMEOUT",
        /// The host passed a value of the wrong shape (or out of range) to a core function.
        InvalidInput = "INVALID_INPUT",
        /// The webhook is off: no secret is configured.
        WebhookSecretMissing = "WEBHOOK_SECRET_MISSING",
        /// A webhook body is larger than the limit.
        WebhookBodyTooLarge = "WEBHOOK_BODY_TOO_LARGE",
        /// A webhook signature header is absent or empty.
        WebhookSignatureMissing = "WEBHOOK_SIGNATURE_MISSING",
        /// A webhook signature header is not in the expected format.
        WebhookSignatureMalformed = "WEBHOOK_SIGNATURE_MALFORMED",
        /// A webhook signature does not match the body and timestamp.
        WebhookSignatureMismatch = "WEBHOOK_SIGNATURE_MISMATCH",
        /// A webhook timestamp is outside the replay window.
        WebhookTimestampStale = "WEBHOOK_TIMESTAMP_STALE",
        /// A webhook body is not a valid webhook body.
        WebhookBodyInvalid = "WEBHOOK_BODY_INVALID",
        /// A run's held removals were asked to be applied, but it held back none.
        NoHeldRemovals = "NO_HELD_REMOVALS",
        /// A run's held removals were asked to be applied again: another run applies or applied them.
        RemovalsAlreadyApplied = "REMOVALS_ALREADY_APPLIED",
        /// A run that is not a preview was asked to be applied.
        NotAPreview = "NOT_A_PREVIEW",
        /// A preview that has not ended, or did not end well, was asked to be applied.
        PreviewNotApplicable = "PREVIEW_NOT_APPLICABLE",
        /// A preview older than `previewTtlMs` was asked to be applied.
        PreviewExpired = "PREVIEW_EXPIRED",
        /// A preview was asked to be applied again: another run applies or applied it.
        PreviewAlreadyApplied = "PREVIEW_ALREADY_APPLIED",
        /// An apply run found the source or the store changed since its preview; it wrote nothing.
        PreviewOutdated = "PREVIEW_OUTDATED",
        /// Medusa has not created its store yet.
        StoreNotReady = "STORE_NOT_READY",
        /// The `salesChannelId` option names a channel the store does not have.
        UnknownSalesChannel = "UNKNOWN_SALES_CHANNEL",
        /// The `stockLocationId` option names a location the store does not have.
        UnknownStockLocation = "UNKNOWN_STOCK_LOCATION",
        /// A host function injected into the core failed or answered the wrong type.
        HostCallFailed = "HOST_CALL_FAILED",
        /// A result could not be handed to JavaScript (a bug, or a number beyond 2^53).
        InternalError = "INTERNAL_ERROR",
        /// The core panicked (a bug, never bad input). Thrown by the package wrapper, which also reloads the
        /// WebAssembly module; never returned by a Rust function.
        CorePanic = "CORE_PANIC",
    }
}

/// A product the sync created earlier, as found in the store, with what it lacks (see [`crate::snapshot`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
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
    /// Id of the sync's variant (`null`: the product lacks it, the plan completes it).
    pub variant_id: Option<String>,
    /// The other variants of the product (added in the admin): every update lists them, because Medusa treats
    /// an update's `variants` as the full list and deletes the variants it does not name.
    #[serde(default)]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub other_variant_ids: Vec<String>,
    /// Whether the sync's variant has a price set (`false`: the link is gone, the plan gives it a new one).
    #[serde(default = "linked")]
    #[ts(as = "Option<bool>", optional)]
    pub price_set_linked: bool,
    /// Every price of the sync's variant outside price lists: an update sends them all back with their ids
    /// (Medusa deletes the prices an update does not name) and changes only the one in the sync's currency.
    #[serde(default)]
    #[ts(as = "Option<Vec<OwnedPrice>>", optional)]
    pub prices: Vec<OwnedPrice>,
    /// Set when the sync's variant manages inventory but has no live inventory item: the plan creates one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub missing_inventory_item: Option<InventoryGap>,
    /// The product's images (so an update keeps the unchanged ones; absent means none).
    #[serde(default)]
    #[ts(as = "Option<Vec<OwnedImage>>", optional)]
    pub images: Vec<OwnedImage>,
}

/// A product the sync owns that the store check found exactly as its ledger row records it (same product, same
/// `updated_at` on the product and on the sync's variant, which still has its price set and inventory item; see
/// `crate::snapshot`): known without reading its relations. The plan leaves it alone while its content is
/// unchanged and it is published; to update it, the plan first asks for its full row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecordedProduct {
    /// Medusa product id.
    pub id: String,
    /// `dummyjson:<source id>`.
    pub external_id: String,
    /// Current handle.
    pub handle: String,
    /// Current status.
    pub status: String,
    /// The content fingerprint the ledger recorded (the one in the product's metadata).
    pub fingerprint: Option<String>,
    /// The sync's variant, as the ledger recorded it.
    pub variant_id: Option<String>,
}

/// Serde default of [`OwnedProduct::price_set_linked`]: a row that does not say is linked.
fn linked() -> bool {
    true
}

/// A price of a variant, outside price lists: `{ id, currency_code, amount }` (amount in major units).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OwnedPrice {
    /// Price id.
    pub id: String,
    /// Lowercase currency code.
    pub currency_code: String,
    /// Amount in major units.
    pub amount: f64,
    /// Whether the price has rules (a region price, a quantity tier...): never the sync's own price.
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub conditional: bool,
}

/// The sync's variant manages inventory but has no live inventory item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InventoryGap {
    /// The item a link still points at although it was deleted (the link is dismissed first), if any.
    pub dangling_item_id: Option<String>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_serializes_as_its_text_and_reads_back() {
        let run = RunErrorCode::ALL
            .iter()
            .map(|code| (code.as_str(), serde_json::to_value(code)));
        let core = CoreErrorCode::ALL
            .iter()
            .map(|code| (code.as_str(), serde_json::to_value(code)));
        for (text, value) in run.chain(core) {
            assert_eq!(value.unwrap(), serde_json::json!(text));
            assert!(
                text.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
                "{text}"
            );
        }
        for &code in RunErrorCode::ALL {
            assert_eq!(
                serde_json::from_value::<RunErrorCode>(code.as_str().into()).unwrap(),
                code
            );
        }
        assert_eq!(RunErrorCode::ALL.len(), 28);
        assert_eq!(CoreErrorCode::ALL.len(), 30);
    }

    #[test]
    fn an_excerpt_keeps_the_start_and_the_end_of_a_long_text_at_character_boundaries() {
        let short = "x".repeat(EXCERPT_HEAD_BYTES + EXCERPT_TAIL_BYTES);
        assert_eq!(excerpt(&short), short);
        let long = format!("{}{}", "é".repeat(1000), "ß".repeat(1000));
        let quoted = excerpt(&long);
        assert_eq!(
            quoted,
            format!("{}…{}", "é".repeat(96), "ß".repeat(48)),
            "two-byte characters are never split"
        );
        assert!(quoted.len() <= EXCERPT_HEAD_BYTES + EXCERPT_TAIL_BYTES + "…".len());
    }

    #[test]
    fn a_stored_error_with_a_code_this_version_does_not_have_reads_back_unchanged() {
        let stored = serde_json::json!({ "source_id": 3, "field": null, "code": "RETIRED_CODE", "message": "m" });
        let error: RunError = serde_json::from_value(stored.clone()).unwrap();
        assert_eq!(error.code, "RETIRED_CODE");
        assert!(!error.has_code(RunErrorCode::InvalidField));
        assert_eq!(serde_json::to_value(&error).unwrap(), stored);
        let known = RunError::new(None, None, RunErrorCode::WriteFailed, "refused");
        assert!(known.has_code(RunErrorCode::WriteFailed));
        assert_eq!(known.code, "WRITE_FAILED");
        assert!(!error.is_notice());
    }

    #[test]
    fn only_the_two_removal_notices_are_notices() {
        let notices: Vec<&str> = RunErrorCode::ALL
            .iter()
            .filter(|code| code.is_notice())
            .map(|code| code.as_str())
            .collect();
        assert_eq!(
            notices,
            ["REMOVAL_LEFT_TO_FULL_SYNC", "HELD_REMOVAL_SKIPPED"]
        );
        let notice = RunError::new(Some(4), None, RunErrorCode::HeldRemovalSkipped, "m");
        assert!(notice.is_notice());
        let problem = RunError::new(None, None, RunErrorCode::RemovalsHeldBack, "m");
        assert!(!problem.is_notice());
    }
}
