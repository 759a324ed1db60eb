//! Exports of [`crate::options`]: the plugin options.

use wasm_bindgen::prelude::*;

use super::{export, Objects};
use crate::options::{validate_options_with, OptionFallbacks, PluginOptionsInput};

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
    export("validateOptions", |call| {
        // `undefined` or `null` (no options, no fallbacks) read as empty objects.
        let raw: Option<PluginOptionsInput> = call.input(raw)?;
        let fallbacks: Option<OptionFallbacks> =
            call.input(fallbacks.map_or(JsValue::UNDEFINED, JsValue::from))?;
        let options =
            validate_options_with(&raw.unwrap_or_default(), &fallbacks.unwrap_or_default())?;
        Ok(Objects(options))
    })
}
