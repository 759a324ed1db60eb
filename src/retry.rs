//! Retry decisions for source requests: whether to try again, and after how long.
//!
//! Retryable outcomes are network errors, timeouts, malformed bodies, HTTP 5xx and HTTP 429. Other HTTP
//! statuses (404, 400, ...) fail at once. The delay is exponential backoff with *full jitter*
//! (`random(0 ..= min(cap, base * 2^(attempt-1)))`), where the "random" number is derived deterministically
//! from the host-supplied seed and the attempt number, so a run is reproducible from its seed. A
//! `Retry-After` header (seconds or HTTP-date, relative to the host-supplied `nowMs`) is honoured as a floor.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::CoreErrorCode;
use crate::outbound::Refusal;

/// Backoff base: the first retry waits up to this long.
pub const BASE_DELAY_MS: u32 = 200;
/// Backoff cap: no jittered delay exceeds this.
pub const MAX_DELAY_MS: u32 = 10_000;
/// Longest `Retry-After` the sync is willing to wait; a source asking for more fails the request instead.
pub const MAX_RETRY_AFTER_MS: u32 = 120_000;

/// The seed of one request's jitter: a 32-bit FNV-1a hash of the run id (its UTF-16 code units) plus the
/// request's number within the run, modulo 2^32. Same run and request, same delays (a run's retry timing can be
/// reproduced); the requests of one run do not retry in lock-step.
///
/// ```
/// use catalog_sync::retry::request_seed;
/// assert_eq!(request_seed("", 0), 2_166_136_261.0);
/// assert_ne!(request_seed("csrun_1", 0), request_seed("csrun_1", 1));
/// ```
pub fn request_seed(run_id: &str, request: u32) -> f64 {
    let hash = run_id.encode_utf16().fold(0x811c_9dc5_u32, |hash, unit| {
        (hash ^ u32::from(unit)).wrapping_mul(0x0100_0193)
    });
    f64::from(hash.wrapping_add(request))
}

/// How one attempt of a source request ended (anything but a usable 2xx body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "lowercase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum FetchOutcome {
    /// The connection failed (DNS, refused, reset...).
    Network {
        /// The host's error message.
        message: String,
    },
    /// No complete answer within the request timeout.
    Timeout {
        /// The timeout that elapsed.
        timeout_ms: u32,
    },
    /// The source answered with a non-2xx status.
    Http {
        /// HTTP status code.
        status: u16,
        /// The `Retry-After` header, if any.
        retry_after: Option<String>,
    },
    /// A 2xx answer whose body is unusable: a page without a valid header, truncated or not JSON.
    Malformed {
        /// What is wrong with the body.
        message: String,
    },
    /// The request was not sent, or not followed, because its host is not allowed (an image whose host resolves
    /// to a private address...). Never retried.
    Refused {
        /// Why.
        refusal: Refusal,
    },
}

/// Input of [`decide_retry`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RetryInput {
    /// Attempts already made for this request, including the one that just failed (>= 1).
    pub attempt: u32,
    /// Retries allowed after the first attempt (`options.maxRetries`).
    pub max_retries: u32,
    /// Seed of the run's jitter; the same seed and attempt always give the same delay.
    pub seed: f64,
    /// Current time in milliseconds since the Unix epoch (for `Retry-After` dates).
    pub now_ms: f64,
    /// The request's URL, for the error message.
    pub url: String,
    /// How the attempt ended.
    pub outcome: FetchOutcome,
}

/// What the host does next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "action",
    rename_all = "lowercase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum RetryDecision {
    /// Wait `delayMs`, then try again.
    Retry {
        /// Milliseconds to wait before the next attempt.
        delay_ms: u32,
    },
    /// Give up on this request.
    Fail {
        /// `SOURCE_UNAVAILABLE` (retries exhausted or Retry-After too long) or `SOURCE_HTTP_ERROR` (non-retryable status).
        code: CoreErrorCode,
        /// Names the URL, the attempts and the last outcome.
        message: String,
    },
}

/// The retry input itself is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("decideRetry: attempt must be at least 1 (the number of attempts already made), got 0")]
pub struct RetryInputError;

