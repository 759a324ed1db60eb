import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { CATALOG_SYNC_MODULE } from "../../../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../../../modules/catalog-sync/service"
import { toRunView } from "../../../../lib/run-view"

/**
 * `GET /admin/sync/status` → `{ status, running }`: the latest run (whatever its status) and the
 * run in progress, each `null` when there is none.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const service = req.scope.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const [latest, running] = await Promise.all([service.latestRun(), service.listRunningRuns()])
  res.json({
    status: latest ? toRunView(latest) : null,
    running: running.length ? toRunView(running[0]) : null,
  })
}
