import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { RunReport } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import type { PreviewFigures } from "../../modules/catalog-sync/types"
import { planPreviewChanges } from "../../lib/preview-changes"
import { borrow } from "../../lib/run-core"
import { trackerFor } from "../../lib/run-tracker"
import { withBodies } from "../../lib/source-bodies"
import type { FetchedOutline } from "catalog-sync-core"
import type { StoreSnapshot } from "./read-snapshot"

/** Input of the preview step. */
export interface PreviewChangesInput {
  runId: string
  fetched: FetchedOutline
  snapshot: StoreSnapshot
}

/** A preview's outcome: the core's report of its plan, with its fingerprints and change counts. */
export type PreviewReport = RunReport & { preview: PreviewFigures }

/**
 * Plans the sync with nothing written (`planPreviewChanges`), stores its change list (`catalog_sync_change`) and
 * records on the ledger the content fingerprint seen upstream for each owned product (the product widget's
 * "changed upstream"). Writes nothing to the catalog. The report's status is the plan's (`partial` when products
 * are rejected); its counts are the plan's; the run stores the fingerprints an apply is checked against.
 */
export const previewChangesStep = createStep(
  "catalog-sync-preview-changes",
  async (input: PreviewChangesInput, { container }): Promise<StepResponse<PreviewReport>> => {
    const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
    const tracker = trackerFor(input.runId)
    await tracker.checkpoint()
    const list = await tracker.phase("plan", () =>
      planPreviewChanges(container, withBodies(input.fetched, borrow(input.runId, "bodies")), input.snapshot)
    )
    await tracker.checkpoint()
    await tracker.phase("changes", async () => {
      await service.saveChanges(input.runId, list.entries)
      await service.recordSeenFingerprints(list.seen)
    })
    tracker.updateProgress({ phase: "done", products_planned: list.entries.length })
    return new StepResponse({
      ...list.report,
      preview: {
        listing_fingerprint: list.listingFingerprint,
        plan_fingerprint: list.planFingerprint,
        change_counts: list.counts,
      },
    })
  }
)
