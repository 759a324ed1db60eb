//! Mapping: a validated [`SourceProduct`] becomes Medusa 2.x workflow inputs.
//!
//! [`map_product`] resolves categories and tags to store ids and produces a [`MappedProduct`] (the content the
//! sync writes); [`create_input`] and [`update_input`] turn it into `createProductsWorkflow` /
//! `updateProductsWorkflow` inputs, whose keys are exactly Medusa's (snake_case).
//!
//! # Price amounts
//! Medusa v2 stores prices in **major units** as decimals: 19.99 USD is `amount: 19.99`, not `1999`. Evidence
//! in the exact code we run against (`@medusajs/*` 2.21.2):
//! * `@medusajs/pricing/dist/models/price.js`: `amount: model.bigNumber()`; `@medusajs/utils/dist/totals/
//!   big-number.js` stores such values as decimal strings with 20 significant digits
//!   (`DEFAULT_PRECISION = 20`) and uses `MEDUSA_DEFAULT_CURRENCY_EPSILON = 0.01`, i.e. one cent in major
//!   units;
//! * `@medusajs/payment-stripe/dist/utils/get-smallest-unit.js` multiplies stored amounts by the currency's
//!   multiplier before sending them to Stripe, which only makes sense for major-unit amounts;
//! * Medusa's docs (lint rule `prices-in-major-units`): "Medusa expects prices in major units, such as 19.99
//!   rather than 1999".
//!
//! So the source price goes through unchanged, in the configured currency (no currency conversion: the store
//! owner picks the currency the source prices are meant in).
//!
//! # Metadata
//! Source fields without a value are written as `null` rather than omitted: Medusa *merges* product metadata
//! on update (`@medusajs/product` `normalizeUpdateProductInput` → `mergeMetadata`), so an omitted key would
//! keep a stale value (e.g. a brand removed upstream).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::images::ImageResolver;
use crate::model::{
    Fingerprints, OwnedImage, OwnedPrice, OwnedProduct, RunError, RunErrorCode, SourceId,
};
use crate::source::SourceProduct;
use crate::taxonomy::{CategoryIndex, TagIndex};

/// Prefix of `external_id`: `dummyjson:<source id>`.
pub const EXTERNAL_ID_PREFIX: &str = "dummyjson:";
/// Title and value of the single product option and of the single variant.
pub const DEFAULT_OPTION: &str = "Default";

/// The `external_id` of a source product.
pub fn external_id(source_id: SourceId) -> String {
    format!("{EXTERNAL_ID_PREFIX}{source_id}")
}

/// The source id in an `external_id` written by the sync, if it is one.
///
/// ```
/// use catalog_sync::mapping::source_id_of;
/// assert_eq!(source_id_of("dummyjson:17"), Some(17));
/// assert_eq!(source_id_of("shopify:17"), None);
/// assert_eq!(source_id_of("dummyjson:0"), None);
/// ```
pub fn source_id_of(external_id: &str) -> Option<SourceId> {
    let digits = external_id.strip_prefix(EXTERNAL_ID_PREFIX)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|&id| id > 0)
}

/// A product image: `{ id?, url }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImageInput {
    /// Id of the product's existing image with this URL (updates only): Medusa keeps that image instead of
    /// deleting it and creating a new one (Medusa #13806).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub id: Option<String>,
    /// Image URL: the stored copy's URL (`images: "upload"`), or the source URL.
    pub url: String,
}

/// Product status as Medusa names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ProductStatus {
    /// Hidden from the storefront (how products missing upstream are archived).
    Draft,
    /// Visible; every product the sync writes is published.
    Published,
}

/// A product option: `{ title, values }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductOptionInput {
    /// Option title (`Default`).
    pub title: String,
    /// Option values (`["Default"]`).
    pub values: Vec<String>,
}

/// A variant's option values: `{ Default: "Default" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DefaultOptionValue {
    /// Value of the `Default` option.
    #[serde(rename = "Default")]
    pub default: String,
}

impl DefaultOptionValue {
    fn new() -> Self {
        DefaultOptionValue {
            default: DEFAULT_OPTION.to_string(),
        }
    }
}

