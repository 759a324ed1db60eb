//! The sync plan: from raw source bodies and a snapshot of the store to the exact writes to make.
//!
//! The plan parses every page and single-product body, checks completeness, validates and maps each product on its
//! own, assigns handles to new products, diffs against the owned products and cuts the writes into batches. It
//! never fails because of the source: every problem becomes a [`RunError`] and the valid rest is planned.
//!
//! **Cost proportional to change.** A [`Planner`] makes the plan of a run in two passes over the bodies, so that
//! neither the source nor the store is ever held whole:
//!
//! 1. the census reads the bodies a few at a time and keeps, per product, only its id, where it is, its SKU and
//!    barcode, its fingerprints, stock and title;
//! 2. an owned product comes either with its full content ([`OwnedProduct`]: a product that lacks something) or as
//!    the ledger records it ([`RecordedProduct`], from the store check of [`crate::snapshot`]). A recorded product
//!    whose fingerprint still matches and that is published is unchanged: nothing of it is read; for one whose
//!    content changed, the planner asks for its full row;
//! 3. the outline counts everything and lays out every batch, cut into windows of at most
//!    [`WindowLimits::HOST`] products (creates, updates, completions in source id order), then the archives and
//!    deletes;
//! 4. each window's batches are made from its bodies, read again, when the host is about to write them.
//!
//! [`plan_sync`] does all of it in one call, with one window: the same plan a host writing in windows makes, its
//! batches only cut differently.
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

mod census;
mod owned;
mod planner;
mod removals;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::batching::{build_batches, BatchSummary, WriteBatch, Writes};
use crate::images::{ImageFailure, StoredImage};
use crate::model::{OwnedProduct, RecordedProduct, RunError, SourceId, SyncScope};
use crate::options::SyncOptions;
use crate::removals::{judge_held_removals, HeldRemoval, HeldRemovalsInput};
use crate::stock::{ExistingLevel, InventoryItemRef, StockTarget};
use crate::taxonomy::{ExistingCategory, ExistingTag};

pub use planner::{Planner, PlannerError, WindowLimits};

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
    /// Raw `/products` page bodies (a [`Planner`] may also be given them a few at a time).
    #[serde(default)]
    #[ts(as = "Option<Vec<String>>", optional)]
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
    /// Products the sync created earlier, with their full content.
    pub owned: Vec<OwnedProduct>,
    /// Products the sync created earlier, as the store check found them recorded in the ledger (see
    /// [`RecordedProduct`]).
    #[serde(default)]
    #[ts(as = "Option<Vec<RecordedProduct>>", optional)]
    pub recorded: Vec<RecordedProduct>,
    /// The live inventory item of each owned product's variant (for [`Planner::plan_stock`]).
    #[serde(default)]
    #[ts(as = "Option<Vec<InventoryItemRef>>", optional)]
    pub inventory_items: Vec<InventoryItemRef>,
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
/// errors, stock targets, one [`BatchSummary`] per batch, the windows the batches are written in).
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
    /// The windows the batches are written in, in order (a [`Planner`]'s; none for a whole plan, see
    /// [`summarize_plan`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<PlanWindow>>", optional)]
    pub windows: Vec<PlanWindow>,
}

/// The summary of a whole plan: everything but the contents of its batches (no windows: the host pulls any batch).
pub fn summarize_plan(plan: &SyncPlan) -> CatalogPlanSummary {
    CatalogPlanSummary {
        counts: plan.counts,
        completeness: plan.completeness.clone(),
        errors: plan.errors.clone(),
        batches: plan.batches.iter().map(WriteBatch::summary).collect(),
        stock: plan.stock.clone(),
        held_removals: plan.held_removals.clone(),
        windows: Vec::new(),
    }
}

/// What [`Planner::plan_stock`] needs from the host once the products are written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StockRequest {
    /// The sync's stock location.
    pub location_id: String,
    /// The levels at the location (of at least the owned products' inventory items). The host's `planStock` takes
    /// them as JSON text instead (one entry per level of the location), and ignores this field.
    #[serde(default)]
    #[ts(as = "Option<Vec<ExistingLevel>>", optional)]
    pub levels: Vec<ExistingLevel>,
    /// Products whose write Medusa refused in this run (already reported): their stock is left alone.
    #[serde(default)]
    #[ts(as = "Option<Vec<u32>>", optional)]
    pub refused_source_ids: Vec<SourceId>,
}

