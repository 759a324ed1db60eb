//! Export of [`crate::taxonomy`]: the categories and tags to create before the products.

use wasm_bindgen::prelude::*;

use super::bodies::WithBodies;
use super::{export, Objects};
use crate::taxonomy;

/// Plans the categories to create (only those used by incoming products) and to rename, and the product tags to
/// create (values used by incoming products and missing from the store), reading the bodies once.
///
/// ```js
/// const plan = planTaxonomy({
///   pages, categoriesBody,
///   existingCategories: [{ id: "pcat_1", handle: "beauty", name: "Beauty" }],
///   existingTags: [{ id: "ptag_1", value: "beauty" }],
/// });
/// // plan.categories.create => [{ name: "Fragrances", handle: "fragrances", is_active: true, is_internal: false }, ...]
/// // plan.categories.update => [{ id: "pcat_1", name: "Beauty & Care" }] when the source renamed it
/// // plan.tags.create => [{ value: "fragrances" }, ...]
/// ```
#[wasm_bindgen(js_name = planTaxonomy, unchecked_return_type = "TaxonomyPlan")]
pub fn plan_taxonomy(
    #[wasm_bindgen(unchecked_param_type = "TaxonomyPlanInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("planTaxonomy", |call| {
        let WithBodies(input) = call.input(input)?;
        Ok(Objects(taxonomy::plan_taxonomy(&input)))
    })
}