/// A variant price: `{ id?, currency_code, amount }`, amount in major units (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PriceInput {
    /// Id of the existing price (updates only), so Medusa updates it instead of adding one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub id: Option<String>,
    /// Lowercase ISO 4217 currency code.
    pub currency_code: String,
    /// Amount in major units, e.g. `19.99`.
    pub amount: f64,
}

/// The variant of a created product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VariantCreateInput {
    /// Variant title (`Default`).
    pub title: String,
    /// SKU (unique in Medusa).
    pub sku: Option<String>,
    /// Barcode (unique in Medusa).
    pub barcode: Option<String>,
    /// Always `true`: stock levels are synced.
    pub manage_inventory: bool,
    /// Always `false`.
    pub allow_backorder: bool,
    /// `{ Default: "Default" }`.
    pub options: DefaultOptionValue,
    /// One price in the configured currency.
    pub prices: Vec<PriceInput>,
}

/// The sync's variant of an updated product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VariantUpdateInput {
    /// Id of the existing variant.
    pub id: String,
    /// Variant title (`Default`).
    pub title: String,
    /// SKU.
    pub sku: Option<String>,
    /// Barcode.
    pub barcode: Option<String>,
    /// Always `true`.
    pub manage_inventory: bool,
    /// Always `false`.
    pub allow_backorder: bool,
    /// The variant's full price list: every price it has outside price lists, with its id (Medusa deletes the
    /// prices an update does not name), the one in the sync's currency at the source amount (added when
    /// missing). Absent when the variant has no price set: Medusa would ignore the prices, so a completion gives
    /// it a price set ([`ProductCompletion::prices`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub prices: Option<Vec<PriceInput>>,
}

/// A variant of an updated product that the sync does not own (added in the admin): named by its id only, so
/// Medusa keeps it as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KeptVariant {
    /// The variant's id.
    pub id: String,
}

/// One entry of an update's `variants`: the sync's variant with its changes, or another one kept as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum VariantEntry {
    /// The sync's variant.
    Synced(VariantUpdateInput),
    /// A variant the sync does not own.
    Kept(KeptVariant),
}

/// A sales channel reference: `{ id }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SalesChannelRef {
    /// Sales channel id.
    pub id: String,
}

/// Metadata taken from the source product (keys as written in Medusa).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SourceMetadata {
    /// Brand (`null` on about half of DummyJSON's products).
    pub brand: Option<String>,
    /// SKU.
    pub sku: Option<String>,
    /// Average rating.
    pub rating: Option<f64>,
    /// Discount in percent.
    #[serde(rename = "discountPercentage")]
    pub discount_percentage: Option<f64>,
    /// Warranty text.
    #[serde(rename = "warrantyInformation")]
    pub warranty_information: Option<String>,
    /// Shipping text.
    #[serde(rename = "shippingInformation")]
    pub shipping_information: Option<String>,
    /// Return policy text.
    #[serde(rename = "returnPolicy")]
    pub return_policy: Option<String>,
    /// Minimum order quantity.
    #[serde(rename = "minimumOrderQuantity")]
    #[ts(type = "number | null")]
    pub minimum_order_quantity: Option<u64>,
    /// Barcode.
    pub barcode: Option<String>,
    /// Availability, e.g. `In Stock`.
    #[serde(rename = "availabilityStatus")]
    pub availability_status: Option<String>,
}

/// The full metadata the sync writes: the source's plus the `catalog_sync_*` bookkeeping keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductMetadata {
    /// Metadata taken from the source.
    #[serde(flatten)]
    pub source: SourceMetadata,
    /// Source id.
    #[ts(type = "number")]
    pub catalog_sync_source_id: SourceId,
    /// Content fingerprint (see [`crate::fingerprint`]).
    pub catalog_sync_fingerprint: String,
    /// Images fingerprint.
    pub catalog_sync_images_fingerprint: String,
}

