//! Previews: what a sync would change, product by product, before it writes anything — and whether that preview
//! may be applied later.
//!
//! * [`plan_changes`] plans the sync exactly as a real run does ([`crate::plan::plan_sync`], same input) and reads
//!   the change list off that plan: one [`ProductChange`] per product, of kind `created`, `updated`, `removed`,
//!   `kept`, `rejected` or `held` (a removal the guard holds back), and for created and updated products a field by
//!   field [`FieldChange`] (title, description, price, category, tags, images, stock, status: old → new), the old
//!   values from the store as the host read it ([`CurrentProduct`]), the new ones from the plan's write inputs.
//!   Values are written as an operator reads them: categories by handle, tags by value, images by their source
//!   URL (a stored copy is named by the URL it was copied from), so the list does not depend on the store ids a
//!   run creates on its way.
//! * the preview's two fingerprints ([`ChangeList::listing_fingerprint`], [`ChangeList::plan_fingerprint`]): one of
//!   what the source listed (stable over page order and concurrency, see [`listing`]), one of the change list. An
//!   apply re-fetches and re-plans: equal fingerprints mean the source lists the same content and the store is
//!   as it was, so the plan it executes is the previewed one.
//! * [`check_apply_preview`]: whether a preview may be applied now (a preview, ended well, not expired, not
//!   applied yet) and, once the apply run re-planned, whether its fingerprints match.
//! * [`preview_taxonomy`]: a preview writes nothing, so the categories and tags a run would create first do not
//!   exist yet; the plan is made with them as placeholders (their handle or value is all the change list shows).
//! * [`product_status()`]: the sync's view of one product for its page in the admin (in sync, changed upstream,
//!   edited in the admin since the sync's last write).

pub mod apply;
pub mod current;
pub mod listing;
pub mod owned;
pub mod product_status;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;
use xxhash_rust::xxh3::xxh3_128;

use crate::batching::WriteBatch;
use crate::fetch::FetchStats;
use crate::ledger::LedgerKey;
use crate::mapping::{source_id_of, ImageInput, PriceInput, ProductStatus, VariantEntry};
use crate::model::{OwnedProduct, RunError, RunErrorCode, SourceId};
use crate::plan::{plan_sync, PlanInput, SyncPlan};
use crate::removals::RemovalAction;
use crate::report::{summarize_run, PlanOutcome, RunReport, SummarizeInput};
use crate::taxonomy::{plan_taxonomy, ExistingCategory, ExistingTag, TaxonomyPlanInput};

pub use apply::{
    check_apply_preview, ApplyPreviewRequest, ApplyPreviewVerdict, PreviewFingerprints,
};
pub use current::{CurrentProduct, CurrentStock};
pub use listing::{listing_fingerprint, ListingInput};
pub use owned::{preview_owned_products, OwnedRowsInput, PreviewOwned};
pub use product_status::{product_status, ProductStatusInput, ProductSyncState, ProductSyncStatus};

/// What a preview says will happen to one product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ChangeKind {
    /// A new product is created.
    Created,
    /// An owned product is updated, completed (given what it lacks) or gets its stock level set.
    Updated,
    /// An owned product missing upstream is archived (set to draft) or deleted, per `onMissing`.
    Removed,
    /// Nothing is written: the product is up to date, or missing upstream and left as it is.
    Kept,
    /// The source product is invalid and is not written (its errors say why).
    Rejected,
    /// An owned product missing upstream whose removal the guard holds back (see [`crate::removals`]).
    Held,
}

impl ChangeKind {
    /// Every kind, in the order counts are listed.
    pub const ALL: &'static [ChangeKind] = &[
        ChangeKind::Created,
        ChangeKind::Updated,
        ChangeKind::Removed,
        ChangeKind::Kept,
        ChangeKind::Rejected,
        ChangeKind::Held,
    ];
}

/// A product field a preview compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ChangeField {
    /// Title.
    Title,
    /// Description.
    Description,
    /// Price in the sync's currency, in major units.
    Price,
    /// Category handle.
    Category,
    /// Tag values.
    Tags,
    /// Thumbnail and image URLs (source URLs).
    Images,
    /// Units in stock at the sync's stock location.
    Stock,
    /// Product status (`published`, `draft`, or `deleted` for a product the sync deletes).
    Status,
}

