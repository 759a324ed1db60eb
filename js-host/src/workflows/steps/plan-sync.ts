import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { CatalogPlan, CatalogPlanner, CatalogPlanSummary, FetchedSource } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import type { CopiedImages } from "../../lib/copy-images"
import { readProductRows } from "../../lib/owned-products"
import { hold, take } from "../../lib/run-core"
import { trackerFor } from "../../lib/run-tracker"
import type { SyncCatalogInput } from "../types"
import type { StoreContext } from "./prepare-store"
import type { StoreTaxonomy } from "./reconcile-taxonomy"
import type { PlannableSnapshot } from "./read-snapshot"

/** Input of the plan step: everything fetched and read so far. */
export interface PlanSyncInput {
  run: SyncCatalogInput
  fetched: FetchedSource
  store: StoreContext
  taxonomy: StoreTaxonomy
  snapshot: PlannableSnapshot
  images: CopiedImages
}

/**
 * The plan as the later steps receive it. A Medusa workflow deep-copies every object a step receives
 * (the whole plan of 2,000 new products took about 0.2 s per step) but passes strings on as they are,
 * so the batches travel as the core's JSON text, each parsed only when it is written; the rest is the
 * core's small summary of the plan.
 */
export interface PlannedSync {
  /** Counts, errors, completeness, stock targets and one outline per batch (`summary()`). */
  summary: CatalogPlanSummary
  /** Each write batch as JSON text (`batchJson(i)`), in the order of `summary.batches`. */
  batches: string[]
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

/** Source bodies handed to the planner per call. */
const BODIES_PER_READ = 100
/** Full rows read per Query when the planner asks for them. */
const ROWS_PER_QUERY = 1000

/**
 * Plans with the run's planner: the bodies read a few at a time, the full rows of the recorded products whose
 * content changed read in windows (the only relations a plan reads), then every window's batches as text.
 */
async function planInWindows(
  planner: CatalogPlanner,
  fetched: FetchedSource,
  readRows: (ids: string[]) => Promise<Parameters<CatalogPlanner["addRows"]>[0]>
): Promise<PlannedSync> {
  for (let i = 0; i < fetched.pages.length; i += BODIES_PER_READ) {
    planner.readPages(fetched.pages.slice(i, i + BODIES_PER_READ))
  }
  for (let i = 0; i < fetched.products.length; i += BODIES_PER_READ) {
    planner.readProducts(fetched.products.slice(i, i + BODIES_PER_READ))
  }
  const wanted = planner.finishReading()
  for (let i = 0; i < wanted.length; i += ROWS_PER_QUERY) {
    planner.addRows(await readRows(wanted.slice(i, i + ROWS_PER_QUERY)))
  }
  const summary = planner.summary()
  const bodies = [...fetched.pages, ...fetched.products]
  const batches: string[] = []
  ;(summary.windows ?? []).forEach((window, index) => {
    planner.planWindow(index, window.bodies.map((position) => bodies[position]))
    for (let b = window.firstBatch; b < window.firstBatch + window.batchCount; b++) {
      batches.push(planner.batchJson(b))
    }
  })
  return { summary, batches }
}

/** The number of products a plan's batches write. */
export function productsPlanned(planned: PlannedSync): number {
  return planned.summary.batches.reduce((sum, batch) => sum + batch.len, 0)
}

/**
 * Asks the core for the plan: validation and mapping of every source product (images written as
 * their stored copies), the diff against the owned products as the store check left them (a recorded product
 * whose content is unchanged is skipped without reading its relations; the full rows of the changed ones are read
 * now), handles, the write batches and the stock targets. The planner is held for the stock step.
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
      return planInWindows(planner, fetched, async (ids) => {
        const rows = await readProductRows(query, ids)
        tracker.count("full_rows_read", rows.length)
        return rows
      })
    })
    tracker.planSummary = planned.summary
    tracker.updateProgress({ products_planned: productsPlanned(planned) })
    return new StepResponse(planned)
  }
)
