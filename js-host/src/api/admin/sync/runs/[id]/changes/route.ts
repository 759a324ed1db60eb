import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { CATALOG_SYNC_MODULE } from "../../../../../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../../../../../modules/catalog-sync/service"
import type { AdminListSyncChangesQueryType } from "../../../validators"

/**
 * `GET /admin/sync/runs/:id/changes?limit&offset&kind` → `{ changes, count, limit, offset, counts }`: one page of a
 * preview's change list, in source id order (limit 1–100, default 20; `kind` one of `created`, `updated`,
 * `removed`, `kept`, `rejected`, `held`), each `{ source_id, product_id, kind, title, diff: [{ field, old, new }],
 * completes, errors }`, and the preview's counts per kind. 404 for an unknown run (a run that is not a preview has
 * an empty list).
 */
export async function GET(
  req: AuthenticatedMedusaRequest<unknown, AdminListSyncChangesQueryType>,
  res: MedusaResponse
): Promise<void> {
  const service = req.scope.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const run = await service.findRun(req.params.id)
  if (!run) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Sync run with id "${req.params.id}" not found`)
  }
  const { limit, offset, kind } = req.validatedQuery as AdminListSyncChangesQueryType
  const [rows, count] = await service.listChangesPage(run.id, kind ?? null, limit, offset)
  res.json({
    changes: rows.map((row) => ({
      source_id: row.source_id,
      product_id: row.product_id,
      kind: row.kind,
      title: row.title,
      diff: row.diff ?? [],
      completes: row.completes ?? [],
      errors: row.errors ?? [],
    })),
    count,
    limit,
    offset,
    counts: run.change_counts,
  })
}
