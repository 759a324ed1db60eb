//! The signed webhook: what a call to `POST /webhooks/product-update` is answered.
//!
//! The sender signs `"<timestamp>.<raw body>"` with HMAC-SHA256 under the shared `webhookSecret` and sends
//! the timestamp (Unix seconds) in [`TIMESTAMP_HEADER`] and the lowercase hex signature (optionally prefixed
//! `sha256=`) in [`SIGNATURE_HEADER`]. [`check_webhook`] decides the answer, in this order:
//!
//! 1. no secret configured: the webhook is off (503, `WEBHOOK_SECRET_MISSING`);
//! 2. a body longer than [`MAX_BODY_BYTES`] (413, `WEBHOOK_BODY_TOO_LARGE`), before any HMAC is computed;
//! 3. a missing, malformed or wrong signature, or a timestamp more than [`DEFAULT_TOLERANCE_SECONDS`] away
//!    from the host-supplied current time, which stops replays (401, `WEBHOOK_SIGNATURE_*`,
//!    `WEBHOOK_TIMESTAMP_STALE`); the signature is checked over the *raw* body bytes, in constant time;
//! 4. a body that is not `{ "product_id": 12 }` / `{ "product_ids": [12, 13] }` (400, `WEBHOOK_BODY_INVALID`);
//!
//! and otherwise accepts the call with its distinct product ids (202), and with what the host must remember
//! to refuse a replay of this very call: its **replay key** (the signature, normalized: the lowercase hex of its
//! 32 bytes, so `sha256=`-prefixed or uppercase copies of it are the same key) and until when
//! (`rememberUntilSeconds`: the end of the replay window — after it the timestamp check refuses the call —
//! plus [`REPLAY_MARGIN_SECONDS`] for instances whose clocks differ a little). The host stores accepted keys
//! with a unique constraint: a key already stored is a replay (200 `{ duplicate: true }`, nothing starts).
//! Two calls with the same body and different timestamps are two deliveries: their signatures, hence their
//! keys, differ.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use ts_rs::TS;

use crate::model::{excerpt, CoreErrorCode, SourceId};

/// Default replay window, in seconds either side of the current time.
pub const DEFAULT_TOLERANCE_SECONDS: u32 = 300;
/// How long past the end of its replay window an accepted call's replay key is remembered, in seconds.
pub const REPLAY_MARGIN_SECONDS: u32 = 60;
/// Largest accepted body, in bytes (64 KiB); a longer one is refused before its signature is computed.
pub const MAX_BODY_BYTES: u64 = 65_536;
/// The request header carrying the timestamp (Unix seconds) the signature covers.
pub const TIMESTAMP_HEADER: &str = "x-webhook-timestamp";
/// The request header carrying the hex HMAC-SHA256 signature.
pub const SIGNATURE_HEADER: &str = "x-webhook-signature";
/// Optional prefix of the signature header's value (`sha256=<hex>`).
const SIGNATURE_PREFIX: &str = "sha256=";
/// Largest integer a JavaScript number holds exactly (2^53 - 1): larger ids could not reach the host intact.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
/// Most product ids one webhook call may name.
pub const MAX_WEBHOOK_IDS: usize = 100;

/// Input of [`verify_webhook_signature`].
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookSignatureInput {
    /// The shared secret (`options.webhookSecret`).
    pub secret: String,
    /// The timestamp header: Unix time in seconds, as sent.
    pub timestamp: String,
    /// The signature header: hex HMAC-SHA256, optionally prefixed `sha256=`.
    pub signature: String,
    /// The raw request body, exactly as received.
    pub body: Vec<u8>,
    /// Current time in Unix seconds.
    pub now_seconds: f64,
    /// Accepted distance between `timestamp` and `now_seconds` (default 300).
    pub tolerance_seconds: Option<u32>,
}

/// What a webhook call says happened upstream. Informational: the source is the truth, so both events
/// re-fetch the products, and a product the source no longer has is handled by `onMissing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum WebhookEvent {
    /// The products changed upstream. The default.
    #[serde(rename = "product.updated")]
    ProductUpdated,
    /// The products were removed upstream.
    #[serde(rename = "product.deleted")]
    ProductDeleted,
}

/// A parsed webhook body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRequest {
    /// Distinct source product ids, in first-occurrence order.
    pub product_ids: Vec<SourceId>,
    /// The event.
    pub event: WebhookEvent,
}

/// One request header as Node.js gives it (`req.headers`): a value, or several for a repeated header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum HeaderValue {
    /// The header was sent once (or Node.js joined its values with `", "`).
    One(String),
    /// The header was sent several times.
    Many(Vec<String>),
}

/// Input of [`check_webhook`]: one call to the webhook route, as the host received it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WebhookCall {
    /// The configured secret (`options.webhookSecret`); `null` when the webhook is off.
    pub secret: Option<String>,
    /// The request headers (`req.headers`); names are matched case-insensitively.
    #[ts(type = "Record<string, string | string[] | undefined>")]
    pub headers: BTreeMap<String, Option<HeaderValue>>,
    /// The raw body exactly as received, or its first [`MAX_BODY_BYTES`] bytes when it is longer.
    #[serde(with = "serde_bytes")]
    #[ts(type = "Uint8Array")]
    pub body: Vec<u8>,
    /// The number of body bytes received in all (more than `body.length` when the host stopped keeping them).
    pub body_length: f64,
    /// Current time in Unix seconds.
    pub now_seconds: f64,
}

