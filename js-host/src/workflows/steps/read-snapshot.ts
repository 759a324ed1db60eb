import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { trackerFor } from "../../lib/run-tracker"
import { readProductStamps, readTakenHandles } from "../../lib/owned-products"

/**
 * What the store holds before the writes, as read: the ledger and the cheap stamps of the products the sync owns
 * (JSON text: a workflow passes strings on as they are, where it deep-copies objects), and the handles of the
 * other products.
 */
export interface StoreSnapshot {
  /** The sync ledger's rows (a JSON array of `LedgerRow`). */
  ledgerJson: string
  /** The stamps of every product the sync owns (a JSON array of `ProductStamp`). */
  stampsJson: string
  /** Handles used by products the sync does not own. */
  takenHandles: string[]
  /**
   * Whether another run was interrupted since the last catalog run that completed (its writes may have been cut);
   * `null` when the request did not ask (a preview, which repairs nothing).
   */
  interruptedSinceLastCompletedRun: boolean | null
}

/** What the snapshot is read for. */
export interface SnapshotRequest {
  /** The run. */
  runId: string
  /** Whether to read if a run was interrupted since the last completed one (a sync's repair needs it). */
  readInterruptions: boolean
}

/** What the plan step needs of the snapshot once the repair step checked it (the check itself is held by run). */
export interface PlannableSnapshot {
  takenHandles: string[]
}

/**
 * Reads the sync ledger's rows, the stamps of every product the sync owns (ids, `updated_at`, links; no
 * relation's content: see `readProductStamps`), the handles of every other product, and (when asked) whether a
 * run was interrupted since the last completed one. Read-only: it runs while
 * the source is being fetched. The full rows of a few products are read later, as the core's store check and
 * planner ask for them.
 */
export const readSnapshotStep = createStep(
  "catalog-sync-read-snapshot",
  async (input: SnapshotRequest, { container }): Promise<StepResponse<StoreSnapshot>> => {
    const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
    const tracker = trackerFor(input.runId)
    const snapshot = await tracker.phase("snapshot", async () => {
      const [stampsJson, takenHandles, ledgerJson, interruptedSinceLastCompletedRun] = await Promise.all([
        readProductStamps(container),
        readTakenHandles(container),
        service.ledgerJson(),
        input.readInterruptions ? service.interruptedSinceLastCompletedRun(input.runId) : null,
      ])
      return { ledgerJson, stampsJson, takenHandles, interruptedSinceLastCompletedRun }
    })
    return new StepResponse(snapshot)
  }
)
