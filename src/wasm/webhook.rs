//! Exports of [`crate::webhook`] and [`crate::queue`]: the answer to a webhook call, and the queued run its ids
//! join.

use wasm_bindgen::prelude::*;

use super::{export, AsIs, Objects};
use crate::{queue, webhook};

/// The answer to a call of the webhook route: accepted with its product ids, or refused with the HTTP status
/// (503 webhook off, 413 body too large, 401 signature or timestamp, 400 body) and `{ code, message }`.
///
/// ```js
/// const verdict = checkWebhook({ secret: options.webhookSecret, headers: req.headers, body, bodyLength,
///                                nowSeconds: Date.now() / 1000 });
/// if (verdict.kind === "refused") res.status(verdict.status).json({ code: verdict.code, message: verdict.message });
/// else startTargetedSync(verdict.productIds);
/// ```
#[wasm_bindgen(js_name = checkWebhook, unchecked_return_type = "WebhookVerdict")]
pub fn check_webhook(
    #[wasm_bindgen(unchecked_param_type = "WebhookCall")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("checkWebhook", |call| {
        Ok(Objects(webhook::check_webhook(&call.input(input)?)))
    })
}

/// The largest webhook body accepted, in bytes (65536): the host keeps at most this many bytes of a body and
/// reports the total it received to `checkWebhook`, which refuses a longer one with 413.
///
/// ```js
/// const limit = webhookBodyLimit(); // 65536
/// ```
#[wasm_bindgen(js_name = webhookBodyLimit)]
pub fn webhook_body_limit() -> Result<f64, JsValue> {
    export("webhookBodyLimit", |_| {
        Ok(AsIs(webhook::MAX_BODY_BYTES as f64))
    })
}

/// The product ids of the one queued webhook run after a call's ids are added: the sorted union.
///
/// ```js
/// const ids = mergeQueuedIds({ queued: [13, 12], incoming: [40, 12] }); // [12, 13, 40]
/// ```
#[wasm_bindgen(js_name = mergeQueuedIds, unchecked_return_type = "number[]")]
pub fn merge_queued_ids(
    #[wasm_bindgen(unchecked_param_type = "QueueMergeInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    export("mergeQueuedIds", |call| {
        Ok(Objects(queue::merge_queued_ids(&call.input(input)?)))
    })
}