/// One field of a product, before and after: `old` is `null` for a created product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldChange {
    /// The field.
    pub field: ChangeField,
    /// The store's value (`null`: none, or the product does not exist yet).
    #[ts(type = "unknown")]
    pub old: Value,
    /// The value the sync writes.
    #[ts(type = "unknown")]
    pub new: Value,
}

/// What a preview says about one product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductChange {
    /// The source id (`null` for a rejected entry without a usable id).
    #[ts(type = "number | null")]
    pub source_id: Option<SourceId>,
    /// The store product (`null` for a product to create, or a rejected one the sync does not own).
    pub product_id: Option<String>,
    /// What happens to it.
    pub kind: ChangeKind,
    /// Its title: the source's for a created or updated product, else the store's when known.
    pub title: Option<String>,
    /// Created: every mapped value; updated: the fields that change; removed or held: the status.
    pub diff: Vec<FieldChange>,
    /// What an updated product lacks and is given (`variant`, `price set`, `inventory item`, `price`).
    pub completes: Vec<String>,
    /// Rejected: why; others: the problems the run would report about it (e.g. an image not copied).
    pub errors: Vec<RunError>,
    /// The content fingerprint of the product as the source lists it now (`null` for a rejected or removed one):
    /// what a preview records on the ledger as seen (see [`product_status()`]). Not part of the plan fingerprint
    /// (it covers store ids, which a preview does not have yet).
    pub fingerprint: Option<String>,
}

/// The number of products of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChangeCounts {
    /// Products to create.
    pub created: usize,
    /// Products to update (or complete, or whose stock level changes).
    pub updated: usize,
    /// Products to archive or delete.
    pub removed: usize,
    /// Products left as they are.
    pub kept: usize,
    /// Source products rejected.
    pub rejected: usize,
    /// Removals the guard holds back.
    pub held: usize,
}

impl ChangeCounts {
    fn add(&mut self, kind: ChangeKind) {
        let count = match kind {
            ChangeKind::Created => &mut self.created,
            ChangeKind::Updated => &mut self.updated,
            ChangeKind::Removed => &mut self.removed,
            ChangeKind::Kept => &mut self.kept,
            ChangeKind::Rejected => &mut self.rejected,
            ChangeKind::Held => &mut self.held,
        };
        *count += 1;
    }
}

/// Input of [`plan_changes`]: the plan's input, exactly as a run plans with it, and the store's current values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChangesInput {
    /// The plan's input.
    pub plan: PlanInput,
    /// The current values of the owned products (the fields the snapshot does not carry).
    pub current: Vec<CurrentProduct>,
    /// The current stock levels of the owned products at the sync's stock location.
    #[serde(default)]
    #[ts(optional, as = "Option<CurrentStock>")]
    pub stock: CurrentStock,
    /// The source's `/products/categories` body, part of the listing fingerprint.
    #[serde(default)]
    #[ts(optional)]
    pub categories_body: Option<String>,
}

/// The change list of a preview, with its counts, the run-level problems of its plan and its fingerprints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChangeList {
    /// One entry per product, by source id (rejected entries without an id last).
    pub entries: Vec<ProductChange>,
    /// How many of each kind.
    pub counts: ChangeCounts,
    /// The plan's problems that concern no single product (an incomplete fetch, removals held back or skipped).
    pub notes: Vec<RunError>,
    /// The fingerprint of what the source listed ([`listing_fingerprint`]).
    pub listing_fingerprint: String,
    /// The fingerprint of the change list: equal lists, equal fingerprints.
    pub plan_fingerprint: String,
    /// The content fingerprint seen upstream for each owned product the source lists: what a preview records on
    /// the ledger (`source_fingerprint`), for [`product_status()`].
    pub seen: Vec<SeenFingerprint>,
    /// The preview run's report, as `summarizeRun` makes it from the plan with nothing written: its status
    /// (`partial` when the plan has problems, `failed` when nothing is valid), counts and every error.
    pub report: RunReport,
}

/// The content fingerprint a fetch saw upstream for a product the ledger records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SeenFingerprint {
    /// The ledger row's key.
    #[serde(flatten)]
    pub key: LedgerKey,
    /// The content fingerprint.
    pub fingerprint: String,
}

/// Error codes that reject a product (it is not written).
const REJECTIONS: &[RunErrorCode] = &[
    RunErrorCode::InvalidField,
    RunErrorCode::MissingField,
    RunErrorCode::MalformedProduct,
    RunErrorCode::DuplicateSku,
    RunErrorCode::DuplicateBarcode,
    RunErrorCode::UnknownCategory,
    RunErrorCode::UnknownTag,
];

