import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { planHeldRemovals } from "catalog-sync-core"
import type { HeldRemoval, ProductState } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { trackerFor } from "../../lib/run-tracker"
import type { FetchedOutline } from "catalog-sync-core"
import { productsPlanned, takePlan } from "./plan-sync"
import type { PlannedSync } from "./plan-sync"

/** Input of the step: the held set, what the source answered for it and the held products as they are now. */
export interface PlanHeldRemovalsInput {
  runId: string
  held: HeldRemoval[]
  fetched: FetchedOutline
  products: ProductState[]
}

/**
 * Asks the core which held removals to apply (`planHeldRemovals`): the held products the source still answers
 * 404 for and the store still has as they were, in archive and delete batches; the others get a
 * `HELD_REMOVAL_SKIPPED` notice. Same shape as the sync's plan, so the write and record steps are the sync's.
 */
export const planHeldRemovalsStep = createStep(
  "catalog-sync-plan-held-removals",
  async (input: PlanHeldRemovalsInput, { container }): Promise<StepResponse<PlannedSync>> => {
    const options = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const tracker = trackerFor(input.runId)
    const planned = await tracker.phase("plan", async () =>
      takePlan(
        planHeldRemovals({
          held: input.held,
          notFoundIds: input.fetched.notFoundIds,
          products: input.products,
          batchSize: options.batchSize,
        })
      )
    )
    tracker.updateProgress({ products_planned: productsPlanned(planned) })
    return new StepResponse(planned)
  }
)
