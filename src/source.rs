//! The source model: DummyJSON products, product pages and the category list, parsed from raw bodies.
//!
//! Parsing is tolerant where the sync can be (unknown fields are ignored, optional fields may be missing or
//! `null`, `brand` is absent on half the catalog) and strict on what it needs. Each product is validated on
//! its own: a product without a positive integer `id`, without a non-empty `title`, with a `price` that is not
//! a finite non-negative number, with a `stock` that is not a non-negative integer, or with an optional field
//! of the wrong type is rejected with a [`RunError`] naming the product and the field; the others go on.
//!
//! Speed: a page envelope is parsed with `products` as borrowed [`RawValue`]s, then every product goes
//! through a typed fast path that allocates no `serde_json::Value` and borrows its text from the body. Only a
//! product that fails the fast path is parsed into a `Value` to diagnose precisely which field is wrong. A
//! planner that reads a few fields of every accepted product takes them from [`accepted_products`], which
//! validates the same way and copies no text.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::handles::to_handle;
use crate::model::{excerpt, CoreErrorCode, RunError, RunErrorCode, SourceId};

/// Every top-level product field the sync reads (all of DummyJSON's product fields except `reviews`).
/// A page request can `select` exactly these.
pub const SOURCE_FIELDS: &[&str] = &[
    "id",
    "title",
    "description",
    "category",
    "price",
    "discountPercentage",
    "rating",
    "stock",
    "tags",
    "brand",
    "sku",
    "weight",
    "dimensions",
    "warrantyInformation",
    "shippingInformation",
    "availabilityStatus",
    "returnPolicy",
    "minimumOrderQuantity",
    "meta",
    "images",
    "thumbnail",
];

/// Physical dimensions of a product, in the source's units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Dimensions {
    /// Width.
    pub width: Option<f64>,
    /// Height.
    pub height: Option<f64>,
    /// Depth (Medusa's `length`).
    pub depth: Option<f64>,
}

/// A validated source product: everything the sync reads from one DummyJSON product.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceProduct {
    /// Positive source id.
    pub id: SourceId,
    /// Non-empty title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Category slug, e.g. `home-decoration`.
    pub category: Option<String>,
    /// Price in major units of the source currency (USD), finite and non-negative.
    pub price: f64,
    /// Discount in percent.
    pub discount_percentage: Option<f64>,
    /// Average rating.
    pub rating: Option<f64>,
    /// Units in stock.
    pub stock: u64,
    /// Tag values, in source order (`null` or absent gives no tags).
    pub tags: Vec<String>,
    /// Brand, absent on about half of DummyJSON's products.
    pub brand: Option<String>,
    /// Stock keeping unit.
    pub sku: Option<String>,
    /// Weight.
    pub weight: Option<f64>,
    /// Dimensions.
    pub dimensions: Option<Dimensions>,
    /// Warranty text.
    pub warranty_information: Option<String>,
    /// Shipping text.
    pub shipping_information: Option<String>,
    /// Availability, e.g. `In Stock`.
    pub availability_status: Option<String>,
    /// Return policy text.
    pub return_policy: Option<String>,
    /// Minimum order quantity.
    pub minimum_order_quantity: Option<u64>,
    /// Barcode (`meta.barcode`).
    pub barcode: Option<String>,
    /// Image URLs, in source order.
    pub images: Vec<String>,
    /// Thumbnail URL.
    pub thumbnail: Option<String>,
}

/// The typed fast-path shape of one product, as DummyJSON spells it; its text borrowed from the body when it
/// has no escapes.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProduct<'a> {
    id: u64,
    #[serde(borrow)]
    title: Text<'a>,
    #[serde(borrow)]
    description: Option<Text<'a>>,
    #[serde(default, borrow, deserialize_with = "non_null")]
    category: Option<Text<'a>>,
    price: f64,
    discount_percentage: Option<f64>,
    rating: Option<f64>,
    stock: u64,
    #[serde(borrow)]
    tags: Option<Vec<Text<'a>>>,
    #[serde(borrow)]
    brand: Option<Text<'a>>,
    #[serde(borrow)]
    sku: Option<Text<'a>>,
    weight: Option<f64>,
    dimensions: Option<Dimensions>,
    #[serde(borrow)]
    warranty_information: Option<Text<'a>>,
    #[serde(borrow)]
    shipping_information: Option<Text<'a>>,
    #[serde(borrow)]
    availability_status: Option<Text<'a>>,
    #[serde(borrow)]
    return_policy: Option<Text<'a>>,
    minimum_order_quantity: Option<u64>,
    #[serde(borrow)]
    meta: Option<RawMeta<'a>>,
    #[serde(borrow)]
    images: Option<Vec<Text<'a>>>,
    #[serde(borrow)]
    thumbnail: Option<Text<'a>>,
}