impl RetryInputError {
    /// Stable error code: `INVALID_INPUT`.
    pub fn code(&self) -> CoreErrorCode {
        CoreErrorCode::InvalidInput
    }

    /// Structured details: `{ field: "attempt", value: 0 }`.
    pub fn details(&self) -> serde_json::Value {
        serde_json::json!({ "field": "attempt", "value": 0 })
    }
}

/// Decides whether a failed source request is retried, and when.
///
/// ```
/// use catalog_sync::retry::{decide_retry, FetchOutcome, RetryDecision, RetryInput};
/// let input = RetryInput {
///     attempt: 1, max_retries: 4, seed: 7.0, now_ms: 0.0, url: "http://x/products".into(),
///     outcome: FetchOutcome::Http { status: 503, retry_after: Some("2".into()) },
/// };
/// let RetryDecision::Retry { delay_ms } = decide_retry(&input).unwrap() else { panic!() };
/// assert!(delay_ms >= 2000);
/// ```
pub fn decide_retry(input: &RetryInput) -> Result<RetryDecision, RetryInputError> {
    if input.attempt == 0 {
        return Err(RetryInputError);
    }
    let attempts = match input.attempt {
        1 => "1 attempt".to_string(),
        n => format!("{n} attempts"),
    };
    let fail = |code: CoreErrorCode, what: String| RetryDecision::Fail {
        code,
        message: format!("GET {} failed after {attempts}: {what}", input.url),
    };
    let last = describe(&input.outcome);
    if !is_retryable(&input.outcome) {
        return Ok(fail(CoreErrorCode::SourceHttpError, last));
    }
    if input.attempt > input.max_retries {
        return Ok(fail(CoreErrorCode::SourceUnavailable, last));
    }
    let floor = match &input.outcome {
        FetchOutcome::Http {
            retry_after: Some(header),
            ..
        } => retry_after_ms(header, input.now_ms),
        _ => None,
    };
    if let Some(floor) = floor.filter(|f| *f > u64::from(MAX_RETRY_AFTER_MS)) {
        return Ok(fail(
            CoreErrorCode::SourceUnavailable,
            format!(
                "{last}, and the source asks to retry after {} s (more than {} s)",
                floor / 1000,
                MAX_RETRY_AFTER_MS / 1000
            ),
        ));
    }
    let jittered = full_jitter(input.seed, input.attempt);
    let delay = floor.map_or(jittered, |f| {
        jittered.max(u32::try_from(f).unwrap_or(MAX_RETRY_AFTER_MS))
    });
    Ok(RetryDecision::Retry { delay_ms: delay })
}

fn is_retryable(outcome: &FetchOutcome) -> bool {
    match outcome {
        FetchOutcome::Network { .. }
        | FetchOutcome::Timeout { .. }
        | FetchOutcome::Malformed { .. } => true,
        FetchOutcome::Http { status, .. } => *status == 429 || (500..=599).contains(status),
        FetchOutcome::Refused { .. } => false,
    }
}

fn describe(outcome: &FetchOutcome) -> String {
    match outcome {
        FetchOutcome::Network { message } => format!("network error: {message}"),
        FetchOutcome::Timeout { timeout_ms } => format!("no answer within {timeout_ms} ms"),
        FetchOutcome::Http { status, .. } => format!("HTTP {status}"),
        FetchOutcome::Malformed { message } => format!("malformed response: {message}"),
        FetchOutcome::Refused { refusal } => format!("refused: {}", refusal.describe()),
    }
}

/// `random(0 ..= min(MAX_DELAY_MS, BASE_DELAY_MS * 2^(attempt-1)))`, derived from (seed, attempt).
fn full_jitter(seed: f64, attempt: u32) -> u32 {
    let exponent = attempt.saturating_sub(1).min(16);
    let ceiling = (BASE_DELAY_MS << exponent).min(MAX_DELAY_MS);
    let random =
        splitmix64(seed.to_bits() ^ u64::from(attempt).wrapping_mul(0xA076_1D64_78BD_642F));
    // `ceiling` fits in u32, so the remainder does too.
    u32::try_from(random % (u64::from(ceiling) + 1)).unwrap_or(ceiling)
}

