//! The planner: the plan of one run, made in steps so that the host reads the store and the source bodies a window
//! at a time (see the module documentation of [`crate::plan`]).

use std::collections::{HashMap, HashSet};

use super::census::{BodyKind, Census, KeptProduct, MappedFacts};
use super::owned::{OwnedProducts, OwnedRef};
use super::removals::{completeness, plan_removals, RemovalInput};
use super::{CatalogPlanSummary, PlanCounts, PlanInput, PlanWindow, PUBLISHED};
use crate::batching::{
    build_batches, chunks, BatchSummary, Removal, WriteBatch, WriteKind, Writes,
};
use crate::fingerprint::fingerprints;
use crate::handles::{assign_handles, HandleRequest};
use crate::images::{cap_images, ImageResolver};
use crate::mapping::{
    completion_input, create_input, inventory_item_input, map_product, sync_price, update_input,
    MappingContext,
};
use crate::model::{RunError, SourceId, SyncScope};
use crate::options::SyncOptions;
use crate::rows::{owned_product, variant_facts, StoreProductRow};
use crate::source::{parse_page, parse_product};
use crate::stock::{
    plan_stock_levels, ExistingLevel, InventoryItemRef, StockPlan, StockPlanInput, StockTarget,
};
use crate::taxonomy::{CategoryIndex, TagIndex};

/// How many products a window of writes holds at most, and how many bytes of source bodies its products may come
/// from (the host hands a window's bodies over in one call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowLimits {
    /// Products to create, update or complete per window.
    pub products: usize,
    /// Bytes of source bodies per window (a window holds at least one product, whatever its body's size).
    pub bytes: usize,
}

impl WindowLimits {
    /// The windows a host writes in: 1,000 products (20 batches of the default 50) from at most 32 MiB of bodies.
    pub const HOST: WindowLimits = WindowLimits {
        products: 1_000,
        bytes: 32 << 20,
    };
    /// One window for the whole plan (a plan made in one call, [`super::plan_sync`]).
    pub const WHOLE: WindowLimits = WindowLimits {
        products: usize::MAX,
        bytes: usize::MAX,
    };
}

/// A planner called out of order, or given bodies that are not the ones it read (`INVALID_INPUT`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlannerError {
    /// A call made at the wrong step.
    #[error("{call} cannot be called now: {reason}")]
    OutOfOrder {
        /// The call.
        call: &'static str,
        /// What has to happen first, or what already happened.
        reason: &'static str,
    },
    /// A window that does not exist.
    #[error("no window {window}: the plan has {windows} window(s)")]
    NoSuchWindow {
        /// The window asked for.
        window: usize,
        /// How many the plan has.
        windows: usize,
    },
    /// The bodies given for a window are not the ones the planner read.
    #[error("window {window}: {reason}")]
    WrongBodies {
        /// The window.
        window: usize,
        /// What does not match.
        reason: String,
    },
}

/// What to write for one product of a window.
#[derive(Debug, Clone)]
enum Action {
    /// Create it with this handle.
    Create { handle: String },
    /// Update and/or complete `owned.full[owned]`.
    Existing {
        owned: usize,
        update: bool,
        complete: bool,
    },
}

/// A product of a window: where its body is, and what to write.
#[derive(Debug, Clone)]
struct Work {
    source_id: SourceId,
    body: usize,
    slot: usize,
    action: Action,
    /// Its mapped product, when the census kept it (until the window's first call takes it).
    kept: Option<Box<KeptProduct>>,
}

/// The writes of one window, before the bodies are read again.
#[derive(Debug, Clone, Default)]
struct WindowWork {
    products: Vec<Work>,
    archive: Vec<Removal>,
    delete: Vec<Removal>,
}

/// Where the planner is.
#[derive(Debug)]
enum Stage {
    /// Reading bodies (the census).
    Reading,
    /// Waiting for the full rows of recorded products whose content changed: their ids, with their source ids.
    Rows(HashMap<String, SourceId>),
    /// Outlined: the summary and the work of each window.
    Outlined(Box<(CatalogPlanSummary, Vec<WindowWork>)>),
}