/// Whether an error rejects its product.
fn is_rejection(error: &RunError) -> bool {
    REJECTIONS.iter().any(|code| error.has_code(*code))
}

/// Plans the sync ([`plan_sync`] on `input.plan`) and lists what it changes; see the [module](self).
///
/// ```
/// use catalog_sync::changes::{plan_changes, ChangeKind, ChangesInput};
/// use catalog_sync::model::SyncScope;
/// use catalog_sync::options::SyncOptions;
/// use catalog_sync::plan::PlanInput;
/// let page = r#"{"products":[{"id":1,"title":"Lamp","price":9.5,"stock":3}],"total":1,"skip":0,"limit":30}"#;
/// let list = plan_changes(&ChangesInput {
///     plan: PlanInput { options: SyncOptions::default(), pages: vec![page.into()], products: None, not_found_ids: None,
///         scope: SyncScope::Full, categories: vec![], tags: vec![], owned: vec![], taken_handles: vec![],
///         sales_channel_id: None, stock_location_id: None, stored_images: vec![], image_failures: vec![],
///         recorded: vec![], inventory_items: vec![] },
///     current: vec![], stock: Default::default(), categories_body: None,
/// });
/// assert_eq!(list.entries[0].kind, ChangeKind::Created);
/// assert_eq!(list.counts.created, 1);
/// ```
pub fn plan_changes(input: &ChangesInput) -> ChangeList {
    let plan = plan_sync(&input.plan);
    let context = Context::new(input);
    let mut entries: BTreeMap<SourceId, ProductChange> = BTreeMap::new();
    let mut anonymous = Vec::new();
    let stock: HashMap<SourceId, u64> = plan
        .stock
        .iter()
        .map(|target| (target.source_id, target.stock))
        .collect();
    let mut duplicates = Vec::new();
    collect_writes(&plan, &context, &stock, &mut entries, &mut duplicates);
    collect_unwritten(&plan, &context, &stock, &mut entries, &mut anonymous);

    let mut notes = Vec::new();
    for error in &plan.errors {
        match error.source_id {
            Some(id) => {
                if let Some(entry) = entries.get_mut(&id) {
                    if entry.kind != ChangeKind::Rejected || is_rejection(error) {
                        entry.errors.push(error.clone());
                    }
                }
            }
            None if is_rejection(error) => {}
            None => notes.push(error.clone()),
        }
    }
    let mut list: Vec<ProductChange> = entries.into_values().collect();
    list.append(&mut duplicates);
    list.append(&mut anonymous);
    let mut counts = ChangeCounts::default();
    for entry in &list {
        counts.add(entry.kind);
    }
    let listing = listing_fingerprint(&ListingInput {
        pages: input.plan.pages.clone(),
        products: input.plan.products.clone().unwrap_or_default(),
        not_found_ids: input.plan.not_found_ids.clone().unwrap_or_default(),
        categories_body: input.categories_body.clone(),
    });
    let report = summarize_run(&SummarizeInput {
        plan: PlanOutcome {
            counts: plan.counts,
            errors: plan.errors,
            held_removals: plan.held_removals,
        },
        results: Vec::new(),
        fetch: FetchStats::default(),
        stock: None,
        images: None,
        timed_out: None,
    });
    let seen = list
        .iter()
        .filter(|entry| entry.product_id.is_some())
        .filter_map(|entry| {
            Some(SeenFingerprint {
                key: LedgerKey::of(entry.source_id?),
                fingerprint: entry.fingerprint.clone()?,
            })
        })
        .collect();
    ChangeList {
        plan_fingerprint: plan_fingerprint(&list),
        seen,
        entries: list,
        counts,
        notes,
        listing_fingerprint: listing,
        report,
    }
}

/// The fingerprint of a change list: the XXH3-128 of its entries as canonical JSON (object keys sorted), without
/// the errors of products that are written anyway (image problems depend on what a run could copy, not on the
/// plan). Entries are in source id order already.
fn plan_fingerprint(entries: &[ProductChange]) -> String {
    let mut bytes = Vec::with_capacity(entries.len() * 128);
    bytes.extend_from_slice(b"catalog-sync/changes/v1");
    for entry in entries {
        let errors: &[RunError] = if entry.kind == ChangeKind::Rejected {
            &entry.errors
        } else {
            &[]
        };
        let canonical = json!({
            "source_id": entry.source_id,
            "product_id": entry.product_id,
            "kind": entry.kind,
            "title": entry.title,
            "diff": entry.diff,
            "completes": entry.completes,
            "errors": errors,
        });
        let text = canonical.to_string();
        bytes.extend_from_slice(&(text.len() as u64).to_le_bytes());
        bytes.extend_from_slice(text.as_bytes());
    }
    format!("{:032x}", xxh3_128(&bytes))
}

