import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { InventoryItemRef, OwnedProduct, StoreProductRow } from "catalog-sync-core"
import { trackerFor } from "../../lib/run-tracker"
import { readOwnedProductRows } from "../../lib/owned-products"
import type { SyncCatalogInput } from "../types"

/** What the store holds before the writes, as read. */
export interface StoreSnapshot {
  /** The products the sync owns, as Query rows (the core's `readSnapshot` reads them). */
  rows: StoreProductRow[]
  /** Handles used by products the sync does not own. */
  takenHandles: string[]
}

/** The snapshot as the core's `planCatalog` takes it, plus the inventory items the stock step needs. */
export interface PlannableSnapshot {
  owned: OwnedProduct[]
  takenHandles: string[]
  /** The inventory item of each owned product's variant. */
  inventoryItems: InventoryItemRef[]
}

/**
 * Reads, through Query, the products the sync owns (by `external_id`, with their variant, prices,
 * fingerprints, images, inventory item and sales channels) and the handles of every other product.
 * Read-only: it runs while the source is being fetched.
 */
export const readSnapshotStep = createStep(
  "catalog-sync-read-snapshot",
  async (input: SyncCatalogInput, { container }): Promise<StepResponse<StoreSnapshot>> => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const snapshot = await trackerFor(input.runId).phase("snapshot", async () => {
      const [rows, { data: allRows }] = await Promise.all([
        readOwnedProductRows(query),
        query.graph({ entity: "product", fields: ["id", "handle"] }),
      ])
      const ownedIds = new Set(rows.map((row) => row.id))
      const takenHandles = allRows.filter((row) => !ownedIds.has(row.id)).map((row) => row.handle)
      return { rows, takenHandles }
    })
    return new StepResponse(snapshot)
  }
)
