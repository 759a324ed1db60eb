import { setTimeout as sleep } from "node:timers/promises"
import { uploadFilesWorkflow } from "@medusajs/medusa/core-flows"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ImageCopier, ImageCopyReader, checkRunDeadline, copiesImages, splitRefusedGroup } from "catalog-sync-core"
import type {
  ImageCopy,
  ImageCopyPlan,
  ImageFailure,
  ImageStats,
  ImageUpload,
  ImageVerdict,
  RunDeadline,
  StoredImage,
  SyncOptions,
} from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import { mapWithConcurrency } from "./concurrency"
import { downloadImageOnce } from "./image-download"
import { RunDeadlineError } from "./run-deadline"
import { planFromBodies } from "./source-bodies"
import type { SourceBodies } from "./source-bodies"

/** What the product plan needs from the image copy. */
export interface CopiedImages {
  /** Every stored image (earlier runs' and this run's): products are written with these URLs. */
  stored: StoredImage[]
  /** Images this run could not copy: their products keep the source URL, and the run reports them. */
  failures: ImageFailure[]
  /** The copy's figures. */
  stats: ImageStats
}

/** The run an image copy belongs to. */
export interface ImageRun {
  /** The run id (seeds the retry jitter). */
  runId: string
  /** The run's deadline: no download starts past it. */
  deadline: RunDeadline
}

/**
 * Copies the images of the incoming products into Medusa's file storage (`images: "upload"`), as the
 * core decides: only URLs without a stored copy are downloaded (`ImageCopyReader`, reading the bodies a chunk at a
 * time; at most
 * `maxImagesPerProduct` per product); each hop of each download is checked by the core (trusted origins,
 * public addresses only elsewhere, at most three redirects: see `downloadImageOnce`); each download
 * follows the page retry policy (one attempt for a host the last completed run could not reach,
 * until it answers; a host whose images keep failing is given up) and is judged by the core's
 * `ImageCopier` (size, type, complete bytes, SHA-256; identical bytes reuse a stored file); accepted files
 * are stored with `uploadFilesWorkflow` in the groups the copier closes and remembered in the
 * `synced_image` table as they land, so a later run never downloads them again, even if this run fails
 * afterwards. An image that cannot be copied never fails the run: it becomes an `ImageFailure`. Past the
 * run's deadline no download starts, and the copy throws a `RunDeadlineError`. When the core says the run copies
 * no images (`copiesImages`: `images: "link"`), nothing is read or planned.
 *
 * @param container - the Medusa container
 * @param options - validated plugin options
 * @param bodies - the run's fetched page and product bodies
 * @param run - the run's id and deadline
 */
export async function copyImages(
  container: MedusaContainer,
  options: SyncOptions,
  bodies: SourceBodies,
  run: ImageRun
): Promise<CopiedImages> {
  if (!copiesImages(options)) {
    return { stored: [], failures: [], stats: noImageWork() }
  }
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const [known, previousErrors] = await Promise.all([
    service.listStoredImages(),
    service.lastCompletedRunErrors(),
  ])
  const storedUrls = known.map((image) => image.sourceUrl)
  const plan: ImageCopyPlan = planFromBodies(bodies, new ImageCopyReader(options, previousErrors), (reader) =>
    reader.plan(storedUrls)
  )
  const failures: ImageFailure[] = [...plan.failures]
  const copied: StoredImage[] = []
  if (!plan.copies.length) {
    return { stored: known, failures, stats: noImageWork() }
  }
  const copier = new ImageCopier(run.runId, options, known, plan.hostsDownLastRun)
  try {
    const uploads = new UploadQueue(container, copier, service, copied, failures)
    await mapWithConcurrency(plan.copies, options.concurrency, async (copy, index) => {
      const verdict = await download(copier, options, copy, index, run.deadline)
      switch (verdict.action) {
        case "reject":
          failures.push(verdict.failure)
          break
        case "reuse":
          await service.saveStoredImages([verdict.image])
          copied.push(verdict.image)
          break
        case "upload":
          await uploads.add(verdict.file, verdict.bytes, verdict.flush)
          break
      }
    })
    await uploads.flush()
    const bySource = new Map(known.map((image) => [image.sourceUrl, image]))
    for (const image of copied) {
      bySource.set(image.sourceUrl, image)
    }
    return { stored: [...bySource.values()], failures, stats: copier.stats() }
  } finally {
    copier.free()
  }
}

