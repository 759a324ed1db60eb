//! Categories and tags: what to create (or rename) in the store before products are written, and the
//! slug → id / value → id lookups the mapping uses afterwards.
//!
//! The host reads the bodies into a [`TaxonomyReader`] a few at a time (one read for both), executes the plan it
//! makes, then passes *all* store categories and tags to the planner. The categories and tags come only from the products the source validation
//! accepts (the same validation as [`crate::source::parse_page`], read without copying the products' text:
//! [`accepted_products`]), the ones the plan writes: a product rejected for a bad price gets no category or
//! tag created.
//!
//! Category handle = the slug, passed through [`to_handle`] (DummyJSON slugs are already handles, so this is
//! the identity for them; a malformed slug such as `"Home Decor"` still gets a valid handle).

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::handles::to_handle;
use crate::source::{accepted_product, accepted_products, parse_categories, AcceptedProduct};

/// A product category that exists in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExistingCategory {
    /// Medusa category id.
    pub id: String,
    /// Handle (= source slug for categories the sync created).
    pub handle: String,
    /// Display name.
    pub name: String,
}

/// A product tag that exists in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExistingTag {
    /// Medusa tag id.
    pub id: String,
    /// Tag value.
    pub value: String,
}

/// Input of `createProductCategoriesWorkflow` for one category (Medusa's snake_case keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CategoryCreateInput {
    /// Display name.
    pub name: String,
    /// Handle (the slug).
    pub handle: String,
    /// Always `true` (Medusa's default is `false`, which hides the category).
    pub is_active: bool,
    /// Always `false`.
    pub is_internal: bool,
}

/// A category rename: `{ id, name }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CategoryUpdateInput {
    /// Medusa category id.
    pub id: String,
    /// New display name.
    pub name: String,
}

/// What to do to the store's categories.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CategoryPlan {
    /// Categories to create, by handle.
    pub create: Vec<CategoryCreateInput>,
    /// Categories whose name changed upstream, by id.
    pub update: Vec<CategoryUpdateInput>,
}

/// Input of `createProductTagsWorkflow` for one tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TagCreateInput {
    /// Tag value.
    pub value: String,
}

/// What to do to the store's tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TagPlan {
    /// Tags to create, by value.
    pub create: Vec<TagCreateInput>,
}

/// What a taxonomy plan weighs the used categories and tags against: the source's category names and the store's
/// own categories and tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TaxonomyStore {
    /// Raw body of `/products/categories`; display names come from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub categories_body: Option<String>,
    /// Every category of the store.
    pub existing_categories: Vec<ExistingCategory>,
    /// Every tag of the store.
    pub existing_tags: Vec<ExistingTag>,
}

/// Input of [`plan_taxonomy`]: every body at once (a preview; a run reads them into a [`TaxonomyReader`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TaxonomyPlanInput {
    /// Raw `/products` page bodies.
    pub pages: Vec<String>,
    /// Raw `/products/:id` bodies (targeted sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub products: Option<Vec<String>>,
    /// The category names and the store's categories and tags.
    #[serde(flatten)]
    #[ts(flatten)]
    pub store: TaxonomyStore,
}

/// What to create (or rename) before the products are written: categories and tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TaxonomyPlan {
    /// What to do to the store's categories.
    pub categories: CategoryPlan,
    /// What to do to the store's tags.
    pub tags: TagPlan,
}

/// The category handles and tag values the accepted products use, read a few bodies at a time (the catalog's
/// bodies need never be in memory together), then weighed against the store ([`TaxonomyReader::plan`]).
#[derive(Debug, Default)]
pub struct TaxonomyReader {
    /// Category handles (slugs passed through [`to_handle`]; empty ones left out).
    category_handles: BTreeSet<String>,
    /// Tag values, blank ones left out.
    tags: BTreeSet<String>,
}

impl TaxonomyReader {
    /// Reads the products of `/products` pages that the source validation accepts. Malformed pages and rejected
    /// products are skipped: the sync's plan reports them.
    pub fn read_pages(&mut self, pages: &[String]) {
        for page in pages {
            if let Ok(accepted) = accepted_products(page) {
                accepted.iter().for_each(|product| self.add(product));
            }
        }
    }

    /// Reads `/products/:id` bodies (a targeted sync) the source validation accepts.
    pub fn read_products(&mut self, products: &[String]) {
        for product in products {
            if let Some(product) = accepted_product(product) {
                self.add(&product);
            }
        }
    }

