//! The fetch of a run as a state machine: which source request goes next, whether an answer is accepted,
//! retried (and after how long) or fails the run, and the run's request, retry and page counts.
//!
//! Sans-IO in the style of quinn-proto: the host pushes answers in and pulls requests out, and passes the time
//! with every call. [`SourceFetch`] decides everything; the host (the boundary's `fetchSource`, driving the
//! plugin's HTTP client) only performs single attempts and waits:
//!
//! ```text
//! let mut fetch = SourceFetch::new(start)?;
//! loop {
//!     match fetch.poll(now) {
//!         FetchStep::Send(outgoing) => start ONE attempt; later fetch.handle(outgoing.id, answer, now),
//!         FetchStep::Deliver(body) => hand the accepted body to whoever keeps it (the fetch keeps none),
//!         FetchStep::Wait { until_ms } => wait for an answer in flight, or until `until_ms` if any,
//!         FetchStep::Done => break fetch.finish(),
//!         FetchStep::Failed(error) => stop every request in flight; the run fails with `error`,
//!     }
//! }
//! ```
//!
//! What it decides:
//! * the requests: the first page, then the remaining pages from its header ([`crate::paging`]; `maxProducts`
//!   and `maxPages` are checked before any further request) and the category list; or the single products of
//!   a targeted run and the category list;
//! * at most `concurrency` requests in flight, each attempt bounded by `requestTimeoutMs` and `pageMaxBytes`
//!   (the host enforces both while reading and answers `timeout` or `tooLarge`);
//! * an answer: a page body must be a complete envelope ([`crate::paging::read_page_header`]), a product or
//!   category body complete JSON; a 404 for a single product means it was removed upstream; a redirect is
//!   followed only inside the source's origin, at most [`MAX_REDIRECTS`] times; an answer over `pageMaxBytes`
//!   fails the run;
//! * retries ([`crate::retry`]: backoff with full jitter seeded from the run id and the request's number,
//!   `Retry-After` as a floor), and the failure that ends the run, naming the URL;
//! * the run's deadline (`runTimeoutMs`): past it the fetch fails, before any write;
//! * more products received than `maxProducts` fails the run;
//! * each accepted page or product body goes straight back to the host ([`FetchStep::Deliver`], numbered by its
//!   place in the catalog), so the fetch holds a body only between its answer and the next poll, however large
//!   the catalog.

mod machine;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::deadline::RunTimeout;
use crate::model::{CoreErrorCode, SourceId, SyncScope};
use crate::options::SyncOptions;
use crate::outbound::MAX_REDIRECTS;
use crate::paging::{PageRequest, PagingError};

pub use machine::SourceFetch;

/// What a run's fetch starts from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FetchStart {
    /// Validated options.
    pub options: SyncOptions,
    /// The whole catalog, or the products of a targeted run.
    pub scope: SyncScope,
    /// The run's id: the seed of its retry jitter ([`crate::retry::request_seed`]).
    pub run_id: String,
    /// When the run started, in milliseconds since the Unix epoch (its deadline is `runTimeoutMs` later).
    pub started_at_ms: f64,
}

/// One attempt for the host to perform: a `GET` of `request.url` with `Accept: application/json`, redirects
/// not followed, given up after `timeoutMs`, reading at most `maxBytes` of the (decoded) body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Outgoing {
    /// The request's number in the run; the host hands it back with the answer.
    pub id: u32,
    /// The request; its `url` is a redirect's target when the source redirected it.
    pub request: PageRequest,
    /// Attempts of this request so far, this one included (1 for the first).
    pub attempt: u32,
    /// The attempt's deadline in milliseconds (`requestTimeoutMs`).
    pub timeout_ms: u32,
    /// The most body bytes to read (`pageMaxBytes`): at one more, the host stops and answers `tooLarge`.
    pub max_bytes: u32,
}

/// How one attempt ended, as the host saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum SourceAnswer {
    /// A 2xx answer and its whole body, decoded as text.
    Body {
        /// The body.
        body: String,
    },
    /// A status that is neither 2xx nor a redirect with a `Location`.
    Http {
        /// HTTP status code.
        status: u16,
        /// The `Retry-After` header, if any.
        retry_after: Option<String>,
    },
    /// A redirect (301, 302, 303, 307, 308) with a `Location`.
    Redirect {
        /// HTTP status code.
        status: u16,
        /// The `Location`, resolved against the request's URL (absolute).
        location: String,
    },
    /// The connection failed (DNS, refused, reset...).
    Network {
        /// The host's error message.
        message: String,
    },
    /// No complete answer within `timeoutMs`.
    Timeout,
    /// The body is longer than `maxBytes`: the host stopped reading.
    TooLarge,
}

/// What the host does next.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchStep {
    /// Perform this attempt.
    Send(Outgoing),
    /// Keep this accepted body: the fetch does not keep it (see [`AcceptedBody`]).
    Deliver(AcceptedBody),
    /// Nothing to send now: wait for an answer in flight, or until `until_ms` (a retry is due, or the run's
    /// deadline comes), then poll again. Without `until_ms` (no retry waits, and the deadline is further away than
    /// `requestTimeoutMs`) only answers are awaited: every attempt in flight ends within its own `requestTimeoutMs`,
    /// so before the deadline, which the next poll checks.
    Wait {
        /// When to poll again at the latest, in milliseconds since the Unix epoch.
        until_ms: Option<f64>,
    },
    /// Everything is in: [`SourceFetch::finish`].
    Done,
    /// The fetch failed; stop the attempts in flight. Nothing was written.
    Failed(FetchError),
}