/// Input of `createProductsWorkflow` for one product (Medusa's snake_case keys).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductCreateInput {
    /// Title.
    pub title: String,
    /// Unique handle (see [`crate::handles`]).
    pub handle: String,
    /// Description.
    pub description: Option<String>,
    /// Always `published`.
    pub status: ProductStatus,
    /// `dummyjson:<source id>`.
    pub external_id: String,
    /// Thumbnail URL.
    pub thumbnail: Option<String>,
    /// Images, in source order.
    pub images: Vec<ImageInput>,
    /// Store tag ids.
    pub tag_ids: Vec<String>,
    /// Store category ids.
    pub category_ids: Vec<String>,
    /// Weight.
    pub weight: Option<f64>,
    /// Width (source `dimensions.width`).
    pub width: Option<f64>,
    /// Height (source `dimensions.height`).
    pub height: Option<f64>,
    /// Length (source `dimensions.depth`).
    pub length: Option<f64>,
    /// Always `true`.
    pub discountable: bool,
    /// Metadata.
    pub metadata: ProductMetadata,
    /// `[{ title: "Default", values: ["Default"] }]`.
    pub options: Vec<ProductOptionInput>,
    /// The single variant.
    pub variants: Vec<VariantCreateInput>,
    /// `[{ id }]` when a sales channel is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sales_channels: Option<Vec<SalesChannelRef>>,
}

/// An inventory level to create with an inventory item: `{ location_id, stocked_quantity }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LocationLevelInput {
    /// The sync's stock location.
    pub location_id: String,
    /// The source stock.
    #[ts(type = "number")]
    pub stocked_quantity: u64,
}

/// The inventory item of a created product's variant, as `createInventoryItemsWorkflow` takes it: what Medusa's
/// own default item for the variant would be (`createDefaultInventoryItem`: the variant's SKU, its title as
/// title and description, shipping required), plus its level at the sync's stock location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InventoryItemCreateInput {
    /// The variant's SKU.
    pub sku: Option<String>,
    /// The variant's title (`Default`).
    pub title: String,
    /// The variant's title (`Default`), as Medusa's default item has it.
    pub description: String,
    /// Always `true`.
    pub requires_shipping: bool,
    /// The level at the sync's stock location.
    pub location_levels: Vec<LocationLevelInput>,
    /// Marks the item as the sync's, for the product with this `external_id` (see
    /// [`crate::stock::orphaned_inventory_items`]).
    pub metadata: InventoryItemMetadata,
}

/// Metadata key marking an inventory item the sync created (see [`InventoryItemMetadata`]).
pub const INVENTORY_ITEM_MARKER: &str = "catalog_sync_external_id";

/// How the sync marks what it owns in the store, for the host's queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncMarkers {
    /// Prefix of the `external_id` of every product the sync owns ([`EXTERNAL_ID_PREFIX`]).
    pub external_id_prefix: &'static str,
    /// Metadata key present on every inventory item the sync creates ([`INVENTORY_ITEM_MARKER`]).
    pub inventory_item_marker: &'static str,
}

/// The sync's markers: the `external_id` prefix of its products and the metadata key of its inventory items.
///
/// ```
/// use catalog_sync::mapping::{external_id, sync_markers};
/// let markers = sync_markers();
/// assert!(external_id(17).starts_with(markers.external_id_prefix));
/// assert_eq!(markers.inventory_item_marker, "catalog_sync_external_id");
/// ```
pub fn sync_markers() -> SyncMarkers {
    SyncMarkers {
        external_id_prefix: EXTERNAL_ID_PREFIX,
        inventory_item_marker: INVENTORY_ITEM_MARKER,
    }
}

/// Metadata of an inventory item the sync creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InventoryItemMetadata {
    /// `external_id` of the product the item was created for.
    pub catalog_sync_external_id: String,
}

