//! `webhook::check_webhook` on hostile calls: any secret, headers, raw body, reported length and current time;
//! and genuine signed calls with one thing changed (the body's bytes, the timestamp, the signature, a header,
//! the secret, the reported length), whose bodies are also arbitrary JSON or bytes signed properly, so that
//! the body parser sees them.
//!
//! Properties, besides no panic and the allocation bound:
//! * a refusal carries one of the `WEBHOOK_*` codes, the HTTP status the module documents for it, and a short
//!   message that names the header when a header is missing or malformed;
//! * an accepted call has a configured secret, a body within the limit, a timestamp within the replay window
//!   and a signature that an independent HMAC-SHA256 of `<timestamp>.<body>` confirms, and names 1 to 100
//!   distinct ids that are in its body;
//! * a genuine call with a valid body, left unchanged, is accepted with exactly its ids.

use std::collections::BTreeMap;

use catalog_sync::model::CoreErrorCode;
use catalog_sync::webhook::{
    check_webhook, HeaderValue, WebhookCall, WebhookVerdict, DEFAULT_TOLERANCE_SECONDS,
    MAX_BODY_BYTES, MAX_WEBHOOK_IDS, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::allocation::peak_during;
use crate::codes::{core_code_is, message_is_short};
use crate::json::{edit, hostile_text, json, number_token, worst_shapes, Edit};
use crate::runner::{check, Bound, InputSize, Meter};

/// One call, and the ids it must be accepted with when it is genuine and unchanged.
#[derive(Debug, Clone)]
pub struct Call {
    call: WebhookCall,
    must_accept: Option<Vec<u64>>,
}

impl InputSize for Call {
    fn input_size(&self) -> usize {
        let headers: usize = self
            .call
            .headers
            .iter()
            .map(|(name, value)| {
                name.len()
                    + match value {
                        None => 0,
                        Some(HeaderValue::One(text)) => text.len(),
                        Some(HeaderValue::Many(texts)) => texts.iter().map(String::len).sum(),
                    }
            })
            .sum();
        self.call.body.len() + headers + self.call.secret.as_ref().map_or(0, String::len)
    }
}

const SECRET: &str = "whsec_test_secret";
const NOW: f64 = 1_700_000_000.0;
const WEBHOOK_KEYS: &[&str] = &["product_id", "product_ids", "event", "source"];

/// The hex HMAC-SHA256 of `<timestamp>.<body>`, as a sender computes it.
fn signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Timestamps: digits, signs, exponents, spaces, too many digits, anything.
fn timestamp_text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => (-400i64..400).prop_map(|delta| (NOW as i64 + delta).to_string()),
        1 => number_token(),
        1 => prop::sample::select(vec![" 1700000000 ", "", " ", "999999999999", "9999999999999", "0"])
            .prop_map(str::to_string),
        1 => hostile_text(16),
    ]
}

/// Signatures: hex of any 32 bytes (with or without a prefix, any case), hex of other lengths, anything.
fn signature_text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => (prop::collection::vec(any::<u8>(), 32), prop::sample::select(vec!["", "sha256=", "SHA256=", " ", "sha1="]))
            .prop_map(|(bytes, prefix)| format!("{prefix}{}", hex::encode(bytes))),
        1 => prop::collection::vec(any::<u8>(), 0..40).prop_map(hex::encode),
        1 => hostile_text(80),
    ]
}

fn header_value() -> impl Strategy<Value = Option<HeaderValue>> {
    let text = prop_oneof![timestamp_text(), signature_text()];
    prop_oneof![
        1 => Just(None),
        4 => text.clone().prop_map(|text| Some(HeaderValue::One(text))),
        1 => prop::collection::vec(text, 0..3).prop_map(|texts| Some(HeaderValue::Many(texts))),
    ]
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            TIMESTAMP_HEADER, SIGNATURE_HEADER, "X-Webhook-Timestamp", "X-WEBHOOK-SIGNATURE", "content-type", "",
        ])
        .prop_map(str::to_string),
        1 => hostile_text(24),
    ]
}

/// Bodies: bytes, JSON text with the webhook's keys, and some just around the size limit.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let limit = MAX_BODY_BYTES as usize;
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..512),
        3 => json(WEBHOOK_KEYS.to_vec()).prop_map(|value| value.text().into_bytes()),
        1 => (limit - 2..limit + 3, any::<u8>()).prop_map(|(len, byte)| vec![byte; len]),
    ]
}

