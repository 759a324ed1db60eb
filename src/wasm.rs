//! The WebAssembly boundary: the only module with `#[wasm_bindgen]`.
//!
//! Every export takes and returns plain JavaScript objects (converted with `serde-wasm-bindgen`; maps become
//! plain objects and Rust `None` becomes `null`). Every failure is thrown as a JavaScript `Error` with a stable
//! `.code` and structured `.details` (see [`CoreError`]). Parameter and return types in the generated
//! `.d.ts` name the types generated from the Rust structs with `ts-rs` (package file `types.d.ts`).
//!
//! A panic hook, installed on the first call, prints the panic message with `console.error` and stores it in
//! `globalThis.__catalogSyncCorePanic`, from which the package wrapper builds a readable `CORE_PANIC` error.

use std::collections::VecDeque;

use js_sys::{Function, Promise, Reflect};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::batching::{self, WriteBatch};
use crate::error::CoreError;
use crate::options::{self, OptionFallbacks, PluginOptionsInput, SyncOptions};
use crate::paging::{self, CollectedPages, PageRequest, RemainingPagesInput};
use crate::plan::SyncPlan;
use crate::webhook::{self, WebhookSignatureInput};
use crate::{images, mapping, plan, queue, report, retry, snapshot, stock, store, taxonomy};

#[wasm_bindgen(typescript_custom_section)]
const TYPE_IMPORTS: &'static str = r#"
import type {
  PluginOptionsInput, OptionFallbacks, SyncOptions, PageRequest, RemainingPagesInput, ProductRequestsInput, PageHeader,
  RetryInput, RetryDecision, WebhookSignatureInput, WebhookRequest, WebhookCall, WebhookVerdict, QueueMergeInput,
  CollectedPages,
  CategoryPlanInput, CategoryPlan, TagPlanInput, TagPlan, PlanInput, WriteBatch, RunError,
  SummarizeInput, RunReport, CatalogPlanSummary, ImageCopyPlanInput, ImageCopyPlan, StoredImage, ImageFailure,
  ImageRetryInput, ImageRetryDecision, ImageDownload, ImageVerdict, ImageUpload, ImageStats, StockPlanInput,
  StockPlan, InventoryItemState, SnapshotInput, StoreSnapshot, StoreSetupInput, StoreSetup, SyncMarkers, WriteErrorInput,
  CoreErrorCode,
} from "./types";

/** What every function of the core throws: an `Error` with a stable `code` and structured `details`. */
export interface CatalogSyncError extends Error {
  /** Stable machine-readable code, e.g. "INVALID_OPTION", "MALFORMED_PAGE", "INVALID_INPUT". */
  code: CoreErrorCode;
  /** Structured details, e.g. `{ option, value }` for INVALID_OPTION. */
  details: Record<string, unknown>;
}
"#;

/// Name of the global that receives the message of a Rust panic (read by the package wrapper).
const PANIC_GLOBAL: &str = "__catalogSyncCorePanic";

/// Installs, once, the panic hook that makes a panic readable from JavaScript.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let message = format!("catalog-sync core panicked: {info}");
            web_sys::console::error_1(&JsValue::from_str(&message));
            // Nothing more can be done if the global cannot be set; the console already has the message.
            let _ = Reflect::set(
                &js_sys::global(),
                &JsValue::from_str(PANIC_GLOBAL),
                &JsValue::from_str(&message),
            );
        }));
    });
}

/// Converts a core error into a JavaScript `Error` carrying `.code` and `.details`.
fn js_error(error: CoreError) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    let details = error
        .details()
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL);
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(
        &js,
        &JsValue::from_str("code"),
        &JsValue::from_str(error.code().as_str()),
    );
    let _ = Reflect::set(&js, &JsValue::from_str("details"), &details);
    js.into()
}

/// Reads a typed input; a wrong shape becomes `INVALID_INPUT` naming the function and the path.
fn from_js<T: DeserializeOwned>(function: &'static str, value: JsValue) -> Result<T, JsValue> {
    install_panic_hook();
    serde_path_to_error::deserialize(serde_wasm_bindgen::Deserializer::from(value)).map_err(
        |error| {
            let path = error.path().to_string();
            let reason = js_message(&JsValue::from(error.into_inner()));
            js_error(CoreError::InvalidInput {
                function,
                path,
                reason,
            })
        },
    )
}

/// Writes an output as plain JSON-compatible JavaScript values (objects, arrays, `null`).
fn to_js<T: Serialize>(function: &'static str, value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|error| {
            let reason = js_message(&JsValue::from(error));
            js_error(CoreError::Output { function, reason })
        })
}

