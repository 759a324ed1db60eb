//! Images: copying the source's product images into Medusa's file storage, once per image.
//!
//! With the option `images: "upload"` (the default) every image and thumbnail of an incoming product is
//! downloaded from the source and stored through Medusa's File module; the product points at the stored copy.
//! This module decides everything about that copy; the host only moves bytes:
//!
//! * [`plan_image_copies`]: which URLs to download — the image and thumbnail URLs of incoming products that have
//!   no stored copy yet. An image is identified by its source URL: a URL that was copied once is never
//!   downloaded again, so a resync with unchanged images makes no image request at all. A changed image is a
//!   changed URL (the source has no ETag or change cursor, so bytes replaced under the same URL are not seen).
//! * [`ImageCopier`]: a small state machine the host feeds as downloads progress (push in, pull decisions out).
//!   [`ImageCopier::retry`] applies the page retry policy ([`crate::retry`]) to image requests, and stops trying a
//!   host once [`UNREACHABLE_HOST_LIMIT`] of its images failed with a network error or timeout (a source whose
//!   image host is unreachable must not cost minutes of backoff per image), and after one failure when the last
//!   completed run could not reach it either ([`ImageCopyPlan::hosts_down_last_run`]), so that a host that stays
//!   down costs no backoff run after run. [`ImageCopier::accept`] checks a
//!   downloaded body: size within `imageMaxBytes`, a declared `image/*` type, bytes that really are a complete
//!   PNG, JPEG, GIF, WebP or AVIF; it computes the SHA-256 content hash, and reuses an already stored file with the
//!   same bytes (a URL that moved) instead of uploading it again. SVG is refused: it can carry scripts, and the
//!   copy would be served from the store's own domain.
//! * an image that cannot be copied never fails its product: the product keeps the source URL for that image and
//!   the run records one error per product and URL ([`crate::plan`] turns each [`ImageFailure`] into them).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::model::{RunError, SourceId};
use crate::options::{ImageMode, SyncOptions};
use crate::retry::{decide_retry, FetchOutcome, RetryDecision, RetryInput, RetryInputError};
use crate::source::{parse_page, parse_product, SourceProduct};

/// Code of an [`ImageFailure`]: the source answered 404 for the image.
pub const IMAGE_NOT_FOUND: &str = "IMAGE_NOT_FOUND";
/// Code of an [`ImageFailure`]: the source answered another error status, or kept failing.
pub const IMAGE_HTTP_ERROR: &str = "IMAGE_HTTP_ERROR";
/// Code of an [`ImageFailure`]: the image host could not be reached (network error or timeout).
pub const IMAGE_UNREACHABLE: &str = "IMAGE_UNREACHABLE";
/// Code of an [`ImageFailure`]: the body is not an image (wrong content type, unknown or truncated bytes).
pub const IMAGE_NOT_AN_IMAGE: &str = "IMAGE_NOT_AN_IMAGE";
/// Code of an [`ImageFailure`]: the image is larger than `imageMaxBytes`.
pub const IMAGE_TOO_LARGE: &str = "IMAGE_TOO_LARGE";
/// Code of an [`ImageFailure`]: the image is of a type the sync does not copy (SVG).
pub const IMAGE_UNSUPPORTED_TYPE: &str = "IMAGE_UNSUPPORTED_TYPE";
/// Code of an [`ImageFailure`]: the URL is not an absolute http(s) URL.
pub const IMAGE_INVALID_URL: &str = "IMAGE_INVALID_URL";
/// Code of an [`ImageFailure`]: Medusa's File module refused to store the image.
pub const IMAGE_UPLOAD_FAILED: &str = "IMAGE_UPLOAD_FAILED";

/// Files stored through one `uploadFilesWorkflow` call, at most.
pub const FILES_PER_UPLOAD: usize = 16;
/// Bytes stored through one `uploadFilesWorkflow` call, at most (a single larger file is stored alone).
pub const BYTES_PER_UPLOAD: u64 = 8 * 1024 * 1024;

/// After this many images of one host failed with a network error or a timeout (and none of its images
/// arrived since), the other images of that host are not requested any more in this run.
pub const UNREACHABLE_HOST_LIMIT: u32 = 3;

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
    /// Stable code, e.g. `IMAGE_NOT_FOUND`.
    pub code: String,
    /// Why, e.g. `HTTP 404` or `content type "text/html" is not an image`.
    pub reason: String,
}

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

/// Input of [`plan_image_copies`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImageCopyPlanInput {
    /// Validated plugin options (`images` decides whether anything is copied).
    pub options: SyncOptions,
    /// Raw `/products` page bodies.
    pub pages: Vec<String>,
    /// Raw `/products/:id` bodies (targeted sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub products: Option<Vec<String>>,
    /// Source URLs that already have a stored copy.
    pub stored_urls: Vec<String>,
    /// The errors of the last completed run; the hosts of its `IMAGE_UNREACHABLE` images become
    /// [`ImageCopyPlan::hosts_down_last_run`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub previous_errors: Option<Vec<RunError>>,
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
    /// ([`ImageCopier::new`]), so a host that stays down costs no backoff run after run.
    pub hosts_down_last_run: Vec<String>,
}

