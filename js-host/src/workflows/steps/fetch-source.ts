import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { fetchCatalog } from "../../lib/fetch-catalog"
import { hold } from "../../lib/run-core"
import { TaxonomyReader } from "catalog-sync-core"
import type { FetchedOutline } from "catalog-sync-core"
import { SourceBodies } from "../../lib/source-bodies"
import { trackerFor } from "../../lib/run-tracker"
import type { SyncCatalogInput } from "../types"

/** Input of the fetch step: the run, and whether its taxonomy reads the bodies as they arrive (a sync's does). */
export interface FetchSourceInput extends SyncCatalogInput {
  /** Feed a new `TaxonomyReader` each body as it arrives, held for the taxonomy step (`take(runId, "taxonomy")`). */
  readTaxonomy?: boolean
}

/**
 * Fetches everything the sync needs from the source (pages or single products, and the category
 * list) through the core's fetch loop: bounded concurrency, retries, byte and page caps, redirects
 * only inside the source's origin, the run's deadline. Writes nothing to the store, so a source that
 * stays down (or breaks a bound) fails the run before any write. The bodies stay in this process, held for the run
 * and compressed as they arrive (`SourceBodies`), and the step returns the rest: a workflow keeps every step's
 * output until the run ends. For a sync, the taxonomy reader reads each body as it arrives (held for the taxonomy
 * step), so the bodies are inflated only for the planner afterwards.
 * Forward-only: it writes nothing.
 */
export const fetchSourceStep = createStep(
  "catalog-sync-fetch-source",
  async (input: FetchSourceInput, { container }): Promise<StepResponse<FetchedOutline>> => {
    const options = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const tracker = trackerFor(input.runId)
    // A sync's taxonomy reads each body as it arrives, from the text the fetch holds anyway.
    const taxonomy = input.readTaxonomy ? new TaxonomyReader() : null
    if (taxonomy) {
      hold(input.runId, "taxonomy", taxonomy)
    }
    const bodies = new SourceBodies(taxonomy ? [taxonomy] : [])
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