/// The plan of one run, made in steps:
///
/// 1. [`Planner::read_pages`] / [`Planner::read_products`]: the census — every body parsed, every product validated,
///    mapped and fingerprinted, and only a few facts per product kept (and the mapped products themselves while the
///    catalog fits one window);
/// 2. [`Planner::finish_reading`]: the decisions over the whole catalog (shared SKUs and barcodes, the errors) and the
///    recorded products whose content changed upstream, whose full rows the plan needs;
/// 3. [`Planner::add_rows`]: those rows;
/// 4. [`Planner::summary`]: the outline — counts, errors, completeness, stock targets, and every batch, cut into
///    windows of at most [`WindowLimits`] products;
/// 5. [`Planner::plan_window`]: a window's batches, from its bodies read again (or from the kept products);
/// 6. [`Planner::plan_stock`]: the stock levels, once the products are written.
#[derive(Debug)]
pub struct Planner {
    options: SyncOptions,
    scope: SyncScope,
    not_found_ids: Vec<SourceId>,
    categories: CategoryIndex,
    tags: TagIndex,
    images: ImageResolver,
    taken_handles: Vec<String>,
    sales_channel_id: Option<String>,
    stock_location_id: Option<String>,
    inventory_items: Vec<InventoryItemRef>,
    limits: WindowLimits,
    owned: OwnedProducts,
    /// Problems found in the owned products (reported after the source's).
    owned_errors: Vec<RunError>,
    census: Census,
    /// Every problem, once reading is done.
    errors: Vec<RunError>,
    stage: Stage,
}

impl Planner {
    /// A planner for this input, which reads the input's `pages` and `products` as its first bodies.
    pub fn new(input: PlanInput, limits: WindowLimits) -> Self {
        let mut owned_errors = Vec::new();
        let owned = OwnedProducts::new(input.owned, input.recorded, &mut owned_errors);
        let mut planner = Planner {
            categories: CategoryIndex::new(&input.categories),
            tags: TagIndex::new(&input.tags),
            images: ImageResolver::new(
                input.options.images,
                &input.stored_images,
                &input.image_failures,
            ),
            options: input.options,
            scope: input.scope,
            not_found_ids: input.not_found_ids.unwrap_or_default(),
            taken_handles: input.taken_handles,
            sales_channel_id: input.sales_channel_id,
            stock_location_id: input.stock_location_id,
            inventory_items: input.inventory_items,
            limits,
            owned,
            owned_errors,
            census: Census::keeping(limits.products),
            errors: Vec::new(),
            stage: Stage::Reading,
        };
        planner.read(&input.pages, BodyKind::Page);
        planner.read(
            input.products.as_deref().unwrap_or_default(),
            BodyKind::Product,
        );
        planner
    }

    /// Reads `/products` page bodies, in the order of the catalog.
    pub fn read_pages(&mut self, bodies: &[String]) -> Result<(), PlannerError> {
        self.expect_reading("readPages")?;
        self.read(bodies, BodyKind::Page);
        Ok(())
    }

    /// Reads `/products/:id` bodies (a targeted run).
    pub fn read_products(&mut self, bodies: &[String]) -> Result<(), PlannerError> {
        self.expect_reading("readProducts")?;
        self.read(bodies, BodyKind::Product);
        Ok(())
    }

    fn expect_reading(&self, call: &'static str) -> Result<(), PlannerError> {
        match self.stage {
            Stage::Reading => Ok(()),
            _ => Err(PlannerError::OutOfOrder {
                call,
                reason: "the planner has finished reading",
            }),
        }
    }

    fn read(&mut self, bodies: &[String], kind: BodyKind) {
        let context = MappingContext {
            currency_code: &self.options.currency_code,
            categories: &self.categories,
            tags: &self.tags,
            images: &self.images,
        };
        let max_images = self.options.max_images_per_product;
        for body in bodies {
            match kind {
                BodyKind::Page => self.census.read_page(body, &context, max_images),
                BodyKind::Product => self.census.read_product(body, &context, max_images),
            }
        }
    }

