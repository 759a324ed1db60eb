import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { comparePreviewFingerprints } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { planPreviewChanges } from "../../lib/preview-changes"
import { borrow } from "../../lib/run-core"
import { trackerFor } from "../../lib/run-tracker"
import { withBodies } from "../../lib/source-bodies"
import type { FetchedOutline } from "catalog-sync-core"
import type { SyncCatalogInput } from "../types"
import type { StoreSnapshot } from "./read-snapshot"

/** Input of the check of an apply run. */
export interface CheckPreviewInput {
  run: SyncCatalogInput
  fetched: FetchedOutline
  snapshot: StoreSnapshot
}

/**
 * For an `apply_preview` run, before anything is written: lists the changes from what this run fetched and read, as
 * the preview did (`planPreviewChanges`), and lets the run go on only if the listing and plan fingerprints equal
 * the preview's (the core's `comparePreviewFingerprints`); otherwise the run fails with the core's message ("the
 * source changed since preview …: … preview again") and writes nothing. Nothing to do for other runs.
 */
export const checkPreviewStep = createStep(
  "catalog-sync-check-preview",
  async (input: CheckPreviewInput, { container }): Promise<StepResponse<{ checked: boolean }>> => {
    const previewId = input.run.previewOf ?? null
    if (previewId === null) {
      return new StepResponse({ checked: false })
    }
    const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
    const tracker = trackerFor(input.run.runId)
    await tracker.phase("check", async () => {
      const preview = await service.findRun(previewId)
      const list = await planPreviewChanges(container, withBodies(input.fetched, borrow(input.run.runId, "bodies")), input.snapshot)
      const refusal = comparePreviewFingerprints(
        previewId,
        { listing: preview?.listing_fingerprint ?? "", plan: preview?.plan_fingerprint ?? "" },
        { listing: list.listingFingerprint, plan: list.planFingerprint }
      )
      if (refusal !== null) {
        throw new Error(refusal)
      }
    })
    return new StepResponse({ checked: true })
  }
)
