use serde_json::json;

use super::*;
use crate::mapping::ProductCreateInput;
use crate::model::{OwnedPrice, SyncScope};
use crate::options::SyncOptions;
use crate::stock::{ExistingLevel, InventoryItemRef};
use crate::taxonomy::{ExistingTag, TaxonomyStore};

/// A source product as DummyJSON lists it.
fn product(id: u64, title: &str, price: f64, stock: u64) -> String {
    format!(
        r#"{{"id":{id},"title":"{title}","description":"About {title}","price":{price},"stock":{stock},
            "category":"beauty","tags":["beauty"],"thumbnail":"https://cdn/{id}/t.webp","images":["https://cdn/{id}/1.webp"]}}"#
    )
}

fn page(products: &[String]) -> String {
    format!(
        r#"{{"products":[{}],"total":{},"skip":0,"limit":100}}"#,
        products.join(","),
        products.len()
    )
}

fn categories() -> Vec<ExistingCategory> {
    vec![ExistingCategory {
        id: "pcat_beauty".into(),
        handle: "beauty".into(),
        name: "Beauty".into(),
    }]
}

fn tags() -> Vec<ExistingTag> {
    vec![ExistingTag {
        id: "ptag_beauty".into(),
        value: "beauty".into(),
    }]
}

fn plan_input(pages: Vec<String>, owned: Vec<OwnedProduct>) -> PlanInput {
    PlanInput {
        options: SyncOptions {
            images: crate::options::ImageMode::Link,
            max_removal_ratio: 1.0,
            ..SyncOptions::default()
        },
        pages,
        products: None,
        not_found_ids: None,
        scope: SyncScope::Full,
        categories: categories(),
        tags: tags(),
        owned,
        taken_handles: Vec::new(),
        sales_channel_id: None,
        stock_location_id: None,
        stored_images: Vec::new(),
        image_failures: Vec::new(),
        recorded: Vec::new(),
        inventory_items: Vec::new(),
    }
}

/// The stock levels a first sync of these products leaves: each product's source stock.
fn levels(products: &[String]) -> CurrentStock {
    let mut stock = CurrentStock::default();
    for body in products {
        let value: Value = serde_json::from_str(body).unwrap();
        let id = value["id"].as_u64().unwrap();
        stock.items.push(InventoryItemRef {
            external_id: format!("dummyjson:{id}"),
            inventory_item_id: format!("iitem_{id}"),
        });
        stock.levels.push(ExistingLevel {
            inventory_item_id: format!("iitem_{id}"),
            stocked_quantity: value["stock"].as_f64().unwrap(),
        });
    }
    stock
}

fn changes_with(
    pages: Vec<String>,
    owned: Vec<OwnedProduct>,
    current: Vec<CurrentProduct>,
    stock: CurrentStock,
) -> ChangeList {
    plan_changes(&ChangesInput {
        plan: plan_input(pages, owned),
        current,
        stock,
        categories_body: None,
    })
}

fn changes(
    pages: Vec<String>,
    owned: Vec<OwnedProduct>,
    current: Vec<CurrentProduct>,
) -> ChangeList {
    changes_with(pages, owned, current, CurrentStock::default())
}

/// The store as a first sync of these products leaves it: each created product as owned, with its current values.
fn synced(products: &[String]) -> (Vec<OwnedProduct>, Vec<CurrentProduct>) {
    let plan = plan_sync(&plan_input(vec![page(products)], Vec::new()));
    let created: Vec<&ProductCreateInput> = plan
        .batches
        .iter()
        .flat_map(|batch| match batch {
            WriteBatch::Create { products, .. } => products.iter().collect(),
            _ => Vec::new(),
        })
        .collect();
    let owned = created
        .iter()
        .map(|product| {
            let id = product.metadata.catalog_sync_source_id;
            OwnedProduct {
                id: format!("prod_{id}"),
                external_id: product.external_id.clone(),
                handle: product.handle.clone(),
                status: "published".into(),
                fingerprint: Some(product.metadata.catalog_sync_fingerprint.clone()),
                images_fingerprint: Some(product.metadata.catalog_sync_images_fingerprint.clone()),
                variant_id: Some(format!("variant_{id}")),
                other_variant_ids: Vec::new(),
                price_set_linked: true,
                prices: vec![OwnedPrice {
                    id: format!("price_{id}"),
                    currency_code: "usd".into(),
                    amount: product.variants[0].prices[0].amount,
                    conditional: false,
                }],
                missing_inventory_item: None,
                images: Vec::new(),
            }
        })
        .collect();
    let current = created
        .iter()
        .map(|product| CurrentProduct {
            product_id: format!("prod_{}", product.metadata.catalog_sync_source_id),
            title: product.title.clone(),
            description: product.description.clone(),
            category_handles: vec!["beauty".into()],
            tag_values: vec!["beauty".into()],
            thumbnail: product.thumbnail.clone(),
            image_urls: product
                .images
                .iter()
                .map(|image| image.url.clone())
                .collect(),
        })
        .collect();
    (owned, current)
}

