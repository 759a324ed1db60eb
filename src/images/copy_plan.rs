//! The copy plan: which image URLs a run downloads, and which hosts the last run could not reach.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::resolver::{image_fields, image_label, ImageFailure};
use crate::model::{RunError, RunErrorCode, SourceId};
use crate::options::{ImageMode, SyncOptions};
use crate::source::{parse_page, parse_product, SourceProduct};

/// One image to download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImageCopy {
    /// The image's source URL.
    pub url: String,
    /// Source ids of the products that use it (as an image or as the thumbnail), ascending.
    #[ts(type = "Array<number>")]
    pub source_ids: Vec<SourceId>,
}

/// What to download, in a deterministic order (by URL).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImageCopyPlan {
    /// Images to download and store.
    pub copies: Vec<ImageCopy>,
    /// Image URLs that cannot be copied at all (not http(s)); they stay as they are.
    pub failures: Vec<ImageFailure>,
    /// Distinct image URLs of the incoming products that already have a stored copy.
    pub already_stored: usize,
    /// Hosts (`host[:port]`, lowercased, ascending) of the images the last completed run could not reach
    /// (`IMAGE_UNREACHABLE`), found through the product and field each error names, when that field still holds
    /// the URL the error names. The copier gives them one attempt per image until they answer
    /// ([`ImageCopier::new`](super::ImageCopier::new)), so a host that stays down costs no backoff run after run.
    pub hosts_down_last_run: Vec<String>,
}

/// Whether a run copies images into the store at all (`images: "upload"`). In `images: "link"` mode every product
/// keeps its source URLs: the image step has nothing to read, plan or copy.
///
/// ```
/// use catalog_sync::images::copies_images;
/// use catalog_sync::options::{ImageMode, SyncOptions};
/// assert!(copies_images(&SyncOptions::default()));
/// assert!(!copies_images(&SyncOptions { images: ImageMode::Link, ..SyncOptions::default() }));
/// ```
pub fn copies_images(options: &SyncOptions) -> bool {
    options.images != ImageMode::Link
}

/// Plans the image downloads of a run: every distinct image or thumbnail URL of a valid incoming product that has
/// no stored copy. The reader takes the bodies a few at a time (a catalog's bodies need never be in memory
/// together), noting the URLs the products use and the hosts the last completed run could not reach; then
/// [`ImageCopyReader::plan`] weighs them against the stored copies. Nothing is read or planned in `images: "link"`
/// mode.
///
/// ```
/// use catalog_sync::images::ImageCopyReader;
/// use catalog_sync::options::SyncOptions;
/// let page = r#"{"products":[{"id":1,"title":"A","price":1,"stock":1,
///   "images":["https://x/1.png","https://x/2.png"],"thumbnail":"https://x/t.png"}],"total":1,"skip":0,"limit":1}"#;
/// let mut reader = ImageCopyReader::new(&SyncOptions::default(), &[]);
/// reader.read_pages(&[page.to_string()]);
/// let plan = reader.plan(&["https://x/2.png".to_string()]);
/// let urls: Vec<&str> = plan.copies.iter().map(|c| c.url.as_str()).collect();
/// assert_eq!(urls, ["https://x/1.png", "https://x/t.png"]);
/// assert_eq!(plan.already_stored, 1);
/// ```
#[derive(Debug, Default)]
pub struct ImageCopyReader {
    /// Whether the run copies images at all ([`copies_images`]).
    copies: bool,
    /// `maxImagesPerProduct`.
    max_images: u32,
    /// The last completed run's `IMAGE_UNREACHABLE` errors: (product, field) → message.
    unreachable_last_run: HashMap<(SourceId, String), String>,
    /// Every image URL read, with the products that use it.
    users: BTreeMap<String, BTreeSet<SourceId>>,
    hosts_down: BTreeSet<String>,
}

impl ImageCopyReader {
    /// A reader for a run with these options; the hosts of `previous_errors`' `IMAGE_UNREACHABLE` images become
    /// [`ImageCopyPlan::hosts_down_last_run`] when a product read still holds the URL that failed.
    pub fn new(options: &SyncOptions, previous_errors: &[RunError]) -> Self {
        ImageCopyReader {
            copies: copies_images(options),
            max_images: options.max_images_per_product,
            unreachable_last_run: previous_errors
                .iter()
                .filter(|error| error.has_code(RunErrorCode::ImageUnreachable))
                .filter_map(|error| {
                    Some((
                        (error.source_id?, error.field.clone()?),
                        error.message.clone(),
                    ))
                })
                .collect(),
            ..ImageCopyReader::default()
        }
    }

    /// Reads the products of `/products` pages (malformed pages are skipped: the sync's plan reports them).
    pub fn read_pages(&mut self, pages: &[String]) {
        if !self.copies {
            return;
        }
        for body in pages {
            if let Ok(page) = parse_page(body) {
                page.products().for_each(|product| self.visit(&product));
            }
        }
    }

    /// Reads `/products/:id` bodies (a targeted sync).
    pub fn read_products(&mut self, products: &[String]) {
        if !self.copies {
            return;
        }
        for body in products {
            if let Ok(product) = parse_product(body) {
                self.visit(&product);
            }
        }
    }

