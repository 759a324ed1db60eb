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
use crate::model::{Fingerprints, OwnedImage, OwnedProduct, RunError, RunErrorCode, SourceId};
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

/// The variant of an updated product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VariantUpdateInput {
    /// Id of the existing variant; absent only when the snapshot has no variant (Medusa then creates one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub id: Option<String>,
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
    /// `{ Default: "Default" }`, sent only with a variant to create (no `id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub options: Option<DefaultOptionValue>,
    /// Always carried (updating a variant without prices can drop them, Medusa #11176).
    pub prices: Vec<PriceInput>,
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

/// The inventory item, with its level at `location_id`, of a product about to be created.
pub fn inventory_item_input(
    product: &MappedProduct,
    location_id: &str,
) -> InventoryItemCreateInput {
    InventoryItemCreateInput {
        sku: product.sku.clone(),
        title: DEFAULT_OPTION.to_string(),
        description: DEFAULT_OPTION.to_string(),
        requires_shipping: true,
        location_levels: vec![LocationLevelInput {
            location_id: location_id.to_string(),
            stocked_quantity: product.stock,
        }],
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
    /// The single variant, with its id and price id.
    pub variants: Vec<VariantUpdateInput>,
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
    pub images: &'a ImageResolver<'a>,
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
            .map(|url| context.images.resolve(&url).to_string()),
        images: product
            .images
            .iter()
            .map(|url| ImageInput {
                id: None,
                url: context.images.resolve(url).to_string(),
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
        variants: vec![VariantCreateInput {
            title: DEFAULT_OPTION.to_string(),
            sku: product.sku,
            barcode: product.barcode,
            manage_inventory: true,
            allow_backorder: false,
            options: DefaultOptionValue::new(),
            prices: vec![PriceInput {
                id: None,
                currency_code: product.currency_code,
                amount: product.amount,
            }],
        }],
        sales_channels: sales_channel_id.map(|id| vec![SalesChannelRef { id: id.to_string() }]),
        title: product.title,
    }
}

/// The `updateProductsWorkflow` entry of an owned product whose content or status changed.
///
/// Keeps the owned handle, targets the owned variant and price, carries the price always and the images only
/// when `images_changed`.
pub fn update_input(
    product: MappedProduct,
    owned: &OwnedProduct,
    fingerprints: Fingerprints,
    images_changed: bool,
) -> ProductUpdateInput {
    let metadata = metadata(product.metadata, product.source_id, fingerprints);
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
        variants: vec![VariantUpdateInput {
            options: owned.variant_id.is_none().then(DefaultOptionValue::new),
            id: owned.variant_id.clone(),
            title: DEFAULT_OPTION.to_string(),
            sku: product.sku,
            barcode: product.barcode,
            manage_inventory: true,
            allow_backorder: false,
            prices: vec![PriceInput {
                id: owned.price_id.clone(),
                currency_code: product.currency_code,
                amount: product.amount,
            }],
        }],
        title: product.title,
    }
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
