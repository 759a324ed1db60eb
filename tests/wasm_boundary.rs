//! The exported boundary, run as WebAssembly: options, fetch planning, retries, webhooks, thrown errors and
//! the async call into an injected JavaScript host function.
//!
//! The same file runs in Node and in headless Chromium (no `wasm_bindgen_test_configure!`, so the runner picks
//! the environment): `wasm-pack test --node -- --test 'wasm_*'` and
//! `WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver -- --test 'wasm_*'`.
#![cfg(target_arch = "wasm32")]

mod wasm_support;

use catalog_sync::wasm;
use js_sys::{Function, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;
use wasm_support::{js, json_of};

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).expect("readable property")
}

/// Asserts that a call threw a real `Error` with the given `.code`, and returns it.
fn thrown(result: Result<impl std::fmt::Debug, JsValue>, code: &str) -> JsValue {
    let error = result.expect_err("the call must throw");
    assert!(
        error.is_instance_of::<js_sys::Error>(),
        "thrown value is not an Error: {error:?}"
    );
    assert_eq!(
        get(&error, "code").as_string().as_deref(),
        Some(code),
        "{error:?}"
    );
    assert!(
        get(&error, "details").is_object(),
        "details must be an object"
    );
    error
}

fn message(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

fn options(extra: Value) -> JsValue {
    let mut raw = json!({ "sourceUrl": "http://127.0.0.1:4010/", "pageSize": 30 });
    if let (Some(raw), Some(extra)) = (raw.as_object_mut(), extra.as_object()) {
        raw.extend(extra.clone());
    }
    wasm::validate_options(js(raw), None).expect("valid options")
}

#[wasm_bindgen_test]
fn validate_options_fills_defaults_with_null_not_undefined() {
    let result = wasm::validate_options(
        js(json!({ "schedule": false, "currencyCode": "EUR" })),
        None,
    )
    .unwrap();
    assert!(get(&result, "salesChannelId").is_null());
    assert!(get(&result, "schedule").is_null());
    assert!(get(&result, "webhookSecret").is_null());
    assert_eq!(
        json_of(&result),
        json!({
            "sourceUrl": "https://dummyjson.com", "schedule": null, "pageSize": 100, "concurrency": 4, "batchSize": 50,
            "currencyCode": "eur", "salesChannelId": null, "onMissing": "draft", "requestTimeoutMs": 10000,
            "maxRetries": 4, "images": "upload", "imageMaxBytes": 10485760, "stockLocationId": null, "webhookSecret": null,
            "maxRemovalRatio": 0.2,
            "pageMaxBytes": 8388608, "maxProducts": 250000, "maxPages": 10000, "runTimeoutMs": 7200000,
            "maxImagesPerProduct": 20, "imageHosts": [], "previewTtlMs": 3600000
        })
    );
    let undefined_means_default =
        wasm::validate_options(JsValue::UNDEFINED, None).map(|v| json_of(&v));
    assert_eq!(undefined_means_default.unwrap()["pageSize"], json!(100));
}

#[wasm_bindgen_test]
fn the_environment_fallback_fills_an_unset_webhook_secret() {
    let fallbacks = |value: Value| Some(js(value).unchecked_into::<js_sys::Object>());
    let secret = |raw: Value, env: Value| {
        json_of(&wasm::validate_options(js(raw), fallbacks(env)).unwrap())["webhookSecret"].clone()
    };
    assert_eq!(
        secret(json!({}), json!({ "webhookSecret": "from-env" })),
        json!("from-env")
    );
    assert_eq!(
        secret(
            json!({ "webhookSecret": "from-config" }),
            json!({ "webhookSecret": "from-env" })
        ),
        json!("from-config")
    );
    assert_eq!(
        secret(json!({}), json!({ "webhookSecret": "" })),
        Value::Null
    );
    assert_eq!(secret(json!({}), json!({})), Value::Null);
    thrown(
        wasm::validate_options(js(json!({})), fallbacks(json!({ "webhookSecret": 5 }))),
        "INVALID_INPUT",
    );
}

#[wasm_bindgen_test]
fn invalid_option_throws_error_with_code_and_details() {
    let error = thrown(
        wasm::validate_options(js(json!({ "pageSize": "abc" })), None),
        "INVALID_OPTION",
    );
    assert_eq!(
        message(&error),
        "catalog-sync option \"pageSize\" must be an integer between 1 and 1000 (got \"abc\")"
    );
    assert_eq!(
        json_of(&get(&error, "details")),
        json!({ "option": "pageSize", "value": "abc" })
    );
    thrown(
        wasm::validate_options(js(json!({ "onMissing": "archive" })), None),
        "INVALID_OPTION",
    );
    thrown(
        wasm::validate_options(js(json!({ "schedule": "61 * * * *" })), None),
        "INVALID_OPTION",
    );
}

#[wasm_bindgen_test]
fn wrong_input_shape_throws_invalid_input_with_path() {
    let input = js(json!({
        "deadline": { "startedAtMs": "soon", "runTimeoutMs": 1000 }, "nowMs": 0, "phase": "write"
    }));
    let error = thrown(wasm::check_run_deadline(input), "INVALID_INPUT");
    let details = json_of(&get(&error, "details"));
    assert_eq!(details["function"], json!("checkRunDeadline"));
    assert_eq!(details["path"], json!("deadline.startedAtMs"));
    assert!(
        message(&error).starts_with("checkRunDeadline: invalid input at \"deadline.startedAtMs\""),
        "{}",
        message(&error)
    );
}

#[wasm_bindgen_test]
fn the_run_deadline_is_checked_by_the_core() {
    let check = |now: f64| {
        json_of(
            &wasm::check_run_deadline(js(json!({
                "deadline": { "startedAtMs": 1_700_000_000_000u64, "runTimeoutMs": 3000 },
                "nowMs": now, "phase": "write"
            })))
            .unwrap(),
        )
    };
    assert_eq!(check(1_700_000_002_999.0), Value::Null);
    assert_eq!(
        check(1_700_000_003_000.0),
        json!({ "phase": "write", "runTimeoutMs": 3000,
                "message": "the run reached its deadline (runTimeoutMs: 3000 ms) while writing products: it stopped at a batch boundary; the next sync writes what is left" })
    );
}

#[wasm_bindgen_test]
fn addresses_are_classified_by_the_core() {
    let class = |address: &str| json_of(&wasm::classify_address(address).unwrap());
    assert_eq!(class("93.184.216.34"), json!("public"));
    assert_eq!(class("127.0.0.2"), json!("loopback"));
    assert_eq!(class("::ffff:127.0.0.1"), json!("loopback"));
    assert_eq!(class("[::ffff:a9fe:a9fe]"), json!("link-local"));
    assert_eq!(class("100.64.0.1"), json!("shared-cgnat"));
    assert_eq!(class("fd00::1"), json!("private"));
    assert_eq!(class("localhost"), json!("unrecognized"));
}

#[wasm_bindgen_test]
fn webhook_signature_is_verified_over_raw_bytes() {
    // Vectors computed with `openssl dgst -sha256 -hmac whsec_test_secret` over `1700000000.<body>`.
    let verdict = |body: &[u8], signature: &str, now: u64| {
        let input = js(json!({
            "secret": "whsec_test_secret", "bodyLength": body.len(), "nowSeconds": now,
            "headers": { "x-webhook-timestamp": "1700000000", "x-webhook-signature": signature }
        }));
        Reflect::set(
            &input,
            &JsValue::from_str("body"),
            &js_sys::Uint8Array::from(body),
        )
        .unwrap();
        json_of(&wasm::check_webhook(input).unwrap())
    };
    let refusal = |verdict: Value| (verdict["status"].clone(), verdict["code"].clone());
    let body = br#"{"product_ids":[12,13]}"#;
    let good = "009a4da3789711cff330e7a5db3bf53fa0d9476a4e580631b5475d401267c90e";
    assert_eq!(
        verdict(body, good, 1_700_000_100)["kind"],
        json!("accepted")
    );
    let bad = "109a4da3789711cff330e7a5db3bf53fa0d9476a4e580631b5475d401267c90e";
    assert_eq!(
        refusal(verdict(body, bad, 1_700_000_100)),
        (json!(401), json!("WEBHOOK_SIGNATURE_MISMATCH"))
    );
    assert_eq!(
        refusal(verdict(body, good, 1_700_000_301)),
        (json!(401), json!("WEBHOOK_TIMESTAMP_STALE"))
    );
    let missing = verdict(body, "", 1_700_000_000);
    assert_eq!(
        refusal(missing.clone()),
        (json!(401), json!("WEBHOOK_SIGNATURE_MISSING"))
    );
    assert_eq!(
        missing["message"],
        json!("webhook header x-webhook-signature is missing")
    );
    assert_eq!(
        refusal(verdict(body, "zz", 1_700_000_000)),
        (json!(401), json!("WEBHOOK_SIGNATURE_MALFORMED"))
    );

    let deleted = br#"{"product_ids":[12,13,12],"event":"product.deleted"}"#;
    let signed = "a2274521ae162cbafff70342ab549e9294671c917e19f95cf1b6c1e7b28a778f";
    assert_eq!(
        verdict(deleted, signed, 1_700_000_000),
        json!({ "kind": "accepted", "productIds": [12, 13], "event": "product.deleted",
                "replayKey": signed, "rememberUntilSeconds": 1_700_000_360u64 })
    );
    let zero = br#"{"product_ids":[0]}"#;
    let signed = "73f80cd0cf8a18df4098040a4218fecc98238f0a54ce907f6eb02ec7dbee1f9a";
    assert_eq!(
        refusal(verdict(zero, signed, 1_700_000_000)),
        (json!(400), json!("WEBHOOK_BODY_INVALID"))
    );
}

#[wasm_bindgen_test]
fn check_webhook_reads_node_style_headers_and_a_byte_body() {
    // Signature of `1700000000.{"product_ids":[12,13]}` under whsec_test_secret (Python hmac and Node crypto).
    let signature = "009a4da3789711cff330e7a5db3bf53fa0d9476a4e580631b5475d401267c90e";
    let body = br#"{"product_ids":[12,13]}"#;
    let request = |headers: Value, body: &[u8], length: usize| {
        let input = js(
            json!({ "secret": "whsec_test_secret", "headers": headers, "bodyLength": length,
                               "nowSeconds": 1_700_000_030.5 }),
        );
        Reflect::set(
            &input,
            &JsValue::from_str("body"),
            &js_sys::Uint8Array::from(body),
        )
        .unwrap();
        json_of(&wasm::check_webhook(input).unwrap())
    };
    let headers = json!({ "x-webhook-timestamp": "1700000000", "x-webhook-signature": signature,
                          "content-type": "application/json", "set-cookie": ["a=1", "b=2"] });
    assert_eq!(
        request(headers.clone(), body, body.len()),
        json!({ "kind": "accepted", "productIds": [12, 13], "event": "product.updated",
                "replayKey": signature, "rememberUntilSeconds": 1_700_000_360u64 })
    );
    assert_eq!(
        request(
            json!({ "x-webhook-timestamp": "1700000000", "x-webhook-signature": [signature, signature] }),
            body,
            body.len()
        ),
        json!({ "kind": "refused", "status": 401, "code": "WEBHOOK_SIGNATURE_MALFORMED",
                "message": "webhook header x-webhook-signature is malformed: sent more than once" })
    );
    assert_eq!(request(headers, &body[..10], 70_000)["status"], json!(413));
    let limit = wasm::webhook_body_limit().unwrap();
    assert_eq!(limit, 65_536.0);
    thrown(
        wasm::check_webhook(js(json!({ "headers": {} }))),
        "INVALID_INPUT",
    );
}

#[wasm_bindgen_test]
fn queued_ids_merge_into_a_sorted_union() {
    let merged =
        wasm::merge_queued_ids(js(json!({ "queued": [13, 12], "incoming": [40, 12] }))).unwrap();
    assert_eq!(json_of(&merged), json!([12, 13, 40]));
    thrown(
        wasm::merge_queued_ids(js(json!({ "queued": [-1], "incoming": [] }))),
        "INVALID_INPUT",
    );
}

/// A source host written in JavaScript: `fetchPage` serves a `total`-product catalog page by page after a short
/// `setTimeout` (or misbehaves as `behaviour` says), recording every request, its limits and the largest number
/// of attempts pending at once in `state`; `onBody` keeps each body by kind and position (with the attempts
/// pending when it came, and the `skip` of the answer object it came with), `sleep`, `now` and `onProgress` record
/// their calls too.
fn source_host(state: &JsValue, total: u32, behaviour: &str) -> JsValue {
    let factory = Function::new_with_args(
        "state, total, behaviour",
        r#"
        const page = (request) => {
          const products = [];
          for (let i = request.skip; i < Math.min(total, request.skip + request.limit); i++) {
            products.push({ id: i + 1, title: "Product " + (i + 1), price: 1 });
          }
          return JSON.stringify({ products, total, skip: request.skip, limit: products.length });
        };
        return {
          fetchPage: async (request, limits) => {
            state.calls.push({ request, timeoutMs: limits.timeoutMs, maxBytes: limits.maxBytes, attempt: limits.attempt });
            state.signals.push(limits.signal);
            state.inFlight += 1;
            state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
            const slow = behaviour === "slow" && request.skip > 30;
            await new Promise((resolve) => setTimeout(resolve, slow ? 100 : 2));
            state.inFlight -= 1;
            if (request.kind === "categories") return { kind: "body", body: "[]" };
            if (behaviour === "reject" && request.skip > 0) throw new Error("socket hang up");
            if (behaviour === "shape") return 42;
            if (behaviour === "retry" && request.skip === 60 && limits.attempt === 1) {
              return { kind: "http", status: 503, retryAfter: null };
            }
            if (behaviour === "slow" && request.skip === 30) return { kind: "http", status: 404, retryAfter: null };
            if (behaviour === "large" && request.skip > 0) return { kind: "tooLarge" };
            if (behaviour === "redirect" && request.skip > 0) {
              return { kind: "redirect", status: 302, location: "http://127.0.0.2:4010/products" };
            }
            // A host's own field on its answer: it comes back to onBody with the body.
            return { kind: "body", body: page(request), sentSkip: request.skip };
          },
          sleep: (ms, signal) => {
            state.sleeps.push(ms);
            return new Promise((resolve) => setTimeout(resolve, ms));
          },
          now: () => Date.now(),
          onBody: ({ kind, position, body }, answer) => {
            if (behaviour === "keepFails") throw new Error("disk full");
            state.bodies[kind][position] = body;
            state.pendingAtBody.push(state.inFlight);
            state.answers.push({ position, skip: answer.sentSkip, sameBody: answer.body === body });
          },
          onProgress: (stats) => state.progress.push(stats),
        };"#,
    );
    factory
        .call3(
            &JsValue::UNDEFINED,
            state,
            &JsValue::from(total),
            &JsValue::from_str(behaviour),
        )
        .expect("factory runs")
}

fn host_state() -> JsValue {
    js(
        json!({ "calls": [], "signals": [], "sleeps": [], "progress": [], "inFlight": 0, "maxInFlight": 0,
                "bodies": { "page": [], "product": [] }, "pendingAtBody": [], "answers": [] }),
    )
}

fn fetch_start(options: JsValue) -> JsValue {
    let start = js(
        json!({ "scope": { "kind": "full" }, "runId": "csrun_wasm", "startedAtMs": js_sys::Date::now() }),
    );
    Reflect::set(&start, &JsValue::from_str("options"), &options).unwrap();
    start
}

#[wasm_bindgen_test]
async fn fetch_source_drives_the_core_state_machine_through_the_host() {
    let state = host_state();
    let options = options(json!({ "pageSize": 30, "concurrency": 3 }));
    let fetched = wasm::fetch_source(fetch_start(options), source_host(&state, 194, "retry"))
        .await
        .unwrap();
    let fetched = json_of(&fetched);
    assert_eq!(fetched["pagesTotal"], json!(7));
    assert_eq!(fetched["categoriesBody"], json!("[]"));
    assert_eq!(fetched.get("pages"), None, "the bodies went to onBody");
    let kept = json_of(&get(&state, "bodies"));
    assert_eq!(kept["product"], json!([]));
    // Each body comes with the very answer object the host resolved it in (the page of 60 after its retry too).
    let answers = json_of(&get(&state, "answers"));
    let answers = answers.as_array().unwrap();
    assert_eq!(answers.len(), 7);
    for answer in answers {
        assert_eq!(
            answer["skip"],
            json!(answer["position"].as_u64().unwrap() * 30),
            "{answer}"
        );
        assert_eq!(answer["sameBody"], json!(true), "{answer}");
    }
    let mut ids = Vec::new();
    for page in kept["page"].as_array().unwrap() {
        let page: Value = serde_json::from_str(page.as_str().unwrap()).unwrap();
        ids.extend(
            page["products"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_u64().unwrap()),
        );
    }
    assert_eq!(
        ids,
        (1..=194).collect::<Vec<u64>>(),
        "every product once, in order"
    );
    let state = json_of(&state);
    assert!(
        state["pendingAtBody"]
            .as_array()
            .unwrap()
            .iter()
            .any(|pending| pending.as_u64() > Some(0)),
        "bodies are handed over while other attempts are pending, not at the end: {}",
        state["pendingAtBody"]
    );
    let calls = state["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 9, "7 pages, the category list and one retry");
    assert_eq!(calls[0]["request"]["skip"], json!(0));
    assert_eq!(calls[0]["timeoutMs"], json!(10_000));
    assert_eq!(calls[0]["maxBytes"], json!(8 * 1024 * 1024));
    let retried: Vec<&Value> = calls
        .iter()
        .filter(|c| c["request"]["skip"] == json!(60))
        .collect();
    assert_eq!(retried.len(), 2);
    assert_eq!(retried[1]["attempt"], json!(2));
    assert_eq!(
        state["sleeps"].as_array().unwrap().len(),
        1,
        "one backoff, and no other wait"
    );
    assert!(state["sleeps"][0].as_f64().unwrap() <= 200.0);
    assert_eq!(
        state["maxInFlight"],
        json!(3),
        "at most `concurrency` attempts pending, and the window is used"
    );
    let last = state["progress"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        last,
        json!({ "requests": 9, "retries": 1, "pagesTotal": 7, "pagesFetched": 7 })
    );
}

#[wasm_bindgen_test]
async fn a_failed_fetch_aborts_the_attempts_in_flight_and_names_the_url() {
    let state = host_state();
    let options = options(json!({ "pageSize": 30, "concurrency": 4 }));
    let failed = wasm::fetch_source(fetch_start(options), source_host(&state, 300, "slow")).await;
    let error = thrown(failed, "SOURCE_HTTP_ERROR");
    assert!(
        message(&error).contains("skip=30&") && message(&error).ends_with("HTTP 404"),
        "{}",
        message(&error)
    );
    let signals = get(&state, "signals").unchecked_into::<js_sys::Array>();
    assert!(signals.length() > 1);
    for signal in signals.iter() {
        assert_eq!(
            get(&signal, "aborted").as_bool(),
            Some(true),
            "nothing outlives the fetch"
        );
    }
    assert_eq!(
        json_of(&state)["inFlight"],
        json!(0),
        "every attempt was awaited"
    );
}

#[wasm_bindgen_test]
async fn fetch_source_reports_bounds_and_host_failures_as_coded_errors() {
    let options = options(json!({ "pageSize": 30 }));
    let run = |behaviour: &'static str| {
        wasm::fetch_source(
            fetch_start(options.clone()),
            source_host(&host_state(), 100, behaviour),
        )
    };
    let error = thrown(run("reject").await, "HOST_CALL_FAILED");
    assert!(
        message(&error).contains("socket hang up"),
        "{}",
        message(&error)
    );
    assert_eq!(
        json_of(&get(&error, "details"))["url"]
            .as_str()
            .map(|u| u.contains("skip=30")),
        Some(true)
    );
    thrown(run("shape").await, "HOST_CALL_FAILED");
    let error = thrown(run("keepFails").await, "HOST_CALL_FAILED");
    assert!(message(&error).contains("disk full"), "{}", message(&error));
    assert_eq!(
        json_of(&get(&error, "details"))["function"],
        json!("onBody")
    );
    let error = thrown(run("large").await, "SOURCE_ANSWER_TOO_LARGE");
    assert!(message(&error).contains("pageMaxBytes (8388608 bytes)"));
    let error = thrown(run("redirect").await, "SOURCE_REDIRECT_REFUSED");
    assert!(
        message(&error).contains("outside the source's origin http://127.0.0.1:4010"),
        "{}",
        message(&error)
    );
    let host = source_host(&host_state(), 100, "ok");
    Reflect::set(&host, &JsValue::from_str("sleep"), &JsValue::from(5)).unwrap();
    thrown(
        wasm::fetch_source(fetch_start(options.clone()), host).await,
        "INVALID_INPUT",
    );
    let late = js(json!({ "scope": { "kind": "full" }, "runId": "r", "startedAtMs": 0 }));
    Reflect::set(&late, &JsValue::from_str("options"), &options).unwrap();
    thrown(
        wasm::fetch_source(late, source_host(&host_state(), 100, "ok")).await,
        "RUN_TIMEOUT",
    );
}