/// The inventory item of a product (or variant) about to be created, with its level at `location_id` when the
/// location is known.
pub fn inventory_item_input(
    product: &MappedProduct,
    location_id: Option<&str>,
) -> InventoryItemCreateInput {
    InventoryItemCreateInput {
        sku: product.sku.clone(),
        title: DEFAULT_OPTION.to_string(),
        description: DEFAULT_OPTION.to_string(),
        requires_shipping: true,
        location_levels: location_id
            .map(|location_id| LocationLevelInput {
                location_id: location_id.to_string(),
                stocked_quantity: product.stock,
            })
            .into_iter()
            .collect(),
        metadata: InventoryItemMetadata {
            catalog_sync_external_id: external_id(product.source_id),
        },
    }
}

/// One entry of `updateProductsWorkflow`'s `products` (Medusa's snake_case keys).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductUpdateInput {
    /// Medusa product id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The owned product's handle (handles are stable).
    pub handle: String,
    /// Description.
    pub description: Option<String>,
    /// Always `published` (a product archived earlier comes back).
    pub status: ProductStatus,
    /// Thumbnail URL.
    pub thumbnail: Option<String>,
    /// Images, only when they changed; each one the product already has carries that image's id, so Medusa
    /// keeps it and creates only the new ones (without ids it re-creates every image, Medusa #13806).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub images: Option<Vec<ImageInput>>,
    /// Store tag ids.
    pub tag_ids: Vec<String>,
    /// Store category ids.
    pub category_ids: Vec<String>,
    /// Weight.
    pub weight: Option<f64>,
    /// Width.
    pub width: Option<f64>,
    /// Height.
    pub height: Option<f64>,
    /// Length.
    pub length: Option<f64>,
    /// Metadata (merged by Medusa; every key is sent).
    pub metadata: ProductMetadata,
    /// Every variant of the product (Medusa deletes the ones an update does not name): the sync's with its
    /// changes first, the others by id. Absent when the sync's variant is missing: the completion creates it
    /// with the source's content, and Medusa leaves the variants alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub variants: Option<Vec<VariantEntry>>,
}

/// What the sync writes for one product, before ids, handle and fingerprints are attached.
///
/// Every field but `stock` is covered by [`crate::fingerprint`]; the stock is not product content: it becomes
/// the stocked quantity of the variant's inventory level (see [`crate::stock`]), so a stock change moves only
/// that level and never rewrites the product.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedProduct {
    /// Source id.
    pub source_id: SourceId,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Thumbnail URL.
    pub thumbnail: Option<String>,
    /// Images, in source order.
    pub images: Vec<ImageInput>,
    /// Store tag ids, in source order, without duplicates.
    pub tag_ids: Vec<String>,
    /// Store category ids.
    pub category_ids: Vec<String>,
    /// Weight.
    pub weight: Option<f64>,
    /// Width.
    pub width: Option<f64>,
    /// Height.
    pub height: Option<f64>,
    /// Length.
    pub length: Option<f64>,
    /// Metadata from the source.
    pub metadata: SourceMetadata,
    /// Variant SKU.
    pub sku: Option<String>,
    /// Variant barcode.
    pub barcode: Option<String>,
    /// Lowercase currency code of the price.
    pub currency_code: String,
    /// Price in major units.
    pub amount: f64,
    /// Units in stock (the stocked quantity at the sync's stock location).
    pub stock: u64,
}

/// What [`map_product`] needs besides the product.
#[derive(Debug, Clone, Copy)]
pub struct MappingContext<'a> {
    /// Currency of the prices.
    pub currency_code: &'a str,
    /// Store categories by handle.
    pub categories: &'a CategoryIndex,
    /// Store tags by value.
    pub tags: &'a TagIndex,
    /// Which URL each source image URL is written as.
    pub images: &'a ImageResolver,
}