/// Takes the raw source bodies (`pages` and the optional `products`) out of a planner input; returns them and
/// a shallow copy of the input without them (the caller's object is left untouched).
///
/// Pages can total 100 MB. wasm-bindgen copies a string into WebAssembly memory with a JavaScript loop, one
/// UTF-16 unit at a time for ASCII text, which makes the copy the largest cost of planning a big catalog;
/// `TextEncoder.encodeInto` does the same copy natively, about 30 times faster. So the bodies are copied here
/// with `encodeInto`, and the rest of the input is deserialized as usual.
fn take_bodies(function: &'static str, input: &JsValue) -> Result<Bodies, JsValue> {
    install_panic_hook();
    if !input.is_object() {
        return Ok((Vec::new(), None, input.clone()));
    }
    let rest: JsValue =
        js_sys::Object::assign(&js_sys::Object::new(), input.unchecked_ref()).into();
    let encoder = TextEncoder::new();
    let take = |key: &str| -> Result<Option<Vec<String>>, JsValue> {
        let property = JsValue::from_str(key);
        let value = Reflect::get(&rest, &property)?;
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        let array = value.dyn_into::<js_sys::Array>().map_err(|_| {
            let reason = "invalid type: expected a sequence of strings".to_string();
            js_error(CoreError::InvalidInput {
                function,
                path: key.to_string(),
                reason,
            })
        })?;
        let mut bodies = Vec::with_capacity(array.length() as usize);
        for (index, item) in array.iter().enumerate() {
            let text = item.dyn_into::<js_sys::JsString>().map_err(|item| {
                let reason = format!("invalid type: {}, expected a string", type_name(&item));
                js_error(CoreError::InvalidInput {
                    function,
                    path: format!("{key}[{index}]"),
                    reason,
                })
            })?;
            bodies.push(string_from_js(&encoder, &text));
        }
        Reflect::set(&rest, &property, &js_sys::Array::new())?;
        Ok(Some(bodies))
    };
    let pages = take("pages")?.unwrap_or_default();
    let products = take("products")?;
    Ok((pages, products, rest))
}

/// Page bodies, optional product bodies, and the rest of a planner input.
type Bodies = (Vec<String>, Option<Vec<String>>, JsValue);

#[wasm_bindgen]
extern "C" {
    /// The platform's UTF-8 encoder (`TextEncoder`, in Node and in browsers).
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    /// `encoder.encodeInto(source, destination)`: returns `{ read, written }`.
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(
        this: &TextEncoder,
        source: &js_sys::JsString,
        destination: &js_sys::Uint8Array,
    ) -> JsValue;
}

/// Copies a JavaScript string into a Rust `String` with `TextEncoder.encodeInto`.
fn string_from_js(encoder: &TextEncoder, text: &js_sys::JsString) -> String {
    let mut bytes: Vec<u8> = Vec::with_capacity(text.length() as usize);
    let mut rest = text.clone();
    loop {
        let spare = bytes.spare_capacity_mut();
        // SAFETY: the view covers exactly the vector's spare capacity, and it is used only by `encodeInto`,
        // before anything can allocate in WebAssembly memory (which could move or detach it).
        let view = unsafe {
            js_sys::Uint8Array::view_mut_raw(spare.as_mut_ptr().cast::<u8>(), spare.len())
        };
        let result = encoder.encode_into(&rest, &view);
        let count = |key: &str| {
            Reflect::get(&result, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0) as usize
        };
        let (read, written) = (count("read"), count("written").min(spare.len()));
        // SAFETY: `encodeInto` initialized the first `written` bytes of the spare capacity.
        unsafe { bytes.set_len(bytes.len() + written) };
        let remaining = rest.length() as usize;
        if read >= remaining {
            break;
        }
        rest = rest.slice(read as u32, remaining as u32);
        // Room for the rest even if every remaining UTF-16 unit needs 3 bytes.
        bytes.reserve(rest.length() as usize * 3);
    }
    // `encodeInto` always writes well-formed UTF-8 (a lone surrogate becomes U+FFFD), so this never loses data.
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// Runs an infallible core function on a typed input and returns its typed output.
fn call<I: DeserializeOwned, O: Serialize>(
    function: &'static str,
    raw: JsValue,
    core: impl FnOnce(&I) -> O,
) -> Result<JsValue, JsValue> {
    let value: I = from_js(function, raw)?;
    to_js(function, &core(&value))
}

/// Runs a fallible core function on a typed input and returns its typed output or throws its error.
fn try_call<I, O, E>(
    function: &'static str,
    raw: JsValue,
    core: impl FnOnce(&I) -> Result<O, E>,
) -> Result<JsValue, JsValue>
where
    I: DeserializeOwned,
    O: Serialize,
    CoreError: From<E>,
{
    let value: I = from_js(function, raw)?;
    let result = core(&value).map_err(|error| js_error(CoreError::from(error)))?;
    to_js(function, &result)
}

/// Validates the plugin options from `medusa-config` and fills in every default. `fallbacks` carries what the
/// host read from its environment (`CATALOG_SYNC_WEBHOOK_SECRET`), used for an option that is not set.
///
/// ```js
/// const { validateOptions } = require("catalog-sync-core");
/// const options = validateOptions({ pageSize: 50, schedule: false });
/// // options.pageSize === 50, options.schedule === null, options.currencyCode === "usd"
/// validateOptions({ pageSize: "abc" }); // throws, err.code === "INVALID_OPTION", err.details.option === "pageSize"
/// validateOptions({}, { webhookSecret: process.env.CATALOG_SYNC_WEBHOOK_SECRET }).webhookSecret; // the variable
/// ```
#[wasm_bindgen(js_name = validateOptions, unchecked_return_type = "SyncOptions")]
pub fn validate_options(
    #[wasm_bindgen(unchecked_param_type = "PluginOptionsInput")] raw: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "OptionFallbacks")] fallbacks: Option<
        js_sys::Object,
    >,
) -> Result<JsValue, JsValue> {
    let object_or_empty = |value: JsValue| {
        if value.is_undefined() || value.is_null() {
            js_sys::Object::new().into()
        } else {
            value
        }
    };
    let raw: PluginOptionsInput = from_js("validateOptions", object_or_empty(raw))?;
    let fallbacks: OptionFallbacks = from_js(
        "validateOptions",
        object_or_empty(fallbacks.map_or(JsValue::UNDEFINED, JsValue::from)),
    )?;
    let options =
        options::validate_options_with(&raw, &fallbacks).map_err(|error| js_error(error.into()))?;
    to_js("validateOptions", &options)
}

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
    call("firstPageRequest", options, paging::first_page_request)
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
    try_call("planRemainingPages", input, paging::plan_remaining_pages)
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
    try_call("productRequests", input, paging::product_requests)
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
    call("categoriesRequest", options, paging::categories_request)
}