fn entry(list: &ChangeList, id: u64) -> &ProductChange {
    list.entries
        .iter()
        .find(|entry| entry.source_id == Some(id))
        .unwrap_or_else(|| panic!("no entry for product {id}"))
}

#[test]
fn a_created_product_shows_every_mapped_value() {
    let list = changes(
        vec![page(&[product(1, "Lamp", 9.5, 3)])],
        Vec::new(),
        Vec::new(),
    );
    let lamp = entry(&list, 1);
    assert_eq!(lamp.kind, ChangeKind::Created);
    assert_eq!(lamp.title.as_deref(), Some("Lamp"));
    let values: Vec<(ChangeField, Value, Value)> = lamp
        .diff
        .iter()
        .map(|change| (change.field, change.old.clone(), change.new.clone()))
        .collect();
    assert_eq!(
        values,
        vec![
            (ChangeField::Title, Value::Null, json!("Lamp")),
            (ChangeField::Description, Value::Null, json!("About Lamp")),
            (ChangeField::Price, Value::Null, json!(9.5)),
            (ChangeField::Category, Value::Null, json!("beauty")),
            (ChangeField::Tags, Value::Null, json!(["beauty"])),
            (
                ChangeField::Images,
                Value::Null,
                json!({ "thumbnail": "https://cdn/1/t.webp", "urls": ["https://cdn/1/1.webp"] })
            ),
            (ChangeField::Stock, Value::Null, json!(3)),
            (ChangeField::Status, Value::Null, json!("published")),
        ]
    );
    assert_eq!(
        list.counts,
        ChangeCounts {
            created: 1,
            ..ChangeCounts::default()
        }
    );
    assert_eq!(list.report.status, crate::report::RunStatus::Success);
    assert_eq!(lamp.fingerprint.as_ref().map(String::len), Some(32));
}

#[test]
fn an_updated_product_shows_only_the_fields_that_change() {
    let before = [product(1, "Lamp", 9.5, 3), product(2, "Desk", 120.0, 1)];
    let (owned, current) = synced(&before);
    let after = [product(1, "Lamp XL", 11.0, 3), product(2, "Desk", 120.0, 1)];
    let list = changes_with(vec![page(&after)], owned, current, levels(&before));
    let lamp = entry(&list, 1);
    assert_eq!(lamp.kind, ChangeKind::Updated);
    assert_eq!(lamp.product_id.as_deref(), Some("prod_1"));
    let fields: Vec<(ChangeField, Value, Value)> = lamp
        .diff
        .iter()
        .map(|change| (change.field, change.old.clone(), change.new.clone()))
        .collect();
    assert_eq!(
        fields,
        vec![
            (ChangeField::Title, json!("Lamp"), json!("Lamp XL")),
            (
                ChangeField::Description,
                json!("About Lamp"),
                json!("About Lamp XL")
            ),
            (ChangeField::Price, json!(9.5), json!(11.0)),
        ]
    );
    assert_eq!(entry(&list, 2).kind, ChangeKind::Kept);
    assert!(entry(&list, 2).diff.is_empty());
    let seen: Vec<(&str, bool)> = list
        .seen
        .iter()
        .map(|seen| {
            (
                seen.key.source_id.as_str(),
                Some(&seen.fingerprint) == entry(&list, 2).fingerprint.as_ref(),
            )
        })
        .collect();
    assert_eq!(seen, [("1", false), ("2", true)]);
    assert_eq!((list.counts.updated, list.counts.kept), (1, 1));
    // Without a level at the location, the run creates one: the stock is listed as a change.
    let (owned, current) = synced(&before);
    let unstocked = changes(vec![page(&before)], owned, current);
    assert_eq!(
        entry(&unstocked, 2).diff,
        vec![FieldChange {
            field: ChangeField::Stock,
            old: Value::Null,
            new: json!(1)
        }]
    );
}

#[test]
fn a_stock_change_alone_updates_the_level() {
    let before = [product(1, "Lamp", 9.5, 3)];
    let (owned, current) = synced(&before);
    let mut input = ChangesInput {
        plan: plan_input(vec![page(&[product(1, "Lamp", 9.5, 8)])], owned),
        current,
        stock: CurrentStock {
            items: vec![InventoryItemRef {
                external_id: "dummyjson:1".into(),
                inventory_item_id: "iitem_1".into(),
            }],
            levels: vec![ExistingLevel {
                inventory_item_id: "iitem_1".into(),
                stocked_quantity: 3.0,
            }],
        },
        categories_body: None,
    };
    let list = plan_changes(&input);
    let lamp = entry(&list, 1);
    assert_eq!(lamp.kind, ChangeKind::Updated);
    assert_eq!(
        lamp.diff,
        vec![FieldChange {
            field: ChangeField::Stock,
            old: json!(3),
            new: json!(8)
        }]
    );
    input.stock.levels[0].stocked_quantity = 8.0;
    assert_eq!(entry(&plan_changes(&input), 1).kind, ChangeKind::Kept);
}

