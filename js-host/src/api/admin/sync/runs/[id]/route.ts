import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { CATALOG_SYNC_MODULE } from "../../../../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../../../../modules/catalog-sync/service"
import { toRunView } from "../../../../../lib/run-view"

/** `GET /admin/sync/runs/:id` → `{ run }` with its errors; 404 for an unknown id. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const service = req.scope.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const run = await service.findRun(req.params.id)
  if (!run) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Sync run with id "${req.params.id}" not found`)
  }
  res.json({ run: toRunView(run) })
}