/// What reading values off the plan needs: the owned products, their current values, and the names of store ids.
struct Context<'a> {
    owned: HashMap<SourceId, &'a OwnedProduct>,
    current: HashMap<&'a str, &'a CurrentProduct>,
    stock: HashMap<SourceId, u64>,
    category_handles: HashMap<&'a str, &'a str>,
    tag_values: HashMap<&'a str, &'a str>,
    /// Stored copy URL → the source URL it was copied from.
    source_urls: HashMap<&'a str, &'a str>,
    currency_code: &'a str,
}

impl<'a> Context<'a> {
    fn new(input: &'a ChangesInput) -> Self {
        let mut owned: HashMap<SourceId, &OwnedProduct> = HashMap::new();
        for product in &input.plan.owned {
            if let Some(id) = source_id_of(&product.external_id) {
                // The plan keeps the smallest id of duplicates; so does this.
                let kept = owned.entry(id).or_insert(product);
                if product.id < kept.id {
                    *kept = product;
                }
            }
        }
        Context {
            owned,
            current: input
                .current
                .iter()
                .map(|product| (product.product_id.as_str(), product))
                .collect(),
            stock: input.stock.by_source_id(),
            category_handles: input
                .plan
                .categories
                .iter()
                .map(|category| (category.id.as_str(), category.handle.as_str()))
                .collect(),
            tag_values: input
                .plan
                .tags
                .iter()
                .map(|tag| (tag.id.as_str(), tag.value.as_str()))
                .collect(),
            source_urls: input
                .plan
                .stored_images
                .iter()
                .map(|image| (image.url.as_str(), image.source_url.as_str()))
                .collect(),
            currency_code: &input.plan.options.currency_code,
        }
    }

    fn source_url<'u>(&'u self, url: &'u str) -> &'u str {
        self.source_urls.get(url).copied().unwrap_or(url)
    }

    fn images(&self, thumbnail: Option<&str>, images: &[ImageInput]) -> Value {
        json!({
            "thumbnail": thumbnail.map(|url| self.source_url(url)),
            "urls": images.iter().map(|image| self.source_url(&image.url)).collect::<Vec<_>>(),
        })
    }

    fn current_images(&self, current: &CurrentProduct) -> Value {
        json!({
            "thumbnail": current.thumbnail.as_deref().map(|url| self.source_url(url)),
            "urls": current.image_urls.iter().map(|url| self.source_url(url)).collect::<Vec<_>>(),
        })
    }

    fn category(&self, ids: &[String]) -> Value {
        ids.first().map_or(Value::Null, |id| {
            json!(self
                .category_handles
                .get(id.as_str())
                .copied()
                .unwrap_or(id))
        })
    }

    fn tags(&self, ids: &[String]) -> Value {
        json!(ids
            .iter()
            .map(|id| self.tag_values.get(id.as_str()).copied().unwrap_or(id))
            .collect::<Vec<_>>())
    }

    fn price(&self, prices: &[PriceInput]) -> Option<f64> {
        prices
            .iter()
            .find(|price| price.currency_code == self.currency_code)
            .map(|price| price.amount)
    }

    fn old_price(&self, owned: Option<&OwnedProduct>) -> Value {
        owned
            .and_then(|product| crate::mapping::sync_price(&product.prices, self.currency_code))
            .map_or(Value::Null, |price| json!(price.amount))
    }
}

fn status_text(status: ProductStatus) -> &'static str {
    match status {
        ProductStatus::Published => "published",
        ProductStatus::Draft => "draft",
    }
}

/// The field changes between the store's values and the new ones, in field order: only the fields that differ.
fn changed(fields: Vec<(ChangeField, Value, Value)>) -> Vec<FieldChange> {
    fields
        .into_iter()
        .filter(|(_, old, new)| old != new)
        .map(|(field, old, new)| FieldChange { field, old, new })
        .collect()
}

