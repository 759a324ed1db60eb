//! The image-copy, stock and store-setup exports, run as WebAssembly (Node and headless Chromium):
//! the `ImageCopyReader` (with the hosts the last run could not reach), the `ImageCopier` class (bytes crossing
//! as a `Uint8Array`), `planStockLevels` and `planStoreSetup`.
#![cfg(target_arch = "wasm32")]

mod wasm_support;

use catalog_sync::wasm::{self, ImageCopierHandle};
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;
use wasm_support::{js, json_of};

fn options(extra: Value) -> JsValue {
    let mut raw = json!({ "sourceUrl": "http://127.0.0.1:4010" });
    if let (Some(raw), Some(extra)) = (raw.as_object_mut(), extra.as_object()) {
        raw.extend(extra.clone());
    }
    wasm::validate_options(js(raw), None).expect("valid options")
}

/// A complete 1x1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde, 0, 0, 0, 0x0c, 0x49, 0x44, 0x41, 0x54,
    0x08, 0xd7, 0x63, 0xf8, 0xcf, 0xc0, 0, 0, 0, 3, 1, 1, 0, 0x18, 0xdd, 0x8d, 0xb4, 0, 0, 0, 0,
    0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

#[wasm_bindgen_test]
fn image_copies_are_planned_from_page_bodies_read_a_few_at_a_time() {
    let page = json!({ "products": [
        { "id": 1, "title": "A", "price": 1, "stock": 1, "images": ["https://x/1.png"], "thumbnail": "https://x/t.png" },
        { "id": 2, "title": "B", "price": 1, "stock": 1, "images": ["https://x/1.png"] }
    ], "total": 2, "skip": 0, "limit": 2 })
    .to_string();
    let unreachable = json!({ "source_id": 1, "field": "images[0]", "code": "IMAGE_UNREACHABLE",
        "message": "product 1: image https://x/1.png (images[0]) was not copied into the store: network error" });
    let mut reader =
        wasm::ImageCopyReader::new(options(json!({})), js(json!([unreachable]))).unwrap();
    reader.read_pages(js(json!([page]))).unwrap();
    reader.read_pages(js(json!(["{ not json"]))).unwrap();
    let error = reader.read_products(js(json!([7]))).unwrap_err();
    assert_eq!(
        json_of(&js_sys::Reflect::get(&error, &JsValue::from_str("details")).unwrap())["path"],
        json!("bodies[0]")
    );
    let plan = reader.plan(js(json!(["https://x/t.png"]))).unwrap();
    assert_eq!(
        json_of(&plan),
        json!({ "copies": [{ "url": "https://x/1.png", "sourceIds": [1, 2] }], "failures": [], "alreadyStored": 1,
            "hostsDownLastRun": ["x"] })
    );
}

#[wasm_bindgen_test]
fn the_image_copier_uploads_then_reuses_identical_bytes() {
    let mut copier = ImageCopierHandle::new(
        "csrun_wasm",
        options(json!({})),
        js(json!([])),
        js(json!([])),
    )
    .unwrap();
    let head = |url: &str| {
        js(json!({ "url": url, "contentType": "image/png", "declaredLength": PNG.len() }))
    };
    let verdict = json_of(&copier.accept(head("https://x/a/1.png"), PNG).unwrap());
    assert_eq!(verdict["action"], "upload", "{verdict}");
    assert_eq!(
        verdict["flush"], false,
        "one file does not fill an upload group"
    );
    let file = verdict["file"].clone();
    assert_eq!(file["mimeType"], "image/png");
    assert_eq!(file["size"], PNG.len());
    let stored = json_of(
        &copier
            .stored(js(file.clone()), "file_1", "http://store/static/a.png")
            .unwrap(),
    );
    assert_eq!(stored["sourceUrl"], "https://x/a/1.png");
    assert_eq!(stored["contentHash"], file["contentHash"]);
    let again = json_of(&copier.accept(head("https://x/b/1.png"), PNG).unwrap());
    assert_eq!(again["action"], "reuse", "{again}");
    assert_eq!(again["image"]["fileId"], "file_1");
    assert_eq!(again["image"]["sourceUrl"], "https://x/b/1.png");
    let html =
        js(json!({ "url": "https://x/c", "contentType": "text/html", "declaredLength": null }));
    let rejected = json_of(&copier.accept(html, b"<html></html>").unwrap());
    assert_eq!(rejected["failure"]["code"], "IMAGE_NOT_AN_IMAGE");
    assert_eq!(
        json_of(&copier.stats().unwrap()),
        json!({ "downloaded": 3, "uploaded": 1, "reused": 1, "failed": 1 })
    );
}

