//! The plan's first pass over the source bodies: every entry parsed and validated, every valid product mapped and
//! fingerprinted, and only what the plan decides from kept per product — its id, where it is, its SKU and barcode,
//! its fingerprints, stock and title — so the bodies can be read a few at a time and dropped. A catalog that fits one
//! window also keeps its mapped products, so that its window does not parse and map them again.

use std::collections::{BTreeSet, HashSet};

use crate::fingerprint::fingerprints;
use crate::images::{cap_images, image_errors};
use crate::mapping::{map_product, MappedProduct, MappingContext};
use crate::model::{Fingerprints, RunError, RunErrorCode, SourceId};
use crate::source::{parse_page, parse_product, SourceProduct};

/// What a source body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BodyKind {
    /// A `/products` page.
    Page,
    /// A `/products/:id` answer.
    Product,
}

/// A body the census read: its kind and size.
#[derive(Debug, Clone, Copy)]
pub(super) struct Body {
    pub(super) kind: BodyKind,
    pub(super) bytes: usize,
}

/// What mapping a valid product gave.
#[derive(Debug, Clone)]
pub(super) struct MappedFacts {
    pub(super) prints: Fingerprints,
    pub(super) stock: u64,
    pub(super) title: String,
    /// Its images the run could not copy.
    pub(super) image_problems: Vec<RunError>,
}

/// A valid product (the first occurrence of its id).
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub(super) source_id: SourceId,
    /// Position of its body.
    pub(super) body: usize,
    /// Its position among the body's entries.
    pub(super) slot: usize,
    pub(super) sku: Option<String>,
    pub(super) barcode: Option<String>,
    /// Its mapping, or why it could not be mapped (unknown category or tag).
    pub(super) mapped: Result<MappedFacts, RunError>,
    /// Its mapped product, while the catalog fits one window.
    pub(super) kept: Option<Box<KeptProduct>>,
}

/// A mapped product the census kept, with its fingerprints, so that its window need not parse and map it again.
#[derive(Debug, Clone)]
pub(super) struct KeptProduct {
    pub(super) product: MappedProduct,
    pub(super) prints: Fingerprints,
}

/// A problem noted while reading, in reading order; a malformed page is worded once the number of pages is known.
#[derive(Debug, Clone)]
enum Noted {
    Error(RunError),
    MalformedPage { position: usize, reason: String },
}

/// Everything the first pass found.
#[derive(Debug, Default)]
pub(super) struct Census {
    pub(super) bodies: Vec<Body>,
    pub(super) candidates: Vec<Candidate>,
    /// Every source id seen (valid or rejected).
    pub(super) seen: HashSet<SourceId>,
    pub(super) duplicate_ids: BTreeSet<SourceId>,
    pub(super) fetched: usize,
    pub(super) rejected: usize,
    /// Rejected entries without a usable id.
    pub(super) unidentified: usize,
    pub(super) expected_total: Option<u64>,
    pub(super) malformed_pages: usize,
    /// While the catalog has fewer candidates than this, their mapped products are kept with them (a catalog small
    /// enough to fit one window is parsed and mapped once). `None` once it has outgrown it: every kept product was
    /// dropped, for good (a larger catalog's windows parse and map their products again, so that no more than a
    /// window of mapped products is ever held).
    keep_below: Option<usize>,
    pages: usize,
    noted: Vec<Noted>,
}

impl Census {
    /// A census that keeps the mapped products while the catalog has at most `keep` candidates.
    pub(super) fn keeping(keep: usize) -> Self {
        Census {
            keep_below: Some(keep),
            ..Census::default()
        }
    }

    /// Keeps `product` (of the next candidate) if the catalog still fits the limit; drops every kept product when
    /// it no longer does.
    fn keep(&mut self, product: KeptProduct) -> Option<Box<KeptProduct>> {
        let limit = self.keep_below?;
        if self.candidates.len() < limit {
            return Some(Box::new(product));
        }
        self.keep_below = None;
        for candidate in &mut self.candidates {
            candidate.kept = None;
        }
        None
    }

    /// Reads one `/products` page body (each product's images capped at `max_images`).
    pub(super) fn read_page(&mut self, body: &str, context: &MappingContext<'_>, max_images: u32) {
        let position = self.push_body(BodyKind::Page, body);
        self.pages += 1;
        match parse_page(body) {
            Ok(page) => {
                self.expected_total = self.expected_total.max(Some(page.total));
                for (slot, entry) in page.entries().enumerate() {
                    self.absorb(entry, (position, slot), context, max_images);
                }
            }
            Err(error) => {
                self.malformed_pages += 1;
                self.noted.push(Noted::MalformedPage {
                    position: self.pages,
                    reason: error.to_string(),
                });
            }
        }
    }

