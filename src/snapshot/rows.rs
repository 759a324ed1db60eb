//! The store's rows of the sync's products, as the host reads them with Query (Medusa's keys), and the facts the
//! snapshot and the ledger take from one row: which variant is the sync's, its prices, price set and inventory
//! item, and the ledger row that records the product as it is.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::ledger::{key_of_external_id, LedgerRow, LedgerState};
use crate::model::{InventoryGap, OwnedImage, OwnedPrice};

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

/// The facts of a product row. `ledger` is the product's ledger row, if any.
pub fn variant_facts<'a>(row: &'a StoreProductRow, ledger: Option<&LedgerRow>) -> VariantFacts<'a> {
    let recorded = ledger.and_then(|row| row.variant_id.as_deref());
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
