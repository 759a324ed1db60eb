import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { answerRunStart } from "../../../../../../lib/answer-run-start"
import { startPreviewApply } from "../../../../../../lib/start-apply-preview"

/**
 * `POST /admin/sync/runs/:id/apply` ("Apply" on a preview) → 202 `{ run_id }` of a sync run (trigger
 * `apply_preview`) that writes exactly the previewed plan, or nothing when the source or the store changed since
 * (the run then fails with "… changed since preview …: preview again"). 404 unknown run; 400
 * `{ code: "NOT_A_PREVIEW", message }`; 409 `{ code, message }` with `PREVIEW_NOT_APPLICABLE` (still running, or
 * ended failed), `PREVIEW_EXPIRED` (older than `previewTtlMs`) or `PREVIEW_ALREADY_APPLIED`; 409
 * `{ type: "conflict", message, run_id }` while a sync runs.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  await answerRunStart(res, () => startPreviewApply(req.scope, req.params.id))
}
