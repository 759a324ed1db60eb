import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { HeldRemoval, ProductState } from "catalog-sync-core"
import { trackerFor } from "../../lib/run-tracker"

/** Input of the step: the run and its held removals. */
export interface ReadHeldProductsInput {
  runId: string
  held: HeldRemoval[]
}

/**
 * Reads, through Query, the store products the held removals name (by Medusa id): their `external_id` and
 * status now. A product deleted since is not returned. Read-only: it runs while the source is asked about them.
 */
export const readHeldProductsStep = createStep(
  "catalog-sync-read-held-products",
  async (input: ReadHeldProductsInput, { container }): Promise<StepResponse<ProductState[]>> => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const products = await trackerFor(input.runId).phase("snapshot", async () => {
      const ids = [...new Set(input.held.map((removal) => removal.product_id))]
      if (!ids.length) {
        return []
      }
      const { data } = await query.graph({
        entity: "product",
        fields: ["id", "external_id", "status"],
        filters: { id: ids },
      })
      return data as ProductState[]
    })
    return new StepResponse(products)
  }
)
