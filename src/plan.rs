//! The sync plan: from raw source bodies and a snapshot of the store to the exact writes to make.
//!
//! [`plan_sync`] parses every page and single-product body, checks completeness, validates and maps each
//! product on its own, assigns handles to new products, diffs against the owned snapshot and cuts the writes
//! into batches. It never fails: every problem becomes a [`RunError`] and the valid rest is planned.
//!
//! Rules the contract left open, decided here:
//! * **Duplicate source ids** (the catalog shifted between page requests): the first occurrence wins, every
//!   further one gives a `DUPLICATE_PRODUCT_ID` error and is otherwise ignored (counted in `fetched` only).
//! * **Duplicate SKU / barcode** among incoming products (both are unique in Medusa): the product with the
//!   lower source id keeps it, the other is rejected (`DUPLICATE_SKU` / `DUPLICATE_BARCODE`) instead of making a
//!   whole batch fail.
//! * **Duplicate owned products** (same `external_id` twice, e.g. after a crash between a create and the
//!   snapshot): the one with the smallest Medusa id is kept (ids are time-ordered ULIDs, so that is the oldest)
//!   and the others are deleted, whatever `onMissing` says.
//! * **Removals are skipped** (products missing upstream are neither archived nor deleted, error
//!   `INCOMPLETE_FETCH` or `REMOVALS_SKIPPED`) when a full sync did not receive the whole catalog, when a
//!   rejected product had no usable id (it could be any owned product), or when the source returned no product
//!   at all (an empty catalog is far more likely an outage than the truth).
//! * **Removals are held back** (`REMOVALS_HELD_BACK`, listed in `heldRemovals`) when a full sync would remove
//!   more than `maxRemovalRatio` of the owned products, and **left to the next full sync** by a targeted run
//!   answered 404 (`REMOVAL_LEFT_TO_FULL_SYNC` notices): see [`crate::removals`]. A held set is applied later by
//!   [`plan_held_removals`].
//! * A product rejected in this run (invalid field, unknown category...) that the sync owns is left untouched:
//!   it is still upstream, so it is not missing.
//! * Products missing upstream that are already `draft` with `onMissing: "draft"` are not archived again; they
//!   count as `kept`, like products missing upstream under `onMissing: "keep"` or skipped removals.
//! * **Completions, never recreation.** An owned product still upstream that lacks its variant, its variant's
//!   price set or its inventory item gets exactly that, created on it ([`WriteBatch::Complete`]): the product
//!   keeps its id, the variant keeps its id whenever it has one. A variant without a price in the sync's
//!   currency (a currency change, a price deleted in the admin) is updated with its full price list plus the
//!   new price: the other prices keep their ids and amounts (the old currency's price stays; the sync stops
//!   updating it). An update names every variant of the product, the others by id, so none is deleted.
//! * The sync owns product status: an owned product still upstream whose status is not `published` is updated
//!   back to `published`.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::batching::{build_batches, BatchSummary, Removal, WriteBatch, Writes};
use crate::fingerprint::fingerprints;
use crate::handles::{assign_handles, HandleRequest};
use crate::images::{cap_images, image_errors, ImageFailure, ImageResolver, StoredImage};
use crate::mapping::{
    completion_input, create_input, inventory_item_input, map_product, source_id_of, sync_price,
    update_input, MappingContext,
};
use crate::model::{OwnedProduct, RunError, RunErrorCode, SourceId, SyncScope};
use crate::options::SyncOptions;
use crate::removals::{
    decide_removals, judge_held_removals, HeldRemoval, HeldRemovalsInput, RemovalAction,
};
use crate::source::{parse_page, parse_product, SourceProduct};
use crate::stock::StockTarget;
use crate::taxonomy::{CategoryIndex, ExistingCategory, ExistingTag, TagIndex};

/// Status value of a published product.
const PUBLISHED: &str = "published";
/// Status value of a draft product.
const DRAFT: &str = "draft";

