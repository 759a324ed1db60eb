import {
  deleteInventoryItemWorkflow,
  deleteProductsWorkflow,
  linkProductsToSalesChannelWorkflow,
} from "@medusajs/medusa/core-flows"
import type { IInventoryService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { orphanedInventoryItems, StoreCheck, syncMarkers } from "catalog-sync-core"
import type { InventoryItemState } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { readProductRows } from "../../lib/owned-products"
import { hold } from "../../lib/run-core"
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
 * The inventory items the sync created (marked in their metadata), with their variants: read only when the store
 * check says a write may have been cut (`lookForOrphanedInventoryItems`), the only time such an item can be left
 * without its product.
 */
async function markedInventoryItems(container: MedusaContainer): Promise<InventoryItemState[]> {
  const inventory = container.resolve<IInventoryService>(Modules.INVENTORY)
  const items = await inventory.listInventoryItems({}, { select: ["id", "metadata"], take: null })
  const { inventoryItemMarker } = syncMarkers()
  const marked = items.filter((item) => item.metadata && inventoryItemMarker in item.metadata)
  if (!marked.length) {
    return []
  }
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "inventory_item",
    fields: ["id", "metadata", "variant_link.variant_id"],
    filters: { id: marked.map((item) => item.id) },
  })
  return (data as { id: string; metadata: Record<string, unknown> | null; variant_link?: { variant_id: string }[] | null }[]).map(
    (row) => ({ id: row.id, metadata: row.metadata, variantIds: (row.variant_link ?? []).map((link) => link.variant_id) })
  )
}

/** Suspects whose full rows are read per window (one Query per window). */
export const SUSPECTS_PER_WINDOW = 1000

/**
 * Checks the store against the ledger and finishes what an earlier sync killed mid-write left behind, as the
 * core's `StoreCheck` decides: from the ledger and the stamps it names the **suspects** (products without a ledger
 * row, never finished, edited in the admin, lacking a variant, price set or inventory item); only their full rows
 * are read, a window of {@link SUSPECTS_PER_WINDOW} at a time, and the core decides their repairs (a targeted run
 * repairs only the products it names), so the store converges:
 * - a product the ledger still has as `creating` (a create that never finished) and that is
 *   incomplete is deleted (`deleteProductsWorkflow`, which also removes its inventory items and price
 *   sets) and left out of the snapshot, so the core plans it as a new product and it is created whole
 *   again; no other product is ever deleted here: what a product once complete lacks, the plan
 *   completes on it;
 * - a product not in the sync's sales channel is linked to it (`linkProductsToSalesChannelWorkflow`
 *   adds the link; its other channels stay);
 * - when the check says a write may have been cut (a run interrupted since the last completed one, or a create
 *   left `creating` by a batch writer that died), inventory items the sync created that no variant uses (a kill
 *   between a batch's items and its products) are deleted, or their SKUs would block the products' creation;
 * - the ledger: rows adopted for products synced before it existed, finished creates marked
 *   `complete`, rows of products that are gone removed (one statement each), after the deletions.
 * Runs after the fetch (it writes), before the plan. The check, which now knows every owned product (recorded, or
 * with its full content when it lacks something), is held for the plan step (`lib/run-core`).
 *
 * Forward-only, with no compensation on purpose: every repair moves the store toward a state the sync can
 * complete (there is nothing to restore: a deleted product was never finished, a link or a ledger row only
 * records what is true). Idempotent: a second run finds nothing left to repair.
 */
export const repairInterruptedWritesStep = createStep(
  "catalog-sync-repair-interrupted-writes",
  async (input: RepairInterruptedWritesInput, { container }): Promise<StepResponse<PlannableSnapshot>> => {
    const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
    const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
    const { currencyCode } = service.getSyncOptions()
    const tracker = trackerFor(input.runId)
    const interrupted = input.snapshot.interruptedSinceLastCompletedRun
    if (interrupted === null) {
      throw new Error("the repair needs a snapshot that read whether a run was interrupted (readInterruptions)")
    }
    const repaired = await tracker.phase("repair", async () => {
      // The first writes to products: only while this process still owns the run.
      await tracker.checkpoint()
      const check = new StoreCheck(
        {
          runId: input.runId,
          currencyCode,
          salesChannelId: input.store.salesChannelId,
          scope: input.productIds === null ? { kind: "full" } : { kind: "targeted", productIds: input.productIds },
          interruptedSinceLastCompletedRun: interrupted,
        },
        input.snapshot.ledgerJson,
        input.snapshot.stampsJson
      )
      try {
        const summary = check.summary()
        tracker.count("stamps_read", summary.recorded + summary.suspectProductIds.length)
        const query = container.resolve(ContainerRegistrationKeys.QUERY)
        let recreated = 0
        for (let i = 0; i < summary.suspectProductIds.length; i += SUSPECTS_PER_WINDOW) {
          const productIds = summary.suspectProductIds.slice(i, i + SUSPECTS_PER_WINDOW)
          const rows = await readProductRows(query, productIds)
          tracker.count("full_rows_read", rows.length)
          const repairs = check.readSuspects({ productIds, rows })
          if (repairs.incompleteProductIds.length) {
            await deleteProductsWorkflow(container).run({ input: { ids: repairs.incompleteProductIds } })
            recreated += repairs.incompleteProductIds.length
          }
          await service.writeLedger(repairs.ledger)
        }
        if (recreated) {
          logger.warn(`catalog-sync: recreating ${recreated} product(s) an interrupted sync left incomplete`)
        }
        await service.writeLedger(summary.ledger)
        const orphans = summary.lookForOrphanedInventoryItems
          ? orphanedInventoryItems(await markedInventoryItems(container))
          : []
        if (orphans.length) {
          await deleteInventoryItemWorkflow(container).run({ input: orphans })
          logger.warn(`catalog-sync: deleted ${orphans.length} inventory item(s) an interrupted sync left without product`)
        }
        if (summary.unlistedProductIds.length && input.store.salesChannelId !== null) {
          await linkProductsToSalesChannelWorkflow(container).run({
            input: { id: input.store.salesChannelId, add: summary.unlistedProductIds },
          })
          logger.warn(`catalog-sync: linked ${summary.unlistedProductIds.length} product(s) to the sync's sales channel`)
        }
      } catch (error) {
        check.free()
        throw error
      }
      hold(input.runId, "check", check)
      return { takenHandles: input.snapshot.takenHandles }
    })
    return new StepResponse(repaired)
  }
)
