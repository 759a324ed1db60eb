import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { CATALOG_SYNC_MODULE } from "../../../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../../../modules/catalog-sync/service"
import { toRunView } from "../../../../lib/run-view"

/**
 * `GET /admin/sync/status` → `{ status, running, queued }`: the latest run that started (whatever
 * its outcome), the run in progress, and the webhook run waiting for it to end; each `null` when
 * there is none.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const service = req.scope.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const [latest, running, queued] = await Promise.all([
    service.latestRun(),
    service.listRunningRuns(),
    service.findQueuedRun(),
  ])
  res.json({
    status: latest ? toRunView(latest) : null,
    running: running.length ? toRunView(running[0]) : null,
    queued: queued ? toRunView(queued) : null,
  })
}