/// Everything [`plan_sync`] decides from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlanInput {
    /// Validated plugin options.
    pub options: SyncOptions,
    /// Raw `/products` page bodies.
    pub pages: Vec<String>,
    /// Raw `/products/:id` bodies (targeted sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub products: Option<Vec<String>>,
    /// Targeted sync: ids the source answered 404 for (missing upstream; a targeted run leaves them to the next
    /// full sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "Array<number>")]
    pub not_found_ids: Option<Vec<SourceId>>,
    /// Full or targeted.
    pub scope: SyncScope,
    /// Every store category (after the categories plan was executed).
    pub categories: Vec<ExistingCategory>,
    /// Every store tag (after the tags plan was executed).
    pub tags: Vec<ExistingTag>,
    /// Products the sync created earlier.
    pub owned: Vec<OwnedProduct>,
    /// Handles used by store products the sync does not own.
    pub taken_handles: Vec<String>,
    /// Sales channel of created products, resolved by the host.
    pub sales_channel_id: Option<String>,
    /// The sync's stock location, resolved by the host: created products get their inventory item with its
    /// level there (see [`WriteBatch::Create`]); `null` leaves items to Medusa and levels to the stock step.
    #[serde(default)]
    #[ts(optional)]
    pub stock_location_id: Option<String>,
    /// Images copied into the store so far (`images: "upload"`), including this run's.
    #[serde(default)]
    #[ts(as = "Option<Vec<StoredImage>>", optional)]
    pub stored_images: Vec<StoredImage>,
    /// Images this run could not copy (`images: "upload"`).
    #[serde(default)]
    #[ts(as = "Option<Vec<ImageFailure>>", optional)]
    pub image_failures: Vec<ImageFailure>,
}

/// Counts of a plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlanCounts {
    /// Product entries received (valid, rejected and duplicates).
    pub fetched: usize,
    /// Products valid and mapped (= toCreate + toUpdate + unchanged).
    pub valid: usize,
    /// Products rejected (one error each).
    pub rejected: usize,
    /// Products to create.
    pub to_create: usize,
    /// Products to update.
    pub to_update: usize,
    /// Products whose content is already up to date (one may still be completed).
    pub unchanged: usize,
    /// Owned products to complete: what they lack (a variant, a price set, an inventory item) is created on
    /// them, whether their content changed (they are in `toUpdate` too) or not (in `unchanged`).
    #[serde(default)]
    #[ts(as = "Option<usize>", optional)]
    pub to_complete: usize,
    /// Owned products to set to draft.
    pub to_archive: usize,
    /// Owned products to delete.
    pub to_delete: usize,
    /// Owned products missing upstream that are left as they are.
    pub kept: usize,
}

/// Whether the whole requested catalog was received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Completeness {
    /// Products expected: the source's `total` (full) or the number of requested ids (targeted); `null` when
    /// no page could be read.
    pub expected_total: Option<usize>,
    /// Distinct products received (for a targeted sync, requested ids answered, 404s included).
    pub received: usize,
    /// Source ids received more than once.
    #[ts(type = "Array<number>")]
    pub duplicate_ids: Vec<SourceId>,
    /// Whether everything expected was received.
    pub complete: bool,
}

/// The plan: batches to execute plus what the run found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncPlan {
    /// Write batches in execution order.
    pub batches: Vec<WriteBatch>,
    /// Counts.
    pub counts: PlanCounts,
    /// Every problem found.
    pub errors: Vec<RunError>,
    /// Completeness of the fetch.
    pub completeness: Completeness,
    /// The source stock of the valid products whose level the stock plan made after the writes checks
    /// ([`crate::stock::plan_stock_levels`]), by source id: every updated or unchanged one, and the created ones
    /// unless they are created with their level (the stock location is known).
    #[serde(default)]
    pub stock: Vec<StockTarget>,
    /// The removals the guard held back (empty unless `errors` has `REMOVALS_HELD_BACK`).
    #[serde(rename = "heldRemovals", default)]
    pub held_removals: Vec<HeldRemoval>,
}

