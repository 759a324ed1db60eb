//! Exports of [`crate::removals`]: whether a run's held removals may be applied now.

use wasm_bindgen::prelude::*;

use super::{export, Objects};
use crate::removals;

/// Whether the removals a run held back may be applied now: allowed, or refused with the HTTP status (400
/// nothing held back, 409 already applied by a run that did not fail) and `{ code, message }`.
///
/// ```js
/// const verdict = checkApplyRemovals({ runId: run.id, held: run.held_removals?.length ?? 0,
///                                      appliedBy: run.removals_applied_by, appliedByStatus: applier?.status ?? null });
/// if (verdict.kind === "refused") res.status(verdict.status).json({ code: verdict.code, message: verdict.message });
/// ```
#[wasm_bindgen(js_name = checkApplyRemovals, unchecked_return_type = "ApplyRemovalsVerdict")]
pub fn check_apply_removals(
    #[wasm_bindgen(unchecked_param_type = "ApplyRemovalsRequest")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("checkApplyRemovals", |call| {
        Ok(Objects(removals::check_apply_removals(&call.input(input)?)))
    })
}
