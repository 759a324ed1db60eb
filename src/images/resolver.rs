//! The URL resolver: which URL a product is written with for each of its images (the stored copy's, or the
//! source URL when the image could not be copied), and the run errors naming the images that could not be.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{RunError, RunErrorCode};
use crate::options::ImageMode;
use crate::source::SourceProduct;

/// An image copied into Medusa's file storage by an earlier run: one row of the host's image table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StoredImage {
    /// The image URL in the source (the key: one stored copy per source URL).
    pub source_url: String,
    /// URL of the stored file, as the File module returned it (what products point at).
    pub url: String,
    /// Id of the file in Medusa's File module.
    pub file_id: String,
    /// Lowercase hex SHA-256 of the stored bytes.
    pub content_hash: String,
    /// Size of the stored file in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// MIME type of the stored file, e.g. `image/png`.
    pub content_type: String,
}

/// An image that could not be copied in this run; the products using it keep its source URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImageFailure {
    /// The image's source URL.
    pub url: String,
    /// Stable code, e.g. `IMAGE_NOT_FOUND` (the code of the products' run errors about this image).
    pub code: RunErrorCode,
    /// Why, e.g. `HTTP 404` or `content type "text/html" is not an image`.
    pub reason: String,
}

/// Which URL a product is written with for each of its source image URLs.
///
/// In `images: "upload"` mode an image with a stored copy is written as the copy's URL, an image whose request
/// was refused (`IMAGE_REFUSED`: its host is not public) is left out, and any other image keeps its source URL
/// (it could not be copied: its [`ImageFailure`] explains why); in `images: "link"` mode every image keeps its
/// source URL.
///
/// It keeps its own copy of the URLs, so that a plan made in several calls builds it once.
#[derive(Debug, Clone, Default)]
pub struct ImageResolver {
    stored: HashMap<String, String>,
    failures: HashMap<String, ImageFailure>,
}

impl ImageResolver {
    /// A resolver over the stored copies and this run's failures (both ignored in `link` mode).
    pub fn new(mode: ImageMode, stored: &[StoredImage], failures: &[ImageFailure]) -> Self {
        if mode == ImageMode::Link {
            return ImageResolver::default();
        }
        ImageResolver {
            stored: stored
                .iter()
                .map(|image| (image.source_url.clone(), image.url.clone()))
                .collect(),
            failures: failures
                .iter()
                .map(|failure| (failure.url.clone(), failure.clone()))
                .collect(),
        }
    }

    /// The URL to write for a source image URL; `None` when the image is left out of the product (its request
    /// was refused).
    pub fn resolve<'u>(&'u self, source_url: &'u str) -> Option<&'u str> {
        if let Some(stored) = self.stored.get(source_url) {
            return Some(stored.as_str());
        }
        match self.failures.get(source_url) {
            Some(failure) if failure.code == RunErrorCode::ImageRefused => None,
            _ => Some(source_url),
        }
    }

    /// Why a source image URL could not be copied in this run, if it could not.
    pub fn failure(&self, source_url: &str) -> Option<&ImageFailure> {
        if self.stored.contains_key(source_url) {
            return None;
        }
        self.failures.get(source_url)
    }

    /// Whether any image failed in this run.
    pub fn has_failures(&self) -> bool {
        !self.failures.is_empty()
    }
}

/// One run error per image of `product` that could not be copied in this run, naming the product, the field
/// (`images[i]` or `thumbnail`) and the URL. The product is still written, with the source URL for those images.
/// A refused image is named without its URL (which would give the refused host's port away) and is left out of
/// the product: `product 12: images[0]: refused: the host resolves to a loopback address; ...`.
pub fn image_errors(product: &SourceProduct, resolver: &ImageResolver) -> Vec<RunError> {
    if !resolver.has_failures() {
        return Vec::new();
    }
    let id = product.id;
    image_fields(product)
        .filter_map(|(field, url)| {
            let failure = resolver.failure(url)?;
            let message = if failure.code == RunErrorCode::ImageRefused {
                format!(
                    "product {id}: {field}: refused: {}; the image is left out of the product",
                    failure.reason
                )
            } else {
                format!(
                    "product {id}: {} was not copied into the store: {}; the product links the source URL",
                    image_label(url, &field),
                    failure.reason
                )
            };
            Some(RunError::new(Some(id), Some(&field), failure.code, message))
        })
        .collect()
}

/// Leaves out the images of `product` past the first `max` (the thumbnail is not counted) and reports them: one
/// `TOO_MANY_IMAGES` error naming the product and the first field left out; `None` when nothing was left out.
///
/// ```
/// use catalog_sync::images::cap_images;
/// use catalog_sync::source::parse_product;
/// let mut product = parse_product(r#"{"id":12,"title":"A","price":1,"stock":1,
///   "images":["https://x/1.png","https://x/2.png","https://x/3.png"]}"#).unwrap();
/// let error = cap_images(&mut product, 2).unwrap();
/// assert_eq!(product.images.len(), 2);
/// assert_eq!(error.field.as_deref(), Some("images[2]"));
/// assert_eq!(error.message, "product 12: images[2]: 1 image beyond maxImagesPerProduct (2) is left out of the product");
/// ```
pub fn cap_images(product: &mut SourceProduct, max: u32) -> Option<RunError> {
    let keep = usize::try_from(max).unwrap_or(usize::MAX);
    let extra = product.images.len().checked_sub(keep).filter(|n| *n > 0)?;
    product.images.truncate(keep);
    let id = product.id;
    let fields = if extra == 1 {
        format!("images[{keep}]: 1 image beyond maxImagesPerProduct ({max}) is")
    } else {
        format!(
            "images[{keep}] to images[{}]: {extra} images beyond maxImagesPerProduct ({max}) are",
            keep + extra - 1
        )
    };
    Some(RunError::new(
        Some(id),
        Some(&format!("images[{keep}]")),
        RunErrorCode::TooManyImages,
        format!("product {id}: {fields} left out of the product"),
    ))
}

/// The image URLs of a product with the field each one is in: `images[i]` in order, then `thumbnail`.
pub(super) fn image_fields(product: &SourceProduct) -> impl Iterator<Item = (String, &str)> {
    product
        .images
        .iter()
        .enumerate()
        .map(|(position, url)| (format!("images[{position}]"), url.as_str()))
        .chain(
            product
                .thumbnail
                .as_deref()
                .map(|url| ("thumbnail".to_string(), url)),
        )
}

/// How an image error's message names the image: `image <url> (<field>)`.
pub(super) fn image_label(url: &str, field: &str) -> String {
    format!("image {url} ({field})")
}
