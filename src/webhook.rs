//! The signed webhook: signature verification and body parsing.
//!
//! The sender signs `"<timestamp>.<raw body>"` with HMAC-SHA256 under the shared `webhookSecret` and sends
//! the timestamp (Unix seconds) and the lowercase hex signature (optionally prefixed `sha256=`) in headers.
//! The signature is checked over the *raw* body bytes, in constant time, and the timestamp must lie within
//! a tolerance (default 300 s) of the host-supplied current time, which stops replays of old requests.
//! The body size limit (64 KB) is enforced by the host before the body reaches the core.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use ts_rs::TS;

use crate::report::SourceId;

/// Default replay window, in seconds either side of the current time.
pub const DEFAULT_TOLERANCE_SECONDS: u32 = 300;
/// Largest integer a JavaScript number holds exactly (2^53 - 1): larger ids could not reach the host intact.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
/// Most product ids one webhook call may name.
pub const MAX_WEBHOOK_IDS: usize = 100;

/// Input of [`verify_webhook_signature`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WebhookSignatureInput {
    /// The shared secret (`options.webhookSecret`).
    pub secret: String,
    /// The timestamp header: Unix time in seconds, as sent.
    pub timestamp: String,
    /// The signature header: hex HMAC-SHA256, optionally prefixed `sha256=`.
    pub signature: String,
    /// The raw request body, exactly as received.
    #[serde(with = "serde_bytes")]
    #[ts(type = "Uint8Array")]
    pub body: Vec<u8>,
    /// Current time in Unix seconds.
    pub now_seconds: f64,
    /// Accepted distance between `timestamp` and `nowSeconds` (default 300).
    #[ts(optional)]
    pub tolerance_seconds: Option<u32>,
}

/// What a webhook call asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum WebhookEvent {
    /// The products changed upstream: re-sync them. The default.
    #[serde(rename = "product.updated")]
    ProductUpdated,
    /// The products were removed upstream: the plan applies `onMissing` to those the source no longer has.
    #[serde(rename = "product.deleted")]
    ProductDeleted,
}

/// A parsed webhook body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WebhookRequest {
    /// Distinct source product ids, in first-occurrence order.
    #[ts(type = "Array<number>")]
    pub product_ids: Vec<SourceId>,
    /// The event.
    pub event: WebhookEvent,
}

