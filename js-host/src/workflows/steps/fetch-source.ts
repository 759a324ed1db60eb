import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { FetchedSource } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { fetchCatalog } from "../../lib/fetch-catalog"
import { trackerFor } from "../../lib/run-tracker"
import type { SyncCatalogInput } from "../types"

/**
 * Fetches everything the sync needs from the source (pages or single products, and the category
 * list) through the core's fetch loop: bounded concurrency, retries, byte and page caps, redirects
 * only inside the source's origin, the run's deadline. Writes nothing to the store, so a source that
 * stays down (or breaks a bound) fails the run before any write. Forward-only: it writes nothing.
 */
export const fetchSourceStep = createStep(
  "catalog-sync-fetch-source",
  async (input: SyncCatalogInput, { container }): Promise<StepResponse<FetchedSource>> => {
    const options = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const tracker = trackerFor(input.runId)
    const fetched = await tracker.phase("fetch", () =>
      fetchCatalog(options, input.productIds, { runId: input.runId, startedAt: tracker.startedAt }, (stats) => {
        Object.assign(tracker.fetch, stats)
        tracker.updateProgress({ pages_total: stats.pagesTotal, pages_fetched: stats.pagesFetched })
      })
    )
    return new StepResponse(fetched)
  }
)