    /// Notes a product's image URLs and, for a field that still holds the URL the last run could not reach, its
    /// host.
    fn visit(&mut self, product: &SourceProduct) {
        for url in image_urls(product, self.max_images) {
            self.users
                .entry(url.to_string())
                .or_default()
                .insert(product.id);
        }
        if self.unreachable_last_run.is_empty() {
            return;
        }
        for (field, url) in image_fields(product) {
            // Only when the field still holds the URL that failed: a new URL may be on another host.
            let failed_here = self
                .unreachable_last_run
                .get(&(product.id, field.clone()))
                .is_some_and(|message| message.contains(&image_label(url, &field)));
            if failed_here {
                self.hosts_down.extend(host_of(url));
            }
        }
    }

    /// The downloads of the run: every distinct URL read that has no stored copy (`stored_urls`), by URL.
    pub fn plan(self, stored_urls: &[String]) -> ImageCopyPlan {
        let stored: HashSet<&str> = stored_urls.iter().map(String::as_str).collect();
        let mut plan = ImageCopyPlan {
            hosts_down_last_run: self.hosts_down.into_iter().collect(),
            ..ImageCopyPlan::default()
        };
        for (url, ids) in self.users {
            if stored.contains(url.as_str()) {
                plan.already_stored += 1;
            } else if !is_http_url(&url) {
                plan.failures.push(ImageFailure {
                    reason: "not an absolute http(s) URL".to_string(),
                    code: RunErrorCode::ImageInvalidUrl,
                    url,
                });
            } else {
                plan.copies.push(ImageCopy {
                    url,
                    source_ids: ids.into_iter().collect(),
                });
            }
        }
        plan
    }
}

/// The image URLs of a product: its first `max` images in order (the others are left out of the product, see
/// [`super::cap_images`]), then its thumbnail.
fn image_urls(product: &SourceProduct, max: u32) -> impl Iterator<Item = &str> {
    product
        .images
        .iter()
        .take(usize::try_from(max).unwrap_or(usize::MAX))
        .map(String::as_str)
        .chain(product.thumbnail.as_deref())
}

/// Whether a URL is an absolute http(s) URL with a host.
fn is_http_url(url: &str) -> bool {
    host_of(url).is_some_and(|host| !host.is_empty())
}

/// The `host[:port]` part of an http(s) URL, lowercased; `None` for anything else.
pub(super) fn host_of(url: &str) -> Option<String> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return None;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    // Credentials (`user@host`) are not part of the host.
    let host = authority.rsplit('@').next().unwrap_or(authority);
    (!host.chars().any(char::is_whitespace)).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hosts_down_last_run_come_from_its_unreachable_image_errors_by_product_and_field() {
        let page = r#"{"products":[
            {"id":1,"title":"A","price":1,"stock":1,"images":["https://a.example/1.png","https://b.example/1.png"],
             "thumbnail":"https://c.example/t.png"},
            {"id":2,"title":"B","price":1,"stock":1,"images":["https://d.example/1.png"]}],
            "total":2,"skip":0,"limit":2}"#;
        let error = |id: SourceId, field: &str, code: RunErrorCode, url: &str| {
            let message = format!("product {id}: {} was not copied", image_label(url, field));
            RunError::new(Some(id), Some(field), code, message)
        };
        let mut reader = ImageCopyReader::new(
            &SyncOptions::default(),
            &[
                error(
                    1,
                    "images[1]",
                    RunErrorCode::ImageUnreachable,
                    "https://b.example/1.png",
                ),
                error(
                    1,
                    "thumbnail",
                    RunErrorCode::ImageUnreachable,
                    "https://c.example/t.png",
                ),
                // The field holds another URL now.
                error(
                    1,
                    "images[0]",
                    RunErrorCode::ImageUnreachable,
                    "https://e.example/old.png",
                ),
                error(
                    2,
                    "images[0]",
                    RunErrorCode::ImageNotFound,
                    "https://d.example/1.png",
                ),
                error(
                    3,
                    "images[0]",
                    RunErrorCode::ImageUnreachable,
                    "https://f.example/1.png",
                ),
                RunError::new(None, None, RunErrorCode::ImageUnreachable, "no product"),
            ],
        );
        // A page at a time, like the host reads them.
        reader.read_pages(&[page.to_string()]);
        reader.read_pages(&["{ not json".to_string()]);
        let plan = reader.plan(&[]);
        assert_eq!(plan.hosts_down_last_run, ["b.example", "c.example"]);
        assert_eq!(plan.copies.len(), 4);
    }

    #[test]
    fn a_link_mode_reader_reads_nothing_and_plans_nothing() {
        let page = r#"{"products":[{"id":1,"title":"A","price":1,"stock":1,"images":["https://a.example/1.png"]}],
            "total":1,"skip":0,"limit":1}"#;
        let options = SyncOptions {
            images: ImageMode::Link,
            ..SyncOptions::default()
        };
        let mut reader = ImageCopyReader::new(&options, &[]);
        reader.read_pages(&[page.to_string()]);
        assert!(reader.users.is_empty());
        assert_eq!(reader.plan(&[]), ImageCopyPlan::default());
    }

    #[test]
    fn hosts_are_read_from_http_urls_only() {
        assert_eq!(
            host_of("https://User:pw@CDN.x:8443/a?b").as_deref(),
            Some("cdn.x:8443")
        );
        assert_eq!(host_of("HTTP://a.b").as_deref(), Some("a.b"));
        assert_eq!(host_of("ftp://a.b/c"), None);
        assert_eq!(host_of("/images/1.png"), None);
        assert!(!is_http_url("https:///path"));
        assert!(!is_http_url("https://a b/c"));
    }
}
