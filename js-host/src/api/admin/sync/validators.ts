import { z } from "@medusajs/framework/zod"
import type { ChangeKind } from "catalog-sync-core"
import { CHANGE_KINDS } from "../../../modules/catalog-sync/types"

/** Query of `GET /admin/sync/runs`: page size (1–100, default 20) and offset (default 0). */
export const AdminListSyncRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
})

/** Validated query of `GET /admin/sync/runs`. */
export type AdminListSyncRunsQueryType = z.infer<typeof AdminListSyncRunsQuery>

/** An optional ISO 8601 date-time query parameter (`2025-01-31T00:00:00Z`), read as a `Date`. */
function dateTimeParam(name: string) {
  return z.iso
    .datetime({ offset: true, error: `"${name}" must be an ISO 8601 date-time, e.g. 2025-01-31T00:00:00Z` })
    .transform((value) => new Date(value))
    .optional()
}

/**
 * Query of `GET /admin/sync/analytics`: the range `[from, to]` of run starts (no `from` = all time, no `to` =
 * now); `from` must not be after `to`.
 */
export const AdminSyncAnalyticsQuery = z
  .object({ from: dateTimeParam("from"), to: dateTimeParam("to") })
  .refine((range) => !range.from || !range.to || range.from.getTime() <= range.to.getTime(), {
    error: '"from" must not be after "to"',
  })

/** Validated query of `GET /admin/sync/analytics`. */
export type AdminSyncAnalyticsQueryType = z.infer<typeof AdminSyncAnalyticsQuery>
/**
 * Query of `GET /admin/sync/runs/:id/changes`: page size (1–100, default 20), offset (default 0) and optionally
 * one kind of change.
 */
export const AdminListSyncChangesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  kind: z.enum(CHANGE_KINDS as [ChangeKind, ...ChangeKind[]]).optional(),
})

/** Validated query of `GET /admin/sync/runs/:id/changes`. */
export type AdminListSyncChangesQueryType = z.infer<typeof AdminListSyncChangesQuery>