/// Validates a page body's envelope and returns `{ total, skip, limit, count }`.
///
/// ```js
/// const header = readPageHeader(body); // throws err.code === "MALFORMED_PAGE" on a truncated body
/// ```
#[wasm_bindgen(js_name = readPageHeader, unchecked_return_type = "PageHeader")]
pub fn read_page_header(body: &str) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let header = paging::read_page_header(body).map_err(|error| js_error(error.into()))?;
    to_js("readPageHeader", &header)
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
    try_call("decideRetry", input, retry::decide_retry)
}

/// Plans the categories to create (only those used by incoming products) and to rename.
///
/// ```js
/// const plan = planCategories({ pages, categoriesBody, existing: [{ id: "pcat_1", handle: "beauty", name: "Beauty" }] });
/// // plan.create => [{ name: "Fragrances", handle: "fragrances", is_active: true, is_internal: false }, ...]
/// // plan.update => [{ id: "pcat_1", name: "Beauty & Care" }] when the source renamed it
/// ```
#[wasm_bindgen(js_name = planCategories, unchecked_return_type = "CategoryPlan")]
pub fn plan_categories(
    #[wasm_bindgen(unchecked_param_type = "CategoryPlanInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let (pages, products, input) = take_bodies("planCategories", &input)?;
    let mut input: taxonomy::CategoryPlanInput = from_js("planCategories", input)?;
    (input.pages, input.products) = (pages, products);
    to_js("planCategories", &taxonomy::plan_categories(&input))
}

/// Plans the product tags to create (values used by incoming products and missing from the store).
///
/// ```js
/// const { create } = planTags({ pages, existing: [{ id: "ptag_1", value: "beauty" }] });
/// // create => [{ value: "fragrances" }, ...]
/// ```
#[wasm_bindgen(js_name = planTags, unchecked_return_type = "TagPlan")]
pub fn plan_tags(
    #[wasm_bindgen(unchecked_param_type = "TagPlanInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let (pages, products, input) = take_bodies("planTags", &input)?;
    let mut input: taxonomy::TagPlanInput = from_js("planTags", input)?;
    (input.pages, input.products) = (pages, products);
    to_js("planTags", &taxonomy::plan_tags(&input))
}

