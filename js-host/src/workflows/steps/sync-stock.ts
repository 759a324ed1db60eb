import { Modules } from "@medusajs/framework/utils"
import type { IInventoryService, MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { checkRunDeadline, planStockLevels } from "catalog-sync-core"
import type { BatchResult, ExistingLevel, InventoryItemRef, RunTimeout, StockPlan } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { mapWithConcurrency } from "../../lib/concurrency"
import { trackerFor } from "../../lib/run-tracker"
import { writeBatch } from "../../lib/write-batch"
import type { StoreContext } from "./prepare-store"
import type { PlannedSync } from "./plan-sync"
import type { PlannableSnapshot } from "./read-snapshot"
import type { WrittenBatches } from "./write-batches"

/** Ids per query when reading levels (keeps each SQL `IN (...)` list moderate). */
const IDS_PER_QUERY = 5000
/** Stock batches written at the same time (they touch disjoint levels). */
const STOCK_WRITES_IN_FLIGHT = 2

/** Input of the stock step. */
export interface SyncStockInput {
  runId: string
  plan: PlannedSync
  /** What the product writes did (refused products are left out of the stock plan; after a timeout
   *  nothing more is written). */
  written: WrittenBatches
  /** The snapshot the plan was made from (its inventory items: the owned products'; products created in
   *  this run got their level with their inventory item). */
  snapshot: PlannableSnapshot
  /** The store context (the sync's stock location). */
  store: StoreContext
}

/** What the stock step did: the core's stock plan and the results of its batches (no plan when the run
 *  had reached its deadline before), and the deadline if it stopped there. */
export interface SyncedStock {
  plan: StockPlan | null
  results: BatchResult[]
  timedOut: RunTimeout | null
}

/** Splits a list into consecutive parts of at most `size` items. */
function parts<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size))
  }
  return out
}

/** The levels those items have at the location. */
async function levelsAt(
  container: MedusaContainer,
  locationId: string,
  items: InventoryItemRef[]
): Promise<ExistingLevel[]> {
  const inventory = container.resolve<IInventoryService>(Modules.INVENTORY)
  const levels: ExistingLevel[] = []
  for (const ids of parts(items.map((item) => item.inventoryItemId), IDS_PER_QUERY)) {
    const rows = await inventory.listInventoryLevels(
      { location_id: locationId, inventory_item_id: ids },
      { select: ["inventory_item_id", "stocked_quantity"], take: null }
    )
    for (const row of rows) {
      levels.push({ inventoryItemId: row.inventory_item_id, stockedQuantity: Number(row.stocked_quantity) })
    }
  }
  return levels
}

/**
 * Sets the stock of the products the sync already owned (a created product got its level with its
 * inventory item): after the product writes, reads their levels at the sync's stock location, asks
 * the core which levels to create or update (`planStockLevels`: a level equal to the source stock is
 * not written), and writes them with `batchInventoryItemLevelsWorkflow`, a refused batch bisected
 * like the product batches. Nothing when the writes stopped at the run's deadline; past the deadline no
 * further stock batch starts, and each batch starts with a checkpoint of the run's ownership, as product
 * batches do.
 *
 * Forward-only, with no compensation on purpose: a level it set holds the source's stock, so undoing it when a later
 * step fails would only take the store away from the source; each batch's workflow compensates itself when
 * refused. Idempotent: a second run finds the levels equal and writes none.
 */
export const syncStockStep = createStep(
  "catalog-sync-stock",
  async (input: SyncStockInput, { container }): Promise<StepResponse<SyncedStock>> => {
    const options = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const tracker = trackerFor(input.runId)
    const synced = await tracker.phase("stock", async (): Promise<SyncedStock> => {
      if (input.written.timedOut) {
        return { plan: null, results: [], timedOut: null }
      }
      const locationId = input.store.stockLocationId
      const items = input.snapshot.inventoryItems
      const plan = planStockLevels({
        locationId,
        batchSize: options.batchSize,
        targets: input.plan.summary.stock,
        refusedSourceIds: input.written.results.flatMap((result) => result.failedSourceIds),
        items,
        levels: await levelsAt(container, locationId, items),
      })
      const deadline = tracker.deadline(options.runTimeoutMs)
      let timedOut: RunTimeout | null = null
      const results = await mapWithConcurrency(plan.batches, STOCK_WRITES_IN_FLIGHT, async (batch) => {
        timedOut ??= checkRunDeadline({ deadline, nowMs: Date.now(), phase: "stock" })
        if (timedOut) {
          return null
        }
        await tracker.checkpoint()
        return writeBatch(container, batch, input.runId)
      })
      return { plan, results: results.filter((result): result is BatchResult => result !== null), timedOut }
    })
    return new StepResponse(synced)
  }
)