/// A webhook call is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// No secret is configured, so no call can be verified.
    #[error("the webhook is disabled: no webhookSecret is configured")]
    SecretMissing,
    /// A signature header is absent or empty.
    #[error("webhook {header} header is missing")]
    SignatureMissing {
        /// `timestamp` or `signature`.
        header: &'static str,
    },
    /// A signature header is not in the expected format.
    #[error("webhook {header} header is malformed: {reason}")]
    SignatureMalformed {
        /// `timestamp` or `signature`.
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
    /// Stable error code: `WEBHOOK_SECRET_MISSING`, `WEBHOOK_SIGNATURE_MISSING`, `WEBHOOK_SIGNATURE_MALFORMED`,
    /// `WEBHOOK_SIGNATURE_MISMATCH`, `WEBHOOK_TIMESTAMP_STALE` or `WEBHOOK_BODY_INVALID`.
    pub fn code(&self) -> &'static str {
        match self {
            WebhookError::SecretMissing => "WEBHOOK_SECRET_MISSING",
            WebhookError::SignatureMissing { .. } => "WEBHOOK_SIGNATURE_MISSING",
            WebhookError::SignatureMalformed { .. } => "WEBHOOK_SIGNATURE_MALFORMED",
            WebhookError::SignatureMismatch => "WEBHOOK_SIGNATURE_MISMATCH",
            WebhookError::TimestampStale { .. } => "WEBHOOK_TIMESTAMP_STALE",
            WebhookError::BodyInvalid { .. } => "WEBHOOK_BODY_INVALID",
        }
    }

    /// Structured details of the error (never the secret or the expected signature).
    pub fn details(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            WebhookError::SecretMissing | WebhookError::SignatureMismatch => json!({}),
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
    let timestamp = input.timestamp.trim();
    let signature = input.signature.trim();
    if timestamp.is_empty() {
        return Err(WebhookError::SignatureMissing {
            header: "timestamp",
        });
    }
    if signature.is_empty() {
        return Err(WebhookError::SignatureMissing {
            header: "signature",
        });
    }
    let seconds: i64 = timestamp
        .parse()
        .ok()
        .filter(|_| timestamp.bytes().all(|b| b.is_ascii_digit()) && timestamp.len() <= 12)
        .ok_or(WebhookError::SignatureMalformed {
            header: "timestamp",
            reason: "expected Unix time in seconds",
        })?;
    let hex_signature = signature.strip_prefix("sha256=").unwrap_or(signature);
    let expected_bytes = hex::decode(hex_signature)
        .ok()
        .filter(|bytes| bytes.len() == 32)
        .ok_or(WebhookError::SignatureMalformed {
            header: "signature",
            reason: "expected 64 hex digits",
        })?;
    let tolerance = input.tolerance_seconds.unwrap_or(DEFAULT_TOLERANCE_SECONDS);
    let now = if input.now_seconds.is_finite() {
        input.now_seconds.floor() as i64
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
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = Hmac::<Sha256>::new_from_slice(input.secret.as_bytes())
        .map_err(|_| WebhookError::SecretMissing)?;
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(&input.body);
    mac.verify_slice(&expected_bytes)
        .map_err(|_| WebhookError::SignatureMismatch)
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
    let raw: RawBody = serde_json::from_slice(body)
        .map_err(|error| invalid(format!("not a JSON object ({error})")))?;
    let mut ids: Vec<&serde_json::Value> = Vec::new();
    if let Some(id) = raw.product_id.as_ref().filter(|v| !v.is_null()) {
        ids.push(id);
    }
    match raw.product_ids.as_ref() {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Array(list)) => ids.extend(list),
        Some(other) => {
            return Err(invalid(format!(
                "\"product_ids\" must be an array (got {other})"
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
                    "product ids must be positive integers (got {value})"
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
                "\"event\" must be \"product.updated\" or \"product.deleted\" (got {value})"
            ))
        })?,
    };
    Ok(WebhookRequest { product_ids, event })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors computed with `openssl dgst -sha256 -hmac` and Python's hmac module.
    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"product_ids":[12,13]}"#;
    const SIGNATURE: &str = "009a4da3789711cff330e7a5db3bf53fa0d9476a4e580631b5475d401267c90e";
    const DELETED_BODY: &[u8] = br#"{"product_id":7,"event":"product.deleted"}"#;
    const DELETED_SIGNATURE: &str =
        "cb1d7a1f297a8c5cb5b874ff73642bd3d1780edbbfa829268d731d04d7d53beb";
    const BINARY_SIGNATURE: &str =
        "7afe7318915b1f3c117dd0d0353ea2e50adc53a28cb2cdfd128cd42b0d9cb522";

    fn signed(body: &[u8], signature: &str) -> WebhookSignatureInput {
        WebhookSignatureInput {
            secret: SECRET.into(),
            timestamp: "1700000000".into(),
            signature: signature.into(),
            body: body.to_vec(),
            now_seconds: 1_700_000_000.0,
            tolerance_seconds: None,
        }
    }

    fn code(input: &WebhookSignatureInput) -> &'static str {
        verify_webhook_signature(input).unwrap_err().code()
    }

    #[test]
    fn known_vectors_verify() {
        assert_eq!(verify_webhook_signature(&signed(BODY, SIGNATURE)), Ok(()));
        assert_eq!(
            verify_webhook_signature(&signed(DELETED_BODY, DELETED_SIGNATURE)),
            Ok(())
        );
        let prefixed = signed(BODY, &format!("sha256={}", SIGNATURE.to_uppercase()));
        assert_eq!(verify_webhook_signature(&prefixed), Ok(()));
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
    }

    #[test]
    fn missing_and_malformed_headers_are_named() {
        let no_signature = signed(BODY, "");
        assert_eq!(code(&no_signature), "WEBHOOK_SIGNATURE_MISSING");
        assert_eq!(
            verify_webhook_signature(&no_signature)
                .unwrap_err()
                .details(),
            serde_json::json!({ "header": "signature" })
        );
        let no_timestamp = WebhookSignatureInput {
            timestamp: " ".into(),
            ..signed(BODY, SIGNATURE)
        };
        assert_eq!(code(&no_timestamp), "WEBHOOK_SIGNATURE_MISSING");
        assert_eq!(code(&signed(BODY, "xyz")), "WEBHOOK_SIGNATURE_MALFORMED");
        assert_eq!(
            code(&signed(BODY, &SIGNATURE[..62])),
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
    fn replay_window_is_enforced_both_ways() {
        for (now, ok) in [
            (1_700_000_300.0, true),
            (1_699_999_700.0, true),
            (1_700_000_301.0, false),
            (1_699_999_699.0, false),
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
        assert_eq!(error.code(), "WEBHOOK_TIMESTAMP_STALE");
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
        let hundred: Vec<u64> = (1..=100).collect();
        let body = serde_json::to_vec(&serde_json::json!({ "product_ids": hundred })).unwrap();
        assert_eq!(parse_webhook_body(&body).unwrap().product_ids.len(), 100);
        assert_eq!(
            serde_json::to_value(&deleted).unwrap(),
            serde_json::json!({ "productIds": [7], "event": "product.deleted" })
        );
    }

    #[test]
    fn bad_bodies_are_refused_with_a_reason() {
        let too_many: Vec<u64> = (1..=101).collect();
        let too_many = serde_json::to_vec(&serde_json::json!({ "product_ids": too_many })).unwrap();
        let cases: [(&[u8], &str); 11] = [
            (b"", "not a JSON object"),
            (b"[12]", "not a JSON object"),
            (br#"{"product_id":12"#, "not a JSON object"),
            (b"{}", "no product id"),
            (br#"{"product_ids":[]}"#, "no product id"),
            (br#"{"product_id":0}"#, "positive integers (got 0)"),
            (br#"{"product_id":-3}"#, "positive integers (got -3)"),
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
            assert_eq!(error.code(), "WEBHOOK_BODY_INVALID");
            assert!(
                error.to_string().contains(reason),
                "{}: {error}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