/// `meta` of a product: only the barcode is read.
#[derive(Deserialize)]
struct RawMeta<'a> {
    #[serde(borrow)]
    barcode: Option<Text<'a>>,
}

/// The text of a product field: borrowed from the body, or owned when the JSON string has escapes. (serde
/// borrows a `Cow<str>` only as a direct field, not inside an `Option` or a `Vec`.)
struct Text<'a>(Cow<'a, str>);

impl Text<'_> {
    fn owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_string())))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// A product the validation accepted, its text still borrowed from the body: what a planner that reads a few
/// fields of every product uses ([`accepted_products`]), without copying the rest.
pub struct AcceptedProduct<'a> {
    raw: RawProduct<'a>,
}

impl<'a> AcceptedProduct<'a> {
    /// The product's source id.
    pub fn id(&self) -> SourceId {
        self.raw.id
    }

    /// The category slug, if any.
    pub fn category(&self) -> Option<&str> {
        self.raw.category.as_ref().map(|text| text.0.as_ref())
    }

    /// The tag values, in source order.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.raw.tags.iter().flatten().map(|text| text.0.as_ref())
    }

    /// The whole product, its text copied.
    fn into_source_product(self) -> SourceProduct {
        let raw = self.raw;
        let text = |value: Option<Text<'_>>| value.map(Text::owned);
        let texts = |values: Option<Vec<Text<'_>>>| {
            values
                .unwrap_or_default()
                .into_iter()
                .map(Text::owned)
                .collect()
        };
        SourceProduct {
            id: raw.id,
            title: raw.title.owned(),
            description: text(raw.description),
            category: text(raw.category),
            price: raw.price,
            discount_percentage: raw.discount_percentage,
            rating: raw.rating,
            stock: raw.stock,
            tags: texts(raw.tags),
            brand: text(raw.brand),
            sku: text(raw.sku),
            weight: raw.weight,
            dimensions: raw.dimensions,
            warranty_information: text(raw.warranty_information),
            shipping_information: text(raw.shipping_information),
            availability_status: text(raw.availability_status),
            return_policy: text(raw.return_policy),
            minimum_order_quantity: raw.minimum_order_quantity,
            barcode: text(raw.meta.and_then(|meta| meta.barcode)),
            images: texts(raw.images),
            thumbnail: text(raw.thumbnail),
        }
    }
}

/// Where a product entry came from, to name it when it has no usable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryOrigin {
    /// Entry `index` (0-based) of a page that skipped `skip` products.
    Page {
        /// The page's `skip`.
        skip: u64,
        /// Position of the entry in the page's `products`.
        index: usize,
    },
    /// The body of a single-product request.
    Single,
}

impl EntryOrigin {
    fn describe(self) -> String {
        match self {
            EntryOrigin::Page { skip, index } => {
                format!(
                    "the product at catalog position {}",
                    skip + index as u64 + 1
                )
            }
            EntryOrigin::Single => "the single-product answer".to_string(),
        }
    }
}

/// A parsed page envelope. Its products are validated one at a time, as [`SourcePage::entries`] yields them:
/// the page holds only a reference into the body per product, so that a page of many tiny invalid entries
/// (`[0,0,0,...]`, two bytes each) costs 16 bytes per entry instead of a whole rejected product each.
#[derive(Debug, Clone)]
pub struct SourcePage<'a> {
    /// Products in the whole catalog, as announced by the source.
    pub total: u64,
    /// Products skipped before this page.
    pub skip: u64,
    /// `limit` as answered by the source.
    pub limit: u64,
    /// The text of every entry of `products`, in order.
    products: Vec<&'a RawValue>,
}

