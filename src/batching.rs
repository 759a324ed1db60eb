//! Write batches: how the plan's writes are cut into Medusa workflow calls.
//!
//! Order is deterministic: every create batch, then update, then complete, then archive, then delete; within a kind, by
//! source id. Batch `index` numbers the batches of a plan from 0 in that order. A plan written in windows
//! ([`crate::plan`]) follows that order within each window of products (creates, updates, completions), the
//! windows in source id order, and ends with the archives and deletes; its indexes run across the windows. Categories and tags are not
//! batched here: the host creates them (from the taxonomy plan, `TaxonomyReader`) before it plans the products, so
//! every category and tag a product batch refers to already exists. Stock batches come from a second plan made
//! after the product writes ([`crate::stock::plan_stock_levels`]), once every variant has its inventory item.
//!
//! When Medusa refuses a batch, the host calls [`split_batch`] and retries the halves, down to single products;
//! a refused single product is reported with [`crate::report::write_error_for`].

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::mapping::{
    InventoryItemCreateInput, ProductCompletion, ProductCreateInput, ProductStatus,
    ProductUpdateInput,
};
use crate::model::SourceId;

/// The kind of a write batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum WriteKind {
    /// `createProductsWorkflow`.
    Create,
    /// `updateProductsWorkflow`.
    Update,
    /// What owned products lack (a variant, a price set, an inventory item), created on the products as they are
    /// (the plugin's `catalog-sync-complete-products` workflow).
    Complete,
    /// `updateProductsWorkflow` with `status: "draft"` (products missing upstream, `onMissing: "draft"`).
    Archive,
    /// `deleteProductsWorkflow`.
    Delete,
    /// `batchInventoryItemLevelsWorkflow`: stock levels at the sync's location (planned after the product
    /// writes, see [`crate::stock`]).
    Stock,
}

impl WriteKind {
    /// The verb for messages: `create`, `update`, `complete`, `archive`, `delete`, `set the stock level of`.
    pub fn verb(self) -> &'static str {
        match self {
            WriteKind::Create => "create",
            WriteKind::Update => "update",
            WriteKind::Complete => "complete",
            WriteKind::Archive => "archive",
            WriteKind::Delete => "delete",
            WriteKind::Stock => "set the stock level of",
        }
    }
}

/// One Medusa workflow call of at most `batchSize` products.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[ts(export)]
pub enum WriteBatch {
    /// Products to create.
    Create {
        /// Position of the batch in the plan.
        index: usize,
        /// `createProductsWorkflow` inputs.
        products: Vec<ProductCreateInput>,
        /// When the stock location is known: the inventory item of each product's variant (same positions),
        /// created first with its level at the location (`createInventoryItemsWorkflow`) and given to the
        /// variant, so a product lands with its stock. Empty: Medusa creates the items, the stock step the
        /// levels.
        #[serde(rename = "inventoryItems", default)]
        inventory_items: Vec<InventoryItemCreateInput>,
    },
    /// Products to update.
    Update {
        /// Position of the batch in the plan.
        index: usize,
        /// `updateProductsWorkflow` entries.
        products: Vec<ProductUpdateInput>,
    },
    /// Owned products to complete.
    Complete {
        /// Position of the batch in the plan.
        index: usize,
        /// What each product lacks.
        completions: Vec<ProductCompletion>,
    },
    /// Products to set to `draft`.
    Archive {
        /// Position of the batch in the plan.
        index: usize,
        /// What archiving means: the status `updateProductsWorkflow` sets on each product (always `draft`).
        status: ProductStatus,
        /// Medusa product ids.
        #[serde(rename = "productIds")]
        product_ids: Vec<String>,
        /// Source ids of the same products, position by position (for error reports).
        #[serde(rename = "sourceIds", default)]
        #[ts(type = "Array<number>")]
        source_ids: Vec<SourceId>,
    },
    /// Products to delete.
    Delete {
        /// Position of the batch in the plan.
        index: usize,
        /// Medusa product ids.
        #[serde(rename = "productIds")]
        product_ids: Vec<String>,
        /// Source ids of the same products, position by position (for error reports).
        #[serde(rename = "sourceIds", default)]
        #[ts(type = "Array<number>")]
        source_ids: Vec<SourceId>,
    },
    /// Stock levels to create or update.
    Stock {
        /// Position of the batch in the stock plan.
        index: usize,
        /// One level per product.
        levels: Vec<StockLevelWrite>,
    },
}

