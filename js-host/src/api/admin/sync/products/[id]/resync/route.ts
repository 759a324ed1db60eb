import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { answerRunStart } from "../../../../../../lib/answer-run-start"
import { readProductSyncState } from "../../../../../../lib/product-sync-state"
import { startSync } from "../../../../../../lib/start-sync"

/**
 * `POST /admin/sync/products/:id/resync` ("Resync this product") → 202 `{ run_id }` of a targeted run (trigger
 * `manual`, the product's source id): the webhook's single-product path (`GET /products/:id`; a 404 removes
 * nothing). 404 `{ owned: false }` for a product the sync does not own; 409 `{ type: "conflict", message, run_id }`
 * while a sync runs.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const view = await readProductSyncState(req.scope, req.params.id)
  if (!view) {
    res.status(404).json({ owned: false })
    return
  }
  await answerRunStart(res, () => startSync(req.scope, { trigger: "manual", productIds: [view.source_id] }))
}