/// Entries of the products the plan writes: creates, updates, completions, archives and deletes (a deleted duplicate
/// of an owned product goes to `duplicates`: its source id has an entry of its own).
fn collect_writes(
    plan: &SyncPlan,
    context: &Context<'_>,
    stock: &HashMap<SourceId, u64>,
    entries: &mut BTreeMap<SourceId, ProductChange>,
    duplicates: &mut Vec<ProductChange>,
) {
    for batch in &plan.batches {
        match batch {
            WriteBatch::Create {
                products,
                inventory_items,
                ..
            } => {
                for (position, product) in products.iter().enumerate() {
                    let id = product.metadata.catalog_sync_source_id;
                    let level = inventory_items
                        .get(position)
                        .and_then(|item| item.location_levels.first())
                        .map(|level| level.stocked_quantity)
                        .or_else(|| stock.get(&id).copied());
                    let price = product
                        .variants
                        .first()
                        .and_then(|variant| context.price(&variant.prices));
                    let diff = [
                        (ChangeField::Title, json!(product.title)),
                        (ChangeField::Description, json!(product.description)),
                        (ChangeField::Price, json!(price)),
                        (
                            ChangeField::Category,
                            context.category(&product.category_ids),
                        ),
                        (ChangeField::Tags, context.tags(&product.tag_ids)),
                        (
                            ChangeField::Images,
                            context.images(product.thumbnail.as_deref(), &product.images),
                        ),
                        (ChangeField::Stock, json!(level)),
                        (ChangeField::Status, json!(status_text(product.status))),
                    ]
                    .into_iter()
                    .map(|(field, new)| FieldChange {
                        field,
                        old: Value::Null,
                        new,
                    })
                    .collect();
                    entries.insert(
                        id,
                        ProductChange {
                            source_id: Some(id),
                            product_id: None,
                            kind: ChangeKind::Created,
                            title: Some(product.title.clone()),
                            diff,
                            completes: Vec::new(),
                            errors: Vec::new(),
                            fingerprint: Some(product.metadata.catalog_sync_fingerprint.clone()),
                        },
                    );
                }
            }
            WriteBatch::Update { products, .. } => {
                for product in products {
                    let id = product.metadata.catalog_sync_source_id;
                    let owned = context.owned.get(&id).copied();
                    let current = context.current.get(product.id.as_str()).copied();
                    let new_price =
                        product
                            .variants
                            .iter()
                            .flatten()
                            .find_map(|entry| match entry {
                                VariantEntry::Synced(variant) => variant
                                    .prices
                                    .as_deref()
                                    .and_then(|prices| context.price(prices)),
                                VariantEntry::Kept(_) => None,
                            });
                    let old_images = current.map_or(Value::Null, |c| context.current_images(c));
                    let new_images = match &product.images {
                        Some(images) => context.images(product.thumbnail.as_deref(), images),
                        None if current.is_some() => json!({
                            "thumbnail": product.thumbnail.as_deref().map(|url| context.source_url(url)),
                            "urls": old_images["urls"].clone(),
                        }),
                        None => Value::Null,
                    };
                    // The same source images, stored otherwise (a copy instead of the source URL, or back):
                    // listed with the URLs as written, so the change is visible.
                    let (old_images, new_images) = match current {
                        Some(current) if old_images == new_images => {
                            let raw_old = json!({ "thumbnail": current.thumbnail, "urls": current.image_urls });
                            let raw_new = json!({
                                "thumbnail": product.thumbnail,
                                "urls": product.images.as_ref().map_or_else(
                                    || json!(current.image_urls),
                                    |images| json!(images.iter().map(|image| &image.url).collect::<Vec<_>>()),
                                ),
                            });
                            (raw_old, raw_new)
                        }
                        _ => (old_images, new_images),
                    };
                    let diff = changed(vec![
                        (
                            ChangeField::Title,
                            current.map_or(Value::Null, |c| json!(c.title)),
                            json!(product.title),
                        ),
                        (
                            ChangeField::Description,
                            current.map_or(Value::Null, |c| json!(c.description)),
                            json!(product.description),
                        ),
                        (
                            ChangeField::Price,
                            context.old_price(owned),
                            new_price.map_or_else(|| context.old_price(owned), |p| json!(p)),
                        ),
                        (
                            ChangeField::Category,
                            current.map_or(Value::Null, |c| json!(c.category_handles.first())),
                            context.category(&product.category_ids),
                        ),
                        (
                            ChangeField::Tags,
                            current.map_or(Value::Null, |c| json!(c.tag_values)),
                            context.tags(&product.tag_ids),
                        ),
                        (ChangeField::Images, old_images, new_images),
                        (
                            ChangeField::Stock,
                            json!(context.stock.get(&id)),
                            json!(stock.get(&id).or(context.stock.get(&id))),
                        ),
                        (
                            ChangeField::Status,
                            owned.map_or(Value::Null, |o| json!(o.status)),
                            json!(status_text(product.status)),
                        ),
                    ]);
                    entries.insert(
                        id,
                        ProductChange {
                            source_id: Some(id),
                            product_id: Some(product.id.clone()),
                            kind: ChangeKind::Updated,
                            title: Some(product.title.clone()),
                            diff,
                            completes: Vec::new(),
                            errors: Vec::new(),
                            fingerprint: Some(product.metadata.catalog_sync_fingerprint.clone()),
                        },
                    );
                }
            }
            WriteBatch::Complete { completions, .. } => {
                for completion in completions {
                    let id = completion.source_id;
                    let mut completes = Vec::new();
                    let mut price = None;
                    let mut level = None;
                    if let Some(variant) = &completion.variant {
                        completes.push("variant".to_string());
                        price = context.price(&variant.variant.variant.prices);
                        level = variant
                            .inventory_item
                            .location_levels
                            .first()
                            .map(|l| l.stocked_quantity);
                    }
                    if let Some(prices) = &completion.prices {
                        completes.push("price set".to_string());
                        price = context.price(&prices.prices);
                    }
                    if let Some(item) = &completion.inventory_item {
                        completes.push("inventory item".to_string());
                        level = item
                            .item
                            .location_levels
                            .first()
                            .map(|l| l.stocked_quantity);
                    }
                    let owned = context.owned.get(&id).copied();
                    let current = context.current.get(completion.product_id.as_str()).copied();
                    let entry = entries.entry(id).or_insert_with(|| ProductChange {
                        source_id: Some(id),
                        product_id: Some(completion.product_id.clone()),
                        kind: ChangeKind::Updated,
                        title: current.map(|c| c.title.clone()),
                        diff: Vec::new(),
                        completes: Vec::new(),
                        errors: Vec::new(),
                        fingerprint: owned.and_then(|o| o.fingerprint.clone()),
                    });
                    entry.completes.extend(completes);
                    let mut extra = Vec::new();
                    if let Some(price) = price {
                        extra.push((ChangeField::Price, context.old_price(owned), json!(price)));
                    }
                    if let Some(level) = level {
                        extra.push((
                            ChangeField::Stock,
                            json!(context.stock.get(&id)),
                            json!(level),
                        ));
                    }
                    for change in changed(extra) {
                        entry.diff.retain(|existing| existing.field != change.field);
                        entry.diff.push(change);
                    }
                    entry.diff.sort_by_key(|change| change.field);
                }
            }
            WriteBatch::Archive {
                product_ids,
                source_ids,
                ..
            }
            | WriteBatch::Delete {
                product_ids,
                source_ids,
                ..
            } => {
                let action = if matches!(batch, WriteBatch::Archive { .. }) {
                    RemovalAction::Archive
                } else {
                    RemovalAction::Delete
                };
                for (product_id, id) in product_ids.iter().zip(source_ids) {
                    let entry =
                        removal_entry(context, *id, product_id, action, ChangeKind::Removed);
                    let kept = context.owned.get(id).map(|owned| owned.id.as_str());
                    if kept == Some(product_id.as_str()) {
                        entries.insert(*id, entry);
                    } else {
                        // A duplicate of an owned product (same source id, another store product), deleted
                        // whatever happens to the product kept for that id.
                        duplicates.push(entry);
                    }
                }
            }
            WriteBatch::Stock { .. } => {}
        }
    }
}