/// A plan without the contents of its batches: what the host needs before it writes (counts, completeness,
/// errors, stock targets, one [`BatchSummary`] per batch), small whatever the size of the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CatalogPlanSummary {
    /// Counts, as `SyncPlan.counts`.
    pub counts: PlanCounts,
    /// Completeness of the fetch, as `SyncPlan.completeness`.
    pub completeness: Completeness,
    /// Every problem found, as `SyncPlan.errors`.
    pub errors: Vec<RunError>,
    /// One entry per batch, in execution order.
    pub batches: Vec<BatchSummary>,
    /// The source stock of every valid product, as `SyncPlan.stock`.
    pub stock: Vec<StockTarget>,
    /// The removals the guard held back, as `SyncPlan.heldRemovals`.
    #[serde(rename = "heldRemovals")]
    pub held_removals: Vec<HeldRemoval>,
}

/// The summary of a plan: everything but the contents of its batches.
pub fn summarize_plan(plan: &SyncPlan) -> CatalogPlanSummary {
    CatalogPlanSummary {
        counts: plan.counts,
        completeness: plan.completeness.clone(),
        errors: plan.errors.clone(),
        batches: plan.batches.iter().map(WriteBatch::summary).collect(),
        stock: plan.stock.clone(),
        held_removals: plan.held_removals.clone(),
    }
}

/// What the received bodies contained, after de-duplication.
#[derive(Default)]
struct Received {
    products: Vec<SourceProduct>,
    /// Every source id seen (valid or rejected).
    seen: HashSet<SourceId>,
    duplicate_ids: BTreeSet<SourceId>,
    fetched: usize,
    rejected: usize,
    /// Rejected entries without a usable id.
    unidentified: usize,
    expected_total: Option<u64>,
    malformed_pages: usize,
    errors: Vec<RunError>,
}

impl Received {
    fn absorb(&mut self, entry: Result<SourceProduct, RunError>) {
        self.fetched += 1;
        let id = match &entry {
            Ok(product) => Some(product.id),
            Err(error) => error.source_id,
        };
        if let Some(id) = id {
            if !self.seen.insert(id) {
                self.duplicate_ids.insert(id);
                self.errors.push(RunError::new(
                    Some(id),
                    Some("id"),
                    RunErrorCode::DuplicateProductId,
                    format!("product {id}: received more than once; the first occurrence is used"),
                ));
                return;
            }
        }
        match entry {
            Ok(product) => self.products.push(product),
            Err(error) => self.reject(error),
        }
    }

    fn reject(&mut self, error: RunError) {
        self.rejected += 1;
        if error.source_id.is_none() {
            self.unidentified += 1;
        }
        self.errors.push(error);
    }
}

fn receive(input: &PlanInput) -> Received {
    let mut received = Received::default();
    for (position, body) in input.pages.iter().enumerate() {
        match parse_page(body) {
            Ok(page) => {
                received.expected_total = received.expected_total.max(Some(page.total));
                for entry in page.entries() {
                    received.absorb(entry);
                }
            }
            Err(error) => {
                received.malformed_pages += 1;
                received.errors.push(RunError::new(
                    None,
                    None,
                    RunErrorCode::MalformedPage,
                    format!(
                        "page body {} of {}: {error}",
                        position + 1,
                        input.pages.len()
                    ),
                ));
            }
        }
    }
    for body in input.products.iter().flatten() {
        received.absorb(parse_product(body));
    }
    received
}

