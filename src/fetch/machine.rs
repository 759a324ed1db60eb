//! [`SourceFetch`]: the state machine of a run's fetch (see the module documentation for the protocol).

use std::collections::VecDeque;

use super::{
    AcceptedBody, BodyKind, FetchError, FetchStart, FetchStats, FetchStep, FetchedOutline,
    Outgoing, SourceAnswer,
};
use crate::deadline::{RunDeadline, RunPhase};
use crate::model::{CoreErrorCode, SyncScope};
use crate::options::SyncOptions;
use crate::outbound::{Origin, MAX_REDIRECTS};
use crate::paging::{self, PageRequest, RequestKind};
use crate::retry::{decide_retry, request_seed, FetchOutcome, RetryDecision, RetryInput};

/// Where one request is.
#[derive(Debug, Clone, PartialEq)]
enum SlotState {
    /// Waiting for a free place in flight.
    Ready,
    /// An attempt (or a redirect's hop) is in flight.
    InFlight,
    /// A retry is due at this time.
    Backoff(f64),
    /// Accepted (its body was delivered, or kept as the category list).
    Answered,
    /// A single product the source answered 404 for.
    NotFound,
}

/// One request of the run and its progress.
#[derive(Debug, Clone)]
struct Slot {
    /// The request as planned.
    planned: PageRequest,
    /// Its place among the requests of its kind (the delivered body's `position`).
    position: u32,
    /// The URL of the next hop: the planned one, or a redirect's target.
    url: String,
    /// Redirects followed in the current attempt.
    redirects: u32,
    /// Attempts made.
    attempts: u32,
    /// The next send is a redirect's hop of the current attempt, not a new attempt.
    hop: bool,
    state: SlotState,
}

impl Slot {
    fn new(planned: PageRequest, position: u32) -> Self {
        Slot {
            url: planned.url.clone(),
            planned,
            position,
            redirects: 0,
            attempts: 0,
            hop: false,
            state: SlotState::Ready,
        }
    }

    fn is_settled(&self) -> bool {
        matches!(self.state, SlotState::Answered | SlotState::NotFound)
    }
}

/// The fetch of one run: its requests, what is in flight, the retries due, the bodies to deliver and the counts.
#[derive(Debug, Clone)]
pub struct SourceFetch {
    options: SyncOptions,
    origin: Option<Origin>,
    run_id: String,
    deadline: RunDeadline,
    slots: Vec<Slot>,
    /// Requests ready to go, in order.
    ready: VecDeque<u32>,
    /// Requests waiting for their retry: (due time, id).
    backoffs: Vec<(f64, u32)>,
    in_flight: usize,
    /// Requests not settled yet.
    open: usize,
    /// The first page, while its header is awaited (full sync).
    first_page: Option<u32>,
    products_received: u64,
    /// Accepted bodies not delivered yet (each leaves at the next poll).
    deliveries: VecDeque<AcceptedBody>,
    /// Requests planned so far, pages and single products apart (the next one's position).
    planned_pages: u32,
    planned_products: u32,
    /// The category list, once accepted.
    categories_body: String,
    stats: FetchStats,
    error: Option<FetchError>,
}

