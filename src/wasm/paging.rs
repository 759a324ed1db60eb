//! Exports of [`crate::paging`] and [`crate::retry`]: which source requests to make, whether a page body is a
//! page, and whether a failed request is tried again.

use wasm_bindgen::prelude::*;

use super::{export, Objects};
use crate::{paging, retry};

/// The request for the first page of the product list.
///
/// ```js
/// const first = firstPageRequest(options);
/// // { kind: "page", url: "https://dummyjson.com/products?limit=30&skip=0&select=id,title,...", skip: 0, limit: 30, productId: null }
/// ```
#[wasm_bindgen(js_name = firstPageRequest, unchecked_return_type = "PageRequest")]
pub fn first_page_request(
    #[wasm_bindgen(unchecked_param_type = "SyncOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    export("firstPageRequest", |call| {
        Ok(Objects(paging::first_page_request(&call.input(options)?)))
    })
}

/// The requests for every page after the first, from the first page's header.
///
/// ```js
/// const header = readPageHeader(firstBody);
/// const rest = planRemainingPages({ options, total: header.total, firstPageCount: header.count });
/// // 194 products, pages of 30: rest.length === 6, rest[5].skip === 180, rest[5].limit === 14
/// ```
#[wasm_bindgen(js_name = planRemainingPages, unchecked_return_type = "PageRequest[]")]
pub fn plan_remaining_pages(
    #[wasm_bindgen(unchecked_param_type = "RemainingPagesInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("planRemainingPages", |call| {
        Ok(Objects(paging::plan_remaining_pages(&call.input(input)?)?))
    })
}

/// One `GET /products/:id` request per distinct product id (targeted sync).
///
/// ```js
/// const requests = productRequests({ options, productIds: [12, 13, 12] });
/// // requests.map((r) => r.productId) => [12, 13]
/// ```
#[wasm_bindgen(js_name = productRequests, unchecked_return_type = "PageRequest[]")]
pub fn product_requests(
    #[wasm_bindgen(unchecked_param_type = "ProductRequestsInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("productRequests", |call| {
        Ok(Objects(paging::product_requests(&call.input(input)?)?))
    })
}

/// The request for the category list (`GET /products/categories`).
///
/// ```js
/// const request = categoriesRequest(options); // { kind: "categories", url: ".../products/categories", ... }
/// ```
#[wasm_bindgen(js_name = categoriesRequest, unchecked_return_type = "PageRequest")]
pub fn categories_request(
    #[wasm_bindgen(unchecked_param_type = "SyncOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    export("categoriesRequest", |call| {
        Ok(Objects(paging::categories_request(&call.input(options)?)))
    })
}

/// Validates a page body's envelope and returns `{ total, skip, limit, count }`.
///
/// ```js
/// const header = readPageHeader(body); // throws err.code === "MALFORMED_PAGE" on a truncated body
/// ```
#[wasm_bindgen(js_name = readPageHeader, unchecked_return_type = "PageHeader")]
pub fn read_page_header(body: &str) -> Result<JsValue, JsValue> {
    export("readPageHeader", |_| {
        Ok(Objects(paging::read_page_header(body)?))
    })
}

/// Decides whether a failed source request is retried and after how long.
///
/// ```js
/// const decision = decideRetry({ attempt, maxRetries: options.maxRetries, seed, nowMs: Date.now(), url,
///                                outcome: { kind: "http", status: 503, retryAfter: res.headers.get("retry-after") } });
/// if (decision.action === "retry") await sleep(decision.delayMs); else throw new Error(decision.message);
/// ```
#[wasm_bindgen(js_name = decideRetry, unchecked_return_type = "RetryDecision")]
pub fn decide_retry(
    #[wasm_bindgen(unchecked_param_type = "RetryInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("decideRetry", |call| {
        Ok(Objects(retry::decide_retry(&call.input(input)?)?))
    })
}