/// Plans a sync: which products to create, update, archive or delete, in batches, with every problem found;
/// returns the `SyncPlan` as JSON text. The package's `planSync(input)` is `JSON.parse(planSyncJson(input))`.
///
/// A plan of 100,000 products is about 150 MB of objects; handing it over as one string and parsing it with
/// `JSON.parse` is several times faster than building the objects one property at a time across the boundary.
/// Never throws because of source data: a bad product becomes an entry of `plan.errors` naming the product and
/// the field, and the valid rest is planned. Throws `INVALID_INPUT` only when the input has the wrong shape.
///
/// ```js
/// const { planSync } = require("catalog-sync-core"); // parses planSyncJson's text
/// const plan = planSync({ options, pages, scope: { kind: "full" }, categories, tags, owned: [], takenHandles: [],
///                         salesChannelId: "sc_01..." });
/// for (const batch of plan.batches) execute(batch); // batch.kind: "create" | "update" | "archive" | "delete"
/// // plan.errors[0] => { source_id: 17, field: "price", code: "INVALID_FIELD", message: "product 17: ..." }
/// ```
#[wasm_bindgen(js_name = planSyncJson)]
pub fn plan_sync_json(
    #[wasm_bindgen(unchecked_param_type = "PlanInput")] input: JsValue,
) -> Result<String, JsValue> {
    let input = plan_input("planSync", &input)?;
    json_text("planSync", &plan::plan_sync(&input))
}

/// Reads a planner input, its bodies copied with [`take_bodies`].
fn plan_input(function: &'static str, input: &JsValue) -> Result<plan::PlanInput, JsValue> {
    let (pages, products, input) = take_bodies(function, input)?;
    let mut input: plan::PlanInput = from_js(function, input)?;
    (input.pages, input.products) = (pages, products);
    Ok(input)
}

/// Serializes an output as JSON text.
fn json_text<T: Serialize>(function: &'static str, value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|error| {
        js_error(CoreError::Output {
            function,
            reason: error.to_string(),
        })
    })
}

/// Hands an output to JavaScript as JSON text parsed by `JSON.parse`: the same objects `planSync` gives (same
/// numbers, `null` for none), built much faster than property by property across the boundary.
fn parsed_json<T: Serialize>(function: &'static str, value: &T) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&json_text(function, value)?)
}

/// Plans a sync like `planSync`, but keeps the plan inside WebAssembly and returns a [`CatalogPlan`] handle:
/// the small `summary()` (counts, completeness, errors, one line per batch) crosses the boundary at once, each
/// full batch only when the host asks for it with `batch(i)`.
///
/// For very large catalogs (tens of thousands of products): the full plan of 100,000 new products is about
/// 150 MB of JSON, and building it as JavaScript objects costs more than planning it. Pulling one batch at a
/// time as the host writes also keeps the host's memory flat. For ordinary catalogs `planSync` is simpler.
/// Never throws because of source data (see `planSync`); throws `INVALID_INPUT` when the input has the wrong
/// shape. Call `free()` when done to release the plan's WebAssembly memory.
///
/// ```js
/// const plan = planCatalog({ options, pages, scope: { kind: "full" }, categories, tags, owned: [],
///                            takenHandles: [], salesChannelId });
/// try {
///   const { counts, errors, batches } = plan.summary();
///   for (let i = 0; i < batches.length; i++) await execute(plan.batch(i)); // same as planSync(input).batches[i]
/// } finally {
///   plan.free();
/// }
/// ```
#[wasm_bindgen(js_name = planCatalog)]
pub fn plan_catalog(
    #[wasm_bindgen(unchecked_param_type = "PlanInput")] input: JsValue,
) -> Result<CatalogPlan, JsValue> {
    let input = plan_input("planCatalog", &input)?;
    Ok(CatalogPlan {
        plan: plan::plan_sync(&input),
    })
}

/// A sync plan held inside WebAssembly (made by `planCatalog`); its batches are materialized on demand.
#[wasm_bindgen]
pub struct CatalogPlan {
    plan: SyncPlan,
}

#[wasm_bindgen]
impl CatalogPlan {
    /// Number of write batches (`summary().batches.length`).
    #[wasm_bindgen(getter, js_name = batchCount)]
    pub fn batch_count(&self) -> usize {
        self.plan.batches.len()
    }

    /// Counts, completeness and errors of the plan (as in `SyncPlan`), and each batch's kind, index, length and
    /// source ids, in execution order.
    #[wasm_bindgen(unchecked_return_type = "CatalogPlanSummary")]
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        parsed_json("CatalogPlan.summary", &plan::summarize_plan(&self.plan))
    }

    /// Write batch number `position` (0-based, in execution order), exactly as `planSync(input).batches[position]`.
    /// Throws `INVALID_INPUT` when there is no such batch.
    #[wasm_bindgen(unchecked_return_type = "WriteBatch")]
    pub fn batch(&self, position: f64) -> Result<JsValue, JsValue> {
        let batch = batch_at(&self.plan, position, "CatalogPlan.batch").map_err(js_error)?;
        parsed_json("CatalogPlan.batch", batch)
    }

    /// Write batch number `position` as JSON text: `JSON.parse(plan.batchJson(i))` equals `plan.batch(i)`.
    /// For a host that hands batches on before writing them: a string is passed on as it is, where a Medusa
    /// workflow deep-copies every object a step receives. Throws `INVALID_INPUT` when there is no such batch.
    #[wasm_bindgen(js_name = batchJson)]
    pub fn batch_json(&self, position: f64) -> Result<String, JsValue> {
        let batch = batch_at(&self.plan, position, "CatalogPlan.batchJson").map_err(js_error)?;
        json_text("CatalogPlan.batchJson", batch)
    }
}