/// Plans the image downloads of a run: every distinct image or thumbnail URL of a valid incoming product that has
/// no stored copy. Nothing is planned in `images: "link"` mode.
///
/// ```
/// use catalog_sync::images::{plan_image_copies, ImageCopyPlanInput};
/// use catalog_sync::options::SyncOptions;
/// let page = r#"{"products":[{"id":1,"title":"A","price":1,"stock":1,
///   "images":["https://x/1.png","https://x/2.png"],"thumbnail":"https://x/t.png"}],"total":1,"skip":0,"limit":1}"#;
/// let plan = plan_image_copies(&ImageCopyPlanInput {
///     options: SyncOptions::default(),
///     pages: vec![page.to_string()],
///     products: None,
///     stored_urls: vec!["https://x/2.png".to_string()],
///     previous_errors: None,
/// });
/// let urls: Vec<&str> = plan.copies.iter().map(|c| c.url.as_str()).collect();
/// assert_eq!(urls, ["https://x/1.png", "https://x/t.png"]);
/// assert_eq!(plan.already_stored, 1);
/// ```
pub fn plan_image_copies(input: &ImageCopyPlanInput) -> ImageCopyPlan {
    if input.options.images == ImageMode::Link {
        return ImageCopyPlan::default();
    }
    let stored: HashSet<&str> = input.stored_urls.iter().map(String::as_str).collect();
    let unreachable_last_run: HashMap<(SourceId, &str), &str> = input
        .previous_errors
        .iter()
        .flatten()
        .filter(|error| error.code == IMAGE_UNREACHABLE)
        .filter_map(|error| {
            Some((
                (error.source_id?, error.field.as_deref()?),
                error.message.as_str(),
            ))
        })
        .collect();
    let mut hosts_down = BTreeSet::new();
    let mut users: BTreeMap<String, BTreeSet<SourceId>> = BTreeMap::new();
    let mut visit = |product: &SourceProduct| {
        for url in image_urls(product) {
            users.entry(url.to_string()).or_default().insert(product.id);
        }
        if !unreachable_last_run.is_empty() {
            for (field, url) in image_fields(product) {
                // Only when the field still holds the URL that failed: a new URL may be on another host.
                let failed_here = unreachable_last_run
                    .get(&(product.id, field.as_str()))
                    .is_some_and(|message| message.contains(&image_label(url, &field)));
                if failed_here {
                    hosts_down.extend(host_of(url));
                }
            }
        }
    };
    for body in &input.pages {
        if let Ok(page) = parse_page(body) {
            page.products().for_each(&mut visit);
        }
    }
    for body in input.products.iter().flatten() {
        if let Ok(product) = parse_product(body) {
            visit(&product);
        }
    }
    let mut plan = ImageCopyPlan {
        hosts_down_last_run: hosts_down.into_iter().collect(),
        ..ImageCopyPlan::default()
    };
    for (url, ids) in users {
        if stored.contains(url.as_str()) {
            plan.already_stored += 1;
        } else if !is_http_url(&url) {
            plan.failures.push(ImageFailure {
                reason: "not an absolute http(s) URL".to_string(),
                code: IMAGE_INVALID_URL.to_string(),
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

/// The image URLs of a product: its images in order, then its thumbnail.
pub fn image_urls(product: &SourceProduct) -> impl Iterator<Item = &str> {
    product
        .images
        .iter()
        .map(String::as_str)
        .chain(product.thumbnail.as_deref())
}

/// The image URLs of a product with the field each one is in: `images[i]` in order, then `thumbnail`.
fn image_fields(product: &SourceProduct) -> impl Iterator<Item = (String, &str)> {
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
fn image_label(url: &str, field: &str) -> String {
    format!("image {url} ({field})")
}

/// Whether a URL is an absolute http(s) URL with a host.
fn is_http_url(url: &str) -> bool {
    host_of(url).is_some_and(|host| !host.is_empty())
}

/// The `host[:port]` part of an http(s) URL, lowercased; `None` for anything else.
fn host_of(url: &str) -> Option<String> {
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

/// Which URL a product is written with for each of its source image URLs.
///
/// In `images: "upload"` mode an image with a stored copy is written as the copy's URL and any other image keeps
/// its source URL (it could not be copied: its [`ImageFailure`] explains why); in `images: "link"` mode every
/// image keeps its source URL.
#[derive(Debug, Clone, Default)]
pub struct ImageResolver<'a> {
    stored: HashMap<&'a str, &'a str>,
    failures: HashMap<&'a str, &'a ImageFailure>,
}

impl<'a> ImageResolver<'a> {
    /// A resolver over the stored copies and this run's failures (both ignored in `link` mode).
    pub fn new(mode: ImageMode, stored: &'a [StoredImage], failures: &'a [ImageFailure]) -> Self {
        if mode == ImageMode::Link {
            return ImageResolver::default();
        }
        ImageResolver {
            stored: stored
                .iter()
                .map(|image| (image.source_url.as_str(), image.url.as_str()))
                .collect(),
            failures: failures
                .iter()
                .map(|failure| (failure.url.as_str(), failure))
                .collect(),
        }
    }

    /// The URL to write for a source image URL.
    pub fn resolve<'u>(&'u self, source_url: &'u str) -> &'u str {
        self.stored.get(source_url).copied().unwrap_or(source_url)
    }

    /// Why a source image URL could not be copied in this run, if it could not.
    pub fn failure(&self, source_url: &str) -> Option<&'a ImageFailure> {
        if self.stored.contains_key(source_url) {
            return None;
        }
        self.failures.get(source_url).copied()
    }

    /// Whether any image failed in this run.
    pub fn has_failures(&self) -> bool {
        !self.failures.is_empty()
    }
}

/// One run error per image of `product` that could not be copied in this run, naming the product, the field
/// (`images[i]` or `thumbnail`) and the URL. The product is still written, with the source URL for those images.
pub fn image_errors(product: &SourceProduct, resolver: &ImageResolver<'_>) -> Vec<RunError> {
    if !resolver.has_failures() {
        return Vec::new();
    }
    let id = product.id;
    image_fields(product)
        .filter_map(|(field, url)| {
            let failure = resolver.failure(url)?;
            Some(RunError::new(
                Some(id),
                Some(&field),
                &failure.code,
                format!(
                    "product {id}: {} was not copied into the store: {}; the product links the source URL",
                    image_label(url, &field),
                    failure.reason
                ),
            ))
        })
        .collect()
}

/// What the host knows of a downloaded image besides its bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImageDownload {
    /// The image's source URL.
    pub url: String,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The `Content-Length` header, if any.
    pub declared_length: Option<f64>,
}

/// A file to store through Medusa's File module (`uploadFilesWorkflow`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImageUpload {
    /// The image's source URL.
    pub source_url: String,
    /// File name to store it under: `<name from the URL>-<first 12 hex of the hash>.<extension>`.
    pub file_name: String,
    /// MIME type of the bytes (from their format, not from the header).
    pub mime_type: String,
    /// Lowercase hex SHA-256 of the bytes.
    pub content_hash: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size: u64,
}

/// What to do with a downloaded body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "lowercase")]
#[ts(export)]
pub enum ImageVerdict {
    /// Store the bytes as this file, then report the stored file with [`ImageCopier::stored`]. Files are stored in
    /// groups: keep this one with the others waiting, and store the group when `flush` is true (and at the end).
    Upload {
        /// The file to store.
        file: ImageUpload,
        /// The waiting group, this file included, is full ([`FILES_PER_UPLOAD`] files or [`BYTES_PER_UPLOAD`]
        /// bytes): store it now.
        flush: bool,
    },
    /// The same bytes are stored already (under another source URL): record this copy, upload nothing.
    Reuse {
        /// The record to save for this source URL.
        image: StoredImage,
    },
    /// The body is not acceptable; the products keep the source URL.
    Reject {
        /// Why.
        failure: ImageFailure,
    },
}

/// What the host does after a failed image request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "lowercase")]
#[ts(export)]
pub enum ImageRetryDecision {
    /// Wait `delayMs`, then try again.
    Retry {
        /// Milliseconds to wait before the next attempt.
        #[serde(rename = "delayMs")]
        delay_ms: u32,
    },
    /// Give up on this image.
    Fail {
        /// Why.
        failure: ImageFailure,
    },
}

/// Input of [`ImageCopier::retry`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImageRetryInput {
    /// The image's source URL.
    pub url: String,
    /// Attempts made so far, including the one that just failed (>= 1).
    pub attempt: u32,
    /// Seed of the jitter (see [`crate::retry::RetryInput::seed`]).
    pub seed: f64,
    /// Current time in milliseconds since the Unix epoch.
    pub now_ms: f64,
    /// How the attempt ended.
    pub outcome: FetchOutcome,
}

/// Figures of a run's image copy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImageStats {
    /// Images downloaded (bodies received, acceptable or not).
    pub downloaded: usize,
    /// Files stored through the File module.
    pub uploaded: usize,
    /// Images whose bytes were stored already under another URL.
    pub reused: usize,
    /// Images that could not be copied.
    pub failed: usize,
}

/// The state of one run's image copy: the stored files by content hash, the hosts found unreachable and the
/// figures. See the module documentation for the protocol.
#[derive(Debug, Clone)]
pub struct ImageCopier {
    options: SyncOptions,
    by_hash: HashMap<String, StoredImage>,
    /// Per host: images that failed with a network error or a timeout since the last one that arrived.
    unreachable: HashMap<String, u32>,
    /// Hosts the last completed run could not reach, until this run hears from them.
    down_last_run: HashSet<String>,
    /// Accepted files of the upload group the host has not stored yet, and their bytes.
    waiting: (usize, u64),
    stats: ImageStats,
}

impl ImageCopier {
    /// Starts a copy with the run's options, every stored image and the hosts the last completed run could not
    /// reach ([`ImageCopyPlan::hosts_down_last_run`]). Such a host gets one attempt per image and is given up
    /// after its first network failure or timeout, until it answers (an image arrives, or any HTTP status):
    /// then the usual policy applies again.
    pub fn new(
        options: SyncOptions,
        stored: Vec<StoredImage>,
        hosts_down_last_run: Vec<String>,
    ) -> Self {
        let mut by_hash = HashMap::with_capacity(stored.len());
        for image in stored {
            by_hash.entry(image.content_hash.clone()).or_insert(image);
        }
        ImageCopier {
            options,
            by_hash,
            unreachable: HashMap::new(),
            down_last_run: hosts_down_last_run.into_iter().collect(),
            waiting: (0, 0),
            stats: ImageStats::default(),
        }
    }

    /// Called before requesting an image: a failure when its host is known to be unreachable in this run
    /// (the host then skips the request), else `None`.
    pub fn precheck(&mut self, url: &str) -> Option<ImageFailure> {
        let host = host_of(url).unwrap_or_default();
        if !self.given_up(&host) {
            return None;
        }
        self.stats.failed += 1;
        let failures = self.unreachable.get(&host).copied().unwrap_or(0);
        let reason = if self.down_last_run.contains(&host) {
            format!("not requested: {host} could not be reached in the last run, nor in this one")
        } else {
            format!("not requested: {failures} images of {host} could not be reached in this run")
        };
        Some(failure(url, IMAGE_UNREACHABLE, reason))
    }

    /// Whether a host is given up for this run: [`UNREACHABLE_HOST_LIMIT`] of its images failed with a network
    /// error or a timeout since one arrived, or one did when the last run could not reach it either.
    fn given_up(&self, host: &str) -> bool {
        let failures = self.unreachable.get(host).copied().unwrap_or(0);
        let limit = if self.down_last_run.contains(host) {
            1
        } else {
            UNREACHABLE_HOST_LIMIT
        };
        failures >= limit
    }

    /// Decides whether a failed image request is retried: the page retry policy, except that once the image's
    /// host is known to be unreachable nothing more is retried. A final failure is counted.
    pub fn retry(
        &mut self,
        input: &ImageRetryInput,
    ) -> Result<ImageRetryDecision, RetryInputError> {
        let host = host_of(&input.url).unwrap_or_default();
        let unreachable = matches!(
            input.outcome,
            FetchOutcome::Network { .. } | FetchOutcome::Timeout { .. }
        );
        if !unreachable {
            // The host answered: whatever the last run saw, it is up.
            self.down_last_run.remove(&host);
        }
        let one_attempt = unreachable && self.down_last_run.contains(&host);
        let decision = decide_retry(&RetryInput {
            attempt: input.attempt,
            max_retries: if one_attempt || self.given_up(&host) {
                0
            } else {
                self.options.max_retries
            },
            seed: input.seed,
            now_ms: input.now_ms,
            url: input.url.clone(),
            outcome: input.outcome.clone(),
        })?;
        Ok(match decision {
            RetryDecision::Retry { delay_ms } => ImageRetryDecision::Retry { delay_ms },
            RetryDecision::Fail { .. } => {
                self.stats.failed += 1;
                let (code, reason) = match &input.outcome {
                    FetchOutcome::Http { status: 404, .. } => {
                        (IMAGE_NOT_FOUND, "HTTP 404".to_string())
                    }
                    FetchOutcome::Http { status, .. } => {
                        (IMAGE_HTTP_ERROR, format!("HTTP {status}"))
                    }
                    FetchOutcome::Network { message } => {
                        *self.unreachable.entry(host).or_default() += 1;
                        (IMAGE_UNREACHABLE, format!("network error: {message}"))
                    }
                    FetchOutcome::Timeout { timeout_ms } => {
                        *self.unreachable.entry(host).or_default() += 1;
                        (
                            IMAGE_UNREACHABLE,
                            format!("no answer within {timeout_ms} ms"),
                        )
                    }
                    FetchOutcome::Malformed { message } => (IMAGE_NOT_AN_IMAGE, message.clone()),
                };
                let attempts = input.attempt;
                let reason = if attempts > 1 {
                    format!("{reason} (after {attempts} attempts)")
                } else {
                    reason
                };
                ImageRetryDecision::Fail {
                    failure: failure(&input.url, code, reason),
                }
            }
        })
    }

    /// Judges a downloaded body: upload it, reuse an identical stored file, or reject it. `bytes` are the bytes
    /// received; the host may stop reading after `imageMaxBytes + 1` of them (the image is too large then).
    pub fn accept(&mut self, download: &ImageDownload, bytes: &[u8]) -> ImageVerdict {
        self.stats.downloaded += 1;
        if let Some(host) = host_of(&download.url) {
            self.unreachable.remove(&host);
            self.down_last_run.remove(&host);
        }
        match self.inspect(download, bytes) {
            Err(rejection) => {
                self.stats.failed += 1;
                ImageVerdict::Reject { failure: rejection }
            }
            Ok(file) => match self.by_hash.get(&file.content_hash) {
                Some(existing) => {
                    self.stats.reused += 1;
                    ImageVerdict::Reuse {
                        image: StoredImage {
                            source_url: download.url.clone(),
                            ..existing.clone()
                        },
                    }
                }
                None => {
                    let (files, bytes) = (self.waiting.0 + 1, self.waiting.1 + file.size);
                    let flush = files >= FILES_PER_UPLOAD || bytes >= BYTES_PER_UPLOAD;
                    self.waiting = if flush { (0, 0) } else { (files, bytes) };
                    ImageVerdict::Upload { file, flush }
                }
            },
        }
    }

    /// Records a file the host stored for an [`ImageVerdict::Upload`]; returns the record to save. Later
    /// downloads with the same bytes reuse it.
    pub fn stored(&mut self, file: &ImageUpload, file_id: &str, url: &str) -> StoredImage {
        self.stats.uploaded += 1;
        let image = StoredImage {
            source_url: file.source_url.clone(),
            url: url.to_string(),
            file_id: file_id.to_string(),
            content_hash: file.content_hash.clone(),
            size: file.size,
            content_type: file.mime_type.clone(),
        };
        self.by_hash
            .entry(file.content_hash.clone())
            .or_insert_with(|| image.clone());
        image
    }

    /// Records that the File module refused to store a file; returns the failure to report.
    pub fn upload_failed(&mut self, file: &ImageUpload, message: &str) -> ImageFailure {
        self.stats.failed += 1;
        failure(
            &file.source_url,
            IMAGE_UPLOAD_FAILED,
            format!("Medusa's File module refused it: {message}"),
        )
    }

    /// The figures so far.
    pub fn stats(&self) -> ImageStats {
        self.stats
    }

    /// Checks size, type and format of a body and describes the file to store.
    fn inspect(&self, download: &ImageDownload, bytes: &[u8]) -> Result<ImageUpload, ImageFailure> {
        let limit = u64::from(self.options.image_max_bytes);
        let received = bytes.len() as u64;
        let declared = download
            .declared_length
            .filter(|length| length.is_finite() && *length >= 0.0)
            .map(|length| length as u64);
        let size = received.max(declared.unwrap_or(0));
        if size > limit {
            return Err(failure(
                &download.url,
                IMAGE_TOO_LARGE,
                format!("larger than imageMaxBytes ({limit} bytes)"),
            ));
        }
        let declared_type = download
            .content_type
            .as_deref()
            .map(|value| {
                value
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .filter(|value| !value.is_empty());
        if let Some(kind) = declared_type.as_deref() {
            if !kind.starts_with("image/") {
                return Err(failure(
                    &download.url,
                    IMAGE_NOT_AN_IMAGE,
                    format!("content type \"{kind}\" is not an image"),
                ));
            }
            if kind == "image/svg+xml" {
                return Err(svg_refused(&download.url));
            }
        }
        let format = ImageFormat::sniff(bytes).ok_or_else(|| {
            if looks_like_svg(bytes) {
                svg_refused(&download.url)
            } else {
                failure(
                    &download.url,
                    IMAGE_NOT_AN_IMAGE,
                    "the bytes are not a PNG, JPEG, GIF, WebP or AVIF image".to_string(),
                )
            }
        })?;
        if !format.is_complete(bytes) {
            return Err(failure(
                &download.url,
                IMAGE_NOT_AN_IMAGE,
                format!(
                    "the {} image is truncated ({received} bytes received)",
                    format.name()
                ),
            ));
        }
        if declared.is_some_and(|declared| declared != received) {
            return Err(failure(
                &download.url,
                IMAGE_NOT_AN_IMAGE,
                format!(
                    "received {received} bytes of the {} announced",
                    declared.unwrap_or(0)
                ),
            ));
        }
        let content_hash = lower_hex(&Sha256::digest(bytes));
        Ok(ImageUpload {
            file_name: format!(
                "{}-{}.{}",
                name_from_url(&download.url),
                &content_hash[..12],
                format.extension()
            ),
            source_url: download.url.clone(),
            mime_type: format.mime_type().to_string(),
            content_hash,
            size: received,
        })
    }
}

fn failure(url: &str, code: &str, reason: String) -> ImageFailure {
    ImageFailure {
        url: url.to_string(),
        code: code.to_string(),
        reason,
    }
}

fn svg_refused(url: &str) -> ImageFailure {
    failure(
        url,
        IMAGE_UNSUPPORTED_TYPE,
        "SVG images are not copied (they can carry scripts)".to_string(),
    )
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    String::from_utf8_lossy(head)
        .to_ascii_lowercase()
        .contains("<svg")
}

/// The image formats the sync copies, recognized by their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImageFormat {
    Png,
    Jpeg,
    Gif,
    Webp,
    Avif,
}

impl ImageFormat {
    /// The format of a body, from its signature.
    fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageFormat::Png)
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(ImageFormat::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(ImageFormat::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(ImageFormat::Webp)
        } else if bytes.len() >= 12
            && &bytes[4..8] == b"ftyp"
            && matches!(&bytes[8..12], b"avif" | b"avis")
        {
            Some(ImageFormat::Avif)
        } else {
            None
        }
    }

    /// Whether the body ends the way a complete file of this format ends (a cut download does not).
    fn is_complete(self, bytes: &[u8]) -> bool {
        match self {
            // The IEND chunk: zero length, type, CRC.
            ImageFormat::Png => bytes.ends_with(b"\0\0\0\0IEND\xae\x42\x60\x82"),
            // The end-of-image marker, possibly followed by a little padding.
            ImageFormat::Jpeg => bytes[bytes.len().saturating_sub(64)..]
                .windows(2)
                .any(|pair| pair == [0xff, 0xd9]),
            ImageFormat::Gif => bytes.last() == Some(&0x3b),
            ImageFormat::Webp => {
                let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
                bytes.len() as u64 >= 8 + u64::from(declared)
            }
            ImageFormat::Avif => true,
        }
    }

    fn mime_type(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Gif => "image/gif",
            ImageFormat::Webp => "image/webp",
            ImageFormat::Avif => "image/avif",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Gif => "gif",
            ImageFormat::Webp => "webp",
            ImageFormat::Avif => "avif",
        }
    }

    fn name(self) -> &'static str {
        match self {
            ImageFormat::Png => "PNG",
            ImageFormat::Jpeg => "JPEG",
            ImageFormat::Gif => "GIF",
            ImageFormat::Webp => "WebP",
            ImageFormat::Avif => "AVIF",
        }
    }
}