#[test]
fn removed_held_and_rejected_products_are_listed_with_why() {
    let before = [
        product(1, "Lamp", 9.5, 3),
        product(2, "Desk", 120.0, 1),
        product(3, "Chair", 40.0, 2),
    ];
    let (owned, current) = synced(&before);
    let broken = r#"{"id":2,"title":"Desk","price":"free","stock":1}"#.to_string();
    let list = changes_with(
        vec![page(&[product(1, "Lamp", 9.5, 3), broken.clone()])],
        owned.clone(),
        current.clone(),
        levels(&before),
    );
    assert_eq!(entry(&list, 1).kind, ChangeKind::Kept);
    let chair = entry(&list, 3);
    assert_eq!(chair.kind, ChangeKind::Removed);
    assert_eq!(chair.title.as_deref(), Some("Chair"));
    assert_eq!(
        chair.diff,
        vec![FieldChange {
            field: ChangeField::Status,
            old: json!("published"),
            new: json!("draft")
        }]
    );
    let desk = entry(&list, 2);
    assert_eq!(desk.kind, ChangeKind::Rejected);
    assert_eq!(desk.product_id.as_deref(), Some("prod_2"));
    assert_eq!(desk.errors.len(), 1);
    assert_eq!(desk.errors[0].field.as_deref(), Some("price"));
    assert_eq!(desk.fingerprint, None);
    assert_eq!(list.report.status, crate::report::RunStatus::Partial);
    assert_eq!(list.report.counts.rejected, 1);

    // With the guard on, the one removal among three owned products is held back.
    let mut guarded = plan_input(vec![page(&[product(1, "Lamp", 9.5, 3), broken])], owned);
    guarded.options.max_removal_ratio = 0.2;
    let list = plan_changes(&ChangesInput {
        plan: guarded,
        current,
        stock: levels(&before),
        categories_body: None,
    });
    assert_eq!(entry(&list, 3).kind, ChangeKind::Held);
    assert_eq!(list.counts.held, 1);
    assert!(list
        .notes
        .iter()
        .any(|note| note.has_code(RunErrorCode::RemovalsHeldBack)));
}

#[test]
fn the_plan_fingerprint_follows_the_change_list() {
    let before = [product(1, "Lamp", 9.5, 3), product(2, "Desk", 120.0, 1)];
    let (owned, current) = synced(&before);
    let after = vec![page(&[
        product(1, "Lamp XL", 9.5, 3),
        product(2, "Desk", 120.0, 1),
    ])];
    let first = changes(after.clone(), owned.clone(), current.clone());
    let again = changes(after.clone(), owned.clone(), current.clone());
    assert_eq!(first.plan_fingerprint, again.plan_fingerprint);
    assert_eq!(first.listing_fingerprint, again.listing_fingerprint);
    assert_eq!(first.plan_fingerprint.len(), 32);

    // The store changed (the updated product was retitled in the admin): same listing, another plan.
    let mut edited = current.clone();
    edited[0].title = "Lamp (edited)".into();
    let store_changed = changes(after.clone(), owned.clone(), edited);
    assert_eq!(store_changed.listing_fingerprint, first.listing_fingerprint);
    assert_ne!(store_changed.plan_fingerprint, first.plan_fingerprint);

    // The source changed: another listing, another plan.
    let source_changed = changes(
        vec![page(&[
            product(1, "Lamp XXL", 9.5, 3),
            product(2, "Desk", 120.0, 1),
        ])],
        owned,
        current,
    );
    assert_ne!(
        source_changed.listing_fingerprint,
        first.listing_fingerprint
    );
    assert_ne!(source_changed.plan_fingerprint, first.plan_fingerprint);
}