    /// Reads one `/products/:id` body (its images capped at `max_images`).
    pub(super) fn read_product(
        &mut self,
        body: &str,
        context: &MappingContext<'_>,
        max_images: u32,
    ) {
        let position = self.push_body(BodyKind::Product, body);
        self.absorb(parse_product(body), (position, 0), context, max_images);
    }

    fn push_body(&mut self, kind: BodyKind, body: &str) -> usize {
        self.bodies.push(Body {
            kind,
            bytes: body.len(),
        });
        self.bodies.len() - 1
    }

    fn absorb(
        &mut self,
        entry: Result<SourceProduct, RunError>,
        (body, slot): (usize, usize),
        context: &MappingContext<'_>,
        max_images: u32,
    ) {
        self.fetched += 1;
        let id = match &entry {
            Ok(product) => Some(product.id),
            Err(error) => error.source_id,
        };
        if let Some(id) = id {
            if !self.seen.insert(id) {
                self.duplicate_ids.insert(id);
                self.noted.push(Noted::Error(RunError::new(
                    Some(id),
                    Some("id"),
                    RunErrorCode::DuplicateProductId,
                    format!("product {id}: received more than once; the first occurrence is used"),
                )));
                return;
            }
        }
        match entry {
            Ok(mut product) => {
                let (sku, barcode) = (product.sku.clone(), product.barcode.clone());
                let mut image_problems: Vec<RunError> =
                    cap_images(&mut product, max_images).into_iter().collect();
                image_problems.extend(image_errors(&product, context.images));
                let (mapped, kept) = match map_product(product, context) {
                    Ok(mapped) => {
                        let prints = fingerprints(&mapped);
                        let facts = MappedFacts {
                            prints: prints.clone(),
                            stock: mapped.stock,
                            title: mapped.title.clone(),
                            image_problems,
                        };
                        let kept = self.keep(KeptProduct {
                            product: mapped,
                            prints,
                        });
                        (Ok(facts), kept)
                    }
                    Err(error) => (Err(error), None),
                };
                self.candidates.push(Candidate {
                    source_id: id.unwrap_or_default(),
                    body,
                    slot,
                    sku,
                    barcode,
                    mapped,
                    kept,
                });
            }
            Err(error) => self.reject(error),
        }
    }

    /// Counts a rejected product and notes its error.
    pub(super) fn reject(&mut self, error: RunError) {
        self.rejected += 1;
        if error.source_id.is_none() {
            self.unidentified += 1;
        }
        self.noted.push(Noted::Error(error));
    }

    /// The problems noted while reading, in reading order, worded.
    pub(super) fn take_errors(&mut self) -> Vec<RunError> {
        let pages = self.pages;
        std::mem::take(&mut self.noted)
            .into_iter()
            .map(|noted| match noted {
                Noted::Error(error) => error,
                Noted::MalformedPage { position, reason } => RunError::new(
                    None,
                    None,
                    RunErrorCode::MalformedPage,
                    format!("page body {position} of {pages}: {reason}"),
                ),
            })
            .collect()
    }

    /// Rejects candidates whose SKU or barcode a candidate with a lower id already uses (both are unique in
    /// Medusa); `candidates` must be sorted by id. Their errors are noted after everything read so far.
    pub(super) fn reject_shared_identifiers(&mut self) {
        let mut skus: std::collections::HashMap<&str, SourceId> =
            std::collections::HashMap::with_capacity(self.candidates.len());
        let mut barcodes: std::collections::HashMap<&str, SourceId> =
            std::collections::HashMap::with_capacity(self.candidates.len());
        let mut rejections: Vec<(usize, RunError)> = Vec::new();
        for (position, candidate) in self.candidates.iter().enumerate() {
            let id = candidate.source_id;
            let sku = candidate.sku.as_deref();
            let barcode = candidate.barcode.as_deref();
            let rejection = if let Some((sku, owner)) = sku.and_then(|s| Some((s, *skus.get(s)?))) {
                Some(RunError::new(
                    Some(id),
                    Some("sku"),
                    RunErrorCode::DuplicateSku,
                    format!("product {id}: sku \"{sku}\" is already used by product {owner}"),
                ))
            } else if let Some((barcode, owner)) =
                barcode.and_then(|b| Some((b, *barcodes.get(b)?)))
            {
                Some(RunError::new(
                    Some(id),
                    Some("meta.barcode"),
                    RunErrorCode::DuplicateBarcode,
                    format!(
                        "product {id}: barcode \"{barcode}\" is already used by product {owner}"
                    ),
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
        self.candidates.retain(|_| {
            position += 1;
            !rejected.contains(&(position - 1))
        });
        for (_, error) in rejections {
            self.reject(error);
        }
    }
}