/** The counts of a run that downloaded, uploaded and reused no image (link mode, or nothing new to copy). */
function noImageWork(): ImageStats {
  return { downloaded: 0, uploaded: 0, reused: 0, failed: 0 }
}

/** The copier's verdict on one image, with the bytes to store for an upload. */
type DownloadVerdict =
  | Exclude<ImageVerdict, { action: "upload" }>
  | (Extract<ImageVerdict, { action: "upload" }> & { bytes: Uint8Array })

/**
 * Downloads one image (the `index`-th of the copy plan) with the core's retry decisions and hands the body to
 * the copier; throws a `RunDeadlineError` instead of starting an attempt past the run's deadline.
 */
async function download(
  copier: ImageCopier,
  options: SyncOptions,
  copy: ImageCopy,
  index: number,
  deadline: RunDeadline
): Promise<DownloadVerdict> {
  for (let attempt = 1; ; attempt++) {
    const timeout = checkRunDeadline({ deadline, nowMs: Date.now(), phase: "images" })
    if (timeout) {
      throw new RunDeadlineError(timeout)
    }
    const skipped = copier.precheck(copy.url)
    if (skipped) {
      return { action: "reject", failure: skipped }
    }
    const answer = await downloadImageOnce(copier, copy.url, {
      maxBytes: options.imageMaxBytes,
      timeoutMs: options.requestTimeoutMs,
    })
    if (answer.kind === "body") {
      const verdict = copier.accept(answer.head, answer.bytes)
      return verdict.action === "upload" ? { ...verdict, bytes: answer.bytes } : verdict
    }
    const decision = copier.retry({ url: copy.url, attempt, index, nowMs: Date.now(), outcome: answer })
    if (decision.action === "fail") {
      return { action: "reject", failure: decision.failure }
    }
    await sleep(decision.delayMs)
  }
}

/**
 * Accepted images waiting to be stored: stored through `uploadFilesWorkflow` when the copier says the
 * group is full (the download that fills it waits for its upload, which bounds the memory held), and
 * at the end. Uploads run one at a time.
 */
class UploadQueue {
  private pending: { file: ImageUpload; bytes: Uint8Array }[] = []
  private uploading: Promise<void> = Promise.resolve()

  constructor(
    private readonly container: MedusaContainer,
    private readonly copier: ImageCopier,
    private readonly service: CatalogSyncModuleService,
    private readonly copied: StoredImage[],
    private readonly failures: ImageFailure[]
  ) {}

  /** Queues a file; stores the group when the copier closed it (`flush`). */
  async add(file: ImageUpload, bytes: Uint8Array, flush: boolean): Promise<void> {
    this.pending.push({ file, bytes })
    if (flush) {
      await this.flush()
    }
  }

  /** Stores every queued file (after the upload in progress). */
  async flush(): Promise<void> {
    const group = this.pending
    this.pending = []
    const previous = this.uploading
    this.uploading = previous.then(() => this.store(group))
    await this.uploading
  }

  /**
   * Uploads a group; when the File module refuses it, its halves (the core's `splitRefusedGroup`, the rule of
   * `splitBatch`), down to single files, so one bad file fails alone.
   */
  private async store(group: { file: ImageUpload; bytes: Uint8Array }[]): Promise<void> {
    if (!group.length) {
      return
    }
    const stored = await this.upload(group)
    if (stored instanceof Error) {
      const halves = splitRefusedGroup(group.length)
      if (halves.length) {
        for (const [start, end] of halves) {
          await this.store(group.slice(start, end))
        }
        return
      }
      this.failures.push(this.copier.uploadFailed(group[0].file, stored.message))
      return
    }
    const records = group.map(({ file }, i) => this.copier.stored(file, stored[i].id, stored[i].url))
    await this.service.saveStoredImages(records)
    this.copied.push(...records)
  }

  private async upload(group: { file: ImageUpload; bytes: Uint8Array }[]): Promise<{ id: string; url: string }[] | Error> {
    const { result, errors } = await uploadFilesWorkflow(this.container).run({
      input: {
        files: group.map(({ file, bytes }) => ({
          filename: file.fileName,
          mimeType: file.mimeType,
          content: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"),
          access: "public" as const,
        })),
      },
      throwOnError: false,
    })
    if (errors.length) {
      return new Error(errors.map((entry) => entry.error?.message ?? "unknown error").join("; "))
    }
    if (!Array.isArray(result) || result.length !== group.length) {
      return new Error(`the File module stored ${Array.isArray(result) ? result.length : 0} of ${group.length} files`)
    }
    return result
  }
}
