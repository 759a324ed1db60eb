//! Fixture-driven tests of the core decision modules.
//!
//! Every directory `tests/fixtures/<area>/<case>/` holds `input.json`, optionally `existing.json` (the store
//! before the run) and `expected.json` (what the core must answer). One runner per area turns the input into
//! a JSON answer and compares it with `expected.json`.
//!
//! After an intended change of behaviour, regenerate the answers with
//! `UPDATE_FIXTURES=1 cargo test --test core_fixtures`, then review the diff of every `expected.json`.
//! Plan and batching answers are also checked against invariants that hold whatever `expected.json` says.
//!
//! In `existing.json`, an owned product's `fingerprint` / `imagesFingerprint` may be `"@current"`: the runner
//! replaces it with the fingerprint the core computes for that product from `input.json`, so fixtures can say
//! "the store already has this exact content" without hard-coding hashes.
//!
//! `tests/fixtures/handles/medusa_parity.json` is not a case: it holds answers of Medusa 2.21.2's own
//! `toHandle` / `isValidHandle` (see its README) and is never rewritten.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use catalog_sync::batching::{split_batch, WriteBatch};
use catalog_sync::fingerprint::fingerprints;
use catalog_sync::handles::{
    assign_handles, handle_for_title, is_valid_handle, to_handle, HandleRequest,
};
use catalog_sync::images::{ImageCopyReader, ImageFailure, ImageResolver, StoredImage};
use catalog_sync::mapping::{create_input, external_id, map_product, update_input, MappingContext};
use catalog_sync::model::OwnedProduct;
use catalog_sync::model::{RunError, RunErrorCode};
use catalog_sync::options::{ImageMode, SyncOptions};
use catalog_sync::plan::{plan_held_removals, plan_sync, PlanInput, SyncPlan};
use catalog_sync::removals::HeldRemovalsInput;
use catalog_sync::report::{summarize_run, write_error_for, SummarizeInput, WriteErrorInput};
use catalog_sync::source::{parse_categories, parse_entry, parse_page, parse_product, EntryOrigin};
use catalog_sync::stock::{plan_stock_levels, StockPlanInput};
use catalog_sync::taxonomy::{
    plan_taxonomy, CategoryIndex, ExistingCategory, ExistingTag, TagIndex, TaxonomyPlan,
    TaxonomyPlanInput, TaxonomyStore,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

const AREAS: &[&str] = &[
    "source",
    "handles",
    "mapping",
    "categories",
    "tags",
    "plan",
    "batching",
    "report",
    "images",
    "stock",
    "removals",
];

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn from_value<T: DeserializeOwned>(value: Value, what: &str) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("{what}: {e}"))
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("core outputs serialize to JSON")
}

/// A raw body: a JSON string is used as-is (to write truncated or invalid bodies), anything else is serialized.
fn body(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn bodies(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().map(body).collect())
        .unwrap_or_default()
}

fn field<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).filter(|v| !v.is_null())
}

fn existing_list<T: DeserializeOwned>(existing: &Value, key: &str) -> Result<Vec<T>, String> {
    match field(existing, key) {
        Some(list) => from_value(list.clone(), key),
        None => Ok(Vec::new()),
    }
}

/// `SyncOptions::default()` with the keys of `overrides` replaced.
fn options(overrides: Option<&Value>) -> Result<SyncOptions, String> {
    let mut options = to_value(&SyncOptions::default());
    if let (Some(target), Some(Value::Object(overrides))) = (options.as_object_mut(), overrides) {
        for (key, value) in overrides {
            target.insert(key.clone(), value.clone());
        }
    }
    from_value(options, "options")
}