/// The answer to a webhook call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[ts(export)]
pub enum WebhookVerdict {
    /// The call is genuine and names products: sync them (HTTP 202).
    Accepted {
        /// Distinct source product ids, in first-occurrence order.
        #[serde(rename = "productIds")]
        #[ts(type = "Array<number>")]
        product_ids: Vec<SourceId>,
        /// The event the call reported.
        event: WebhookEvent,
        /// What identifies this delivery: the lowercase hex of its signature's 32 bytes. A call whose key was
        /// already accepted is a replay.
        #[serde(rename = "replayKey")]
        replay_key: String,
        /// Until when (Unix seconds) the key must be remembered; a replay after it is refused as stale anyway.
        #[serde(rename = "rememberUntilSeconds")]
        #[ts(type = "number")]
        remember_until_seconds: u64,
    },
    /// The call is refused and nothing runs: answer `status` with `{ code, message }`.
    Refused {
        /// The HTTP status: 503, 413, 401 or 400.
        status: u16,
        /// The error's stable code, e.g. `WEBHOOK_SIGNATURE_MISMATCH`.
        code: CoreErrorCode,
        /// What is wrong, for the sender.
        message: String,
    },
}

/// A webhook call is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// No secret is configured, so no call can be verified.
    #[error("the webhook is disabled: no webhookSecret is configured")]
    SecretMissing,
    /// The body is longer than [`MAX_BODY_BYTES`].
    #[error("webhook body is {length} bytes, more than the {limit} bytes accepted")]
    BodyTooLarge {
        /// Bytes received.
        length: u64,
        /// The limit.
        limit: u64,
    },
    /// A signature header is absent or empty.
    #[error("webhook header {header} is missing")]
    SignatureMissing {
        /// The header's name.
        header: &'static str,
    },
    /// A signature header is not in the expected format.
    #[error("webhook header {header} is malformed: {reason}")]
    SignatureMalformed {
        /// The header's name.
        header: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The signature does not match the body and timestamp.
    #[error("webhook signature does not match the request body")]
    SignatureMismatch,
    /// The timestamp is outside the replay window.
    #[error("webhook timestamp is {age_seconds} s away from now (more than {tolerance_seconds} s): refused as a possible replay")]
    TimestampStale {
        /// Distance between the timestamp and now, in seconds.
        age_seconds: u64,
        /// The accepted distance.
        tolerance_seconds: u32,
    },
    /// The body is not a valid webhook body.
    #[error("invalid webhook body: {reason}")]
    BodyInvalid {
        /// What is wrong.
        reason: String,
    },
}

impl WebhookError {
    /// Stable error code: `WEBHOOK_SECRET_MISSING`, `WEBHOOK_BODY_TOO_LARGE`, `WEBHOOK_SIGNATURE_MISSING`,
    /// `WEBHOOK_SIGNATURE_MALFORMED`, `WEBHOOK_SIGNATURE_MISMATCH`, `WEBHOOK_TIMESTAMP_STALE` or
    /// `WEBHOOK_BODY_INVALID`.
    pub fn code(&self) -> CoreErrorCode {
        match self {
            WebhookError::SecretMissing => CoreErrorCode::WebhookSecretMissing,
            WebhookError::BodyTooLarge { .. } => CoreErrorCode::WebhookBodyTooLarge,
            WebhookError::SignatureMissing { .. } => CoreErrorCode::WebhookSignatureMissing,
            WebhookError::SignatureMalformed { .. } => CoreErrorCode::WebhookSignatureMalformed,
            WebhookError::SignatureMismatch => CoreErrorCode::WebhookSignatureMismatch,
            WebhookError::TimestampStale { .. } => CoreErrorCode::WebhookTimestampStale,
            WebhookError::BodyInvalid { .. } => CoreErrorCode::WebhookBodyInvalid,
        }
    }

    /// The HTTP status the webhook route answers with: 503 (webhook off), 413 (body too large), 401
    /// (signature or timestamp) or 400 (body).
    pub fn http_status(&self) -> u16 {
        match self {
            WebhookError::SecretMissing => 503,
            WebhookError::BodyTooLarge { .. } => 413,
            WebhookError::SignatureMissing { .. }
            | WebhookError::SignatureMalformed { .. }
            | WebhookError::SignatureMismatch
            | WebhookError::TimestampStale { .. } => 401,
            WebhookError::BodyInvalid { .. } => 400,
        }
    }

    /// Structured details of the error (never the secret or the expected signature).
    pub fn details(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            WebhookError::SecretMissing | WebhookError::SignatureMismatch => json!({}),
            WebhookError::BodyTooLarge { length, limit } => {
                json!({ "length": length, "limit": limit })
            }
            WebhookError::SignatureMissing { header } => json!({ "header": header }),
            WebhookError::SignatureMalformed { header, reason } => {
                json!({ "header": header, "reason": reason })
            }
            WebhookError::TimestampStale {
                age_seconds,
                tolerance_seconds,
            } => {
                json!({ "ageSeconds": age_seconds, "toleranceSeconds": tolerance_seconds })
            }
            WebhookError::BodyInvalid { reason } => json!({ "reason": reason }),
        }
    }
}

