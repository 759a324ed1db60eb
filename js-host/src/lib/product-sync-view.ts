import type { ProductSyncStatus, SyncRunStatus, SyncTrigger } from "catalog-sync-core"

/** The sync's view of one product it owns, as `GET /admin/sync/products/:id` answers it. */
export interface ProductSyncView {
  owned: true
  product_id: string
  source_id: number
  /** The product in the source API (`<sourceUrl>/products/<id>`). */
  source_link: string
  status: ProductSyncStatus
  /** Why it is not `in_sync`, in words. */
  reasons: string[]
  /** When the sync last wrote it (the product's `updated_at` read back after that write). */
  written_at: string | null
  /** The run that last wrote it. */
  last_run: { id: string; trigger: SyncTrigger; status: SyncRunStatus; finished_at: string | null } | null
}
