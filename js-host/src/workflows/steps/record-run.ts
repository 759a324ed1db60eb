import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { summarizeRun } from "catalog-sync-core"
import type { BatchResult, RunReport } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import type { CopiedImages } from "../../lib/copy-images"
import { trackerFor } from "../../lib/run-tracker"
import type { PlannedSync } from "./plan-sync"
import type { SyncedStock } from "./sync-stock"

/** Input of the record step. */
export interface RecordRunInput {
  runId: string
  plan: PlannedSync
  results: BatchResult[]
  stock: SyncedStock
  images: CopiedImages
}

/**
 * Stores the run's outcome: the core's `summarizeRun` turns the plan's summary, the product and stock batch
 * results, the stock plan and the fetch and image figures into the status (`success` / `partial` /
 * `failed`), the counts and the errors.
 */
export const recordRunStep = createStep(
  "catalog-sync-record-run",
  async (input: RecordRunInput, { container }): Promise<StepResponse<RunReport>> => {
    const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
    const tracker = trackerFor(input.runId)
    const report = summarizeRun({
      plan: input.plan.summary,
      results: [...input.results, ...input.stock.results],
      fetch: tracker.fetch,
      stock: input.stock.plan,
      images: input.images.stats,
    })
    tracker.updateProgress({ phase: "done" })
    await tracker.flush()
    await service.completeRun(input.runId, {
      report,
      fetch: tracker.fetch,
      phaseTimings: tracker.phaseTimings,
      progress: tracker.progress,
      startedAt: tracker.startedAt,
    })
    return new StepResponse(report)
  }
)