    /// Ends the reading: decides over the whole catalog and returns the ids of the recorded products whose content
    /// changed upstream (or that are no longer published), in source id order: their full rows, for
    /// [`Planner::add_rows`], are what the plan needs to update them.
    pub fn finish_reading(&mut self) -> Result<Vec<String>, PlannerError> {
        self.expect_reading("finishReading")?;
        let census = &mut self.census;
        census
            .candidates
            .sort_unstable_by_key(|candidate| candidate.source_id);
        census.reject_shared_identifiers();
        let mut errors = census.take_errors();
        errors.append(&mut self.owned_errors);
        let mut unmapped = Vec::new();
        census
            .candidates
            .retain_mut(|candidate| match &mut candidate.mapped {
                Ok(facts) => {
                    errors.append(&mut facts.image_problems);
                    true
                }
                Err(error) => {
                    unmapped.push(error.clone());
                    false
                }
            });
        for error in unmapped {
            census.reject(error);
        }
        errors.append(&mut census.take_errors());
        self.errors = errors;
        let mut wanted = Vec::new();
        for candidate in &self.census.candidates {
            if let Some(OwnedRef::Recorded(i)) = self.owned.canonical.get(&candidate.source_id) {
                let recorded = &self.owned.recorded[*i];
                if !unchanged(
                    recorded.fingerprint.as_deref(),
                    &recorded.status,
                    facts(candidate),
                ) {
                    wanted.push((recorded.id.clone(), candidate.source_id));
                }
            }
        }
        let ids = wanted.iter().map(|(id, _)| id.clone()).collect();
        self.stage = Stage::Rows(wanted.into_iter().collect());
        Ok(ids)
    }

    /// Takes the full rows of products [`Planner::finish_reading`] asked for (in any number of calls); other rows
    /// are ignored. A product asked for and never given is taken as gone from the store.
    pub fn add_rows(&mut self, rows: &[StoreProductRow]) -> Result<(), PlannerError> {
        let Stage::Rows(wanted) = &mut self.stage else {
            return Err(PlannerError::OutOfOrder {
                call: "addRows",
                reason: "rows are taken after finishReading and before the summary",
            });
        };
        for row in rows {
            let Some(source_id) = wanted.remove(&row.id) else {
                continue;
            };
            let Some(OwnedRef::Recorded(i)) = self.owned.canonical.get(&source_id).copied() else {
                continue;
            };
            let recorded_variant = self.owned.recorded[i].variant_id.clone();
            let product = owned_product(row, variant_facts(row, recorded_variant.as_deref()));
            self.owned.replace(source_id, product);
        }
        Ok(())
    }

    /// The plan's summary: counts, completeness, errors, stock targets, every batch and the windows they are
    /// written in. The first call outlines the plan (after [`Planner::finish_reading`] and the rows).
    pub fn summary(&mut self) -> Result<&CatalogPlanSummary, PlannerError> {
        if let Stage::Rows(wanted) = &mut self.stage {
            let gone: Vec<SourceId> = wanted.drain().map(|(_, source_id)| source_id).collect();
            for source_id in gone {
                self.owned.forget(source_id);
            }
            self.stage = Stage::Outlined(Box::new(self.outline()));
        }
        match &self.stage {
            Stage::Outlined(outline) => Ok(&outline.0),
            _ => Err(PlannerError::OutOfOrder {
                call: "summary",
                reason: "call finishReading first (and give the rows it asks for)",
            }),
        }
    }

