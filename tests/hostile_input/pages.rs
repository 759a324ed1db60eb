//! The source parsers on hostile bodies: `paging::read_page_header`, `source::parse_page` and
//! `source::accepted_products` (what the taxonomy plans read) on page bodies, `source::parse_product` and
//! `source::accepted_product` on single-product bodies, `source::parse_categories` on category lists.
//!
//! Properties, besides no panic and the allocation bound:
//! * a body is refused only with `MALFORMED_PAGE` (`MALFORMED_CATEGORIES` for a category list), and a page
//!   header that reads also reads as a whole page, with the same numbers and one entry per product;
//! * the taxonomy's reading (`accepted_products`, `accepted_product`) accepts exactly the products the plan's
//!   reading accepts;
//! * every rejected product is a run error with a code of [`RunErrorCode`], named in its message by its id
//!   (`product 7: ...`) or, without a usable id, by its place (`the product at catalog position 33: ...`,
//!   `the single-product answer: ...`), and by the field it names (`field "price" ...`);
//! * in a valid page with one product changed, the other products all go through, a change to a member the sync
//!   does not read never rejects the product, and a rejection names the changed field and (unless the change
//!   was to `id`) the product's id.

use catalog_sync::model::{CoreErrorCode, RunError, RunErrorCode};
use catalog_sync::paging::read_page_header;
use catalog_sync::source::{
    accepted_product, accepted_products, parse_categories, parse_page, parse_product,
    AcceptedProduct, SourceProduct, SOURCE_FIELDS,
};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};

use crate::allocation::peak_during;
use crate::codes::{core_code_is, message_is_short, run_error_code};
use crate::json::{as_text, edit, json, key_token, mutation, worst_shapes, Edit, Json, Mutation};
use crate::runner::{check, Bound, InputSize, Meter};

/// A body as the host hands it over, and which product a near-valid page changed.
#[derive(Clone)]
pub struct Body {
    text: String,
    changed: Option<ChangedProduct>,
}

/// The product a near-valid page changed: its position, its id and the key of the member changed (decoded;
/// `None` when the key token is not a valid string).
#[derive(Debug, Clone)]
struct ChangedProduct {
    index: usize,
    id: u64,
    key: Option<String>,
}

impl std::fmt::Debug for Body {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{:?} (changed: {:?})", self.text, self.changed)
    }
}

impl InputSize for Body {
    fn input_size(&self) -> usize {
        self.text.len()
    }
}

impl Body {
    fn of(text: String) -> Body {
        Body {
            text,
            changed: None,
        }
    }
}

/// Keys the parsers look for, besides the product fields: the envelope, nested fields, categories.
const OTHER_KEYS: &[&str] = &[
    "products", "total", "skip", "limit", "width", "height", "depth", "barcode", "reviews", "slug",
    "name", "url",
];

/// Every key the parsers look for.
fn known_keys() -> Vec<&'static str> {
    SOURCE_FIELDS.iter().chain(OTHER_KEYS).copied().collect()
}

/// A complete DummyJSON product.
fn valid_product(id: u64) -> Value {
    json!({
        "id": id, "title": format!("Essence Mascara {id}"), "description": "Long lashes.", "category": "beauty",
        "price": 9.99, "discountPercentage": 7.17, "rating": 4.94, "stock": 5, "tags": ["beauty", "mascara"],
        "brand": "Essence", "sku": format!("SKU-{id}"), "weight": 2,
        "dimensions": { "width": 23.17, "height": 14.43, "depth": 28.01 },
        "warrantyInformation": "1 month warranty", "shippingInformation": "Ships in 1 month",
        "availabilityStatus": "Low Stock",
        "reviews": [{ "rating": 2, "comment": "Very unhappy!", "reviewerEmail": "john.doe@x.dummyjson.com" }],
        "returnPolicy": "30 days return policy", "minimumOrderQuantity": 24,
        "meta": { "createdAt": "2024-05-23T08:56:21.618Z", "barcode": format!("{id}9164035109873") },
        "images": [format!("https://cdn.dummyjson.com/products/images/{id}/1.png")],
        "thumbnail": format!("https://cdn.dummyjson.com/products/images/{id}/thumbnail.png")
    })
}

