//! The fetch state machine ([`catalog_sync::fetch::SourceFetch`]) against a deterministic simulated source: a
//! virtual clock, answers with latencies, and faults chosen per request and attempt. Checks what a run's fetch
//! must do — every page once, the concurrency bound, retries and their delays, the bounds (`pageMaxBytes`,
//! `maxProducts`, `maxPages`, `runTimeoutMs`), redirects only inside the source's origin — and, as properties,
//! that any mix of transient faults gives the clean result with honest counts.

use std::collections::{BTreeMap, HashSet};

use catalog_sync::fetch::{
    AcceptedBody, BodyKind, FetchError, FetchStart, FetchStep, FetchedOutline, Outgoing,
    SourceAnswer, SourceFetch,
};
use catalog_sync::model::SyncScope;
use catalog_sync::options::SyncOptions;
use catalog_sync::paging::RequestKind;
use proptest::prelude::*;

const SOURCE: &str = "http://127.0.0.1:4010";
const START_MS: f64 = 1_700_000_000_000.0;

fn options(page_size: u32, concurrency: u32) -> SyncOptions {
    SyncOptions {
        source_url: SOURCE.to_string(),
        page_size,
        concurrency,
        ..SyncOptions::default()
    }
}

fn start(options: SyncOptions, scope: SyncScope) -> FetchStart {
    FetchStart {
        options,
        scope,
        run_id: "csrun_test".to_string(),
        started_at_ms: START_MS,
    }
}

