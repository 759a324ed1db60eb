import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { answerRunStart } from "../../../../../../lib/answer-run-start"
import { startRemovalsRun } from "../../../../../../lib/start-removals-run"

/**
 * `POST /admin/sync/runs/:id/apply-removals` ("Apply removals" on the run page) → 202 `{ run_id }`: a run with
 * trigger `apply_removals` applies exactly the removals run `:id` held back, once. 404 for an unknown run;
 * 400 `{ code: "NO_HELD_REMOVALS", message }` when it held back none; 409 `{ code: "REMOVALS_ALREADY_APPLIED",
 * message }` when another run applies or applied them (allowed again only if that run failed); 409
 * `{ type: "conflict", message, run_id }` while a sync runs (answered here: Medusa's error handler would replace
 * the messages with generic ones).
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  await answerRunStart(res, () => startRemovalsRun(req.scope, req.params.id))
}