/// The members of an object, as tokens.
fn members(value: &Value) -> Vec<(String, Json)> {
    match Json::from_value(value) {
        Json::Object(members) => members,
        _ => unreachable!("the templates are objects"),
    }
}

/// What a near-valid page changes.
#[derive(Debug, Clone)]
enum PageChange {
    /// One member of the envelope.
    Envelope(Mutation),
    /// One member of one product.
    Product(Index, Mutation),
    /// A few bytes of the text.
    Text(Edit),
    /// `products` replaced by a large array of one value.
    ManyProducts(Json, usize),
}

fn page_change() -> impl Strategy<Value = PageChange> {
    prop_oneof![
        2 => mutation(known_keys()).prop_map(PageChange::Envelope),
        6 => (any::<Index>(), mutation(known_keys()))
            .prop_map(|(index, change)| PageChange::Product(index, change)),
        3 => edit().prop_map(PageChange::Text),
        1 => (json(known_keys()), 0..50_000usize)
            .prop_map(|(item, count)| PageChange::ManyProducts(item, count)),
    ]
}

/// A valid page of `count` products (ids from `first_id`) with one change.
fn near_valid_page(count: usize, first_id: u64, change: &PageChange) -> Body {
    let mut products: Vec<Vec<(String, Json)>> = (0..count as u64)
        .map(|n| members(&valid_product(first_id + n)))
        .collect();
    let mut changed = None;
    if let PageChange::Product(index, mutation) = change {
        if count > 0 {
            let index = index.index(count);
            let key = mutation.apply(&mut products[index]);
            changed = Some(ChangedProduct {
                index,
                id: first_id + index as u64,
                key: key.and_then(|token| serde_json::from_str(&token).ok()),
            });
        }
    }
    let products = match change {
        PageChange::ManyProducts(item, count) => Json::Repeated(Box::new(item.clone()), *count),
        _ => Json::Array(products.into_iter().map(Json::Object).collect()),
    };
    let number = |n: u64| Json::Number(n.to_string());
    let mut envelope = vec![
        (key_token("products"), products),
        (key_token("total"), number(first_id + count as u64)),
        (key_token("skip"), number(first_id - 1)),
        (key_token("limit"), number(count as u64)),
    ];
    if let PageChange::Envelope(mutation) = change {
        mutation.apply(&mut envelope);
    }
    let text = Json::Object(envelope).text();
    match change {
        PageChange::Text(edit) => Body::of(as_text(&edit.apply(text.as_bytes()))),
        _ => Body { text, changed },
    }
}

/// Page bodies: arbitrary bytes, arbitrary JSON, near-valid pages.
fn page_bodies() -> impl Strategy<Value = Body> {
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..2048).prop_map(|bytes| Body::of(as_text(&bytes))),
        2 => json(known_keys()).prop_map(|value| Body::of(value.text())),
        5 => (0..6usize, 1..1000u64, page_change())
            .prop_map(|(count, first_id, change)| near_valid_page(count, first_id, &change)),
    ]
}

/// A rejected product is a run error named by id or place, and by field.
fn rejection_is_named(error: &RunError, place: &str) -> Result<(), TestCaseError> {
    let code = run_error_code(error)?;
    prop_assert!(
        matches!(
            code,
            RunErrorCode::InvalidField
                | RunErrorCode::MissingField
                | RunErrorCode::MalformedProduct
        ),
        "{error:?}"
    );
    message_is_short(&error.message)?;
    let label = match error.source_id {
        Some(id) => format!("product {id}: "),
        None => format!("{place}: "),
    };
    prop_assert!(
        error.message.starts_with(&label),
        "{error:?} does not start with {label:?}"
    );
    match &error.field {
        Some(field) => prop_assert!(
            error.message.contains(&format!("field \"{field}\"")),
            "{error:?} does not name its field"
        ),
        None => prop_assert_eq!(
            code,
            RunErrorCode::MalformedProduct,
            "{:?} names no field",
            error
        ),
    }
    Ok(())
}