impl SourceFetch {
    /// Starts the fetch of a run: the first page (full sync; the other pages and the category list follow its
    /// answer), or the single products and the category list (targeted sync). Refuses a targeted run with product id 0 or more products than
    /// `maxPages`.
    pub fn new(start: FetchStart) -> Result<SourceFetch, FetchError> {
        let FetchStart {
            options,
            scope,
            run_id,
            started_at_ms,
        } = start;
        // The category list goes with the single products, or after the first page: a source that is down
        // or refused on its first page gets no other request.
        let (requests, first_page) = match &scope {
            SyncScope::Full => (vec![paging::first_page_request(&options)], Some(0)),
            SyncScope::Targeted { product_ids } => {
                let mut requests = paging::product_requests(&options, product_ids)?;
                requests.push(paging::categories_request(&options));
                (requests, None)
            }
        };
        let pages_total = requests.len() - usize::from(first_page.is_none());
        let mut fetch = SourceFetch {
            origin: options.source_origin(),
            deadline: RunDeadline {
                started_at_ms,
                run_timeout_ms: options.run_timeout_ms,
            },
            options,
            run_id,
            slots: Vec::new(),
            ready: VecDeque::new(),
            backoffs: Vec::new(),
            in_flight: 0,
            open: 0,
            first_page,
            products_received: 0,
            deliveries: VecDeque::new(),
            planned_pages: 0,
            planned_products: 0,
            categories_body: String::new(),
            stats: FetchStats {
                pages_total,
                ..FetchStats::default()
            },
            error: None,
        };
        fetch.add(requests);
        Ok(fetch)
    }

    /// Queues planned requests.
    fn add(&mut self, requests: Vec<PageRequest>) {
        for request in requests {
            let id = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
            let position = match request.kind {
                RequestKind::Page => {
                    self.planned_pages += 1;
                    self.planned_pages - 1
                }
                RequestKind::Product => {
                    self.planned_products += 1;
                    self.planned_products - 1
                }
                RequestKind::Categories => 0,
            };
            self.slots.push(Slot::new(request, position));
            self.ready.push_back(id);
            self.open += 1;
        }
    }

    /// The next thing to do at `now_ms`.
    pub fn poll(&mut self, now_ms: f64) -> FetchStep {
        if self.error.is_none() {
            if let Some(body) = self.deliveries.pop_front() {
                return FetchStep::Deliver(body);
            }
            if self.open == 0 {
                return FetchStep::Done;
            }
        }
        if self.error.is_none() {
            if let Some(timeout) = self.deadline.check(now_ms, RunPhase::Fetch) {
                self.error = Some(FetchError::Deadline(timeout));
            }
        }
        if let Some(error) = &self.error {
            return FetchStep::Failed(error.clone());
        }
        self.wake_due_retries(now_ms);
        if self.in_flight < self.concurrency() {
            if let Some(id) = self.ready.pop_front() {
                return FetchStep::Send(self.send(id));
            }
        }
        let deadline = self.deadline.at_ms();
        let next_retry = self.backoffs.iter().map(|(due, _)| *due).reduce(f64::min);
        FetchStep::Wait {
            // The deadline ends a wait for answers too when it is nearer than `requestTimeoutMs`; further away, every
            // answer in flight comes before it (each attempt ends within `requestTimeoutMs`) and the next poll
            // checks it, so the host never holds a timer for the whole run.
            until_ms: match next_retry {
                Some(due) => Some(due.min(deadline)),
                None => (deadline - now_ms <= f64::from(self.options.request_timeout_ms))
                    .then_some(deadline),
            },
        }
    }

    fn concurrency(&self) -> usize {
        usize::try_from(self.options.concurrency.max(1)).unwrap_or(1)
    }

    /// Moves the retries due at `now_ms` to the ready queue, earliest first.
    fn wake_due_retries(&mut self, now_ms: f64) {
        if self.backoffs.is_empty() {
            return;
        }
        self.backoffs
            .sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let due = self.backoffs.partition_point(|(at, _)| *at <= now_ms);
        for (_, id) in self.backoffs.drain(..due) {
            if let Some(slot) = self.slots.get_mut(id as usize) {
                slot.state = SlotState::Ready;
                self.ready.push_back(id);
            }
        }
    }

