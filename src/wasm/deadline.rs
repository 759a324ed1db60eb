//! Exports of [`crate::deadline`]: whether a run is past its deadline.

use wasm_bindgen::prelude::*;

use super::{export, Objects};
use crate::deadline::DeadlineCheck;

/// Whether a run is past its deadline (`runTimeoutMs` after its start) in a phase: `null`, or the timeout to
/// report (`{ phase, runTimeoutMs }`; its message is the core's `RunTimeout` message). The host asks between
/// image downloads and at every write batch boundary.
///
/// ```js
/// const timeout = checkRunDeadline({ deadline: { startedAtMs, runTimeoutMs: options.runTimeoutMs },
///                                    nowMs: Date.now(), phase: "write" });
/// if (timeout) stopHere(timeout); // then summarizeRun({ ..., timedOut: timeout })
/// ```
#[wasm_bindgen(js_name = checkRunDeadline, unchecked_return_type = "RunTimeout | null")]
pub fn check_run_deadline(
    #[wasm_bindgen(unchecked_param_type = "DeadlineCheck")] check: JsValue,
) -> Result<JsValue, JsValue> {
    export("checkRunDeadline", |call| {
        let check: DeadlineCheck = call.input(check)?;
        Ok(Objects(check.deadline.check(check.now_ms, check.phase)))
    })
}
