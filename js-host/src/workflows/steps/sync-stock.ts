import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { BatchResult, RunTimeout, StockPlan } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { writeBatchesOfOneKind } from "../../lib/fan-out-writes"
import { readLevelsJson } from "../../lib/stock-levels"
import { take } from "../../lib/run-core"
import { trackerFor } from "../../lib/run-tracker"
import type { StoreContext } from "./prepare-store"
import type { PlannedSync } from "./plan-sync"
import type { WrittenBatches } from "./write-batches"

/** Input of the stock step. */
export interface SyncStockInput {
  runId: string
  plan: PlannedSync
  /** What the product writes did (refused products are left out of the stock plan; after a timeout
   *  nothing more is written). */
  written: WrittenBatches
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

/**
 * Sets the stock of the products the sync already owned (a created product got its level with its
 * inventory item): after the product writes, reads the levels at the sync's stock location (one SQL statement, as
 * JSON text: `readLevelsJson`), asks
 * the run's planner which levels to create or update (`planStock`: a level equal to the source stock is
 * not written), and writes them with `batchInventoryItemLevelsWorkflow`, a refused batch bisected
 * like the product batches. The stock batches go the product batches' way (`writeBatchesOfOneKind`): two at a time
 * in a `shared` instance, spread across the workers in a `worker` instance (published after the plan's batches,
 * each result recorded once). Nothing when the writes stopped at the run's deadline; past the deadline no
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
      const planner = take(input.runId, "planner")
      let plan: StockPlan
      try {
        const levelsJson = await readLevelsJson(container, locationId)
        plan = planner.planStock(
          { locationId, refusedSourceIds: input.written.results.flatMap((result) => result.failedSourceIds) },
          levelsJson
        )
      } finally {
        planner.free()
      }
      // Positions after the plan's product batches: one run's published batches are keyed by position.
      const first = input.plan.summary.batches.length
      const written = await writeBatchesOfOneKind(
        container,
        { runId: input.runId, tracker, deadline: tracker.deadline(options.runTimeoutMs), phase: "stock" },
        plan.batches.map((batch, index) => ({ position: first + index, text: JSON.stringify(batch) }))
      )
      return { plan, results: written.results, timedOut: written.timedOut }
    })
    return new StepResponse(synced)
  }
)
