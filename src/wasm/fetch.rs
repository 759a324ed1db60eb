//! The page loop driven from Rust through an injected host function: `collectPages` awaits the host's
//! `fetchPage` for the first page, then for every remaining page with at most `concurrency` calls pending.

use std::collections::VecDeque;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::{js_message, type_name, Call, IntoJs, Objects};
use crate::error::CoreError;
use crate::options::SyncOptions;
use crate::paging::{self, CollectedPages, PageRequest, RemainingPagesInput};

/// Fetches the whole product list through an injected host function and returns the raw page bodies.
///
/// Calls `fetchPage(request)` for the first page, reads its header, then for every remaining page, with at
/// most `options.concurrency` calls pending at a time. `fetchPage` performs the HTTP request (and its retries,
/// see `decideRetry`) and resolves with the body text. Every body is checked with `readPageHeader`.
/// Rejects with `HOST_CALL_FAILED` when `fetchPage` fails or resolves with a non-string, `MALFORMED_PAGE` when a
/// body is not a page.
///
/// ```js
/// const { pages, total } = await collectPages(options, async (request) => (await fetch(request.url)).text());
/// const plan = planCatalog({ options, pages, scope: { kind: "full" }, ... });
/// ```
#[wasm_bindgen(js_name = collectPages, unchecked_return_type = "CollectedPages")]
pub async fn collect_pages(
    #[wasm_bindgen(unchecked_param_type = "SyncOptions")] options: JsValue,
    #[wasm_bindgen(unchecked_param_type = "(request: PageRequest) => Promise<string>")] fetch_page: Function,
) -> Result<JsValue, JsValue> {
    let call = Call::new("collectPages");
    let result = match call.input::<SyncOptions>(options) {
        Ok(options) => collect(&options, &fetch_page).await.map(Objects),
        Err(error) => Err(error),
    };
    call.output(result)
}

/// The loop behind [`collect_pages`]: a sliding window of at most `concurrency` pending host calls.
async fn collect(
    options: &SyncOptions,
    fetch_page: &Function,
) -> Result<CollectedPages, CoreError> {
    let first = paging::first_page_request(options);
    let first_body = fetch_body(&first, start_fetch(fetch_page, &first)?).await?;
    let header = paging::read_page_header(&first_body)?;
    let remaining = paging::plan_remaining_pages(&RemainingPagesInput {
        options: options.clone(),
        total: header.total,
        first_page_count: header.count,
    })?;
    let mut pages = Vec::with_capacity(remaining.len() + 1);
    pages.push(first_body);
    let window = usize::try_from(options.concurrency.max(1)).unwrap_or(1);
    let mut pending: VecDeque<(&PageRequest, Promise)> = VecDeque::with_capacity(window);
    let mut queue = remaining.iter();
    loop {
        while pending.len() < window {
            let Some(request) = queue.next() else { break };
            match start_fetch(fetch_page, request) {
                Ok(promise) => pending.push_back((request, promise)),
                Err(error) => return Err(drain(pending, error).await),
            }
        }
        let Some((request, promise)) = pending.pop_front() else {
            break;
        };
        let body = match fetch_body(request, promise).await {
            Ok(body) => body,
            Err(error) => return Err(drain(pending, error).await),
        };
        if let Err(error) = paging::read_page_header(&body) {
            return Err(drain(pending, error.into()).await);
        }
        pages.push(body);
    }
    let requests = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    Ok(CollectedPages {
        pages,
        total: header.total,
        requests,
    })
}

/// Waits for the host calls still pending when `collect` fails, so that none of them is left running or
/// ends as an unhandled promise rejection (which would crash a Node process), then returns `error`.
async fn drain(pending: VecDeque<(&PageRequest, Promise)>, error: CoreError) -> CoreError {
    for (_, promise) in pending {
        // Their outcomes no longer matter: the collection already failed with `error`.
        let _ = JsFuture::from(promise).await;
    }
    error
}

/// A `HOST_CALL_FAILED` error of `fetchPage` for `request`.
fn host_error(request: &PageRequest, reason: String) -> CoreError {
    CoreError::HostCall {
        function: "fetchPage",
        url: request.url.clone(),
        reason,
    }
}

/// Calls `fetchPage(request)` and returns its answer as a promise (a plain value is wrapped).
fn start_fetch(fetch_page: &Function, request: &PageRequest) -> Result<Promise, CoreError> {
    let argument = Objects(request)
        .into_js("collectPages")
        .map_err(|error| host_error(request, error.to_string()))?;
    let answer = fetch_page
        .call1(&JsValue::UNDEFINED, &argument)
        .map_err(|error| host_error(request, js_message(&error)))?;
    Ok(Promise::resolve(&answer))
}

/// Awaits a started host call and checks that it resolved with a string.
async fn fetch_body(request: &PageRequest, promise: Promise) -> Result<String, CoreError> {
    let value = JsFuture::from(promise)
        .await
        .map_err(|error| host_error(request, js_message(&error)))?;
    value.as_string().ok_or_else(|| {
        host_error(
            request,
            format!(
                "fetchPage must resolve with the body text, got {}",
                type_name(&value)
            ),
        )
    })
}
