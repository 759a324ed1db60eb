//! The copier: one run's image copy as a state machine the host feeds as downloads progress (push in, pull
//! decisions out) — retries and unreachable hosts, the judgement of each downloaded body, the upload groups.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::copy_plan::host_of;
use super::format::{looks_like_svg, ImageFormat};
use super::resolver::{ImageFailure, StoredImage};
use crate::model::RunErrorCode;
use crate::options::SyncOptions;
use crate::outbound::{HopCheck, TrustedOrigins};
use crate::retry::{
    decide_retry, request_seed, FetchOutcome, RetryDecision, RetryInput, RetryInputError,
};

/// Files stored through one `uploadFilesWorkflow` call, at most.
pub const FILES_PER_UPLOAD: usize = 16;
/// Bytes stored through one `uploadFilesWorkflow` call, at most (a single larger file is stored alone).
pub const BYTES_PER_UPLOAD: u64 = 8 * 1024 * 1024;

/// After this many images of one host failed for good with a network error, a timeout, a 429 or a 5xx (and none
/// of its images arrived since), the other images of that host are not requested any more in this run.
pub const UNREACHABLE_HOST_LIMIT: u32 = 3;

/// Image requests are numbered from here in the run's seed space ([`request_seed`]); page requests below.
pub const IMAGE_REQUEST_NUMBERS: u32 = 1 << 31;

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
    /// The image's position in the copy plan (`plan.copies`): with the run id, the seed of its jitter.
    pub index: u32,
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
    run_id: String,
    trusted: TrustedOrigins,
    by_hash: HashMap<String, StoredImage>,
    /// Per host: images that failed with a network error, a timeout, a 429 or a 5xx since the last one that
    /// arrived.
    unreachable: HashMap<String, u32>,
    /// Hosts the last completed run could not reach, until this run hears from them.
    down_last_run: HashSet<String>,
    /// Accepted files of the upload group the host has not stored yet, and their bytes.
    waiting: (usize, u64),
    stats: ImageStats,
}

impl ImageCopier {
    /// Starts a copy with the run's id (the seed of its jitter) and options, every stored image and the hosts the
    /// last completed run could not reach
    /// ([`ImageCopyPlan::hosts_down_last_run`](super::ImageCopyPlan::hosts_down_last_run)). Such a host gets one
    /// attempt per image and is given up after its first network failure or timeout, until it answers (an image
    /// arrives, or any HTTP status): then the usual policy applies again.
    pub fn new(
        run_id: String,
        options: SyncOptions,
        stored: Vec<StoredImage>,
        hosts_down_last_run: Vec<String>,
    ) -> Self {
        let mut by_hash = HashMap::with_capacity(stored.len());
        for image in stored {
            by_hash.entry(image.content_hash.clone()).or_insert(image);
        }
        ImageCopier {
            trusted: TrustedOrigins::new(&options.source_url, &options.image_hosts),
            options,
            run_id,
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
            format!("not requested: {failures} images of {host} failed in this run")
        };
        Some(failure(url, RunErrorCode::ImageUnreachable, reason))
    }

    /// Checks hop `hop` of an image request (0: its URL, 1 and more: a redirect's target, as the host will
    /// request it): refused past three redirects or for a URL that is not http(s); sent as it is to the source's
    /// origin and the `imageHosts`; elsewhere only to public addresses (see [`crate::outbound`]).
    pub fn check_hop(&self, url: &str, hop: u32) -> HopCheck {
        self.trusted.check_hop(url, hop)
    }