/// Decides the answer to a webhook call (see the [module](self) documentation for the order of the checks).
///
/// ```
/// use std::collections::BTreeMap;
/// use catalog_sync::webhook::{check_webhook, HeaderValue, WebhookCall, WebhookVerdict};
/// let body = br#"{"product_ids":[12,13]}"#.to_vec();
/// let headers = BTreeMap::from([
///     ("x-webhook-timestamp".to_string(), Some(HeaderValue::One("1700000000".into()))),
///     ("x-webhook-signature".to_string(),
///      Some(HeaderValue::One("009a4da3789711cff330e7a5db3bf53fa0d9476a4e580631b5475d401267c90e".into()))),
/// ]);
/// let call = WebhookCall { secret: Some("whsec_test_secret".into()), headers, body_length: body.len() as f64,
///                          body, now_seconds: 1_700_000_010.0 };
/// assert!(matches!(check_webhook(&call), WebhookVerdict::Accepted { ref product_ids, .. } if product_ids == &[12, 13]));
/// let unsigned = WebhookCall { headers: BTreeMap::new(), ..call };
/// assert!(matches!(check_webhook(&unsigned), WebhookVerdict::Refused { status: 401, .. }));
/// ```
pub fn check_webhook(call: &WebhookCall) -> WebhookVerdict {
    match accept(call) {
        Ok((request, delivery)) => WebhookVerdict::Accepted {
            product_ids: request.product_ids,
            event: request.event,
            replay_key: hex::encode(delivery.signature),
            remember_until_seconds: delivery.timestamp
                + u64::from(DEFAULT_TOLERANCE_SECONDS)
                + u64::from(REPLAY_MARGIN_SECONDS),
        },
        Err(error) => WebhookVerdict::Refused {
            status: error.http_status(),
            code: error.code(),
            message: error.to_string(),
        },
    }
}

/// A call whose signature and timestamp verified.
struct Delivery {
    /// The timestamp header, Unix seconds.
    timestamp: u64,
    /// The signature's bytes.
    signature: Vec<u8>,
}

/// The checks of [`check_webhook`], in order.
fn accept(call: &WebhookCall) -> Result<(WebhookRequest, Delivery), WebhookError> {
    let secret = call
        .secret
        .as_deref()
        .filter(|secret| !secret.is_empty())
        .ok_or(WebhookError::SecretMissing)?;
    let length = body_length(call);
    if length > MAX_BODY_BYTES {
        return Err(WebhookError::BodyTooLarge {
            length,
            limit: MAX_BODY_BYTES,
        });
    }
    let delivery = verify(
        secret.as_bytes(),
        header(&call.headers, TIMESTAMP_HEADER)?,
        header(&call.headers, SIGNATURE_HEADER)?,
        &call.body,
        call.now_seconds,
        DEFAULT_TOLERANCE_SECONDS,
    )?;
    Ok((parse_webhook_body(&call.body)?, delivery))
}

/// The body length the host reports, never less than the bytes it passed. An infinite length is more than any
/// limit (`as` saturates it to `u64::MAX`); a negative or NaN one says nothing beyond the bytes passed.
fn body_length(call: &WebhookCall) -> u64 {
    let reported = if call.body_length > 0.0 {
        call.body_length as u64
    } else {
        0
    };
    reported.max(call.body.len() as u64)
}

/// The value of a header sent once (`""` when absent); a header sent several times is malformed.
fn header<'a>(
    headers: &'a BTreeMap<String, Option<HeaderValue>>,
    name: &'static str,
) -> Result<&'a str, WebhookError> {
    let value = headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .and_then(|(_, value)| value.as_ref());
    match value {
        None => Ok(""),
        Some(HeaderValue::One(text)) => Ok(text),
        Some(HeaderValue::Many(values)) if values.len() == 1 => Ok(&values[0]),
        Some(HeaderValue::Many(_)) => Err(WebhookError::SignatureMalformed {
            header: name,
            reason: "sent more than once",
        }),
    }
}

/// Verifies a webhook call's signature and freshness.
///
/// ```
/// use catalog_sync::webhook::{verify_webhook_signature, WebhookSignatureInput};
/// let input = WebhookSignatureInput {
///     secret: "whsec_test_secret".into(),
///     timestamp: "1700000000".into(),
///     signature: "009a4da3789711cff330e7a5db3bf53fa0d9476a4e580631b5475d401267c90e".into(),
///     body: br#"{"product_ids":[12,13]}"#.to_vec(),
///     now_seconds: 1_700_000_010.0,
///     tolerance_seconds: None,
/// };
/// assert!(verify_webhook_signature(&input).is_ok());
/// ```
pub fn verify_webhook_signature(input: &WebhookSignatureInput) -> Result<(), WebhookError> {
    if input.secret.is_empty() {
        return Err(WebhookError::SecretMissing);
    }
    verify(
        input.secret.as_bytes(),
        &input.timestamp,
        &input.signature,
        &input.body,
        input.now_seconds,
        input.tolerance_seconds.unwrap_or(DEFAULT_TOLERANCE_SECONDS),
    )
    .map(|_| ())
}