impl SourcePage<'_> {
    /// Every entry of `products`, in order, validated as it is yielded: a valid product, or the error that
    /// rejected it.
    pub fn entries(&self) -> impl Iterator<Item = Result<SourceProduct, RunError>> + '_ {
        self.products.iter().enumerate().map(|(index, product)| {
            parse_entry(
                product.get(),
                EntryOrigin::Page {
                    skip: self.skip,
                    index,
                },
            )
        })
    }

    /// The valid products of the page, in order.
    pub fn products(&self) -> impl Iterator<Item = SourceProduct> + '_ {
        self.entries().filter_map(Result::ok)
    }

    /// The rejections of the page, in order.
    pub fn rejected(&self) -> impl Iterator<Item = RunError> + '_ {
        self.entries().filter_map(Result::err)
    }
}

/// A source body that cannot be used at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// A `/products` page body is not a `{ products: [...], total, skip, limit }` envelope.
    #[error("malformed product page: {reason}")]
    MalformedPage {
        /// What is wrong (serde's message, with line and column).
        reason: String,
    },
    /// A `/products/categories` body is not a list of `{ slug, name }` objects or slug strings.
    #[error("malformed category list: {reason}")]
    MalformedCategories {
        /// What is wrong.
        reason: String,
    },
}

impl SourceError {
    /// Stable error code: `MALFORMED_PAGE` or `MALFORMED_CATEGORIES`.
    pub fn code(&self) -> CoreErrorCode {
        match self {
            SourceError::MalformedPage { .. } => CoreErrorCode::MalformedPage,
            SourceError::MalformedCategories { .. } => CoreErrorCode::MalformedCategories,
        }
    }
}

#[derive(Deserialize)]
struct RawPage<'a> {
    total: u64,
    skip: u64,
    limit: u64,
    #[serde(borrow)]
    products: Vec<&'a RawValue>,
}

impl RawPage<'_> {
    /// Where the page's product number `index` came from.
    fn origin(&self, index: usize) -> EntryOrigin {
        EntryOrigin::Page {
            skip: self.skip,
            index,
        }
    }
}

/// Parses a `/products` page body; every product is validated on its own.
///
/// ```
/// use catalog_sync::source::parse_page;
/// let body = r#"{"products":[{"id":1,"title":"A","price":1.5,"stock":3},{"id":2,"title":"B","price":"abc","stock":1}],
///               "total":2,"skip":0,"limit":2}"#;
/// let page = parse_page(body).unwrap();
/// assert_eq!(page.products().count(), 1);
/// let error = page.rejected().next().unwrap();
/// assert_eq!(error.message, r#"product 2: field "price" must be a non-negative number (got "abc")"#);
/// ```
pub fn parse_page(body: &str) -> Result<SourcePage<'_>, SourceError> {
    let raw = read_page(body)?;
    Ok(SourcePage {
        total: raw.total,
        skip: raw.skip,
        limit: raw.limit,
        products: raw.products,
    })
}

/// The products of a `/products` page body that [`parse_page`] accepts, their text borrowed from the body; the
/// rejected ones are left out (`parse_page` reports them).
///
/// ```
/// use catalog_sync::source::accepted_products;
/// let body = r#"{"products":[{"id":1,"title":"A","price":1,"stock":3,"tags":["x"]},{"id":2,"title":"B","price":"abc","stock":1}],
///               "total":2,"skip":0,"limit":2}"#;
/// let accepted = accepted_products(body).unwrap();
/// assert_eq!(accepted.iter().map(|p| p.id()).collect::<Vec<_>>(), [1]);
/// assert_eq!(accepted[0].tags().collect::<Vec<_>>(), ["x"]);
/// ```
pub fn accepted_products(body: &str) -> Result<Vec<AcceptedProduct<'_>>, SourceError> {
    let raw = read_page(body)?;
    Ok(raw
        .products
        .iter()
        .enumerate()
        .filter_map(|(index, product)| accept(product.get(), raw.origin(index)).ok())
        .collect())
}

/// The body of `GET /products/:id` as an [`AcceptedProduct`], when [`parse_product`] accepts it.
pub fn accepted_product(body: &str) -> Option<AcceptedProduct<'_>> {
    accept(body, EntryOrigin::Single).ok()
}

/// The envelope of a page body, its products still unread.
fn read_page(body: &str) -> Result<RawPage<'_>, SourceError> {
    serde_json::from_str(body).map_err(|error| SourceError::MalformedPage {
        reason: excerpt(&error.to_string()),
    })
}