/// Replaces `"@current"` fingerprints of owned products with the ones computed for the input's products.
fn resolve_current(owned: &mut [OwnedProduct], current: &BTreeMap<String, (String, String)>) {
    for product in owned {
        let Some((content, images)) = current.get(&product.external_id) else {
            continue;
        };
        if product.fingerprint.as_deref() == Some("@current") {
            product.fingerprint = Some(content.clone());
        }
        if product.images_fingerprint.as_deref() == Some("@current") {
            product.images_fingerprint = Some(images.clone());
        }
    }
}

fn plan_input(input: &Value, existing: &Value) -> Result<PlanInput, String> {
    let mut plan_input = PlanInput {
        options: options(input.get("options"))?,
        pages: bodies(input.get("pages")),
        products: field(input, "products").map(|p| bodies(Some(p))),
        not_found_ids: match field(input, "notFoundIds") {
            Some(ids) => Some(from_value(ids.clone(), "notFoundIds")?),
            None => None,
        },
        scope: match field(input, "scope") {
            Some(scope) => from_value(scope.clone(), "scope")?,
            None => from_value(json!({ "kind": "full" }), "scope")?,
        },
        categories: existing_list(existing, "categories")?,
        tags: existing_list(existing, "tags")?,
        owned: existing_list(existing, "owned")?,
        recorded: existing_list(existing, "recorded")?,
        inventory_items: Vec::new(),
        taken_handles: existing_list(existing, "takenHandles")?,
        sales_channel_id: match field(input, "salesChannelId") {
            Some(id) => Some(from_value(id.clone(), "salesChannelId")?),
            None => None,
        },
        stock_location_id: match field(input, "stockLocationId") {
            Some(id) => Some(from_value(id.clone(), "stockLocationId")?),
            None => None,
        },
        stored_images: existing_list(existing, "storedImages")?,
        image_failures: existing_list(input, "imageFailures")?,
    };
    // Fingerprints of the incoming content: plan once as if the store owned nothing.
    let fresh = plan_sync(&PlanInput {
        owned: Vec::new(),
        recorded: Vec::new(),
        taken_handles: Vec::new(),
        ..plan_input.clone()
    });
    let mut current = BTreeMap::new();
    for batch in &fresh.batches {
        if let WriteBatch::Create { products, .. } = batch {
            for product in products {
                current.insert(
                    product.external_id.clone(),
                    (
                        product.metadata.catalog_sync_fingerprint.clone(),
                        product.metadata.catalog_sync_images_fingerprint.clone(),
                    ),
                );
            }
        }
    }
    resolve_current(&mut plan_input.owned, &current);
    Ok(plan_input)
}

/// Invariants of every plan, whatever the fixture expects.
fn check_plan(input: &PlanInput, plan: &SyncPlan) -> Result<(), String> {
    let counts = &plan.counts;
    if counts.valid != counts.to_create + counts.to_update + counts.unchanged {
        return Err(format!("valid != create + update + unchanged: {counts:?}"));
    }
    if plan.errors.len() < counts.rejected {
        return Err("fewer errors than rejected products".into());
    }
    let size = input.options.batch_size as usize;
    let mut per_kind = [0usize; 5];
    let mut handles = HashSet::new();
    let taken: HashSet<&str> = input
        .taken_handles
        .iter()
        .chain(input.owned.iter().map(|o| &o.handle))
        .map(String::as_str)
        .collect();
    for (position, batch) in plan.batches.iter().enumerate() {
        if batch.index() != position || batch.is_empty() || batch.len() > size {
            return Err(format!(
                "batch {position} has index {} and {} items",
                batch.index(),
                batch.len()
            ));
        }
        if position > 0 && plan.batches[position - 1].kind() > batch.kind() {
            return Err(format!("batch {position} is out of kind order"));
        }
        per_kind[batch.kind() as usize] += batch.len();
        if let WriteBatch::Create {
            products,
            inventory_items,
            ..
        } = batch
        {
            let expected_items = if input.stock_location_id.is_some() {
                products.len()
            } else {
                0
            };
            let aligned = inventory_items
                .iter()
                .zip(products)
                .all(|(item, product)| item.sku == product.variants[0].sku);
            if inventory_items.len() != expected_items || !aligned {
                return Err(format!(
                    "batch {position}: inventory items do not match its products"
                ));
            }
            for product in products {
                if !is_valid_handle(&product.handle)
                    || taken.contains(product.handle.as_str())
                    || !handles.insert(product.handle.clone())
                {
                    return Err(format!(
                        "handle {:?} is invalid, taken or repeated",
                        product.handle
                    ));
                }
            }
        }
    }
    let expected = [
        counts.to_create,
        counts.to_update,
        counts.to_complete,
        counts.to_archive,
        counts.to_delete,
    ];
    if per_kind != expected {
        return Err(format!(
            "batch sizes {per_kind:?} differ from counts {expected:?}"
        ));
    }
    check_held_removals(plan)
}

