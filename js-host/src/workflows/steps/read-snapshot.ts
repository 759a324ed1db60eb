import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { InventoryItemRef, OwnedProduct } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { trackerFor } from "../../lib/run-tracker"
import { readOwnedProducts } from "../../lib/owned-products"
import type { OwnedProductState } from "../../lib/owned-products"
import type { SyncCatalogInput } from "../types"

/** What the store holds before the writes. */
export interface StoreSnapshot {
  /** The products the sync created earlier, with the parts an interrupted write may have left out. */
  owned: OwnedProductState[]
  /** Handles used by products the sync does not own. */
  takenHandles: string[]
}

/** The snapshot as the core's `planSync` takes it, plus the inventory items the stock step needs. */
export interface PlannableSnapshot {
  owned: OwnedProduct[]
  takenHandles: string[]
  /** The inventory item of each owned product's variant. */
  inventoryItems: InventoryItemRef[]
}

/**
 * Reads, through Query, the products the sync owns (by `external_id`, with their variant, price,
 * fingerprints, inventory item and sales channels) and the handles of every other product.
 * Read-only: it runs while the source is being fetched.
 */
export const readSnapshotStep = createStep(
  "catalog-sync-read-snapshot",
  async (input: SyncCatalogInput, { container }): Promise<StepResponse<StoreSnapshot>> => {
    const options = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const snapshot = await trackerFor(input.runId).phase("snapshot", async () => {
      const [owned, { data: allRows }] = await Promise.all([
        readOwnedProducts(query, options.currencyCode),
        query.graph({ entity: "product", fields: ["id", "handle"] }),
      ])
      const ownedIds = new Set(owned.map((state) => state.product.id))
      const takenHandles = allRows.filter((row) => !ownedIds.has(row.id)).map((row) => row.handle)
      return { owned, takenHandles }
    })
    return new StepResponse(snapshot)
  }
)