/// Parses the body of `GET /products/:id` (one product object).
///
/// ```
/// use catalog_sync::source::parse_product;
/// let product = parse_product(r#"{"id":5,"title":"Lamp","price":20,"stock":0,"reviews":[]}"#).unwrap();
/// assert_eq!((product.id, product.title.as_str()), (5, "Lamp"));
/// assert_eq!(parse_product(r#"{"message":"Product with id '9' not found"}"#).unwrap_err().code, "MISSING_FIELD");
/// ```
pub fn parse_product(body: &str) -> Result<SourceProduct, RunError> {
    parse_entry(body, EntryOrigin::Single)
}

/// Validates one product given as JSON text.
pub fn parse_entry(json: &str, origin: EntryOrigin) -> Result<SourceProduct, RunError> {
    accept(json, origin).map(AcceptedProduct::into_source_product)
}

/// Validates one product: the typed fast path, then the value checks; a product it refuses is diagnosed by
/// the slow path, which names the field.
fn accept(json: &str, origin: EntryOrigin) -> Result<AcceptedProduct<'_>, RunError> {
    let raw: RawProduct<'_> =
        serde_json::from_str(json).map_err(|error| diagnose(json, origin, &error))?;
    check_values(&raw, origin)?;
    Ok(AcceptedProduct { raw })
}

/// The value checks types alone cannot express, on a product whose types are right.
fn check_values(raw: &RawProduct<'_>, origin: EntryOrigin) -> Result<(), RunError> {
    if raw.id == 0 {
        return Err(field_error(
            None,
            origin,
            "id",
            RunErrorCode::InvalidField,
            Expect::PositiveInteger.requirement(),
            Some(&Value::from(0)),
        ));
    }
    let id = Some(raw.id);
    if raw.title.0.trim().is_empty() {
        let shown = Value::String(raw.title.0.to_string());
        return Err(field_error(
            id,
            origin,
            "title",
            RunErrorCode::InvalidField,
            Expect::NonEmptyString.requirement(),
            Some(&shown),
        ));
    }
    if !raw.price.is_finite() || raw.price < 0.0 {
        // `f64`'s Display writes `-1` for -1.0, as the source most likely spelled it.
        return Err(RunError::new(
            id,
            Some("price"),
            RunErrorCode::InvalidField,
            format!(
                "product {}: field \"price\" {} (got {})",
                raw.id,
                Expect::NonNegativeNumber.requirement(),
                raw.price
            ),
        ));
    }
    if let Some(category) = &raw.category {
        if to_handle(&category.0).is_empty() {
            let shown = Value::String(category.0.to_string());
            return Err(field_error(
                id,
                origin,
                "category",
                RunErrorCode::InvalidField,
                "must be a category slug with at least one letter or digit",
                Some(&shown),
            ));
        }
    }
    Ok(())
}

/// The type a product field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    PositiveInteger,
    NonEmptyString,
    NonNegativeNumber,
    NonNegativeInteger,
    String,
    Number,
    StringArray,
    Dimensions,
    Meta,
}

impl Expect {
    fn requirement(self) -> &'static str {
        match self {
            Expect::PositiveInteger => "must be a positive integer",
            Expect::NonEmptyString => "must be a non-empty string",
            Expect::NonNegativeNumber => "must be a non-negative number",
            Expect::NonNegativeInteger => "must be a non-negative integer",
            Expect::String => "must be a string",
            Expect::Number => "must be a number",
            Expect::StringArray => "must be an array of strings",
            Expect::Dimensions => "must be an object of numbers width, height and depth",
            Expect::Meta => "must be an object",
        }
    }

    /// Whether `value` (not `null`) has the expected type. Value checks (`id > 0`, non-empty title, ...) are
    /// made by [`check_values`].
    fn accepts(self, value: &Value) -> bool {
        match self {
            Expect::PositiveInteger | Expect::NonNegativeInteger => value.is_u64(),
            Expect::NonEmptyString | Expect::String => value.is_string(),
            Expect::NonNegativeNumber | Expect::Number => value.is_number(),
            Expect::StringArray => value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string)),
            Expect::Dimensions | Expect::Meta => value.is_object(),
        }
    }
}

