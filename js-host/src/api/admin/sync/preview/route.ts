import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { answerRunStart } from "../../../../lib/answer-run-start"
import { startSync } from "../../../../lib/start-sync"

/**
 * `POST /admin/sync/preview` ("Preview changes") → 202 `{ run_id, status: "running" }`: a run of kind `preview`
 * (trigger `preview`, under the same one-running-run rule as a sync) fetches the source and plans, and writes
 * nothing to the catalog; its change list is `GET /admin/sync/runs/:id/changes`. 409
 * `{ type: "conflict", message, run_id }` while a sync runs.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  await answerRunStart(res, () => startSync(req.scope, { trigger: "preview" }), { status: "running" })
}
