//! The planning exports, run as WebAssembly on a small catalog: taxonomy plans, `planCatalog`, batch
//! splitting, write errors and the run report.
//!
//! Runs in Node and in headless Chromium like `wasm_boundary.rs` (see there for the commands).
#![cfg(target_arch = "wasm32")]

mod wasm_support;

use catalog_sync::wasm;
use js_sys::{JsString, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;
use wasm_support::{js, json_of, whole_plan};

fn product(id: u64, title: &str, category: &str, price: Value) -> Value {
    json!({
        "id": id, "title": title, "description": format!("Product {id}"), "category": category, "price": price,
        "discountPercentage": 5.5, "rating": 4.2, "stock": 10 + id, "tags": [category, "sale"],
        "sku": format!("SKU-{id}"), "weight": 2, "dimensions": { "width": 1.5, "height": 2.5, "depth": 3.5 },
        "warrantyInformation": "1 year warranty", "shippingInformation": "Ships overnight",
        "availabilityStatus": "In Stock", "returnPolicy": "30 days return policy", "minimumOrderQuantity": 1,
        "meta": { "barcode": format!("BAR-{id}") }, "images": [format!("https://img.test/{id}.webp")],
        "thumbnail": format!("https://img.test/{id}-thumb.webp")
    })
}

/// One page of five products: two share a title, one has a bad price.
fn page() -> String {
    let products = vec![
        product(1, "Red Lamp", "home-decoration", json!(19.99)),
        product(2, "Red Lamp", "home-decoration", json!(21.5)),
        product(3, "Phone & Case", "mobile-accessories", json!(9.99)),
        product(4, "Broken", "mobile-accessories", json!("abc")),
        product(5, "Phone Case", "mobile-accessories", json!(12)),
    ];
    json!({ "products": products, "total": 5, "skip": 0, "limit": 5 }).to_string()
}

fn options() -> Value {
    json_of(
        &wasm::validate_options(js(json!({ "batchSize": 2, "currencyCode": "EUR" })), None)
            .unwrap(),
    )
}

/// The taxonomy plan of `pages`, read one page at a time, against `store`.
fn taxonomy_plan(pages: &Value, store: Value) -> Value {
    let mut reader = wasm::TaxonomyReader::new();
    for page in pages.as_array().unwrap() {
        reader.read_pages(js(json!([page]))).unwrap();
    }
    json_of(&reader.plan(js(store)).unwrap())
}

/// Runs the taxonomy plan against an empty store and returns the store after "creating" what it asks.
fn store(pages: &Value) -> (Value, Value) {
    let plan = taxonomy_plan(
        pages,
        json!({ "existingCategories": [], "existingTags": [] }),
    );
    let created: Vec<Value> = plan["categories"]["create"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| json!({ "id": format!("pcat_{}", c["handle"].as_str().unwrap()), "handle": c["handle"], "name": c["name"] }))
        .collect();
    let tags: Vec<Value> = plan["tags"]["create"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| json!({ "id": format!("ptag_{}", t["value"].as_str().unwrap()), "value": t["value"] }))
        .collect();
    (Value::Array(created), Value::Array(tags))
}

fn plan() -> Value {
    let pages = json!([page()]);
    let (categories, tags) = store(&pages);
    let input = json!({
        "options": options(), "pages": pages, "scope": { "kind": "full" }, "categories": categories,
        "tags": tags, "owned": [], "takenHandles": ["phone-case"], "salesChannelId": null
    });
    whole_plan(&wasm::plan_catalog(js(input)).unwrap())
}

#[wasm_bindgen_test]
fn the_taxonomy_plan_creates_what_products_use() {
    let pages = json!([page(), "not json", page()]);
    let plan = taxonomy_plan(
        &pages,
        json!({ "existingCategories": [], "existingTags": [{ "id": "t1", "value": "sale" }] }),
    );
    let categories = &plan["categories"];
    let handles: Vec<&str> = categories["create"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["handle"].as_str().unwrap())
        .collect();
    assert_eq!(handles, vec!["home-decoration", "mobile-accessories"]);
    assert_eq!(categories["create"][0]["name"], json!("Home Decoration"));
    assert_eq!(categories["create"][0]["is_active"], json!(true));
    let values: Vec<&str> = plan["tags"]["create"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["value"].as_str().unwrap())
        .collect();
    assert!(
        !values.contains(&"sale"),
        "existing tags are not created again: {values:?}"
    );
    assert!(values.contains(&"home-decoration"));
}

#[wasm_bindgen_test]
fn plan_catalog_creates_valid_products_and_reports_the_bad_one() {
    let plan = plan();
    assert_eq!(plan["counts"]["toCreate"], json!(4));
    assert_eq!(plan["counts"]["rejected"], json!(1));
    let errors = plan["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["source_id"], json!(4));
    assert_eq!(errors[0]["field"], json!("price"));
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("product 4"),
        "{}",
        errors[0]["message"]
    );

    let batches = plan["batches"].as_array().unwrap();
    assert_eq!(batches.len(), 2, "batchSize 2");
    let created: Vec<&Value> = batches
        .iter()
        .flat_map(|b| b["products"].as_array().unwrap())
        .collect();
    let handles: Vec<&str> = created
        .iter()
        .map(|p| p["handle"].as_str().unwrap())
        .collect();
    assert_eq!(
        handles,
        vec!["red-lamp", "red-lamp-2", "phone-case-3", "phone-case-5"]
    );
    assert_eq!(created[0]["category_ids"], json!(["pcat_home-decoration"]));
    assert_eq!(
        created[0]["variants"][0]["prices"],
        json!([{ "currency_code": "eur", "amount": 19.99 }])
    );
    assert!(
        created[0].get("sales_channels").is_none(),
        "no sales channel given"
    );
}

#[wasm_bindgen_test]
fn refused_batches_split_and_report() {
    let plan = plan();
    let batch = plan["batches"][0].clone();
    let halves = json_of(&wasm::split_batch(js(batch.clone())).unwrap());
    assert_eq!(halves.as_array().unwrap().len(), 2);
    let single = halves[0].clone();
    assert_eq!(
        json_of(&wasm::split_batch(js(single.clone())).unwrap()),
        json!([])
    );
    let errors = json_of(
        &wasm::write_error_for(js(
            json!({ "batch": single, "message": "duplicate handle" }),
        ))
        .unwrap(),
    );
    assert_eq!(errors[0]["code"], json!("WRITE_FAILED"));
    assert_eq!(errors[0]["source_id"], json!(1));

    let report = wasm::summarize_run(js(json!({
        "plan": plan,
        "results": [
            { "kind": "create", "index": 0, "written": 1, "failedSourceIds": [1], "errors": errors },
            { "kind": "create", "index": 1, "written": 2, "failedSourceIds": [] }
        ],
        "fetch": { "requests": 1, "retries": 0, "pagesTotal": 1, "pagesFetched": 1 }
    })))
    .unwrap();
    let report = json_of(&report);
    assert_eq!(report["status"], json!("partial"));
    assert_eq!(report["counts"]["created"], json!(3));
    assert_eq!(report["counts"]["failed"], json!(1));
    assert_eq!(report["counts"]["rejected"], json!(1));
    assert_eq!(report["errors"].as_array().unwrap().len(), 2);
}

#[wasm_bindgen_test]
fn plan_catalog_names_a_non_string_body() {
    let error = wasm::plan_catalog(js(json!({ "options": options(), "pages": [1, 2] })))
        .err()
        .expect("a number is not a body");
    let code = Reflect::get(&error, &JsValue::from_str("code")).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("INVALID_INPUT"));
    let details = json_of(&Reflect::get(&error, &JsValue::from_str("details")).unwrap());
    assert_eq!(details["function"], json!("planCatalog"));
    assert_eq!(details["path"], json!("pages[0]"));
}

