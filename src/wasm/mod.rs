//! The WebAssembly boundary: the only module with `#[wasm_bindgen]`. It converts and forwards; it decides
//! nothing.
//!
//! Every export takes and returns plain JavaScript objects (converted with `serde-wasm-bindgen`; maps become
//! plain objects and Rust `None` becomes `null`), and every failure is thrown as a JavaScript `Error` with a
//! stable `.code` (a [`CoreErrorCode`]) and structured `.details` (see [`CoreError`]). Parameter and return
//! types in the generated `.d.ts` name the types generated from the Rust structs with `ts-rs` (package file
//! `types.d.ts`).
//!
//! Every export goes through one pair of helpers: `Call::input` reads an argument (a wrong shape is thrown as
//! `INVALID_INPUT` naming the function and the path), `Call::output` hands the result back in the encoding its
//! type states (`Objects`, `JsonText`, `Parsed` or `AsIs`) and throws an error; `export` runs a synchronous
//! export's body between the two. Strings, byte arrays and numbers that wasm-bindgen passes itself need no
//! reading.
//!
//! A panic hook, installed by the first call, prints the panic message with `console.error` and stores it in
//! `globalThis.__catalogSyncCorePanic`, from which the package wrapper builds a readable `CORE_PANIC` error.
//!
//! One file per exported area: `options`, `outbound` (the address check), `deadline` (the run's deadline), `fetch`
//! (the fetch loop of a run, driven through the host's injected `fetchPage` and `sleep`), `taxonomy`, `plan` (and
//! the plan of applying held removals), `removals`, `report`, `images`, `stock`, `store`, `snapshot`, `webhook`
//! (and the queue), `lifecycle` (transitions, liveness and end of a run, stop requests, the write fan-out), `admin_api` (the run
//! view, the analytics and the settings the admin API answers), `changes` (previews, applying them, one product's
//! state, notifications); `bodies` reads the raw source bodies of a planner input, `allocator` is the WebAssembly
//! allocator. Every export is re-exported here.

use js_sys::Reflect;
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;

use crate::error::CoreError;
use crate::model::CoreErrorCode;

mod admin_api;
#[cfg(target_family = "wasm")]
mod allocator;
mod bodies;
mod changes;
mod deadline;
mod fetch;
mod images;
mod lifecycle;
mod options;
mod outbound;
mod plan;
mod removals;
mod report;
mod snapshot;
mod stock;
mod store;
mod taxonomy;
mod webhook;

pub use admin_api::{build_analytics, present_settings, run_view, run_vocabulary};
pub use changes::{
    check_apply_preview, compare_preview_fingerprints, plan_changes, preview_owned_products,
    preview_taxonomy, product_status, run_notification,
};
pub use deadline::check_run_deadline;
pub use fetch::fetch_source;
pub use images::{copies_images, ImageCopierHandle, ImageCopyReader};
pub use lifecycle::{
    batch_take, check_cancel, end_run, execution_site, fan_out_state, final_write_retry_delay,
    lease_figures, run_liveness, run_transition, write_site,
};
pub use options::validate_options;
pub use outbound::classify_address;
pub use plan::{
    plan_catalog, plan_held_removals, split_batch, split_refused_group, CatalogPlan, CatalogPlanner,
};
pub use removals::check_apply_removals;
pub use report::{summarize_run, write_error_for};
pub use snapshot::{ledger_claims, ledger_writes_after_batch, sync_markers, StoreCheck};
pub use stock::{orphaned_inventory_items, plan_stock_levels};
pub use store::plan_store_setup;
pub use taxonomy::TaxonomyReader;
pub use webhook::{check_webhook, merge_queued_ids, webhook_body_limit};

#[wasm_bindgen(typescript_custom_section)]
const TYPE_IMPORTS: &'static str = r#"
import type {
  PluginOptionsInput, OptionFallbacks, SyncOptions, PageRequest, FetchStart, SourceAnswer, BodyKind, AcceptedBody, FetchedOutline, FetchStats,
  WebhookCall, WebhookVerdict, QueueMergeInput,
  TaxonomyPlanInput, TaxonomyStore, TaxonomyPlan, CategoryPlan, TagPlan, PlanInput, WriteBatch, WriteErrorInput, RunError,
  SummarizeInput, RunReport, CatalogPlanSummary, ImageCopyPlan, StoredImage, ImageFailure,
  ImageRetryInput, ImageRetryDecision, ImageDownload, ImageVerdict, ImageUpload, ImageStats, StockPlanInput,
  StockPlan, InventoryItemState, StoreCheckInput, StoreCheckSummary, SuspectRows, SuspectRepairs, StoreProductRow, StockRequest,
  StoreSetupInput, StoreSetup, SyncMarkers, CoreErrorCode, HopCheck,
  AddressClass, DeadlineCheck, RunTimeout,
  RunEvent, RunTransition, LivenessInput, Liveness, RunEnding, RunEnd, LeaseFigures, WorkerMode, ExecutionSite,
  WriteSite, TakeCheck, BatchTake, FanOutCheck, FanOutState,
  LedgerClaimInput, LedgerRow, LedgerAfterBatchInput, LedgerWrites,
  HeldRemovalsInput, ApplyRemovalsRequest, ApplyRemovalsVerdict, SyncRunStatus, CancelVerdict,
  RunRecord, RunView, RunVocabulary, AnalyticsInput, SyncAnalytics, SettingsInput, SyncSettings,
  ChangesInput, ChangeList, PreviewTaxonomy, ApplyPreviewRequest, ApplyPreviewVerdict,
  PreviewFingerprints, ProductStatusInput, ProductSyncState, EndedRun, RunNotification, OwnedRowsInput, PreviewOwned,
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

/// One call of an export, named as JavaScript knows it (e.g. `planCatalog`, `CatalogPlan.batchJson`):
/// reads the call's arguments and hands its result back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call {
    function: &'static str,
}

