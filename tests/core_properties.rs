//! Property tests of the sync plan over generated catalogs and store snapshots.
//!
//! * Applying a plan and planning again is a no-op (no create, update, completion, archive or delete), also for
//!   owned products that lack their variant, price set, inventory item or a price in the sync's currency, or
//!   carry an operator's variant and prices; applying an update asserts that no variant and no price of the
//!   product is dropped (Medusa deletes what an update does not name).
//! * Handles of created products are valid and unique across owned products, taken handles and each other.
//! * Every valid source product lands exactly once in create ∪ update ∪ unchanged.
//! * A rejected product never hides a valid one: injecting malformed products into a catalog leaves the
//!   writes of the valid products unchanged.
//! * The removal guard removes all of a run's removals or none: none (and holds them all back) exactly when
//!   they are more than `maxRemovalRatio` of the distinct owned products; duplicates are deleted either way.
//! * A plan made the way the host makes it — bodies read a few at a time, owned products that lack nothing given
//!   as recorded (without their relations), the full rows of the changed ones added when the planner asks, batches
//!   made window by window — writes exactly what the plan made in one call with every product's full content, with
//!   the same counts, errors and stock; and after applying it, every product recorded, the next plan asks for no row
//!   and writes nothing.
//!
//! The other properties plan with `maxRemovalRatio: 1` (the guard never holds back), so that what they check
//! does not depend on how many products a generated catalog happens to drop.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use catalog_sync::batching::WriteBatch;
use catalog_sync::handles::is_valid_handle;
use catalog_sync::mapping::sync_price;
use catalog_sync::mapping::{source_id_of, ImageInput, PriceInput, VariantEntry};
use catalog_sync::model::{
    InventoryGap, OwnedImage, OwnedPrice, OwnedProduct, RecordedProduct, SyncScope,
};
use catalog_sync::options::{OnMissing, SyncOptions};
use catalog_sync::plan::{
    plan_sync, CatalogPlanSummary, PlanInput, Planner, SyncPlan, WindowLimits,
};
use catalog_sync::rows::StoreProductRow;
use catalog_sync::taxonomy::{
    ExistingCategory, ExistingTag, TaxonomyPlan, TaxonomyReader, TaxonomyStore,
};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Titles chosen to collide: duplicates, punctuation-only differences, apostrophes, non-ASCII, empty handles.
const TITLES: &[&str] = &[
    "Red Lipstick",
    "Knife & Fork Set",
    "Knife Fork Set",
    "Annibale Colombo's Sofa",
    "Annibale Colombo’s Sofa",
    "Apple",
    "Apple 7",
    "Café Crème",
    "Ελληνικά ΟΔΟΣ",
    "日本語の製品",
    "!!!",
    "Product 3",
];
const CATEGORIES: &[&str] = &[
    "beauty",
    "furniture",
    "kitchen-accessories",
    "home-decoration",
];
const TAGS: &[&str] = &["beauty", "sofas", "kitchen", "fruits", "Beauty"];

/// A generated valid source product.
#[derive(Debug, Clone)]
struct ProductSpec {
    id: u64,
    title: usize,
    category: Option<usize>,
    tags: Vec<usize>,
    price_cents: u32,
    stock: u32,
    brand: bool,
    images: u8,
}

impl ProductSpec {
    fn to_json(&self, revision: u32) -> Value {
        let mut product = json!({
            "id": self.id,
            "title": TITLES[self.title],
            "description": format!("Product {} revision {revision}", self.id),
            "price": f64::from(self.price_cents) / 100.0,
            "stock": self.stock,
            "tags": self.tags.iter().map(|&t| TAGS[t]).collect::<Vec<_>>(),
            "sku": format!("SKU-{}", self.id),
            "dimensions": { "width": 1.5, "height": 2, "depth": 3.25 },
            "meta": { "barcode": format!("BAR{}", self.id) },
            "images": (0..self.images).map(|i| format!("https://img/{}/{i}.webp", self.id)).collect::<Vec<_>>(),
            "thumbnail": format!("https://img/{}/t.webp", self.id),
            "reviews": [{ "rating": 5, "comment": "ok" }],
        });
        if let Some(category) = self.category {
            product["category"] = json!(CATEGORIES[category]);
        }
        if self.brand {
            product["brand"] = json!("Brand");
        }
        product
    }
}