/// A readable file name stem from a URL's last two path segments (without extension): lowercase ASCII letters,
/// digits and dashes, at most 60 characters; `image` when nothing usable is left.
///
/// ```
/// use catalog_sync::images::name_from_url;
/// assert_eq!(name_from_url("https://cdn.x/product-images/beauty/Red%20Lipstick/1.webp?v=2"), "red-20lipstick-1");
/// assert_eq!(name_from_url("http://127.0.0.1:9/images/products/5/thumbnail.png"), "5-thumbnail");
/// assert_eq!(name_from_url("https://x/"), "image");
/// ```
pub fn name_from_url(url: &str) -> String {
    let path_start = url
        .find("://")
        .map(|scheme| scheme + 3)
        .and_then(|start| url[start..].find('/').map(|slash| start + slash))
        .unwrap_or(url.len());
    let path = &url[path_start..];
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let tail = &segments[segments.len().saturating_sub(2)..];
    let mut joined = tail.join("-");
    if let Some(dot) = joined.rfind('.') {
        if !joined[dot..].contains('-') {
            joined.truncate(dot);
        }
    }
    let mut name = String::with_capacity(joined.len());
    for c in joined.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let mut name: String = name.trim_matches('-').chars().take(60).collect();
    while name.ends_with('-') {
        name.pop();
    }
    if name.is_empty() {
        "image".to_string()
    } else {
        name
    }
}

