import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { startSync } from "../../../../lib/start-sync"
import { SyncAlreadyRunningError } from "../../../../lib/sync-already-running-error"

/**
 * `POST /admin/sync/trigger` (Sync Now) → 202 `{ run_id, status: "running" }`; the sync continues
 * in the background. 409 `{ type: "conflict", message, run_id }` when a sync is already running
 * (answered here: Medusa's error handler would replace the message with a generic one).
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  try {
    const { run_id } = await startSync(req.scope, { trigger: "manual" })
    res.status(202).json({ run_id, status: "running" })
  } catch (error) {
    if (error instanceof SyncAlreadyRunningError) {
      res.status(409).json({ type: "conflict", message: error.message, run_id: error.runId })
      return
    }
    throw error
  }
}