/// Which kind of source body an [`AcceptedBody`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum BodyKind {
    /// A `/products` page (full sync).
    Page,
    /// A `/products/:id` answer (targeted sync).
    Product,
}

/// A page or product body the fetch accepted, handed over at once: the host keeps it (the planners read the
/// pages, then the products, each in `position` order), the fetch does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AcceptedBody {
    /// A page or a single product.
    pub kind: BodyKind,
    /// Its place among the requests of its kind, from 0: a page's in `skip` order, a product's in request order (a
    /// product the source answered 404 for has a place and no body).
    pub position: u32,
    /// The body, as the source sent it.
    pub body: String,
}

/// What a fetch leaves once done, besides the bodies it delivered one by one ([`FetchStep::Deliver`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FetchedOutline {
    /// Source ids of a targeted sync the source answered 404 for (removed upstream).
    #[ts(type = "Array<number>")]
    pub not_found_ids: Vec<SourceId>,
    /// Body of `/products/categories`.
    pub categories_body: String,
    /// Number of product requests (pages or single products).
    pub pages_total: u32,
}

/// Figures about the source requests of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FetchStats {
    /// HTTP requests made to the source (retries and redirect hops included).
    pub requests: usize,
    /// Requests that were retries.
    pub retries: usize,
    /// Pages the catalog consists of (single products for a targeted run).
    pub pages_total: usize,
    /// Pages fetched successfully (single products answered, found or not).
    pub pages_fetched: usize,
}

/// Why a run's fetch failed. Nothing was written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    /// A request failed for good: retries exhausted or not allowed ([`crate::retry`]).
    #[error("{message}")]
    Request {
        /// `SOURCE_UNAVAILABLE` or `SOURCE_HTTP_ERROR`.
        code: CoreErrorCode,
        /// Names the URL, the attempts and the last outcome.
        message: String,
    },
    /// The catalog exceeds `maxProducts` or `maxPages`, or a targeted id is 0.
    #[error(transparent)]
    Paging(#[from] PagingError),
    /// An answer is longer than `pageMaxBytes`.
    #[error("GET {url}: the answer is larger than pageMaxBytes ({max} bytes): the run stops before any write")]
    AnswerTooLarge {
        /// The request's URL.
        url: String,
        /// The `pageMaxBytes` option.
        max: u32,
    },
    /// A redirect leads out of the source's origin.
    #[error(
        "GET {url} was redirected to {location}, outside the source's origin {origin}: refused"
    )]
    RedirectOutside {
        /// The request's URL.
        url: String,
        /// The redirect's target.
        location: String,
        /// The source's origin.
        origin: String,
    },
    /// A request was redirected more than [`MAX_REDIRECTS`] times.
    #[error("GET {url} was redirected more than {MAX_REDIRECTS} times: refused")]
    TooManyRedirects {
        /// The request's URL (the last hop).
        url: String,
    },
    /// The source sent more products than `maxProducts`.
    #[error(
        "the source sent more than maxProducts ({max}) products: the run stops before any write"
    )]
    TooManyProducts {
        /// The `maxProducts` option.
        max: u32,
    },
    /// The run reached its deadline.
    #[error("{}", .0.message)]
    Deadline(RunTimeout),
    /// The host answered a request that is not in flight (a host bug).
    #[error("the host answered request {id}, which is not in flight")]
    UnknownRequest {
        /// The id the host gave.
        id: u32,
    },
}

impl FetchError {
    /// The stable code.
    pub fn code(&self) -> CoreErrorCode {
        match self {
            FetchError::Request { code, .. } => *code,
            FetchError::Paging(error) => error.code(),
            FetchError::AnswerTooLarge { .. } => CoreErrorCode::SourceAnswerTooLarge,
            FetchError::RedirectOutside { .. } | FetchError::TooManyRedirects { .. } => {
                CoreErrorCode::SourceRedirectRefused
            }
            FetchError::TooManyProducts { .. } => CoreErrorCode::SourceTooLarge,
            FetchError::Deadline(_) => CoreErrorCode::RunTimeout,
            FetchError::UnknownRequest { .. } => CoreErrorCode::InvalidInput,
        }
    }

    /// Structured details.
    pub fn details(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            FetchError::Request { .. } => json!({}),
            FetchError::Paging(error) => error.details(),
            FetchError::AnswerTooLarge { url, max } => {
                json!({ "option": "pageMaxBytes", "url": url, "max": max })
            }
            FetchError::RedirectOutside {
                url,
                location,
                origin,
            } => json!({ "url": url, "location": location, "origin": origin }),
            FetchError::TooManyRedirects { url } => {
                json!({ "url": url, "max": MAX_REDIRECTS })
            }
            FetchError::TooManyProducts { max } => json!({ "option": "maxProducts", "max": max }),
            FetchError::Deadline(timeout) => {
                json!({ "option": "runTimeoutMs", "phase": timeout.phase, "max": timeout.run_timeout_ms })
            }
            FetchError::UnknownRequest { id } => json!({ "field": "id", "value": id }),
        }
    }
}