/// Reported lengths and times: anything a JavaScript number can be.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => any::<f64>(),
        1 => prop::sample::select(vec![
            f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, -1.0, 0.5, 65_536.0, 65_537.0, 1e300, 9.007_199_254_740_993e15,
        ]),
    ]
}

/// Calls made of arbitrary parts.
fn arbitrary_call() -> impl Strategy<Value = Call> {
    let secret = prop_oneof![
        Just(None),
        Just(Some(String::new())),
        Just(Some(SECRET.to_string())),
        hostile_text(40).prop_map(Some),
    ];
    let now = prop_oneof![2 => (-400.0..400.0f64).prop_map(|delta| NOW + delta), 1 => number()];
    (
        secret,
        prop::collection::btree_map(header_name(), header_value(), 0..5),
        body(),
        prop_oneof![Just(None), number().prop_map(Some)],
        now,
    )
        .prop_map(|(secret, headers, body, reported, now_seconds)| Call {
            call: WebhookCall {
                secret,
                headers,
                body_length: reported.unwrap_or(body.len() as f64),
                body,
                now_seconds,
            },
            must_accept: None,
        })
}

/// A valid body and the ids it names: `product_id`, `product_ids` (with repeats) or both, and an optional event.
fn valid_body() -> impl Strategy<Value = (Vec<u8>, Vec<u64>)> {
    let id = prop_oneof![1u64..1000, Just((1u64 << 53) - 1)];
    (
        prop::option::of(id.clone()),
        prop::collection::vec(id, 0..MAX_WEBHOOK_IDS),
        prop::sample::select(vec![
            None,
            Some(Value::Null),
            Some(json!("product.updated")),
            Some(json!("product.deleted")),
        ]),
    )
        .prop_map(|(one, many, event)| {
            // Without any id the body would be invalid: name id 1 (a filter would reject too many cases).
            let one = one.or(Some(1).filter(|_| many.is_empty()));
            let mut body = serde_json::Map::new();
            if let Some(one) = one {
                body.insert("product_id".into(), json!(one));
            }
            if !many.is_empty() || one.is_none() {
                body.insert("product_ids".into(), json!(many));
            }
            if let Some(event) = event {
                body.insert("event".into(), event);
            }
            let mut ids = Vec::new();
            for id in one.into_iter().chain(many) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            (Value::Object(body).to_string().into_bytes(), ids)
        })
}

/// What a near-genuine call changes.
#[derive(Debug, Clone)]
enum CallChange {
    /// Nothing.
    Nothing,
    /// A few bytes of the body.
    Body(Edit),
    /// The timestamp header (the signature stays the one of the old timestamp).
    Timestamp(String),
    /// The signature header, rewritten.
    Signature(String),
    /// One header sent twice.
    Repeated(bool),
    /// One header removed.
    Missing(bool),
    /// Header names in upper case.
    UpperCase,
    /// Another configured secret.
    Secret(Option<String>),
    /// Another reported length.
    Length(f64),
    /// Another current time.
    Now(f64),
}

fn call_change() -> impl Strategy<Value = CallChange> {
    prop_oneof![
        3 => Just(CallChange::Nothing),
        2 => edit().prop_map(CallChange::Body),
        1 => timestamp_text().prop_map(CallChange::Timestamp),
        1 => signature_text().prop_map(CallChange::Signature),
        1 => any::<bool>().prop_map(CallChange::Repeated),
        1 => any::<bool>().prop_map(CallChange::Missing),
        1 => Just(CallChange::UpperCase),
        1 => prop::option::of(hostile_text(20)).prop_map(CallChange::Secret),
        1 => number().prop_map(CallChange::Length),
        1 => number().prop_map(CallChange::Now),
    ]
}

