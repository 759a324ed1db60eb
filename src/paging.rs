//! Fetch planning: which source requests a run makes, and validation of every page envelope.
//!
//! A full sync is: [`first_page_request`]; [`read_page_header`] on its body to learn `total`;
//! [`plan_remaining_pages`] for the rest (refused when `total` exceeds `maxProducts` or the pages exceed
//! `maxPages`); [`read_page_header`] on every further body (a malformed body is a retryable outcome, see
//! [`crate::retry`]). A targeted sync (webhook) uses [`product_requests`]. [`crate::fetch`] drives these requests.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{excerpt, CoreErrorCode, SourceId};
use crate::options::SyncOptions;
use crate::source::SOURCE_FIELDS;

/// What a planned request fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum RequestKind {
    /// A page of the product list: `GET /products?limit&skip&select`.
    Page,
    /// One product: `GET /products/:id?select`.
    Product,
    /// The category list: `GET /products/categories`.
    Categories,
}

/// One source request for the host to perform (always a `GET`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PageRequest {
    /// What the request fetches.
    pub kind: RequestKind,
    /// Absolute URL.
    pub url: String,
    /// Products skipped before this page (0 for product and category requests).
    pub skip: u32,
    /// Products asked for (1 for a product request, 0 for the category list).
    pub limit: u32,
    /// The product id of a product request, `null` otherwise.
    #[ts(type = "number | null")]
    pub product_id: Option<SourceId>,
}

/// The envelope of a `/products` page: `{ products, total, skip, limit }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PageHeader {
    /// Products in the whole catalog.
    pub total: u32,
    /// Products skipped before this page.
    pub skip: u32,
    /// `limit` as answered by the source (DummyJSON answers the number of products returned).
    pub limit: u32,
    /// Number of entries in `products`.
    pub count: u32,
}

/// A fetch-planning failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagingError {
    /// A page body is not a valid `{ products: [...], total, skip, limit }` envelope (truncated, not JSON,
    /// wrong types). The host treats it as the retryable outcome `{ kind: "malformed" }`.
    #[error("malformed page: {reason}")]
    MalformedPage {
        /// What is wrong, with line and column for JSON syntax errors.
        reason: String,
    },
    /// The source announced more products than `maxProducts`.
    #[error("the source announced {total} products, more than maxProducts ({max}) allows: the run stops before any write")]
    SourceTooLarge {
        /// The announced total.
        total: u32,
        /// The `maxProducts` option.
        max: u32,
    },
    /// The requests the catalog needs exceed `maxPages`.
    #[error("the catalog needs {pages} requests ({what}), more than maxPages ({max}) allows: the run stops before any write")]
    TooManyPages {
        /// The requests needed.
        pages: u64,
        /// How they come about, e.g. `194 products in pages of 1`.
        what: String,
        /// The `maxPages` option.
        max: u32,
    },
    /// A targeted request asked for product id 0.
    #[error("product id must be a positive integer (got 0)")]
    InvalidProductId,
}

impl PagingError {
    /// Stable error code: `MALFORMED_PAGE`, `SOURCE_TOO_LARGE` or `INVALID_INPUT`.
    pub fn code(&self) -> CoreErrorCode {
        match self {
            PagingError::MalformedPage { .. } => CoreErrorCode::MalformedPage,
            PagingError::SourceTooLarge { .. } | PagingError::TooManyPages { .. } => {
                CoreErrorCode::SourceTooLarge
            }
            PagingError::InvalidProductId => CoreErrorCode::InvalidInput,
        }
    }

    /// Structured details of the error.
    pub fn details(&self) -> serde_json::Value {
        match self {
            PagingError::MalformedPage { reason } => serde_json::json!({ "reason": reason }),
            PagingError::SourceTooLarge { total, max } => {
                serde_json::json!({ "option": "maxProducts", "total": total, "max": max })
            }
            PagingError::TooManyPages { pages, max, .. } => {
                serde_json::json!({ "option": "maxPages", "pages": pages, "max": max })
            }
            PagingError::InvalidProductId => {
                serde_json::json!({ "field": "productIds", "value": 0 })
            }
        }
    }
}

fn select_parameter() -> String {
    SOURCE_FIELDS.join(",")
}