    /// Whether a host is given up for this run: [`UNREACHABLE_HOST_LIMIT`] of its images failed with a network
    /// error, a timeout, a 429 or a 5xx since one arrived, or one failed with a network error or a timeout when
    /// the last run could not reach it either.
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
    /// host is given up nothing more is retried, and a refused request never is (`IMAGE_REFUSED`). A final
    /// failure is counted; a network error, timeout, 429 or 5xx also counts toward giving up the host.
    pub fn retry(
        &mut self,
        input: &ImageRetryInput,
    ) -> Result<ImageRetryDecision, RetryInputError> {
        let host = host_of(&input.url).unwrap_or_default();
        let unreachable = matches!(
            input.outcome,
            FetchOutcome::Network { .. } | FetchOutcome::Timeout { .. }
        );
        let answered = matches!(
            input.outcome,
            FetchOutcome::Http { .. } | FetchOutcome::Malformed { .. }
        );
        if answered {
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
            seed: request_seed(
                &self.run_id,
                IMAGE_REQUEST_NUMBERS.wrapping_add(input.index),
            ),
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
                        (RunErrorCode::ImageNotFound, "HTTP 404".to_string())
                    }
                    FetchOutcome::Http { status, .. } => {
                        if *status == 429 || (500..=599).contains(status) {
                            *self.unreachable.entry(host).or_default() += 1;
                        }
                        (RunErrorCode::ImageHttpError, format!("HTTP {status}"))
                    }
                    FetchOutcome::Network { message } => {
                        *self.unreachable.entry(host).or_default() += 1;
                        (
                            RunErrorCode::ImageUnreachable,
                            format!("network error: {message}"),
                        )
                    }
                    FetchOutcome::Timeout { timeout_ms } => {
                        *self.unreachable.entry(host).or_default() += 1;
                        (
                            RunErrorCode::ImageUnreachable,
                            format!("no answer within {timeout_ms} ms"),
                        )
                    }
                    FetchOutcome::Malformed { message } => {
                        (RunErrorCode::ImageNotAnImage, message.clone())
                    }
                    FetchOutcome::Refused { refusal } => {
                        (RunErrorCode::ImageRefused, refusal.describe())
                    }
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
            RunErrorCode::ImageUploadFailed,
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
                RunErrorCode::ImageTooLarge,
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
                    RunErrorCode::ImageNotAnImage,
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
                    RunErrorCode::ImageNotAnImage,
                    "the bytes are not a PNG, JPEG, GIF, WebP or AVIF image".to_string(),
                )
            }
        })?;
        if !format.is_complete(bytes) {
            return Err(failure(
                &download.url,
                RunErrorCode::ImageNotAnImage,
                format!(
                    "the {} image is truncated ({received} bytes received)",
                    format.name()
                ),
            ));
        }
        if declared.is_some_and(|declared| declared != received) {
            return Err(failure(
                &download.url,
                RunErrorCode::ImageNotAnImage,
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

fn failure(url: &str, code: RunErrorCode, reason: String) -> ImageFailure {
    ImageFailure {
        url: url.to_string(),
        code,
        reason,
    }
}

fn svg_refused(url: &str) -> ImageFailure {
    failure(
        url,
        RunErrorCode::ImageUnsupportedType,
        "SVG images are not copied (they can carry scripts)".to_string(),
    )
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
    use crate::outbound::{AddressClass, Refusal};

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR.....\0\0\0\0IEND\xae\x42\x60\x82";

    fn copier() -> ImageCopier {
        ImageCopier::new(
            "csrun_test".to_string(),
            SyncOptions::default(),
            Vec::new(),
            Vec::new(),
        )
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

    fn rejected_code(verdict: ImageVerdict) -> RunErrorCode {
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
            "csrun_test".to_string(),
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
            RunErrorCode::ImageNotAnImage
        );
        assert_eq!(
            rejected_code(accept(
                &mut copier,
                url,
                Some("image/png"),
                &PNG[..PNG.len() / 2]
            )),
            RunErrorCode::ImageNotAnImage
        );
        assert_eq!(
            rejected_code(accept(&mut copier, url, Some("image/svg+xml"), b"<svg/>")),
            RunErrorCode::ImageUnsupportedType
        );
        assert_eq!(
            rejected_code(accept(&mut copier, url, None, b"<?xml?><svg></svg>")),
            RunErrorCode::ImageUnsupportedType
        );
        assert_eq!(
            rejected_code(accept(&mut copier, url, Some("image/png"), &[0u8; 2048])),
            RunErrorCode::ImageTooLarge
        );
        let mut announced = head(url, Some("image/png"), PNG);
        announced.declared_length = Some(5e9);
        assert_eq!(
            rejected_code(copier.accept(&announced, PNG)),
            RunErrorCode::ImageTooLarge
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
            "csrun_test".to_string(),
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

    fn retry_input(url: &str, attempt: u32, outcome: FetchOutcome) -> ImageRetryInput {
        ImageRetryInput {
            url: url.to_string(),
            attempt,
            index: 1,
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
        assert_eq!(failure.code, RunErrorCode::ImageHttpError);
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
            (failure.code, failure.reason.as_str()),
            (RunErrorCode::ImageNotFound, "HTTP 404")
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
    fn a_refused_request_fails_at_once_and_does_not_count_against_its_host() {
        let mut copier = copier();
        let refusal = Refusal::Address {
            class: AddressClass::Loopback,
            hop: 1,
        };
        for n in 0..5 {
            let url = format!("https://cdn.example/{n}.png");
            assert_eq!(copier.precheck(&url), None);
            let decision = copier
                .retry(&retry_input(&url, 1, FetchOutcome::Refused { refusal }))
                .unwrap();
            let ImageRetryDecision::Fail { failure } = decision else {
                panic!("a refusal is never retried: {decision:?}")
            };
            assert_eq!(failure.code, RunErrorCode::ImageRefused);
            assert_eq!(
                failure.reason,
                "a redirect leads to a host that resolves to a loopback address"
            );
        }
        assert_eq!(copier.stats().failed, 5);
    }

    #[test]
    fn rate_limits_and_server_errors_count_toward_giving_up_a_host() {
        let mut copier = copier();
        for (n, status) in [429, 500, 503].into_iter().enumerate() {
            let url = format!("https://cdn.example/{n}.png");
            let busy = FetchOutcome::Http {
                status,
                retry_after: Some("1".into()),
            };
            let decision = copier.retry(&retry_input(&url, 5, busy)).unwrap();
            assert!(
                matches!(decision, ImageRetryDecision::Fail { ref failure } if failure.code == RunErrorCode::ImageHttpError),
                "{decision:?}"
            );
        }
        let skipped = copier
            .precheck("https://cdn.example/9.png")
            .expect("given up after three failures");
        assert_eq!(
            skipped.reason,
            "not requested: 3 images of cdn.example failed in this run"
        );
        // A 404 is an answer about one image, not about the host.
        let mut copier = super::tests::copier();
        for n in 0..5 {
            let missing = FetchOutcome::Http {
                status: 404,
                retry_after: None,
            };
            let url = format!("https://cdn.example/{n}.png");
            copier.retry(&retry_input(&url, 1, missing)).unwrap();
        }
        assert_eq!(copier.precheck("https://cdn.example/9.png"), None);
    }

    #[test]
    fn hops_are_checked_against_the_source_origin_and_the_image_hosts() {
        let copier = ImageCopier::new(
            "csrun_test".to_string(),
            SyncOptions {
                source_url: "http://127.0.0.1:4010".to_string(),
                image_hosts: vec!["http://10.0.0.5:8080".to_string()],
                ..SyncOptions::default()
            },
            Vec::new(),
            Vec::new(),
        );
        let trusted = HopCheck::Request {
            check_address: false,
        };
        let checked = HopCheck::Request {
            check_address: true,
        };
        assert_eq!(
            copier.check_hop("http://127.0.0.1:4010/images/1.png", 0),
            trusted
        );
        assert_eq!(copier.check_hop("http://10.0.0.5:8080/a.png", 2), trusted);
        assert_eq!(copier.check_hop("http://127.0.0.1:9262/a.png", 1), checked);
        assert_eq!(
            copier.check_hop("https://cdn.dummyjson.com/a.png", 0),
            checked
        );
        assert!(matches!(
            copier.check_hop("https://cdn.dummyjson.com/a.png", 4),
            HopCheck::Refuse {
                refusal: Refusal::Redirects
            }
        ));
    }

    #[test]
    fn the_jitter_of_an_image_comes_from_the_run_id_and_its_position() {
        let delay = |run_id: &str, index: u32| {
            let mut copier = ImageCopier::new(
                run_id.to_string(),
                SyncOptions::default(),
                Vec::new(),
                Vec::new(),
            );
            let input = ImageRetryInput {
                index,
                ..retry_input(
                    "https://cdn.example/1.png",
                    3,
                    FetchOutcome::Http {
                        status: 503,
                        retry_after: None,
                    },
                )
            };
            match copier.retry(&input).unwrap() {
                ImageRetryDecision::Retry { delay_ms } => delay_ms,
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(delay("csrun_a", 4), delay("csrun_a", 4));
        let spread: HashSet<u32> = (0..20).map(|i| delay("csrun_a", i)).collect();
        assert!(spread.len() > 10, "{spread:?}");
        let runs: HashSet<u32> = (0..20).map(|i| delay(&format!("csrun_{i}"), 4)).collect();
        assert!(runs.len() > 10, "{runs:?}");
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
                matches!(decision, ImageRetryDecision::Fail { ref failure } if failure.code == RunErrorCode::ImageUnreachable)
            );
        }
        let skipped = copier
            .precheck("https://CDN.example/9.png")
            .expect("host is down");
        assert_eq!(skipped.code, RunErrorCode::ImageUnreachable);
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
            "csrun_test".to_string(),
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
            matches!(first, ImageRetryDecision::Fail { ref failure } if failure.code == RunErrorCode::ImageUnreachable),
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
}