/// A window of writes: the batches made together from the same source bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlanWindow {
    /// The bodies its products come from: positions in the order the planner read them (pages, then product
    /// bodies), ascending. Empty for the final window of archives and deletes.
    pub bodies: Vec<usize>,
    /// Its first batch (a position in `batches`).
    pub first_batch: usize,
    /// How many batches it has.
    pub batch_count: usize,
}

/// Plans a sync run in one call (one window): the planner, outlined (its summary is ready), and every batch.
/// Deterministic: the same input always gives the same plan.
pub fn plan_catalog(mut input: PlanInput) -> Result<(Planner, Vec<WriteBatch>), PlannerError> {
    let pages = std::mem::take(&mut input.pages);
    let products = input.products.take().unwrap_or_default();
    plan_bodies(input, &pages, &products)
}

/// [`plan_catalog`] of `input` (whose own bodies are not read) with these page and product bodies.
fn plan_bodies(
    input: PlanInput,
    pages: &[String],
    products: &[String],
) -> Result<(Planner, Vec<WriteBatch>), PlannerError> {
    let mut planner = Planner::new(input, WindowLimits::WHOLE);
    planner.read_pages(pages)?;
    planner.read_products(products)?;
    // Nothing is recorded without its content here, so no row is asked for.
    planner.finish_reading()?;
    let windows = planner.summary()?.windows.clone();
    let body = |i: usize| {
        pages
            .get(i)
            .or_else(|| products.get(i - pages.len()))
            .map_or("", String::as_str)
    };
    let mut batches = Vec::new();
    for (window, outline) in windows.iter().enumerate() {
        let given: Vec<&str> = outline.bodies.iter().map(|&i| body(i)).collect();
        batches.extend(planner.plan_window(window, &given)?);
    }
    Ok((planner, batches))
}

/// Plans a sync run in one call, as a [`SyncPlan`] (see [`plan_catalog`]); the bodies are read where they are.
pub fn plan_sync(input: &PlanInput) -> SyncPlan {
    let PlanInput {
        options,
        pages,
        products,
        not_found_ids,
        scope,
        categories,
        tags,
        owned,
        recorded,
        inventory_items,
        taken_handles,
        sales_channel_id,
        stock_location_id,
        stored_images,
        image_failures,
    } = input;
    let without_bodies = PlanInput {
        options: options.clone(),
        pages: Vec::new(),
        products: None,
        not_found_ids: not_found_ids.clone(),
        scope: scope.clone(),
        categories: categories.clone(),
        tags: tags.clone(),
        owned: owned.clone(),
        recorded: recorded.clone(),
        inventory_items: inventory_items.clone(),
        taken_handles: taken_handles.clone(),
        sales_channel_id: sales_channel_id.clone(),
        stock_location_id: stock_location_id.clone(),
        stored_images: stored_images.clone(),
        image_failures: image_failures.clone(),
    };
    let planned = plan_bodies(
        without_bodies,
        pages,
        products.as_deref().unwrap_or_default(),
    )
    .and_then(|(mut planner, batches)| Ok((planner.summary()?.clone(), batches)));
    match planned {
        Ok((summary, batches)) => SyncPlan {
            batches,
            counts: summary.counts,
            errors: summary.errors,
            completeness: summary.completeness,
            stock: summary.stock,
            held_removals: summary.held_removals,
        },
        Err(error) => {
            unreachable!("a planner given everything at once is never out of order: {error}")
        }
    }
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
        batches: build_batches(writes, batch_size, 0),
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
            recorded: Vec::new(),
            inventory_items: Vec::new(),
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
        let (mut planner, batches) = plan_catalog(input(vec![page.to_string()], 2)).unwrap();
        assert_eq!(batches, plan.batches);
        let summary = planner.summary().unwrap().clone();
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
