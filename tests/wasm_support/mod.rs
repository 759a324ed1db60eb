//! Helpers shared by the WebAssembly test files (`tests/wasm_*.rs`): plain JavaScript values in, JSON out.

use catalog_sync::wasm::CatalogPlan;
use serde::Serialize;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;

/// A JSON value as the plain JavaScript object a host would pass.
pub fn js(value: Value) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .expect("serializable")
}

/// A JavaScript result read back as JSON (undefined would fail: outputs must be JSON-compatible).
pub fn json_of(value: &JsValue) -> Value {
    serde_wasm_bindgen::from_value(value.clone()).expect("JSON-compatible output")
}

// Used by the planning test files only.
#[allow(dead_code)]
/// JSON text parsed as JavaScript parses it (`JSON.parse`: the text's `2.0` is the number 2), read back.
pub fn parsed(text: &str) -> Value {
    json_of(&js_sys::JSON::parse(text).expect("JSON text"))
}

// Used by the planning test files only.
#[allow(dead_code)]
/// The whole plan a `CatalogPlan` holds, as the plugin reads it: the summary, with every batch pulled with
/// `batchJson(i)` in place of its outline.
pub fn whole_plan(plan: &CatalogPlan) -> Value {
    let mut whole = json_of(&plan.summary().expect("summary"));
    let count = plan.batch_count().expect("batchCount");
    let batches: Vec<Value> = (0..count)
        .map(|i| parsed(&plan.batch_json(i as f64).expect("batchJson")))
        .collect();
    whole["batches"] = json!(batches);
    whole
}
