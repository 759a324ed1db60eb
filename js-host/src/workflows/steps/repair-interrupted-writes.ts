import { deleteProductsWorkflow, linkProductsToSalesChannelWorkflow } from "@medusajs/medusa/core-flows"
import type { Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { trackerFor } from "../../lib/run-tracker"
import type { StoreContext } from "./prepare-store"
import type { PlannableSnapshot, StoreSnapshot } from "./read-snapshot"

/** Input of the repair step. */
export interface RepairInterruptedWritesInput {
  runId: string
  snapshot: StoreSnapshot
  store: StoreContext
}

/**
 * Finishes what an earlier sync killed mid-write left behind, so the store converges:
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
      const broken = owned.filter((state) => state.missingVariantParts).map((state) => state.product.id)
      if (broken.length) {
        await deleteProductsWorkflow(container).run({ input: { ids: broken } })
        logger.warn(`catalog-sync: recreating ${broken.length} product(s) an interrupted sync left incomplete`)
      }
      const intact = owned.filter((state) => !state.missingVariantParts)
      const unlisted = intact.filter((state) => state.inNoSalesChannel).map((state) => state.product.id)
      if (unlisted.length && input.store.salesChannelId !== null) {
        await linkProductsToSalesChannelWorkflow(container).run({
          input: { id: input.store.salesChannelId, add: unlisted },
        })
        logger.warn(`catalog-sync: added ${unlisted.length} product(s) missing from the sales channel`)
      }
      return {
        owned: intact.map((state) => state.product),
        takenHandles,
        inventoryItems: intact.flatMap((state) => (state.inventoryItem ? [state.inventoryItem] : [])),
      }
    })
    return new StepResponse(repaired)
  }
)
