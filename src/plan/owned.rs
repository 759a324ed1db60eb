//! The products the sync owns, indexed by source id: each one with its full content ([`OwnedProduct`]) or as
//! recorded ([`RecordedProduct`]), the product kept for each source id, and the duplicates to delete.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use crate::batching::Removal;
use crate::mapping::source_id_of;
use crate::model::{OwnedProduct, RecordedProduct, RunError, RunErrorCode, SourceId};

/// An owned product: a position in the plan's full products or in its recorded ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OwnedRef {
    /// `owned[i]`: the product with everything an update or a completion needs.
    Full(usize),
    /// `recorded[i]`: the product as the ledger records it, without its relations.
    Recorded(usize),
}

/// The owned products of a plan.
#[derive(Debug, Default)]
pub(super) struct OwnedProducts {
    pub(super) full: Vec<OwnedProduct>,
    pub(super) recorded: Vec<RecordedProduct>,
    /// The product kept for each source id (the smallest Medusa id: ids are time-ordered, so the oldest).
    pub(super) canonical: BTreeMap<SourceId, OwnedRef>,
    /// Duplicates to delete, by source id.
    pub(super) duplicates: Vec<Removal>,
}

impl OwnedProducts {
    /// Indexes the products; one error per product whose `external_id` is not `dummyjson:<id>` (left untouched).
    pub(super) fn new(
        full: Vec<OwnedProduct>,
        recorded: Vec<RecordedProduct>,
        errors: &mut Vec<RunError>,
    ) -> Self {
        let mut products = OwnedProducts {
            full,
            recorded,
            ..OwnedProducts::default()
        };
        let refs = (0..products.full.len())
            .map(OwnedRef::Full)
            .chain((0..products.recorded.len()).map(OwnedRef::Recorded));
        let mut by_source: Vec<(SourceId, OwnedRef)> =
            Vec::with_capacity(products.full.len() + products.recorded.len());
        for owned in refs {
            let (id, external_id) = products.identity(owned);
            match source_id_of(external_id) {
                Some(source_id) => by_source.push((source_id, owned)),
                None => errors.push(RunError::new(
                    None,
                    None,
                    RunErrorCode::UnrecognizedExternalId,
                    format!(
                        "store product {id}: external_id \"{external_id}\" is not dummyjson:<id>; it is left untouched"
                    ),
                )),
            }
        }
        by_source.sort_by(|(a_source, a), (b_source, b)| {
            a_source
                .cmp(b_source)
                .then_with(|| products.id(*a).cmp(products.id(*b)))
        });
        for (source_id, owned) in by_source {
            match products.canonical.entry(source_id) {
                Entry::Occupied(_) => products.duplicates.push(Removal {
                    source_id,
                    product_id: products.id(owned).to_string(),
                }),
                Entry::Vacant(slot) => {
                    slot.insert(owned);
                }
            }
        }
        products
    }

    /// Id and `external_id` of an owned product.
    fn identity(&self, owned: OwnedRef) -> (&str, &str) {
        match owned {
            OwnedRef::Full(i) => (&self.full[i].id, &self.full[i].external_id),
            OwnedRef::Recorded(i) => (&self.recorded[i].id, &self.recorded[i].external_id),
        }
    }

    /// Medusa id of an owned product.
    pub(super) fn id(&self, owned: OwnedRef) -> &str {
        self.identity(owned).0
    }

    /// Status of an owned product.
    pub(super) fn status(&self, owned: OwnedRef) -> &str {
        match owned {
            OwnedRef::Full(i) => &self.full[i].status,
            OwnedRef::Recorded(i) => &self.recorded[i].status,
        }
    }

    /// Every owned product's handle.
    pub(super) fn handles(&self) -> impl Iterator<Item = &str> {
        self.full
            .iter()
            .map(|product| product.handle.as_str())
            .chain(self.recorded.iter().map(|product| product.handle.as_str()))
    }

    /// Makes `product` (the full content of the recorded product kept for `source_id`) the one the plan works on.
    pub(super) fn replace(&mut self, source_id: SourceId, product: OwnedProduct) {
        self.full.push(product);
        self.canonical
            .insert(source_id, OwnedRef::Full(self.full.len() - 1));
    }

    /// Forgets the product kept for `source_id` (its full row was asked for and not found: it is gone).
    pub(super) fn forget(&mut self, source_id: SourceId) {
        self.canonical.remove(&source_id);
    }
}
