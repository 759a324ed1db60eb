import { createWorkflow, parallelize, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { WorkflowData } from "@medusajs/framework/workflows-sdk"
import { checkPreviewStep } from "./steps/check-preview"
import { copyImagesStep } from "./steps/copy-images"
import { fetchSourceStep } from "./steps/fetch-source"
import { planSyncStep } from "./steps/plan-sync"
import { prepareStoreStep, readStoreStep } from "./steps/prepare-store"
import { readSnapshotStep } from "./steps/read-snapshot"
import { reconcileTaxonomyStep } from "./steps/reconcile-taxonomy"
import { repairInterruptedWritesStep } from "./steps/repair-interrupted-writes"
import { summarizeRunStep } from "./steps/summarize-run"
import { syncStockStep } from "./steps/sync-stock"
import { writeBatchesStep } from "./steps/write-batches"
import type { SyncCatalogInput } from "./types"

/** Id of the sync workflow. */
export const syncCatalogWorkflowId = "catalog-sync"

/**
 * One catalog sync, for a run this process owns (`startSync`, `startQueuedRun`, or a worker's claim):
 * fetch everything from the source, its categories and tags read as each body arrives (meanwhile: the ledger and
 * the cheap stamps of the products the sync owns, and the store's currencies, sales channels and stock locations) → for
 * an `apply_preview` run, the check that the source and the store are as its preview saw them (else nothing is
 * written) →
 * the store's currency, sales channel and stock location made ready as read, categories and tags, new images copied into file
 * storage → check the store against the ledger (core) and repair what a killed sync left half-written, reading
 * the full rows of suspects only → plan (core; full rows of changed products only; the outline of the batches in
 * windows of 1,000 products) → write batches, window by window (the core makes a window's batches when the write
 * reaches it) → stock levels (core plan) → the report (core), which the run's owner records. Nothing is written before the fetch is
 * complete; every batch boundary confirms that this process still owns the run (a run taken over by another
 * process stops there).
 *
 * The host does the I/O; every decision (validation, mapping, diff, handles, batching, retries,
 * the report) is the core's. Each product write runs as its own Medusa workflow, which compensates
 * itself when it fails.
 */
export const syncCatalogWorkflow = createWorkflow(
  syncCatalogWorkflowId,
  (input: WorkflowData<SyncCatalogInput>) => {
    // Reading the store (its products, its currencies, channels and locations) needs nothing from the source: it
    // overlaps the fetch. The repair needs to know whether a run was interrupted since the last completed one.
    const snapshotRequest = transform({ input }, ({ input }) => ({ runId: input.runId, readInterruptions: true }))
    // The taxonomy reads each body as it arrives.
    const fetchRequest = transform({ input }, ({ input }) => ({ ...input, readTaxonomy: true }))
    const [fetchedSource, snapshot, storeSetup] = parallelize(
      fetchSourceStep(fetchRequest),
      readSnapshotStep(snapshotRequest),
      readStoreStep(input)
    )
    // An apply run writes only if it finds what its preview listed: checked before the first write.
    const checked = checkPreviewStep({ run: input, fetched: fetchedSource, snapshot })
    const fetched = transform({ fetchedSource, checked }, ({ fetchedSource }) => fetchedSource)
    const run = transform({ input, checked }, ({ input }) => input)
    // Writes start once the whole source is in.
    const [store, taxonomy, images] = parallelize(
      prepareStoreStep({ run, setup: storeSetup }),
      reconcileTaxonomyStep({ runId: input.runId, fetched }),
      copyImagesStep({ runId: input.runId, fetched })
    )
    const repaired = repairInterruptedWritesStep({ runId: input.runId, productIds: input.productIds, snapshot, store })
    const plan = planSyncStep({ run: input, fetched, store, taxonomy, snapshot: repaired, images })
    const written = writeBatchesStep({ runId: input.runId, plan })
    const stock = syncStockStep({ runId: input.runId, plan, written, store })
    const report = summarizeRunStep({ runId: input.runId, plan, written, stock, images })
    return new WorkflowResponse(report)
  }
)