/// The batch at a JavaScript position, or `INVALID_INPUT` naming the position and the number of batches.
fn batch_at<'a>(
    plan: &'a SyncPlan,
    position: f64,
    function: &'static str,
) -> Result<&'a WriteBatch, CoreError> {
    let found = (position.fract() == 0.0 && position >= 0.0)
        .then(|| plan.batches.get(position as usize))
        .flatten();
    found.ok_or_else(|| CoreError::InvalidInput {
        function,
        path: ".".to_string(),
        reason: format!(
            "no batch {position}: the plan has {} batches (0 to {})",
            plan.batches.len(),
            plan.batches.len() as f64 - 1.0
        ),
    })
}

/// Splits a batch Medusa refused into two halves (same kind and index); a one-product batch gives `[]`.
///
/// ```js
/// const halves = splitBatch(batch); // retry each half; when [] use writeErrorFor
/// ```
#[wasm_bindgen(js_name = splitBatch, unchecked_return_type = "WriteBatch[]")]
pub fn split_batch(
    #[wasm_bindgen(unchecked_param_type = "WriteBatch")] batch: JsValue,
) -> Result<JsValue, JsValue> {
    call("splitBatch", batch, batching::split_batch)
}

/// One `WRITE_FAILED` run error per product of a batch Medusa refused, naming the product and Medusa's message.
///
/// ```js
/// const errors = writeErrorFor({ batch, message: error.message });
/// // [{ source_id: 17, field: null, code: "WRITE_FAILED", message: "product 17: Medusa refused to create it: ..." }]
/// ```
#[wasm_bindgen(js_name = writeErrorFor, unchecked_return_type = "RunError[]")]
pub fn write_error_for(
    #[wasm_bindgen(unchecked_param_type = "WriteErrorInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    call("writeErrorFor", input, |input: &report::WriteErrorInput| {
        report::write_error_for(&input.batch, &input.message)
    })
}

/// Folds the plan and the batch results into the run report (`success`, `partial` or `failed`).
///
/// ```js
/// const report = summarizeRun({ plan, results: [{ kind: "create", index: 0, written: 50, failedSourceIds: [] }],
///                               fetch: { requests: 7, retries: 0, pagesTotal: 7, pagesFetched: 7 } });
/// // report.status === "success", report.counts.created === 50
/// ```
#[wasm_bindgen(js_name = summarizeRun, unchecked_return_type = "RunReport")]
pub fn summarize_run(
    #[wasm_bindgen(unchecked_param_type = "SummarizeInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    call("summarizeRun", input, report::summarize_run)
}

/// The answer to a call of the webhook route: accepted with its product ids, or refused with the HTTP status
/// (503 webhook off, 413 body too large, 401 signature or timestamp, 400 body) and `{ code, message }`.
///
/// ```js
/// const verdict = checkWebhook({ secret: options.webhookSecret, headers: req.headers, body, bodyLength,
///                                nowSeconds: Date.now() / 1000 });
/// if (verdict.kind === "refused") res.status(verdict.status).json({ code: verdict.code, message: verdict.message });
/// else startTargetedSync(verdict.productIds);
/// ```
#[wasm_bindgen(js_name = checkWebhook, unchecked_return_type = "WebhookVerdict")]
pub fn check_webhook(
    #[wasm_bindgen(unchecked_param_type = "WebhookCall")] input: JsValue,
) -> Result<JsValue, JsValue> {
    call("checkWebhook", input, webhook::check_webhook)
}

/// How the sync marks what it owns in the store, for the host's queries: the `external_id` prefix of its products
/// (`dummyjson:`) and the metadata key of the inventory items it creates.
///
/// ```js
/// const { externalIdPrefix, inventoryItemMarker } = syncMarkers(); // "dummyjson:", "catalog_sync_external_id"
/// ```
#[wasm_bindgen(js_name = syncMarkers, unchecked_return_type = "SyncMarkers")]
pub fn sync_markers() -> Result<JsValue, JsValue> {
    to_js("syncMarkers", &mapping::sync_markers())
}

/// The largest webhook body accepted, in bytes (65536): the host keeps at most this many bytes of a body and
/// reports the total it received to `checkWebhook`, which refuses a longer one with 413.
///
/// ```js
/// const limit = webhookBodyLimit(); // 65536
/// ```
#[wasm_bindgen(js_name = webhookBodyLimit)]
pub fn webhook_body_limit() -> f64 {
    webhook::MAX_BODY_BYTES as f64
}