/// Maps a validated source product, resolving its category and tags to store ids.
///
/// Tags that are blank are skipped and repeated tags are written once (Medusa would refuse a blank tag and a
/// duplicate link). A category or tag without a store id rejects the product with
/// [`RunErrorCode::UnknownCategory`] / [`RunErrorCode::UnknownTag`] rather than writing it incompletely.
pub fn map_product(
    product: SourceProduct,
    context: &MappingContext<'_>,
) -> Result<MappedProduct, RunError> {
    let id = product.id;
    let category_ids = match &product.category {
        None => Vec::new(),
        Some(slug) => match context.categories.id_for_slug(slug) {
            Some(category_id) => vec![category_id.to_string()],
            None => {
                return Err(RunError::new(
                    Some(id),
                    Some("category"),
                    RunErrorCode::UnknownCategory,
                    format!("product {id}: category \"{slug}\" does not exist in the store"),
                ))
            }
        },
    };
    let mut tag_ids = Vec::with_capacity(product.tags.len());
    for (position, tag) in product.tags.iter().enumerate() {
        // A product has a handful of tags: a linear scan beats hashing.
        if tag.trim().is_empty() || product.tags[..position].contains(tag) {
            continue;
        }
        match context.tags.id_for_value(tag) {
            Some(tag_id) => tag_ids.push(tag_id.to_string()),
            None => {
                return Err(RunError::new(
                    Some(id),
                    Some("tags"),
                    RunErrorCode::UnknownTag,
                    format!("product {id}: tag \"{tag}\" does not exist in the store"),
                ))
            }
        }
    }
    let dimensions = product.dimensions.unwrap_or_default();
    Ok(MappedProduct {
        source_id: id,
        title: product.title,
        description: product.description,
        thumbnail: product
            .thumbnail
            .as_deref()
            .and_then(|url| context.images.resolve(url))
            .map(str::to_string),
        images: product
            .images
            .iter()
            .filter_map(|url| context.images.resolve(url))
            .map(|url| ImageInput {
                id: None,
                url: url.to_string(),
            })
            .collect(),
        tag_ids,
        category_ids,
        weight: product.weight,
        width: dimensions.width,
        height: dimensions.height,
        length: dimensions.depth,
        metadata: SourceMetadata {
            brand: product.brand,
            sku: product.sku.clone(),
            rating: product.rating,
            discount_percentage: product.discount_percentage,
            warranty_information: product.warranty_information,
            shipping_information: product.shipping_information,
            return_policy: product.return_policy,
            minimum_order_quantity: product.minimum_order_quantity,
            barcode: product.barcode.clone(),
            availability_status: product.availability_status,
        },
        sku: product.sku,
        barcode: product.barcode,
        currency_code: context.currency_code.to_string(),
        // `+ 0.0` turns a source `-0` into `0`.
        amount: product.price + 0.0,
        stock: product.stock,
    })
}

fn metadata(
    source: SourceMetadata,
    source_id: SourceId,
    fingerprints: Fingerprints,
) -> ProductMetadata {
    ProductMetadata {
        source,
        catalog_sync_source_id: source_id,
        catalog_sync_fingerprint: fingerprints.content,
        catalog_sync_images_fingerprint: fingerprints.images,
    }
}

/// The `createProductsWorkflow` input of a new product.
pub fn create_input(
    product: MappedProduct,
    handle: String,
    fingerprints: Fingerprints,
    sales_channel_id: Option<&str>,
) -> ProductCreateInput {
    let price = PriceInput {
        id: None,
        currency_code: product.currency_code.clone(),
        amount: product.amount,
    };
    let variant = variant_create_input(&product, vec![price]);
    let metadata = metadata(product.metadata, product.source_id, fingerprints);
    ProductCreateInput {
        handle,
        description: product.description,
        status: ProductStatus::Published,
        external_id: external_id(product.source_id),
        thumbnail: product.thumbnail,
        images: product.images,
        tag_ids: product.tag_ids,
        category_ids: product.category_ids,
        weight: product.weight,
        width: product.width,
        height: product.height,
        length: product.length,
        discountable: true,
        metadata,
        options: vec![ProductOptionInput {
            title: DEFAULT_OPTION.to_string(),
            values: vec![DEFAULT_OPTION.to_string()],
        }],
        variants: vec![variant],
        sales_channels: sales_channel_id.map(|id| vec![SalesChannelRef { id: id.to_string() }]),
        title: product.title,
    }
}

