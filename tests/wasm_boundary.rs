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
            "sourceUrl": "https://dummyjson.com", "schedule": null, "pageSize": 30, "concurrency": 4, "batchSize": 50,
            "currencyCode": "eur", "salesChannelId": null, "onMissing": "draft", "requestTimeoutMs": 10000,
            "maxRetries": 4, "images": "upload", "imageMaxBytes": 10485760, "stockLocationId": null, "webhookSecret": null,
            "maxRemovalRatio": 0.2
        })
    );
    let undefined_means_default =
        wasm::validate_options(JsValue::UNDEFINED, None).map(|v| json_of(&v));
    assert_eq!(undefined_means_default.unwrap()["pageSize"], json!(30));
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
    let input = js(
        json!({ "options": json_of(&options(json!({}))), "total": "many", "firstPageCount": 30 }),
    );
    let error = thrown(wasm::plan_remaining_pages(input), "INVALID_INPUT");
    let details = json_of(&get(&error, "details"));
    assert_eq!(details["function"], json!("planRemainingPages"));
    assert_eq!(details["path"], json!("total"));
    assert!(
        message(&error).starts_with("planRemainingPages: invalid input at \"total\""),
        "{}",
        message(&error)
    );
}

#[wasm_bindgen_test]
fn page_planning_covers_the_catalog() {
    let options = options(json!({}));
    let first = json_of(&wasm::first_page_request(options.clone()).unwrap());
    assert_eq!(first["kind"], json!("page"));
    assert_eq!(first["productId"], Value::Null);
    let url = first["url"].as_str().unwrap();
    assert!(
        url.starts_with(
            "http://127.0.0.1:4010/products?limit=30&skip=0&select=id,title,description,"
        ),
        "{url}"
    );
    assert!(!url.contains("reviews"));

    let input = js(json!({ "options": json_of(&options), "total": 194, "firstPageCount": 30 }));
    let rest = json_of(&wasm::plan_remaining_pages(input).unwrap());
    let skips: Vec<u64> = rest
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["skip"].as_u64().unwrap())
        .collect();
    assert_eq!(skips, vec![30, 60, 90, 120, 150, 180]);
    assert_eq!(rest[5]["limit"], json!(14));

    let targeted = js(json!({ "options": json_of(&options), "productIds": [12, 13, 12] }));
    let requests = json_of(&wasm::product_requests(targeted).unwrap());
    assert_eq!(requests.as_array().unwrap().len(), 2);
    assert_eq!(requests[1]["productId"], json!(13));
    assert_eq!(requests[1]["kind"], json!("product"));

    let categories = json_of(&wasm::categories_request(options).unwrap());
    assert_eq!(
        categories["url"],
        json!("http://127.0.0.1:4010/products/categories")
    );
}