fn page_request(options: &SyncOptions, skip: u32, limit: u32) -> PageRequest {
    PageRequest {
        kind: RequestKind::Page,
        url: format!(
            "{}/products?limit={limit}&skip={skip}&select={}",
            options.source_url,
            select_parameter()
        ),
        skip,
        limit,
        product_id: None,
    }
}

/// The request for the first page (`skip=0`, `limit=pageSize`).
///
/// ```
/// use catalog_sync::{options::SyncOptions, paging::first_page_request};
/// let request = first_page_request(&SyncOptions::default());
/// assert!(request.url.starts_with("https://dummyjson.com/products?limit=100&skip=0&select=id,title,"));
/// ```
pub fn first_page_request(options: &SyncOptions) -> PageRequest {
    page_request(options, 0, options.page_size)
}

/// Requests for every page after the first, given the first page's `total` and product count.
///
/// Pages follow the first page's size: if the source answered fewer products than asked for while more
/// remain (a server-side page cap), later pages use that smaller size so no product is skipped. The last
/// page asks exactly for what remains. When the first page came back empty although `total > 0`, the plan
/// starts again at `skip=0`. A `total` above `maxProducts`, or more requests in all (the first page included)
/// than `maxPages`, is refused before a single further request is planned.
pub fn plan_remaining_pages(
    options: &SyncOptions,
    total: u32,
    first_page_count: u32,
) -> Result<Vec<PageRequest>, PagingError> {
    if total > options.max_products {
        return Err(PagingError::SourceTooLarge {
            total,
            max: options.max_products,
        });
    }
    let step = if first_page_count > 0 && first_page_count < options.page_size {
        first_page_count
    } else {
        options.page_size
    };
    let first = first_page_count.min(total);
    let pages = u64::from(total - first).div_ceil(u64::from(step)) + 1;
    if pages > u64::from(options.max_pages) {
        return Err(PagingError::TooManyPages {
            pages,
            what: format!("{total} products in pages of {step}"),
            max: options.max_pages,
        });
    }
    let mut requests = Vec::with_capacity(usize::try_from(pages - 1).unwrap_or(0));
    let mut skip = first;
    while skip < total {
        let limit = step.min(total - skip);
        requests.push(page_request(options, skip, limit));
        skip += limit;
    }
    Ok(requests)
}

/// One `GET /products/:id` request per distinct id (first occurrence order), for a targeted sync; more than
/// `maxPages` of them are refused.
pub fn product_requests(
    options: &SyncOptions,
    product_ids: &[SourceId],
) -> Result<Vec<PageRequest>, PagingError> {
    let mut seen = std::collections::HashSet::new();
    let mut requests = Vec::with_capacity(product_ids.len());
    for &id in product_ids {
        if id == 0 {
            return Err(PagingError::InvalidProductId);
        }
        if seen.insert(id) {
            requests.push(PageRequest {
                kind: RequestKind::Product,
                url: format!(
                    "{}/products/{id}?select={}",
                    options.source_url,
                    select_parameter()
                ),
                skip: 0,
                limit: 1,
                product_id: Some(id),
            });
        }
    }
    if requests.len() > usize::try_from(options.max_pages).unwrap_or(usize::MAX) {
        return Err(PagingError::TooManyPages {
            pages: requests.len() as u64,
            what: format!("{} products requested one by one", requests.len()),
            max: options.max_pages,
        });
    }
    Ok(requests)
}

/// The request for the category list (`GET /products/categories`), whose display names name new categories.
pub fn categories_request(options: &SyncOptions) -> PageRequest {
    PageRequest {
        kind: RequestKind::Categories,
        url: format!("{}/products/categories", options.source_url),
        skip: 0,
        limit: 0,
        product_id: None,
    }
}

/// The envelope as parsed: products are skipped without being decoded, only counted.
#[derive(Deserialize)]
struct Envelope {
    products: Vec<serde::de::IgnoredAny>,
    total: u32,
    skip: u32,
    limit: u32,
}