fn product_spec() -> impl Strategy<Value = ProductSpec> {
    (
        1u64..200,
        0..TITLES.len(),
        prop::option::weighted(0.9, 0..CATEGORIES.len()),
        prop::collection::vec(0..TAGS.len(), 0..3),
        0u32..5_000_000,
        0u32..100,
        any::<bool>(),
        0u8..4,
    )
        .prop_map(
            |(id, title, category, tags, price_cents, stock, brand, images)| ProductSpec {
                id,
                title,
                category,
                tags,
                price_cents,
                stock,
                brand,
                images,
            },
        )
}

/// Valid products with distinct ids.
fn catalog() -> impl Strategy<Value = Vec<ProductSpec>> {
    prop::collection::vec(product_spec(), 0..30).prop_map(|specs| {
        let mut seen = HashSet::new();
        specs
            .into_iter()
            .filter(|spec| seen.insert(spec.id))
            .collect()
    })
}

/// What an earlier run may have left in the store for one source id.
#[derive(Debug, Clone)]
struct OwnedSpec {
    source_id: u64,
    handle: usize,
    status_draft: bool,
    fingerprint_stale: bool,
    duplicate: bool,
    /// What the product lacks or carries besides the sync's own: see [`owned_products`].
    gap: u8,
}

fn owned_specs() -> impl Strategy<Value = Vec<OwnedSpec>> {
    prop::collection::vec(
        (
            1u64..220,
            0usize..6,
            any::<bool>(),
            any::<bool>(),
            prop::bool::weighted(0.1),
            0u8..7,
        )
            .prop_map(
                |(source_id, handle, status_draft, fingerprint_stale, duplicate, gap)| OwnedSpec {
                    source_id,
                    handle,
                    status_draft,
                    fingerprint_stale,
                    duplicate,
                    gap,
                },
            ),
        0..20,
    )
}

/// Handles that clash with the titles' handles.
const HANDLE_POOL: &[&str] = &[
    "red-lipstick",
    "knife-fork-set",
    "apple",
    "apple-7",
    "product-3",
    "café-crème",
];

fn pages(entries: &[Value], page_size: usize) -> Vec<String> {
    let total = entries.len();
    if total == 0 {
        return vec![json!({ "products": [], "total": 0, "skip": 0, "limit": 0 }).to_string()];
    }
    entries
        .chunks(page_size)
        .enumerate()
        .map(|(i, chunk)| {
            json!({ "products": chunk, "total": total, "skip": i * page_size, "limit": chunk.len() }).to_string()
        })
        .collect()
}

/// Runs the taxonomy plan, reading a page at a time, and "creates" what it asks for, like the host does before
/// `planCatalog`.
fn store_taxonomy(pages: &[String]) -> (Vec<ExistingCategory>, Vec<ExistingTag>) {
    let mut reader = TaxonomyReader::default();
    pages.chunks(1).for_each(|page| reader.read_pages(page));
    let TaxonomyPlan { categories, tags } = reader.plan(&TaxonomyStore::default());
    (
        categories
            .create
            .into_iter()
            .map(|c| ExistingCategory {
                id: format!("pcat_{}", c.handle),
                handle: c.handle,
                name: c.name,
            })
            .collect(),
        tags.create
            .into_iter()
            .enumerate()
            .map(|(i, t)| ExistingTag {
                id: format!("ptag_{i}"),
                value: t.value,
            })
            .collect(),
    )
}

