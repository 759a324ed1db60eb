import { createWorkflow, parallelize, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { WorkflowData } from "@medusajs/framework/workflows-sdk"
import type { HeldRemoval } from "catalog-sync-core"
import { fetchSourceStep } from "./steps/fetch-source"
import { planHeldRemovalsStep } from "./steps/plan-held-removals"
import { readHeldProductsStep } from "./steps/read-held-products"
import { summarizeRunStep } from "./steps/summarize-run"
import { writeBatchesStep } from "./steps/write-batches"

/** Id of the workflow that applies held removals. */
export const applyRemovalsWorkflowId = "catalog-sync-apply-removals"

/** Input of the workflow: the run (recorded by `startRemovalsRun`; this process owns it) and the held set. */
export interface ApplyRemovalsInput {
  runId: string
  /** The removals another run held back, as it recorded them. */
  held: HeldRemoval[]
}

/**
 * Applies the removals a full run's guard held back, once an operator confirmed them: asks the source for
 * each held product again (`GET /products/:id`; meanwhile: the held products as the store has them now) →
 * the core's plan (only the products the source still answers 404 for and the store still has as they were)
 * → the archive and delete batches (each boundary confirms this process still owns the run) → the report, which
 * the run's owner records. Nothing else is synced. A source that stays down fails the run before any write.
 */
export const applyRemovalsWorkflow = createWorkflow(
  applyRemovalsWorkflowId,
  (input: WorkflowData<ApplyRemovalsInput>) => {
    const target = transform({ input }, ({ input }) => ({
      runId: input.runId,
      productIds: [...new Set(input.held.map((removal) => removal.source_id))],
    }))
    const [fetched, products] = parallelize(fetchSourceStep(target), readHeldProductsStep(input))
    const plan = planHeldRemovalsStep({ runId: input.runId, held: input.held, fetched, products })
    const written = writeBatchesStep({ runId: input.runId, plan })
    const report = summarizeRunStep({ runId: input.runId, plan, written })
    return new WorkflowResponse(report)
  }
)
