import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { planSync } from "catalog-sync-core"
import type { SyncPlan } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import type { CopiedImages } from "../../lib/copy-images"
import type { FetchedCatalog } from "../../lib/fetch-catalog"
import { trackerFor } from "../../lib/run-tracker"
import { batchSize } from "../../lib/write-batch"
import type { SyncCatalogInput } from "../types"
import type { StoreContext } from "./prepare-store"
import type { StoreTaxonomy } from "./reconcile-taxonomy"
import type { PlannableSnapshot } from "./read-snapshot"

/** Input of the plan step: everything fetched and read so far. */
export interface PlanSyncInput {
  run: SyncCatalogInput
  fetched: FetchedCatalog
  store: StoreContext
  taxonomy: StoreTaxonomy
  snapshot: PlannableSnapshot
  images: CopiedImages
}

/**
 * Asks the core for the plan: validation and mapping of every source product (images written as
 * their stored copies), the diff against the snapshot (unchanged products are skipped), handles,
 * the write batches and the stock targets.
 */
export const planSyncStep = createStep(
  "catalog-sync-plan",
  async (input: PlanSyncInput, { container }): Promise<StepResponse<SyncPlan>> => {
    const options = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const { run, fetched, store, taxonomy, snapshot, images } = input
    const tracker = trackerFor(run.runId)
    const plan = await tracker.phase("plan", async () =>
      planSync({
        options,
        pages: fetched.pages,
        products: fetched.products,
        notFoundIds: fetched.notFoundIds,
        scope: run.productIds === null ? { kind: "full" } : { kind: "targeted", productIds: run.productIds },
        categories: taxonomy.categories,
        tags: taxonomy.tags,
        owned: snapshot.owned,
        takenHandles: snapshot.takenHandles,
        salesChannelId: store.salesChannelId,
        stockLocationId: store.stockLocationId,
        storedImages: images.stored,
        imageFailures: images.failures,
      })
    )
    tracker.updateProgress({ products_planned: plannedWrites(plan) })
    return new StepResponse(plan)
  }
)

/** How many products the plan writes (created, updated, archived or deleted). */
function plannedWrites(plan: SyncPlan): number {
  return plan.batches.reduce((sum, batch) => sum + batchSize(batch), 0)
}
