//! Property tests of previews over generated catalogs.
//!
//! * The listing fingerprint depends on what the source lists, not on how it was paged: any cut into pages, in any
//!   order, with any key order inside the products, gives one fingerprint; changing one product's value changes it.
//! * A change list names every product once: every source id of the listing and every owned product appears in
//!   exactly one entry, and the counts per kind add up to the number of entries.

use std::collections::BTreeSet;

use catalog_sync::changes::{
    listing_fingerprint, plan_changes, ChangeCounts, ChangesInput, ListingInput,
};
use catalog_sync::model::{OwnedProduct, SyncScope};
use catalog_sync::options::{ImageMode, SyncOptions};
use catalog_sync::plan::PlanInput;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A source product; `bad` makes its price invalid.
fn product(id: u64, price: u32, bad: bool) -> Value {
    json!({ "id": id, "title": format!("Product {id}"), "price": if bad { json!("free") } else { json!(price) }, "stock": id % 7 })
}

/// The catalog cut into pages of `size` (at least 1), listed in the order `order` gives the page numbers.
fn pages(products: &[Value], size: usize, order: &[usize]) -> Vec<String> {
    let chunks: Vec<&[Value]> = products.chunks(size.max(1)).collect();
    let mut positions: Vec<usize> = (0..chunks.len()).collect();
    positions.sort_by_key(|position| order.get(*position).copied().unwrap_or(0));
    positions
        .into_iter()
        .map(|position| {
            json!({ "products": chunks[position], "total": products.len(), "skip": position * size.max(1), "limit": size })
                .to_string()
        })
        .collect()
}

fn owned(id: u64) -> OwnedProduct {
    OwnedProduct {
        id: format!("prod_{id:04}"),
        external_id: format!("dummyjson:{id}"),
        handle: format!("product-{id}"),
        status: "published".into(),
        fingerprint: Some("stale".into()),
        images_fingerprint: None,
        variant_id: Some(format!("variant_{id}")),
        other_variant_ids: Vec::new(),
        price_set_linked: true,
        prices: Vec::new(),
        missing_inventory_item: None,
        images: Vec::new(),
    }
}

proptest! {
    #[test]
    fn the_listing_fingerprint_ignores_paging_and_key_order(
        count in 1usize..40,
        size in 1usize..12,
        order in prop::collection::vec(0usize..100, 0..40),
        changed in 0usize..40,
    ) {
        let products: Vec<Value> = (1..=count as u64).map(|id| product(id, 10, false)).collect();
        let whole = listing_fingerprint(&ListingInput { pages: pages(&products, count, &[]), ..Default::default() });
        let cut = listing_fingerprint(&ListingInput { pages: pages(&products, size, &order), ..Default::default() });
        prop_assert_eq!(&whole, &cut);
        // Keys in another order: the same content.
        let reordered: Vec<Value> = products
            .iter()
            .map(|p| serde_json::from_str(&format!(r#"{{"stock":{},"price":{},"title":{},"id":{}}}"#, p["stock"], p["price"], p["title"], p["id"])).unwrap())
            .collect();
        let keys = listing_fingerprint(&ListingInput { pages: pages(&reordered, size, &order), ..Default::default() });
        prop_assert_eq!(&whole, &keys);
        let mut edited = products.clone();
        edited[changed % count]["price"] = json!(11);
        let other = listing_fingerprint(&ListingInput { pages: pages(&edited, size, &order), ..Default::default() });
        prop_assert_ne!(&whole, &other);
    }

    #[test]
    fn a_change_list_names_every_product_once(
        listed in prop::collection::btree_set(1u64..60, 0..30),
        owned_ids in prop::collection::btree_set(1u64..60, 0..30),
        bad in prop::collection::btree_set(1u64..60, 0..5),
    ) {
        let products: Vec<Value> = listed.iter().map(|id| product(*id, 5, bad.contains(id))).collect();
        let list = plan_changes(&ChangesInput {
            plan: PlanInput {
                options: SyncOptions { images: ImageMode::Link, max_removal_ratio: 1.0, ..SyncOptions::default() },
                pages: pages(&products, 10, &[]),
                products: None,
                not_found_ids: None,
                scope: SyncScope::Full,
                categories: Vec::new(),
                tags: Vec::new(),
                owned: owned_ids.iter().map(|id| owned(*id)).collect(),
                taken_handles: Vec::new(),
                sales_channel_id: None,
                stock_location_id: None,
                stored_images: Vec::new(),
                image_failures: Vec::new(),
                recorded: Vec::new(),
                inventory_items: Vec::new(),
            },
            current: Vec::new(),
            stock: Default::default(),
            categories_body: None,
        });
        let ids: Vec<u64> = list.entries.iter().filter_map(|entry| entry.source_id).collect();
        let unique: BTreeSet<u64> = ids.iter().copied().collect();
        prop_assert_eq!(ids.len(), unique.len(), "an id listed twice: {:?}", ids);
        let expected: BTreeSet<u64> = listed.union(&owned_ids).copied().collect();
        prop_assert_eq!(unique, expected);
        let ChangeCounts { created, updated, removed, kept, rejected, held } = list.counts;
        prop_assert_eq!(created + updated + removed + kept + rejected + held, list.entries.len());
        prop_assert_eq!(rejected, bad.intersection(&listed).count());
    }
}