#[wasm_bindgen_test]
fn bodies_cross_intact_and_the_callers_input_is_untouched() {
    // Multi-byte UTF-8 after a long ASCII run, astral characters, and a title made only of non-ASCII.
    let long_ascii = "x".repeat(5000);
    let titles = [
        format!("{long_ascii} Crème brûlée ☕"),
        "😀 Émoji ünïcödé 😀".to_string(),
        "日本語の商品".to_string(),
    ];
    let products: Vec<Value> = titles
        .iter()
        .enumerate()
        .map(|(i, title)| product(i as u64 + 1, title, "beauty", json!(1)))
        .collect();
    let page = json!({ "products": products, "total": 3, "skip": 0, "limit": 3 }).to_string();
    let input = js(json!({
        "options": options(), "pages": [page], "scope": { "kind": "full" },
        "categories": [{ "id": "c1", "handle": "beauty", "name": "Beauty" }],
        "tags": [{ "id": "t1", "value": "beauty" }, { "id": "t2", "value": "sale" }],
        "owned": [], "takenHandles": [], "salesChannelId": null
    }));
    let plan = whole_plan(&wasm::plan_catalog(input.clone()).unwrap());
    let created: Vec<&str> = plan["batches"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["products"].as_array().unwrap())
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        created,
        titles.iter().map(String::as_str).collect::<Vec<_>>()
    );
    let pages = Reflect::get(&input, &JsValue::from_str("pages")).unwrap();
    assert_eq!(
        json_of(&pages)[0].as_str().map(str::len),
        Some(page.len()),
        "the caller's pages are left as they were"
    );
}