/// Rejects products whose SKU or barcode an earlier (lower id) product already uses. `products` is sorted.
fn reject_shared_identifiers(received: &mut Received) {
    let mut skus: HashMap<&str, SourceId> = HashMap::with_capacity(received.products.len());
    let mut barcodes: HashMap<&str, SourceId> = HashMap::with_capacity(received.products.len());
    let mut rejections: Vec<(usize, RunError)> = Vec::new();
    for (position, product) in received.products.iter().enumerate() {
        let id = product.id;
        let sku = product.sku.as_deref();
        let barcode = product.barcode.as_deref();
        let rejection = if let Some((sku, owner)) = sku.and_then(|s| Some((s, *skus.get(s)?))) {
            Some(RunError::new(
                Some(id),
                Some("sku"),
                RunErrorCode::DuplicateSku,
                format!("product {id}: sku \"{sku}\" is already used by product {owner}"),
            ))
        } else if let Some((barcode, owner)) = barcode.and_then(|b| Some((b, *barcodes.get(b)?))) {
            Some(RunError::new(
                Some(id),
                Some("meta.barcode"),
                RunErrorCode::DuplicateBarcode,
                format!("product {id}: barcode \"{barcode}\" is already used by product {owner}"),
            ))
        } else {
            None
        };
        match rejection {
            Some(error) => rejections.push((position, error)),
            None => {
                if let Some(sku) = sku {
                    skus.insert(sku, id);
                }
                if let Some(barcode) = barcode {
                    barcodes.insert(barcode, id);
                }
            }
        }
    }
    if rejections.is_empty() {
        return;
    }
    let rejected: HashSet<usize> = rejections.iter().map(|(position, _)| *position).collect();
    let mut position = 0;
    received.products.retain(|_| {
        position += 1;
        !rejected.contains(&(position - 1))
    });
    for (_, error) in rejections {
        received.reject(error);
    }
}

/// The owned snapshot indexed by source id.
struct OwnedIndex<'a> {
    /// The product kept for each source id.
    canonical: BTreeMap<SourceId, &'a OwnedProduct>,
    /// Duplicates to delete.
    duplicates: Vec<Removal>,
}

fn index_owned<'a>(owned: &'a [OwnedProduct], errors: &mut Vec<RunError>) -> OwnedIndex<'a> {
    let mut by_source: Vec<(SourceId, &OwnedProduct)> = Vec::with_capacity(owned.len());
    for product in owned {
        match source_id_of(&product.external_id) {
            Some(source_id) => by_source.push((source_id, product)),
            None => errors.push(RunError::new(
                None,
                None,
                RunErrorCode::UnrecognizedExternalId,
                format!(
                    "store product {}: external_id \"{}\" is not dummyjson:<id>; it is left untouched",
                    product.id, product.external_id
                ),
            )),
        }
    }
    by_source.sort_by(|(a_source, a), (b_source, b)| {
        a_source.cmp(b_source).then_with(|| a.id.cmp(&b.id))
    });
    let mut index = OwnedIndex {
        canonical: BTreeMap::new(),
        duplicates: Vec::new(),
    };
    for (source_id, product) in by_source {
        match index.canonical.entry(source_id) {
            Entry::Occupied(_) => index.duplicates.push(Removal {
                source_id,
                product_id: product.id.clone(),
            }),
            Entry::Vacant(slot) => {
                slot.insert(product);
            }
        }
    }
    index
}

