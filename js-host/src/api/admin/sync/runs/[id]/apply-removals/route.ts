import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ApplyRemovalsRefusedError } from "../../../../../../lib/apply-removals-refused-error"
import { startRemovalsRun } from "../../../../../../lib/start-removals-run"
import { SyncAlreadyRunningError } from "../../../../../../lib/sync-already-running-error"

/**
 * `POST /admin/sync/runs/:id/apply-removals` ("Apply removals" on the run page) → 202 `{ run_id }`: a run with
 * trigger `apply_removals` applies exactly the removals run `:id` held back, once. 404 for an unknown run;
 * 400 `{ code: "NO_HELD_REMOVALS", message }` when it held back none; 409 `{ code: "REMOVALS_ALREADY_APPLIED",
 * message }` when another run applies or applied them (allowed again only if that run failed); 409
 * `{ type: "conflict", message, run_id }` while a sync runs (answered here: Medusa's error handler would replace
 * the messages with generic ones).
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  try {
    const { run_id } = await startRemovalsRun(req.scope, req.params.id)
    res.status(202).json({ run_id })
  } catch (error) {
    if (error instanceof ApplyRemovalsRefusedError) {
      res.status(error.status).json({ code: error.code, message: error.message })
      return
    }
    if (error instanceof SyncAlreadyRunningError) {
      res.status(409).json({ type: "conflict", message: error.message, run_id: error.runId })
      return
    }
    throw error
  }
}