/// The signature and replay checks over raw bytes: header formats, then the replay window, then the HMAC
/// (compared in constant time).
fn verify(
    key: &[u8],
    timestamp: &str,
    signature: &str,
    body: &[u8],
    now_seconds: f64,
    tolerance: u32,
) -> Result<Delivery, WebhookError> {
    let timestamp = timestamp.trim();
    let signature = signature.trim();
    if timestamp.is_empty() {
        return Err(WebhookError::SignatureMissing {
            header: TIMESTAMP_HEADER,
        });
    }
    if signature.is_empty() {
        return Err(WebhookError::SignatureMissing {
            header: SIGNATURE_HEADER,
        });
    }
    let seconds: i64 = timestamp
        .parse()
        .ok()
        .filter(|_| timestamp.bytes().all(|b| b.is_ascii_digit()) && timestamp.len() <= 12)
        .ok_or(WebhookError::SignatureMalformed {
            header: TIMESTAMP_HEADER,
            reason: "expected Unix time in seconds",
        })?;
    let hex_signature = match signature.get(..SIGNATURE_PREFIX.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(SIGNATURE_PREFIX) => {
            &signature[SIGNATURE_PREFIX.len()..]
        }
        _ => signature,
    };
    let expected_bytes = hex::decode(hex_signature)
        .ok()
        .filter(|bytes| bytes.len() == 32)
        .ok_or(WebhookError::SignatureMalformed {
            header: SIGNATURE_HEADER,
            reason: "expected 64 hex digits",
        })?;
    let now = if now_seconds.is_finite() {
        now_seconds.floor() as i64
    } else {
        0
    };
    let age = seconds.abs_diff(now);
    if age > u64::from(tolerance) {
        return Err(WebhookError::TimestampStale {
            age_seconds: age,
            tolerance_seconds: tolerance,
        });
    }
    signer(key)?
        .chain_update(timestamp.as_bytes())
        .chain_update(b".")
        .chain_update(body)
        .verify_slice(&expected_bytes)
        .map_err(|_| WebhookError::SignatureMismatch)?;
    Ok(Delivery {
        timestamp: seconds.unsigned_abs(),
        signature: expected_bytes,
    })
}

/// HMAC-SHA256 keyed with `key`.
fn signer(key: &[u8]) -> Result<Hmac<Sha256>, WebhookError> {
    // HMAC takes keys of any length (longer ones are hashed first), so this never fails in practice.
    <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| WebhookError::SecretMissing)
}

/// The accepted body shapes; unknown keys are ignored.
#[derive(Deserialize)]
struct RawBody {
    product_id: Option<serde_json::Value>,
    product_ids: Option<serde_json::Value>,
    event: Option<serde_json::Value>,
}