/// Validates a page body's envelope and returns its header.
///
/// Checks that the body is complete JSON with an array `products` and non-negative integers `total`, `skip`
/// and `limit`, and that the page does not claim more products than `total`. Products themselves are
/// validated one by one by the planner, so one bad product never rejects a page.
///
/// ```
/// use catalog_sync::paging::read_page_header;
/// let header = read_page_header(r#"{"products":[{"id":1}],"total":194,"skip":0,"limit":1}"#).unwrap();
/// assert_eq!((header.total, header.count), (194, 1));
/// assert_eq!(read_page_header(r#"{"products":[{"id":1}"#).unwrap_err().code().as_str(), "MALFORMED_PAGE");
/// ```
pub fn read_page_header(body: &str) -> Result<PageHeader, PagingError> {
    let envelope: Envelope =
        serde_json::from_str(body).map_err(|error| PagingError::MalformedPage {
            reason: if error.is_eof() {
                format!("the body is truncated ({error})")
            } else {
                excerpt(&error.to_string())
            },
        })?;
    let count = u32::try_from(envelope.products.len()).map_err(|_| PagingError::MalformedPage {
        reason: "too many products in one page".to_string(),
    })?;
    if u64::from(envelope.skip) + u64::from(count) > u64::from(envelope.total) {
        return Err(PagingError::MalformedPage {
            reason: format!(
                "the page holds {count} products after skip {} but total is {}",
                envelope.skip, envelope.total
            ),
        });
    }
    Ok(PageHeader {
        total: envelope.total,
        skip: envelope.skip,
        limit: envelope.limit,
        count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(page_size: u32) -> SyncOptions {
        SyncOptions {
            source_url: "http://127.0.0.1:9/api".to_string(),
            page_size,
            ..SyncOptions::default()
        }
    }

    fn skips_and_limits(requests: &[PageRequest]) -> Vec<(u32, u32)> {
        requests.iter().map(|r| (r.skip, r.limit)).collect()
    }

    #[test]
    fn first_page_selects_every_field_but_reviews() {
        let request = first_page_request(&options(30));
        assert_eq!(request.kind, RequestKind::Page);
        assert_eq!(
            (request.skip, request.limit, request.product_id),
            (0, 30, None)
        );
        let (path, query) = request.url.split_once('?').unwrap();
        assert_eq!(path, "http://127.0.0.1:9/api/products");
        let select = query
            .split('&')
            .find_map(|p| p.strip_prefix("select="))
            .unwrap();
        let fields: Vec<&str> = select.split(',').collect();
        assert_eq!(fields.len(), 21);
        assert!(
            fields.contains(&"price") && fields.contains(&"images") && fields.contains(&"meta")
        );
        assert!(!fields.contains(&"reviews"));
        assert!(query.starts_with("limit=30&skip=0&"));
    }

    #[test]
    fn remaining_pages_cover_the_catalog_once() {
        let requests = plan_remaining_pages(&options(30), 194, 30).unwrap();
        assert_eq!(
            skips_and_limits(&requests),
            vec![
                (30, 30),
                (60, 30),
                (90, 30),
                (120, 30),
                (150, 30),
                (180, 14)
            ]
        );
        assert!(requests[5].url.contains("limit=14&skip=180&select="));
    }

    #[test]
    fn remaining_pages_follow_a_server_side_cap() {
        let requests = plan_remaining_pages(&options(100), 250, 80).unwrap();
        assert_eq!(
            skips_and_limits(&requests),
            vec![(80, 80), (160, 80), (240, 10)]
        );
    }

    #[test]
    fn small_or_empty_catalogs_need_no_more_pages() {
        for (total, first) in [(0, 0), (30, 30), (12, 12)] {
            assert!(
                plan_remaining_pages(&options(30), total, first)
                    .unwrap()
                    .is_empty(),
                "{total}/{first}"
            );
        }
    }

    #[test]
    fn empty_first_page_of_a_non_empty_catalog_restarts_at_zero() {
        assert_eq!(
            skips_and_limits(&plan_remaining_pages(&options(30), 40, 0).unwrap()),
            vec![(0, 30), (30, 10)]
        );
    }

    #[test]
    fn totals_above_max_products_are_refused_naming_the_option() {
        let error = plan_remaining_pages(&options(30), u32::MAX, 30).unwrap_err();
        assert_eq!(error.code().as_str(), "SOURCE_TOO_LARGE");
        assert!(
            error.to_string().contains("maxProducts (250000)"),
            "{error}"
        );
        assert_eq!(error.details()["option"], "maxProducts");
        let capped = SyncOptions {
            max_products: 194,
            ..options(30)
        };
        assert_eq!(plan_remaining_pages(&capped, 194, 30).unwrap().len(), 6);
        assert!(plan_remaining_pages(&capped, 195, 30).is_err());
    }

    #[test]
    fn a_first_page_of_one_product_cannot_force_more_than_max_pages() {
        // "A first page of one product that claims a million": refused before planning a million requests.
        let big = SyncOptions {
            max_products: 1_000_000,
            ..options(30)
        };
        let error = plan_remaining_pages(&big, 1_000_000, 1).unwrap_err();
        assert_eq!(error.code().as_str(), "SOURCE_TOO_LARGE");
        assert!(
            error
                .to_string()
                .starts_with("the catalog needs 1000000 requests (1000000 products in pages of 1), more than maxPages (10000)"),
            "{error}"
        );
        assert_eq!(error.details()["option"], "maxPages");
        let exact = SyncOptions {
            max_pages: 7,
            ..options(30)
        };
        assert_eq!(plan_remaining_pages(&exact, 194, 30).unwrap().len(), 6);
        let short = SyncOptions {
            max_pages: 6,
            ..options(30)
        };
        assert!(plan_remaining_pages(&short, 194, 30).is_err());
        assert!(plan_remaining_pages(&short, 150, 30).is_ok());
    }

    #[test]
    fn product_requests_are_deduplicated() {
        let requests = product_requests(&options(30), &[12, 3, 12]).unwrap();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].kind, RequestKind::Product);
        assert_eq!(requests[0].product_id, Some(12));
        assert!(requests[0]
            .url
            .starts_with("http://127.0.0.1:9/api/products/12?select=id,title,"));
        assert_eq!(requests[1].product_id, Some(3));
        let zero = product_requests(&options(30), &[0]);
        assert_eq!(zero.unwrap_err().code().as_str(), "INVALID_INPUT");
        let few = SyncOptions {
            max_pages: 1,
            ..options(30)
        };
        assert_eq!(product_requests(&few, &[4, 4]).unwrap().len(), 1);
        let error = product_requests(&few, &[4, 5]).unwrap_err();
        assert_eq!(error.details()["option"], "maxPages");
    }

    #[test]
    fn categories_request_points_at_the_category_list() {
        let request = categories_request(&options(30));
        assert_eq!(request.kind, RequestKind::Categories);
        assert_eq!(request.url, "http://127.0.0.1:9/api/products/categories");
    }

    #[test]
    fn page_header_counts_products() {
        let body = r#"{"products":[{"id":1,"title":"x"},{"id":2,"nested":{"a":[1,2]}}],"total":194,"skip":30,"limit":2}"#;
        let header = read_page_header(body).unwrap();
        assert_eq!(
            header,
            PageHeader {
                total: 194,
                skip: 30,
                limit: 2,
                count: 2
            }
        );
    }

    #[test]
    fn malformed_envelopes_are_rejected() {
        let cases = [
            ("", "truncated"),
            (r#"{"products":[{"id":1},"#, "truncated"),
            ("<html>502 Bad Gateway</html>", "expected value"),
            (
                r#"{"total":1,"skip":0,"limit":1}"#,
                "missing field `products`",
            ),
            (
                r#"{"products":{},"total":1,"skip":0,"limit":1}"#,
                "invalid type",
            ),
            (
                r#"{"products":[],"total":-1,"skip":0,"limit":1}"#,
                "invalid value",
            ),
            (
                r#"{"products":[],"total":"1","skip":0,"limit":1}"#,
                "invalid type",
            ),
            (
                r#"{"products":[{},{}],"total":1,"skip":0,"limit":2}"#,
                "total is 1",
            ),
        ];
        for (body, expected) in cases {
            let error = read_page_header(body).unwrap_err();
            assert_eq!(error.code().as_str(), "MALFORMED_PAGE", "{body}");
            assert!(error.to_string().contains(expected), "{body}: {error}");
        }
        let long = format!(r#"{{"products":[],"total":"{}"}}"#, "7".repeat(100_000));
        let reason = read_page_header(&long).unwrap_err().to_string();
        assert!(
            reason.len() < 400,
            "a long value is quoted whole: {} bytes",
            reason.len()
        );
        assert!(
            reason.ends_with("expected u32 at line 1 column 100025"),
            "{reason}"
        );
    }
}
