//! Helpers shared by the WebAssembly test files (`tests/wasm_*.rs`): plain JavaScript values in, JSON out.

use serde::Serialize;
use serde_json::Value;
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
