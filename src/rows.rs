//! The store's rows of the sync's products, as the host reads them (Medusa's keys), and what one row says.
//!
//! Two reads, two shapes:
//!
//! * the **stamps** ([`ProductStamp`]): every product the sync owns with its ids, `updated_at`, status, handle and
//!   the links the sync depends on (sales channels, each variant's price set and live inventory items), and
//!   nothing of the relations' content. The store check ([`crate::snapshot`]) compares them with the ledger on
//!   every run; they are cheap to read whatever the size of the catalog;
//! * the **full rows** ([`StoreProductRow`], Query): a product with its metadata, images, every variant with its
//!   prices and inventory item links. Read only for the products that need a write or a repair.
//!
//! From a full row: which variant is the sync's ([`variant_facts`]), its prices, price set and inventory item, the
//! owned product the plan works on ([`owned_product`]) and the ledger row that records the product as it is
//! ([`ledger_row_of`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::ledger::{key_of_external_id, LedgerRow, LedgerState};
use crate::model::{InventoryGap, OwnedImage, OwnedPrice, OwnedProduct};

/// Metadata key of the content fingerprint.
pub const FINGERPRINT_KEY: &str = "catalog_sync_fingerprint";
/// Metadata key of the images fingerprint.
pub const IMAGES_FINGERPRINT_KEY: &str = "catalog_sync_images_fingerprint";
/// Metadata key of the source SKU (the sync's variant carries the same SKU).
const SKU_KEY: &str = "sku";

/// `{ id }` of a linked record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IdRow {
    /// The record's id.
    pub id: String,
}

/// A price of a variant as Query reads it (`variants.prices`: every price of the variant's price set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PriceRow {
    /// Price id.
    pub id: String,
    /// Lowercase currency code.
    pub currency_code: String,
    /// Amount in major units.
    pub amount: f64,
    /// Number of rules (a region price has some).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub rules_count: Option<u64>,
    /// Quantity tier lower bound.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub min_quantity: Option<f64>,
    /// Quantity tier upper bound.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub max_quantity: Option<f64>,
    /// The price list the price belongs to (such prices are the price list's, not the variant's).
    #[serde(default)]
    pub price_list_id: Option<String>,
}

/// The link of a variant to an inventory item: `{ inventory_item_id, inventory: { id } | null }` (`inventory` is
/// `null` when the item was deleted and the link left behind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InventoryLinkRow {
    /// Inventory item id.
    pub inventory_item_id: String,
    /// The live item.
    #[serde(default)]
    pub inventory: Option<IdRow>,
}

/// A variant as the snapshot query reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StoreVariantRow {
    /// Variant id.
    pub id: String,
    /// SKU.
    #[serde(default)]
    pub sku: Option<String>,
    /// Whether the variant manages inventory.
    #[serde(default)]
    pub manage_inventory: bool,
    /// `updated_at`, ISO 8601.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Its price set (`null`: the link is gone).
    #[serde(default)]
    pub price_set: Option<IdRow>,
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
    /// `updated_at`, ISO 8601.
    #[serde(default)]
    pub updated_at: Option<String>,
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

impl StoreProductRow {
    /// A text value of the product's metadata.
    pub fn metadata_text(&self, key: &str) -> Option<String> {
        self.metadata
            .as_ref()
            .and_then(|metadata| metadata.get(key))
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// Whether the product is in this sales channel.
    pub fn in_channel(&self, channel_id: &str) -> bool {
        self.sales_channels
            .iter()
            .flatten()
            .any(|channel| channel.id == channel_id)
    }
}

/// What one product row says about the sync's variant.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantFacts<'a> {
    /// The sync's variant, if the product still has it.
    pub variant: Option<&'a StoreVariantRow>,
    /// The product's other variants.
    pub other_variant_ids: Vec<String>,
    /// Whether the sync's variant has a price set.
    pub price_set_linked: bool,
    /// Its prices outside price lists.
    pub prices: Vec<OwnedPrice>,
    /// Its live inventory item.
    pub inventory_item_id: Option<String>,
    /// Set when it manages inventory without a live item.
    pub inventory_gap: Option<InventoryGap>,
}

impl VariantFacts<'_> {
    /// Whether the product has everything a finished create gives it: a variant with a price set, a price in
    /// `currency_code` and, when it manages inventory, its item.
    pub fn complete(&self, currency_code: &str) -> bool {
        self.variant.is_some()
            && self.price_set_linked
            && crate::mapping::sync_price(&self.prices, currency_code).is_some()
            && self.inventory_gap.is_none()
    }
}