/// The product ids of the one queued webhook run after a call's ids are added: the sorted union.
///
/// ```js
/// const ids = mergeQueuedIds({ queued: [13, 12], incoming: [40, 12] }); // [12, 13, 40]
/// ```
#[wasm_bindgen(js_name = mergeQueuedIds, unchecked_return_type = "number[]")]
pub fn merge_queued_ids(
    #[wasm_bindgen(unchecked_param_type = "QueueMergeInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    call("mergeQueuedIds", input, queue::merge_queued_ids)
}

/// Verifies a webhook call's HMAC-SHA256 signature and timestamp; throws when the call must be refused.
///
/// ```js
/// verifyWebhookSignature({ secret, timestamp: req.headers["x-webhook-timestamp"],
///   signature: req.headers["x-webhook-signature"], body, nowSeconds: Math.floor(Date.now() / 1000) });
/// // throws err.code === "WEBHOOK_SIGNATURE_MISMATCH" | "WEBHOOK_TIMESTAMP_STALE" | ...
/// ```
#[wasm_bindgen(js_name = verifyWebhookSignature)]
pub fn verify_webhook_signature(
    #[wasm_bindgen(unchecked_param_type = "WebhookSignatureInput")] input: JsValue,
) -> Result<(), JsValue> {
    let input: WebhookSignatureInput = from_js("verifyWebhookSignature", input)?;
    webhook::verify_webhook_signature(&input).map_err(|error| js_error(error.into()))
}

/// Parses a verified webhook body into distinct product ids and the event.
///
/// ```js
/// const { productIds, event } = parseWebhookBody(Buffer.from('{"product_ids":[12,13]}'));
/// // productIds => [12, 13], event => "product.updated"
/// ```
#[wasm_bindgen(js_name = parseWebhookBody, unchecked_return_type = "WebhookRequest")]
pub fn parse_webhook_body(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] body: &[u8],
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let request = webhook::parse_webhook_body(body).map_err(|error| js_error(error.into()))?;
    to_js("parseWebhookBody", &request)
}

/// Plans the image downloads of a run (`images: "upload"`): every image or thumbnail URL of a valid incoming
/// product without a stored copy, once, with the products using it. Nothing in `images: "link"` mode.
///
/// ```js
/// const { copies, failures } = planImageCopies({ options, pages, storedUrls: stored.map((s) => s.sourceUrl) });
/// // copies => [{ url: "https://cdn.dummyjson.com/.../1.webp", sourceIds: [1] }, ...]
/// ```
#[wasm_bindgen(js_name = planImageCopies, unchecked_return_type = "ImageCopyPlan")]
pub fn plan_image_copies(
    #[wasm_bindgen(unchecked_param_type = "ImageCopyPlanInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let (pages, products, input) = take_bodies("planImageCopies", &input)?;
    let mut input: images::ImageCopyPlanInput = from_js("planImageCopies", input)?;
    (input.pages, input.products) = (pages, products);
    to_js("planImageCopies", &images::plan_image_copies(&input))
}

/// The image copy of one run, held inside WebAssembly: the host reports each step (request failed, body
/// received, file stored) and gets the decision back. See the Rust module `images` for the protocol.
///
/// ```js
/// const copier = new ImageCopier(options, storedImages, plan.hostsDownLastRun);
/// try {
///   const skip = copier.precheck(url);                       // ImageFailure when the host is unreachable
///   const decision = copier.retry({ url, attempt, seed, nowMs: Date.now(), outcome }); // after a failed request
///   const verdict = copier.accept({ url, contentType, declaredLength }, bytes); // upload | reuse | reject
///   if (verdict.action === "upload") record(copier.stored(verdict.file, file.id, file.url));
/// } finally {
///   copier.free();
/// }
/// ```
#[wasm_bindgen(js_name = ImageCopier)]
pub struct ImageCopierHandle {
    copier: images::ImageCopier,
}