/// Product fields with their type; `true` when the field is required.
const SCHEMA: &[(&str, Expect, bool)] = &[
    ("id", Expect::PositiveInteger, true),
    ("title", Expect::NonEmptyString, true),
    ("price", Expect::NonNegativeNumber, true),
    ("stock", Expect::NonNegativeInteger, true),
    ("description", Expect::String, false),
    ("category", Expect::String, false),
    ("discountPercentage", Expect::Number, false),
    ("rating", Expect::Number, false),
    ("tags", Expect::StringArray, false),
    ("brand", Expect::String, false),
    ("sku", Expect::String, false),
    ("weight", Expect::Number, false),
    ("dimensions", Expect::Dimensions, false),
    ("warrantyInformation", Expect::String, false),
    ("shippingInformation", Expect::String, false),
    ("availabilityStatus", Expect::String, false),
    ("returnPolicy", Expect::String, false),
    ("minimumOrderQuantity", Expect::NonNegativeInteger, false),
    ("meta", Expect::Meta, false),
    ("images", Expect::StringArray, false),
    ("thumbnail", Expect::String, false),
];

/// Optional fields that may be absent but never `null`: an explicit `null` category would silently unlink the
/// product from its store category, so such a product is rejected instead.
const NON_NULLABLE: &[&str] = &["category"];

/// Deserializes an optional field that may be absent (`#[serde(default)]`) but not `null`.
fn non_null<'de: 'a, 'a, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Text<'a>>, D::Error> {
    Text::deserialize(deserializer).map(Some)
}

/// Nested fields checked when their parent object is present.
const NESTED: &[(&str, &str, Expect)] = &[
    ("dimensions", "width", Expect::Number),
    ("dimensions", "height", Expect::Number),
    ("dimensions", "depth", Expect::Number),
    ("meta", "barcode", Expect::String),
];

/// Slow path: finds which field made the typed parse fail, for a precise error.
fn diagnose(json: &str, origin: EntryOrigin, parse_error: &serde_json::Error) -> RunError {
    let value: Value = match serde_json::from_str(json) {
        Ok(value) => value,
        // Not representable as a `Value` either (e.g. `1e400`, out of `f64` range): let the typed parse say where.
        Err(error) => return unreadable(json, origin, &error),
    };
    let Some(object) = value.as_object() else {
        return RunError::new(
            None,
            None,
            RunErrorCode::MalformedProduct,
            format!(
                "{}: must be a JSON object (got {})",
                origin.describe(),
                shown(&value)
            ),
        );
    };
    let id = object
        .get("id")
        .and_then(Value::as_u64)
        .filter(|&id| id > 0);
    for &(field, expect, required) in SCHEMA {
        match object.get(field) {
            None if required => {
                return field_error(
                    id,
                    origin,
                    field,
                    RunErrorCode::MissingField,
                    "is required but missing",
                    None,
                )
            }
            Some(Value::Null) if required => {
                return field_error(
                    id,
                    origin,
                    field,
                    RunErrorCode::MissingField,
                    expect.requirement(),
                    Some(&Value::Null),
                )
            }
            Some(Value::Null) if NON_NULLABLE.contains(&field) => {
                return field_error(
                    id,
                    origin,
                    field,
                    RunErrorCode::InvalidField,
                    expect.requirement(),
                    Some(&Value::Null),
                )
            }
            Some(found) if !found.is_null() && !expect.accepts(found) => {
                return field_error(
                    id,
                    origin,
                    field,
                    RunErrorCode::InvalidField,
                    expect.requirement(),
                    Some(found),
                )
            }
            _ => {}
        }
    }
    for &(parent, child, expect) in NESTED {
        let found = object.get(parent).and_then(|parent| parent.get(child));
        if let Some(found) = found.filter(|found| !found.is_null() && !expect.accepts(found)) {
            return field_error(
                id,
                origin,
                &format!("{parent}.{child}"),
                RunErrorCode::InvalidField,
                expect.requirement(),
                Some(found),
            );
        }
    }
    // The schema mirrors `RawProduct`, so only what the schema cannot see gets here (e.g. a repeated key).
    unreadable(json, origin, parse_error)
}

/// Only the id of a product, for naming a product whose body cannot be read as a whole.
#[derive(Deserialize)]
struct IdProbe {
    id: Option<u64>,
}