/// Genuine calls (a valid body, or arbitrary bytes and JSON signed properly) with one change.
fn near_genuine_call() -> impl Strategy<Value = Call> {
    let signed_body = prop_oneof![
        3 => valid_body().prop_map(|(body, ids)| (body, Some(ids))),
        2 => body().prop_map(|body| (body, None)),
    ];
    (signed_body, -300i64..=300, call_change()).prop_map(|((body, ids), delta, change)| {
        let timestamp = (NOW as i64 + delta).to_string();
        let mut headers = BTreeMap::from([
            (
                TIMESTAMP_HEADER.to_string(),
                Some(HeaderValue::One(timestamp.clone())),
            ),
            (
                SIGNATURE_HEADER.to_string(),
                Some(HeaderValue::One(signature(SECRET, &timestamp, &body))),
            ),
        ]);
        let mut call = WebhookCall {
            secret: Some(SECRET.to_string()),
            headers: BTreeMap::new(),
            body_length: body.len() as f64,
            body,
            now_seconds: NOW,
        };
        let header_of = |timestamp: bool| {
            if timestamp {
                TIMESTAMP_HEADER
            } else {
                SIGNATURE_HEADER
            }
        };
        let unchanged = matches!(change, CallChange::Nothing | CallChange::UpperCase);
        match change {
            CallChange::Nothing => {}
            CallChange::Body(edit) => call.body = edit.apply(&call.body),
            CallChange::Timestamp(text) => {
                headers.insert(TIMESTAMP_HEADER.into(), Some(HeaderValue::One(text)));
            }
            CallChange::Signature(text) => {
                headers.insert(SIGNATURE_HEADER.into(), Some(HeaderValue::One(text)));
            }
            CallChange::Repeated(timestamp) => {
                let name = header_of(timestamp);
                if let Some(Some(HeaderValue::One(value))) = headers.get(name).cloned() {
                    headers.insert(
                        name.into(),
                        Some(HeaderValue::Many(vec![value.clone(), value])),
                    );
                }
            }
            CallChange::Missing(timestamp) => {
                headers.remove(header_of(timestamp));
            }
            CallChange::UpperCase => {
                headers = headers
                    .into_iter()
                    .map(|(name, value)| (name.to_uppercase(), value))
                    .collect();
            }
            CallChange::Secret(secret) => call.secret = secret,
            CallChange::Length(length) => call.body_length = length,
            CallChange::Now(now) => call.now_seconds = now,
        }
        call.headers = headers;
        Call {
            must_accept: ids.filter(|_| unchanged && call.body.len() <= MAX_BODY_BYTES as usize),
            call,
        }
    })
}

fn calls() -> impl Strategy<Value = Call> {
    prop_oneof![arbitrary_call(), near_genuine_call()]
}

/// The single value of a header (names matched in any case), as the module reads it.
fn single_header<'a>(call: &'a WebhookCall, name: &str) -> Option<&'a str> {
    let (_, value) = call
        .headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))?;
    match value.as_ref()? {
        HeaderValue::One(text) => Some(text),
        HeaderValue::Many(texts) if texts.len() == 1 => Some(&texts[0]),
        HeaderValue::Many(_) => None,
    }
}

/// Whether the call's signature is the HMAC of its timestamp and body under its secret (computed here).
fn genuinely_signed(call: &WebhookCall) -> bool {
    let (Some(secret), Some(timestamp), Some(signature_header)) = (
        call.secret.as_deref(),
        single_header(call, TIMESTAMP_HEADER),
        single_header(call, SIGNATURE_HEADER),
    ) else {
        return false;
    };
    let sent = signature_header.trim().to_ascii_lowercase();
    let sent = sent.strip_prefix("sha256=").unwrap_or(&sent);
    sent == signature(secret, timestamp.trim(), &call.body)
}

/// The ids a body names under `product_id` and `product_ids`.
fn ids_in_body(body: &[u8]) -> Vec<u64> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let many = value["product_ids"].as_array().cloned().unwrap_or_default();
    std::iter::once(&value["product_id"])
        .chain(&many)
        .filter_map(Value::as_u64)
        .collect()
}

/// The HTTP status the module documents for each code.
fn documented_status(code: CoreErrorCode) -> u16 {
    match code {
        CoreErrorCode::WebhookSecretMissing => 503,
        CoreErrorCode::WebhookBodyTooLarge => 413,
        CoreErrorCode::WebhookBodyInvalid => 400,
        _ => 401,
    }
}

