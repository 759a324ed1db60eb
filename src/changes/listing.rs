//! The fingerprint of what the source listed: equal for the same content, whatever the order in which pages
//! arrived, how they were cut, or how many requests were in flight.
//!
//! Each product entry is read as JSON and written canonically (object keys sorted, no whitespace); the entries
//! are sorted, and hashed (XXH3-128) together with each page's announced `total`, the sorted ids the source
//! answered 404 for (targeted runs) and the category list written canonically. A body that is not JSON enters as
//! its bytes, so a broken page changes the fingerprint too.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;
use xxhash_rust::xxh3::xxh3_128;

use crate::model::SourceId;

/// Version tag of the listing fingerprint.
const LISTING_VERSION: &[u8] = b"catalog-sync/listing/v1";

/// What a run fetched, as raw bodies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ListingInput {
    /// `/products` page bodies (full run).
    pub pages: Vec<String>,
    /// `/products/:id` bodies (targeted run).
    #[serde(default)]
    #[ts(optional, as = "Option<Vec<String>>")]
    pub products: Vec<String>,
    /// Ids the source answered 404 for (targeted run).
    #[serde(default)]
    #[ts(optional, as = "Option<Vec<u32>>")]
    pub not_found_ids: Vec<SourceId>,
    /// The `/products/categories` body.
    #[serde(default)]
    #[ts(optional)]
    pub categories_body: Option<String>,
}

/// A body written canonically: its JSON with sorted keys, or its bytes when it is not JSON.
fn canonical(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .map_or_else(|_| format!("raw:{body}"), |value| value.to_string())
}

/// The fingerprint of a listing (32 lowercase hex digits).
///
/// ```
/// use catalog_sync::changes::{listing_fingerprint, ListingInput};
/// let a = r#"{"products":[{"id":1,"title":"A"}],"total":2,"skip":0,"limit":1}"#;
/// let b = r#"{"products":[{"title":"B","id":2}],"total":2,"skip":1,"limit":1}"#;
/// let one = listing_fingerprint(&ListingInput { pages: vec![a.into(), b.into()], ..Default::default() });
/// let other = listing_fingerprint(&ListingInput { pages: vec![b.into(), a.into()], ..Default::default() });
/// assert_eq!(one, other);
/// ```
pub fn listing_fingerprint(input: &ListingInput) -> String {
    let mut entries: Vec<String> = Vec::new();
    let mut totals: Vec<String> = Vec::new();
    for body in &input.pages {
        match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(mut page)) => {
                totals.push(page.get("total").map_or_else(String::new, Value::to_string));
                match page.remove("products") {
                    Some(Value::Array(products)) => {
                        entries.extend(products.iter().map(Value::to_string));
                    }
                    other => entries.push(format!(
                        "page-without-products:{}",
                        other.map_or_else(String::new, |value| value.to_string())
                    )),
                }
            }
            _ => entries.push(format!("raw-page:{body}")),
        }
    }
    entries.extend(input.products.iter().map(|body| canonical(body)));
    entries.sort_unstable();
    totals.sort_unstable();
    totals.dedup();
    let mut not_found = input.not_found_ids.clone();
    not_found.sort_unstable();
    not_found.dedup();

    let mut bytes = Vec::with_capacity(entries.iter().map(String::len).sum::<usize>() + 256);
    let mut write = |text: &[u8]| {
        bytes.extend_from_slice(&(text.len() as u64).to_le_bytes());
        bytes.extend_from_slice(text);
    };
    write(LISTING_VERSION);
    write(totals.join(",").as_bytes());
    for entry in &entries {
        write(entry.as_bytes());
    }
    for id in &not_found {
        write(id.to_string().as_bytes());
    }
    write(
        input
            .categories_body
            .as_deref()
            .map_or_else(String::new, canonical)
            .as_bytes(),
    );
    format!("{:032x}", xxh3_128(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(products: &str, total: u32, skip: u32) -> String {
        format!(r#"{{"products":[{products}],"total":{total},"skip":{skip},"limit":2}}"#)
    }

    fn of(pages: Vec<String>) -> String {
        listing_fingerprint(&ListingInput {
            pages,
            ..Default::default()
        })
    }

    #[test]
    fn the_same_content_cut_and_ordered_differently_has_one_fingerprint() {
        let whole = of(vec![page(
            r#"{"id":1,"t":"a"},{"id":2,"t":"b"},{"id":3,"t":"c"}"#,
            3,
            0,
        )]);
        let cut = of(vec![
            page(r#"{"id":3,"t":"c"}"#, 3, 2),
            page(r#"{"t":"a","id":1},{"id":2,"t":"b"}"#, 3, 0),
        ]);
        assert_eq!(whole, cut);
        assert_eq!(whole.len(), 32);
    }

    #[test]
    fn any_change_of_content_changes_the_fingerprint() {
        let base = of(vec![page(r#"{"id":1,"price":5}"#, 1, 0)]);
        assert_ne!(base, of(vec![page(r#"{"id":1,"price":6}"#, 1, 0)]));
        assert_ne!(base, of(vec![page(r#"{"id":1,"price":5}"#, 2, 0)]));
        assert_ne!(
            base,
            of(vec![page(r#"{"id":1,"price":5},{"id":1,"price":5}"#, 1, 0)])
        );
        assert_ne!(base, of(vec!["not json".into()]));
        let with_categories = listing_fingerprint(&ListingInput {
            pages: vec![page(r#"{"id":1,"price":5}"#, 1, 0)],
            categories_body: Some(r#"[{"slug":"a","name":"A"}]"#.into()),
            ..Default::default()
        });
        assert_ne!(base, with_categories);
    }

    #[test]
    fn targeted_listings_count_their_answers_and_their_404s() {
        let targeted = |products: Vec<String>, not_found_ids: Vec<SourceId>| {
            listing_fingerprint(&ListingInput {
                products,
                not_found_ids,
                ..Default::default()
            })
        };
        let a = targeted(vec![r#"{"id":1}"#.into(), r#"{"id":2}"#.into()], vec![5, 4]);
        assert_eq!(
            a,
            targeted(
                vec![r#"{"id":2}"#.into(), r#"{ "id": 1 }"#.into()],
                vec![4, 5]
            )
        );
        assert_ne!(a, targeted(vec![r#"{"id":2}"#.into()], vec![4, 5]));
        assert_ne!(
            a,
            targeted(vec![r#"{"id":1}"#.into(), r#"{"id":2}"#.into()], vec![4])
        );
    }
}