/// An error for a product that the schema check cannot explain: the field comes from the typed parse's
/// path (`serde_path_to_error`), the id from a parse of `id` alone.
fn unreadable(json: &str, origin: EntryOrigin, error: &serde_json::Error) -> RunError {
    if let Err(syntax) = serde_json::from_str::<serde::de::IgnoredAny>(json) {
        return RunError::new(
            None,
            None,
            RunErrorCode::MalformedProduct,
            format!(
                "{}: not valid JSON ({})",
                origin.describe(),
                excerpt(&syntax.to_string())
            ),
        );
    }
    let id = serde_json::from_str::<IdProbe>(json)
        .ok()
        .and_then(|probe| probe.id)
        .filter(|&id| id > 0);
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let path = serde_path_to_error::deserialize::<_, RawProduct>(&mut deserializer)
        .err()
        .map(|error| error.path().to_string())
        .filter(|path| path != ".");
    let label = product_label(id, origin);
    let error = excerpt(&error.to_string());
    match path {
        Some(path) => RunError::new(
            id,
            Some(&path),
            RunErrorCode::InvalidField,
            format!("{label}: field \"{path}\" cannot be read ({error})"),
        ),
        None => RunError::new(
            id,
            None,
            RunErrorCode::MalformedProduct,
            format!("{label}: not a readable product ({error})"),
        ),
    }
}

fn product_label(id: Option<SourceId>, origin: EntryOrigin) -> String {
    match id {
        Some(id) => format!("product {id}"),
        None => origin.describe(),
    }
}

/// A field error: `product 17: field "price" must be a non-negative number (got "abc")`.
fn field_error(
    id: Option<SourceId>,
    origin: EntryOrigin,
    field: &str,
    code: RunErrorCode,
    requirement: &str,
    found: Option<&Value>,
) -> RunError {
    let label = product_label(id, origin);
    let message = match found {
        Some(found) => format!(
            "{label}: field \"{field}\" {requirement} (got {})",
            shown(found)
        ),
        None => format!("{label}: field \"{field}\" {requirement}"),
    };
    RunError::new(id, Some(field), code, message)
}

