//! Exports of [`crate::images`]: the image copy plan and the copier of one run.

use wasm_bindgen::prelude::*;

use super::bodies::read_bodies;
use super::{export, AsIs, Objects};
use crate::images::{self, ImageCopier, ImageDownload, ImageRetryInput, ImageUpload, StoredImage};
use crate::model::RunError;
use crate::options::SyncOptions;

/// Whether a run copies images into the store at all (`images: "upload"`); in `images: "link"` mode the image step
/// has nothing to read, plan or copy.
///
/// ```js
/// if (!copiesImages(options)) return { stored: [], failures: [], stats: { downloaded: 0, uploaded: 0, reused: 0, failed: 0 } };
/// ```
#[wasm_bindgen(js_name = copiesImages)]
pub fn copies_images(
    #[wasm_bindgen(unchecked_param_type = "SyncOptions")] options: JsValue,
) -> Result<bool, JsValue> {
    export("copiesImages", |call| {
        let options: SyncOptions = call.input(options)?;
        Ok(AsIs(images::copies_images(&options)))
    })
}

/// Plans the image downloads of a run (`images: "upload"`): every image or thumbnail URL of a valid incoming
/// product without a stored copy, once, with the products using it. The bodies are read a few at a time, so a
/// catalog's pages are never in WebAssembly memory together; `plan` ends the reader (it is freed). Reads nothing
/// in `images: "link"` mode.
///
/// ```js
/// const reader = new ImageCopyReader(options, lastRunErrors); // the last completed run's errors, or null
/// for (const chunk of chunksOf(pages, 100)) reader.readPages(chunk);
/// const { copies, failures, hostsDownLastRun } = reader.plan(stored.map((s) => s.sourceUrl));
/// // copies => [{ url: "https://cdn.dummyjson.com/.../1.webp", sourceIds: [1] }, ...]
/// ```
#[wasm_bindgen]
pub struct ImageCopyReader {
    reader: images::ImageCopyReader,
}

#[wasm_bindgen]
impl ImageCopyReader {
    /// A reader for a run with these options and the last completed run's errors (`null`: none). Throws
    /// `INVALID_INPUT` when either has the wrong shape.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SyncOptions")] options: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RunError[] | null")] previous_errors: JsValue,
    ) -> Result<ImageCopyReader, JsValue> {
        export("new ImageCopyReader", |call| {
            let options: SyncOptions = call.input(options)?;
            let previous_errors: Option<Vec<RunError>> = call.input(previous_errors)?;
            Ok(AsIs(ImageCopyReader {
                reader: images::ImageCopyReader::new(
                    &options,
                    previous_errors.as_deref().unwrap_or_default(),
                ),
            }))
        })
    }

    /// Reads `/products` page bodies. Throws `INVALID_INPUT` when `bodies` is not an array of strings.
    #[wasm_bindgen(js_name = readPages)]
    pub fn read_pages(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] bodies: JsValue,
    ) -> Result<(), JsValue> {
        export("ImageCopyReader.readPages", |call| {
            let bodies = read_bodies(call.function(), &bodies, "bodies")?;
            self.reader.read_pages(&bodies);
            Ok(AsIs(()))
        })
    }

    /// Reads `/products/:id` bodies (a targeted run).
    #[wasm_bindgen(js_name = readProducts)]
    pub fn read_products(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] bodies: JsValue,
    ) -> Result<(), JsValue> {
        export("ImageCopyReader.readProducts", |call| {
            let bodies = read_bodies(call.function(), &bodies, "bodies")?;
            self.reader.read_products(&bodies);
            Ok(AsIs(()))
        })
    }

    /// The downloads for what was read (`ImageCopyPlan`), against the source URLs that already have a stored copy.
    /// Ends the reader.
    #[wasm_bindgen(unchecked_return_type = "ImageCopyPlan")]
    pub fn plan(
        self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] stored_urls: JsValue,
    ) -> Result<JsValue, JsValue> {
        export("ImageCopyReader.plan", |call| {
            let stored_urls: Vec<String> = call.input(stored_urls)?;
            Ok(Objects(self.reader.plan(&stored_urls)))
        })
    }
}