    fn outline(&mut self) -> (CatalogPlanSummary, Vec<WindowWork>) {
        let location = self.stock_location_id.as_deref();
        let currency = self.options.currency_code.as_str();
        let candidates = std::mem::take(&mut self.census.candidates);
        let mut counts = PlanCounts {
            fetched: self.census.fetched,
            ..PlanCounts::default()
        };
        let mut stock = Vec::with_capacity(candidates.len());
        let mut work = Vec::new();
        let mut titles: Vec<(usize, SourceId, String)> = Vec::new();
        for candidate in candidates {
            let source_id = candidate.source_id;
            let target = StockTarget {
                source_id,
                stock: facts(&candidate).stock,
            };
            let action = match self.owned.canonical.get(&source_id).copied() {
                Some(OwnedRef::Full(i)) => {
                    let product = &self.owned.full[i];
                    let lacks = product.variant_id.is_none()
                        || !product.price_set_linked
                        || product.missing_inventory_item.is_some();
                    // A completion that creates an inventory item creates it with its level.
                    let item_created =
                        product.variant_id.is_none() || product.missing_inventory_item.is_some();
                    if !(item_created && location.is_some()) {
                        stock.push(target);
                    }
                    let lacks_price = product.variant_id.is_some()
                        && product.price_set_linked
                        && sync_price(&product.prices, currency).is_none();
                    let update = lacks_price
                        || !unchanged(
                            product.fingerprint.as_deref(),
                            &product.status,
                            facts(&candidate),
                        );
                    if update {
                        counts.to_update += 1;
                    } else {
                        counts.unchanged += 1;
                    }
                    counts.to_complete += usize::from(lacks);
                    (update || lacks).then_some(Action::Existing {
                        owned: i,
                        update,
                        complete: lacks,
                    })
                }
                Some(OwnedRef::Recorded(_)) => {
                    // Every recorded product left is unchanged: the changed ones were replaced by their full rows,
                    // or forgotten when none came.
                    counts.unchanged += 1;
                    stock.push(target);
                    None
                }
                None => {
                    if location.is_none() {
                        stock.push(target);
                    }
                    counts.to_create += 1;
                    titles.push((work.len(), source_id, facts(&candidate).title.clone()));
                    Some(Action::Create {
                        handle: String::new(),
                    })
                }
            };
            if let Some(action) = action {
                work.push(Work {
                    source_id,
                    body: candidate.body,
                    slot: candidate.slot,
                    action,
                    kept: candidate.kept,
                });
            }
        }
        self.assign_handles(&mut work, &titles);
        counts.valid = counts.to_create + counts.to_update + counts.unchanged;

        let completeness = completeness(&self.scope, &self.not_found_ids, &self.census);
        let mut removals = Writes::default();
        let mut errors = std::mem::take(&mut self.errors);
        let held_removals = plan_removals(
            &RemovalInput {
                scope: &self.scope,
                not_found_ids: &self.not_found_ids,
                on_missing: self.options.on_missing,
                max_removal_ratio: self.options.max_removal_ratio,
                received: &self.census,
                completeness: &completeness,
                owned: &self.owned,
            },
            &mut removals,
            &mut counts,
            &mut errors,
        );
        removals
            .delete
            .extend(self.owned.duplicates.iter().cloned());
        removals.delete.sort();
        counts.to_archive = removals.archive.len();
        counts.to_delete = removals.delete.len();
        counts.rejected = self.census.rejected;

        let mut windows = self.cut_windows(work);
        if !(removals.archive.is_empty() && removals.delete.is_empty()) {
            windows.push(WindowWork {
                products: Vec::new(),
                archive: removals.archive,
                delete: removals.delete,
            });
        }
        let (batches, outlines) = self.outline_batches(&windows);
        let summary = CatalogPlanSummary {
            counts,
            completeness,
            errors,
            batches,
            stock,
            held_removals,
            windows: outlines,
        };
        (summary, windows)
    }

    /// Gives the products to create their handles (unique in the store, see [`crate::handles`]).
    fn assign_handles(&self, work: &mut [Work], titles: &[(usize, SourceId, String)]) {
        let taken: HashSet<&str> = self
            .taken_handles
            .iter()
            .map(String::as_str)
            .chain(self.owned.handles())
            .collect();
        let requests: Vec<HandleRequest<'_>> = titles
            .iter()
            .map(|(_, source_id, title)| HandleRequest {
                source_id: *source_id,
                title,
            })
            .collect();
        let mut handles = assign_handles(&requests, &taken);
        for (position, source_id, _) in titles {
            if let Action::Create { handle } = &mut work[*position].action {
                *handle = handles
                    .remove(source_id)
                    .unwrap_or_else(|| format!("product-{source_id}"));
            }
        }
    }

    /// Cuts the products to write (in source id order) into windows of at most [`WindowLimits`].
    fn cut_windows(&self, work: Vec<Work>) -> Vec<WindowWork> {
        let mut windows = Vec::new();
        let mut current = WindowWork::default();
        let mut bodies: HashSet<usize> = HashSet::new();
        let mut bytes: usize = 0;
        for item in work {
            let added = if bodies.contains(&item.body) {
                0
            } else {
                self.census.bodies[item.body].bytes
            };
            if !current.products.is_empty()
                && (current.products.len() >= self.limits.products
                    || bytes.saturating_add(added) > self.limits.bytes)
            {
                windows.push(std::mem::take(&mut current));
                bodies.clear();
                bytes = 0;
            }
            if bodies.insert(item.body) {
                bytes += self.census.bodies[item.body].bytes;
            }
            current.products.push(item);
        }
        if !current.products.is_empty() {
            windows.push(current);
        }
        windows
    }