fn verdict_is_sound(input: &Call, meter: &Meter) -> Result<(), TestCaseError> {
    let call = &input.call;
    let verdict = meter.measure(|| check_webhook(call))?;
    match verdict {
        WebhookVerdict::Refused {
            status,
            code,
            message,
        } => {
            core_code_is(
                code,
                &[
                    CoreErrorCode::WebhookSecretMissing,
                    CoreErrorCode::WebhookBodyTooLarge,
                    CoreErrorCode::WebhookSignatureMissing,
                    CoreErrorCode::WebhookSignatureMalformed,
                    CoreErrorCode::WebhookSignatureMismatch,
                    CoreErrorCode::WebhookTimestampStale,
                    CoreErrorCode::WebhookBodyInvalid,
                ],
            )?;
            prop_assert_eq!(status, documented_status(code));
            message_is_short(&message)?;
            if matches!(
                code,
                CoreErrorCode::WebhookSignatureMissing | CoreErrorCode::WebhookSignatureMalformed
            ) {
                prop_assert!(
                    message.contains(TIMESTAMP_HEADER) || message.contains(SIGNATURE_HEADER),
                    "{message} names no header"
                );
            }
            prop_assert!(
                input.must_accept.is_none(),
                "a genuine call was refused: {code} {message}"
            );
            meter.outcome(code.as_str());
        }
        WebhookVerdict::Accepted { product_ids, .. } => {
            prop_assert!(
                genuinely_signed(call),
                "accepted without a genuine signature"
            );
            prop_assert!(call.body.len() as u64 <= MAX_BODY_BYTES);
            prop_assert!(call.body_length.is_nan() || call.body_length <= MAX_BODY_BYTES as f64);
            let timestamp: f64 = single_header(call, TIMESTAMP_HEADER)
                .and_then(|text| text.trim().parse().ok())
                .expect("an accepted timestamp is a number");
            let age = (timestamp - call.now_seconds.floor()).abs();
            prop_assert!(
                age <= f64::from(DEFAULT_TOLERANCE_SECONDS),
                "accepted {age} s away"
            );
            prop_assert!(!product_ids.is_empty() && product_ids.len() <= MAX_WEBHOOK_IDS);
            let named = ids_in_body(&call.body);
            for (position, id) in product_ids.iter().enumerate() {
                prop_assert!(named.contains(id), "id {id} is not in the body");
                prop_assert!(!product_ids[..position].contains(id), "id {id} twice");
            }
            if let Some(expected) = &input.must_accept {
                prop_assert_eq!(&product_ids, expected);
            }
            meter.outcome("accepted");
        }
    }
    Ok(())
}

// Bound of the webhook check: the HMAC allocates nothing; the body parse holds `product_id`, `product_ids` and
// `event` as `serde_json::Value`s, at most 126 B per byte of text as a product's (see the page tests; measured 126),
// and the verdict's message.
const WEBHOOK_BOUND: Bound = Bound {
    per_byte: 160,
    constant: 64 * 1024,
};

/// The worst shapes of a value stay within the bound, as a genuine call's `product_ids`.
#[test]
fn the_worst_shapes_stay_within_the_bound() {
    for shape in worst_shapes(60_000) {
        let body = format!(r#"{{"product_ids":{shape}}}"#).into_bytes();
        let timestamp = (NOW as i64).to_string();
        let call = Call {
            call: WebhookCall {
                secret: Some(SECRET.to_string()),
                headers: BTreeMap::from([
                    (
                        TIMESTAMP_HEADER.to_string(),
                        Some(HeaderValue::One(timestamp.clone())),
                    ),
                    (
                        SIGNATURE_HEADER.to_string(),
                        Some(HeaderValue::One(signature(SECRET, &timestamp, &body))),
                    ),
                ]),
                body_length: body.len() as f64,
                body,
                now_seconds: NOW,
            },
            must_accept: None,
        };
        let (verdict, peak) = peak_during(|| check_webhook(&call.call));
        assert!(
            matches!(verdict, WebhookVerdict::Refused { status: 400, .. }),
            "{verdict:?}"
        );
        assert!(peak <= WEBHOOK_BOUND.limit(call.input_size()), "{peak}");
    }
}

#[test]
fn webhook_calls_are_accepted_only_when_genuine_and_refused_with_a_code() {
    check(
        "webhook calls",
        512,
        WEBHOOK_BOUND,
        calls(),
        verdict_is_sound,
    );
}