/// Lowercase hex of bytes.
fn lower_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR.....\0\0\0\0IEND\xae\x42\x60\x82";

    fn copier() -> ImageCopier {
        ImageCopier::new(SyncOptions::default(), Vec::new(), Vec::new())
    }

    fn head(url: &str, content_type: Option<&str>, bytes: &[u8]) -> ImageDownload {
        ImageDownload {
            url: url.to_string(),
            content_type: content_type.map(str::to_string),
            declared_length: Some(bytes.len() as f64),
        }
    }

    /// `copier.accept` of a body whose declared length is its real one.
    fn accept(
        copier: &mut ImageCopier,
        url: &str,
        content_type: Option<&str>,
        bytes: &[u8],
    ) -> ImageVerdict {
        copier.accept(&head(url, content_type, bytes), bytes)
    }

    fn rejected_code(verdict: ImageVerdict) -> String {
        match verdict {
            ImageVerdict::Reject { failure } => failure.code,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn a_png_is_uploaded_under_a_content_named_file() {
        let mut copier = copier();
        let verdict = accept(
            &mut copier,
            "http://127.0.0.1:9/images/products/5/1.png",
            Some("image/png"),
            PNG,
        );
        let ImageVerdict::Upload { file, .. } = verdict else {
            panic!("expected an upload, got {verdict:?}")
        };
        assert_eq!(file.mime_type, "image/png");
        assert_eq!(file.size, PNG.len() as u64);
        assert_eq!(file.content_hash, lower_hex(&Sha256::digest(PNG)));
        assert_eq!(
            file.file_name,
            format!("5-1-{}.png", &file.content_hash[..12])
        );
    }

    #[test]
    fn identical_bytes_under_another_url_reuse_the_stored_file() {
        let mut copier = copier();
        let ImageVerdict::Upload { file, .. } =
            accept(&mut copier, "https://a/1.png", Some("image/png"), PNG)
        else {
            panic!("first download is uploaded")
        };
        let first = copier.stored(&file, "file_1", "http://store/static/1.png");
        assert_eq!(first.source_url, "https://a/1.png");
        let verdict = accept(&mut copier, "https://a/moved.png", Some("image/png"), PNG);
        let ImageVerdict::Reuse { image } = verdict else {
            panic!("expected a reuse, got {verdict:?}")
        };
        assert_eq!(image.source_url, "https://a/moved.png");
        assert_eq!(image.file_id, "file_1");
        assert_eq!(image.url, "http://store/static/1.png");
        assert_eq!(
            copier.stats(),
            ImageStats {
                downloaded: 2,
                uploaded: 1,
                reused: 1,
                failed: 0
            }
        );
    }

    #[test]
    fn html_truncated_svg_and_oversized_bodies_are_rejected() {
        let mut copier = ImageCopier::new(
            SyncOptions {
                image_max_bytes: 1024,
                ..SyncOptions::default()
            },
            Vec::new(),
            Vec::new(),
        );
        let url = "https://a/1.png";
        assert_eq!(
            rejected_code(accept(
                &mut copier,
                url,
                Some("text/html; charset=utf-8"),
                b"<html>"
            )),
            IMAGE_NOT_AN_IMAGE
        );
        assert_eq!(
            rejected_code(accept(
                &mut copier,
                url,
                Some("image/png"),
                &PNG[..PNG.len() / 2]
            )),
            IMAGE_NOT_AN_IMAGE
        );
        assert_eq!(
            rejected_code(accept(&mut copier, url, Some("image/svg+xml"), b"<svg/>")),
            IMAGE_UNSUPPORTED_TYPE
        );
        assert_eq!(
            rejected_code(accept(&mut copier, url, None, b"<?xml?><svg></svg>")),
            IMAGE_UNSUPPORTED_TYPE
        );
        assert_eq!(
            rejected_code(accept(&mut copier, url, Some("image/png"), &[0u8; 2048])),
            IMAGE_TOO_LARGE
        );
        let mut announced = head(url, Some("image/png"), PNG);
        announced.declared_length = Some(5e9);
        assert_eq!(
            rejected_code(copier.accept(&announced, PNG)),
            IMAGE_TOO_LARGE
        );
        assert_eq!(copier.stats().failed, 6);
    }

    #[test]
    fn uploads_are_grouped_by_count_and_by_bytes() {
        let mut copier = copier();
        let mut flushes = Vec::new();
        for n in 0..(FILES_PER_UPLOAD + 3) {
            // Distinct bytes: a different chunk length per image.
            let mut bytes = PNG[..8].to_vec();
            bytes.extend(std::iter::repeat_n(0u8, n));
            bytes.extend_from_slice(&PNG[8..]);
            match accept(
                &mut copier,
                &format!("https://a/{n}.png"),
                Some("image/png"),
                &bytes,
            ) {
                ImageVerdict::Upload { flush, .. } => flushes.push(flush),
                other => panic!("expected an upload, got {other:?}"),
            }
        }
        let full: Vec<usize> = flushes
            .iter()
            .enumerate()
            .filter(|(_, f)| **f)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(
            full,
            vec![FILES_PER_UPLOAD - 1],
            "the 16th file closes the first group"
        );
        let mut big = ImageCopier::new(
            SyncOptions {
                image_max_bytes: 100 * 1024 * 1024,
                ..SyncOptions::default()
            },
            Vec::new(),
            Vec::new(),
        );
        let mut huge = PNG[..8].to_vec();
        huge.resize(BYTES_PER_UPLOAD as usize, 0);
        huge.extend_from_slice(&PNG[8..]);
        assert!(matches!(
            accept(&mut big, "https://a/huge.png", Some("image/png"), &huge),
            ImageVerdict::Upload { flush: true, .. }
        ));
    }

    #[test]
    fn a_mislabelled_image_is_stored_with_the_type_of_its_bytes() {
        let mut copier = copier();
        let verdict = accept(&mut copier, "https://a/x", Some("image/jpeg"), PNG);
        let ImageVerdict::Upload { file, .. } = verdict else {
            panic!("expected an upload")
        };
        assert_eq!(file.mime_type, "image/png");
        assert!(file.file_name.ends_with(".png"), "{}", file.file_name);
    }

    #[test]
    fn each_format_is_recognized_and_checked_for_completeness() {
        let jpeg = [0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9];
        let gif = *b"GIF89a...;";
        let mut webp = b"RIFF\x04\0\0\0WEBP".to_vec();
        assert_eq!(ImageFormat::sniff(&jpeg), Some(ImageFormat::Jpeg));
        assert!(ImageFormat::Jpeg.is_complete(&jpeg));
        assert!(!ImageFormat::Jpeg.is_complete(&jpeg[..6]));
        assert_eq!(ImageFormat::sniff(&gif), Some(ImageFormat::Gif));
        assert!(ImageFormat::Gif.is_complete(&gif));
        assert!(!ImageFormat::Gif.is_complete(&gif[..8]));
        assert_eq!(ImageFormat::sniff(&webp), Some(ImageFormat::Webp));
        assert!(ImageFormat::Webp.is_complete(&webp));
        webp[4] = 40;
        assert!(!ImageFormat::Webp.is_complete(&webp));
        let avif = b"\0\0\0\x1cftypavif\0\0\0\0";
        assert_eq!(ImageFormat::sniff(avif), Some(ImageFormat::Avif));
        assert_eq!(ImageFormat::sniff(b"BM...."), None);
    }

    fn retry_input(url: &str, attempt: u32, outcome: FetchOutcome) -> ImageRetryInput {
        ImageRetryInput {
            url: url.to_string(),
            attempt,
            seed: 1.0,
            now_ms: 0.0,
            outcome,
        }
    }

    #[test]
    fn image_requests_follow_the_page_retry_policy() {
        let mut copier = copier();
        let server_error = FetchOutcome::Http {
            status: 503,
            retry_after: None,
        };
        assert!(matches!(
            copier.retry(&retry_input("https://a/1.png", 1, server_error.clone())),
            Ok(ImageRetryDecision::Retry { .. })
        ));
        let last = copier
            .retry(&retry_input("https://a/1.png", 5, server_error))
            .unwrap();
        let ImageRetryDecision::Fail { failure } = last else {
            panic!("the fifth attempt is the last")
        };
        assert_eq!(failure.code, IMAGE_HTTP_ERROR);
        assert_eq!(failure.reason, "HTTP 503 (after 5 attempts)");
        let not_found = FetchOutcome::Http {
            status: 404,
            retry_after: None,
        };
        let ImageRetryDecision::Fail { failure } = copier
            .retry(&retry_input("https://a/2.png", 1, not_found))
            .unwrap()
        else {
            panic!("a 404 is not retried")
        };
        assert_eq!(
            (failure.code.as_str(), failure.reason.as_str()),
            (IMAGE_NOT_FOUND, "HTTP 404")
        );
        assert!(copier
            .retry(&retry_input(
                "https://a/2.png",
                0,
                FetchOutcome::Timeout { timeout_ms: 1 }
            ))
            .is_err());
    }

    #[test]
    fn an_unreachable_host_stops_being_requested_until_one_of_its_images_arrives() {
        let mut copier = copier();
        let network = network_error("fetch failed (ENOTFOUND)");
        let attempts = SyncOptions::default().max_retries + 1;
        for n in 0..UNREACHABLE_HOST_LIMIT {
            let url = format!("https://cdn.example/{n}.png");
            assert_eq!(copier.precheck(&url), None);
            let decision = copier
                .retry(&retry_input(&url, attempts, network.clone()))
                .unwrap();
            assert!(
                matches!(decision, ImageRetryDecision::Fail { ref failure } if failure.code == IMAGE_UNREACHABLE)
            );
        }
        let skipped = copier
            .precheck("https://CDN.example/9.png")
            .expect("host is down");
        assert_eq!(skipped.code, IMAGE_UNREACHABLE);
        assert!(skipped.reason.contains("cdn.example"), "{}", skipped.reason);
        assert_eq!(copier.precheck("https://other.example/1.png"), None);
        // An image in flight while the host was marked down is not retried any more.
        let decision = copier
            .retry(&retry_input("https://cdn.example/8.png", 1, network))
            .unwrap();
        assert!(matches!(decision, ImageRetryDecision::Fail { .. }));
        // One image that arrives proves the host is back.
        accept(
            &mut copier,
            "https://cdn.example/7.png",
            Some("image/png"),
            PNG,
        );
        assert_eq!(copier.precheck("https://cdn.example/9.png"), None);
        assert_eq!(copier.stats().failed, 5);
    }

    /// A copier started knowing that the last run could not reach `cdn.example`.
    fn copier_with_cdn_down_last_run() -> ImageCopier {
        ImageCopier::new(
            SyncOptions::default(),
            Vec::new(),
            vec!["cdn.example".to_string()],
        )
    }

    /// A request that failed below HTTP.
    fn network_error(message: &str) -> FetchOutcome {
        FetchOutcome::Network {
            message: message.to_string(),
        }
    }

    #[test]
    fn a_host_down_in_the_last_run_gets_one_attempt_and_is_given_up_after_one_failure() {
        let mut copier = copier_with_cdn_down_last_run();
        let network = network_error("fetch failed (ENOTFOUND)");
        assert_eq!(copier.precheck("https://cdn.example/1.png"), None);
        let first = copier
            .retry(&retry_input(
                "https://cdn.example/1.png",
                1,
                network.clone(),
            ))
            .unwrap();
        assert!(
            matches!(first, ImageRetryDecision::Fail { ref failure } if failure.code == IMAGE_UNREACHABLE),
            "no retry for a host that stays down: {first:?}"
        );
        let skipped = copier
            .precheck("https://cdn.example/2.png")
            .expect("given up after one failure");
        assert!(skipped.reason.contains("last run"), "{}", skipped.reason);
        // Other hosts keep the usual policy.
        let other = copier
            .retry(&retry_input("https://other.example/1.png", 1, network))
            .unwrap();
        assert!(
            matches!(other, ImageRetryDecision::Retry { .. }),
            "{other:?}"
        );
        assert_eq!(copier.stats().failed, 2);
    }

    #[test]
    fn a_host_down_in_the_last_run_that_answers_gets_the_usual_policy_back() {
        let network = network_error("socket hang up");
        // Any HTTP status is an answer: the 503 is retried as usual, and so is a later network error.
        let mut copier = copier_with_cdn_down_last_run();
        let busy = FetchOutcome::Http {
            status: 503,
            retry_after: None,
        };
        for outcome in [busy, network.clone()] {
            let decision = copier
                .retry(&retry_input("https://cdn.example/1.png", 1, outcome))
                .unwrap();
            assert!(
                matches!(decision, ImageRetryDecision::Retry { .. }),
                "{decision:?}"
            );
        }
        // So is an image that arrives.
        let mut copier = copier_with_cdn_down_last_run();
        accept(
            &mut copier,
            "https://cdn.example/2.png",
            Some("image/png"),
            PNG,
        );
        let decision = copier
            .retry(&retry_input("https://cdn.example/3.png", 1, network))
            .unwrap();
        assert!(
            matches!(decision, ImageRetryDecision::Retry { .. }),
            "{decision:?}"
        );
        assert_eq!(copier.precheck("https://cdn.example/4.png"), None);
    }

    #[test]
    fn the_hosts_down_last_run_come_from_its_unreachable_image_errors_by_product_and_field() {
        let page = r#"{"products":[
            {"id":1,"title":"A","price":1,"stock":1,"images":["https://a.example/1.png","https://b.example/1.png"],
             "thumbnail":"https://c.example/t.png"},
            {"id":2,"title":"B","price":1,"stock":1,"images":["https://d.example/1.png"]}],
            "total":2,"skip":0,"limit":2}"#;
        let error = |id: SourceId, field: &str, code: &str, url: &str| {
            let message = format!("product {id}: {} was not copied", image_label(url, field));
            RunError::new(Some(id), Some(field), code, message)
        };
        let plan = plan_image_copies(&ImageCopyPlanInput {
            options: SyncOptions::default(),
            pages: vec![page.to_string()],
            products: None,
            stored_urls: Vec::new(),
            previous_errors: Some(vec![
                error(1, "images[1]", IMAGE_UNREACHABLE, "https://b.example/1.png"),
                error(1, "thumbnail", IMAGE_UNREACHABLE, "https://c.example/t.png"),
                // The field holds another URL now.
                error(
                    1,
                    "images[0]",
                    IMAGE_UNREACHABLE,
                    "https://e.example/old.png",
                ),
                error(2, "images[0]", IMAGE_NOT_FOUND, "https://d.example/1.png"),
                error(3, "images[0]", IMAGE_UNREACHABLE, "https://f.example/1.png"),
                RunError::new(None, None, IMAGE_UNREACHABLE, "no product"),
            ]),
        });
        assert_eq!(plan.hosts_down_last_run, ["b.example", "c.example"]);
        assert_eq!(plan.copies.len(), 4);
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
