import { createWorkflow, parallelize, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { WorkflowData } from "@medusajs/framework/workflows-sdk"
import { fetchSourceStep } from "./steps/fetch-source"
import { planSyncStep } from "./steps/plan-sync"
import { prepareStoreStep } from "./steps/prepare-store"
import { readSnapshotStep } from "./steps/read-snapshot"
import { reconcileTaxonomyStep } from "./steps/reconcile-taxonomy"
import { repairInterruptedWritesStep } from "./steps/repair-interrupted-writes"
import { recordRunStep } from "./steps/record-run"
import { writeBatchesStep } from "./steps/write-batches"
import type { SyncCatalogInput } from "./types"

/** Id of the sync workflow. */
export const syncCatalogWorkflowId = "catalog-sync"

/**
 * One catalog sync, for a run `startSync` created (and whose lock it holds):
 * fetch everything from the source (meanwhile: snapshot of the products the sync owns) →
 * store currency and sales channel, categories and tags → repair what a killed sync left half-written
 * → plan (core) → write batches → record. Nothing is written before the fetch is complete.
 *
 * The host does the I/O; every decision (validation, mapping, diff, handles, batching, retries,
 * the report) is the core's. Each product write runs as its own Medusa workflow, which compensates
 * itself when it fails.
 */
export const syncCatalogWorkflow = createWorkflow(
  syncCatalogWorkflowId,
  (input: WorkflowData<SyncCatalogInput>) => {
    // Reading the store's products needs nothing from the source: it overlaps the fetch.
    const [fetched, snapshot] = parallelize(fetchSourceStep(input), readSnapshotStep(input))
    // Writes start once the whole source is in.
    const [store, taxonomy] = parallelize(
      prepareStoreStep(input),
      reconcileTaxonomyStep({ runId: input.runId, fetched })
    )
    const repaired = repairInterruptedWritesStep({ runId: input.runId, productIds: input.productIds, snapshot, store })
    const plan = planSyncStep({ run: input, fetched, store, taxonomy, snapshot: repaired })
    const results = writeBatchesStep({ runId: input.runId, plan })
    const report = recordRunStep({ runId: input.runId, plan, results })
    return new WorkflowResponse(report)
  }
)