/// A value as compact JSON, cut at 80 characters.
fn shown(value: &Value) -> String {
    const LIMIT: usize = 80;
    let text = value.to_string();
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// One entry of `GET /products/categories`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceCategory {
    /// Category slug, e.g. `home-decoration`.
    pub slug: String,
    /// Display name, e.g. `Home Decoration`; `None` when the source gave only the slug.
    pub name: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawCategory {
    Object { slug: String, name: Option<String> },
    Slug(String),
}

/// Parses the body of `GET /products/categories`: `[{ slug, name, url }]` (current DummyJSON) or `["slug"]`
/// (older DummyJSON).
///
/// ```
/// use catalog_sync::source::parse_categories;
/// let list = parse_categories(r#"[{"slug":"home-decoration","name":"Home Decoration","url":"x"}]"#).unwrap();
/// assert_eq!(list[0].name.as_deref(), Some("Home Decoration"));
/// ```
pub fn parse_categories(body: &str) -> Result<Vec<SourceCategory>, SourceError> {
    let raw: Vec<RawCategory> =
        serde_json::from_str(body).map_err(|error| SourceError::MalformedCategories {
            reason: excerpt(&error.to_string()),
        })?;
    Ok(raw
        .into_iter()
        .map(|category| match category {
            RawCategory::Object { slug, name } => SourceCategory { slug, name },
            RawCategory::Slug(slug) => SourceCategory { slug, name: None },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(product: &str) -> RunError {
        parse_entry(product, EntryOrigin::Page { skip: 30, index: 2 }).unwrap_err()
    }

    #[test]
    fn schema_lists_every_source_field() {
        let schema: Vec<&str> = SCHEMA.iter().map(|(field, _, _)| *field).collect();
        for field in SOURCE_FIELDS {
            assert!(schema.contains(field), "{field}");
        }
        assert_eq!(schema.len(), SOURCE_FIELDS.len());
        assert!(!SOURCE_FIELDS.contains(&"reviews"));
    }

    #[test]
    fn missing_id_is_named_by_position() {
        let error = rejected(r#"{"title":"A","price":1,"stock":1}"#);
        assert!(error.has_code(RunErrorCode::MissingField));
        assert_eq!(error.source_id, None);
        assert_eq!(
            error.message,
            "the product at catalog position 33: field \"id\" is required but missing"
        );
    }

    #[test]
    fn null_category_is_rejected_but_a_missing_one_is_not() {
        let error = rejected(r#"{"id":6,"title":"A","price":1,"stock":1,"category":null}"#);
        assert!(error.has_code(RunErrorCode::InvalidField));
        assert_eq!(error.field.as_deref(), Some("category"));
        assert_eq!(error.source_id, Some(6));
        let product = parse_entry(
            r#"{"id":6,"title":"A","price":1,"stock":1}"#,
            EntryOrigin::Single,
        )
        .unwrap();
        assert_eq!(product.category, None);
    }

    #[test]
    fn fractional_and_negative_stock_are_rejected() {
        let error = rejected(r#"{"id":4,"title":"A","price":1,"stock":3.5}"#);
        assert_eq!(
            error.message,
            "product 4: field \"stock\" must be a non-negative integer (got 3.5)"
        );
        let error = rejected(r#"{"id":4,"title":"A","price":1,"stock":-1}"#);
        assert_eq!(error.field.as_deref(), Some("stock"));
    }

    #[test]
    fn nested_fields_are_named_with_their_path() {
        let error =
            rejected(r#"{"id":4,"title":"A","price":1,"stock":1,"dimensions":{"width":"wide"}}"#);
        assert_eq!(error.field.as_deref(), Some("dimensions.width"));
    }

    #[test]
    fn negative_price_and_blank_title_are_rejected() {
        let error = rejected(r#"{"id":4,"title":"A","price":-0.5,"stock":1}"#);
        assert_eq!(
            error.message,
            "product 4: field \"price\" must be a non-negative number (got -0.5)"
        );
        let error = rejected(r#"{"id":4,"title":"  ","price":1,"stock":1}"#);
        assert_eq!(error.field.as_deref(), Some("title"));
    }

    #[test]
    fn nulls_in_optional_fields_are_absent_values() {
        let product = parse_entry(
            r#"{"id":4,"title":"A","price":1,"stock":1,"brand":null,"tags":null,"meta":{"barcode":null}}"#,
            EntryOrigin::Single,
        )
        .unwrap();
        assert_eq!(product.brand, None);
        assert!(product.tags.is_empty());
    }

    #[test]
    fn out_of_range_numbers_are_named_by_field() {
        let error = rejected(r#"{"id":4,"title":"A","price":1e400,"stock":1}"#);
        assert_eq!(error.source_id, Some(4));
        assert_eq!(error.field.as_deref(), Some("price"));
        assert!(error
            .message
            .starts_with("product 4: field \"price\" cannot be read"));
    }

    #[test]
    fn repeated_keys_are_reported() {
        let error = rejected(r#"{"id":4,"title":"A","title":"B","price":1,"stock":1}"#);
        assert_eq!(error.source_id, Some(4));
        assert!(
            error.message.contains("duplicate field `title`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn malformed_envelope_is_a_page_error() {
        let error = parse_page(r#"{"products":[{"id":1}],"total":1"#).unwrap_err();
        assert_eq!(error.code().as_str(), "MALFORMED_PAGE");
    }

    #[test]
    fn errors_quote_only_an_excerpt_of_a_long_value() {
        let long = "x".repeat(100_000);
        let page = format!(r#"{{"products":[],"total":"{long}","skip":0,"limit":0}}"#);
        let error = parse_page(&page).unwrap_err().to_string();
        assert!(error.len() < 400, "{} bytes", error.len());
        assert!(
            error.ends_with("expected u64 at line 1 column 100025"),
            "{error}"
        );
        let categories = parse_categories(&format!("\"{long}\"")).unwrap_err();
        assert!(categories.to_string().len() < 400);
        let repeated = format!(
            r#"{{"id":4,"title":"A","price":1,"stock":1,"dimensions":{{"width":"{long}","width":1}}}}"#
        );
        let error = rejected(&repeated);
        assert_eq!(error.field.as_deref(), Some("dimensions.width"));
        assert!(error.message.len() < 400, "{} bytes", error.message.len());
    }

    #[test]
    fn a_page_validates_its_entries_as_they_are_read() {
        let body = r#"{"products":[0,{"id":2,"title":"B","price":1,"stock":1},[]],"total":3,"skip":6,"limit":3}"#;
        let page = parse_page(body).unwrap();
        let entries: Vec<_> = page.entries().collect();
        assert_eq!(entries.len(), 3);
        assert_eq!(
            entries[0].as_ref().unwrap_err().message,
            "the product at catalog position 7: must be a JSON object (got 0)"
        );
        assert_eq!(entries[1].as_ref().unwrap().id, 2);
        assert!(entries[2]
            .as_ref()
            .unwrap_err()
            .message
            .contains("position 9"));
        assert_eq!(page.products().count(), 1);
        assert_eq!(page.rejected().count(), 2);
    }
}