impl WriteBatch {
    /// The batch's kind.
    pub fn kind(&self) -> WriteKind {
        match self {
            WriteBatch::Create { .. } => WriteKind::Create,
            WriteBatch::Update { .. } => WriteKind::Update,
            WriteBatch::Complete { .. } => WriteKind::Complete,
            WriteBatch::Archive { .. } => WriteKind::Archive,
            WriteBatch::Delete { .. } => WriteKind::Delete,
            WriteBatch::Stock { .. } => WriteKind::Stock,
        }
    }

    /// The batch's index.
    pub fn index(&self) -> usize {
        match self {
            WriteBatch::Create { index, .. }
            | WriteBatch::Update { index, .. }
            | WriteBatch::Complete { index, .. }
            | WriteBatch::Archive { index, .. }
            | WriteBatch::Delete { index, .. }
            | WriteBatch::Stock { index, .. } => *index,
        }
    }

    /// Number of products in the batch.
    pub fn len(&self) -> usize {
        match self {
            WriteBatch::Create { products, .. } => products.len(),
            WriteBatch::Update { products, .. } => products.len(),
            WriteBatch::Complete { completions, .. } => completions.len(),
            WriteBatch::Archive { product_ids, .. } | WriteBatch::Delete { product_ids, .. } => {
                product_ids.len()
            }
            WriteBatch::Stock { levels, .. } => levels.len(),
        }
    }

    /// Whether the batch holds no product.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The source id of every product of the batch, in order (`None` when an archive/delete batch came
    /// without `sourceIds`).
    pub fn source_ids(&self) -> Vec<Option<SourceId>> {
        match self {
            WriteBatch::Create { products, .. } => products
                .iter()
                .map(|p| Some(p.metadata.catalog_sync_source_id))
                .collect(),
            WriteBatch::Update { products, .. } => products
                .iter()
                .map(|p| Some(p.metadata.catalog_sync_source_id))
                .collect(),
            WriteBatch::Complete { completions, .. } => {
                completions.iter().map(|c| Some(c.source_id)).collect()
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
            } => (0..product_ids.len())
                .map(|i| source_ids.get(i).copied())
                .collect(),
            WriteBatch::Stock { levels, .. } => {
                levels.iter().map(|level| Some(level.source_id)).collect()
            }
        }
    }

    /// The batch without its contents: kind, index, length and source ids.
    pub fn summary(&self) -> BatchSummary {
        BatchSummary {
            kind: self.kind(),
            index: self.index(),
            len: self.len(),
            source_ids: self.source_ids(),
        }
    }
}

/// A write batch without its contents (see [`WriteBatch::summary`]): enough for the host to plan its writes and
/// to report on a batch without holding the batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BatchSummary {
    /// The batch's kind.
    pub kind: WriteKind,
    /// The batch's index (as `WriteBatch.index`).
    pub index: usize,
    /// Number of products in the batch.
    pub len: usize,
    /// Source id of each product of the batch, in order (`null` for an archive/delete entry without one).
    #[ts(type = "Array<number | null>")]
    pub source_ids: Vec<Option<SourceId>>,
}

/// Whether a level is created or updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum StockAction {
    /// The item has no level at the location yet.
    Create,
    /// The item's level has another quantity.
    Update,
}

/// One level to write, keyed the way `batchInventoryItemLevelsWorkflow` wants (`inventory_item_id`,
/// `location_id`, `stocked_quantity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StockLevelWrite {
    /// Source id of the product (for reports).
    #[serde(rename = "sourceId")]
    #[ts(type = "number")]
    pub source_id: SourceId,
    /// Create or update.
    pub action: StockAction,
    /// The inventory item.
    pub inventory_item_id: String,
    /// The sync's stock location.
    pub location_id: String,
    /// The quantity to store: the source stock.
    #[ts(type = "number")]
    pub stocked_quantity: u64,
}

