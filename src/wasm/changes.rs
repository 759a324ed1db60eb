//! Exports of [`crate::changes`] and [`crate::notify`]: the change list of a preview and its fingerprints, the
//! taxonomy a preview plans with, whether a preview may be applied and whether an apply found what was
//! previewed, where one product stands, and the notification of an ended run.

use wasm_bindgen::prelude::*;

use super::bodies::WithBodies;
use super::{export, Objects, Parsed};
use crate::changes::{self, apply::compare_fingerprints, PreviewFingerprints};
use crate::notify;

/// Plans the sync exactly as `planCatalog` does and lists what it would change, product by product: kind
/// (`created`, `updated`, `removed`, `kept`, `rejected`, `held`), the field changes old → new (title,
/// description, price, category, tags, images, stock, status), what an updated product is completed with, and the
/// errors of each product; the counts, the plan's run-level notes, and the listing and plan fingerprints.
///
/// ```js
/// const list = planChanges({ plan: planInput, current, stock: { items, levels }, categoriesBody });
/// // list.entries[0] => { source_id: 1, product_id: "prod_…", kind: "updated", title: "Lamp",
/// //                      diff: [{ field: "price", old: 9.5, new: 11 }], completes: [], errors: [] }
/// ```
#[wasm_bindgen(js_name = planChanges, unchecked_return_type = "ChangeList")]
pub fn plan_changes(
    #[wasm_bindgen(unchecked_param_type = "ChangesInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("planChanges", |call| {
        Ok(Parsed(changes::plan_changes(&call.input(input)?)))
    })
}

/// The categories and tags a preview plans with: the store's, plus placeholders (`planned:<handle>`) for those a
/// run would create first.
///
/// ```js
/// const { categories, tags } = previewTaxonomy({ pages, products, categoriesBody, existingCategories, existingTags });
/// ```
#[wasm_bindgen(js_name = previewTaxonomy, unchecked_return_type = "PreviewTaxonomy")]
pub fn preview_taxonomy(
    #[wasm_bindgen(unchecked_param_type = "TaxonomyPlanInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("previewTaxonomy", |call| {
        let WithBodies(input) = call.input(input)?;
        Ok(Parsed(changes::preview_taxonomy(&input)))
    })
}

/// Whether a preview may be applied now: allowed, or refused with the HTTP status and `{ code, message }`
/// (400 not a preview; 409 not ended well, expired, or already applied).
///
/// ```js
/// const verdict = checkApplyPreview({ runId, trigger, status, finishedAtMs, nowMs, ttlMs: options.previewTtlMs,
///                                     appliedBy, appliedByStatus });
/// ```
#[wasm_bindgen(js_name = checkApplyPreview, unchecked_return_type = "ApplyPreviewVerdict")]
pub fn check_apply_preview(
    #[wasm_bindgen(unchecked_param_type = "ApplyPreviewRequest")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("checkApplyPreview", |call| {
        Ok(Objects(changes::check_apply_preview(&call.input(input)?)))
    })
}

/// Whether an apply run may write: `null` when its fingerprints equal the preview's, else the message its run
/// fails with (the source, or the store, changed since the preview).
///
/// ```js
/// const refusal = comparePreviewFingerprints(previewRun.id, previewed, { listing, plan });
/// if (refusal !== null) throw new Error(refusal);
/// ```
#[wasm_bindgen(js_name = comparePreviewFingerprints, unchecked_return_type = "string | null")]
pub fn compare_preview_fingerprints(
    preview_run_id: &str,
    #[wasm_bindgen(unchecked_param_type = "PreviewFingerprints")] previewed: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PreviewFingerprints")] found: JsValue,
) -> Result<JsValue, JsValue> {
    export("comparePreviewFingerprints", |call| {
        let previewed: PreviewFingerprints = call.input(previewed)?;
        let found: PreviewFingerprints = call.input(found)?;
        Ok(Objects(compare_fingerprints(
            preview_run_id,
            &previewed,
            &found,
        )))
    })
}

/// Where one product stands (`in_sync`, `changed_upstream`, `edited_in_admin`), why, and its source link.
///
/// ```js
/// const { status, reasons, sourceLink } = productStatus({ sourceUrl, sourceId, writtenFingerprint, … });
/// ```
#[wasm_bindgen(js_name = productStatus, unchecked_return_type = "ProductSyncState")]
pub fn product_status(
    #[wasm_bindgen(unchecked_param_type = "ProductStatusInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("productStatus", |call| {
        Ok(Objects(changes::product_status(&call.input(input)?)))
    })
}

/// The admin notification an ended run creates (title, description, path of its page, idempotency key), or
/// `null`: only a scheduled or webhook run that ended `failed` or `partial` creates one.
///
/// ```js
/// const notification = runNotification({ runId, trigger, status, errorMessage, errors });
/// if (notification) await notifications.createNotifications({ to: "", channel: "feed", template: "admin-ui",
///   data: { title: notification.title, description: notification.description }, idempotency_key: notification.idempotencyKey });
/// ```
#[wasm_bindgen(js_name = runNotification, unchecked_return_type = "RunNotification | null")]
pub fn run_notification(
    #[wasm_bindgen(unchecked_param_type = "EndedRun")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("runNotification", |call| {
        Ok(Objects(notify::run_notification(&call.input(input)?)))
    })
}

/// The owned products a preview plans with (and the inventory item of each one's variant), from the full rows of
/// every product the sync owns and the ledger's rows; nothing is repaired.
///
/// ```js
/// const { owned, inventoryItems } = previewOwnedProducts({ rows: await readProductRows(query, ids), ledger });
/// ```
#[wasm_bindgen(js_name = previewOwnedProducts, unchecked_return_type = "PreviewOwned")]
pub fn preview_owned_products(
    #[wasm_bindgen(unchecked_param_type = "OwnedRowsInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("previewOwnedProducts", |call| {
        Ok(Parsed(changes::preview_owned_products(&call.input(input)?)))
    })
}