/// A page body of a catalog of `total` products (ids 1..=total), or of `claimed` total when it lies.
fn page_body(skip: u32, limit: u32, total: u32, claimed: u32) -> String {
    let end = (skip + limit).min(total);
    let products: Vec<String> = (skip..end)
        .map(|i| format!(r#"{{"id":{},"title":"Product {}"}}"#, i + 1, i + 1))
        .collect();
    format!(
        r#"{{"products":[{}],"total":{claimed},"skip":{skip},"limit":{}}}"#,
        products.join(","),
        end.saturating_sub(skip)
    )
}

fn body(text: String) -> SourceAnswer {
    SourceAnswer::Body { body: text }
}

/// The clean answer of a catalog of `total` products to an attempt.
fn clean(total: u32) -> impl FnMut(&Outgoing) -> SourceAnswer {
    move |out| match out.request.kind {
        RequestKind::Page => body(page_body(out.request.skip, out.request.limit, total, total)),
        RequestKind::Product => body(format!(
            r#"{{"id":{},"title":"Product"}}"#,
            out.request.product_id.unwrap()
        )),
        RequestKind::Categories => body(r#"[{"slug":"beauty","name":"Beauty"}]"#.to_string()),
    }
}

/// A finished fetch as the host holds it: the bodies it was handed, placed by position (a product answered 404
/// leaves no body), and the outline.
#[derive(Debug)]
struct Fetched {
    pages: Vec<String>,
    products: Vec<String>,
    outline: FetchedOutline,
}

impl std::ops::Deref for Fetched {
    type Target = FetchedOutline;
    fn deref(&self) -> &FetchedOutline {
        &self.outline
    }
}

/// Keeps delivered bodies by kind and position, the way a host does; a position delivered twice is a bug.
#[derive(Debug, Default)]
struct Kept {
    pages: BTreeMap<u32, String>,
    products: BTreeMap<u32, String>,
}

impl Kept {
    fn keep(&mut self, delivered: AcceptedBody) {
        let kept = match delivered.kind {
            BodyKind::Page => &mut self.pages,
            BodyKind::Product => &mut self.products,
        };
        let position = delivered.position;
        assert!(
            kept.insert(position, delivered.body).is_none(),
            "{:?} {position} delivered twice",
            delivered.kind
        );
    }

    fn with(self, outline: FetchedOutline) -> Fetched {
        let pages: Vec<String> = self.pages.into_values().collect();
        assert_eq!(
            pages.len(),
            outline.pages_total as usize - self.products.len() - outline.not_found_ids.len(),
            "every page delivered once (positions 0..n)"
        );
        Fetched {
            pages,
            products: self.products.into_values().collect(),
            outline,
        }
    }
}

/// What a simulated run saw.
#[derive(Debug)]
struct Run {
    result: Result<Fetched, FetchError>,
    /// Bodies delivered, at most, between two answers (the fetch keeps none).
    max_undelivered: usize,
    sent: Vec<(f64, Outgoing)>,
    max_in_flight: usize,
    stats: catalog_sync::fetch::FetchStats,
    ended_at: f64,
}

/// Drives the machine with a virtual clock: each attempt is answered by `answer` after `latency(out)` ms.
fn simulate(
    start: FetchStart,
    mut answer: impl FnMut(&Outgoing) -> SourceAnswer,
    mut latency: impl FnMut(&Outgoing) -> f64,
) -> Run {
    let mut machine = match SourceFetch::new(start) {
        Ok(machine) => machine,
        Err(error) => {
            return Run {
                result: Err(error),
                max_undelivered: 0,
                sent: Vec::new(),
                max_in_flight: 0,
                stats: Default::default(),
                ended_at: START_MS,
            }
        }
    };
    let mut now = START_MS;
    let mut pending: Vec<(f64, u32, SourceAnswer)> = Vec::new();
    let mut sent = Vec::new();
    let mut max_in_flight = 0;
    let mut kept = Kept::default();
    let mut undelivered = 0;
    let mut max_undelivered = 0;
    for _ in 0..1_000_000 {
        match machine.poll(now) {
            FetchStep::Deliver(body) => {
                undelivered += 1;
                max_undelivered = max_undelivered.max(undelivered);
                kept.keep(body);
            }
            FetchStep::Send(out) => {
                pending.push((now + latency(&out), out.id, answer(&out)));
                sent.push((now, out));
                max_in_flight = max_in_flight.max(machine.in_flight());
                assert_eq!(machine.in_flight(), pending.len());
            }
            FetchStep::Wait { until_ms } => {
                assert!(
                    until_ms.is_some() || !pending.is_empty(),
                    "a wait always has an end"
                );
                let until_ms = until_ms.unwrap_or(f64::INFINITY);
                pending.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                match pending.first() {
                    Some((at, _, _)) if *at <= until_ms => {
                        let (at, id, answer) = pending.remove(0);
                        now = now.max(at);
                        machine.handle(id, answer, now);
                        undelivered = 0;
                    }
                    _ => {
                        assert!(until_ms > now || !pending.is_empty(), "no busy waiting");
                        now = now.max(until_ms);
                    }
                }
            }
            FetchStep::Done => {
                assert!(pending.is_empty(), "done with answers outstanding");
                let stats = machine.stats();
                return Run {
                    result: machine.finish().map(|outline| kept.with(outline)),
                    max_undelivered,
                    sent,
                    max_in_flight,
                    stats,
                    ended_at: now,
                };
            }
            FetchStep::Failed(error) => {
                let stats = machine.stats();
                assert_eq!(machine.finish().unwrap_err(), error);
                return Run {
                    result: Err(error),
                    max_undelivered,
                    sent,
                    max_in_flight,
                    stats,
                    ended_at: now,
                };
            }
        }
    }
    panic!("the fetch never ended");
}

fn fixed(ms: f64) -> impl FnMut(&Outgoing) -> f64 {
    move |_| ms
}

fn ids_of(fetched: &Fetched) -> Vec<u64> {
    fetched
        .pages
        .iter()
        .flat_map(|page| {
            let value: serde_json::Value = serde_json::from_str(page).unwrap();
            value["products"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_u64().unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn a_full_fetch_gets_every_page_once_in_order_and_the_categories() {
    let run = simulate(
        start(options(30, 4), SyncScope::Full),
        clean(194),
        fixed(5.0),
    );
    let fetched = run.result.unwrap();
    assert_eq!(fetched.pages.len(), 7);
    assert_eq!(fetched.pages_total, 7);
    // Each page is handed over as soon as it is accepted: the machine never holds two.
    assert_eq!(run.max_undelivered, 1);
    assert_eq!(ids_of(&fetched), (1..=194).collect::<Vec<_>>());
    assert!(fetched.categories_body.contains("beauty"));
    assert!(fetched.products.is_empty() && fetched.not_found_ids.is_empty());
    assert_eq!(run.sent.len(), 8);
    assert_eq!((run.stats.requests, run.stats.retries), (8, 0));
    assert_eq!((run.stats.pages_total, run.stats.pages_fetched), (7, 7));
    assert_eq!(run.max_in_flight, 4);
    // The first page goes alone; the other pages and the category list once the first page's total is known.
    assert_eq!(run.sent[0].1.request.kind, RequestKind::Page);
    assert!(run.sent[1..].iter().all(|(at, _)| *at >= START_MS + 5.0));
    assert_eq!(
        run.sent
            .iter()
            .filter(|(_, out)| out.request.kind == RequestKind::Categories)
            .count(),
        1
    );
    for (_, out) in &run.sent {
        assert_eq!(out.timeout_ms, 10_000);
        assert_eq!(out.max_bytes, 8 * 1024 * 1024);
        assert_eq!(out.attempt, 1);
    }
    // Identifiers are the requests' numbers in the run.
    let ids: HashSet<u32> = run.sent.iter().map(|(_, out)| out.id).collect();
    assert_eq!(ids.len(), 8);
}

#[test]
fn one_request_at_a_time_with_concurrency_one() {
    let run = simulate(
        start(options(30, 1), SyncScope::Full),
        clean(100),
        fixed(3.0),
    );
    assert_eq!(run.max_in_flight, 1);
    assert_eq!(ids_of(&run.result.unwrap()).len(), 100);
    assert_eq!(run.ended_at, START_MS + 3.0 * 5.0);
}

#[test]
fn a_targeted_fetch_gets_each_product_once_and_notes_the_missing_ones() {
    let scope = SyncScope::Targeted {
        product_ids: vec![12, 3, 12, 404],
    };
    let mut answer = clean(194);
    let run = simulate(
        start(options(30, 4), scope),
        move |out| match out.request.product_id {
            Some(404) => SourceAnswer::Http {
                status: 404,
                retry_after: None,
            },
            _ => answer(out),
        },
        fixed(1.0),
    );
    let fetched = run.result.unwrap();
    assert_eq!(fetched.products.len(), 2);
    assert!(fetched.products[0].contains("\"id\":12"));
    assert_eq!(fetched.not_found_ids, vec![404]);
    assert_eq!(fetched.pages_total, 3);
    assert!(fetched.pages.is_empty());
    assert_eq!((run.stats.pages_total, run.stats.pages_fetched), (3, 3));
    assert_eq!(run.stats.requests, 4);
}

#[test]
fn a_targeted_run_with_product_id_zero_or_more_products_than_max_pages_is_refused() {
    let zero = SourceFetch::new(start(
        options(30, 4),
        SyncScope::Targeted {
            product_ids: vec![0],
        },
    ));
    assert_eq!(zero.unwrap_err().code().as_str(), "INVALID_INPUT");
    let few = SyncOptions {
        max_pages: 2,
        ..options(30, 4)
    };
    let many = SourceFetch::new(start(
        few,
        SyncScope::Targeted {
            product_ids: vec![1, 2, 3],
        },
    ));
    assert_eq!(many.unwrap_err().code().as_str(), "SOURCE_TOO_LARGE");
}

#[test]
fn a_failed_attempt_is_retried_after_the_backoff_and_counted() {
    let mut clean = clean(194);
    let run = simulate(
        start(options(30, 4), SyncScope::Full),
        move |out| {
            if out.request.skip == 60 && out.attempt == 1 {
                SourceAnswer::Http {
                    status: 503,
                    retry_after: None,
                }
            } else if out.request.skip == 90 && out.attempt < 3 {
                SourceAnswer::Body {
                    body: r#"{"products":[{"id":91"#.to_string(),
                }
            } else {
                clean(out)
            }
        },
        fixed(10.0),
    );
    assert_eq!(ids_of(&run.result.unwrap()).len(), 194);
    assert_eq!((run.stats.requests, run.stats.retries), (11, 3));
    let attempts: Vec<(u32, u32)> = run
        .sent
        .iter()
        .filter(|(_, out)| out.request.skip == 90 && out.request.kind == RequestKind::Page)
        .map(|(_, out)| (out.id, out.attempt))
        .collect();
    assert_eq!(attempts.len(), 3);
    assert!(attempts.iter().all(|(id, _)| *id == attempts[0].0));
    assert_eq!(
        attempts.iter().map(|(_, a)| *a).collect::<Vec<_>>(),
        [1, 2, 3]
    );
}

#[test]
fn retry_after_is_a_floor_and_the_jitter_comes_from_the_run_id() {
    let answer = |out: &Outgoing| {
        if out.request.kind == RequestKind::Page && out.request.skip == 0 && out.attempt == 1 {
            SourceAnswer::Http {
                status: 429,
                retry_after: Some("2".to_string()),
            }
        } else {
            clean(60)(out)
        }
    };
    let run = simulate(start(options(30, 4), SyncScope::Full), answer, fixed(1.0));
    let second = run
        .sent
        .iter()
        .find(|(_, out)| out.id == 0 && out.attempt == 2)
        .unwrap();
    assert!(
        second.0 >= START_MS + 1.0 + 2000.0,
        "sent at {}",
        second.0 - START_MS
    );
    assert!(second.0 <= START_MS + 1.0 + 2000.0 + 200.0);
    assert!(run.result.is_ok());

    // The delay of a retry without Retry-After is the same for the same run id, and spread across run ids.
    let delay = |run_id: &str| {
        let first_503 = |out: &Outgoing| {
            if out.id == 0 && out.attempt == 1 {
                SourceAnswer::Network {
                    message: "ECONNRESET".into(),
                }
            } else {
                clean(30)(out)
            }
        };
        let run = simulate(
            FetchStart {
                run_id: run_id.to_string(),
                ..start(options(30, 4), SyncScope::Full)
            },
            first_503,
            fixed(1.0),
        );
        let retry = run.sent.iter().find(|(_, out)| out.attempt == 2).unwrap();
        retry.0 - START_MS - 1.0
    };
    assert_eq!(delay("csrun_a"), delay("csrun_a"));
    let delays: HashSet<u64> = (0..20)
        .map(|i| delay(&format!("csrun_{i}")) as u64)
        .collect();
    assert!(delays.len() > 10, "{delays:?}");
    assert!(delays.iter().all(|d| *d <= 200));
}

#[test]
fn retries_run_out_into_a_failure_naming_the_url_and_no_request_follows() {
    let run = simulate(
        start(options(30, 2), SyncScope::Full),
        |out| {
            if out.request.skip == 30 {
                SourceAnswer::Http {
                    status: 503,
                    retry_after: None,
                }
            } else {
                clean(194)(out)
            }
        },
        fixed(2.0),
    );
    let error = run.result.unwrap_err();
    assert_eq!(error.code().as_str(), "SOURCE_UNAVAILABLE");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("GET {SOURCE}/products?limit=30&skip=30&")),
        "{message}"
    );
    assert!(
        message.ends_with("failed after 5 attempts: HTTP 503"),
        "{message}"
    );
    assert_eq!(run.stats.retries, 4);
    let failed_at = run.ended_at;
    assert!(run.sent.iter().all(|(at, _)| *at <= failed_at));
}

#[test]
fn a_status_that_is_not_retried_fails_at_once() {
    let run = simulate(
        start(options(30, 4), SyncScope::Full),
        |out| match out.request.kind {
            RequestKind::Page => SourceAnswer::Http {
                status: 404,
                retry_after: None,
            },
            _ => clean(10)(out),
        },
        fixed(1.0),
    );
    let error = run.result.unwrap_err();
    assert_eq!(error.code().as_str(), "SOURCE_HTTP_ERROR");
    assert!(error
        .to_string()
        .ends_with("failed after 1 attempt: HTTP 404"));
    assert_eq!(run.stats.retries, 0);
}

#[test]
fn an_answer_over_page_max_bytes_fails_the_run_naming_the_url_and_the_cap() {
    for too_large in [
        SourceAnswer::TooLarge,
        body(format!(
            "{}{}",
            " ".repeat(70_000),
            page_body(0, 30, 40, 40)
        )),
    ] {
        let capped = SyncOptions {
            page_max_bytes: 65_536,
            ..options(30, 4)
        };
        let answer = too_large.clone();
        let run = simulate(
            start(capped, SyncScope::Full),
            move |out| {
                if out.request.skip == 30 {
                    answer.clone()
                } else {
                    clean(40)(out)
                }
            },
            fixed(1.0),
        );
        let error = run.result.unwrap_err();
        assert_eq!(error.code().as_str(), "SOURCE_ANSWER_TOO_LARGE");
        assert_eq!(
            error.to_string(),
            format!(
                "GET {SOURCE}/products?limit=10&skip=30&select={}: the answer is larger than pageMaxBytes (65536 bytes): the run stops before any write",
                catalog_sync::source::SOURCE_FIELDS.join(",")
            )
        );
        assert_eq!(error.details()["option"], "pageMaxBytes");
        assert_eq!(run.stats.retries, 0, "not retried");
    }
}

#[test]
fn an_absurd_total_is_refused_after_the_first_page() {
    // "A first page of one product that claims a million."
    let lying = |claimed: u32| {
        move |out: &Outgoing| match out.request.kind {
            RequestKind::Page => body(page_body(out.request.skip, 1, 194, claimed)),
            _ => clean(194)(out),
        }
    };
    let run = simulate(
        start(options(30, 4), SyncScope::Full),
        lying(1_000_000),
        fixed(1.0),
    );
    let error = run.result.unwrap_err();
    assert_eq!(error.code().as_str(), "SOURCE_TOO_LARGE");
    assert!(
        error.to_string().contains("maxProducts (250000)"),
        "{error}"
    );
    assert_eq!(run.sent.len(), 1, "the first page, nothing more");

    let run = simulate(
        start(options(30, 4), SyncScope::Full),
        lying(200_000),
        fixed(1.0),
    );
    let error = run.result.unwrap_err();
    assert!(error.to_string().contains("maxPages (10000)"), "{error}");
    assert_eq!(run.sent.len(), 1);
}

#[test]
fn more_products_received_than_max_products_fail_the_run() {
    // Every page claims to be the first one of a 40-product catalog, 30 products each.
    let capped = SyncOptions {
        max_products: 50,
        ..options(30, 1)
    };
    let run = simulate(
        start(capped, SyncScope::Full),
        |out| match out.request.kind {
            RequestKind::Page => body(page_body(0, 30, 40, 40)),
            _ => clean(40)(out),
        },
        fixed(1.0),
    );
    let error = run.result.unwrap_err();
    assert_eq!(error.code().as_str(), "SOURCE_TOO_LARGE");
    assert_eq!(error.details()["option"], "maxProducts");
}

#[test]
fn redirects_are_followed_inside_the_source_origin_only() {
    // Inside: followed at once, a request but not a retry, the body kept under the planned request.
    let run = simulate(
        start(options(30, 4), SyncScope::Full),
        |out| {
            if out.request.url.contains("skip=30") && !out.request.url.contains("moved") {
                SourceAnswer::Redirect {
                    status: 301,
                    location: format!("{}&moved", out.request.url),
                }
            } else {
                clean(60)(out)
            }
        },
        fixed(1.0),
    );
    let fetched = run.result.unwrap();
    assert_eq!(ids_of(&fetched).len(), 60);
    assert_eq!((run.stats.requests, run.stats.retries), (4, 0));
    let hop = run
        .sent
        .iter()
        .find(|(_, out)| out.request.url.ends_with("&moved"))
        .unwrap();
    assert_eq!(hop.1.attempt, 1);

    // Out of the origin (another port, host or scheme): refused, naming both URLs.
    for target in [
        "http://127.0.0.1:4011/products",
        "http://localhost:4010/products",
        "https://127.0.0.1:4010/products",
        "http://169.254.169.254/latest/meta-data",
    ] {
        let run = simulate(
            start(options(30, 4), SyncScope::Full),
            move |out| match out.request.kind {
                RequestKind::Page => SourceAnswer::Redirect {
                    status: 302,
                    location: target.to_string(),
                },
                _ => clean(10)(out),
            },
            fixed(1.0),
        );
        let error = run.result.unwrap_err();
        assert_eq!(error.code().as_str(), "SOURCE_REDIRECT_REFUSED");
        let message = error.to_string();
        assert!(
            message.starts_with(&format!("GET {SOURCE}/products?limit=30&skip=0")),
            "{message}"
        );
        assert!(
            message.contains(&format!(
                "redirected to {target}, outside the source's origin {SOURCE}"
            )),
            "{message}"
        );
        assert_eq!(run.sent.len(), 1, "nothing is sent to {target}");
    }

    // A loop inside the origin: at most three hops.
    let run = simulate(
        start(options(30, 4), SyncScope::Full),
        |out| match out.request.kind {
            RequestKind::Page => SourceAnswer::Redirect {
                status: 307,
                location: format!("{SOURCE}/redirect"),
            },
            _ => clean(10)(out),
        },
        fixed(1.0),
    );
    let error = run.result.unwrap_err();
    assert_eq!(error.code().as_str(), "SOURCE_REDIRECT_REFUSED");
    assert!(error.to_string().contains("redirected more than 3 times"));
    let page_requests = run
        .sent
        .iter()
        .filter(|(_, out)| out.request.kind == RequestKind::Page)
        .count();
    assert_eq!(page_requests, 4);
}

#[test]
fn the_deadline_ends_the_fetch_when_it_passes() {
    let short = SyncOptions {
        run_timeout_ms: 3_000,
        ..options(30, 4)
    };
    // A source that keeps asking to come back later: the fetch fails at the deadline, not after the retries.
    let run = simulate(
        start(short.clone(), SyncScope::Full),
        |_| SourceAnswer::Http {
            status: 429,
            retry_after: Some("2".to_string()),
        },
        fixed(10.0),
    );
    let error = run.result.unwrap_err();
    assert_eq!(error.code().as_str(), "RUN_TIMEOUT");
    assert_eq!(
        error.to_string(),
        "the run reached its deadline (runTimeoutMs: 3000 ms) while fetching the source: nothing was written"
    );
    assert_eq!(run.ended_at, START_MS + 3_000.0);
    assert_eq!(error.details()["option"], "runTimeoutMs");
    // A source that answers slowly: the deadline is checked between answers.
    let one_at_a_time = SyncOptions {
        concurrency: 1,
        ..short.clone()
    };
    let run = simulate(
        start(one_at_a_time, SyncScope::Full),
        clean(194),
        fixed(900.0),
    );
    assert_eq!(run.result.unwrap_err().code().as_str(), "RUN_TIMEOUT");
    assert!(run.ended_at <= START_MS + 3_600.0);
    // An answer that takes longer than the time left (within requestTimeoutMs): the fetch fails at the deadline,
    // not when the answer comes.
    let run = simulate(start(short, SyncScope::Full), clean(194), fixed(8_000.0));
    assert_eq!(run.result.unwrap_err().code().as_str(), "RUN_TIMEOUT");
    assert_eq!(run.ended_at, START_MS + 3_000.0);
}

#[test]
fn a_wait_for_answers_ends_at_the_deadline_once_it_is_nearer_than_the_request_timeout() {
    // One page in flight (concurrency 1, requestTimeoutMs 10,000), polled again `after` ms into the run.
    let wait = |run_timeout_ms: u32, after: f64| {
        let mut machine = SourceFetch::new(start(
            SyncOptions {
                run_timeout_ms,
                ..options(30, 1)
            },
            SyncScope::Full,
        ))
        .unwrap();
        assert!(matches!(machine.poll(START_MS), FetchStep::Send(_)));
        machine.poll(START_MS + after)
    };
    // Far from the deadline, only the answer is awaited: it comes within 10 s, before the deadline.
    assert_eq!(wait(60_000, 1.0), FetchStep::Wait { until_ms: None });
    assert_eq!(wait(60_000, 49_999.0), FetchStep::Wait { until_ms: None });
    // Nearer than the request timeout, the wait ends at the deadline.
    let at_deadline = FetchStep::Wait {
        until_ms: Some(START_MS + 60_000.0),
    };
    assert_eq!(wait(60_000, 50_000.0), at_deadline);
    assert_eq!(
        wait(5_000, 1.0),
        FetchStep::Wait {
            until_ms: Some(START_MS + 5_000.0)
        }
    );
}

#[test]
fn an_answer_for_a_request_not_in_flight_is_a_host_error() {
    let mut machine = SourceFetch::new(start(options(30, 4), SyncScope::Full)).unwrap();
    machine.handle(7, SourceAnswer::Timeout, START_MS);
    match machine.poll(START_MS) {
        FetchStep::Failed(error) => assert_eq!(error.code().as_str(), "INVALID_INPUT"),
        other => panic!("{other:?}"),
    }
}

/// A transient fault an attempt can meet.
#[derive(Debug, Clone, Copy)]
enum Fault {
    None,
    Status500,
    Status429,
    Network,
    Timeout,
    Truncated,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        4 => Just(Fault::None),
        1 => Just(Fault::Status500),
        1 => Just(Fault::Status429),
        1 => Just(Fault::Network),
        1 => Just(Fault::Timeout),
        1 => Just(Fault::Truncated),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn transient_faults_change_nothing_but_the_counts(
        total in 0u32..300,
        page_size in 1u32..60,
        concurrency in 1u32..8,
        faults in proptest::collection::vec(fault(), 64),
        latencies in proptest::collection::vec(1u32..50, 64),
    ) {
        let options = SyncOptions { max_retries: 10, ..options(page_size, concurrency) };
        let mut attempts: BTreeMap<u32, u32> = BTreeMap::new();
        let mut clean = clean(total);
        let turn = std::cell::Cell::new(0usize);
        let run = simulate(
            start(options, SyncScope::Full),
            |out| {
                *attempts.entry(out.id).or_default() += 1;
                turn.set(turn.get() + 1);
                // Faults only on the first three attempts, so every request gets through within its retries.
                let fault = if out.attempt <= 3 { faults[(out.id as usize * 7 + out.attempt as usize) % faults.len()] } else { Fault::None };
                match fault {
                    Fault::None => clean(out),
                    Fault::Status500 => SourceAnswer::Http { status: 500, retry_after: None },
                    Fault::Status429 => SourceAnswer::Http { status: 429, retry_after: Some("1".into()) },
                    Fault::Network => SourceAnswer::Network { message: "ECONNRESET".into() },
                    Fault::Timeout => SourceAnswer::Timeout,
                    Fault::Truncated => match clean(out) {
                        SourceAnswer::Body { body } => SourceAnswer::Body { body: body[..body.len() / 2].to_string() },
                        other => other,
                    },
                }
            },
            |out| f64::from(latencies[(out.id as usize + turn.get()) % latencies.len()]),
        );
        let fetched = run.result.unwrap();
        prop_assert_eq!(ids_of(&fetched), (1..=u64::from(total)).collect::<Vec<_>>());
        let pages = if total == 0 { 1 } else { total.div_ceil(page_size) };
        prop_assert_eq!(fetched.pages_total, pages);
        prop_assert_eq!(run.max_undelivered, 1);
        prop_assert!(run.max_in_flight <= concurrency as usize);
        let sends: u32 = attempts.values().sum();
        prop_assert_eq!(run.stats.requests, sends as usize);
        prop_assert_eq!(run.stats.retries, (sends as usize) - attempts.len());
        prop_assert_eq!(run.stats.pages_fetched, pages as usize);
        // An attempt's number is its count so far, and no retry goes out before the one before it was answered.
        for (_, out) in &run.sent {
            prop_assert!(out.attempt >= 1);
        }
    }

    #[test]
    fn a_request_that_never_succeeds_fails_the_fetch_and_nothing_is_sent_after(
        total in 31u32..300,
        broken_page in 1u32..10,
        concurrency in 1u32..8,
    ) {
        let pages = total.div_ceil(30);
        let broken = (broken_page % pages) * 30;
        let mut clean = clean(total);
        let run = simulate(
            start(options(30, concurrency), SyncScope::Full),
            |out| if out.request.kind == RequestKind::Page && out.request.skip == broken {
                SourceAnswer::Http { status: 502, retry_after: None }
            } else {
                clean(out)
            },
            |out| f64::from(1 + out.id % 5),
        );
        let error = run.result.unwrap_err();
        prop_assert_eq!(error.code().as_str(), "SOURCE_UNAVAILABLE");
        let skip_param = format!("skip={broken}&");
        prop_assert!(error.to_string().contains(&skip_param));
        prop_assert!(run.max_in_flight <= concurrency as usize);
        prop_assert!(run.sent.iter().all(|(at, _)| *at <= run.ended_at));
    }
}
