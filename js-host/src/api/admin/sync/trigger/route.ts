import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { answerRunStart } from "../../../../lib/answer-run-start"
import { startSync } from "../../../../lib/start-sync"

/**
 * `POST /admin/sync/trigger` (Sync Now) → 202 `{ run_id, status: "running" }`; the sync continues
 * in the background. 409 `{ type: "conflict", message, run_id }` when a sync is already running
 * (answered here: Medusa's error handler would replace the message with a generic one).
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  await answerRunStart(res, () => startSync(req.scope, { trigger: "manual" }), { status: "running" })
}