#[wasm_bindgen_test]
fn planners_name_a_non_string_body() {
    let error = wasm::TaxonomyReader::new()
        .read_pages(js(json!(["{}", 7])))
        .unwrap_err();
    let details = json_of(&Reflect::get(&error, &JsValue::from_str("details")).unwrap());
    assert_eq!(
        details,
        json!({ "function": "TaxonomyReader.readPages", "path": "bodies[1]", "reason": "invalid type: number, expected a string" })
    );
    let error = wasm::TaxonomyReader::new()
        .plan(js(json!({ "existingCategories": [] })))
        .unwrap_err();
    let details = json_of(&Reflect::get(&error, &JsValue::from_str("details")).unwrap());
    assert_eq!(details["function"], json!("TaxonomyReader.plan"));
    let error = wasm::preview_taxonomy(js(
        json!({ "pages": "{}", "existingCategories": [], "existingTags": [] }),
    ))
    .unwrap_err();
    let details = json_of(&Reflect::get(&error, &JsValue::from_str("details")).unwrap());
    assert_eq!(details["path"], json!("pages"));
}

#[wasm_bindgen_test]
fn the_store_check_of_a_targeted_run_repairs_only_its_never_finished_products() {
    let stamp = |id: u64, channels: Value| {
        json!({ "id": format!("prod_{id}"), "external_id": format!("dummyjson:{id}"), "handle": format!("p-{id}"),
                "status": "published", "sales_channels": channels, "variants": [] })
    };
    let row = |id: u64, variants: Value, channels: Value| {
        json!({ "id": format!("prod_{id}"), "external_id": format!("dummyjson:{id}"), "handle": format!("p-{id}"),
                "status": "published", "metadata": { "catalog_sync_fingerprint": "f" }, "images": [],
                "sales_channels": channels, "variants": variants })
    };
    let intact = json!([{ "id": "v", "manage_inventory": true, "price_set": { "id": "pset" },
                          "prices": [{ "id": "pr", "currency_code": "usd", "amount": 3 }],
                          "inventory_items": [{ "inventory_item_id": "iitem_2", "inventory": { "id": "iitem_2" } }] }]);
    let creating = |id: u64| {
        json!({ "source": "dummyjson", "source_id": id.to_string(), "state": "creating", "product_id": null,
                "variant_id": null, "inventory_item_id": null, "fingerprint": "f", "images_fingerprint": null,
                "image_ids": null, "product_updated_at": null, "variant_updated_at": null, "run_id": "csrun_0" })
    };
    let stamps = json!([
        stamp(1, json!(["sc_1"])),
        stamp(2, json!([])),
        stamp(3, json!([]))
    ])
    .to_string();
    let ledger = json!([creating(1), creating(3)]).to_string();
    let rows = [
        row(1, json!([]), json!([{ "id": "sc_1" }])),
        row(2, intact, json!([])),
        row(3, json!([]), json!([])),
    ];
    let check = |scope: Value| {
        wasm::StoreCheck::new(
            js(json!({ "runId": "csrun_1", "currencyCode": "usd", "salesChannelId": "sc_1", "scope": scope })),
            JsString::from(ledger.as_str()),
            JsString::from(stamps.as_str()),
        )
        .unwrap()
    };
    let mut targeted = check(json!({ "kind": "targeted", "productIds": [2, 3] }));
    let summary = json_of(&targeted.summary().unwrap());
    assert_eq!(summary["suspectProductIds"], json!(["prod_2", "prod_3"]));
    assert_eq!(summary["unlistedProductIds"], json!(["prod_2", "prod_3"]));
    let repairs = json_of(
        &targeted
            .read_suspects(js(
                json!({ "productIds": ["prod_2", "prod_3"], "rows": [rows[1], rows[2]] }),
            ))
            .unwrap(),
    );
    assert_eq!(repairs["incompleteProductIds"], json!(["prod_3"]));
    assert_eq!(repairs["ledger"]["record"][0]["source_id"], json!("2"));
    assert_eq!(repairs["ledger"]["record"][0]["state"], json!("complete"));
    let mut full = check(json!({ "kind": "full" }));
    let summary = json_of(&full.summary().unwrap());
    assert_eq!(
        summary["suspectProductIds"],
        json!(["prod_1", "prod_2", "prod_3"])
    );
    let repairs = json_of(
        &full
            .read_suspects(js(
                json!({ "productIds": ["prod_1", "prod_2", "prod_3"], "rows": rows }),
            ))
            .unwrap(),
    );
    assert_eq!(repairs["incompleteProductIds"], json!(["prod_1", "prod_3"]));
    assert_eq!(
        repairs["ledger"]["remove"],
        json!([{ "source": "dummyjson", "source_id": "1" }, { "source": "dummyjson", "source_id": "3" }])
    );
    assert_eq!(
        summary["lookForOrphanedInventoryItems"],
        json!(true),
        "creates that never finished: a write was cut, so the sync's inventory items are looked at"
    );
    let error = wasm::StoreCheck::new(
        js(json!({ "currencyCode": "usd", "salesChannelId": null, "scope": { "kind": "full" } })),
        JsString::from("[]"),
        JsString::from("[{\"id\": 1}]"),
    )
    .err()
    .expect("a wrong shape is refused");
    let details = json_of(&Reflect::get(&error, &JsValue::from_str("details")).unwrap());
    assert_eq!(details["function"], json!("new StoreCheck"));
    assert!(
        details["path"].as_str().unwrap().starts_with("stampsJson"),
        "{details}"
    );
}