#[test]
fn a_preview_plans_with_placeholders_and_a_run_with_store_ids_lists_the_same_changes() {
    let source = vec![page(&[
        r#"{"id":5,"title":"Pan","price":20,"stock":4,"category":"kitchen","tags":["steel","cook"]}"#.to_string(),
    ])];
    let taxonomy = preview_taxonomy(&TaxonomyPlanInput {
        pages: source.clone(),
        products: None,
        store: TaxonomyStore {
            categories_body: None,
            existing_categories: categories(),
            existing_tags: tags(),
        },
    });
    assert!(taxonomy
        .categories
        .iter()
        .any(|c| c.id == "planned:kitchen" && c.handle == "kitchen" && c.name == "Kitchen"));
    let planned_tags: Vec<&str> = taxonomy.tags.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        planned_tags,
        ["ptag_beauty", "planned:cook", "planned:steel"]
    );

    let mut preview_input = plan_input(source.clone(), Vec::new());
    preview_input.categories = taxonomy.categories;
    preview_input.tags = taxonomy.tags;
    let preview = plan_changes(&ChangesInput {
        plan: preview_input,
        current: Vec::new(),
        stock: CurrentStock::default(),
        categories_body: None,
    });
    let pan = entry(&preview, 5);
    assert_eq!(pan.kind, ChangeKind::Created);
    assert_eq!(pan.diff[3].new, json!("kitchen"));
    assert_eq!(pan.diff[4].new, json!(["steel", "cook"]));

    // The run created them with real ids first: the same change list, the same fingerprint.
    let mut run_input = plan_input(source, Vec::new());
    run_input.categories.push(ExistingCategory {
        id: "pcat_kitchen".into(),
        handle: "kitchen".into(),
        name: "Kitchen".into(),
    });
    run_input.tags.extend([
        ExistingTag {
            id: "ptag_steel".into(),
            value: "steel".into(),
        },
        ExistingTag {
            id: "ptag_cook".into(),
            value: "cook".into(),
        },
    ]);
    let run = plan_changes(&ChangesInput {
        plan: run_input,
        current: Vec::new(),
        stock: CurrentStock::default(),
        categories_body: None,
    });
    // Only the content fingerprints differ: they cover the store ids.
    let without_fingerprints = |list: &ChangeList| -> Vec<ProductChange> {
        let mut entries = list.entries.clone();
        for entry in &mut entries {
            entry.fingerprint = None;
        }
        entries
    };
    assert_eq!(without_fingerprints(&run), without_fingerprints(&preview));
    assert_ne!(run.entries[0].fingerprint, preview.entries[0].fingerprint);
    assert_eq!(run.plan_fingerprint, preview.plan_fingerprint);
}

#[test]
fn stored_image_copies_read_as_their_source_urls() {
    let before = [product(1, "Lamp", 9.5, 3)];
    let stored: Vec<crate::images::StoredImage> = [
        ("https://cdn/1/1.webp", "http://store/static/1.webp"),
        ("https://cdn/1/t.webp", "http://store/static/t.webp"),
    ]
    .into_iter()
    .map(|(source_url, url)| crate::images::StoredImage {
        source_url: source_url.into(),
        url: url.into(),
        file_id: "file".into(),
        content_hash: "hash".into(),
        size: 1,
        content_type: "image/webp".into(),
    })
    .collect();
    let upload = |owned: Vec<OwnedProduct>, current: Vec<CurrentProduct>| {
        let mut input = plan_input(vec![page(&before)], owned);
        input.stored_images = stored.clone();
        input.options.images = crate::options::ImageMode::Upload;
        plan_changes(&ChangesInput {
            plan: input,
            current,
            stock: CurrentStock::default(),
            categories_body: None,
        })
    };
    let images_change = |list: &ChangeList| {
        entry(list, 1)
            .diff
            .iter()
            .find(|change| change.field == ChangeField::Images)
            .cloned()
    };

    // The product holds the copies already: they name the same source URLs, no image change is listed.
    let (owned, mut current) = synced(&before);
    current[0].image_urls = vec!["http://store/static/1.webp".into()];
    current[0].thumbnail = Some("http://store/static/t.webp".into());
    assert_eq!(images_change(&upload(owned, current)), None);

    // The product still links the source URLs (written in link mode): the copies are a visible change.
    let (owned, current) = synced(&before);
    assert_eq!(
        images_change(&upload(owned, current)),
        Some(FieldChange {
            field: ChangeField::Images,
            old: json!({ "thumbnail": "https://cdn/1/t.webp", "urls": ["https://cdn/1/1.webp"] }),
            new: json!({ "thumbnail": "http://store/static/t.webp", "urls": ["http://store/static/1.webp"] }),
        })
    );
}

#[test]
fn a_deleted_duplicate_is_listed_beside_the_product_kept_for_its_source_id() {
    let before = [product(1, "Lamp", 9.5, 3)];
    let (mut owned, current) = synced(&before);
    let mut copy = owned[0].clone();
    copy.id = "prod_9_copy".into();
    owned.push(copy);
    let list = changes_with(vec![page(&before)], owned, current, levels(&before));
    let kinds: Vec<(Option<u64>, Option<&str>, ChangeKind)> = list
        .entries
        .iter()
        .map(|entry| (entry.source_id, entry.product_id.as_deref(), entry.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            (Some(1), Some("prod_1"), ChangeKind::Kept),
            (Some(1), Some("prod_9_copy"), ChangeKind::Removed)
        ]
    );
}