/// Builds owned products from specs; fresh fingerprints come from a plan of the same catalog with an empty store.
fn owned_products(specs: &[OwnedSpec], fresh: &SyncPlan) -> Vec<OwnedProduct> {
    let mut prints = BTreeMap::new();
    for product in created(fresh) {
        prints.insert(
            product.0,
            (
                product.1.metadata.catalog_sync_fingerprint.clone(),
                product.1.metadata.catalog_sync_images_fingerprint.clone(),
            ),
        );
    }
    let mut used_handles = HashSet::new();
    let mut owned = Vec::new();
    for (n, spec) in specs.iter().enumerate() {
        let copies = if spec.duplicate { 2 } else { 1 };
        for copy in 0..copies {
            // Store handles are unique (Medusa's index): fall back to a unique one on a clash.
            let mut handle = HANDLE_POOL[spec.handle].to_string();
            if !used_handles.insert(handle.clone()) {
                handle = format!("owned-{n}-{copy}");
                used_handles.insert(handle.clone());
            }
            let current = prints.get(&spec.source_id);
            let fingerprint = match (spec.fingerprint_stale, current) {
                (false, Some((content, _))) => Some(content.clone()),
                _ => Some("stale".to_string()),
            };
            let images_fingerprint = match (spec.fingerprint_stale, current) {
                (false, Some((_, images))) => Some(images.clone()),
                _ => None,
            };
            let price = |currency: &str| OwnedPrice {
                id: format!("price_{n}_{copy}_{currency}"),
                currency_code: currency.to_string(),
                amount: 1.0,
                conditional: false,
            };
            let mut product = OwnedProduct {
                id: format!("prod_{n:03}_{copy}"),
                external_id: format!("dummyjson:{}", spec.source_id),
                handle,
                status: if spec.status_draft {
                    "draft"
                } else {
                    "published"
                }
                .to_string(),
                fingerprint,
                images_fingerprint,
                variant_id: Some(format!("variant_{n}_{copy}")),
                other_variant_ids: Vec::new(),
                price_set_linked: true,
                prices: vec![price("usd")],
                missing_inventory_item: None,
                images: Vec::new(),
            };
            match spec.gap {
                // No variant at all (deleted in the admin, or a killed create).
                1 => {
                    product.variant_id = None;
                    product.prices.clear();
                }
                // The variant lost its price set.
                2 => {
                    product.price_set_linked = false;
                    product.prices.clear();
                }
                // No live inventory item (deleted, or a dangling link).
                3 => {
                    product.missing_inventory_item = Some(InventoryGap {
                        dangling_item_id: (copy == 0).then(|| format!("iitem_gone_{n}")),
                    })
                }
                // Only a price in another currency (the sync's currency changed).
                4 => product.prices = vec![price("eur")],
                // An operator's second variant and second-currency price.
                5 => {
                    product.other_variant_ids = vec![format!("variant_operator_{n}_{copy}")];
                    product.prices.push(price("gbp"));
                }
                _ => {}
            }
            owned.push(product);
        }
    }
    owned
}