#[wasm_bindgen_test]
fn the_image_copier_gives_up_on_404_and_on_an_unreachable_host() {
    let mut copier = ImageCopierHandle::new(
        "csrun_wasm",
        options(json!({ "maxRetries": 1 })),
        js(json!([])),
        js(json!([])),
    )
    .unwrap();
    let retry = |copier: &mut ImageCopierHandle, url: &str, attempt: u32, outcome: Value| {
        json_of(
            &copier
                .retry(js(json!({ "url": url, "attempt": attempt, "index": 3, "nowMs": 0, "outcome": outcome })))
                .unwrap(),
        )
    };
    let not_found = retry(
        &mut copier,
        "https://x/1.png",
        1,
        json!({ "kind": "http", "status": 404, "retryAfter": null }),
    );
    assert_eq!(not_found["failure"]["code"], "IMAGE_NOT_FOUND");
    let network = json!({ "kind": "network", "message": "ENOTFOUND" });
    assert_eq!(
        retry(&mut copier, "https://down/1.png", 1, network.clone())["action"],
        "retry"
    );
    for n in 0..3 {
        let url = format!("https://down/{n}.png");
        assert_eq!(copier.precheck(&url).unwrap(), JsValue::NULL);
        let decision = retry(&mut copier, &url, 2, network.clone());
        assert_eq!(
            decision["failure"]["code"], "IMAGE_UNREACHABLE",
            "{decision}"
        );
    }
    let skipped = json_of(&copier.precheck("https://down/9.png").unwrap());
    assert_eq!(skipped["code"], "IMAGE_UNREACHABLE");
    let bad_input = copier.retry(js(
        json!({ "url": "u", "attempt": 0, "index": 1, "nowMs": 0,
        "outcome": { "kind": "timeout", "timeoutMs": 5 } }),
    ));
    assert!(bad_input.is_err(), "attempt 0 is refused");
    let refused = retry(
        &mut copier,
        "https://x/2.png",
        1,
        json!({ "kind": "refused", "refusal": { "kind": "address", "class": "loopback", "hop": 0 } }),
    );
    assert_eq!(
        refused,
        json!({ "action": "fail", "failure": { "url": "https://x/2.png", "code": "IMAGE_REFUSED",
                "reason": "the host resolves to a loopback address" } })
    );
}

#[wasm_bindgen_test]
fn the_image_copier_checks_each_hop() {
    let copier = ImageCopierHandle::new(
        "csrun_wasm",
        options(json!({ "imageHosts": ["http://10.0.0.5:8080"] })),
        js(json!([])),
        js(json!([])),
    )
    .unwrap();
    let hop = |url: &str, hop: u32| json_of(&copier.check_hop(url, hop).unwrap());
    assert_eq!(
        hop("http://127.0.0.1:4010/images/1.png", 0),
        json!({ "action": "request", "checkAddress": false })
    );
    assert_eq!(
        hop("http://10.0.0.5:8080/1.png", 1),
        json!({ "action": "request", "checkAddress": false })
    );
    assert_eq!(
        hop("http://127.0.0.1:9262/x.png", 1),
        json!({ "action": "request", "checkAddress": true })
    );
    assert_eq!(
        hop("https://cdn.example/x.png", 4),
        json!({ "action": "refuse", "refusal": { "kind": "redirects" } })
    );
}

#[wasm_bindgen_test]
fn stock_levels_are_planned_in_stock_batches() {
    let plan = wasm::plan_stock_levels(js(json!({
        "locationId": "sloc_1", "batchSize": 50,
        "targets": [{ "sourceId": 1, "stock": 3 }, { "sourceId": 2, "stock": 9 }],
        "items": [{ "externalId": "dummyjson:1", "inventoryItemId": "iitem_1" },
                  { "externalId": "dummyjson:2", "inventoryItemId": "iitem_2" }],
        "levels": [{ "inventoryItemId": "iitem_1", "stockedQuantity": 3 }]
    })))
    .unwrap();
    assert_eq!(
        json_of(&plan),
        json!({
            "batches": [{ "kind": "stock", "index": 0, "levels": [{ "sourceId": 2, "action": "create",
                "inventory_item_id": "iitem_2", "location_id": "sloc_1", "stocked_quantity": 9 }] }],
            "unchanged": 1,
            "errors": []
        })
    );
    let error = wasm::plan_stock_levels(js(json!({ "locationId": 5 }))).unwrap_err();
    assert!(
        js_sys::Reflect::get(&error, &JsValue::from_str("code"))
            .unwrap()
            .as_string()
            .is_some_and(|code| code == "INVALID_INPUT"),
        "{error:?}"
    );
}

#[wasm_bindgen_test]
fn the_store_setup_creates_the_catalog_location_or_names_the_bad_option() {
    let store = json!({ "id": "store_1", "default_sales_channel_id": "sc_1",
                        "supported_currencies": [{ "currency_code": "eur", "is_default": true, "is_tax_inclusive": false }] });
    let setup = json_of(
        &wasm::plan_store_setup(js(json!({
            "options": json_of(&options(json!({}))), "store": store.clone(),
            "salesChannels": [{ "id": "sc_1" }], "stockLocations": []
        })))
        .unwrap(),
    );
    assert_eq!(
        setup["stockLocation"],
        json!({ "action": "create", "name": "Catalog sync" })
    );
    assert_eq!(setup["linkStockLocation"], json!(true));
    assert_eq!(setup["salesChannelId"], json!("sc_1"));
    assert_eq!(
        setup["supportedCurrencies"][1]["currency_code"],
        json!("usd")
    );
    let error = wasm::plan_store_setup(js(json!({
        "options": json_of(&options(json!({ "stockLocationId": "sloc_gone" }))), "store": store,
        "salesChannels": [], "stockLocations": []
    })))
    .unwrap_err();
    let code = js_sys::Reflect::get(&error, &JsValue::from_str("code")).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("UNKNOWN_STOCK_LOCATION"));
    let details = json_of(&js_sys::Reflect::get(&error, &JsValue::from_str("details")).unwrap());
    assert_eq!(
        details,
        json!({ "option": "stockLocationId", "value": "sloc_gone" })
    );
}
