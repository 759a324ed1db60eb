import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { fetchCatalog } from "../../lib/fetch-catalog"
import type { FetchedCatalog } from "../../lib/fetch-catalog"
import { trackerFor } from "../../lib/run-tracker"
import type { SyncCatalogInput } from "../types"

/**
 * Fetches everything the sync needs from the source (pages or single products, and the category
 * list) with bounded concurrency and the core's retry decisions. Writes nothing to the store, so a
 * source that stays down fails the run before any write.
 */
export const fetchSourceStep = createStep(
  "catalog-sync-fetch-source",
  async (input: SyncCatalogInput, { container }): Promise<StepResponse<FetchedCatalog>> => {
    const options = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const tracker = trackerFor(input.runId)
    const fetched = await tracker.phase("fetch", () =>
      fetchCatalog(
        options,
        input.productIds,
        { runId: input.runId, counters: tracker.fetch },
        {
          onPlanned: (pagesTotal) => {
            tracker.fetch.pagesTotal = pagesTotal
            tracker.updateProgress({ pages_total: pagesTotal })
          },
          onFetched: () => {
            tracker.fetch.pagesFetched++
            tracker.updateProgress({ pages_fetched: tracker.fetch.pagesFetched })
          },
        }
      )
    )
    return new StepResponse(fetched)
  }
)