/// Plans a sync run. Deterministic: the same input always gives the same plan.
pub fn plan_sync(input: &PlanInput) -> SyncPlan {
    let mut received = receive(input);
    received.products.sort_unstable_by_key(|product| product.id);
    reject_shared_identifiers(&mut received);

    let mut errors = std::mem::take(&mut received.errors);
    let owned = index_owned(&input.owned, &mut errors);
    let categories = CategoryIndex::new(&input.categories);
    let tags = TagIndex::new(&input.tags);
    let images = ImageResolver::new(
        input.options.images,
        &input.stored_images,
        &input.image_failures,
    );
    let context = MappingContext {
        currency_code: &input.options.currency_code,
        categories: &categories,
        tags: &tags,
        images: &images,
    };

    let mut counts = PlanCounts {
        fetched: received.fetched,
        ..PlanCounts::default()
    };
    let mut writes = Writes::default();
    let mut new_products = Vec::new();
    let mut stock = Vec::with_capacity(received.products.len());
    for mut product in std::mem::take(&mut received.products) {
        let too_many_images = cap_images(&mut product, input.options.max_images_per_product);
        let image_problems = image_errors(&product, &images);
        let mapped = match map_product(product, &context) {
            Ok(mapped) => mapped,
            Err(error) => {
                received.reject(error);
                continue;
            }
        };
        errors.extend(too_many_images);
        errors.extend(image_problems);
        let target = StockTarget {
            source_id: mapped.source_id,
            stock: mapped.stock,
        };
        let prints = fingerprints(&mapped);
        match owned.canonical.get(&mapped.source_id) {
            Some(current) => {
                let location = input.stock_location_id.as_deref();
                let completion = completion_input(&mapped, current, location);
                // A completion that creates an inventory item creates it with its level.
                let item_created = completion
                    .as_ref()
                    .is_some_and(|c| c.variant.is_some() || c.inventory_item.is_some());
                if !(item_created && location.is_some()) {
                    stock.push(target);
                }
                let same_content = current.fingerprint.as_deref() == Some(prints.content.as_str());
                let lacks_price = current.variant_id.is_some()
                    && current.price_set_linked
                    && sync_price(&current.prices, &mapped.currency_code).is_none();
                if same_content && current.status == PUBLISHED && !lacks_price {
                    counts.unchanged += 1;
                } else {
                    let images_changed =
                        current.images_fingerprint.as_deref() != Some(prints.images.as_str());
                    writes
                        .update
                        .push(update_input(mapped, current, prints, images_changed));
                }
                writes.complete.extend(completion);
            }
            None => {
                if input.stock_location_id.is_none() {
                    stock.push(target);
                }
                new_products.push((mapped, prints));
            }
        }
    }
    errors.append(&mut received.errors);

    let taken: HashSet<&str> = input
        .taken_handles
        .iter()
        .map(String::as_str)
        .chain(input.owned.iter().map(|product| product.handle.as_str()))
        .collect();
    let requests: Vec<HandleRequest<'_>> = new_products
        .iter()
        .map(|(mapped, _)| HandleRequest {
            source_id: mapped.source_id,
            title: &mapped.title,
        })
        .collect();
    let mut handles = assign_handles(&requests, &taken);
    let sales_channel = input.sales_channel_id.as_deref();
    for (mapped, prints) in new_products {
        let handle = handles
            .remove(&mapped.source_id)
            .unwrap_or_else(|| format!("product-{}", mapped.source_id));
        let item = input
            .stock_location_id
            .as_deref()
            .map(|location| inventory_item_input(&mapped, Some(location)));
        writes
            .create
            .push((create_input(mapped, handle, prints, sales_channel), item));
    }

    let completeness = completeness(input, &received);
    let held_removals = plan_removals(
        input,
        &received,
        &completeness,
        &owned,
        &mut writes,
        &mut counts,
        &mut errors,
    );
    writes.delete.extend(owned.duplicates);
    writes.delete.sort();

    counts.rejected = received.rejected;
    counts.to_create = writes.create.len();
    counts.to_update = writes.update.len();
    counts.to_complete = writes.complete.len();
    counts.valid = counts.to_create + counts.to_update + counts.unchanged;
    counts.to_archive = writes.archive.len();
    counts.to_delete = writes.delete.len();
    let batch_size = usize::try_from(input.options.batch_size).unwrap_or(usize::MAX);
    SyncPlan {
        batches: build_batches(writes, batch_size),
        counts,
        errors,
        completeness,
        stock,
        held_removals,
    }
}

