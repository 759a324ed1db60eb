//! Images: copying the source's product images into Medusa's file storage, once per image.
//!
//! With the option `images: "upload"` (the default) every image and thumbnail of an incoming product is
//! downloaded from the source and stored through Medusa's File module; the product points at the stored copy.
//! This module decides everything about that copy; the host only moves bytes:
//!
//! * [`ImageCopyReader`]: which URLs to download — the image and thumbnail URLs of incoming products that have
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
//!
//! The module is split by concern: `copy_plan` (which URLs to download), `resolver` (which URL a product is
//! written with, and the errors about images that could not be copied), `copier` (the state machine of one
//! run's copy) and `format` (recognizing an image format from its bytes). Everything public is re-exported
//! here.

mod copier;
mod copy_plan;
mod format;
mod resolver;

pub use copier::{
    name_from_url, ImageCopier, ImageDownload, ImageRetryDecision, ImageRetryInput, ImageStats,
    ImageUpload, ImageVerdict, BYTES_PER_UPLOAD, FILES_PER_UPLOAD, IMAGE_REQUEST_NUMBERS,
    UNREACHABLE_HOST_LIMIT,
};
pub use copy_plan::{copies_images, ImageCopy, ImageCopyPlan, ImageCopyReader};
pub use resolver::{cap_images, image_errors, ImageFailure, ImageResolver, StoredImage};