/// Which variant of a product is the sync's: the one with the source SKU (kept in the product's metadata; SKUs
/// are unique in Medusa), else the one the ledger recorded, else — for a product the ledger does not know yet —
/// the oldest one (variant ids are time-ordered; the sync created its variant with the product).
fn sync_variant<'a>(
    row: &'a StoreProductRow,
    recorded_variant_id: Option<&str>,
    recorded: bool,
) -> Option<&'a StoreVariantRow> {
    let variants = row.variants.as_deref().unwrap_or_default();
    let sku = row.metadata_text(SKU_KEY);
    sku.as_deref()
        .and_then(|sku| variants.iter().find(|v| v.sku.as_deref() == Some(sku)))
        .or_else(|| {
            recorded_variant_id.and_then(|id| variants.iter().find(|variant| variant.id == id))
        })
        .or_else(|| {
            if recorded {
                None
            } else {
                variants.iter().min_by(|a, b| a.id.cmp(&b.id))
            }
        })
}

/// The facts of a product row. `recorded` is the sync's variant as the product's ledger row names it, if any.
pub fn variant_facts<'a>(row: &'a StoreProductRow, recorded: Option<&str>) -> VariantFacts<'a> {
    let variant = sync_variant(row, recorded, recorded.is_some());
    let other_variant_ids = row
        .variants
        .iter()
        .flatten()
        .filter(|other| Some(other.id.as_str()) != variant.map(|v| v.id.as_str()))
        .map(|other| other.id.clone())
        .collect();
    let prices: Vec<OwnedPrice> = variant
        .and_then(|variant| variant.prices.as_deref())
        .unwrap_or_default()
        .iter()
        .filter(|price| price.price_list_id.is_none())
        .map(|price| OwnedPrice {
            id: price.id.clone(),
            currency_code: price.currency_code.clone(),
            amount: price.amount,
            conditional: price.rules_count.unwrap_or(0) > 0
                || price.min_quantity.is_some()
                || price.max_quantity.is_some(),
        })
        .collect();
    let price_set_linked = variant.is_some_and(|v| v.price_set.is_some() || !prices.is_empty());
    let links = variant
        .and_then(|variant| variant.inventory_items.as_deref())
        .unwrap_or_default();
    let live = links.iter().find(|link| link.inventory.is_some());
    let inventory_gap = match (variant, live) {
        (Some(variant), None) if variant.manage_inventory => Some(InventoryGap {
            dangling_item_id: links.first().map(|link| link.inventory_item_id.clone()),
        }),
        _ => None,
    };
    VariantFacts {
        variant,
        other_variant_ids,
        price_set_linked,
        prices,
        inventory_item_id: live.map(|link| link.inventory_item_id.clone()),
        inventory_gap,
    }
}

/// The `complete` ledger row recording a product as the store has it (its fingerprints from its metadata),
/// written by `run_id`; `None` when the product's `external_id` is not the sync's.
pub fn ledger_row_of(
    row: &StoreProductRow,
    facts: &VariantFacts<'_>,
    run_id: &str,
) -> Option<LedgerRow> {
    let key = key_of_external_id(&row.external_id)?;
    Some(LedgerRow {
        source: key.source,
        source_id: key.source_id,
        state: LedgerState::Complete,
        product_id: Some(row.id.clone()),
        variant_id: facts.variant.map(|variant| variant.id.clone()),
        inventory_item_id: facts.inventory_item_id.clone(),
        fingerprint: row.metadata_text(FINGERPRINT_KEY),
        images_fingerprint: row.metadata_text(IMAGES_FINGERPRINT_KEY),
        image_ids: Some(row.images.clone().unwrap_or_default()),
        product_updated_at: row.updated_at.clone(),
        variant_updated_at: facts.variant.and_then(|variant| variant.updated_at.clone()),
        run_id: Some(run_id.to_string()),
    })
}

/// The owned product the plan works on, from a full row and its facts.
pub fn owned_product(row: &StoreProductRow, facts: VariantFacts<'_>) -> OwnedProduct {
    OwnedProduct {
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
    }
}

/// A variant as the stamps read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VariantStamp {
    /// Variant id.
    pub id: String,
    /// `updated_at`, ISO 8601 (variant fields and prices edited through the variant move it).
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Whether the variant manages inventory.
    #[serde(default)]
    pub manage_inventory: bool,
    /// Whether it is linked to a price set.
    #[serde(default)]
    pub price_set: bool,
    /// The live inventory items linked to it (deleted items and dismissed links left out).
    #[serde(default)]
    pub inventory_items: Vec<String>,
}

