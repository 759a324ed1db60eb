//! The fetch loop of a run, driven from Rust: `fetchSource` runs the core's [`SourceFetch`] state machine and
//! performs what it decides through the host's injected functions — one HTTP attempt (`fetchPage`), a wait
//! (`sleep`), the clock (`now`), each accepted body (`onBody`) and progress (`onProgress`). It decides nothing
//! itself.

use futures_util::future::{select, Either};
use futures_util::stream::{FuturesUnordered, StreamExt};
use js_sys::{Function, JsString, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use super::bodies::Utf8Copier;
use super::{js_message, type_name, Call, FromJs, IntoJs, Objects};
use crate::error::CoreError;
use crate::fetch::{
    AcceptedBody, FetchStart, FetchStep, FetchedOutline, Outgoing, SourceAnswer, SourceFetch,
};

#[wasm_bindgen(typescript_custom_section)]
const SOURCE_HOST: &'static str = r#"
/** The limits of one attempt, and the signal that aborts it when the fetch ends early. */
export interface AttemptLimits {
  /** Give the attempt up after this many milliseconds (answer `{ kind: "timeout" }`). */
  timeoutMs: number;
  /** Read at most this many bytes of the decoded body; at one more, stop reading (answer `{ kind: "tooLarge" }`). */
  maxBytes: number;
  /** The attempt's number for this request (1 for the first). */
  attempt: number;
  /** Aborted when the fetch has failed or is done: stop at once (the answer is then ignored). */
  signal: AbortSignal;
}

/**
 * What `fetchSource` needs from the host: I/O only, every decision is the core's. `A` is the host's own answer
 * type: whatever it attaches to an answer comes back with the body (`onBody`), typed.
 */
export interface SourceHost<A extends SourceAnswer = SourceAnswer> {
  /** ONE HTTP attempt: GET `request.url`, redirects not followed, within `limits`; never rejects for a failed request. */
  fetchPage(request: PageRequest, limits: AttemptLimits): Promise<A>;
  /** Resolves after `ms` milliseconds (or rejects when `signal` aborts). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** The current time in milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Keeps a body the fetch accepted (the fetch keeps none: a catalog's pages never pile up in WebAssembly). `answer`
   * is the very object `fetchPage` resolved with for that body, so a host can keep what it attached to it (the body
   * as received, still compressed, say) instead of encoding the text again.
   */
  onBody(body: AcceptedBody, answer: A): void;
  /** Called when the counts change (a request went out, an answer was judged). */
  onProgress?(stats: FetchStats): void;
}
"#;

/// Fetches what a run needs from the source — every page (or the listed products) and the category list — as
/// the core's fetch state machine decides: which request next, at most `options.concurrency` in flight, each
/// attempt within `requestTimeoutMs` and `pageMaxBytes`, retries with seeded backoff and the `Retry-After` floor,
/// redirects only inside the source's origin, `maxProducts`, `maxPages` and the run's deadline.
///
/// Hands each accepted page or product body to `onBody` as soon as it is judged, numbered by its place in the
/// catalog and with the host's own answer object it came in, and keeps none; resolves with the rest
/// (`FetchedOutline`: the category list, the products answered 404, the request count). Rejects with a coded error
/// naming the URL (`SOURCE_UNAVAILABLE`,
/// `SOURCE_HTTP_ERROR`, `SOURCE_ANSWER_TOO_LARGE`, `SOURCE_REDIRECT_REFUSED`, `SOURCE_TOO_LARGE`, `RUN_TIMEOUT`),
/// `HOST_CALL_FAILED` when a host function throws or answers the wrong shape, `INVALID_INPUT` for a bad `start`.
/// Attempts still in flight when it fails are aborted (through `limits.signal`) and awaited before it rejects.
///
/// ```js
/// const fetched = await fetchSource({ options, scope: { kind: "full" }, runId, startedAtMs }, {
///   fetchPage: (request, limits) => fetchOnce(request.url, limits),  // { kind: "body", body } | { kind: "http", ... } | ...
///   sleep: (ms, signal) => setTimeout(ms, undefined, { signal }),     // node:timers/promises
///   now: () => Date.now(),
///   onBody: ({ kind, position, body }, answer) => kept[kind][position] = body,  // kind: "page" | "product"
///   onProgress: (stats) => tracker.update(stats),
/// });
/// // fetched => { notFoundIds: [], categoriesBody: "[...]", pagesTotal: 7 }
/// ```
#[wasm_bindgen(js_name = fetchSource, unchecked_return_type = "FetchedOutline")]
pub async fn fetch_source(
    #[wasm_bindgen(unchecked_param_type = "FetchStart")] start: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SourceHost")] host: JsValue,
) -> Result<JsValue, JsValue> {
    let call = Call::new("fetchSource");
    let result = match read_start(call, start, &host) {
        Ok((machine, host)) => drive(machine, &host).await.map(Objects),
        Err(error) => Err(error),
    };
    call.output(result)
}

/// Reads the start and the host's functions, and starts the state machine.
fn read_start(
    call: Call,
    start: JsValue,
    host: &JsValue,
) -> Result<(SourceFetch, SourceHost), CoreError> {
    let start: FetchStart = call.input(start)?;
    let host = SourceHost::read(call.function(), host)?;
    Ok((SourceFetch::new(start)?, host))
}

/// The host's functions.
struct SourceHost {
    fetch_page: Function,
    sleep: Function,
    now: Function,
    on_body: Function,
    on_progress: Option<Function>,
}

impl SourceHost {
    fn read(function: &'static str, host: &JsValue) -> Result<Self, CoreError> {
        let get = |name: &str, required: bool| -> Result<Option<Function>, CoreError> {
            let value = Reflect::get(host, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
            if value.is_undefined() && !required {
                return Ok(None);
            }
            value
                .dyn_into::<Function>()
                .map(Some)
                .map_err(|value| CoreError::InvalidInput {
                    function,
                    path: name.to_string(),
                    reason: format!("expected a function, got {}", type_name(&value)),
                })
        };
        let required = |name: &str| get(name, true).map(Option::unwrap_or_default);
        Ok(SourceHost {
            fetch_page: required("fetchPage")?,
            sleep: required("sleep")?,
            now: required("now")?,
            on_body: required("onBody")?,
            on_progress: get("onProgress", false)?,
        })
    }

    /// `now()`.
    fn now(&self) -> Result<f64, CoreError> {
        let value = self
            .now
            .call0(&JsValue::UNDEFINED)
            .map_err(|error| host_error("now", "", js_message(&error)))?;
        value.as_f64().ok_or_else(|| {
            host_error(
                "now",
                "",
                format!("now must return a number, got {}", type_name(&value)),
            )
        })
    }

    /// `sleep(ms, signal)` as a future (its outcome does not matter: the loop polls the machine after it).
    fn sleep(&self, ms: f64, signal: &AbortSignal) -> Result<JsFuture, CoreError> {
        let promise = self
            .sleep
            .call2(&JsValue::UNDEFINED, &JsValue::from_f64(ms.max(0.0)), signal)
            .map_err(|error| host_error("sleep", "", js_message(&error)))?;
        Ok(JsFuture::from(Promise::resolve(&promise)))
    }

    /// `onBody(body, answer)`, `answer` being the host's own answer object the body came from; the host keeps the
    /// body, and a throwing callback fails the fetch (the body would be lost).
    fn deliver(&self, body: &AcceptedBody, answer: &JsValue) -> Result<(), CoreError> {
        let fail = |reason: String| host_error("onBody", "", reason);
        let value = Objects(body)
            .into_js("fetchSource")
            .map_err(|error| fail(error.to_string()))?;
        self.on_body
            .call2(&JsValue::UNDEFINED, &value, answer)
            .map(drop)
            .map_err(|error| fail(js_message(&error)))
    }

    /// `onProgress(stats)`; a throwing callback is the host's problem, not the fetch's.
    fn progress(&self, machine: &SourceFetch) {
        if let Some(callback) = &self.on_progress {
            if let Ok(stats) = Objects(machine.stats()).into_js("fetchSource") {
                let _ = callback.call1(&JsValue::UNDEFINED, &stats);
            }
        }
    }

    /// Starts `fetchPage(request, limits)` for an attempt; the future resolves with the attempt's id, its URL and
    /// the host's answer as it came (read by [`read_answer`] in the loop).
    fn attempt(
        &self,
        outgoing: Outgoing,
        signal: &AbortSignal,
    ) -> Result<impl std::future::Future<Output = (u32, String, Result<JsValue, String>)>, CoreError>
    {
        let url = outgoing.request.url.clone();
        let fail = |reason: String| host_error("fetchPage", &url, reason);
        let request = Objects(&outgoing.request)
            .into_js("fetchSource")
            .map_err(|error| fail(error.to_string()))?;
        let limits = js_sys::Object::new();
        for (key, value) in [
            ("timeoutMs", JsValue::from(outgoing.timeout_ms)),
            ("maxBytes", JsValue::from(outgoing.max_bytes)),
            ("attempt", JsValue::from(outgoing.attempt)),
            ("signal", signal.into()),
        ] {
            Reflect::set(&limits, &JsValue::from_str(key), &value)
                .map_err(|error| fail(js_message(&error)))?;
        }
        let answer = self
            .fetch_page
            .call2(&JsValue::UNDEFINED, &request, &limits)
            .map_err(|error| fail(js_message(&error)))?;
        let future = JsFuture::from(Promise::resolve(&answer));
        let id = outgoing.id;
        Ok(async move {
            let answer = future.await.map_err(|error| js_message(&error));
            (id, url, answer)
        })
    }
}

/// Reads a `SourceAnswer`; a body is copied natively with the loop's one copier (pages can be megabytes).
fn read_answer(copier: &mut Utf8Copier, value: &JsValue) -> Result<SourceAnswer, String> {
    let kind = Reflect::get(value, &JsValue::from_str("kind"))
        .ok()
        .and_then(|kind| kind.as_string());
    if kind.as_deref() == Some("body") {
        let body = Reflect::get(value, &JsValue::from_str("body"))
            .ok()
            .and_then(|body| body.dyn_into::<JsString>().ok())
            .ok_or("a body answer must carry the body text in `body`")?;
        return Ok(SourceAnswer::Body {
            body: copier.copy(&body),
        });
    }
    SourceAnswer::from_js("fetchPage", value.clone()).map_err(|error| error.to_string())
}

/// A `HOST_CALL_FAILED` error of an injected function.
fn host_error(function: &'static str, url: &str, reason: String) -> CoreError {
    CoreError::HostCall {
        function,
        url: url.to_string(),
        reason,
    }
}

/// The loop: sends what the machine says, waits for the first answer or the next due time, hands answers back.
async fn drive(mut machine: SourceFetch, host: &SourceHost) -> Result<FetchedOutline, CoreError> {
    let controller = AbortController::new()
        .map_err(|error| host_error("AbortController", "", js_message(&error)))?;
    let signal = controller.signal();
    let mut in_flight = FuturesUnordered::new();
    let mut timer: Option<(f64, JsFuture)> = None;
    let mut copier = Utf8Copier::new();
    // The host's answer object last handed to the machine: a body the machine accepts is delivered at the next poll,
    // and goes back to the host with the answer it came in.
    let mut answered = JsValue::UNDEFINED;
    let outcome = loop {
        let now = match host.now() {
            Ok(now) => now,
            Err(error) => break Err(error),
        };
        match machine.poll(now) {
            FetchStep::Send(outgoing) => match host.attempt(outgoing, &signal) {
                Ok(attempt) => {
                    in_flight.push(attempt);
                    host.progress(&machine);
                }
                Err(error) => break Err(error),
            },
            FetchStep::Deliver(body) => {
                let answer = std::mem::replace(&mut answered, JsValue::UNDEFINED);
                if let Err(error) = host.deliver(&body, &answer) {
                    break Err(error);
                }
            }
            FetchStep::Wait { until_ms } => {
                let next = match until_ms {
                    None => in_flight.next().await,
                    Some(until_ms) => {
                        if timer.as_ref().map_or(true, |(at, _)| *at != until_ms) {
                            match host.sleep(until_ms - now, &signal) {
                                Ok(sleep) => timer = Some((until_ms, sleep)),
                                Err(error) => break Err(error),
                            }
                        }
                        let Some((_, sleep)) = timer.as_mut() else {
                            continue;
                        };
                        if in_flight.is_empty() {
                            let _ = sleep.await;
                            timer = None;
                            continue;
                        }
                        match select(in_flight.next(), sleep).await {
                            Either::Left((next, _)) => next,
                            Either::Right(_) => {
                                timer = None;
                                continue;
                            }
                        }
                    }
                };
                let Some((id, url, answer)) = next else {
                    continue;
                };
                let handled = answer
                    .and_then(|value| {
                        let read = read_answer(&mut copier, &value);
                        answered = value;
                        read
                    })
                    .map_err(|reason| host_error("fetchPage", &url, reason))
                    .and_then(|answer| {
                        machine.handle(id, answer, host.now()?);
                        Ok(())
                    });
                match handled {
                    Ok(()) => host.progress(&machine),
                    Err(error) => break Err(error),
                }
            }
            FetchStep::Done => break Ok(()),
            FetchStep::Failed(error) => break Err(error.into()),
        }
    };
    // Done or failed: abort what is still in flight (and the timer), and wait for it, so that no request outlives
    // the fetch and no promise is left to reject unhandled.
    controller.abort();
    while in_flight.next().await.is_some() {}
    outcome?;
    Ok(machine.finish()?)
}
