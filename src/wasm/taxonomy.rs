//! Export of [`crate::taxonomy`]: the categories and tags to create before the products.

use wasm_bindgen::prelude::*;

use super::bodies::read_bodies;
use super::{export, AsIs, Objects};
use crate::taxonomy::{self, TaxonomyStore};

/// Plans the categories to create (only those used by incoming products) and to rename, and the product tags to
/// create (values used by incoming products and missing from the store). The bodies are read a few at a time, so
/// a catalog's pages are never in WebAssembly memory together; `plan` ends the reader (it is freed).
///
/// ```js
/// const reader = new TaxonomyReader();
/// for (const chunk of chunksOf(pages, 100)) reader.readPages(chunk);
/// reader.readProducts(products); // a targeted run's bodies
/// const plan = reader.plan({
///   categoriesBody,
///   existingCategories: [{ id: "pcat_1", handle: "beauty", name: "Beauty" }],
///   existingTags: [{ id: "ptag_1", value: "beauty" }],
/// });
/// // plan.categories.create => [{ name: "Fragrances", handle: "fragrances", is_active: true, is_internal: false }, ...]
/// // plan.categories.update => [{ id: "pcat_1", name: "Beauty & Care" }] when the source renamed it
/// // plan.tags.create => [{ value: "fragrances" }, ...]
/// ```
#[wasm_bindgen]
#[derive(Default)]
pub struct TaxonomyReader {
    reader: taxonomy::TaxonomyReader,
}

#[wasm_bindgen]
impl TaxonomyReader {
    /// A reader that has read nothing.
    #[wasm_bindgen(constructor)]
    pub fn new() -> TaxonomyReader {
        TaxonomyReader::default()
    }

    /// Reads `/products` page bodies (malformed pages and rejected products are skipped: the sync's plan reports
    /// them). Throws `INVALID_INPUT` when `bodies` is not an array of strings.
    #[wasm_bindgen(js_name = readPages)]
    pub fn read_pages(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] bodies: JsValue,
    ) -> Result<(), JsValue> {
        export("TaxonomyReader.readPages", |call| {
            let bodies = read_bodies(call.function(), &bodies, "bodies")?;
            self.reader.read_pages(&bodies);
            Ok(AsIs(()))
        })
    }

    /// Reads `/products/:id` bodies (a targeted run).
    #[wasm_bindgen(js_name = readProducts)]
    pub fn read_products(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] bodies: JsValue,
    ) -> Result<(), JsValue> {
        export("TaxonomyReader.readProducts", |call| {
            let bodies = read_bodies(call.function(), &bodies, "bodies")?;
            self.reader.read_products(&bodies);
            Ok(AsIs(()))
        })
    }

    /// The plan for what was read, against the source's category names and the store's categories and tags
    /// (`TaxonomyPlan`). Ends the reader.
    #[wasm_bindgen(unchecked_return_type = "TaxonomyPlan")]
    pub fn plan(
        self,
        #[wasm_bindgen(unchecked_param_type = "TaxonomyStore")] store: JsValue,
    ) -> Result<JsValue, JsValue> {
        export("TaxonomyReader.plan", |call| {
            let store: TaxonomyStore = call.input(store)?;
            Ok(Objects(self.reader.plan(&store)))
        })
    }
}