/// The splitmix64 mixing function: a well-distributed 64-bit hash of its input.
fn splitmix64(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Milliseconds to wait according to a `Retry-After` value (delay-seconds or HTTP-date); `None` if unparseable.
fn retry_after_ms(header: &str, now_ms: f64) -> Option<u64> {
    let header = header.trim();
    if !header.is_empty() && header.bytes().all(|b| b.is_ascii_digit()) {
        return Some(
            header
                .parse::<u64>()
                .map_or(u64::MAX, |seconds| seconds.saturating_mul(1000)),
        );
    }
    let date = httpdate::parse_http_date(header).ok()?;
    let date_ms = date.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
    let now_ms = if now_ms.is_finite() && now_ms > 0.0 {
        now_ms as u128
    } else {
        0
    };
    Some(u64::try_from(date_ms.saturating_sub(now_ms)).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://127.0.0.1:4010/products?limit=30&skip=60";
    /// `Sun, 06 Nov 1994 08:49:37 GMT` in milliseconds since the epoch.
    const RFC_EXAMPLE_MS: f64 = 784_111_777_000.0;

    fn input(attempt: u32, outcome: FetchOutcome) -> RetryInput {
        RetryInput {
            attempt,
            max_retries: 4,
            seed: 42.0,
            now_ms: RFC_EXAMPLE_MS,
            url: URL.to_string(),
            outcome,
        }
    }

    fn http(status: u16, retry_after: Option<&str>) -> FetchOutcome {
        FetchOutcome::Http {
            status,
            retry_after: retry_after.map(str::to_string),
        }
    }

    fn delay(decision: RetryDecision) -> u32 {
        match decision {
            RetryDecision::Retry { delay_ms } => delay_ms,
            RetryDecision::Fail { message, .. } => {
                panic!("expected a retry, got failure {message}")
            }
        }
    }

    #[test]
    fn retryable_outcomes_are_retried_within_the_backoff_ceiling() {
        let outcomes = [
            FetchOutcome::Network {
                message: "ECONNRESET".into(),
            },
            FetchOutcome::Timeout { timeout_ms: 10_000 },
            FetchOutcome::Malformed {
                message: "truncated".into(),
            },
            http(500, None),
            http(503, None),
            http(429, None),
        ];
        for outcome in outcomes {
            for attempt in 1..=4 {
                let ceiling = (BASE_DELAY_MS << (attempt - 1)).min(MAX_DELAY_MS);
                let got = delay(decide_retry(&input(attempt, outcome.clone())).unwrap());
                assert!(
                    got <= ceiling,
                    "{outcome:?} attempt {attempt}: {got} > {ceiling}"
                );
            }
        }
    }

    #[test]
    fn jitter_is_deterministic_and_spread() {
        let a = decide_retry(&input(3, http(503, None))).unwrap();
        assert_eq!(a, decide_retry(&input(3, http(503, None))).unwrap());
        let delays: std::collections::BTreeSet<u32> = (0..200)
            .map(|seed| full_jitter(f64::from(seed), 3))
            .collect();
        assert!(delays.len() > 150, "only {} distinct delays", delays.len());
        assert!(delays.iter().all(|d| *d <= 800));
        assert!(*delays.iter().next().unwrap() < 100 && *delays.iter().last().unwrap() > 700);
    }

    #[test]
    fn the_cap_bounds_late_attempts() {
        for seed in 0..100 {
            assert!(full_jitter(f64::from(seed), 30) <= MAX_DELAY_MS);
        }
        let many = RetryInput {
            max_retries: 10,
            ..input(10, http(502, None))
        };
        assert!(delay(decide_retry(&many).unwrap()) <= MAX_DELAY_MS);
    }

    #[test]
    fn retry_after_seconds_is_a_floor() {
        let got = delay(decide_retry(&input(1, http(429, Some("7")))).unwrap());
        assert_eq!(
            got, 7000,
            "the jitter of attempt 1 is at most 200 ms, below the floor"
        );
    }

    #[test]
    fn retry_after_http_date_is_relative_to_now() {
        let now = RFC_EXAMPLE_MS - 5_000.0;
        let decision = decide_retry(&RetryInput {
            now_ms: now,
            ..input(1, http(503, Some("Sun, 06 Nov 1994 08:49:37 GMT")))
        })
        .unwrap();
        assert_eq!(delay(decision), 5000);
        let past =
            decide_retry(&input(1, http(503, Some("Sun, 06 Nov 1994 08:49:30 GMT")))).unwrap();
        assert!(delay(past) <= BASE_DELAY_MS);
    }

    #[test]
    fn unparseable_retry_after_is_ignored() {
        let got = delay(decide_retry(&input(2, http(503, Some("soon")))).unwrap());
        assert!(got <= 400);
    }

    #[test]
    fn too_long_retry_after_fails_the_request() {
        match decide_retry(&input(1, http(429, Some("3600")))).unwrap() {
            RetryDecision::Fail { code, message } => {
                assert_eq!(code, CoreErrorCode::SourceUnavailable);
                assert!(message.contains("retry after 3600 s"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_client_errors_fail_at_once() {
        for status in [400, 401, 403, 404, 410] {
            let decision = decide_retry(&input(1, http(status, Some("1")))).unwrap();
            assert_eq!(
                decision,
                RetryDecision::Fail {
                    code: CoreErrorCode::SourceHttpError,
                    message: format!("GET {URL} failed after 1 attempt: HTTP {status}"),
                }
            );
        }
    }

    #[test]
    fn after_the_last_attempt_the_failure_names_url_and_status() {
        let decision = decide_retry(&input(5, http(503, None))).unwrap();
        assert_eq!(
            decision,
            RetryDecision::Fail {
                code: CoreErrorCode::SourceUnavailable,
                message: format!("GET {URL} failed after 5 attempts: HTTP 503"),
            }
        );
        let timeout =
            decide_retry(&input(5, FetchOutcome::Timeout { timeout_ms: 10_000 })).unwrap();
        assert!(
            matches!(timeout, RetryDecision::Fail { ref message, .. } if message.ends_with("no answer within 10000 ms"))
        );
        let no_retries = RetryInput {
            max_retries: 0,
            ..input(
                1,
                FetchOutcome::Network {
                    message: "refused".into(),
                },
            )
        };
        assert!(matches!(
            decide_retry(&no_retries).unwrap(),
            RetryDecision::Fail { .. }
        ));
    }

    #[test]
    fn the_seed_layout_is_fnv1a_of_the_run_id_plus_the_request_number() {
        // FNV-1a 32 of "a" is 0xe40c292c; of "csrun_01" computed by hand below.
        assert_eq!(request_seed("a", 0), f64::from(0xe40c_292c_u32));
        assert_eq!(request_seed("a", 5), f64::from(0xe40c_292c_u32 + 5));
        let mut hash = 0x811c_9dc5_u32;
        for byte in "csrun_01".bytes() {
            hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
        }
        assert_eq!(request_seed("csrun_01", 7), f64::from(hash.wrapping_add(7)));
        assert_eq!(
            request_seed("a", u32::MAX),
            f64::from(0xe40c_292c_u32.wrapping_add(u32::MAX)),
            "wraps modulo 2^32"
        );
        // Non-ASCII run ids hash their UTF-16 code units.
        assert_ne!(request_seed("é", 0), request_seed("e", 0));
    }

    #[test]
    fn attempt_zero_is_invalid() {
        assert_eq!(
            decide_retry(&input(0, http(503, None)))
                .unwrap_err()
                .code()
                .as_str(),
            "INVALID_INPUT"
        );
    }

    #[test]
    fn outcomes_and_decisions_use_the_contract_shapes() {
        let outcome: FetchOutcome =
            serde_json::from_str(r#"{"kind":"http","status":503,"retryAfter":null}"#).unwrap();
        assert_eq!(outcome, http(503, None));
        let timeout: FetchOutcome =
            serde_json::from_str(r#"{"kind":"timeout","timeoutMs":5}"#).unwrap();
        assert_eq!(timeout, FetchOutcome::Timeout { timeout_ms: 5 });
        let decision = serde_json::to_value(RetryDecision::Retry { delay_ms: 12 }).unwrap();
        assert_eq!(
            decision,
            serde_json::json!({ "action": "retry", "delayMs": 12 })
        );
    }
}