/// A product to archive or delete: its source id and Medusa id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Removal {
    /// Source id (from the owned product's `external_id`).
    pub source_id: SourceId,
    /// Medusa product id.
    pub product_id: String,
}

/// Every write of a plan, each list sorted by source id.
#[derive(Debug, Clone, Default)]
pub struct Writes {
    /// Products to create, each with the inventory item of its variant when the stock location is known.
    pub create: Vec<(ProductCreateInput, Option<InventoryItemCreateInput>)>,
    /// Products to update.
    pub update: Vec<ProductUpdateInput>,
    /// Owned products to complete.
    pub complete: Vec<ProductCompletion>,
    /// Products to archive.
    pub archive: Vec<Removal>,
    /// Products to delete.
    pub delete: Vec<Removal>,
}

/// Cuts the writes into batches of at most `batch_size` (at least 1), numbered in order from `first_index` (a plan
/// written in windows numbers its batches across the windows).
pub fn build_batches(writes: Writes, batch_size: usize, first_index: usize) -> Vec<WriteBatch> {
    let size = batch_size.max(1);
    let mut batches = Vec::new();
    let mut next_index = first_index;
    let mut index = || {
        next_index += 1;
        next_index - 1
    };
    for creates in chunks(writes.create, size) {
        let (products, inventory_items): (Vec<_>, Vec<_>) = creates.into_iter().unzip();
        batches.push(WriteBatch::Create {
            index: index(),
            products,
            inventory_items: inventory_items.into_iter().flatten().collect(),
        });
    }
    for products in chunks(writes.update, size) {
        batches.push(WriteBatch::Update {
            index: index(),
            products,
        });
    }
    for completions in chunks(writes.complete, size) {
        batches.push(WriteBatch::Complete {
            index: index(),
            completions,
        });
    }
    for removals in chunks(writes.archive, size) {
        let (product_ids, source_ids) = unzip_removals(removals);
        batches.push(WriteBatch::Archive {
            index: index(),
            status: ProductStatus::Draft,
            product_ids,
            source_ids,
        });
    }
    for removals in chunks(writes.delete, size) {
        let (product_ids, source_ids) = unzip_removals(removals);
        batches.push(WriteBatch::Delete {
            index: index(),
            product_ids,
            source_ids,
        });
    }
    batches
}

fn unzip_removals(removals: Vec<Removal>) -> (Vec<String>, Vec<SourceId>) {
    removals
        .into_iter()
        .map(|removal| (removal.product_id, removal.source_id))
        .unzip()
}

