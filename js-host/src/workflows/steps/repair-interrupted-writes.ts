import { deleteProductsWorkflow, linkProductsToSalesChannelWorkflow } from "@medusajs/medusa/core-flows"
import type { Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { planRepairs } from "catalog-sync-core"
import { trackerFor } from "../../lib/run-tracker"
import type { StoreContext } from "./prepare-store"
import type { PlannableSnapshot, StoreSnapshot } from "./read-snapshot"

/** Input of the repair step. */
export interface RepairInterruptedWritesInput {
  runId: string
  /** Source ids of a targeted run (only those are repaired), `null` for a full sync. */
  productIds: number[] | null
  snapshot: StoreSnapshot
  store: StoreContext
}

/**
 * Finishes what an earlier sync killed mid-write left behind, so the store converges; the core's
 * `planRepairs` decides what (a targeted run repairs only the products it names):
 * - a product the sync owns whose variant, price or inventory item is missing is deleted
 *   (`deleteProductsWorkflow`, which also removes its inventory items and price sets) and left out of
 *   the snapshot, so the core plans it as a new product and it is created whole again;
 * - a product in no sales channel is linked to the sync's sales channel.
 * Runs after the fetch (it writes), before the plan.
 */
export const repairInterruptedWritesStep = createStep(
  "catalog-sync-repair-interrupted-writes",
  async (input: RepairInterruptedWritesInput, { container }): Promise<StepResponse<PlannableSnapshot>> => {
    const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
    const { owned, takenHandles } = input.snapshot
    const repaired = await trackerFor(input.runId).phase("repair", async () => {
      const plan = planRepairs({
        scope: input.productIds === null ? { kind: "full" } : { kind: "targeted", productIds: input.productIds },
        products: owned.map((state) => ({
          id: state.product.id,
          externalId: state.product.externalId,
          missingVariantParts: state.missingVariantParts,
          inNoSalesChannel: state.inNoSalesChannel,
        })),
      })
      if (plan.delete.length) {
        await deleteProductsWorkflow(container).run({ input: { ids: plan.delete } })
        logger.warn(`catalog-sync: recreating ${plan.delete.length} product(s) an interrupted sync left incomplete`)
      }
      if (plan.link.length && input.store.salesChannelId !== null) {
        await linkProductsToSalesChannelWorkflow(container).run({
          input: { id: input.store.salesChannelId, add: plan.link },
        })
        logger.warn(`catalog-sync: added ${plan.link.length} product(s) missing from the sales channel`)
      }
      const deleted = new Set(plan.delete)
      return { owned: owned.filter((state) => !deleted.has(state.product.id)).map((state) => state.product), takenHandles }
    })
    return new StepResponse(repaired)
  }
)
