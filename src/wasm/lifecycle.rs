//! Exports of [`crate::lifecycle`]: the transitions of a run, the liveness of its owner, how it ends, the lease
//! figures, where a run executes and where its batches are written, and the write fan-out's decisions.

use wasm_bindgen::prelude::*;

use super::{export, Objects};
use crate::lifecycle::{self, RunEvent, SyncRunStatus, WorkerMode};

/// The transition an event makes: the status the run must have (`null`: its record is created), the status it
/// gets, and what else the host's conditional update must match (`guard`).
///
/// ```js
/// const { from, to, guard } = runTransition({ kind: "startQueued" }); // "queued", "running", "none"
/// // UPDATE catalog_sync_run SET status = to WHERE id = ? AND status = from  (then check the affected rows)
/// ```
#[wasm_bindgen(js_name = runTransition, unchecked_return_type = "RunTransition")]
pub fn run_transition(
    #[wasm_bindgen(unchecked_param_type = "RunEvent")] event: JsValue,
) -> Result<JsValue, JsValue> {
    export("runTransition", |call| {
        let event: RunEvent = call.input(event)?;
        Ok(Objects(lifecycle::run_transition(event)))
    })
}

/// Whether the owner of a running run is alive: its lease (last heartbeat + `leaseFigures().leaseMs`, the
/// database's clock) has not run out, and, when the caller is the owner, the caller still executes it.
///
/// ```js
/// const verdict = runLiveness({ owner: run.owner, heartbeatAtMs, nowMs: dbNowMs, thisBoot, heldHere: false });
/// if (verdict.kind === "dead") interrupt(run, verdict.reason);
/// ```
#[wasm_bindgen(js_name = runLiveness, unchecked_return_type = "Liveness")]
pub fn run_liveness(
    #[wasm_bindgen(unchecked_param_type = "LivenessInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("runLiveness", |call| {
        Ok(Objects(lifecycle::run_liveness(&call.input(input)?)))
    })
}

/// How a run ends: the transition (a finish by the owner, an interrupt by another process) and the run's
/// `error_message` (the first error of a failed report, the sync's error, or why the run was interrupted).
///
/// ```js
/// const end = endRun({ kind: "completed", status: report.status, errors: report.errors });
/// // { transition: { from: "running", to: "success", guard: "owner" }, errorMessage: null }
/// ```
#[wasm_bindgen(js_name = endRun, unchecked_return_type = "RunEnd")]
pub fn end_run(
    #[wasm_bindgen(unchecked_param_type = "RunEnding")] ending: JsValue,
) -> Result<JsValue, JsValue> {
    export("endRun", |call| {
        Ok(Objects(lifecycle::end_run(&call.input(ending)?)))
    })
}

/// The heartbeat interval and the lease of a running run, in milliseconds (5,000 and 20,000).
///
/// ```js
/// const { heartbeatIntervalMs, leaseMs } = leaseFigures();
/// ```
#[wasm_bindgen(js_name = leaseFigures, unchecked_return_type = "LeaseFigures")]
pub fn lease_figures() -> Result<JsValue, JsValue> {
    export("leaseFigures", |_| Ok(Objects(lifecycle::LEASE)))
}

/// The wait in milliseconds before trying again a final-status write that failed `attempt` times (1, 2, …), or
/// `null` when the owner must give the run up (its lease then runs out and another process interrupts it).
///
/// ```js
/// finalWriteRetryDelay(1); // 500
/// finalWriteRetryDelay(5); // null
/// ```
#[wasm_bindgen(js_name = finalWriteRetryDelay, unchecked_return_type = "number | null")]
pub fn final_write_retry_delay(attempt: u32) -> Result<JsValue, JsValue> {
    export("finalWriteRetryDelay", |_| {
        Ok(Objects(lifecycle::final_write_retry_delay(attempt)))
    })
}