    /// The plan for what was read.
    ///
    /// Categories: existing ones are matched by handle, and only missing ones are created (never a duplicate). A
    /// name is updated only when the categories body names the category differently from the store; a name
    /// derived from the slug (no or invalid body) is used for creation only, so a failed `/products/categories`
    /// request never renames categories back and forth. Renames are sorted by id.
    ///
    /// Tags: those the store does not have (by exact value; blank values are ignored), sorted by value.
    pub fn plan(self, store: &TaxonomyStore) -> TaxonomyPlan {
        TaxonomyPlan {
            categories: plan_categories(
                self.category_handles,
                store.categories_body.as_deref(),
                &store.existing_categories,
            ),
            tags: plan_tags(self.tags, &store.existing_tags),
        }
    }

    /// Adds one product's category and tags.
    fn add(&mut self, product: &AcceptedProduct<'_>) {
        // A handle is its own handle: a slug already seen as one needs no conversion.
        if let Some(slug) = product
            .category()
            .filter(|slug| !self.category_handles.contains(*slug))
        {
            let handle = to_handle(slug);
            if !handle.is_empty() {
                self.category_handles.insert(handle);
            }
        }
        for tag in product.tags() {
            if !tag.trim().is_empty() && !self.tags.contains(tag) {
                self.tags.insert(tag.to_string());
            }
        }
    }
}

/// Display name derived from a slug: words capitalised (`home-decoration` → `Home Decoration`).
///
/// ```
/// use catalog_sync::taxonomy::name_from_slug;
/// assert_eq!(name_from_slug("home-decoration"), "Home Decoration");
/// ```
pub fn name_from_slug(slug: &str) -> String {
    slug.split(['-', '_', ' '])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Plans the categories and tags the incoming products use from every body at once ([`TaxonomyReader::plan`]).
pub fn plan_taxonomy(input: &TaxonomyPlanInput) -> TaxonomyPlan {
    let mut reader = TaxonomyReader::default();
    reader.read_pages(&input.pages);
    reader.read_products(input.products.as_deref().unwrap_or_default());
    reader.plan(&input.store)
}

/// The categories to create and rename, for the used handles.
fn plan_categories(
    used: BTreeSet<String>,
    categories_body: Option<&str>,
    existing: &[ExistingCategory],
) -> CategoryPlan {
    let names: HashMap<String, String> = categories_body
        .and_then(|body| parse_categories(body).ok())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|category| Some((to_handle(&category.slug), category.name?)))
        .filter(|(_, name)| !name.trim().is_empty())
        .collect();
    let existing: HashMap<&str, &ExistingCategory> = existing
        .iter()
        .map(|category| (category.handle.as_str(), category))
        .collect();
    let mut plan = CategoryPlan::default();
    for handle in used {
        let upstream_name = names.get(&handle);
        match existing.get(handle.as_str()) {
            Some(category) => {
                if let Some(name) = upstream_name.filter(|name| **name != category.name) {
                    plan.update.push(CategoryUpdateInput {
                        id: category.id.clone(),
                        name: name.clone(),
                    });
                }
            }
            None => plan.create.push(CategoryCreateInput {
                name: upstream_name
                    .cloned()
                    .unwrap_or_else(|| name_from_slug(&handle)),
                handle,
                is_active: true,
                is_internal: false,
            }),
        }
    }
    plan.update.sort_by(|a, b| a.id.cmp(&b.id));
    plan
}

/// The used tags the store does not have.
fn plan_tags(used: BTreeSet<String>, existing: &[ExistingTag]) -> TagPlan {
    let existing: BTreeSet<&str> = existing.iter().map(|tag| tag.value.as_str()).collect();
    TagPlan {
        create: used
            .into_iter()
            .filter(|value| !existing.contains(value.as_str()))
            .map(|value| TagCreateInput { value })
            .collect(),
    }
}

/// Store categories by handle, for resolving product category slugs.
#[derive(Debug, Clone, Default)]
pub struct CategoryIndex {
    by_handle: HashMap<String, String>,
}

impl CategoryIndex {
    /// Indexes the store's categories.
    pub fn new(categories: &[ExistingCategory]) -> Self {
        CategoryIndex {
            by_handle: categories
                .iter()
                .map(|category| (category.handle.clone(), category.id.clone()))
                .collect(),
        }
    }

