//! `planCatalog`, run as WebAssembly: the plan kept inside WebAssembly gives, batch by batch, exactly the plan
//! of the core (`plan::plan_sync`, on the same input), and its summary has the same counts, completeness and
//! errors.
//!
//! Runs in Node and in headless Chromium like `wasm_boundary.rs` (see there for the commands).
#![cfg(target_arch = "wasm32")]

mod wasm_support;

use catalog_sync::plan::{plan_sync, PlanInput};
use catalog_sync::wasm;
use js_sys::Reflect;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;
use wasm_support::{js, json_of, parsed};

fn product(id: u64, price: Value) -> Value {
    json!({
        "id": id, "title": format!("Product {}", id % 4), "description": format!("Product {id}"),
        "category": "beauty", "price": price, "stock": id, "tags": ["beauty"], "sku": format!("SKU-{id}"),
        "weight": 2, "dimensions": { "width": 1.5, "height": 2.5, "depth": 3.5 }, "rating": 4.5,
        "meta": { "barcode": format!("BAR-{id}") }, "images": [format!("https://img.test/{id}.webp")],
        "thumbnail": format!("https://img.test/{id}-thumb.webp")
    })
}

fn owned(id: &str, source_id: u64, status: &str) -> Value {
    json!({
        "id": id, "externalId": format!("dummyjson:{source_id}"), "handle": format!("owned-{source_id}"),
        "status": status, "fingerprint": "stale", "imagesFingerprint": "stale",
        "variantId": format!("variant_{id}"),
        "prices": [{ "id": format!("price_{id}"), "currency_code": "usd", "amount": 1 }]
    })
}

/// A plan with every kind of batch: 9 products (one invalid), three of them owned (one owned twice, so one
/// copy is deleted) and two owned products missing upstream (archived: `maxRemovalRatio` 1 lets 2 of 5 owned
/// products go), in batches of 2.
fn input() -> Value {
    let products: Vec<Value> = (1..=9)
        .map(|id| {
            product(
                id,
                if id == 6 {
                    json!("abc")
                } else {
                    json!(10.5 + id as f64)
                },
            )
        })
        .collect();
    let page = json!({ "products": products, "total": 9, "skip": 0, "limit": 9 }).to_string();
    let options = json_of(
        &wasm::validate_options(js(json!({ "batchSize": 2, "maxRemovalRatio": 1 })), None).unwrap(),
    );
    json!({
        "options": options, "pages": [page], "scope": { "kind": "full" },
        "categories": [{ "id": "pcat_beauty", "handle": "beauty", "name": "Beauty" }],
        "tags": [{ "id": "ptag_beauty", "value": "beauty" }],
        "owned": [
            owned("prod_01", 1, "published"), owned("prod_02", 2, "draft"), owned("prod_03", 3, "published"),
            owned("prod_09", 3, "published"), owned("prod_20", 20, "published"), owned("prod_21", 21, "published")
        ],
        "takenHandles": ["product-1"], "salesChannelId": "sc_1"
    })
}

/// The core's plan of the same input, read back like the batches (so that numbers compare as JavaScript sees
/// them: JSON `2.0` is the number 2).
fn full_plan() -> Value {
    let input: PlanInput = serde_json::from_value(input()).expect("a PlanInput");
    parsed(&serde_json::to_string(&plan_sync(&input)).unwrap())
}

#[wasm_bindgen_test]
fn every_batch_equals_the_core_plans() {
    let expected = full_plan();
    let expected_batches = expected["batches"].as_array().unwrap();
    let kinds: Vec<&str> = expected_batches
        .iter()
        .map(|b| b["kind"].as_str().unwrap())
        .collect();
    for kind in ["create", "update", "archive", "delete"] {
        assert!(
            kinds.contains(&kind),
            "the test plan has a {kind} batch: {kinds:?}"
        );
    }
    let plan = wasm::plan_catalog(js(input())).unwrap();
    assert_eq!(plan.batch_count().unwrap(), expected_batches.len());
    for (i, batch) in expected_batches.iter().enumerate() {
        // Parsed as the host parses it (JavaScript numbers: the text's 2.0 is 2).
        let pulled = parsed(&plan.batch_json(i as f64).unwrap());
        assert_eq!(&pulled, batch, "batchJson {i}");
    }
}

#[wasm_bindgen_test]
fn summary_has_the_plans_counts_errors_and_batch_outline() {
    let expected = full_plan();
    let plan = wasm::plan_catalog(js(input())).unwrap();
    let summary = json_of(&plan.summary().unwrap());
    assert_eq!(summary["counts"], expected["counts"]);
    assert_eq!(summary["completeness"], expected["completeness"]);
    assert_eq!(summary["errors"], expected["errors"]);
    assert_eq!(summary["errors"][0]["source_id"], json!(6));
    let outline: Vec<Value> = expected["batches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|batch| {
            let source_ids: Vec<Value> = match batch["products"].as_array() {
                Some(products) => products
                    .iter()
                    .map(|p| p["metadata"]["catalog_sync_source_id"].clone())
                    .collect(),
                None => batch["sourceIds"].as_array().unwrap().clone(),
            };
            json!({ "kind": batch["kind"], "index": batch["index"], "len": source_ids.len(), "sourceIds": source_ids })
        })
        .collect();
    assert_eq!(summary["batches"], Value::Array(outline));
    assert_eq!(
        summary.as_object().unwrap().keys().collect::<Vec<_>>(),
        vec![
            "batches",
            "completeness",
            "counts",
            "errors",
            "heldRemovals",
            "stock"
        ],
        "no batch contents in the summary"
    );
    assert_eq!(summary["heldRemovals"], json!([]));
    assert_eq!(summary["stock"], expected["stock"]);
}

#[wasm_bindgen_test]
fn a_missing_batch_throws_invalid_input() {
    let plan = wasm::plan_catalog(js(input())).unwrap();
    let count = plan.batch_count().unwrap();
    let refusals = [count as f64, -1.0, 0.5, f64::NAN]
        .into_iter()
        .map(|position| {
            (
                "CatalogPlan.batchJson",
                position,
                plan.batch_json(position).unwrap_err(),
            )
        });
    for (function, position, error) in refusals {
        let code = Reflect::get(&error, &JsValue::from_str("code")).unwrap();
        assert_eq!(
            code.as_string().as_deref(),
            Some("INVALID_INPUT"),
            "{function} {position}"
        );
        let details = json_of(&Reflect::get(&error, &JsValue::from_str("details")).unwrap());
        assert_eq!(details["function"], json!(function));
        assert!(
            details["reason"]
                .as_str()
                .unwrap()
                .contains(&format!("the batches at hand are 0 to {}", count - 1)),
            "{details}"
        );
    }
}

#[wasm_bindgen_test]
fn plan_catalog_with_a_wrong_shape_throws_invalid_input() {
    let error = wasm::plan_catalog(js(json!({ "pages": [], "scope": { "kind": "full" } })))
        .err()
        .expect("a wrong shape is refused");
    let code = Reflect::get(&error, &JsValue::from_str("code")).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("INVALID_INPUT"));
    let details = json_of(&Reflect::get(&error, &JsValue::from_str("details")).unwrap());
    assert_eq!(details["function"], json!("planCatalog"));
}
