import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { CATALOG_SYNC_MODULE } from "../../../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../../../modules/catalog-sync/service"
import { toRunView } from "../../../../lib/run-view"
import type { AdminListSyncRunsQueryType } from "../validators"

/** `GET /admin/sync/runs?limit=&offset=` → `{ runs, count, limit, offset }`, newest first. */
export async function GET(
  req: AuthenticatedMedusaRequest<unknown, AdminListSyncRunsQueryType>,
  res: MedusaResponse
): Promise<void> {
  const { limit, offset } = req.validatedQuery
  const service = req.scope.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const [runs, count] = await service.listRunsPage(limit, offset)
  res.json({ runs: runs.map(toRunView), count, limit, offset })
}
