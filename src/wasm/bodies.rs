//! The raw source bodies of a planner input (`pages`, and `products` for a targeted run), read natively.
//!
//! Pages can total 100 MB. wasm-bindgen copies a string into WebAssembly memory with a JavaScript loop, one
//! UTF-16 unit at a time for ASCII text, which makes that copy a large part of planning a big catalog. So
//! [`WithBodies`] takes the bodies out of the input object and copies each with [`Utf8Copier`]
//! (`TextEncoder.encodeInto` into a reused JavaScript buffer, then one native copy into WebAssembly memory); the
//! rest of the input is read with `serde-wasm-bindgen` as usual.
//!
//! Measured with `planCatalog` + `summary()` on the bench-core catalogs (medians, Node 20, interleaved runs):
//! at 100,000 products wasm-bindgen's own copy takes 700 ms, `TextEncoder.encode` + `to_vec` 640 ms, this copy
//! 588 ms, and the former unsafe `encodeInto` straight into the vector's spare capacity 578 ms (within the
//! run-to-run spread); at 10,000 products 63, 57, 51 and 51 ms.

use js_sys::{Array, JsString, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use super::{js_message, type_name, FromJs};
use crate::error::CoreError;
use crate::plan::PlanInput;
use crate::taxonomy::TaxonomyPlanInput;

/// A planner input that carries raw source bodies.
pub(crate) trait SourceBodies: FromJs {
    /// Puts the bodies read natively into the input.
    fn set_bodies(&mut self, pages: Vec<String>, products: Option<Vec<String>>);
}

/// Implements [`SourceBodies`] for inputs whose bodies are the fields `pages` and `products`.
macro_rules! source_bodies {
    ($($input:ty),*) => {
        $(impl SourceBodies for $input {
            fn set_bodies(&mut self, pages: Vec<String>, products: Option<Vec<String>>) {
                (self.pages, self.products) = (pages, products);
            }
        })*
    };
}

source_bodies!(PlanInput, TaxonomyPlanInput);

/// A planner input read with its bodies copied natively (the caller's object is left untouched).
pub(crate) struct WithBodies<T>(pub T);

impl<T: SourceBodies> FromJs for WithBodies<T> {
    fn from_js(function: &'static str, value: JsValue) -> Result<Self, CoreError> {
        if !value.is_object() {
            return T::from_js(function, value).map(WithBodies);
        }
        // A shallow copy, so that taking the bodies out leaves the caller's object as it was.
        let rest: JsValue =
            js_sys::Object::assign(&js_sys::Object::new(), value.unchecked_ref()).into();
        let mut copier = Utf8Copier::new();
        let pages = take(function, &mut copier, &rest, "pages")?.unwrap_or_default();
        let products = take(function, &mut copier, &rest, "products")?;
        let mut input = T::from_js(function, rest)?;
        input.set_bodies(pages, products);
        Ok(WithBodies(input))
    }
}

/// Takes the string array `key` out of `input` (leaving an empty array), copying each string natively;
/// `None` when the key is absent or `null`.
fn take(
    function: &'static str,
    copier: &mut Utf8Copier,
    input: &JsValue,
    key: &str,
) -> Result<Option<Vec<String>>, CoreError> {
    let property = JsValue::from_str(key);
    let value = Reflect::get(input, &property).map_err(|error| CoreError::InvalidInput {
        function,
        path: key.into(),
        reason: js_message(&error),
    })?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let bodies = copy_strings(function, copier, &value, key)?;
    Reflect::set(input, &property, &Array::new()).map_err(|error| CoreError::InvalidInput {
        function,
        path: key.into(),
        reason: js_message(&error),
    })?;
    Ok(Some(bodies))
}

/// Reads an array of source bodies given as an argument (e.g. a window's bodies), each copied natively.
pub(crate) fn read_bodies(
    function: &'static str,
    value: &JsValue,
    name: &str,
) -> Result<Vec<String>, CoreError> {
    copy_strings(function, &mut Utf8Copier::new(), value, name)
}

/// Copies every string of the array `value` (named `name` in errors) natively.
fn copy_strings(
    function: &'static str,
    copier: &mut Utf8Copier,
    value: &JsValue,
    name: &str,
) -> Result<Vec<String>, CoreError> {
    let invalid = |path: String, reason: String| CoreError::InvalidInput {
        function,
        path,
        reason,
    };
    let array = value.dyn_ref::<Array>().ok_or_else(|| {
        invalid(
            name.into(),
            "invalid type: expected a sequence of strings".into(),
        )
    })?;
    let mut bodies = Vec::with_capacity(array.length() as usize);
    for (index, item) in array.iter().enumerate() {
        let text = item.dyn_into::<JsString>().map_err(|item| {
            let reason = format!("invalid type: {}, expected a string", type_name(&item));
            invalid(format!("{name}[{index}]"), reason)
        })?;
        bodies.push(copier.copy(&text));
    }
    Ok(bodies)
}

/// Reads one long text given as an argument (e.g. rows as JSON text), copied natively.
pub(crate) fn read_text(text: &JsString) -> String {
    Utf8Copier::new().copy(text)
}

/// Reads JSON text given as an argument of `function` (`name` in errors), copied natively: for inputs with a row
/// per product or level of the catalog, which the host reads as one text instead of one object per row.
pub(crate) fn json_argument<T: DeserializeOwned>(
    function: &'static str,
    name: &str,
    text: &JsString,
) -> Result<T, CoreError> {
    let text = read_text(text);
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(&text)).map_err(
        |error| CoreError::InvalidInput {
            function,
            path: format!("{name}{}", error.path()),
            reason: error.into_inner().to_string(),
        },
    )
}

#[wasm_bindgen]
extern "C" {
    /// The platform's UTF-8 encoder (`TextEncoder`, in Node and in browsers).
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    /// `encoder.encodeInto(text, destination)`: writes the UTF-8 bytes of `text` into `destination` and returns
    /// `{ read, written }`.
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, text: &JsString, destination: &Uint8Array) -> JsValue;
}

/// Copies JavaScript strings into Rust `String`s: each is encoded natively by `TextEncoder.encodeInto` into a
/// scratch buffer on the JavaScript side (reused from string to string), whose bytes are then copied into
/// WebAssembly memory in one native copy (`Uint8Array::to_vec`).
pub(crate) struct Utf8Copier {
    encoder: TextEncoder,
    scratch: Uint8Array,
}

impl Utf8Copier {
    pub(crate) fn new() -> Self {
        Utf8Copier {
            encoder: TextEncoder::new(),
            scratch: Uint8Array::new_with_length(0),
        }
    }

    /// The string's UTF-8 text.
    pub(crate) fn copy(&mut self, text: &JsString) -> String {
        // A UTF-16 unit never takes more than 3 UTF-8 bytes, so the whole string fits in one call.
        let room = text.length().saturating_mul(3);
        if self.scratch.length() < room {
            self.scratch = Uint8Array::new_with_length(room);
        }
        let result = self.encoder.encode_into(text, &self.scratch);
        let written = Reflect::get(&result, &JsValue::from_str("written"))
            .ok()
            .and_then(|value| value.as_f64())
            .unwrap_or(0.0) as u32;
        let bytes = self.scratch.subarray(0, written).to_vec();
        // `encodeInto` always writes well-formed UTF-8 (a lone surrogate becomes U+FFFD), so this never loses data.
        String::from_utf8(bytes)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
    }
}