/// A product the sync owns as the stamps read it: no relation's content, only what tells whether the store still
/// holds the product as the ledger recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductStamp {
    /// Product id.
    pub id: String,
    /// `dummyjson:<source id>`.
    pub external_id: String,
    /// Handle.
    pub handle: String,
    /// Status.
    pub status: String,
    /// `updated_at`, ISO 8601 (the product's own fields edited move it; images, prices and links do not).
    #[serde(default)]
    pub updated_at: Option<String>,
    /// The ids of its sales channels.
    #[serde(default)]
    pub sales_channels: Vec<String>,
    /// Its variants.
    #[serde(default)]
    pub variants: Vec<VariantStamp>,
}

/// Whether two ISO 8601 timestamps name the same instant, to the millisecond: a store read and a ledger row may
/// differ by one millisecond for the same value (the database keeps microseconds, JavaScript dates keep
/// milliseconds and round some of them down by one). A missing or unreadable timestamp matches nothing.
///
/// ```
/// use catalog_sync::rows::same_instant;
/// assert!(same_instant(Some("2026-12-01T10:00:00.029Z"), Some("2026-12-01T10:00:00.028Z")));
/// assert!(same_instant(Some("2026-12-01T11:00:00.000+01:00"), Some("2026-12-01T10:00:00Z")));
/// // PostgreSQL's JSON text of a `timestamptz` (the host's stamps statement) against a JavaScript date's:
/// assert!(same_instant(Some("2026-12-01T10:00:00.028917+00:00"), Some("2026-12-01T10:00:00.028Z")));
/// assert!(!same_instant(Some("2026-12-01T10:00:00.000Z"), Some("2026-12-01T10:00:00.002Z")));
/// assert!(!same_instant(None, None));
/// ```
pub fn same_instant(a: Option<&str>, b: Option<&str>) -> bool {
    match (a.and_then(iso_millis), b.and_then(iso_millis)) {
        (Some(a), Some(b)) => (a - b).abs() <= 1,
        _ => false,
    }
}

/// Milliseconds since the Unix epoch of an ISO 8601 timestamp `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH[:MM])` (also with
/// a space for the `T`); digits beyond the millisecond are dropped.
fn iso_millis(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let number = |from: usize, len: usize| -> Option<i64> {
        let digits = bytes.get(from..from + len)?;
        digits.iter().try_fold(0i64, |value, &byte| {
            byte.is_ascii_digit()
                .then(|| value * 10 + i64::from(byte - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if separators
        .iter()
        .any(|&(at, byte)| bytes.get(at) != Some(&byte))
        || !matches!(bytes.get(10), Some(b'T' | b' '))
    {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    let mut at = 19;
    let mut millis = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while bytes.get(at).is_some_and(u8::is_ascii_digit) {
            if at - start < 3 {
                millis = millis * 10 + i64::from(bytes[at] - b'0');
            }
            at += 1;
        }
        if at == start {
            return None;
        }
        for _ in (at - start)..3 {
            millis *= 10;
        }
    }
    let offset_minutes = match bytes.get(at) {
        Some(b'Z') if at + 1 == bytes.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let hours = number(at + 1, 2)?;
            let rest = &bytes[at + 3..];
            let minutes = match rest {
                [] => 0,
                [b':', _, _] => number(at + 4, 2)?,
                [_, _] => number(at + 3, 2)?,
                _ => return None,
            };
            let total = hours * 60 + minutes;
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1_000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_timestamps_read_as_milliseconds_since_the_epoch() {
        assert_eq!(iso_millis("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(iso_millis("1970-01-01T00:00:01Z"), Some(1_000));
        assert_eq!(
            iso_millis("2026-12-06T21:16:20.123456Z"),
            Some(1_796_591_780_123)
        );
        assert_eq!(
            iso_millis("2026-12-06 22:16:20.1+01:00"),
            Some(1_796_591_780_100)
        );
        assert_eq!(
            iso_millis("2026-12-06T20:16:20.12-0100"),
            Some(1_796_591_780_120)
        );
        assert_eq!(iso_millis("2000-02-29T00:00:00Z"), Some(951_782_400_000));
        for bad in [
            "",
            "2026-12-06",
            "2026-12-06T21:16:20",
            "2026-13-06T21:16:20Z",
            "2026-12-06T21:16:20.Z",
            "2026-12-06T21:16:20Zx",
            "2026/12/06T21:16:20Z",
        ] {
            assert_eq!(iso_millis(bad), None, "{bad}");
        }
    }
}