/// The sync's variant of a product, with these prices.
fn variant_create_input(product: &MappedProduct, prices: Vec<PriceInput>) -> VariantCreateInput {
    VariantCreateInput {
        title: DEFAULT_OPTION.to_string(),
        sku: product.sku.clone(),
        barcode: product.barcode.clone(),
        manage_inventory: true,
        allow_backorder: false,
        options: DefaultOptionValue::new(),
        prices,
    }
}

/// The `updateProductsWorkflow` entry of an owned product whose content or status changed (or whose variant
/// lacks a price in the sync's currency).
///
/// Keeps the owned handle, carries the images only when `images_changed`, and names every variant: the sync's
/// with its full price list ([`variant_prices`]), the others by id.
pub fn update_input(
    product: MappedProduct,
    owned: &OwnedProduct,
    fingerprints: Fingerprints,
    images_changed: bool,
) -> ProductUpdateInput {
    let metadata = metadata(product.metadata, product.source_id, fingerprints);
    let variants = owned.variant_id.as_ref().map(|variant_id| {
        let synced = VariantEntry::Synced(VariantUpdateInput {
            id: variant_id.clone(),
            title: DEFAULT_OPTION.to_string(),
            sku: product.sku,
            barcode: product.barcode,
            manage_inventory: true,
            allow_backorder: false,
            prices: owned
                .price_set_linked
                .then(|| variant_prices(&owned.prices, &product.currency_code, product.amount)),
        });
        let kept = owned
            .other_variant_ids
            .iter()
            .map(|id| VariantEntry::Kept(KeptVariant { id: id.clone() }));
        std::iter::once(synced).chain(kept).collect()
    });
    ProductUpdateInput {
        id: owned.id.clone(),
        handle: owned.handle.clone(),
        description: product.description,
        status: ProductStatus::Published,
        thumbnail: product.thumbnail,
        images: images_changed.then(|| keep_image_ids(product.images, &owned.images)),
        tag_ids: product.tag_ids,
        category_ids: product.category_ids,
        weight: product.weight,
        width: product.width,
        height: product.height,
        length: product.length,
        metadata,
        variants,
        title: product.title,
    }
}

/// The sync's own price among a variant's prices: the first one in `currency_code` without rules.
pub fn sync_price<'a>(prices: &'a [OwnedPrice], currency_code: &str) -> Option<&'a OwnedPrice> {
    prices
        .iter()
        .find(|price| price.currency_code == currency_code && !price.conditional)
}

/// A variant's full price list for an update: every price it has, with its id and amount, except the sync's own
/// ([`sync_price`]), which gets `amount`; a new price in `currency_code` when it has none. Prices in other
/// currencies (an operator's, or the sync's before a currency change) stay as they are.
///
/// ```
/// use catalog_sync::mapping::variant_prices;
/// use catalog_sync::model::OwnedPrice;
/// let eur = OwnedPrice { id: "price_eur".into(), currency_code: "eur".into(), amount: 9.0, conditional: false };
/// let prices = variant_prices(&[eur], "usd", 10.5);
/// assert_eq!(prices.len(), 2);
/// assert_eq!((prices[0].id.as_deref(), prices[0].amount), (Some("price_eur"), 9.0));
/// assert_eq!((prices[1].id.as_deref(), prices[1].currency_code.as_str(), prices[1].amount), (None, "usd", 10.5));
/// ```
pub fn variant_prices(prices: &[OwnedPrice], currency_code: &str, amount: f64) -> Vec<PriceInput> {
    let own = sync_price(prices, currency_code).map(|price| price.id.as_str());
    let mut list: Vec<PriceInput> = prices
        .iter()
        .map(|price| PriceInput {
            id: Some(price.id.clone()),
            currency_code: price.currency_code.clone(),
            amount: if Some(price.id.as_str()) == own {
                amount
            } else {
                price.amount
            },
        })
        .collect();
    if own.is_none() {
        list.push(PriceInput {
            id: None,
            currency_code: currency_code.to_string(),
            amount,
        });
    }
    list
}