    /// Every batch of the windows, numbered across them, and each window's bodies and batches.
    fn outline_batches(&self, windows: &[WindowWork]) -> (Vec<BatchSummary>, Vec<PlanWindow>) {
        let size = usize::try_from(self.options.batch_size)
            .unwrap_or(usize::MAX)
            .max(1);
        let mut batches: Vec<BatchSummary> = Vec::new();
        let mut outlines = Vec::with_capacity(windows.len());
        for window in windows {
            let first_batch = batches.len();
            let ids = |keep: &dyn Fn(&Action) -> bool| -> Vec<SourceId> {
                window
                    .products
                    .iter()
                    .filter(|work| keep(&work.action))
                    .map(|work| work.source_id)
                    .collect()
            };
            let creates = ids(&|action| matches!(action, Action::Create { .. }));
            let updates = ids(&|action| matches!(action, Action::Existing { update: true, .. }));
            let completes =
                ids(&|action| matches!(action, Action::Existing { complete: true, .. }));
            let removed = |removals: &[Removal]| -> Vec<SourceId> {
                removals.iter().map(|removal| removal.source_id).collect()
            };
            for (kind, source_ids) in [
                (WriteKind::Create, creates),
                (WriteKind::Update, updates),
                (WriteKind::Complete, completes),
                (WriteKind::Archive, removed(&window.archive)),
                (WriteKind::Delete, removed(&window.delete)),
            ] {
                for part in chunks(source_ids, size) {
                    batches.push(BatchSummary {
                        kind,
                        index: batches.len(),
                        len: part.len(),
                        source_ids: part.into_iter().map(Some).collect(),
                    });
                }
            }
            let mut bodies: Vec<usize> = window.products.iter().map(|work| work.body).collect();
            bodies.sort_unstable();
            bodies.dedup();
            outlines.push(PlanWindow {
                bodies,
                first_batch,
                batch_count: batches.len() - first_batch,
            });
        }
        (batches, outlines)
    }

    /// The batches of window `window`, from its bodies (`bodies[i]` is body `summary().windows[window].bodies[i]`,
    /// the same text the planner read; each is checked by its length, and those that hold a product the census did
    /// not keep are parsed again). A catalog that fits one window is parsed and mapped once: the census keeps its
    /// mapped products and the window's first call takes them.
    pub fn plan_window<B: AsRef<str>>(
        &mut self,
        window: usize,
        bodies: &[B],
    ) -> Result<Vec<WriteBatch>, PlannerError> {
        let wrong = |reason: String| PlannerError::WrongBodies { window, reason };
        let (_, outline, _) = self.window(window)?;
        if bodies.len() != outline.bodies.len() {
            return Err(wrong(format!(
                "{} bodies given, the window's products come from {}",
                bodies.len(),
                outline.bodies.len()
            )));
        }
        for (&position, body) in outline.bodies.iter().zip(bodies) {
            let (given, read) = (body.as_ref().len(), self.census.bodies[position].bytes);
            if given != read {
                return Err(wrong(format!(
                    "body {position} is not the one read: {given} bytes given, {read} read"
                )));
            }
        }
        let kept: Vec<Option<Box<KeptProduct>>> = match &mut self.stage {
            Stage::Outlined(outlined) => outlined.1[window]
                .products
                .iter_mut()
                .map(|item| item.kept.take())
                .collect(),
            _ => Vec::new(),
        };
        let (summary, outline, work) = self.window(window)?;
        let mapped = self
            .map_window(work, &outline.bodies, bodies, kept)
            .map_err(wrong)?;
        let location = self.stock_location_id.as_deref();
        let mut writes = Writes {
            archive: work.archive.clone(),
            delete: work.delete.clone(),
            ..Writes::default()
        };
        for (item, KeptProduct { product, prints }) in work.products.iter().zip(mapped) {
            match &item.action {
                Action::Create { handle } => {
                    let inventory_item =
                        location.map(|location| inventory_item_input(&product, Some(location)));
                    writes.create.push((
                        create_input(
                            product,
                            handle.clone(),
                            prints,
                            self.sales_channel_id.as_deref(),
                        ),
                        inventory_item,
                    ));
                }
                Action::Existing {
                    owned,
                    update,
                    complete,
                } => {
                    let owned = &self.owned.full[*owned];
                    if *complete {
                        writes
                            .complete
                            .extend(completion_input(&product, owned, location));
                    }
                    if *update {
                        let images_changed =
                            owned.images_fingerprint.as_deref() != Some(prints.images.as_str());
                        writes
                            .update
                            .push(update_input(product, owned, prints, images_changed));
                    }
                }
            }
        }
        let size = usize::try_from(self.options.batch_size).unwrap_or(usize::MAX);
        let batches = build_batches(writes, size, outline.first_batch);
        let expected =
            &summary.batches[outline.first_batch..outline.first_batch + outline.batch_count];
        let made: Vec<BatchSummary> = batches.iter().map(WriteBatch::summary).collect();
        if made != expected {
            return Err(wrong(
                "the bodies do not give the products the planner read".to_string(),
            ));
        }
        Ok(batches)
    }