/// A removed or held product: its status becomes `draft`, or `deleted`.
fn removal_entry(
    context: &Context<'_>,
    id: SourceId,
    product_id: &str,
    action: RemovalAction,
    kind: ChangeKind,
) -> ProductChange {
    let owned = context.owned.get(&id).copied();
    let new = match action {
        RemovalAction::Archive => "draft",
        RemovalAction::Delete => "deleted",
    };
    ProductChange {
        source_id: Some(id),
        product_id: Some(product_id.to_string()),
        kind,
        title: context.current.get(product_id).map(|c| c.title.clone()),
        diff: vec![FieldChange {
            field: ChangeField::Status,
            old: owned.map_or(Value::Null, |o| json!(o.status)),
            new: json!(new),
        }],
        completes: Vec::new(),
        errors: Vec::new(),
        fingerprint: None,
    }
}

/// Entries of the products the plan does not write: held removals, rejected products, owned products left as
/// they are (up to date, or missing upstream and kept), and up-to-date products whose stock level changes.
fn collect_unwritten(
    plan: &SyncPlan,
    context: &Context<'_>,
    stock: &HashMap<SourceId, u64>,
    entries: &mut BTreeMap<SourceId, ProductChange>,
    anonymous: &mut Vec<ProductChange>,
) {
    for held in &plan.held_removals {
        entries.insert(
            held.source_id,
            removal_entry(
                context,
                held.source_id,
                &held.product_id,
                held.action,
                ChangeKind::Held,
            ),
        );
    }
    let mut rejected: BTreeMap<Option<SourceId>, Vec<&RunError>> = BTreeMap::new();
    for error in plan.errors.iter().filter(|error| is_rejection(error)) {
        rejected.entry(error.source_id).or_default().push(error);
    }
    for (id, errors) in rejected {
        let Some(id) = id else {
            anonymous.extend(errors.into_iter().map(|error| ProductChange {
                source_id: None,
                product_id: None,
                kind: ChangeKind::Rejected,
                title: None,
                diff: Vec::new(),
                completes: Vec::new(),
                errors: vec![error.clone()],
                fingerprint: None,
            }));
            continue;
        };
        if entries.contains_key(&id) {
            continue;
        }
        let owned = context.owned.get(&id).copied();
        entries.insert(
            id,
            ProductChange {
                source_id: Some(id),
                product_id: owned.map(|o| o.id.clone()),
                kind: ChangeKind::Rejected,
                title: owned
                    .and_then(|o| context.current.get(o.id.as_str()))
                    .map(|c| c.title.clone()),
                diff: Vec::new(),
                completes: Vec::new(),
                // The errors are attached with the others, in the plan's order.
                errors: Vec::new(),
                fingerprint: None,
            },
        );
    }
    let mut owned_ids: BTreeSet<SourceId> = context.owned.keys().copied().collect();
    owned_ids.retain(|id| !entries.contains_key(id));
    for id in owned_ids {
        let Some(owned) = context.owned.get(&id).copied() else {
            continue;
        };
        let current = context.current.get(owned.id.as_str()).copied();
        let diff = match stock.get(&id) {
            Some(level) => changed(vec![(
                ChangeField::Stock,
                json!(context.stock.get(&id)),
                json!(level),
            )]),
            None => Vec::new(),
        };
        entries.insert(
            id,
            ProductChange {
                source_id: Some(id),
                product_id: Some(owned.id.clone()),
                kind: if diff.is_empty() {
                    ChangeKind::Kept
                } else {
                    ChangeKind::Updated
                },
                title: current.map(|c| c.title.clone()),
                diff,
                completes: Vec::new(),
                errors: Vec::new(),
                fingerprint: owned.fingerprint.clone(),
            },
        );
    }
}

/// The categories and tags a preview plans with: the store's, plus a placeholder for each one a run would create
/// first ([`plan_taxonomy`]), whose id is `planned:<handle>` / `planned:<value>`. Renames are not
/// applied (a product links a category by id; its name is not in the change list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PreviewTaxonomy {
    /// Every store category, and the planned ones.
    pub categories: Vec<ExistingCategory>,
    /// Every store tag, and the planned ones.
    pub tags: Vec<ExistingTag>,
}

/// The taxonomy a preview plans with; see [`PreviewTaxonomy`].
pub fn preview_taxonomy(input: &TaxonomyPlanInput) -> PreviewTaxonomy {
    let plan = plan_taxonomy(input);
    let mut categories = input.store.existing_categories.clone();
    categories.extend(
        plan.categories
            .create
            .into_iter()
            .map(|category| ExistingCategory {
                id: format!("planned:{}", category.handle),
                handle: category.handle,
                name: category.name,
            }),
    );
    let mut tags = input.store.existing_tags.clone();
    tags.extend(plan.tags.create.into_iter().map(|tag| ExistingTag {
        id: format!("planned:{}", tag.value),
        value: tag.value,
    }));
    PreviewTaxonomy { categories, tags }
}

#[cfg(test)]
mod tests;
