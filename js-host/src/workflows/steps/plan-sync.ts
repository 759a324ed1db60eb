import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { CatalogPlan, CatalogPlanner, CatalogPlanSummary, FetchedOutline } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import type { CopiedImages } from "../../lib/copy-images"
import { readProductRows } from "../../lib/owned-products"
import { borrow, hold, take } from "../../lib/run-core"
import { trackerFor } from "../../lib/run-tracker"
import type { SourceBodies } from "../../lib/source-bodies"
import type { SyncCatalogInput } from "../types"
import type { StoreContext } from "./prepare-store"
import type { StoreTaxonomy } from "./reconcile-taxonomy"
import type { PlannableSnapshot } from "./read-snapshot"

/** Input of the plan step: everything fetched and read so far. */
export interface PlanSyncInput {
  run: SyncCatalogInput
  fetched: FetchedOutline
  store: StoreContext
  taxonomy: StoreTaxonomy
  snapshot: PlannableSnapshot
  images: CopiedImages
}

/**
 * The plan as the later steps receive it. A Medusa workflow deep-copies every object a step receives
 * (the whole plan of 2,000 new products took about 0.2 s per step) and keeps every step's output in its
 * checkpoint until the workflow ends, so no step output holds the catalog's batches: a sync's batches stay in
 * the run's planner (held in this process, `run-core`), which makes them one window at a time as the write step
 * reaches that window; a plan made in one call (held removals: a few batches) travels as the core's JSON text,
 * each parsed only when it is written. The rest is the core's summary of the plan.
 */
export interface PlannedSync {
  /** Counts, errors, completeness, stock targets, one outline per batch and the windows (`summary()`). */
  summary: CatalogPlanSummary
  /**
   * Each write batch as JSON text (`batchJson(i)`), in the order of `summary.batches`, for a plan made in one
   * call; `null` for a sync's plan, whose batches the run's planner makes window by window (`planWindow`).
   */
  batches: string[] | null
}

/** A plan the core keeps inside WebAssembly as the steps receive it (its summary, each batch as text); frees it. */
export function takePlan(plan: CatalogPlan): PlannedSync {
  try {
    const summary = plan.summary()
    return { summary, batches: summary.batches.map((_, position) => plan.batchJson(position)) }
  } finally {
    plan.free()
  }
}

/** Full rows read per Query when the planner asks for them. */
const ROWS_PER_QUERY = 1000

/**
 * Reads the source into the run's planner, the bodies a few at a time, then the full rows of the recorded products
 * whose content changed, in windows (the only relations a plan reads); returns the plan's outline. The batches are
 * made later, window by window, by the write step.
 */
async function readIntoPlanner(
  planner: CatalogPlanner,
  bodies: SourceBodies,
  readRows: (ids: string[]) => Promise<Parameters<CatalogPlanner["addRows"]>[0]>
): Promise<CatalogPlanSummary> {
  bodies.readInto(planner)
  const wanted = planner.finishReading()
  for (let i = 0; i < wanted.length; i += ROWS_PER_QUERY) {
    planner.addRows(await readRows(wanted.slice(i, i + ROWS_PER_QUERY)))
  }
  return planner.summary()
}

/** The number of products a plan's batches write. */
export function productsPlanned(planned: PlannedSync): number {
  return planned.summary.batches.reduce((sum, batch) => sum + batch.len, 0)
}

/**
 * Asks the core for the plan: validation and mapping of every source product (images written as
 * their stored copies), the diff against the owned products as the store check left them (a recorded product
 * whose content is unchanged is skipped without reading its relations; the full rows of the changed ones are read
 * now), handles, the outline of the write batches in windows and the stock targets. The planner is held for the
 * write step, which makes each window's batches when it reaches it, and for the stock step; of the run's source
 * bodies only those of the windows are kept, compressed, for the write step.
 */
export const planSyncStep = createStep(
  "catalog-sync-plan",
  async (input: PlanSyncInput, { container }): Promise<StepResponse<PlannedSync>> => {
    const options = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { run, fetched, store, taxonomy, snapshot, images } = input
    const tracker = trackerFor(run.runId)
    await tracker.checkpoint()
    const planned = await tracker.phase("plan", async () => {
      const planner = take(run.runId, "check").planner({
        options,
        notFoundIds: fetched.notFoundIds,
        scope: run.productIds === null ? { kind: "full" } : { kind: "targeted", productIds: run.productIds },
        categories: taxonomy.categories,
        tags: taxonomy.tags,
        owned: [],
        takenHandles: snapshot.takenHandles,
        salesChannelId: store.salesChannelId,
        stockLocationId: store.stockLocationId,
        storedImages: images.stored,
        imageFailures: images.failures,
      })
      hold(run.runId, "planner", planner)
      const bodies = borrow(run.runId, "bodies")
      const summary = await readIntoPlanner(planner, bodies, async (ids) => {
        const rows = await readProductRows(query, ids)
        tracker.count("full_rows_read", rows.length)
        return rows
      })
      bodies.keepForWindows(summary.windows ?? [])
      return { summary, batches: null }
    })
    tracker.planSummary = planned.summary
    tracker.updateProgress({ products_planned: productsPlanned(planned) })
    return new StepResponse(planned)
  }
)
