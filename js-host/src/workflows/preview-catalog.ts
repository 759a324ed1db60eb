import { createWorkflow, parallelize, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { WorkflowData } from "@medusajs/framework/workflows-sdk"
import { fetchSourceStep } from "./steps/fetch-source"
import { previewChangesStep } from "./steps/preview-changes"
import { readSnapshotStep } from "./steps/read-snapshot"
import type { SyncCatalogInput } from "./types"

export type { PreviewReport } from "./steps/preview-changes"

/** Id of the preview workflow. */
export const previewCatalogWorkflowId = "catalog-sync-preview"

/**
 * A preview ("Preview changes"), for a run of kind `preview` this process owns: fetch the whole source (meanwhile:
 * the snapshot of the products the sync owns) → the core plans the sync as a run would and lists its changes,
 * product by product, which are stored with the run. Nothing is written to the catalog: no currency, location,
 * category, tag, image or product.
 */
export const previewCatalogWorkflow = createWorkflow(
  previewCatalogWorkflowId,
  (input: WorkflowData<SyncCatalogInput>) => {
    // A preview repairs nothing: whether a run was interrupted is not read.
    const request = transform({ input }, ({ input }) => ({ runId: input.runId, readInterruptions: false }))
    const [fetched, snapshot] = parallelize(fetchSourceStep(input), readSnapshotStep(request))
    const report = previewChangesStep({ runId: input.runId, fetched, snapshot })
    return new WorkflowResponse(report)
  }
)