    /// Puts a ready request in flight.
    fn send(&mut self, id: u32) -> Outgoing {
        let slot = &mut self.slots[id as usize];
        if slot.hop {
            slot.hop = false;
        } else {
            slot.attempts += 1;
            slot.url = slot.planned.url.clone();
            slot.redirects = 0;
            if slot.attempts > 1 {
                self.stats.retries += 1;
            }
        }
        slot.state = SlotState::InFlight;
        self.in_flight += 1;
        self.stats.requests += 1;
        Outgoing {
            id,
            request: PageRequest {
                url: slot.url.clone(),
                ..slot.planned.clone()
            },
            attempt: slot.attempts,
            timeout_ms: self.options.request_timeout_ms,
            max_bytes: self.options.page_max_bytes,
        }
    }

    /// Takes the answer to request `id` at `now_ms`: accepts it, schedules a retry or a redirect's hop, or fails
    /// the fetch (see [`SourceFetch::poll`]).
    pub fn handle(&mut self, id: u32, answer: SourceAnswer, now_ms: f64) {
        let in_flight = self
            .slots
            .get(id as usize)
            .is_some_and(|slot| slot.state == SlotState::InFlight);
        if !in_flight {
            self.fail(FetchError::UnknownRequest { id });
            return;
        }
        self.in_flight -= 1;
        if self.error.is_some() {
            return;
        }
        let kind = self.slots[id as usize].planned.kind;
        match answer {
            SourceAnswer::Body { body } => self.judge_body(id, kind, body, now_ms),
            SourceAnswer::Http { status: 404, .. } if kind == RequestKind::Product => {
                self.settle(id, SlotState::NotFound);
            }
            SourceAnswer::Http {
                status,
                retry_after,
            } => self.retry_or_fail(
                id,
                FetchOutcome::Http {
                    status,
                    retry_after,
                },
                now_ms,
            ),
            SourceAnswer::Redirect { location, .. } => self.follow(id, location),
            SourceAnswer::Network { message } => {
                self.retry_or_fail(id, FetchOutcome::Network { message }, now_ms);
            }
            SourceAnswer::Timeout => {
                let timeout_ms = self.options.request_timeout_ms;
                self.retry_or_fail(id, FetchOutcome::Timeout { timeout_ms }, now_ms);
            }
            SourceAnswer::TooLarge => self.too_large(id),
        }
    }

    fn too_large(&mut self, id: u32) {
        self.fail(FetchError::AnswerTooLarge {
            url: self.slots[id as usize].url.clone(),
            max: self.options.page_max_bytes,
        });
    }

    /// A 2xx body: a page must be a complete envelope, anything else complete JSON; else it is retried.
    fn judge_body(&mut self, id: u32, kind: RequestKind, body: String, now_ms: f64) {
        if body.len() > self.options.page_max_bytes as usize {
            self.too_large(id);
            return;
        }
        let received = match kind {
            RequestKind::Page => match paging::read_page_header(&body) {
                Ok(header) => {
                    if self.first_page == Some(id) {
                        self.first_page = None;
                        match paging::plan_remaining_pages(
                            &self.options,
                            header.total,
                            header.count,
                        ) {
                            Ok(rest) => {
                                self.stats.pages_total += rest.len();
                                self.add(rest);
                                self.add(vec![paging::categories_request(&self.options)]);
                            }
                            Err(error) => return self.fail(error.into()),
                        }
                    }
                    u64::from(header.count)
                }
                Err(error) => {
                    let message = error.to_string();
                    return self.retry_or_fail(id, FetchOutcome::Malformed { message }, now_ms);
                }
            },
            RequestKind::Product | RequestKind::Categories => {
                if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(&body) {
                    let message = if error.is_eof() {
                        format!("the body is truncated ({error})")
                    } else {
                        error.to_string()
                    };
                    return self.retry_or_fail(id, FetchOutcome::Malformed { message }, now_ms);
                }
                u64::from(kind == RequestKind::Product)
            }
        };
        self.products_received += received;
        if self.products_received > u64::from(self.options.max_products) {
            return self.fail(FetchError::TooManyProducts {
                max: self.options.max_products,
            });
        }
        let slot = &self.slots[id as usize];
        let kind = match slot.planned.kind {
            RequestKind::Page => BodyKind::Page,
            RequestKind::Product => BodyKind::Product,
            RequestKind::Categories => {
                self.categories_body = body;
                return self.settle(id, SlotState::Answered);
            }
        };
        self.deliveries.push_back(AcceptedBody {
            kind,
            position: slot.position,
            body,
        });
        self.settle(id, SlotState::Answered);
    }