impl Call {
    /// Starts a call of `function` (installing the panic hook on the first one).
    pub(crate) fn new(function: &'static str) -> Self {
        install_panic_hook();
        Call { function }
    }

    /// The function's JavaScript name.
    pub(crate) fn function(self) -> &'static str {
        self.function
    }

    /// Reads an argument as a `T`; a wrong shape is `INVALID_INPUT` naming the function and the path.
    pub(crate) fn input<T: FromJs>(self, value: JsValue) -> Result<T, CoreError> {
        T::from_js(self.function, value)
    }

    /// Hands the call's result to JavaScript: the value encoded as its [`IntoJs`] says, an error thrown as an
    /// `Error` with `.code` and `.details`.
    pub(crate) fn output<T: IntoJs>(self, result: Result<T, CoreError>) -> Result<T::Js, JsValue> {
        result
            .and_then(|value| value.into_js(self.function))
            .map_err(js_error)
    }
}

/// Runs the body of a synchronous export named `function` between [`Call::input`] (which the body uses to read
/// its arguments) and [`Call::output`].
pub(crate) fn export<T: IntoJs>(
    function: &'static str,
    body: impl FnOnce(Call) -> Result<T, CoreError>,
) -> Result<T::Js, JsValue> {
    let call = Call::new(function);
    call.output(body(call))
}

/// A value an export can read from JavaScript.
pub(crate) trait FromJs: Sized {
    /// Reads `value` for the export `function`.
    fn from_js(function: &'static str, value: JsValue) -> Result<Self, CoreError>;
}

/// Any deserializable value, read with `serde-wasm-bindgen` (`undefined` and `null` are `None`).
impl<T: DeserializeOwned> FromJs for T {
    fn from_js(function: &'static str, value: JsValue) -> Result<Self, CoreError> {
        serde_path_to_error::deserialize(serde_wasm_bindgen::Deserializer::from(value)).map_err(
            |error| {
                let path = error.path().to_string();
                let reason = js_message(&JsValue::from(error.into_inner()));
                CoreError::InvalidInput {
                    function,
                    path,
                    reason,
                }
            },
        )
    }
}

/// A value an export can hand to JavaScript: what it becomes (`Js`) and how.
pub(crate) trait IntoJs {
    /// What JavaScript receives.
    type Js;
    /// Converts the value for the export `function`.
    fn into_js(self, function: &'static str) -> Result<Self::Js, CoreError>;
}

/// A value handed over as plain JSON-compatible JavaScript values (objects, arrays, `null`).
pub(crate) struct Objects<T>(pub T);

impl<T: Serialize> IntoJs for Objects<T> {
    type Js = JsValue;
    fn into_js(self, function: &'static str) -> Result<JsValue, CoreError> {
        self.0
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|error| CoreError::Output {
                function,
                reason: js_message(&JsValue::from(error)),
            })
    }
}

/// A value handed over as JSON text.
pub(crate) struct JsonText<T>(pub T);

impl<T: Serialize> IntoJs for JsonText<T> {
    type Js = String;
    fn into_js(self, function: &'static str) -> Result<String, CoreError> {
        serde_json::to_string(&self.0).map_err(|error| CoreError::Output {
            function,
            reason: error.to_string(),
        })
    }
}

/// A value handed over as JSON text parsed by `JSON.parse`: the same objects as [`Objects`] gives (same
/// numbers, `null` for none), built much faster than property by property across the boundary.
pub(crate) struct Parsed<T>(pub T);

impl<T: Serialize> IntoJs for Parsed<T> {
    type Js = JsValue;
    fn into_js(self, function: &'static str) -> Result<JsValue, CoreError> {
        let text = JsonText(self.0).into_js(function)?;
        js_sys::JSON::parse(&text).map_err(|error| CoreError::Output {
            function,
            reason: js_message(&error),
        })
    }
}

/// A value wasm-bindgen hands over itself: a number, or a class instance (`CatalogPlan`, `ImageCopier`).
pub(crate) struct AsIs<T>(pub T);

impl<T> IntoJs for AsIs<T> {
    type Js = T;
    fn into_js(self, _: &'static str) -> Result<T, CoreError> {
        Ok(self.0)
    }
}

/// Converts a core error into a JavaScript `Error` carrying `.code` and `.details`.
fn js_error(error: CoreError) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    let details = error
        .details()
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL);
    let code: CoreErrorCode = error.code();
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(
        &js,
        &JsValue::from_str("code"),
        &JsValue::from_str(code.as_str()),
    );
    let _ = Reflect::set(&js, &JsValue::from_str("details"), &details);
    js.into()
}

/// The readable message of a thrown/rejected JavaScript value.
fn js_message(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// The `typeof` of a JavaScript value, for error messages.
fn type_name(value: &JsValue) -> String {
    value
        .js_typeof()
        .as_string()
        .unwrap_or_else(|| "unknown".to_string())
}