fn completeness(input: &PlanInput, received: &Received) -> Completeness {
    let duplicate_ids: Vec<SourceId> = received.duplicate_ids.iter().copied().collect();
    match &input.scope {
        SyncScope::Full => {
            let distinct = received.seen.len() + received.unidentified;
            let expected = received
                .expected_total
                .map(|total| usize::try_from(total).unwrap_or(usize::MAX));
            Completeness {
                expected_total: expected,
                received: distinct,
                duplicate_ids,
                complete: received.malformed_pages == 0
                    && expected.is_some_and(|expected| distinct >= expected),
            }
        }
        SyncScope::Targeted { product_ids } => {
            let requested: BTreeSet<SourceId> = product_ids.iter().copied().collect();
            let not_found: HashSet<SourceId> =
                input.not_found_ids.iter().flatten().copied().collect();
            let answered = requested
                .iter()
                .filter(|id| received.seen.contains(id) || not_found.contains(id))
                .count();
            Completeness {
                expected_total: Some(requested.len()),
                received: answered,
                duplicate_ids,
                complete: answered == requested.len(),
            }
        }
    }
}

/// Decides what happens to owned products that are no longer upstream; returns the removals the guard held
/// back.
fn plan_removals(
    input: &PlanInput,
    received: &Received,
    completeness: &Completeness,
    owned: &OwnedIndex<'_>,
    writes: &mut Writes,
    counts: &mut PlanCounts,
    errors: &mut Vec<RunError>,
) -> Vec<HeldRemoval> {
    let candidates: Vec<(SourceId, &OwnedProduct)> = match &input.scope {
        SyncScope::Full => owned
            .canonical
            .iter()
            .filter(|(id, _)| !received.seen.contains(id))
            .map(|(id, product)| (*id, *product))
            .collect(),
        SyncScope::Targeted { .. } => {
            let not_found: BTreeSet<SourceId> =
                input.not_found_ids.iter().flatten().copied().collect();
            not_found
                .into_iter()
                .filter(|id| !received.seen.contains(id))
                .filter_map(|id| owned.canonical.get(&id).map(|product| (id, *product)))
                .collect()
        }
    };

    if !completeness.complete {
        let expected = completeness
            .expected_total
            .map_or_else(|| "an unknown number of".to_string(), |n| n.to_string());
        let consequence = match (&input.scope, candidates.is_empty()) {
            (SyncScope::Full, false) => format!(
                "; {} product(s) missing upstream were neither archived nor deleted",
                candidates.len()
            ),
            _ => String::new(),
        };
        errors.push(RunError::new(
            None,
            None,
            RunErrorCode::IncompleteFetch,
            format!(
                "received {} of {expected} products{consequence}",
                completeness.received
            ),
        ));
    }
    if candidates.is_empty() {
        return Vec::new();
    }
    if let SyncScope::Full = input.scope {
        // An incomplete fetch was already reported above (INCOMPLETE_FETCH).
        let distrust = if !completeness.complete {
            Some(None)
        } else if received.unidentified > 0 {
            Some(Some(format!(
                "{} rejected product(s) had no usable id and could be any of them",
                received.unidentified
            )))
        } else if received.seen.is_empty() {
            Some(Some("the source returned no product at all".to_string()))
        } else {
            None
        };
        if let Some(reason) = distrust {
            if let Some(reason) = reason {
                errors.push(RunError::new(
                    None,
                    None,
                    RunErrorCode::RemovalsSkipped,
                    format!(
                        "{} product(s) missing upstream were neither archived nor deleted: {reason}",
                        candidates.len()
                    ),
                ));
            }
            counts.kept += candidates.len();
            return Vec::new();
        }
    }
    let Some(action) = RemovalAction::for_on_missing(input.options.on_missing) else {
        counts.kept += candidates.len();
        return Vec::new();
    };
    let mut removals = Vec::with_capacity(candidates.len());
    for (source_id, product) in candidates {
        if action == RemovalAction::Archive && product.status == DRAFT {
            counts.kept += 1;
        } else {
            removals.push(Removal {
                source_id,
                product_id: product.id.clone(),
            });
        }
    }
    let decision = decide_removals(
        &input.scope,
        removals,
        action,
        owned.canonical.len(),
        input.options.max_removal_ratio,
    );
    counts.kept += decision.not_applied;
    errors.extend(decision.errors);
    match action {
        RemovalAction::Archive => writes.archive.extend(decision.apply),
        RemovalAction::Delete => writes.delete.extend(decision.apply),
    }
    decision.held
}