fn created(plan: &SyncPlan) -> Vec<(u64, &catalog_sync::mapping::ProductCreateInput)> {
    plan.batches
        .iter()
        .flat_map(|batch| match batch {
            WriteBatch::Create { products, .. } => products
                .iter()
                .map(|p| (p.metadata.catalog_sync_source_id, p))
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn updated_ids(plan: &SyncPlan) -> Vec<u64> {
    plan.batches
        .iter()
        .flat_map(|batch| match batch {
            WriteBatch::Update { products, .. } => products
                .iter()
                .map(|p| p.metadata.catalog_sync_source_id)
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// Executes a plan against a snapshot the way Medusa would, returning the next snapshot.
fn apply(plan: &SyncPlan, owned: &[OwnedProduct]) -> Vec<OwnedProduct> {
    let mut next: Vec<OwnedProduct> = owned.to_vec();
    for batch in &plan.batches {
        match batch {
            WriteBatch::Create { products, .. } => {
                for product in products {
                    let source_id = product.metadata.catalog_sync_source_id;
                    next.push(OwnedProduct {
                        id: format!("prod_new_{source_id}"),
                        external_id: product.external_id.clone(),
                        handle: product.handle.clone(),
                        status: "published".to_string(),
                        fingerprint: Some(product.metadata.catalog_sync_fingerprint.clone()),
                        images_fingerprint: Some(
                            product.metadata.catalog_sync_images_fingerprint.clone(),
                        ),
                        variant_id: Some(format!("variant_new_{source_id}")),
                        other_variant_ids: Vec::new(),
                        price_set_linked: true,
                        prices: stored_prices(&product.variants[0].prices, &[], source_id),
                        missing_inventory_item: None,
                        images: stored_images(&product.images, &[], source_id),
                    });
                }
            }
            WriteBatch::Update { products, .. } => {
                for product in products {
                    let target = next
                        .iter_mut()
                        .find(|o| o.id == product.id)
                        .expect("update targets an owned product");
                    target.fingerprint = Some(product.metadata.catalog_sync_fingerprint.clone());
                    target.images_fingerprint =
                        Some(product.metadata.catalog_sync_images_fingerprint.clone());
                    target.status = "published".to_string();
                    target.handle = product.handle.clone();
                    let source_id = product.metadata.catalog_sync_source_id;
                    if let Some(images) = &product.images {
                        target.images = stored_images(images, &target.images, source_id);
                    }
                    apply_variants(product.variants.as_deref(), target, source_id);
                }
            }
            WriteBatch::Complete { completions, .. } => {
                for completion in completions {
                    let target = next
                        .iter_mut()
                        .find(|o| o.id == completion.product_id)
                        .expect("a completion targets an owned product");
                    let source_id = completion.source_id;
                    if let Some(variant) = &completion.variant {
                        assert!(
                            target.variant_id.is_none(),
                            "a variant is created only where none is"
                        );
                        target.variant_id = Some(format!("variant_completed_{source_id}"));
                        target.price_set_linked = true;
                        target.prices =
                            stored_prices(&variant.variant.variant.prices, &[], source_id);
                    }
                    if let Some(prices) = &completion.prices {
                        assert!(!target.price_set_linked);
                        assert_eq!(Some(&prices.variant_id), target.variant_id.as_ref());
                        target.price_set_linked = true;
                        target.prices = stored_prices(&prices.prices, &[], source_id);
                    }
                    if let Some(item) = &completion.inventory_item {
                        let gap = target
                            .missing_inventory_item
                            .take()
                            .expect("an item is created only where none is");
                        assert_eq!(item.dismiss_item_id, gap.dangling_item_id);
                    }
                }
            }
            WriteBatch::Archive { product_ids, .. } => {
                for id in product_ids {
                    let target = next
                        .iter_mut()
                        .find(|o| &o.id == id)
                        .expect("archive targets an owned product");
                    target.status = "draft".to_string();
                }
            }
            WriteBatch::Delete { product_ids, .. } => {
                next.retain(|o| !product_ids.contains(&o.id));
            }
            WriteBatch::Stock { .. } => unreachable!("the product plan has no stock batch"),
        }
    }
    next
}

/// Applies an update's `variants` the way Medusa does: the list replaces the product's variants (a variant it
/// does not name is deleted, which the sync must never cause), and the sync's variant's prices replace its
/// prices (a price it does not name is deleted, which the sync must never cause either).
fn apply_variants(variants: Option<&[VariantEntry]>, target: &mut OwnedProduct, source_id: u64) {
    let Some(variants) = variants else {
        return;
    };
    let named: HashSet<&str> = variants
        .iter()
        .map(|entry| match entry {
            VariantEntry::Synced(variant) => variant.id.as_str(),
            VariantEntry::Kept(kept) => kept.id.as_str(),
        })
        .collect();
    for id in target.variant_id.iter().chain(&target.other_variant_ids) {
        assert!(
            named.contains(id.as_str()),
            "the update would delete variant {id}"
        );
    }
    for entry in variants {
        if let VariantEntry::Synced(variant) = entry {
            assert_eq!(Some(&variant.id), target.variant_id.as_ref());
            if let Some(prices) = &variant.prices {
                target.prices = stored_prices(prices, &target.prices, source_id);
            }
        }
    }
}

/// The prices Medusa stores for a price list: a price with an id keeps it (it must be one of the variant's), one
/// without gets a new id; a price of the variant the list does not name would be deleted, which never happens.
fn stored_prices(prices: &[PriceInput], current: &[OwnedPrice], source_id: u64) -> Vec<OwnedPrice> {
    for owned in current {
        assert!(
            prices
                .iter()
                .any(|price| price.id.as_ref() == Some(&owned.id)),
            "the update would delete price {} ({})",
            owned.id,
            owned.currency_code
        );
    }
    prices
        .iter()
        .enumerate()
        .map(|(position, price)| OwnedPrice {
            id: price
                .id
                .clone()
                .unwrap_or_else(|| format!("price_{source_id}_{position}_{}", current.len())),
            currency_code: price.currency_code.clone(),
            amount: price.amount,
            conditional: false,
        })
        .collect()
}

/// The images Medusa stores for an image list, as the product module does: an input image with an id keeps that
/// image (it must be one of the product's), one without gets a new id.
fn stored_images(images: &[ImageInput], current: &[OwnedImage], source_id: u64) -> Vec<OwnedImage> {
    images
        .iter()
        .enumerate()
        .map(|(position, image)| match &image.id {
            Some(id) => {
                assert!(
                    current
                        .iter()
                        .any(|owned| &owned.id == id && owned.url == image.url),
                    "image id {id} is not the product's image of {}",
                    image.url
                );
                OwnedImage {
                    id: id.clone(),
                    url: image.url.clone(),
                }
            }
            None => OwnedImage {
                id: format!("img_{source_id}_{position}_{}", current.len()),
                url: image.url.clone(),
            },
        })
        .collect()
}

fn on_missing() -> impl Strategy<Value = OnMissing> {
    prop_oneof![
        Just(OnMissing::Draft),
        Just(OnMissing::Keep),
        Just(OnMissing::Delete)
    ]
}

fn input_for(
    pages: Vec<String>,
    owned: Vec<OwnedProduct>,
    taken: Vec<String>,
    on_missing: OnMissing,
    batch_size: u32,
) -> PlanInput {
    let (categories, tags) = store_taxonomy(&pages);
    PlanInput {
        options: SyncOptions {
            on_missing,
            batch_size,
            max_removal_ratio: 1.0,
            ..SyncOptions::default()
        },
        pages,
        products: None,
        not_found_ids: None,
        scope: SyncScope::Full,
        categories,
        tags,
        owned,
        recorded: Vec::new(),
        inventory_items: Vec::new(),
        taken_handles: taken,
        sales_channel_id: Some("sc_1".to_string()),
        stock_location_id: Some("sloc_1".to_string()),
        stored_images: Vec::new(),
        image_failures: Vec::new(),
    }
}

/// The full row Query would read for an owned product that lacks nothing (what the host hands to `add_rows`).
fn row_of(product: &OwnedProduct) -> StoreProductRow {
    let sync_variant = json!({
        "id": product.variant_id, "sku": null, "manage_inventory": true, "updated_at": null,
        "price_set": { "id": format!("pset_{}", product.id) },
        "prices": product.prices.iter().map(|price| json!({
            "id": price.id, "currency_code": price.currency_code, "amount": price.amount,
            "rules_count": u64::from(price.conditional),
        })).collect::<Vec<_>>(),
        "inventory_items": [{ "inventory_item_id": format!("iitem_{}", product.id),
                              "inventory": { "id": format!("iitem_{}", product.id) } }],
    });
    let others = product
        .other_variant_ids
        .iter()
        .map(|id| json!({ "id": id, "manage_inventory": false }));
    serde_json::from_value(json!({
        "id": product.id, "external_id": product.external_id, "handle": product.handle, "status": product.status,
        "metadata": { "catalog_sync_fingerprint": product.fingerprint,
                      "catalog_sync_images_fingerprint": product.images_fingerprint },
        "images": product.images,
        "variants": std::iter::once(sync_variant).chain(others).collect::<Vec<_>>(),
    }))
    .expect("a row")
}

/// Whether an owned product lacks nothing the plan would complete or add (the store check records such products).
fn lacks_nothing(product: &OwnedProduct) -> bool {
    product.variant_id.is_some()
        && product.price_set_linked
        && product.missing_inventory_item.is_none()
        && sync_price(&product.prices, "usd").is_some()
}

/// Splits owned products the way the store check leaves them: those that lack nothing and are picked by `mask`
/// become recorded products, the others keep their full content.
fn split_recorded(
    owned: &[OwnedProduct],
    mask: &[bool],
) -> (Vec<OwnedProduct>, Vec<RecordedProduct>) {
    let mut full = Vec::new();
    let mut recorded = Vec::new();
    for (n, product) in owned.iter().enumerate() {
        if lacks_nothing(product) && mask.get(n).copied().unwrap_or(true) {
            recorded.push(RecordedProduct {
                id: product.id.clone(),
                external_id: product.external_id.clone(),
                handle: product.handle.clone(),
                status: product.status.clone(),
                fingerprint: product.fingerprint.clone(),
                variant_id: product.variant_id.clone(),
            });
        } else {
            full.push(product.clone());
        }
    }
    (full, recorded)
}

/// A plan made the way the host makes it: bodies read in chunks, the rows the planner asks for added from `store`
/// (every owned product's full content), windows made one by one. Returns the ids it asked for, the summary and
/// every batch.
fn plan_in_windows(
    input: PlanInput,
    store: &[OwnedProduct],
    limits: WindowLimits,
    chunk: usize,
) -> (Vec<String>, CatalogPlanSummary, Vec<WriteBatch>) {
    let bodies = input.pages.clone();
    let mut planner = Planner::new(
        PlanInput {
            pages: Vec::new(),
            ..input
        },
        limits,
    );
    for part in bodies.chunks(chunk.max(1)) {
        planner.read_pages(part).expect("reading");
    }
    let wanted = planner.finish_reading().expect("finish");
    let rows: Vec<StoreProductRow> = store
        .iter()
        .filter(|p| wanted.contains(&p.id))
        .map(row_of)
        .collect();
    planner.add_rows(&rows).expect("rows");
    let summary = planner.summary().expect("summary").clone();
    let mut batches = Vec::new();
    for (window, outline) in summary.windows.iter().enumerate() {
        let given: Vec<&str> = outline.bodies.iter().map(|&i| bodies[i].as_str()).collect();
        let made = planner.plan_window(window, &given).expect("window");
        assert_eq!(made.len(), outline.batch_count);
        batches.extend(made);
    }
    (wanted, summary, batches)
}

/// The writes of each kind, in order, whatever batches they are cut into.
fn writes_by_kind(batches: &[WriteBatch]) -> BTreeMap<String, Vec<Value>> {
    let mut writes: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for batch in batches {
        let value = serde_json::to_value(batch).expect("serializable");
        let kind = value["kind"].as_str().expect("kind");
        for key in [
            "products",
            "completions",
            "productIds",
            "sourceIds",
            "inventoryItems",
        ] {
            if let Some(list) = value.get(key).and_then(Value::as_array) {
                writes
                    .entry(format!("{kind}.{key}"))
                    .or_default()
                    .extend(list.iter().cloned());
            }
        }
    }
    writes
}

/// Malformed product kinds injected into catalogs.
fn malformed(kind: usize, id: u64) -> Value {
    let mut product = json!({ "id": id, "title": "Broken", "price": 1.0, "stock": 1 });
    match kind {
        0 => product = json!({ "title": "No id", "price": 1.0, "stock": 1 }),
        1 => product["id"] = json!("x"),
        2 => product = json!({ "id": id, "price": 1.0, "stock": 1 }),
        3 => product["price"] = json!("abc"),
        4 => product["price"] = json!(-1),
        5 => product["stock"] = json!(3.5),
        6 => product["stock"] = json!(-1),
        7 => product["tags"] = json!("beauty"),
        8 => product["images"] = json!([1, 2]),
        9 => product["dimensions"] = json!({ "width": "wide" }),
        10 => product = json!(42),
        _ => product["brand"] = json!(5),
    }
    product
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn applying_a_plan_then_planning_again_is_a_no_op(
        specs in catalog(),
        owned in owned_specs(),
        taken in prop::collection::vec(0..HANDLE_POOL.len(), 0..3),
        on_missing in on_missing(),
        batch_size in 1u32..8,
        page_size in 1usize..12,
    ) {
        let entries: Vec<Value> = specs.iter().map(|s| s.to_json(1)).collect();
        let pages = pages(&entries, page_size);
        let taken: Vec<String> = taken.into_iter().map(|i| format!("{}-taken", HANDLE_POOL[i])).collect();
        let fresh = plan_sync(&input_for(pages.clone(), Vec::new(), Vec::new(), on_missing, batch_size));
        let owned = owned_products(&owned, &fresh);
        let first = plan_sync(&input_for(pages.clone(), owned.clone(), taken.clone(), on_missing, batch_size));
        let after = apply(&first, &owned);
        let second = plan_sync(&input_for(pages, after, taken, on_missing, batch_size));
        let c = second.counts;
        prop_assert_eq!((c.to_create, c.to_update, c.to_complete, c.to_archive, c.to_delete), (0, 0, 0, 0, 0), "second plan: {:?}", c);
        prop_assert!(second.batches.is_empty());
        prop_assert_eq!(c.unchanged, specs.len());
    }

    #[test]
    fn the_guard_removes_every_removal_or_none(
        specs in catalog(),
        owned in owned_specs(),
        on_missing in on_missing(),
        tenths in 0u32..=10,
    ) {
        let entries: Vec<Value> = specs.iter().map(|s| s.to_json(4)).collect();
        let pages = pages(&entries, 5);
        let fresh = plan_sync(&input_for(pages.clone(), Vec::new(), Vec::new(), on_missing, 50));
        let owned = owned_products(&owned, &fresh);
        let ratio = f64::from(tenths) / 10.0;
        let mut input = input_for(pages, owned.clone(), Vec::new(), on_missing, 50);
        input.options.max_removal_ratio = ratio;
        let plan = plan_sync(&input);

        // What onMissing asks to remove: the oldest copy of each owned product missing upstream (a draft one
        // is already archived); nothing when the source sent no product (an outage, not the truth).
        let upstream: BTreeSet<u64> = specs.iter().map(|s| s.id).collect();
        let mut canonical: BTreeMap<u64, &OwnedProduct> = BTreeMap::new();
        for product in &owned {
            let id = source_id_of(&product.external_id).expect("generated external ids are the sync's");
            let slot = canonical.entry(id).or_insert(product);
            if product.id < slot.id {
                *slot = product;
            }
        }
        let duplicates = owned.len() - canonical.len();
        let wanted = canonical
            .iter()
            .filter(|(id, product)| {
                !upstream.is_empty()
                    && !upstream.contains(id)
                    && match on_missing {
                        OnMissing::Keep => false,
                        OnMissing::Draft => product.status != "draft",
                        OnMissing::Delete => true,
                    }
            })
            .count();
        let held_back = wanted > 0 && wanted as f64 / canonical.len() as f64 > ratio;
        let removed = plan.counts.to_archive + plan.counts.to_delete - duplicates;
        if held_back {
            prop_assert_eq!(plan.held_removals.len(), wanted);
            prop_assert_eq!(removed, 0, "a held-back run removes nothing but duplicates");
            prop_assert_eq!(plan.errors.iter().filter(|e| e.code == "REMOVALS_HELD_BACK").count(), 1);
        } else {
            prop_assert!(plan.held_removals.is_empty());
            prop_assert_eq!(removed, wanted);
            prop_assert!(plan.errors.iter().all(|e| e.code != "REMOVALS_HELD_BACK"));
        }
        prop_assert!(removed as f64 <= ratio * canonical.len() as f64 + 1e-9 || removed == 0);
    }

    #[test]
    fn handles_are_valid_and_unique_and_every_valid_product_lands_once(
        specs in catalog(),
        owned in owned_specs(),
        taken in prop::collection::vec(0..HANDLE_POOL.len(), 0..4),
        batch_size in 1u32..8,
    ) {
        let entries: Vec<Value> = specs.iter().map(|s| s.to_json(2)).collect();
        let pages = pages(&entries, 7);
        let taken: Vec<String> = taken.into_iter().map(|i| HANDLE_POOL[i].to_string()).collect();
        let fresh = plan_sync(&input_for(pages.clone(), Vec::new(), Vec::new(), OnMissing::Draft, batch_size));
        let owned = owned_products(&owned, &fresh);
        let plan = plan_sync(&input_for(pages, owned.clone(), taken.clone(), OnMissing::Draft, batch_size));

        let mut in_use: HashSet<String> = taken.into_iter().chain(owned.iter().map(|o| o.handle.clone())).collect();
        for (_, product) in created(&plan) {
            prop_assert!(is_valid_handle(&product.handle), "invalid handle {}", product.handle);
            prop_assert!(in_use.insert(product.handle.clone()), "handle {} used twice", product.handle);
        }

        let valid: BTreeSet<u64> = specs.iter().map(|s| s.id).collect();
        let owned_ids: BTreeSet<u64> = owned.iter().filter_map(|o| source_id_of(&o.external_id)).collect();
        let mut landed: Vec<u64> = created(&plan).iter().map(|(id, _)| *id).chain(updated_ids(&plan)).collect();
        let written = landed.len();
        landed.sort_unstable();
        landed.dedup();
        prop_assert_eq!(landed.len(), written, "a product is written twice");
        prop_assert!(landed.iter().all(|id| valid.contains(id)));
        for (id, _) in created(&plan) {
            prop_assert!(!owned_ids.contains(&id), "owned product {} created again", id);
        }
        prop_assert_eq!(written + plan.counts.unchanged, valid.len());
        prop_assert_eq!(plan.counts.valid, valid.len());
        prop_assert_eq!(plan.counts.rejected, 0);
    }

    #[test]
    fn rejected_products_never_hide_valid_ones(
        specs in catalog(),
        owned in owned_specs(),
        injected in prop::collection::vec((0usize..12, 0usize..40), 1..10),
        page_size in 1usize..12,
    ) {
        let entries: Vec<Value> = specs.iter().map(|s| s.to_json(3)).collect();
        let clean_pages = pages(&entries, page_size);
        let fresh = plan_sync(&input_for(clean_pages.clone(), Vec::new(), Vec::new(), OnMissing::Draft, 50));
        let owned = owned_products(&owned, &fresh);
        let clean = plan_sync(&input_for(clean_pages, owned.clone(), Vec::new(), OnMissing::Draft, 50));

        // Malformed products get ids no valid product has (1000+), at random positions.
        let mut dirty_entries = entries.clone();
        for (n, (kind, position)) in injected.iter().enumerate() {
            let at = position % (dirty_entries.len() + 1);
            dirty_entries.insert(at, malformed(*kind, 1000 + n as u64));
        }
        let dirty = plan_sync(&input_for(pages(&dirty_entries, page_size), owned, Vec::new(), OnMissing::Draft, 50));

        prop_assert_eq!(dirty.counts.rejected, injected.len());
        prop_assert_eq!(dirty.counts.valid, clean.counts.valid);
        prop_assert_eq!(dirty.counts.unchanged, clean.counts.unchanged);
        let creates = |plan: &SyncPlan| -> Vec<Value> {
            created(plan).iter().map(|(_, p)| serde_json::to_value(p).expect("serializable")).collect()
        };
        prop_assert_eq!(creates(&dirty), creates(&clean));
        let mut dirty_updates = updated_ids(&dirty);
        let mut clean_updates = updated_ids(&clean);
        dirty_updates.sort_unstable();
        clean_updates.sort_unstable();
        prop_assert_eq!(dirty_updates, clean_updates);
        for error in dirty.errors.iter().filter(|e| e.source_id.is_some_and(|id| id < 1000)) {
            prop_assert!(false, "a valid product got an error: {:?}", error);
        }
    }

    #[test]
    fn a_plan_made_in_windows_from_recorded_products_writes_what_the_whole_plan_writes(
        specs in catalog(),
        owned in owned_specs(),
        on_missing in on_missing(),
        batch_size in 1u32..8,
        page_size in 1usize..12,
        window in 1usize..6,
        window_bytes in 1usize..6000,
        chunk in 1usize..5,
        mask in prop::collection::vec(any::<bool>(), 0..40),
    ) {
        let entries: Vec<Value> = specs.iter().map(|s| s.to_json(1)).collect();
        let pages = pages(&entries, page_size);
        let fresh = plan_sync(&input_for(pages.clone(), Vec::new(), Vec::new(), on_missing, batch_size));
        let owned = owned_products(&owned, &fresh);
        let whole = plan_sync(&input_for(pages.clone(), owned.clone(), Vec::new(), on_missing, batch_size));

        let (full, recorded) = split_recorded(&owned, &mask);
        let input = PlanInput { recorded, ..input_for(pages, full, Vec::new(), on_missing, batch_size) };
        let limits = WindowLimits { products: window, bytes: window_bytes };
        let (wanted, summary, batches) = plan_in_windows(input, &owned, limits, chunk);

        prop_assert_eq!(summary.counts, whole.counts);
        prop_assert_eq!(&summary.errors, &whole.errors);
        prop_assert_eq!(&summary.stock, &whole.stock);
        prop_assert_eq!(&summary.completeness, &whole.completeness);
        prop_assert_eq!(writes_by_kind(&batches), writes_by_kind(&whole.batches));
        let indexes: Vec<usize> = batches.iter().map(WriteBatch::index).collect();
        prop_assert_eq!(indexes, (0..batches.len()).collect::<Vec<_>>());
        prop_assert!(summary.windows.iter().all(|w| w.batch_count > 0));
        let updated: BTreeSet<u64> = updated_ids(&whole).into_iter().collect();
        for id in &wanted {
            let product = owned.iter().find(|p| &p.id == id).expect("an owned product");
            let source_id = source_id_of(&product.external_id).expect("a source id");
            prop_assert!(updated.contains(&source_id), "row {} asked for, but the product is not updated", id);
        }
    }

    #[test]
    fn once_a_plan_is_applied_and_recorded_the_next_asks_for_no_row_and_writes_nothing(
        specs in catalog(),
        owned in owned_specs(),
        on_missing in on_missing(),
        page_size in 1usize..12,
    ) {
        let entries: Vec<Value> = specs.iter().map(|s| s.to_json(1)).collect();
        let pages = pages(&entries, page_size);
        let fresh = plan_sync(&input_for(pages.clone(), Vec::new(), Vec::new(), on_missing, 3));
        let owned = owned_products(&owned, &fresh);
        let first = plan_sync(&input_for(pages.clone(), owned.clone(), Vec::new(), on_missing, 3));
        let after = apply(&first, &owned);
        let (full, recorded) = split_recorded(&after, &[]);
        let input = PlanInput { recorded, ..input_for(pages, full, Vec::new(), on_missing, 3) };
        let (wanted, summary, batches) = plan_in_windows(input, &after, WindowLimits::HOST, 2);
        prop_assert!(wanted.is_empty(), "rows asked for: {:?}", wanted);
        prop_assert!(batches.is_empty() && summary.windows.is_empty());
        prop_assert_eq!(summary.counts.unchanged, specs.len());
    }
}