/// A plan holds removals back exactly when it says so, and then removes none of them.
fn check_held_removals(plan: &SyncPlan) -> Result<(), String> {
    let said = plan
        .errors
        .iter()
        .any(|e| e.has_code(RunErrorCode::RemovalsHeldBack));
    if said == plan.held_removals.is_empty() {
        return Err("REMOVALS_HELD_BACK and heldRemovals disagree".into());
    }
    let removed: HashSet<String> =
        plan.batches
            .iter()
            .flat_map(|batch| match batch {
                WriteBatch::Archive { product_ids, .. }
                | WriteBatch::Delete { product_ids, .. } => product_ids.clone(),
                _ => Vec::new(),
            })
            .collect();
    match plan
        .held_removals
        .iter()
        .find(|held| removed.contains(&held.product_id))
    {
        Some(held) => Err(format!(
            "held product {} is removed anyway",
            held.product_id
        )),
        None => Ok(()),
    }
}

fn run_plan(input: &Value, existing: &Value) -> Result<Value, String> {
    let plan_input = plan_input(input, existing)?;
    let plan = plan_sync(&plan_input);
    check_plan(&plan_input, &plan)?;
    Ok(to_value(&plan))
}

fn batch_summary(batch: &WriteBatch) -> Value {
    json!({ "kind": batch.kind(), "index": batch.index(), "sourceIds": batch.source_ids() })
}

fn run_batching(input: &Value, existing: &Value) -> Result<Value, String> {
    let plan_input = plan_input(input, existing)?;
    let plan = plan_sync(&plan_input);
    check_plan(&plan_input, &plan)?;
    let batches: Vec<Value> = plan
        .batches
        .iter()
        .map(|batch| {
            let halves: Vec<Value> = split_batch(batch).iter().map(batch_summary).collect();
            json!({ "batch": batch_summary(batch), "split": halves })
        })
        .collect();
    Ok(json!({ "counts": plan.counts, "batches": batches }))
}

fn run_source(input: &Value, _existing: &Value) -> Result<Value, String> {
    let pages: Vec<Value> = bodies(input.get("pages"))
        .iter()
        .map(|page| match parse_page(page) {
            Ok(page) => json!({
                "total": page.total, "skip": page.skip, "limit": page.limit,
                "products": page.products().collect::<Vec<_>>(),
                "rejected": page.rejected().collect::<Vec<_>>(),
            }),
            Err(error) => {
                json!({ "error": { "code": error.code().as_str(), "message": error.to_string() } })
            }
        })
        .collect();
    let products: Vec<Value> = bodies(input.get("products"))
        .iter()
        .map(|product| match parse_product(product) {
            Ok(product) => json!({ "product": product }),
            Err(error) => json!({ "rejected": error }),
        })
        .collect();
    let categories: Vec<Value> = bodies(input.get("categories"))
        .iter()
        .map(|list| match parse_categories(list) {
            Ok(list) => json!({ "categories": list }),
            Err(error) => {
                json!({ "error": { "code": error.code().as_str(), "message": error.to_string() } })
            }
        })
        .collect();
    Ok(json!({ "pages": pages, "products": products, "categories": categories }))
}