/// Plans applying a held set (the removals a full run's guard held back, confirmed by an operator): the
/// archive and delete batches of the held products the source still answers 404 for and the store still has as
/// they were, with a `HELD_REMOVAL_SKIPPED` notice for each other one (see [`crate::removals`]). Counts:
/// `fetched` = held products the source answered, `toArchive` / `toDelete` = the removals planned.
///
/// ```
/// use catalog_sync::plan::plan_held_removals;
/// use catalog_sync::removals::{HeldRemoval, HeldRemovalsInput, ProductState, RemovalAction};
/// let plan = plan_held_removals(&HeldRemovalsInput {
///     held: vec![HeldRemoval { source_id: 3, product_id: "prod_3".into(), action: RemovalAction::Archive }],
///     not_found_ids: vec![3],
///     products: vec![ProductState { id: "prod_3".into(), external_id: Some("dummyjson:3".into()), status: "published".into() }],
///     batch_size: 50,
/// });
/// assert_eq!(plan.counts.to_archive, 1);
/// assert!(plan.errors.is_empty());
/// ```
pub fn plan_held_removals(input: &HeldRemovalsInput) -> SyncPlan {
    let applied = judge_held_removals(input);
    let counts = PlanCounts {
        fetched: applied.answered,
        to_archive: applied.archive.len(),
        to_delete: applied.delete.len(),
        ..PlanCounts::default()
    };
    let writes = Writes {
        archive: applied.archive,
        delete: applied.delete,
        ..Writes::default()
    };
    let requested: BTreeSet<SourceId> = input.held.iter().map(|held| held.source_id).collect();
    let batch_size = usize::try_from(input.batch_size).unwrap_or(usize::MAX);
    SyncPlan {
        batches: build_batches(writes, batch_size),
        counts,
        errors: applied.errors,
        completeness: Completeness {
            expected_total: Some(requested.len()),
            received: requested.len(),
            duplicate_ids: Vec::new(),
            complete: true,
        },
        stock: Vec::new(),
        held_removals: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batching::WriteKind;

    fn input(pages: Vec<String>, batch_size: u32) -> PlanInput {
        PlanInput {
            options: SyncOptions {
                batch_size,
                ..SyncOptions::default()
            },
            pages,
            products: None,
            not_found_ids: None,
            scope: SyncScope::Full,
            categories: Vec::new(),
            tags: Vec::new(),
            owned: Vec::new(),
            taken_handles: Vec::new(),
            sales_channel_id: None,
            stock_location_id: None,
            stored_images: Vec::new(),
            image_failures: Vec::new(),
        }
    }

    #[test]
    fn the_summary_is_the_plan_without_batch_contents() {
        let page = r#"{"products":[{"id":1,"title":"A","price":1,"stock":2},{"id":2,"title":"B","price":"x","stock":1},
            {"id":3,"title":"C","price":3,"stock":0},{"id":4,"title":"D","price":4,"stock":9}],
            "total":4,"skip":0,"limit":4}"#;
        let plan = plan_sync(&input(vec![page.to_string()], 2));
        let summary = summarize_plan(&plan);
        assert_eq!(summary.counts, plan.counts);
        assert_eq!(summary.completeness, plan.completeness);
        assert_eq!(summary.errors, plan.errors);
        assert_eq!(summary.stock, plan.stock);
        let outline: Vec<(WriteKind, usize, Vec<Option<SourceId>>)> = summary
            .batches
            .iter()
            .map(|b| (b.kind, b.len, b.source_ids.clone()))
            .collect();
        assert_eq!(
            outline,
            vec![
                (WriteKind::Create, 2, vec![Some(1), Some(3)]),
                (WriteKind::Create, 1, vec![Some(4)])
            ]
        );
        let keys: Vec<String> = serde_json::to_value(&summary).unwrap()["batches"][0]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["index", "kind", "len", "sourceIds"]);
    }
}
