//! Exports of [`crate::admin_api`]: a run as the admin sees it, the analytics of a range of runs, the settings.

use wasm_bindgen::prelude::*;

use super::{export, Objects};
use crate::admin_api::{self, AnalyticsInput, RunRecord, SettingsInput};

/// A stored run shaped for the admin API (dates as ISO 8601 text in, the same out).
///
/// ```js
/// const view = runView({ ...record, started_at: record.started_at.toISOString(), ... });
/// // view.products_synced === record.created + record.updated + record.unchanged
/// ```
#[wasm_bindgen(js_name = runView, unchecked_return_type = "RunView")]
pub fn run_view(
    #[wasm_bindgen(unchecked_param_type = "RunRecord")] record: JsValue,
) -> Result<JsValue, JsValue> {
    export("runView", |call| {
        let record: RunRecord = call.input(record)?;
        Ok(Objects(admin_api::run_view(record)))
    })
}

/// The analytics of a range of finished runs: one point per run (or per group of runs) and totals.
///
/// ```js
/// const analytics = buildAnalytics({ rows, from: null, to: new Date().toISOString(), runsInRange: count, maxPoints: 250 });
/// ```
#[wasm_bindgen(js_name = buildAnalytics, unchecked_return_type = "SyncAnalytics")]
pub fn build_analytics(
    #[wasm_bindgen(unchecked_param_type = "AnalyticsInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("buildAnalytics", |call| {
        let input: AnalyticsInput = call.input(input)?;
        Ok(Objects(admin_api::build_analytics(&input)))
    })
}

/// The options as an operator may see them: secrets masked, source URL credentials hidden, which options the
/// store configured and which came from the environment.
///
/// ```js
/// const settings = presentSettings({ plugin: { name, version }, options: service.getSyncOptions(), configured });
/// ```
#[wasm_bindgen(js_name = presentSettings, unchecked_return_type = "SyncSettings")]
pub fn present_settings(
    #[wasm_bindgen(unchecked_param_type = "SettingsInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("presentSettings", |call| {
        let input: SettingsInput = call.input(input)?;
        Ok(Objects(admin_api::present_settings(input)))
    })
}

/// The statuses and triggers of runs, and the sets the host filters by (its database enums and queries).
///
/// ```js
/// const { statuses, endedStatuses, triggers, catalogTriggers } = runVocabulary();
/// ```
#[wasm_bindgen(js_name = runVocabulary, unchecked_return_type = "RunVocabulary")]
pub fn run_vocabulary() -> Result<JsValue, JsValue> {
    export("runVocabulary", |_| {
        Ok(Objects(admin_api::run_vocabulary()))
    })
}