/// Splits a vector into consecutive chunks of `size` items, moving the items.
pub(crate) fn chunks<T>(items: Vec<T>, size: usize) -> Vec<Vec<T>> {
    let mut out = Vec::with_capacity(items.len().div_ceil(size));
    let mut current = Vec::with_capacity(size.min(items.len()));
    for item in items {
        current.push(item);
        if current.len() == size {
            out.push(std::mem::replace(&mut current, Vec::with_capacity(size)));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Where a refused group of `len` items is cut in two: the first half gets the extra item of an odd count; `None`
/// for a group of one item (or none), which cannot be split.
fn split_point(len: usize) -> Option<usize> {
    (len >= 2).then(|| len.div_ceil(2))
}

/// The halves of any refused group of `len` items, as `[start, end)` position ranges, by the same rule as
/// [`split_batch`]: how the host retries a group of files the File module refused. `[]` for a group of one.
///
/// ```
/// use catalog_sync::batching::split_refused_group;
/// assert_eq!(split_refused_group(5), vec![[0, 3], [3, 5]]);
/// assert!(split_refused_group(1).is_empty());
/// ```
pub fn split_refused_group(len: usize) -> Vec<[usize; 2]> {
    match split_point(len) {
        Some(mid) => vec![[0, mid], [mid, len]],
        None => Vec::new(),
    }
}

/// Splits a batch Medusa refused into two halves (the first gets the extra item of an odd count), both
/// keeping the batch's index; a batch of one product (or none) cannot be split and gives `[]`.
///
/// ```
/// use catalog_sync::batching::{split_batch, WriteBatch};
/// let batch = WriteBatch::Delete { index: 4, product_ids: vec!["a".into(), "b".into(), "c".into()], source_ids: vec![1, 2, 3] };
/// let halves = split_batch(&batch);
/// assert_eq!(halves.iter().map(|b| b.len()).collect::<Vec<_>>(), vec![2, 1]);
/// assert!(halves.iter().all(|b| b.index() == 4));
/// ```
pub fn split_batch(batch: &WriteBatch) -> Vec<WriteBatch> {
    let Some(mid) = split_point(batch.len()) else {
        return Vec::new();
    };
    let index = batch.index();
    match batch {
        WriteBatch::Create {
            products,
            inventory_items,
            ..
        } => {
            let items_mid = mid.min(inventory_items.len());
            vec![
                WriteBatch::Create {
                    index,
                    products: products[..mid].to_vec(),
                    inventory_items: inventory_items[..items_mid].to_vec(),
                },
                WriteBatch::Create {
                    index,
                    products: products[mid..].to_vec(),
                    inventory_items: inventory_items[items_mid..].to_vec(),
                },
            ]
        }
        WriteBatch::Update { products, .. } => vec![
            WriteBatch::Update {
                index,
                products: products[..mid].to_vec(),
            },
            WriteBatch::Update {
                index,
                products: products[mid..].to_vec(),
            },
        ],
        WriteBatch::Complete { completions, .. } => vec![
            WriteBatch::Complete {
                index,
                completions: completions[..mid].to_vec(),
            },
            WriteBatch::Complete {
                index,
                completions: completions[mid..].to_vec(),
            },
        ],
        WriteBatch::Archive {
            status,
            product_ids,
            source_ids,
            ..
        } => {
            let (first, second) = halves(product_ids, source_ids, mid);
            vec![
                WriteBatch::Archive {
                    index,
                    status: *status,
                    product_ids: first.0,
                    source_ids: first.1,
                },
                WriteBatch::Archive {
                    index,
                    status: *status,
                    product_ids: second.0,
                    source_ids: second.1,
                },
            ]
        }
        WriteBatch::Delete {
            product_ids,
            source_ids,
            ..
        } => {
            let (first, second) = halves(product_ids, source_ids, mid);
            vec![
                WriteBatch::Delete {
                    index,
                    product_ids: first.0,
                    source_ids: first.1,
                },
                WriteBatch::Delete {
                    index,
                    product_ids: second.0,
                    source_ids: second.1,
                },
            ]
        }
        WriteBatch::Stock { levels, .. } => vec![
            WriteBatch::Stock {
                index,
                levels: levels[..mid].to_vec(),
            },
            WriteBatch::Stock {
                index,
                levels: levels[mid..].to_vec(),
            },
        ],
    }
}

type Half = (Vec<String>, Vec<SourceId>);

/// Splits parallel id lists at `mid` (a shorter `source_ids` list is split as far as it goes).
fn halves(product_ids: &[String], source_ids: &[SourceId], mid: usize) -> (Half, Half) {
    let source_mid = mid.min(source_ids.len());
    (
        (
            product_ids[..mid].to_vec(),
            source_ids[..source_mid].to_vec(),
        ),
        (
            product_ids[mid..].to_vec(),
            source_ids[source_mid..].to_vec(),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_outlines_the_batch_without_its_contents() {
        let delete = WriteBatch::Delete {
            index: 3,
            product_ids: vec!["prod_1".into(), "prod_2".into()],
            source_ids: vec![7],
        };
        assert_eq!(
            delete.summary(),
            BatchSummary {
                kind: WriteKind::Delete,
                index: 3,
                len: 2,
                source_ids: vec![Some(7), None],
            }
        );
        let stock = WriteBatch::Stock {
            index: 0,
            levels: vec![StockLevelWrite {
                source_id: 4,
                action: StockAction::Create,
                inventory_item_id: "iitem_4".into(),
                location_id: "sloc_1".into(),
                stocked_quantity: 2,
            }],
        };
        let summary = serde_json::to_value(stock.summary()).unwrap();
        assert_eq!(
            summary,
            serde_json::json!({ "kind": "stock", "index": 0, "len": 1, "sourceIds": [4] })
        );
    }
}
