//! The raw source bodies of a planner input (`pages`, and `products` for a targeted run), read natively.
//!
//! Pages can total 100 MB. wasm-bindgen copies a string into WebAssembly memory with a JavaScript loop, one
//! UTF-16 unit at a time for ASCII text, which makes the copy the largest cost of planning a big catalog;
//! `TextEncoder.encodeInto` does the same copy natively, about 30 times faster. So [`WithBodies`] takes the
//! bodies out of the input object and copies them with `encodeInto`, and the rest of the input is read with
//! `serde-wasm-bindgen` as usual.

use js_sys::{Array, JsString, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use super::{js_message, type_name, FromJs};
use crate::error::CoreError;
use crate::images::ImageCopyPlanInput;
use crate::plan::PlanInput;
use crate::taxonomy::{CategoryPlanInput, TagPlanInput};

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

source_bodies!(
    PlanInput,
    CategoryPlanInput,
    TagPlanInput,
    ImageCopyPlanInput
);

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
        let encoder = TextEncoder::new();
        let pages = take(function, &encoder, &rest, "pages")?.unwrap_or_default();
        let products = take(function, &encoder, &rest, "products")?;
        let mut input = T::from_js(function, rest)?;
        input.set_bodies(pages, products);
        Ok(WithBodies(input))
    }
}

/// Takes the string array `key` out of `input` (leaving an empty array), copying each string natively;
/// `None` when the key is absent or `null`.
fn take(
    function: &'static str,
    encoder: &TextEncoder,
    input: &JsValue,
    key: &str,
) -> Result<Option<Vec<String>>, CoreError> {
    let invalid = |path: String, reason: String| CoreError::InvalidInput {
        function,
        path,
        reason,
    };
    let property = JsValue::from_str(key);
    let value =
        Reflect::get(input, &property).map_err(|error| invalid(key.into(), js_message(&error)))?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let array = value.dyn_into::<Array>().map_err(|_| {
        invalid(
            key.into(),
            "invalid type: expected a sequence of strings".into(),
        )
    })?;
    let mut bodies = Vec::with_capacity(array.length() as usize);
    for (index, item) in array.iter().enumerate() {
        let text = item.dyn_into::<JsString>().map_err(|item| {
            let reason = format!("invalid type: {}, expected a string", type_name(&item));
            invalid(format!("{key}[{index}]"), reason)
        })?;
        bodies.push(string_from_js(encoder, &text));
    }
    Reflect::set(input, &property, &Array::new())
        .map_err(|error| invalid(key.into(), js_message(&error)))?;
    Ok(Some(bodies))
}

#[wasm_bindgen]
extern "C" {
    /// The platform's UTF-8 encoder (`TextEncoder`, in Node and in browsers).
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    /// `encoder.encodeInto(source, destination)`: returns `{ read, written }`.
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, source: &JsString, destination: &Uint8Array) -> JsValue;
}

/// Copies a JavaScript string into a Rust `String` with `TextEncoder.encodeInto`.
fn string_from_js(encoder: &TextEncoder, text: &JsString) -> String {
    let mut bytes: Vec<u8> = Vec::with_capacity(text.length() as usize);
    let mut rest = text.clone();
    loop {
        let spare = bytes.spare_capacity_mut();
        // SAFETY: the view covers exactly the vector's spare capacity, and it is used only by `encodeInto`,
        // before anything can allocate in WebAssembly memory (which could move or detach it).
        let view =
            unsafe { Uint8Array::view_mut_raw(spare.as_mut_ptr().cast::<u8>(), spare.len()) };
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