    /// Settles a request with its final state.
    fn settle(&mut self, id: u32, state: SlotState) {
        let slot = &mut self.slots[id as usize];
        if slot.planned.kind != RequestKind::Categories {
            self.stats.pages_fetched += 1;
        }
        slot.state = state;
        self.open -= 1;
    }

    /// A redirect: followed at once inside the source's origin, at most [`MAX_REDIRECTS`] times per attempt.
    fn follow(&mut self, id: u32, location: String) {
        let slot = &self.slots[id as usize];
        let inside = match (&self.origin, Origin::of_url(&location)) {
            (Some(origin), Ok(target)) => *origin == target,
            _ => false,
        };
        if !inside {
            return self.fail(FetchError::RedirectOutside {
                url: slot.url.clone(),
                location,
                origin: self
                    .origin
                    .as_ref()
                    .map_or_else(|| self.options.source_url.clone(), ToString::to_string),
            });
        }
        if slot.redirects >= MAX_REDIRECTS {
            return self.fail(FetchError::TooManyRedirects {
                url: slot.url.clone(),
            });
        }
        let slot = &mut self.slots[id as usize];
        slot.redirects += 1;
        slot.url = location;
        slot.hop = true;
        slot.state = SlotState::Ready;
        self.ready.push_front(id);
    }

    /// A failed attempt: retried after the delay [`crate::retry`] decides, or the end of the fetch.
    fn retry_or_fail(&mut self, id: u32, outcome: FetchOutcome, now_ms: f64) {
        let slot = &self.slots[id as usize];
        let decision = decide_retry(&RetryInput {
            attempt: slot.attempts.max(1),
            max_retries: self.options.max_retries,
            seed: request_seed(&self.run_id, id),
            now_ms,
            url: slot.url.clone(),
            outcome,
        });
        match decision {
            Ok(RetryDecision::Retry { delay_ms }) => {
                let due = now_ms + f64::from(delay_ms);
                self.slots[id as usize].state = SlotState::Backoff(due);
                self.backoffs.push((due, id));
            }
            Ok(RetryDecision::Fail { code, message }) => {
                self.fail(FetchError::Request { code, message });
            }
            Err(error) => self.fail(FetchError::Request {
                code: CoreErrorCode::InvalidInput,
                message: error.to_string(),
            }),
        }
    }

    /// Ends the fetch with `error` (the first error wins).
    fn fail(&mut self, error: FetchError) {
        self.error.get_or_insert(error);
    }

    /// The run's request, retry and page counts so far.
    pub fn stats(&self) -> FetchStats {
        self.stats
    }

    /// Requests in flight.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// What the fetch leaves besides the delivered bodies, once [`SourceFetch::poll`] said [`FetchStep::Done`]; the
    /// fetch's error, or `UnknownRequest` naming an open request, before that.
    pub fn finish(self) -> Result<FetchedOutline, FetchError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if let Some(position) = self.slots.iter().position(|slot| !slot.is_settled()) {
            return Err(FetchError::UnknownRequest {
                id: u32::try_from(position).unwrap_or(u32::MAX),
            });
        }
        let not_found_ids = self
            .slots
            .iter()
            .filter(|slot| slot.state == SlotState::NotFound)
            .filter_map(|slot| slot.planned.product_id)
            .collect();
        Ok(FetchedOutline {
            not_found_ids,
            categories_body: self.categories_body,
            pages_total: u32::try_from(self.stats.pages_total).unwrap_or(u32::MAX),
        })
    }
}
