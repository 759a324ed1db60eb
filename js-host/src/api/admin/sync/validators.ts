import { z } from "@medusajs/framework/zod"

/** Query of `GET /admin/sync/runs`: page size (1–100, default 20) and offset (default 0). */
export const AdminListSyncRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
})

/** Validated query of `GET /admin/sync/runs`. */
export type AdminListSyncRunsQueryType = z.infer<typeof AdminListSyncRunsQuery>
