//! Repairs before the plan: what to do with owned products that a sync killed mid-write left incomplete.
//!
//! Medusa's `createProductsWorkflow` stores a product, its sales-channel link, its variant, inventory item and
//! price in separate transactions, and a process killed in between compensates nothing. [`plan_repairs`]
//! decides, from what the host found in the store:
//! * a product missing its variant, price or inventory item is **deleted**, so the plan creates it whole again
//!   from the source;
//! * an intact product in no sales channel is **linked** to the sync's channel.
//!
//! A targeted (webhook) run repairs only the products it names: deleting another one would remove it from the
//! store until the next full sync, since the targeted plan does not create it again.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::mapping::source_id_of;
use crate::plan::SyncScope;

/// An owned product as the host found it in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RepairCandidate {
    /// Medusa product id.
    pub id: String,
    /// `dummyjson:<source id>`.
    pub external_id: String,
    /// The product has no variant, no price in the sync's currency, or no inventory item for a variant that
    /// manages inventory.
    pub missing_variant_parts: bool,
    /// The product is in no sales channel.
    pub in_no_sales_channel: bool,
}

/// Input of [`plan_repairs`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RepairInput {
    /// Full or targeted: a targeted run repairs only its products.
    pub scope: SyncScope,
    /// Every owned product.
    pub products: Vec<RepairCandidate>,
}

/// What to repair.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RepairPlan {
    /// Medusa ids of products to delete (and leave out of the snapshot, so the plan creates them again).
    pub delete: Vec<String>,
    /// Medusa ids of intact products to link to the sync's sales channel.
    pub link: Vec<String>,
}

/// Decides which incomplete owned products are deleted and which are linked to the sales channel.
///
/// ```
/// use catalog_sync::plan::SyncScope;
/// use catalog_sync::repair::{plan_repairs, RepairCandidate, RepairInput};
/// let broken = |id: &str, source: u64| RepairCandidate { id: id.into(), external_id: format!("dummyjson:{source}"),
///                                                        missing_variant_parts: true, in_no_sales_channel: false };
/// let products = vec![broken("prod_1", 1), broken("prod_2", 2)];
/// let full = plan_repairs(&RepairInput { scope: SyncScope::Full, products: products.clone() });
/// assert_eq!(full.delete, vec!["prod_1", "prod_2"]);
/// let targeted = plan_repairs(&RepairInput { scope: SyncScope::Targeted { product_ids: vec![2] }, products });
/// assert_eq!(targeted.delete, vec!["prod_2"]);
/// ```
pub fn plan_repairs(input: &RepairInput) -> RepairPlan {
    let in_scope = |product: &RepairCandidate| match &input.scope {
        SyncScope::Full => true,
        SyncScope::Targeted { product_ids } => {
            source_id_of(&product.external_id).is_some_and(|id| product_ids.contains(&id))
        }
    };
    let mut plan = RepairPlan::default();
    for product in input.products.iter().filter(|product| in_scope(product)) {
        if product.missing_variant_parts {
            plan.delete.push(product.id.clone());
        } else if product.in_no_sales_channel {
            plan.link.push(product.id.clone());
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: &str, external_id: &str, missing: bool, unlisted: bool) -> RepairCandidate {
        RepairCandidate {
            id: id.into(),
            external_id: external_id.into(),
            missing_variant_parts: missing,
            in_no_sales_channel: unlisted,
        }
    }

    fn products() -> Vec<RepairCandidate> {
        vec![
            candidate("prod_ok", "dummyjson:1", false, false),
            candidate("prod_broken", "dummyjson:2", true, false),
            candidate("prod_broken_unlisted", "dummyjson:3", true, true),
            candidate("prod_unlisted", "dummyjson:4", false, true),
            candidate("prod_foreign", "shopify:5", true, true),
        ]
    }

    #[test]
    fn a_full_sync_deletes_incomplete_products_and_links_unlisted_ones() {
        let plan = plan_repairs(&RepairInput {
            scope: SyncScope::Full,
            products: products(),
        });
        assert_eq!(
            plan.delete,
            vec!["prod_broken", "prod_broken_unlisted", "prod_foreign"]
        );
        assert_eq!(
            plan.link,
            vec!["prod_unlisted"],
            "a deleted product is not linked"
        );
    }

    #[test]
    fn a_targeted_sync_repairs_only_its_products() {
        let plan = plan_repairs(&RepairInput {
            scope: SyncScope::Targeted {
                product_ids: vec![3, 4, 9],
            },
            products: products(),
        });
        assert_eq!(plan.delete, vec!["prod_broken_unlisted"]);
        assert_eq!(plan.link, vec!["prod_unlisted"]);
        let none = plan_repairs(&RepairInput {
            scope: SyncScope::Targeted {
                product_ids: vec![1],
            },
            products: products(),
        });
        assert_eq!(none, RepairPlan::default());
    }
}