/// In a page with one product changed: the others go through; a change to a member the sync does not read
/// rejects nothing; a rejection names the changed field and, unless `id` changed, the product's id.
fn change_is_confined(
    index: usize,
    entry: &Result<SourceProduct, RunError>,
    changed: &ChangedProduct,
) -> Result<(), TestCaseError> {
    if index != changed.index {
        prop_assert!(
            entry.is_ok(),
            "unchanged product {index} rejected: {entry:?}"
        );
        return Ok(());
    }
    let (Err(error), Some(key)) = (entry, &changed.key) else {
        return Ok(());
    };
    prop_assert!(
        SOURCE_FIELDS.contains(&key.as_str()),
        "a change to {key:?}, which the sync does not read, rejected the product: {error:?}"
    );
    if let Some(field) = &error.field {
        let root = field.split(['.', '[']).next().unwrap_or_default();
        prop_assert_eq!(
            root,
            key.as_str(),
            "{:?} names another field than the one changed",
            error
        );
    }
    if key != "id" {
        prop_assert_eq!(
            error.source_id,
            Some(changed.id),
            "{:?} does not name the product",
            error
        );
    }
    Ok(())
}

/// Checks one entry of a page.
fn entry_is_sound(
    body: &Body,
    skip: u64,
    index: usize,
    entry: &Result<SourceProduct, RunError>,
) -> Result<(), TestCaseError> {
    match entry {
        Ok(product) => prop_assert!(
            product.id > 0 && !product.title.trim().is_empty() && product.price >= 0.0,
            "{product:?}"
        ),
        Err(error) => {
            let position = skip + index as u64 + 1;
            rejection_is_named(
                error,
                &format!("the product at catalog position {position}"),
            )?;
        }
    }
    match &body.changed {
        Some(changed) => change_is_confined(index, entry, changed),
        None => Ok(()),
    }
}

/// Checks the header and the page read from one body, every entry validated (and dropped) in turn as the plan
/// does, all under the meter.
fn page_is_read_or_refused(body: &Body, meter: &Meter) -> Result<(), TestCaseError> {
    meter.measure(|| {
        let header = read_page_header(&body.text);
        if let Err(error) = &header {
            core_code_is(error.code(), &[CoreErrorCode::MalformedPage])?;
            message_is_short(&error.to_string())?;
        }
        let page = match parse_page(&body.text) {
            Ok(page) => page,
            Err(error) => {
                core_code_is(error.code(), &[CoreErrorCode::MalformedPage])?;
                message_is_short(&error.to_string())?;
                prop_assert!(
                    header.is_err(),
                    "the header read but the page did not: {error}"
                );
                prop_assert!(accepted_products(&body.text).is_err());
                meter.outcome(error.code().as_str());
                return Ok(());
            }
        };
        let (mut count, mut rejected, mut valid_ids) = (0, 0, Vec::new());
        for (index, entry) in page.entries().enumerate() {
            entry_is_sound(body, page.skip, index, &entry)?;
            count += 1;
            match entry {
                Ok(product) => valid_ids.push(product.id),
                Err(_) => rejected += 1,
            }
        }
        // The taxonomy plans read the same products through `accepted_products`.
        let accepted = accepted_products(&body.text)
            .map(|products| products.iter().map(AcceptedProduct::id).collect::<Vec<_>>());
        prop_assert_eq!(
            accepted,
            Ok(valid_ids),
            "accepted_products and parse_page disagree"
        );
        meter.outcome(if rejected > 0 {
            "page with rejected products"
        } else {
            "page read"
        });
        if let Ok(header) = header {
            let read = (
                u64::from(header.total),
                u64::from(header.skip),
                u64::from(header.limit),
            );
            prop_assert_eq!(read, (page.total, page.skip, page.limit));
            prop_assert_eq!(header.count as usize, count);
        }
        Ok(())
    })?
}