fn run_handles(input: &Value, existing: &Value) -> Result<Value, String> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Request {
        source_id: u64,
        title: String,
    }
    let requests: Vec<Request> = from_value(input["requests"].clone(), "requests")?;
    let taken: Vec<String> = existing_list(existing, "takenHandles")?;
    let taken: HashSet<&str> = taken.iter().map(String::as_str).collect();
    let handle_requests: Vec<HandleRequest<'_>> = requests
        .iter()
        .map(|r| HandleRequest {
            source_id: r.source_id,
            title: &r.title,
        })
        .collect();
    let assigned = assign_handles(&handle_requests, &taken);
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for request in &requests {
        let handle = assigned
            .get(&request.source_id)
            .ok_or_else(|| format!("no handle for {}", request.source_id))?;
        if !is_valid_handle(handle)
            || taken.contains(handle.as_str())
            || !seen.insert(handle.clone())
        {
            return Err(format!("handle {handle:?} is invalid, taken or repeated"));
        }
        rows.push(json!({
            "sourceId": request.source_id,
            "title": request.title,
            "toHandle": to_handle(&request.title),
            "handle": handle,
        }));
    }
    Ok(Value::Array(rows))
}

fn run_mapping(input: &Value, existing: &Value) -> Result<Value, String> {
    let categories: Vec<ExistingCategory> = existing_list(existing, "categories")?;
    let tags: Vec<ExistingTag> = existing_list(existing, "tags")?;
    let mut owned: Vec<OwnedProduct> = existing_list(existing, "owned")?;
    let category_index = CategoryIndex::new(&categories);
    let tag_index = TagIndex::new(&tags);
    let currency: String = match field(input, "currencyCode") {
        Some(code) => from_value(code.clone(), "currencyCode")?,
        None => "usd".to_string(),
    };
    let sales_channel: Option<String> = match field(input, "salesChannelId") {
        Some(id) => Some(from_value(id.clone(), "salesChannelId")?),
        None => None,
    };
    let stored_images: Vec<StoredImage> = existing_list(existing, "storedImages")?;
    let image_failures: Vec<ImageFailure> = existing_list(input, "imageFailures")?;
    let mode: ImageMode = match field(input, "images") {
        Some(mode) => from_value(mode.clone(), "images")?,
        None => ImageMode::Upload,
    };
    let resolver = ImageResolver::new(mode, &stored_images, &image_failures);
    let context = MappingContext {
        currency_code: &currency,
        categories: &category_index,
        tags: &tag_index,
        images: &resolver,
    };
    let products = bodies(input.get("products"));
    let mut current = BTreeMap::new();
    for product in &products {
        if let Ok(mapped) =
            parse_entry(product, EntryOrigin::Single).and_then(|p| map_product(p, &context))
        {
            let prints = fingerprints(&mapped);
            current.insert(
                external_id(mapped.source_id),
                (prints.content, prints.images),
            );
        }
    }
    resolve_current(&mut owned, &current);
    let mut rows = Vec::new();
    for product in &products {
        let mapped = match parse_entry(product, EntryOrigin::Single)
            .and_then(|p| map_product(p, &context))
        {
            Ok(mapped) => mapped,
            Err(error) => {
                rows.push(json!({ "error": error }));
                continue;
            }
        };
        let prints = fingerprints(&mapped);
        let id = external_id(mapped.source_id);
        match owned.iter().find(|o| o.external_id == id) {
            Some(current) => {
                let images_changed =
                    current.images_fingerprint.as_deref() != Some(prints.images.as_str());
                rows.push(
                    json!({ "update": update_input(mapped, current, prints, images_changed) }),
                );
            }
            None => {
                let handle = handle_for_title(&mapped.title, mapped.source_id);
                rows.push(json!({ "create": create_input(mapped, handle, prints, sales_channel.as_deref()) }));
            }
        }
    }
    Ok(Value::Array(rows))
}

