/**
 * The shapes of the plugin's admin API (`/admin/sync/*`) as the admin customizations read them. Every shape a route
 * answers with is generated from the core's Rust types (ts-rs, package `catalog-sync-core`); this file only names
 * them for the admin and adds the small envelopes the routes put around them.
 */

import type { ChangeCounts, ProductChange, RunView } from "catalog-sync-core"
import type { ProductSyncView } from "../../lib/product-sync-view"

export type {
  AnalyticsPoint,
  AnalyticsTotals,
  ChangeCounts,
  ChangeKind,
  FieldChange,
  HeldRemoval,
  ProductSyncStatus,
  RunError,
  RunOwner,
  RunProgress,
  SyncAnalytics,
  SyncRunStatus,
  SyncSettings,
  SyncTrigger,
} from "catalog-sync-core"

/**
 * A run as `GET /admin/sync/status`, `/runs` and `/runs/:id` return it (the core's `RunView`): what started it,
 * its status — `queued` (a webhook run waiting for the running sync), `running`, then `success`, `partial`,
 * `failed`, `interrupted` or `cancelled` —, its counts, progress, errors, owner, held removals, and a preview's
 * change counts.
 */
export type SyncRun = RunView

/** One product of a preview's change list (the core's `ProductChange`, as the changes route lists it). */
export type ProductChangeRow = Omit<ProductChange, "fingerprint">

/** `GET /admin/sync/runs/:id/changes`. */
export interface SyncChangesResponse {
  changes: ProductChangeRow[]
  count: number
  limit: number
  offset: number
  counts: ChangeCounts | null
}

/** `GET /admin/sync/products/:id` for a product the sync owns (404 `{ owned: false }` otherwise). */
export type ProductSyncResponse = ProductSyncView

/** `GET /admin/sync/status`. */
export interface SyncStatusResponse {
  /** The latest run that started, whatever its outcome; `null` before the first sync. */
  status: SyncRun | null
  /** The run in progress, if any. */
  running: SyncRun | null
  /** The webhook run waiting for the running sync to end, if any. */
  queued: SyncRun | null
}

/** `GET /admin/sync/runs`. */
export interface SyncRunsResponse {
  runs: SyncRun[]
  count: number
  limit: number
  offset: number
}

/** `GET /admin/sync/runs/:id`. */
export interface SyncRunResponse {
  run: SyncRun
}

/** `POST /admin/sync/trigger` (202). */
export interface SyncTriggerResponse {
  run_id: string
  status: "running"
}

/** `POST /admin/sync/runs/:id/apply-removals`, `/apply`, `/admin/sync/products/:id/resync` (202). */
export interface ApplyRemovalsResponse {
  run_id: string
}
