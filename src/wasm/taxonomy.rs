//! Exports of [`crate::taxonomy`]: the categories and tags to create before the products.

use wasm_bindgen::prelude::*;

use super::bodies::WithBodies;
use super::{export, Objects};
use crate::taxonomy;

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
    export("planCategories", |call| {
        let WithBodies(input) = call.input(input)?;
        Ok(Objects(taxonomy::plan_categories(&input)))
    })
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
    export("planTags", |call| {
        let WithBodies(input) = call.input(input)?;
        Ok(Objects(taxonomy::plan_tags(&input)))
    })
}
