import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { CATALOG_SYNC_MODULE } from "../../../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../../../modules/catalog-sync/service"
import { buildAnalytics, type AnalyticsRunRow } from "./aggregate"

/** Most runs read for one answer (the newest of the range); the totals say when a range holds more. */
const MAX_RUNS_READ = 5000
/** Most points the charts get; beyond that, consecutive runs are averaged into one point. */
const MAX_POINTS = 250
/** Statuses of ended runs (a running or queued run has no final figures yet); an interrupted run counts as failed. */
const FINISHED = ["success", "partial", "failed", "interrupted"]
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
 * `GET /admin/sync/analytics?from=&to=` → the figures the admin's charts need for the finished runs
 * that started in `[from, to]` (ISO 8601 date-times; no `from` = all time, no `to` = now): one point
 * per run (oldest first; runs averaged in groups past 250 points) and totals. 400 for a bad date.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const to = parseDateParam(req.query.to, "to") ?? new Date()
  const from = parseDateParam(req.query.from, "from")
  if (from && from.getTime() > to.getTime()) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `"from" (${from.toISOString()}) must not be after "to" (${to.toISOString()})`
    )
  }
  const service = req.scope.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const [rows, runsInRange] = await service.listAndCountSyncRuns(
    {
      status: FINISHED,
      started_at: from ? { $gte: from, $lte: to } : { $lte: to },
    },
    { select: COLUMNS, order: { started_at: "DESC" }, take: MAX_RUNS_READ }
  )
  res.json(buildAnalytics(rows as AnalyticsRunRow[], { from, to }, runsInRange, MAX_POINTS))
}

/**
 * Reads an optional date-time query parameter.
 * @throws MedusaError `INVALID_DATA` naming the parameter when it is not a date-time
 */
function parseDateParam(value: unknown, name: string): Date | null {
  if (value === undefined || value === "") {
    return null
  }
  const date = typeof value === "string" ? new Date(value) : new Date(Number.NaN)
  if (Number.isNaN(date.getTime())) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `"${name}" must be an ISO 8601 date-time, e.g. 2025-01-31T00:00:00Z (got ${JSON.stringify(value)})`
    )
  }
  return date
}
