//! Exports of [`crate::report`]: the errors of a refused write and the end-of-run report.

use wasm_bindgen::prelude::*;

use super::{export, Objects};
use crate::report::{self, WriteErrorInput};

/// One `WRITE_FAILED` run error per product of a batch Medusa refused, naming the product and Medusa's message.
///
/// ```js
/// const errors = writeErrorFor({ batch, message: error.message });
/// // [{ source_id: 17, field: null, code: "WRITE_FAILED", message: "product 17: Medusa refused to create it: ..." }]
/// ```
#[wasm_bindgen(js_name = writeErrorFor, unchecked_return_type = "RunError[]")]
pub fn write_error_for(
    #[wasm_bindgen(unchecked_param_type = "WriteErrorInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("writeErrorFor", |call| {
        let input: WriteErrorInput = call.input(input)?;
        Ok(Objects(report::write_error_for(
            &input.batch,
            &input.message,
        )))
    })
}

/// Folds the plan and the batch results into the run report (`success`, `partial` or `failed`).
///
/// ```js
/// const report = summarizeRun({ plan: plan.summary(), results: [{ kind: "create", index: 0, written: 50, failedSourceIds: [] }],
///                               fetch: { requests: 7, retries: 0, pagesTotal: 7, pagesFetched: 7 } });
/// // report.status === "success", report.counts.created === 50
/// ```
#[wasm_bindgen(js_name = summarizeRun, unchecked_return_type = "RunReport")]
pub fn summarize_run(
    #[wasm_bindgen(unchecked_param_type = "SummarizeInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("summarizeRun", |call| {
        Ok(Objects(report::summarize_run(&call.input(input)?)))
    })
}
