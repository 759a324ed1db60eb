import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { InventoryItemRef, LedgerRow, OwnedProduct, StoreProductRow } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { trackerFor } from "../../lib/run-tracker"
import { readOwnedProductRows } from "../../lib/owned-products"
import type { SyncCatalogInput } from "../types"

/** What the store holds before the writes, as read. */
export interface StoreSnapshot {
  /** The products the sync owns, as Query rows (the core's `readSnapshot` reads them). */
  rows: StoreProductRow[]
  /** Handles used by products the sync does not own. */
  takenHandles: string[]
  /** The sync ledger's rows. */
  ledger: LedgerRow[]
}

/** The snapshot as the core's `planCatalog` takes it, plus the inventory items the stock step needs. */
export interface PlannableSnapshot {
  owned: OwnedProduct[]
  takenHandles: string[]
  /** The inventory item of each owned product's variant. */
  inventoryItems: InventoryItemRef[]
}

/**
 * Reads, through Query, the products the sync owns (by `external_id`, with their variants, prices,
 * fingerprints, images, inventory items and sales channels), the handles of every other product and
 * the sync ledger's rows. Read-only: it runs while the source is being fetched.
 */
export const readSnapshotStep = createStep(
  "catalog-sync-read-snapshot",
  async (input: SyncCatalogInput, { container }): Promise<StepResponse<StoreSnapshot>> => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
    const snapshot = await trackerFor(input.runId).phase("snapshot", async () => {
      const [rows, { data: allRows }, ledger] = await Promise.all([
        readOwnedProductRows(query),
        query.graph({ entity: "product", fields: ["id", "handle"] }),
        service.listLedgerRows(),
      ])
      const ownedIds = new Set(rows.map((row) => row.id))
      const takenHandles = allRows.filter((row) => !ownedIds.has(row.id)).map((row) => row.handle)
      return { rows, takenHandles, ledger }
    })
    return new StepResponse(snapshot)
  }
)