// Bound of a page: one 16-byte reference per entry of at least 2 bytes (`0,`), up to 3 times over while the
// vector grows (the old and the new buffer, the new one up to twice the size needed): 24 B per byte; plus the
// larger of one product at a time ([`PRODUCT_BOUND`]) and every accepted product at once for the taxonomy (a
// 448-byte `AcceptedProduct` per product of at least 40 bytes, up to 3 times over: 34 B per byte).
const PAGE_BOUND: Bound = Bound {
    per_byte: 24 + PRODUCT_BOUND.per_byte,
    constant: PRODUCT_BOUND.constant,
};

#[test]
fn page_bodies_are_read_or_refused_with_a_code() {
    check(
        "pages",
        256,
        PAGE_BOUND,
        page_bodies(),
        page_is_read_or_refused,
    );
}

/// The worst shapes of text stay within the bounds, as products, pages and category lists.
#[test]
fn the_worst_shapes_stay_within_the_bounds() {
    for shape in worst_shapes(200_000) {
        let product = format!(r#"{{"id":1,"title":"a","price":1,"stock":1,"tags":{shape}}}"#);
        let page = format!(r#"{{"products":[{product}],"total":1,"skip":0,"limit":1}}"#);
        let categories = format!(r#"[{{"slug":"a","name":{shape}}}]"#);
        let (rejected, peak) = peak_during(|| parse_product(&product).is_err());
        assert!(
            rejected && peak <= PRODUCT_BOUND.limit(product.len()),
            "product: {peak}"
        );
        let (rejected, peak) =
            peak_during(|| parse_page(&page).map(|page| page.rejected().count()));
        assert!(
            rejected == Ok(1) && peak <= PAGE_BOUND.limit(page.len()),
            "page: {peak}"
        );
        let (refused, peak) = peak_during(|| parse_categories(&categories).is_err());
        assert!(
            refused && peak <= CATEGORY_BOUND.limit(categories.len()),
            "categories: {peak}"
        );
    }
}

/// Regression: a page used to hold every entry validated at once, a rejected 2-byte entry (`0,`) costing a
/// whole `Result<SourceProduct, RunError>` and its message: ~300 B per byte of the page (30 MB for a 100 kB page).
#[test]
fn a_page_of_tiny_invalid_entries_stays_within_the_bound() {
    let body = format!(
        r#"{{"products":[{}],"total":100000,"skip":0,"limit":50000}}"#,
        vec!["0"; 50_000].join(",")
    );
    let (rejected, peak) = peak_during(|| parse_page(&body).map(|page| page.rejected().count()));
    assert_eq!(rejected, Ok(50_000));
    assert!(
        peak <= PAGE_BOUND.limit(body.len()),
        "{peak} bytes held for a page of {} bytes",
        body.len()
    );
}

/// Single-product bodies: arbitrary bytes, arbitrary JSON, a valid product with one member or a few bytes
/// changed.
fn product_bodies() -> impl Strategy<Value = Body> {
    let changed = (1..1000u64, mutation(known_keys())).prop_map(|(id, mutation)| {
        let mut product = members(&valid_product(id));
        let key = mutation.apply(&mut product);
        Body {
            text: Json::Object(product).text(),
            changed: Some(ChangedProduct {
                index: 0,
                id,
                key: key.and_then(|token| serde_json::from_str(&token).ok()),
            }),
        }
    });
    let edited = (1..1000u64, edit()).prop_map(|(id, edit)| {
        Body::of(as_text(
            &edit.apply(valid_product(id).to_string().as_bytes()),
        ))
    });
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..1024).prop_map(|bytes| Body::of(as_text(&bytes))),
        2 => json(known_keys()).prop_map(|value| Body::of(value.text())),
        4 => changed,
        2 => edited,
    ]
}

/// A single product is valid, or rejected with a named run error.
fn product_is_read_or_rejected(body: &Body, meter: &Meter) -> Result<(), TestCaseError> {
    let (product, accepted) = meter.measure(|| {
        let accepted = accepted_product(&body.text).map(|product| product.id());
        (parse_product(&body.text), accepted)
    })?;
    prop_assert_eq!(
        accepted,
        product.as_ref().ok().map(|product| product.id),
        "accepted_product and parse_product disagree"
    );
    match &product {
        Ok(_) => meter.outcome("valid"),
        Err(error) => {
            rejection_is_named(error, "the single-product answer")?;
            meter.outcome(error.code.as_str());
        }
    }
    match &body.changed {
        Some(changed) if serde_json::from_str::<serde::de::IgnoredAny>(&body.text).is_ok() => {
            change_is_confined(0, &product, changed)
        }
        _ => Ok(()),
    }
}

// Bound of the single-product parser: the slow path holds the product as a `serde_json::Value`. Its worst shape
// is objects of one empty key nested as deep as serde_json allows (128 levels) and repeated along an array,
// `{"":{"":...}}`: a 628-byte B-tree leaf (11 keys and 11 values) per 5 bytes of text, 126 B per byte (measured
// 128 with the array's slots and the error's excerpt). Nested one-element arrays `[[...]]` cost 64 B per byte
// (a 4-slot vector of 32-byte values per 2 bytes). The constant covers the error texts.
const PRODUCT_BOUND: Bound = Bound {
    per_byte: 160,
    constant: 64 * 1024,
};

#[test]
fn single_products_are_read_or_rejected_by_field() {
    check(
        "single products",
        256,
        PRODUCT_BOUND,
        product_bodies(),
        product_is_read_or_rejected,
    );
}

/// Category lists: arbitrary bytes, arbitrary JSON, a valid list with one entry or a few bytes changed.
fn category_bodies() -> impl Strategy<Value = Body> {
    let list = json!([
        { "slug": "beauty", "name": "Beauty", "url": "https://dummyjson.com/products/category/beauty" },
        "fragrances",
        { "slug": "home-decoration", "name": "Home Decoration" }
    ]);
    let valid = list.to_string();
    let changed = (mutation(known_keys()), any::<Index>()).prop_map(move |(mutation, index)| {
        let Json::Array(mut items) = Json::from_value(&list) else {
            unreachable!("the list is an array")
        };
        let at = index.index(items.len());
        if let Json::Object(members) = &mut items[at] {
            mutation.apply(members);
        } else if let Mutation::Replace(_, value) = mutation {
            items[at] = value;
        }
        Body::of(Json::Array(items).text())
    });
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..1024).prop_map(|bytes| Body::of(as_text(&bytes))),
        2 => json(known_keys()).prop_map(|value| Body::of(value.text())),
        3 => changed,
        2 => edit().prop_map(move |edit| Body::of(as_text(&edit.apply(valid.as_bytes())))),
    ]
}

fn categories_are_read_or_refused(body: &Body, meter: &Meter) -> Result<(), TestCaseError> {
    match meter.measure(|| parse_categories(&body.text))? {
        Ok(_) => meter.outcome("read"),
        Err(error) => {
            core_code_is(error.code(), &[CoreErrorCode::MalformedCategories])?;
            message_is_short(&error.to_string())?;
            meter.outcome(error.code().as_str());
        }
    }
    Ok(())
}

// Bound of the category list parser: serde buffers each entry (to try the list's two shapes) as `Content`, whose
// worst shape is one-element arrays nested 128 deep, a 4-slot vector of 32-byte values per 2 bytes of text: 64 B
// per byte (measured 63.6); the list itself holds a 48-byte category per entry of at least 3 bytes (`"",`), up to
// 3 times over while it grows: 48 B per byte.
const CATEGORY_BOUND: Bound = Bound {
    per_byte: 96,
    constant: 64 * 1024,
};

#[test]
fn category_lists_are_read_or_refused_with_a_code() {
    check(
        "category lists",
        256,
        CATEGORY_BOUND,
        category_bodies(),
        categories_are_read_or_refused,
    );
}