    /// The id of the category of a product's slug.
    pub fn id_for_slug(&self, slug: &str) -> Option<&str> {
        match self.by_handle.get(slug) {
            Some(id) => Some(id),
            None => self.by_handle.get(&to_handle(slug)).map(String::as_str),
        }
    }
}

/// Store tags by value.
#[derive(Debug, Clone, Default)]
pub struct TagIndex {
    by_value: HashMap<String, String>,
}

impl TagIndex {
    /// Indexes the store's tags.
    pub fn new(tags: &[ExistingTag]) -> Self {
        TagIndex {
            by_value: tags
                .iter()
                .map(|tag| (tag.value.clone(), tag.id.clone()))
                .collect(),
        }
    }

    /// The id of the tag with this exact value.
    pub fn id_for_value(&self, value: &str) -> Option<&str> {
        self.by_value.get(value).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page with a valid product and one rejected for its price.
    fn page() -> Vec<String> {
        vec![r#"{"products":[
            {"id":1,"title":"Lamp","price":10,"stock":1,"category":"home-decoration","tags":["lighting"]},
            {"id":2,"title":"Apple","price":"abc","stock":1,"category":"groceries","tags":["fruits","lighting"]}],
            "total":2,"skip":0,"limit":2}"#
            .to_string()]
    }

    #[test]
    fn reading_a_page_at_a_time_plans_what_reading_every_body_at_once_plans() {
        let second = r#"{"products":[
            {"id":5,"title":"Chair","price":40,"stock":2,"category":"furniture","tags":["wood","lighting"]}],
            "total":1,"skip":0,"limit":1}"#;
        let pages = vec![
            page()[0].clone(),
            "{ broken".to_string(),
            second.to_string(),
        ];
        let store = TaxonomyStore::default();
        let mut reader = TaxonomyReader::default();
        pages.chunks(1).for_each(|chunk| reader.read_pages(chunk));
        let at_once = plan_taxonomy(&TaxonomyPlanInput {
            pages,
            products: None,
            store: store.clone(),
        });
        let read = reader.plan(&store);
        assert_eq!(read, at_once);
        let handles: Vec<&str> = read
            .categories
            .create
            .iter()
            .map(|c| c.handle.as_str())
            .collect();
        assert_eq!(handles, ["furniture", "home-decoration"]);
    }

    #[test]
    fn a_product_rejected_by_validation_gets_no_category_and_no_tag() {
        let plan = plan_taxonomy(&TaxonomyPlanInput {
            pages: page(),
            products: Some(vec![
                r#"{"id":3,"title":"Pear","price":1,"stock":-2,"category":"fruit","tags":["pears"]}"#.into(),
            ]),
            store: TaxonomyStore::default(),
        });
        let handles: Vec<&str> = plan
            .categories
            .create
            .iter()
            .map(|c| c.handle.as_str())
            .collect();
        assert_eq!(handles, ["home-decoration"]);
        let values: Vec<&str> = plan.tags.create.iter().map(|t| t.value.as_str()).collect();
        assert_eq!(values, ["lighting"]);
    }

    #[test]
    fn the_store_s_categories_and_tags_are_not_created_again_and_a_renamed_category_is_renamed() {
        let plan = plan_taxonomy(&TaxonomyPlanInput {
            pages: page(),
            products: Some(vec![
                r#"{"id":4,"title":"Desk","price":90,"stock":3,"category":"Office Desks","tags":["wood","lighting", " "]}"#.into(),
            ]),
            store: TaxonomyStore {
                categories_body: Some(
                    r#"[{"slug":"home-decoration","name":"Home & Decor","url":"x"}]"#.into(),
                ),
                existing_categories: vec![ExistingCategory {
                    id: "pcat_1".into(),
                    handle: "home-decoration".into(),
                    name: "Home Decoration".into(),
                }],
                existing_tags: vec![ExistingTag {
                    id: "ptag_1".into(),
                    value: "lighting".into(),
                }],
            },
        });
        assert_eq!(
            plan.categories.update,
            [CategoryUpdateInput {
                id: "pcat_1".into(),
                name: "Home & Decor".into()
            }]
        );
        let created: Vec<(&str, &str)> = plan
            .categories
            .create
            .iter()
            .map(|c| (c.handle.as_str(), c.name.as_str()))
            .collect();
        assert_eq!(created, [("office-desks", "Office Desks")]);
        let values: Vec<&str> = plan.tags.create.iter().map(|t| t.value.as_str()).collect();
        assert_eq!(values, ["wood"]);
    }
}