#[wasm_bindgen(js_class = ImageCopier)]
impl ImageCopierHandle {
    /// Starts the image copy of a run with the validated options, every stored image and the plan's
    /// `hostsDownLastRun` (given one attempt until they answer).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SyncOptions")] options: JsValue,
        #[wasm_bindgen(unchecked_param_type = "StoredImage[]")] stored: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] hosts_down_last_run: JsValue,
    ) -> Result<ImageCopierHandle, JsValue> {
        let options: SyncOptions = from_js("ImageCopier", options)?;
        let stored: Vec<images::StoredImage> = from_js("ImageCopier", stored)?;
        let hosts_down_last_run: Vec<String> = from_js("ImageCopier", hosts_down_last_run)?;
        Ok(ImageCopierHandle {
            copier: images::ImageCopier::new(options, stored, hosts_down_last_run),
        })
    }

    /// Before requesting an image: the failure to record instead when its host is known to be unreachable in
    /// this run, else `null`.
    #[wasm_bindgen(unchecked_return_type = "ImageFailure | null")]
    pub fn precheck(&mut self, url: &str) -> Result<JsValue, JsValue> {
        to_js("ImageCopier.precheck", &self.copier.precheck(url))
    }

    /// After a failed image request: retry after `delayMs`, or give up with the failure to record.
    #[wasm_bindgen(unchecked_return_type = "ImageRetryDecision")]
    pub fn retry(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ImageRetryInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let input: images::ImageRetryInput = from_js("ImageCopier.retry", input)?;
        let decision = self
            .copier
            .retry(&input)
            .map_err(|error| js_error(error.into()))?;
        to_js("ImageCopier.retry", &decision)
    }

    /// After a 2xx answer: upload the bytes as the file described, reuse a stored file with the same bytes, or
    /// reject them (not an image, truncated, too large, SVG).
    #[wasm_bindgen(unchecked_return_type = "ImageVerdict")]
    pub fn accept(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ImageDownload")] download: JsValue,
        bytes: &[u8],
    ) -> Result<JsValue, JsValue> {
        let download: images::ImageDownload = from_js("ImageCopier.accept", download)?;
        to_js("ImageCopier.accept", &self.copier.accept(&download, bytes))
    }

    /// After the File module stored an upload: the record to save (later identical bytes reuse it).
    #[wasm_bindgen(unchecked_return_type = "StoredImage")]
    pub fn stored(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ImageUpload")] file: JsValue,
        file_id: &str,
        url: &str,
    ) -> Result<JsValue, JsValue> {
        let file: images::ImageUpload = from_js("ImageCopier.stored", file)?;
        to_js(
            "ImageCopier.stored",
            &self.copier.stored(&file, file_id, url),
        )
    }

    /// After the File module refused an upload: the failure to record.
    #[wasm_bindgen(js_name = uploadFailed, unchecked_return_type = "ImageFailure")]
    pub fn upload_failed(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ImageUpload")] file: JsValue,
        message: &str,
    ) -> Result<JsValue, JsValue> {
        let file: images::ImageUpload = from_js("ImageCopier.uploadFailed", file)?;
        to_js(
            "ImageCopier.uploadFailed",
            &self.copier.upload_failed(&file, message),
        )
    }

    /// The copy's figures so far (for `summarizeRun`).
    #[wasm_bindgen(unchecked_return_type = "ImageStats")]
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        to_js("ImageCopier.stats", &self.copier.stats())
    }
}

/// Plans the stock levels of a run after its product writes: a create for each item without a level at the
/// location, an update for each level with another quantity, nothing for an equal one; in `stock` batches.
///
/// ```js
/// const stock = planStockLevels({ locationId, batchSize: options.batchSize, targets: plan.stock, items, levels });
/// for (const batch of stock.batches) await writeBatch(container, batch); // batchInventoryItemLevelsWorkflow
/// ```
#[wasm_bindgen(js_name = planStockLevels, unchecked_return_type = "StockPlan")]
pub fn plan_stock_levels(
    #[wasm_bindgen(unchecked_param_type = "StockPlanInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    call("planStockLevels", input, stock::plan_stock_levels)
}

/// Plans the store setup before the writes: the currency to add, the sales channel, the stock location to use
/// or create, and whether to link it to the sales channel. Throws `STORE_NOT_READY`, `UNKNOWN_SALES_CHANNEL` or
/// `UNKNOWN_STOCK_LOCATION` (naming the option) when the store cannot be synced into.
///
/// ```js
/// const setup = planStoreSetup({ options, store, salesChannels, stockLocations });
/// // setup.stockLocation => { action: "create", name: "Catalog sync" }, setup.linkStockLocation => true
/// ```
#[wasm_bindgen(js_name = planStoreSetup, unchecked_return_type = "StoreSetup")]
pub fn plan_store_setup(
    #[wasm_bindgen(unchecked_param_type = "StoreSetupInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    try_call("planStoreSetup", input, store::plan_store_setup)
}

/// Reads the snapshot of the products the sync owns from the Query rows: the owned products for `planSync`,
/// their inventory items for `planStockLevels`, and the repairs to make first (incomplete products to recreate,
/// unlisted products to link to the sales channel, orphaned inventory items to delete).
///
/// ```js
/// const snapshot = readSnapshot({ rows, currencyCode: options.currencyCode, salesChannelId });
/// // snapshot.owned => [{ id, externalId, handle, status, fingerprint, imagesFingerprint, variantId, priceId, images }]
/// // snapshot.incompleteProductIds => ["prod_01..."] (delete them: the plan recreates them)
/// ```
#[wasm_bindgen(js_name = readSnapshot, unchecked_return_type = "StoreSnapshot")]
pub fn read_snapshot(
    #[wasm_bindgen(unchecked_param_type = "SnapshotInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    call("readSnapshot", input, snapshot::read_snapshot)
}

