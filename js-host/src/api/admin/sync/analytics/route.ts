import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { buildAnalytics, type AnalyticsRunRow } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../../../modules/catalog-sync/service"
import { ANALYZED_RUN_STATUSES, ANALYZED_TRIGGERS } from "../../../../modules/catalog-sync/types"
import type { AdminSyncAnalyticsQueryType } from "../validators"

/** Most runs read for one answer (the newest of the range); the answer says when a range holds more. */
const MAX_RUNS_READ = 5000
/** Most points the charts get; beyond that, the core averages consecutive runs into one point. */
const MAX_POINTS = 250
/** The columns the analytics read. */
const COLUMNS: (keyof AnalyticsRunRow)[] = [
  "id",
  "trigger",
  "status",
  "started_at",
  "duration_ms",
  "fetched",
  "created",
  "updated",
  "unchanged",
  "archived",
  "rejected",
]

/**
 * `GET /admin/sync/analytics?from=&to=` → the figures the admin's charts need for the ended runs that started in
 * `[from, to]` (ISO 8601 date-times, validated by `AdminSyncAnalyticsQuery`; no `from` = all time, no `to` = now).
 * The route reads the rows; the core's `buildAnalytics` computes the points and totals.
 */
export async function GET(
  req: AuthenticatedMedusaRequest<unknown, AdminSyncAnalyticsQueryType>,
  res: MedusaResponse
): Promise<void> {
  const from = req.validatedQuery.from ?? null
  const to = req.validatedQuery.to ?? new Date()
  const service = req.scope.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const [rows, runsInRange] = await service.listAndCountSyncRuns(
    {
      // The core's choice: ended runs but cancelled ones, and no preview (it writes nothing).
      status: ANALYZED_RUN_STATUSES,
      trigger: ANALYZED_TRIGGERS,
      started_at: from ? { $gte: from, $lte: to } : { $lte: to },
    },
    { select: COLUMNS, order: { started_at: "DESC" }, take: MAX_RUNS_READ }
  )
  res.json(
    buildAnalytics({
      rows: rows.map((row) => ({ ...row, started_at: new Date(row.started_at).toISOString() }) as AnalyticsRunRow),
      from: from ? from.toISOString() : null,
      to: to.toISOString(),
      runsInRange,
      maxPoints: MAX_POINTS,
    })
  )
}