/// The taxonomy plan of a fixture's bodies; the categories fixtures check its categories, the tags fixtures its tags.
fn taxonomy_plan(input: &Value, existing: &Value) -> Result<TaxonomyPlan, String> {
    Ok(plan_taxonomy(&TaxonomyPlanInput {
        pages: bodies(input.get("pages")),
        products: field(input, "products").map(|p| bodies(Some(p))),
        store: TaxonomyStore {
            categories_body: field(input, "categoriesBody").map(body),
            existing_categories: existing_list(existing, "categories")?,
            existing_tags: existing_list(existing, "tags")?,
        },
    }))
}

fn run_categories(input: &Value, existing: &Value) -> Result<Value, String> {
    Ok(to_value(&taxonomy_plan(input, existing)?.categories))
}

fn run_tags(input: &Value, existing: &Value) -> Result<Value, String> {
    Ok(to_value(&taxonomy_plan(input, existing)?.tags))
}

fn run_report(input: &Value, _existing: &Value) -> Result<Value, String> {
    let mut out = Map::new();
    if let Some(summarize) = field(input, "summarize") {
        let summarize: SummarizeInput = from_value(summarize.clone(), "summarize")?;
        out.insert("report".into(), to_value(&summarize_run(&summarize)));
    }
    if let Some(write_error) = field(input, "writeErrorFor") {
        let input: WriteErrorInput = from_value(write_error.clone(), "writeErrorFor")?;
        out.insert(
            "writeErrors".into(),
            to_value(&write_error_for(&input.batch, &input.message)),
        );
    }
    Ok(Value::Object(out))
}

fn run_images(input: &Value, _existing: &Value) -> Result<Value, String> {
    let previous_errors: Vec<RunError> = field(input, "previousErrors")
        .map(|errors| from_value(errors.clone(), "previousErrors"))
        .transpose()?
        .unwrap_or_default();
    let mut reader = ImageCopyReader::new(&options(input.get("options"))?, &previous_errors);
    // A body at a time, like the host reads them.
    for page in bodies(input.get("pages")) {
        reader.read_pages(&[page]);
    }
    reader.read_products(&field(input, "products").map_or_else(Vec::new, |p| bodies(Some(p))));
    Ok(to_value(
        &reader.plan(&existing_list::<String>(input, "storedUrls")?),
    ))
}

fn run_stock(input: &Value, _existing: &Value) -> Result<Value, String> {
    let input: StockPlanInput = from_value(input.clone(), "input")?;
    Ok(to_value(&plan_stock_levels(&input)))
}

fn run_removals(input: &Value, _existing: &Value) -> Result<Value, String> {
    let input: HeldRemovalsInput = from_value(input.clone(), "input")?;
    let plan = plan_held_removals(&input);
    let size = input.batch_size.max(1) as usize;
    let held: HashSet<&str> = input.held.iter().map(|h| h.product_id.as_str()).collect();
    for batch in &plan.batches {
        let ids = match batch {
            WriteBatch::Archive { product_ids, .. } | WriteBatch::Delete { product_ids, .. } => {
                product_ids
            }
            other => return Err(format!("a {:?} batch in a removals plan", other.kind())),
        };
        if ids.is_empty() || ids.len() > size || ids.iter().any(|id| !held.contains(id.as_str())) {
            return Err(format!(
                "batch {} is empty, too large or not of the held set",
                batch.index()
            ));
        }
    }
    Ok(to_value(&plan))
}

fn run_case(area: &str, input: &Value, existing: &Value) -> Result<Value, String> {
    match area {
        "source" => run_source(input, existing),
        "handles" => run_handles(input, existing),
        "mapping" => run_mapping(input, existing),
        "categories" => run_categories(input, existing),
        "tags" => run_tags(input, existing),
        "plan" => run_plan(input, existing),
        "batching" => run_batching(input, existing),
        "report" => run_report(input, existing),
        "images" => run_images(input, existing),
        "stock" => run_stock(input, existing),
        "removals" => run_removals(input, existing),
        other => Err(format!("unknown fixture area {other}")),
    }
}