/// The inventory items an interrupted run left behind: the sync's own items (by their metadata) that no variant
/// uses. The host deletes them before the products they were made for are created again.
///
/// ```js
/// const ids = orphanedInventoryItems([{ id: "iitem_1", metadata: { catalog_sync_external_id: "dummyjson:3" }, variantIds: [] }]);
/// // ids => ["iitem_1"]
/// ```
#[wasm_bindgen(js_name = orphanedInventoryItems, unchecked_return_type = "string[]")]
pub fn orphaned_inventory_items(
    #[wasm_bindgen(unchecked_param_type = "InventoryItemState[]")] items: JsValue,
) -> Result<JsValue, JsValue> {
    call(
        "orphanedInventoryItems",
        items,
        |items: &Vec<stock::InventoryItemState>| stock::orphaned_inventory_items(items),
    )
}

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
/// const plan = planSync({ options, pages, scope: { kind: "full" }, ... });
/// ```
#[wasm_bindgen(js_name = collectPages, unchecked_return_type = "CollectedPages")]
pub async fn collect_pages(
    #[wasm_bindgen(unchecked_param_type = "SyncOptions")] options: JsValue,
    #[wasm_bindgen(unchecked_param_type = "(request: PageRequest) => Promise<string>")] fetch_page: Function,
) -> Result<JsValue, JsValue> {
    let options: SyncOptions = from_js("collectPages", options)?;
    let collected = collect(&options, &fetch_page).await.map_err(js_error)?;
    to_js("collectPages", &collected)
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

fn host_error(request: &PageRequest, reason: String) -> CoreError {
    CoreError::HostCall {
        function: "fetchPage",
        url: request.url.clone(),
        reason,
    }
}

/// The readable message of a thrown/rejected JavaScript value.
fn js_message(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// Calls `fetchPage(request)` and returns its answer as a promise (a plain value is wrapped).
fn start_fetch(fetch_page: &Function, request: &PageRequest) -> Result<Promise, CoreError> {
    let argument =
        to_js("collectPages", request).map_err(|error| host_error(request, js_message(&error)))?;
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

fn type_name(value: &JsValue) -> String {
    value
        .js_typeof()
        .as_string()
        .unwrap_or_else(|| "unknown".to_string())
}

/// The allocator in WebAssembly: Talc (faster than the default dlmalloc on this workload of many small
/// strings), wrapped so that WebAssembly memory grows geometrically.
///
/// Talc grows memory by just what the failing allocation needs, often one 64 KiB page; planning 100,000
/// products then makes thousands of `memory.grow` calls, and in V8 each is slow enough that the first large
/// plan takes twice as long as the next ones. Whenever Talc has just grown memory, this wrapper allocates and
/// frees a block of half the memory's size, so Talc claims that room in one step and reuses it afterwards.
#[cfg(target_family = "wasm")]
mod allocator {
    use core::alloc::{GlobalAlloc, Layout};
    use core::arch::wasm32::memory_size;

    /// Bytes in one WebAssembly memory page.
    const PAGE: usize = 64 * 1024;
    /// The largest extra room claimed in one step.
    const MAX_STEP: usize = 512 * 1024 * 1024;

    /// Talc with geometric growth.
    pub struct GrowingTalc(talc::wasm::WasmDynamicTalc);

    impl GrowingTalc {
        /// After an allocation that grew memory from `before` pages, claims room for the next ones.
        unsafe fn claim_ahead(&self, before: usize) {
            let now = memory_size(0);
            if now <= before {
                return;
            }
            let step = (now * PAGE / 2).min(MAX_STEP);
            if let Ok(layout) = Layout::from_size_align(step, PAGE) {
                let block = self.0.alloc(layout);
                if !block.is_null() {
                    self.0.dealloc(block, layout);
                }
            }
        }
    }

    // SAFETY: every call is forwarded to Talc unchanged; `claim_ahead` only allocates and frees a block of
    // its own through the same allocator.
    unsafe impl GlobalAlloc for GrowingTalc {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let before = memory_size(0);
            let pointer = self.0.alloc(layout);
            self.claim_ahead(before);
            pointer
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            let before = memory_size(0);
            let pointer = self.0.alloc_zeroed(layout);
            self.claim_ahead(before);
            pointer
        }

        unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
            self.0.dealloc(pointer, layout)
        }

        unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let before = memory_size(0);
            let moved = self.0.realloc(pointer, layout, new_size);
            self.claim_ahead(before);
            moved
        }
    }

    /// The global allocator of the WebAssembly build.
    #[global_allocator]
    static ALLOCATOR: GrowingTalc = GrowingTalc(talc::wasm::new_wasm_dynamic_allocator());
}