    /// The outlined plan's summary, and window `window`'s outline and work.
    fn window(
        &self,
        window: usize,
    ) -> Result<(&CatalogPlanSummary, &PlanWindow, &WindowWork), PlannerError> {
        let Stage::Outlined(outlined) = &self.stage else {
            return Err(PlannerError::OutOfOrder {
                call: "planWindow",
                reason: "call summary first",
            });
        };
        let (summary, windows) = outlined.as_ref();
        match (summary.windows.get(window), windows.get(window)) {
            (Some(outline), Some(work)) => Ok((summary, outline, work)),
            _ => Err(PlannerError::NoSuchWindow {
                window,
                windows: windows.len(),
            }),
        }
    }

    /// The window's products with their fingerprints, in the window's order: the ones the census kept as they
    /// were mapped then, the others mapped again from their bodies (only the bodies that hold one are parsed).
    fn map_window<B: AsRef<str>>(
        &self,
        work: &WindowWork,
        positions: &[usize],
        bodies: &[B],
        kept: Vec<Option<Box<KeptProduct>>>,
    ) -> Result<Vec<KeptProduct>, String> {
        let slots: HashMap<(usize, usize), usize> = work
            .products
            .iter()
            .zip(&kept)
            .enumerate()
            .filter(|(_, (_, kept))| kept.is_none())
            .map(|(i, (item, _))| ((item.body, item.slot), i))
            .collect();
        let wanted: HashSet<usize> = slots.keys().map(|(body, _)| *body).collect();
        let context = MappingContext {
            currency_code: &self.options.currency_code,
            categories: &self.categories,
            tags: &self.tags,
            images: &self.images,
        };
        let mut mapped: Vec<Option<KeptProduct>> = kept
            .into_iter()
            .map(|kept| kept.map(|kept| *kept))
            .collect();
        for (&position, body) in positions.iter().zip(bodies) {
            if !wanted.contains(&position) {
                continue;
            }
            let body = body.as_ref();
            let entries = match self.census.bodies.get(position).map(|read| read.kind) {
                Some(BodyKind::Page) => parse_page(body)
                    .map_err(|error| format!("body {position} is not a page: {error}"))?
                    .entries()
                    .collect(),
                Some(BodyKind::Product) => vec![parse_product(body)],
                None => return Err(format!("the planner read no body {position}")),
            };
            for (slot, entry) in entries.into_iter().enumerate() {
                let Some(&i) = slots.get(&(position, slot)) else {
                    continue;
                };
                let expected = work.products[i].source_id;
                let mut product = entry
                    .ok()
                    .filter(|product| product.id == expected)
                    .ok_or_else(|| {
                        format!("body {position} does not hold product {expected} where it was")
                    })?;
                // Its error was reported when the planner read it.
                let _ = cap_images(&mut product, self.options.max_images_per_product);
                let product = map_product(product, &context).map_err(|error| {
                    format!("product {expected} no longer maps: {}", error.message)
                })?;
                let prints = fingerprints(&product);
                mapped[i] = Some(KeptProduct { product, prints });
            }
        }
        mapped
            .into_iter()
            .zip(&work.products)
            .map(|(product, item)| {
                product.ok_or_else(|| format!("no body given holds product {}", item.source_id))
            })
            .collect()
    }