/// Parses a verified webhook body: `{ "product_id": 12 }` or `{ "product_ids": [12, 13] }`, with an optional
/// `"event"` (`"product.updated"`, the default, or `"product.deleted"`).
///
/// Ids must be positive integers; duplicates are dropped; at most 100 ids per call.
///
/// ```
/// use catalog_sync::webhook::{parse_webhook_body, WebhookEvent};
/// let request = parse_webhook_body(br#"{"product_ids":[12,13,12]}"#).unwrap();
/// assert_eq!(request.product_ids, vec![12, 13]);
/// assert_eq!(request.event, WebhookEvent::ProductUpdated);
/// ```
pub fn parse_webhook_body(body: &[u8]) -> Result<WebhookRequest, WebhookError> {
    let invalid = |reason: String| WebhookError::BodyInvalid { reason };
    let raw: RawBody = serde_json::from_slice(body).map_err(|error| {
        invalid(format!(
            "not a JSON object ({})",
            excerpt(&error.to_string())
        ))
    })?;
    let mut ids: Vec<&serde_json::Value> = Vec::new();
    if let Some(id) = raw.product_id.as_ref().filter(|v| !v.is_null()) {
        ids.push(id);
    }
    match raw.product_ids.as_ref() {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Array(list)) => ids.extend(list),
        Some(other) => {
            return Err(invalid(format!(
                "\"product_ids\" must be an array (got {})",
                excerpt(&other.to_string())
            )))
        }
    }
    if ids.is_empty() {
        return Err(invalid(
            "no product id: send \"product_id\" or a non-empty \"product_ids\"".to_string(),
        ));
    }
    if ids.len() > MAX_WEBHOOK_IDS {
        return Err(invalid(format!(
            "{} product ids (at most {MAX_WEBHOOK_IDS} per call)",
            ids.len()
        )));
    }
    let mut product_ids: Vec<SourceId> = Vec::with_capacity(ids.len());
    for value in ids {
        let id = value
            .as_u64()
            .filter(|id| (1..=MAX_SAFE_INTEGER).contains(id))
            .ok_or_else(|| {
                invalid(format!(
                    "product ids must be positive integers (got {})",
                    excerpt(&value.to_string())
                ))
            })?;
        if !product_ids.contains(&id) {
            product_ids.push(id);
        }
    }
    let event = match raw.event {
        None | Some(serde_json::Value::Null) => WebhookEvent::ProductUpdated,
        Some(value) => serde_json::from_value(value.clone()).map_err(|_| {
            invalid(format!(
                "\"event\" must be \"product.updated\" or \"product.deleted\" (got {})",
                excerpt(&value.to_string())
            ))
        })?,
    };
    Ok(WebhookRequest { product_ids, event })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors of our `<timestamp>.<body>` format, computed independently of this crate with Python's hmac
    // module and Node's crypto.createHmac (both gave the same hex), and pasted here.
    const SECRET: &str = "whsec_test_secret";
    const TIMESTAMP: &str = "1700000000";
    const BODY: &[u8] = br#"{"product_ids":[12,13]}"#;
    const SIGNATURE: &str = "009a4da3789711cff330e7a5db3bf53fa0d9476a4e580631b5475d401267c90e";
    const DELETED_BODY: &[u8] = br#"{"product_id":7,"event":"product.deleted"}"#;
    const DELETED_SIGNATURE: &str =
        "cb1d7a1f297a8c5cb5b874ff73642bd3d1780edbbfa829268d731d04d7d53beb";
    /// `{ "product_id" : 12 }` with its spaces, as sent.
    const SPACED_BODY: &[u8] = br#"{ "product_id" : 12 }"#;
    const SPACED_SIGNATURE: &str =
        "45880538f6e173e8a93909b660cdf5fad30d664b4830bbc09ffcfb03465608ac";
    /// The same JSON value re-serialised (`{"product_id":12}`): a different message, so a different signature.
    const RESERIALISED_SIGNATURE: &str =
        "28ed220650f08a90438109d3507e40fe1f7529910bb191c9aa49b433947fb802";
    /// Secret `clé-secrète`, timestamp 1764576000, a body with a UTF-8 `é`.
    const UNICODE_SIGNATURE: &str =
        "07ed2dba1b9852ae88915d7509e01b858c334c140b9f3713e199b80c6d224f78";
    /// The empty body.
    const EMPTY_SIGNATURE: &str =
        "316b9ab98c15bfa039d243f3196acee619cf29749a91a634e6a8154e2f7b6727";
    /// Secret `key`, body bytes `ff 00 80` (not UTF-8).
    const BINARY_SIGNATURE: &str =
        "7afe7318915b1f3c117dd0d0353ea2e50adc53a28cb2cdfd128cd42b0d9cb522";

    fn signed(body: &[u8], signature: &str) -> WebhookSignatureInput {
        WebhookSignatureInput {
            secret: SECRET.into(),
            timestamp: TIMESTAMP.into(),
            signature: signature.into(),
            body: body.to_vec(),
            now_seconds: 1_700_000_000.0,
            tolerance_seconds: None,
        }
    }

    fn code(input: &WebhookSignatureInput) -> &'static str {
        verify_webhook_signature(input).unwrap_err().code().as_str()
    }

    fn hex_mac(key: &[u8], data: &[u8]) -> String {
        hex::encode(
            signer(key)
                .unwrap()
                .chain_update(data)
                .finalize()
                .into_bytes(),
        )
    }

    #[test]
    fn rfc_4231_hmac_sha256_vectors() {
        let tc7_data: &[u8] =
            b"This is a test using a larger than block-size key and a larger than block-size \
data. The key needs to be hashed before being used by the HMAC algorithm.";
        let cases: [(&[u8], &[u8], &str); 6] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                &[0xaa; 20],
                &[0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                &[
                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                    23, 24, 25,
                ],
                &[0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                &[0xaa; 131],
                tc7_data,
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (index, (key, data, expected)) in cases.iter().enumerate() {
            assert_eq!(hex_mac(key, data), *expected, "RFC 4231 case {index}");
        }
        // Test case 5: output truncated to 128 bits.
        assert_eq!(
            &hex_mac(&[0x0c; 20], b"Test With Truncation")[..32],
            "a3b6167473100ee06e0c796c2955552b"
        );
    }

    #[test]
    fn known_vectors_of_our_format_verify() {
        assert_eq!(verify_webhook_signature(&signed(BODY, SIGNATURE)), Ok(()));
        assert_eq!(
            verify_webhook_signature(&signed(DELETED_BODY, DELETED_SIGNATURE)),
            Ok(())
        );
        assert_eq!(
            verify_webhook_signature(&signed(b"", EMPTY_SIGNATURE)),
            Ok(())
        );
        let unicode = WebhookSignatureInput {
            secret: "cl\u{e9}-secr\u{e8}te".into(),
            timestamp: "1764576000".into(),
            now_seconds: 1_764_576_000.0,
            ..signed(
                "{\"product_ids\":[5],\"event\":\"product.deleted\",\"note\":\"caf\u{e9}\"}"
                    .as_bytes(),
                UNICODE_SIGNATURE,
            )
        };
        assert_eq!(verify_webhook_signature(&unicode), Ok(()));
        for prefixed in [
            format!("sha256={SIGNATURE}"),
            format!("SHA256={}", SIGNATURE.to_uppercase()),
            format!("  {SIGNATURE} "),
        ] {
            assert_eq!(
                verify_webhook_signature(&signed(BODY, &prefixed)),
                Ok(()),
                "{prefixed}"
            );
        }
        let binary = WebhookSignatureInput {
            secret: "key".into(),
            ..signed(&[0xff, 0x00, 0x80], BINARY_SIGNATURE)
        };
        assert_eq!(
            verify_webhook_signature(&binary),
            Ok(()),
            "raw bytes, not UTF-8 text, are signed"
        );
    }

    #[test]
    fn the_raw_bytes_are_signed_not_the_json_value() {
        assert_eq!(
            verify_webhook_signature(&signed(SPACED_BODY, SPACED_SIGNATURE)),
            Ok(())
        );
        assert_eq!(
            code(&signed(SPACED_BODY, RESERIALISED_SIGNATURE)),
            "WEBHOOK_SIGNATURE_MISMATCH",
            "a signature of the re-serialised JSON does not verify the body as sent"
        );
        assert_eq!(
            verify_webhook_signature(&signed(br#"{"product_id":12}"#, RESERIALISED_SIGNATURE)),
            Ok(())
        );
    }

    #[test]
    fn any_change_is_a_mismatch() {
        assert_eq!(
            code(&signed(br#"{"product_ids":[12,14]}"#, SIGNATURE)),
            "WEBHOOK_SIGNATURE_MISMATCH"
        );
        assert_eq!(
            code(&signed(BODY, DELETED_SIGNATURE)),
            "WEBHOOK_SIGNATURE_MISMATCH"
        );
        let other_secret = WebhookSignatureInput {
            secret: "other".into(),
            ..signed(BODY, SIGNATURE)
        };
        assert_eq!(code(&other_secret), "WEBHOOK_SIGNATURE_MISMATCH");
        let other_time = WebhookSignatureInput {
            timestamp: "1700000001".into(),
            ..signed(BODY, SIGNATURE)
        };
        assert_eq!(code(&other_time), "WEBHOOK_SIGNATURE_MISMATCH");
        let mut flipped = SIGNATURE.to_string();
        flipped.replace_range(63.., "f");
        assert_eq!(code(&signed(BODY, &flipped)), "WEBHOOK_SIGNATURE_MISMATCH");
    }

    #[test]
    fn missing_and_malformed_headers_are_named() {
        let no_signature = signed(BODY, "");
        assert_eq!(code(&no_signature), "WEBHOOK_SIGNATURE_MISSING");
        assert_eq!(
            verify_webhook_signature(&no_signature)
                .unwrap_err()
                .details(),
            serde_json::json!({ "header": "x-webhook-signature" })
        );
        let no_timestamp = WebhookSignatureInput {
            timestamp: " ".into(),
            ..signed(BODY, SIGNATURE)
        };
        assert_eq!(
            verify_webhook_signature(&no_timestamp)
                .unwrap_err()
                .to_string(),
            "webhook header x-webhook-timestamp is missing"
        );
        assert_eq!(code(&signed(BODY, "xyz")), "WEBHOOK_SIGNATURE_MALFORMED");
        assert_eq!(
            code(&signed(BODY, &SIGNATURE[..62])),
            "WEBHOOK_SIGNATURE_MALFORMED"
        );
        assert_eq!(
            code(&signed(BODY, &format!("sha1={SIGNATURE}"))),
            "WEBHOOK_SIGNATURE_MALFORMED"
        );
        for timestamp in ["-1700000000", "17e8", "yesterday", "1700000000.5"] {
            let input = WebhookSignatureInput {
                timestamp: timestamp.into(),
                ..signed(BODY, SIGNATURE)
            };
            assert_eq!(code(&input), "WEBHOOK_SIGNATURE_MALFORMED", "{timestamp}");
        }
        let no_secret = WebhookSignatureInput {
            secret: String::new(),
            ..signed(BODY, SIGNATURE)
        };
        assert_eq!(code(&no_secret), "WEBHOOK_SECRET_MISSING");
    }

    #[test]
    fn replay_window_is_five_minutes_both_ways() {
        for (now, ok) in [
            (1_700_000_300.0, true),
            (1_699_999_700.0, true),
            (1_700_000_300.9, true),
            (1_700_000_301.0, false),
            (1_699_999_699.0, false),
            (f64::NAN, false),
        ] {
            let input = WebhookSignatureInput {
                now_seconds: now,
                ..signed(BODY, SIGNATURE)
            };
            assert_eq!(verify_webhook_signature(&input).is_ok(), ok, "now = {now}");
        }
        let stale = WebhookSignatureInput {
            now_seconds: 1_700_000_400.0,
            ..signed(BODY, SIGNATURE)
        };
        let error = verify_webhook_signature(&stale).unwrap_err();
        assert_eq!(error.code().as_str(), "WEBHOOK_TIMESTAMP_STALE");
        assert_eq!(
            error.details(),
            serde_json::json!({ "ageSeconds": 400, "toleranceSeconds": 300 })
        );
        let wide = WebhookSignatureInput {
            tolerance_seconds: Some(600),
            ..stale
        };
        assert_eq!(verify_webhook_signature(&wide), Ok(()));
    }

    fn headers(pairs: &[(&str, &str)]) -> BTreeMap<String, Option<HeaderValue>> {
        pairs
            .iter()
            .map(|(name, value)| (name.to_string(), Some(HeaderValue::One(value.to_string()))))
            .collect()
    }

    fn call(body: &[u8], signature: &str) -> WebhookCall {
        WebhookCall {
            secret: Some(SECRET.into()),
            headers: headers(&[
                ("x-webhook-timestamp", TIMESTAMP),
                ("x-webhook-signature", signature),
                ("content-type", "application/json"),
            ]),
            body: body.to_vec(),
            body_length: body.len() as f64,
            now_seconds: 1_700_000_042.0,
        }
    }

    fn refusal(call: &WebhookCall) -> (u16, String) {
        match check_webhook(call) {
            WebhookVerdict::Refused { status, code, .. } => (status, code.to_string()),
            accepted => panic!("expected a refusal, got {accepted:?}"),
        }
    }

    #[test]
    fn a_genuine_call_is_accepted_with_its_ids() {
        assert_eq!(
            check_webhook(&call(BODY, SIGNATURE)),
            WebhookVerdict::Accepted {
                product_ids: vec![12, 13],
                event: WebhookEvent::ProductUpdated,
                replay_key: SIGNATURE.to_string(),
                remember_until_seconds: 1_700_000_360,
            }
        );
        let mut upper = call(BODY, SIGNATURE);
        upper.headers = headers(&[
            ("X-Webhook-Timestamp", TIMESTAMP),
            ("X-WEBHOOK-SIGNATURE", SIGNATURE),
        ]);
        assert!(matches!(
            check_webhook(&upper),
            WebhookVerdict::Accepted { .. }
        ));
        let mut listed = call(DELETED_BODY, DELETED_SIGNATURE);
        listed.headers.insert(
            "x-webhook-signature".into(),
            Some(HeaderValue::Many(vec![DELETED_SIGNATURE.into()])),
        );
        assert_eq!(
            check_webhook(&listed),
            WebhookVerdict::Accepted {
                product_ids: vec![7],
                event: WebhookEvent::ProductDeleted,
                replay_key: DELETED_SIGNATURE.to_string(),
                remember_until_seconds: 1_700_000_360,
            }
        );
        assert_eq!(
            serde_json::to_value(check_webhook(&listed)).unwrap(),
            serde_json::json!({ "kind": "accepted", "productIds": [7], "event": "product.deleted",
                                "replayKey": DELETED_SIGNATURE, "rememberUntilSeconds": 1_700_000_360u64 })
        );
    }

    fn replay_key(call: &WebhookCall) -> (String, u64) {
        match check_webhook(call) {
            WebhookVerdict::Accepted {
                replay_key,
                remember_until_seconds,
                ..
            } => (replay_key, remember_until_seconds),
            refused => panic!("expected the call to be accepted, got {refused:?}"),
        }
    }

    #[test]
    fn the_replay_key_is_the_signature_whatever_its_spelling() {
        let (key, until) = replay_key(&call(BODY, SIGNATURE));
        assert_eq!(key, SIGNATURE);
        for spelling in [
            format!("sha256={SIGNATURE}"),
            format!("SHA256={}", SIGNATURE.to_uppercase()),
            format!("  {SIGNATURE} "),
        ] {
            assert_eq!(
                replay_key(&call(BODY, &spelling)),
                (key.clone(), until),
                "{spelling}"
            );
        }
        // Remembered while the timestamp check still lets the call through, plus the margin.
        let last_accepted = WebhookCall {
            now_seconds: 1_700_000_300.9,
            ..call(BODY, SIGNATURE)
        };
        assert_eq!(replay_key(&last_accepted).1, until);
        assert!(until > 1_700_000_300 + 1);
        assert_eq!(
            until,
            1_700_000_000 + u64::from(DEFAULT_TOLERANCE_SECONDS) + u64::from(REPLAY_MARGIN_SECONDS)
        );
    }

    #[test]
    fn the_same_body_at_another_timestamp_is_another_delivery() {
        let later = "1700000005";
        let signature = hex_mac(SECRET.as_bytes(), &[later.as_bytes(), b".", BODY].concat());
        let mut resent = call(BODY, &signature);
        resent.headers.insert(
            "x-webhook-timestamp".into(),
            Some(HeaderValue::One(later.into())),
        );
        let (first, first_until) = replay_key(&call(BODY, SIGNATURE));
        let (second, second_until) = replay_key(&resent);
        assert_ne!(first, second);
        assert_eq!(second, signature);
        assert_eq!(second_until, first_until + 5);
    }

    #[test]
    fn refusals_come_in_the_documented_order() {
        // Everything wrong at once: no secret wins (503).
        let mut hopeless = call(&[b'x'; 70_000], "nonsense");
        hopeless.secret = None;
        assert_eq!(refusal(&hopeless), (503, "WEBHOOK_SECRET_MISSING".into()));
        hopeless.secret = Some(String::new());
        assert_eq!(refusal(&hopeless).0, 503);
        // Then the size (413), before any signature check.
        hopeless.secret = Some(SECRET.into());
        assert_eq!(refusal(&hopeless), (413, "WEBHOOK_BODY_TOO_LARGE".into()));
        // Then the signature (401), before the body is read: an unsigned non-JSON body is a 401.
        assert_eq!(
            refusal(&call(b"not json", "nonsense")),
            (401, "WEBHOOK_SIGNATURE_MALFORMED".into())
        );
        assert_eq!(
            refusal(&call(b"not json", SIGNATURE)),
            (401, "WEBHOOK_SIGNATURE_MISMATCH".into())
        );
        // A genuine call with a bad body: 400.
        assert_eq!(
            refusal(&call(b"", EMPTY_SIGNATURE)),
            (400, "WEBHOOK_BODY_INVALID".into())
        );
    }

    #[test]
    fn the_size_limit_is_64_kib_of_received_bytes() {
        let at_limit = call(&vec![b' '; 65_536], SIGNATURE);
        assert_eq!(
            refusal(&at_limit),
            (401, "WEBHOOK_SIGNATURE_MISMATCH".into()),
            "65536 bytes pass the size check"
        );
        let over = call(&vec![b' '; 65_537], SIGNATURE);
        assert_eq!(refusal(&over), (413, "WEBHOOK_BODY_TOO_LARGE".into()));
        // The host kept only the first 64 KiB of a 10 MB body: the reported length decides.
        let kept = WebhookCall {
            body_length: 10_000_000.0,
            ..call(&vec![b' '; 65_536], SIGNATURE)
        };
        match check_webhook(&kept) {
            WebhookVerdict::Refused {
                status, message, ..
            } => {
                assert_eq!(status, 413);
                assert_eq!(
                    message,
                    "webhook body is 10000000 bytes, more than the 65536 bytes accepted"
                );
            }
            accepted => panic!("{accepted:?}"),
        }
        // A reported length below what was passed cannot hide bytes.
        let understated = WebhookCall {
            body_length: 10.0,
            ..call(&vec![b' '; 65_537], SIGNATURE)
        };
        assert_eq!(refusal(&understated).0, 413);
        // An endless body is too large; a length that is no number says nothing beyond the bytes passed.
        let endless = WebhookCall {
            body_length: f64::INFINITY,
            ..call(BODY, SIGNATURE)
        };
        assert_eq!(refusal(&endless), (413, "WEBHOOK_BODY_TOO_LARGE".into()));
        for unknown in [f64::NAN, f64::NEG_INFINITY, -1.0] {
            let call = WebhookCall {
                body_length: unknown,
                ..call(BODY, SIGNATURE)
            };
            assert!(
                matches!(check_webhook(&call), WebhookVerdict::Accepted { .. }),
                "{unknown}"
            );
        }
    }

    #[test]
    fn headers_must_be_present_and_sent_once() {
        let mut unsigned = call(BODY, SIGNATURE);
        unsigned.headers.clear();
        match check_webhook(&unsigned) {
            WebhookVerdict::Refused {
                status,
                code,
                message,
            } => {
                assert_eq!((status, code.as_str()), (401, "WEBHOOK_SIGNATURE_MISSING"));
                assert_eq!(message, "webhook header x-webhook-timestamp is missing");
            }
            accepted => panic!("{accepted:?}"),
        }
        let mut undefined = call(BODY, SIGNATURE);
        undefined.headers.insert("x-webhook-signature".into(), None);
        assert_eq!(
            refusal(&undefined),
            (401, "WEBHOOK_SIGNATURE_MISSING".into())
        );
        let mut twice = call(BODY, SIGNATURE);
        twice.headers.insert(
            "x-webhook-signature".into(),
            Some(HeaderValue::Many(vec![SIGNATURE.into(), SIGNATURE.into()])),
        );
        assert_eq!(refusal(&twice), (401, "WEBHOOK_SIGNATURE_MALFORMED".into()));
        let stale = WebhookCall {
            now_seconds: 1_700_000_301.0,
            ..call(BODY, SIGNATURE)
        };
        assert_eq!(refusal(&stale), (401, "WEBHOOK_TIMESTAMP_STALE".into()));
    }

    #[test]
    fn bodies_parse_into_distinct_ids() {
        let one = parse_webhook_body(br#"{"product_id":12}"#).unwrap();
        assert_eq!(
            one,
            WebhookRequest {
                product_ids: vec![12],
                event: WebhookEvent::ProductUpdated
            }
        );
        let deleted = parse_webhook_body(DELETED_BODY).unwrap();
        assert_eq!(
            deleted,
            WebhookRequest {
                product_ids: vec![7],
                event: WebhookEvent::ProductDeleted
            }
        );
        let many = parse_webhook_body(br#"{"product_ids":[3,1,3,2],"source":"x"}"#).unwrap();
        assert_eq!(many.product_ids, vec![3, 1, 2]);
        let both =
            parse_webhook_body(br#"{"product_id":5,"product_ids":[6,5],"event":null}"#).unwrap();
        assert_eq!(both.product_ids, vec![5, 6]);
        let hundred: Vec<u64> = (1..=100).collect();
        let body = serde_json::to_vec(&serde_json::json!({ "product_ids": hundred })).unwrap();
        assert_eq!(parse_webhook_body(&body).unwrap().product_ids.len(), 100);
    }

    #[test]
    fn reasons_quote_only_an_excerpt_of_a_long_value() {
        let long = "9".repeat(60_000);
        for body in [
            format!(r#"{{"product_ids":"{long}"}}"#),
            format!(r#"{{"product_ids":["{long}"]}}"#),
            format!(r#"{{"product_id":1,"event":"{long}"}}"#),
            format!(r#""{long}""#),
        ] {
            let error = parse_webhook_body(body.as_bytes()).unwrap_err().to_string();
            assert!(error.len() < 400, "{} bytes: {}", error.len(), &error[..80]);
            assert!(error.contains("999…999"), "{error}");
        }
    }

    #[test]
    fn bad_bodies_are_refused_with_a_reason() {
        let too_many: Vec<u64> = (1..=101).collect();
        let too_many = serde_json::to_vec(&serde_json::json!({ "product_ids": too_many })).unwrap();
        let cases: [(&[u8], &str); 12] = [
            (b"", "not a JSON object"),
            (b"[12]", "not a JSON object"),
            (br#"{"product_id":12"#, "not a JSON object"),
            (b"{}", "no product id"),
            (br#"{"product_ids":[]}"#, "no product id"),
            (br#"{"product_id":0}"#, "positive integers (got 0)"),
            (br#"{"product_id":-3}"#, "positive integers (got -3)"),
            (br#"{"product_id":9007199254740992}"#, "positive integers"),
            (
                br#"{"product_ids":[1,"2"]}"#,
                "positive integers (got \"2\")",
            ),
            (br#"{"product_ids":"1,2"}"#, "must be an array"),
            (
                br#"{"product_id":1,"event":"product.created"}"#,
                "\"event\" must be",
            ),
            (&too_many, "101 product ids"),
        ];
        for (body, reason) in cases {
            let error = parse_webhook_body(body).unwrap_err();
            assert_eq!(error.code().as_str(), "WEBHOOK_BODY_INVALID");
            assert_eq!(error.http_status(), 400);
            assert!(
                error.to_string().contains(reason),
                "{}: {error}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