/// The first place where two JSON values differ, as a path.
fn first_difference(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for key in e.keys().chain(a.keys()) {
                let child = format!("{path}.{key}");
                match (e.get(key), a.get(key)) {
                    (Some(ev), Some(av)) => {
                        if let Some(found) = first_difference(ev, av, &child) {
                            return Some(found);
                        }
                    }
                    (ev, av) => return Some(format!("{child}: expected {ev:?}, got {av:?}")),
                }
            }
            None
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                if let Some(found) = first_difference(ev, av, &format!("{path}[{i}]")) {
                    return Some(found);
                }
            }
            (e.len() != a.len())
                .then(|| format!("{path}: expected {} items, got {}", e.len(), a.len()))
        }
        (e, a) => (e != a).then(|| format!("{path}: expected {e}, got {a}")),
    }
}

#[test]
fn every_fixture_case_matches_its_expected_answer() {
    let update = std::env::var("UPDATE_FIXTURES").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut total = 0;
    for area in AREAS {
        let dir = fixtures_root().join(area);
        let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.is_dir())
            .collect();
        cases.sort();
        assert!(!cases.is_empty(), "no fixture case in {}", dir.display());
        for case in cases {
            total += 1;
            let name = format!(
                "{area}/{}",
                case.file_name().unwrap_or_default().to_string_lossy()
            );
            let outcome = (|| -> Result<(), String> {
                let input = read_json(&case.join("input.json"))?;
                let existing_path = case.join("existing.json");
                let existing = if existing_path.exists() {
                    read_json(&existing_path)?
                } else {
                    json!({})
                };
                let actual = run_case(area, &input, &existing)?;
                let expected_path = case.join("expected.json");
                if update {
                    let text =
                        serde_json::to_string_pretty(&actual).map_err(|e| e.to_string())? + "\n";
                    return fs::write(&expected_path, text).map_err(|e| e.to_string());
                }
                let expected = read_json(&expected_path)?;
                match first_difference(&expected, &actual, "$") {
                    Some(difference) => Err(difference),
                    None => Ok(()),
                }
            })();
            if let Err(message) = outcome {
                failures.push(format!("{name}: {message}"));
            }
        }
    }
    assert!(total >= AREAS.len(), "too few fixture cases: {total}");
    assert!(
        failures.is_empty(),
        "{} of {total} fixture cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn handles_match_medusa_2_21_to_handle_and_is_valid_handle() {
    let parity =
        read_json(&fixtures_root().join("handles/medusa_parity.json")).expect("parity file");
    let handles = parity["handles"].as_array().expect("handles list");
    let valid = parity["valid"].as_array().expect("valid list");
    assert!(handles.len() > 50 && valid.len() > 15);
    let mut mismatches = Vec::new();
    for case in handles {
        let title = case["title"].as_str().expect("title");
        let medusa = case["medusa"].as_str().expect("medusa");
        if to_handle(title) != medusa {
            mismatches.push(format!(
                "toHandle({title:?}): medusa {medusa:?}, ours {:?}",
                to_handle(title)
            ));
        }
        let generated = handle_for_title(title, 1);
        if !is_valid_handle(&generated) {
            mismatches.push(format!(
                "handle_for_title({title:?}) = {generated:?} is not valid"
            ));
        }
    }
    for case in valid {
        let value = case["value"].as_str().expect("value");
        let medusa = case["valid"].as_bool().expect("valid");
        if is_valid_handle(value) != medusa {
            mismatches.push(format!(
                "isValidHandle({value:?}): medusa {medusa}, ours {}",
                !medusa
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