    /// The stock plan, once the products are written: the source stock of the run's valid products against the
    /// levels at the sync's location of the owned products' inventory items (products refused in this run are
    /// left alone).
    pub fn plan_stock(
        &mut self,
        location_id: String,
        levels: Vec<ExistingLevel>,
        refused_source_ids: Vec<SourceId>,
    ) -> Result<StockPlan, PlannerError> {
        let targets = self.summary()?.stock.clone();
        Ok(plan_stock_levels(&StockPlanInput {
            location_id,
            batch_size: self.options.batch_size,
            targets,
            refused_source_ids,
            items: std::mem::take(&mut self.inventory_items),
            levels,
        }))
    }
}

/// What mapping a candidate gave (every candidate left after [`Planner::finish_reading`] was mapped).
fn facts(candidate: &super::census::Candidate) -> &MappedFacts {
    candidate
        .mapped
        .as_ref()
        .unwrap_or_else(|_| unreachable!("unmapped candidates are rejected when the reading ends"))
}

/// Whether a product with this fingerprint and status needs no update for this source content.
fn unchanged(fingerprint: Option<&str>, status: &str, facts: &MappedFacts) -> bool {
    fingerprint == Some(facts.prints.content.as_str()) && status == PUBLISHED
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RecordedProduct;
    use serde_json::json;

    fn page(ids: &[u64]) -> String {
        let products: Vec<_> = ids
            .iter()
            .map(|id| json!({ "id": id, "title": format!("Product {id}"), "price": 2.5, "stock": 4 }))
            .collect();
        json!({ "products": products, "total": 3, "skip": 0, "limit": ids.len() }).to_string()
    }

    fn input(recorded: Vec<RecordedProduct>) -> PlanInput {
        PlanInput {
            options: SyncOptions::default(),
            pages: Vec::new(),
            products: None,
            not_found_ids: None,
            scope: SyncScope::Full,
            categories: Vec::new(),
            tags: Vec::new(),
            owned: Vec::new(),
            recorded,
            inventory_items: Vec::new(),
            taken_handles: Vec::new(),
            sales_channel_id: None,
            stock_location_id: Some("sloc_1".into()),
            stored_images: Vec::new(),
            image_failures: Vec::new(),
        }
    }

    fn recorded(id: u64, fingerprint: &str) -> RecordedProduct {
        RecordedProduct {
            id: format!("prod_{id}"),
            external_id: format!("dummyjson:{id}"),
            handle: format!("product-{id}"),
            status: "published".into(),
            fingerprint: Some(fingerprint.into()),
            variant_id: Some(format!("variant_{id}")),
        }
    }

    #[test]
    fn calls_out_of_order_are_refused() {
        let mut planner = Planner::new(input(Vec::new()), WindowLimits::HOST);
        assert!(matches!(
            planner.summary(),
            Err(PlannerError::OutOfOrder {
                call: "summary",
                ..
            })
        ));
        assert!(matches!(
            planner.add_rows(&[]),
            Err(PlannerError::OutOfOrder {
                call: "addRows",
                ..
            })
        ));
        assert!(matches!(
            planner.plan_window(0, &[""]),
            Err(PlannerError::OutOfOrder {
                call: "planWindow",
                ..
            })
        ));
        planner.read_pages(&[page(&[1, 2, 3])]).unwrap();
        planner.finish_reading().unwrap();
        assert!(matches!(
            planner.read_pages(&[page(&[4])]),
            Err(PlannerError::OutOfOrder {
                call: "readPages",
                ..
            })
        ));
        assert_eq!(planner.summary().unwrap().windows.len(), 1);
        assert_eq!(
            planner.plan_window(1, &[""]),
            Err(PlannerError::NoSuchWindow {
                window: 1,
                windows: 1
            })
        );
    }

    #[test]
    fn a_window_refuses_bodies_that_are_not_the_ones_read() {
        // Four products and windows of two: the census keeps no mapped product, so the windows parse their bodies.
        let limits = WindowLimits {
            products: 2,
            bytes: usize::MAX,
        };
        let mut planner = Planner::new(input(Vec::new()), limits);
        planner
            .read_pages(&[page(&[1, 2]), page(&[3]), page(&[4])])
            .unwrap();
        planner.finish_reading().unwrap();
        assert_eq!(planner.summary().unwrap().windows[1].bodies, [1, 2]);
        let mut refused = |bodies: &[String]| match planner.plan_window(1, bodies) {
            Err(PlannerError::WrongBodies { reason, .. }) => reason,
            other => panic!("expected WrongBodies, got {other:?}"),
        };
        assert!(refused(&[page(&[3])]).contains("1 bodies given"));
        assert!(refused(&[page(&[3]), page(&[5])]).contains("does not hold product 4"));
        assert!(refused(&[page(&[3]), page(&[40])]).contains("body 2 is not the one read"));
        let unparsable = format!("{:<1$}", "{", page(&[3]).len());
        assert!(refused(&[unparsable, page(&[4])]).contains("body 1 is not a page"));
        let batches = planner.plan_window(1, &[page(&[3]), page(&[4])]).unwrap();
        assert_eq!(batches.len(), 1);
        assert_eq!(batches[0].source_ids(), [Some(3), Some(4)]);
    }

    #[test]
    fn a_catalog_that_fits_one_window_is_mapped_once_and_its_bodies_are_checked_by_length() {
        let mut planner = Planner::new(input(Vec::new()), WindowLimits::HOST);
        planner.read_pages(&[page(&[1, 2]), page(&[3])]).unwrap();
        planner.finish_reading().unwrap();
        assert_eq!(planner.summary().unwrap().windows[0].bodies, [0, 1]);
        match planner.plan_window(0, &[page(&[1, 2]), page(&[30])]) {
            Err(PlannerError::WrongBodies { reason, .. }) => {
                assert!(reason.contains("body 1 is not the one read"), "{reason}")
            }
            other => panic!("expected WrongBodies, got {other:?}"),
        }
        // The kept products are used: bodies of the right length are not parsed (these would not parse).
        let blank = |body: String| " ".repeat(body.len());
        let kept = planner
            .plan_window(0, &[blank(page(&[1, 2])), blank(page(&[3]))])
            .unwrap();
        // Taken by that call: a second call maps the products again from the bodies, to the same batches.
        assert!(planner
            .plan_window(0, &[blank(page(&[1, 2])), blank(page(&[3]))])
            .is_err());
        let again = planner
            .plan_window(0, &[page(&[1, 2]), page(&[3])])
            .unwrap();
        assert_eq!(kept, again);
        assert_eq!(kept[0].source_ids(), [Some(1), Some(2), Some(3)]);
    }

    #[test]
    fn recorded_products_are_read_only_when_their_content_changed_and_a_row_never_given_is_gone() {
        let mut whole = Planner::new(input(Vec::new()), WindowLimits::WHOLE);
        whole.read_pages(&[page(&[1, 2, 3])]).unwrap();
        whole.finish_reading().unwrap();
        whole.summary().unwrap();
        let fresh = whole.plan_window(0, &[page(&[1, 2, 3])]).unwrap();
        let WriteBatch::Create { products, .. } = &fresh[0] else {
            panic!("a create batch")
        };
        let print = |n: usize| products[n].metadata.catalog_sync_fingerprint.clone();
        let mut planner = Planner::new(
            input(vec![
                recorded(1, &print(0)),
                recorded(2, "stale"),
                recorded(3, &print(2)),
            ]),
            WindowLimits::HOST,
        );
        planner.read_pages(&[page(&[1, 2, 3])]).unwrap();
        assert_eq!(planner.finish_reading().unwrap(), ["prod_2"]);
        planner.add_rows(&[]).unwrap();
        let summary = planner.summary().unwrap();
        assert_eq!(
            (
                summary.counts.unchanged,
                summary.counts.to_update,
                summary.counts.to_create
            ),
            (2, 0, 1),
            "its row never came: the product is gone and created again"
        );
        assert_eq!(summary.batches[0].kind, WriteKind::Create);
        assert_eq!(summary.batches[0].source_ids, [Some(2)]);
    }
}
