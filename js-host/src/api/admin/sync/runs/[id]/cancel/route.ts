import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { requestRunCancel, RunNotStoppableError } from "../../../../../../lib/cancel-run"

/**
 * `POST /admin/sync/runs/:id/cancel` ("Stop") → 202 `{ run_id, cancel_requested: true }`: the run stops at its next
 * batch boundary and ends `cancelled` with its counts so far; nothing is left half-written and the next sync
 * completes what is left. 404 unknown run; 409 `{ type: "conflict", message }` when the run is queued or already
 * ended. Asking twice is answered 202 again.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  try {
    await requestRunCancel(req.scope, req.params.id)
    res.status(202).json({ run_id: req.params.id, cancel_requested: true })
  } catch (error) {
    if (error instanceof RunNotStoppableError) {
      res.status(409).json({ type: "conflict", message: error.message })
      return
    }
    throw error
  }
}
