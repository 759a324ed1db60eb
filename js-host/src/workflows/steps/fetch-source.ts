import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { fetchCatalog } from "../../lib/fetch-catalog"
import { hold } from "../../lib/run-core"
import type { FetchedOutline } from "catalog-sync-core"
import { SourceBodies } from "../../lib/source-bodies"
import { trackerFor } from "../../lib/run-tracker"
import type { SyncCatalogInput } from "../types"

/**
 * Fetches everything the sync needs from the source (pages or single products, and the category
 * list) through the core's fetch loop: bounded concurrency, retries, byte and page caps, redirects
 * only inside the source's origin, the run's deadline. Writes nothing to the store, so a source that
 * stays down (or breaks a bound) fails the run before any write. The bodies stay in this process, held for the run
 * and compressed as they arrive (`SourceBodies`), and the step returns the rest: a workflow keeps every step's
 * output until the run ends.
 * Forward-only: it writes nothing.
 */
export const fetchSourceStep = createStep(
  "catalog-sync-fetch-source",
  async (input: SyncCatalogInput, { container }): Promise<StepResponse<FetchedOutline>> => {
    const options = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const tracker = trackerFor(input.runId)
    const bodies = new SourceBodies()
    const outline = await tracker.phase("fetch", () =>
      fetchCatalog(options, input.productIds, { runId: input.runId, startedAt: tracker.startedAt }, bodies, (stats) => {
        Object.assign(tracker.fetch, stats)
        tracker.updateProgress({ pages_total: stats.pagesTotal, pages_fetched: stats.pagesFetched })
      })
    )
    hold(input.runId, "bodies", bodies)
    return new StepResponse(outline)
  }
)