/// The image copy of one run, held inside WebAssembly: the host reports each step (request failed, body
/// received, file stored) and gets the decision back. See the Rust module `images` for the protocol.
///
/// ```js
/// const copier = new ImageCopier(runId, options, storedImages, plan.hostsDownLastRun);
/// try {
///   const skip = copier.precheck(url);                       // ImageFailure when the host is unreachable
///   const hop = copier.checkHop(url, 0);                     // { action: "request", checkAddress } | { action: "refuse", refusal }
///   const decision = copier.retry({ url, attempt, index, nowMs: Date.now(), outcome }); // after a failed request
///   const verdict = copier.accept({ url, contentType, declaredLength }, bytes); // upload | reuse | reject
///   if (verdict.action === "upload") record(copier.stored(verdict.file, file.id, file.url));
/// } finally {
///   copier.free();
/// }
/// ```
#[wasm_bindgen(js_name = ImageCopier)]
pub struct ImageCopierHandle {
    copier: ImageCopier,
}

#[wasm_bindgen(js_class = ImageCopier)]
impl ImageCopierHandle {
    /// Starts the image copy of a run with its id (the seed of the retry jitter), the validated options, every
    /// stored image and the plan's `hostsDownLastRun` (given one attempt until they answer).
    #[wasm_bindgen(constructor)]
    pub fn new(
        run_id: &str,
        #[wasm_bindgen(unchecked_param_type = "SyncOptions")] options: JsValue,
        #[wasm_bindgen(unchecked_param_type = "StoredImage[]")] stored: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] hosts_down_last_run: JsValue,
    ) -> Result<ImageCopierHandle, JsValue> {
        export("ImageCopier", |call| {
            let options: SyncOptions = call.input(options)?;
            let stored: Vec<StoredImage> = call.input(stored)?;
            let hosts_down_last_run: Vec<String> = call.input(hosts_down_last_run)?;
            Ok(AsIs(ImageCopierHandle {
                copier: ImageCopier::new(run_id.to_string(), options, stored, hosts_down_last_run),
            }))
        })
    }

    /// Before requesting an image: the failure to record instead when its host is known to be unreachable in
    /// this run, else `null`.
    #[wasm_bindgen(unchecked_return_type = "ImageFailure | null")]
    pub fn precheck(&mut self, url: &str) -> Result<JsValue, JsValue> {
        export("ImageCopier.precheck", |_| {
            Ok(Objects(self.copier.precheck(url)))
        })
    }

    /// Before each hop of an image request (`hop` 0 for the image URL, n for the target of the n-th redirect, as
    /// the host will request it): refuse it, or send it — to public addresses only when `checkAddress`.
    #[wasm_bindgen(js_name = checkHop, unchecked_return_type = "HopCheck")]
    pub fn check_hop(&self, url: &str, hop: u32) -> Result<JsValue, JsValue> {
        export("ImageCopier.checkHop", |_| {
            Ok(Objects(self.copier.check_hop(url, hop)))
        })
    }

    /// After a failed image request: retry after `delayMs`, or give up with the failure to record.
    #[wasm_bindgen(unchecked_return_type = "ImageRetryDecision")]
    pub fn retry(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ImageRetryInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        export("ImageCopier.retry", |call| {
            let input: ImageRetryInput = call.input(input)?;
            Ok(Objects(self.copier.retry(&input)?))
        })
    }

    /// After a 2xx answer: upload the bytes as the file described, reuse a stored file with the same bytes, or
    /// reject them (not an image, truncated, too large, SVG).
    #[wasm_bindgen(unchecked_return_type = "ImageVerdict")]
    pub fn accept(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ImageDownload")] download: JsValue,
        bytes: &[u8],
    ) -> Result<JsValue, JsValue> {
        export("ImageCopier.accept", |call| {
            let download: ImageDownload = call.input(download)?;
            Ok(Objects(self.copier.accept(&download, bytes)))
        })
    }

    /// After the File module stored an upload: the record to save (later identical bytes reuse it).
    #[wasm_bindgen(unchecked_return_type = "StoredImage")]
    pub fn stored(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ImageUpload")] file: JsValue,
        file_id: &str,
        url: &str,
    ) -> Result<JsValue, JsValue> {
        export("ImageCopier.stored", |call| {
            let file: ImageUpload = call.input(file)?;
            Ok(Objects(self.copier.stored(&file, file_id, url)))
        })
    }

    /// After the File module refused an upload: the failure to record.
    #[wasm_bindgen(js_name = uploadFailed, unchecked_return_type = "ImageFailure")]
    pub fn upload_failed(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ImageUpload")] file: JsValue,
        message: &str,
    ) -> Result<JsValue, JsValue> {
        export("ImageCopier.uploadFailed", |call| {
            let file: ImageUpload = call.input(file)?;
            Ok(Objects(self.copier.upload_failed(&file, message)))
        })
    }

    /// The copy's figures so far (for `summarizeRun`).
    #[wasm_bindgen(unchecked_return_type = "ImageStats")]
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        export("ImageCopier.stats", |_| Ok(Objects(self.copier.stats())))
    }
}
