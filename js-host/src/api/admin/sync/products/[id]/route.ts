import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { readProductSyncState } from "../../../../../lib/product-sync-state"

/**
 * `GET /admin/sync/products/:id` (the product page's widget) → the sync's view of a product it owns:
 * `{ owned: true, product_id, source_id, source_link, status: "in_sync" | "changed_upstream" | "edited_in_admin",
 * reasons, written_at, last_run }`; 404 `{ owned: false }` for a product the sync does not own.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const view = await readProductSyncState(req.scope, req.params.id)
  if (!view) {
    res.status(404).json({ owned: false })
    return
  }
  res.json(view)
}