/// What an owned product lacks, as Medusa workflow inputs: one entry of a `complete` batch. The product keeps
/// its id, and its variant keeps its id whenever it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductCompletion {
    /// Medusa product id.
    pub product_id: String,
    /// Source id (for reports).
    #[ts(type = "number")]
    pub source_id: SourceId,
    /// The sync's variant, when the product has none: created with `createProductVariantsWorkflow`, linked to
    /// its inventory item (created first, with its level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub variant: Option<VariantCompletion>,
    /// A new price set for a variant that lost its link to one (`upsertVariantPricesWorkflow` with
    /// `previousVariantIds: []`, which treats the variant as new).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub prices: Option<VariantPricesInput>,
    /// An inventory item for a variant that manages inventory without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub inventory_item: Option<InventoryItemCompletion>,
}

/// The variant to create on a product that has none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VariantCompletion {
    /// `createProductVariantsWorkflow`'s entry (the product id added to a created product's variant).
    pub variant: ProductVariantCreateInput,
    /// Its inventory item, with its level at the sync's stock location.
    pub inventory_item: InventoryItemCreateInput,
}

/// A variant to create on an existing product: `{ product_id, ...variant }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductVariantCreateInput {
    /// The product.
    pub product_id: String,
    /// The variant, as a created product's.
    #[serde(flatten)]
    pub variant: VariantCreateInput,
}

/// One entry of `upsertVariantPricesWorkflow`'s `variantPrices`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VariantPricesInput {
    /// The variant.
    pub variant_id: String,
    /// Its product.
    pub product_id: String,
    /// Its prices (the sync's currency's).
    pub prices: Vec<PriceInput>,
}

/// The inventory item to give a variant that has none: created with its level, then linked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InventoryItemCompletion {
    /// The variant.
    pub variant_id: String,
    /// A deleted item the variant is still linked to: the link is dismissed first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub dismiss_item_id: Option<String>,
    /// The item, with its level at the sync's stock location.
    pub item: InventoryItemCreateInput,
}

/// What an owned product still upstream lacks, as workflow inputs, or `None` when it lacks nothing the plan
/// completes. `location_id` is the sync's stock location (a created item gets its level there).
pub fn completion_input(
    product: &MappedProduct,
    owned: &OwnedProduct,
    location_id: Option<&str>,
) -> Option<ProductCompletion> {
    let price = || PriceInput {
        id: None,
        currency_code: product.currency_code.clone(),
        amount: product.amount,
    };
    let item = || inventory_item_input(product, location_id);
    let mut completion = ProductCompletion {
        product_id: owned.id.clone(),
        source_id: product.source_id,
        variant: None,
        prices: None,
        inventory_item: None,
    };
    match &owned.variant_id {
        None => {
            completion.variant = Some(VariantCompletion {
                variant: ProductVariantCreateInput {
                    product_id: owned.id.clone(),
                    variant: variant_create_input(product, vec![price()]),
                },
                inventory_item: item(),
            })
        }
        Some(variant_id) => {
            if !owned.price_set_linked {
                completion.prices = Some(VariantPricesInput {
                    variant_id: variant_id.clone(),
                    product_id: owned.id.clone(),
                    prices: vec![price()],
                });
            }
            if let Some(gap) = &owned.missing_inventory_item {
                completion.inventory_item = Some(InventoryItemCompletion {
                    variant_id: variant_id.clone(),
                    dismiss_item_id: gap.dangling_item_id.clone(),
                    item: item(),
                });
            }
        }
    }
    let lacks = completion.variant.is_some()
        || completion.prices.is_some()
        || completion.inventory_item.is_some();
    lacks.then_some(completion)
}

/// The images of an update, each carrying the id of the owned product's image with the same URL (first come,
/// first served when a URL repeats), so that Medusa keeps unchanged images and creates only the new ones.
fn keep_image_ids(images: Vec<ImageInput>, owned: &[OwnedImage]) -> Vec<ImageInput> {
    let mut available: Vec<&OwnedImage> = owned.iter().collect();
    images
        .into_iter()
        .map(|image| {
            let id = available
                .iter()
                .position(|candidate| candidate.url == image.url)
                .map(|position| available.remove(position).id.clone());
            ImageInput { id, ..image }
        })
        .collect()
}
