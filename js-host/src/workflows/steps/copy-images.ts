import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { copyImages } from "../../lib/copy-images"
import type { CopiedImages } from "../../lib/copy-images"
import { borrow } from "../../lib/run-core"
import { trackerFor } from "../../lib/run-tracker"
import type { FetchedOutline } from "catalog-sync-core"

/** Input of the image step. */
export interface CopyImagesInput {
  runId: string
  fetched: FetchedOutline
}

/**
 * Copies the incoming products' new images into Medusa's file storage (`images: "upload"`; nothing
 * in `link` mode), see `copyImages`. Runs once the source is fetched, beside the taxonomy; an image
 * that cannot be copied is reported, never fatal; past the run's deadline the copy stops and the run
 * fails. Stored files are kept when a later step fails: they are remembered, so no later run downloads
 * or uploads them again.
 *
 * Forward-only, with no compensation on purpose: a stored file is content-addressed (its SHA-256) and reused by
 * the next run, so deleting it on a later failure would only make that run upload it again. Idempotent: a
 * file already stored is never uploaded twice.
 */
export const copyImagesStep = createStep(
  "catalog-sync-copy-images",
  async (input: CopyImagesInput, { container }): Promise<StepResponse<CopiedImages>> => {
    const options = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const tracker = trackerFor(input.runId)
    // Between the fetch and the image copy: a run an operator asked to stop stops here.
    await tracker.checkpoint()
    const copied = await tracker.phase("images", () =>
      copyImages(
        container,
        options,
        borrow(input.runId, "bodies"),
        { runId: input.runId, deadline: tracker.deadline(options.runTimeoutMs) }
      )
    )
    return new StepResponse(copied)
  }
)