#[wasm_bindgen_test]
fn page_header_is_read_or_malformed_page_thrown() {
    let header = wasm::read_page_header(
        r#"{"products":[{"id":1},{"id":2}],"total":194,"skip":0,"limit":2}"#,
    )
    .unwrap();
    assert_eq!(
        json_of(&header),
        json!({ "total": 194, "skip": 0, "limit": 2, "count": 2 })
    );
    let error = thrown(
        wasm::read_page_header(r#"{"products":[{"id":1},"#),
        "MALFORMED_PAGE",
    );
    assert!(message(&error).contains("truncated"), "{}", message(&error));
}

#[wasm_bindgen_test]
fn retry_decisions_follow_the_contract() {
    let input = |attempt: u32, outcome: Value| {
        js(
            json!({ "attempt": attempt, "maxRetries": 4, "seed": 99, "nowMs": 1_700_000_000_000u64,
                   "url": "http://127.0.0.1:4010/products?limit=30&skip=60", "outcome": outcome }),
        )
    };
    let retry = json_of(
        &wasm::decide_retry(input(
            1,
            json!({ "kind": "http", "status": 429, "retryAfter": "3" }),
        ))
        .unwrap(),
    );
    assert_eq!(retry, json!({ "action": "retry", "delayMs": 3000 }));
    let again = json_of(
        &wasm::decide_retry(input(2, json!({ "kind": "timeout", "timeoutMs": 10000 }))).unwrap(),
    );
    assert_eq!(again["action"], json!("retry"));
    assert!(again["delayMs"].as_u64().unwrap() <= 400);
    let fail = json_of(
        &wasm::decide_retry(input(
            5,
            json!({ "kind": "http", "status": 503, "retryAfter": null }),
        ))
        .unwrap(),
    );
    assert_eq!(
        fail,
        json!({ "action": "fail", "code": "SOURCE_UNAVAILABLE",
                "message": "GET http://127.0.0.1:4010/products?limit=30&skip=60 failed after 5 attempts: HTTP 503" })
    );
    let not_found = json_of(
        &wasm::decide_retry(input(
            1,
            json!({ "kind": "http", "status": 404, "retryAfter": null }),
        ))
        .unwrap(),
    );
    assert_eq!(not_found["code"], json!("SOURCE_HTTP_ERROR"));
    thrown(
        wasm::decide_retry(input(1, json!({ "kind": "gone" }))),
        "INVALID_INPUT",
    );
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

/// A host `fetchPage` written in JavaScript: serves a `total`-product catalog page by page after a short
/// `setTimeout`, recording every request and the largest number of calls pending at once in `state`.
fn host_fetch_page(state: &JsValue, total: u32, behaviour: &str) -> Function {
    let factory = Function::new_with_args(
        "state, total, behaviour",
        r#"
        return async (request) => {
          state.calls.push(request);
          state.inFlight += 1;
          state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
          await new Promise((resolve) => setTimeout(resolve, 2));
          state.inFlight -= 1;
          if (behaviour === "reject" && request.skip > 0) throw new Error("socket hang up");
          if (behaviour === "number") return 42;
          if (behaviour === "truncate" && request.skip > 0) return '{"products":[{"id":1}';
          const products = [];
          for (let i = request.skip; i < Math.min(total, request.skip + request.limit); i++) {
            products.push({ id: i + 1, title: "Product " + (i + 1), price: 1 });
          }
          return JSON.stringify({ products, total, skip: request.skip, limit: products.length });
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
        .unchecked_into()
}

fn host_state() -> JsValue {
    js(json!({ "calls": [], "inFlight": 0, "maxInFlight": 0 }))
}

#[wasm_bindgen_test]
async fn collect_pages_awaits_the_injected_host_function() {
    let state = host_state();
    let options = options(json!({ "concurrency": 3 }));
    let collected = wasm::collect_pages(options, host_fetch_page(&state, 194, "ok"))
        .await
        .unwrap();
    let collected = json_of(&collected);
    assert_eq!(collected["total"], json!(194));
    assert_eq!(collected["requests"], json!(7));
    let pages = collected["pages"].as_array().unwrap();
    let mut ids = Vec::new();
    for page in pages {
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
    assert_eq!(state["calls"].as_array().unwrap().len(), 7);
    assert_eq!(state["calls"][0]["skip"], json!(0));
    assert_eq!(
        state["maxInFlight"],
        json!(3),
        "at most `concurrency` calls pending, and the window is used"
    );
}

#[wasm_bindgen_test]
async fn collect_pages_reports_host_failures_as_coded_errors() {
    let options = options(json!({}));
    let rejected = wasm::collect_pages(
        options.clone(),
        host_fetch_page(&host_state(), 100, "reject"),
    )
    .await;
    let error = thrown(rejected, "HOST_CALL_FAILED");
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
    let number = wasm::collect_pages(
        options.clone(),
        host_fetch_page(&host_state(), 100, "number"),
    )
    .await;
    let error = thrown(number, "HOST_CALL_FAILED");
    assert!(
        message(&error).contains("got number"),
        "{}",
        message(&error)
    );
    let truncated =
        wasm::collect_pages(options, host_fetch_page(&host_state(), 100, "truncate")).await;
    thrown(truncated, "MALFORMED_PAGE");
}