/// Where the runs an instance records execute: `"workers"` for a `server` instance (it hands them over through
/// the event bus), `"thisProcess"` for `shared` and `worker` instances.
///
/// ```js
/// executionSite(configModule.projectConfig.workerMode); // "workers" on a server
/// ```
#[wasm_bindgen(js_name = executionSite, unchecked_return_type = "ExecutionSite")]
pub fn execution_site(
    #[wasm_bindgen(unchecked_param_type = "WorkerMode")] mode: JsValue,
) -> Result<JsValue, JsValue> {
    export("executionSite", |call| {
        let mode: WorkerMode = call.input(mode)?;
        Ok(Objects(lifecycle::execution_site(mode)))
    })
}

/// Whether an operator's request to stop a run is recorded: `accepted` (record it), `alreadyRequested`, or
/// `refused` with the message (a queued or ended run: answer 409).
///
/// ```js
/// const verdict = checkCancel(run.id, run.status, run.cancel_requested_at !== null);
/// ```
#[wasm_bindgen(js_name = checkCancel, unchecked_return_type = "CancelVerdict")]
pub fn check_cancel(
    run_id: &str,
    #[wasm_bindgen(unchecked_param_type = "SyncRunStatus")] status: JsValue,
    cancel_requested: bool,
) -> Result<JsValue, JsValue> {
    export("checkCancel", |call| {
        let status: SyncRunStatus = call.input(status)?;
        Ok(Objects(lifecycle::check_cancel(
            run_id,
            status,
            cancel_requested,
        )))
    })
}

/// Where the write batches of a run executing in an instance are written: `"workers"` for a `worker` instance (it
/// publishes them through the event bus and every worker writes some), `"thisProcess"` for a `shared` instance.
///
/// ```js
/// writeSite(configModule.projectConfig.workerMode); // "workers" in a worker
/// ```
#[wasm_bindgen(js_name = writeSite, unchecked_return_type = "WriteSite")]
pub fn write_site(
    #[wasm_bindgen(unchecked_param_type = "WorkerMode")] mode: JsValue,
) -> Result<JsValue, JsValue> {
    export("writeSite", |call| {
        let mode: WorkerMode = call.input(mode)?;
        Ok(Objects(lifecycle::write_site(mode)))
    })
}

/// Whether a worker that got a published batch's event takes the batch: `{ kind: "take", observed }` (claim it if
/// the claim is still `observed`) or `{ kind: "skip", reason }` (recorded, withdrawn, or claimed by a live worker).
///
/// ```js
/// const verdict = batchTake({ published: true, recorded: false, runWriting: true, claim: null, nowMs, thisBoot,
///                            heldHere: false });
/// if (verdict.kind === "take") await claimBatch(runId, position, verdict.observed);
/// ```
#[wasm_bindgen(js_name = batchTake, unchecked_return_type = "BatchTake")]
pub fn batch_take(
    #[wasm_bindgen(unchecked_param_type = "TakeCheck")] check: JsValue,
) -> Result<JsValue, JsValue> {
    export("batchTake", |call| {
        Ok(Objects(lifecycle::batch_take(&call.input(check)?)))
    })
}

/// What the owner of a run makes of the batches of one kind it published: whether every result is in, the
/// products written so far, which batches to publish again (dead claimers, once per death; unclaimed ones when the
/// fan-out stood still for a lease), and how to read the rows at the next look (every row, or those changed since
/// `sinceMs`). Only a look that read every row (`fullLook`) completes or publishes again.
///
/// ```js
/// const state = fanOutState({ batches, fullLook, lastFullLookMs, nowMs, thisBoot, heldHere: [], closing: false });
/// if (state.republish.length) await publish(runId, state.republish);
/// const next = state.nextLook.kind === "every" ? readEvery() : readChangedSince(state.nextLook.sinceMs);
/// ```
#[wasm_bindgen(js_name = fanOutState, unchecked_return_type = "FanOutState")]
pub fn fan_out_state(
    #[wasm_bindgen(unchecked_param_type = "FanOutCheck")] check: JsValue,
) -> Result<JsValue, JsValue> {
    export("fanOutState", |call| {
        Ok(Objects(lifecycle::fan_out_state(&call.input(check)?)))
    })
}
