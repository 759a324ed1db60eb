/**
 * The shapes of the plugin's admin API (`/admin/sync/*`) as the admin customizations read them. Every shape a route
 * answers with is generated from the core's Rust types (ts-rs, package `catalog-sync-core`); this file only names
 * them for the admin and adds the small envelopes the routes put around them.
 */

import type { RunView } from "catalog-sync-core"

export type {
  AnalyticsPoint,
  AnalyticsTotals,
  HeldRemoval,
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
 * `failed` or `interrupted` —, its counts, progress, errors, owner and held removals.
 */
export type SyncRun = RunView

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

/** `POST /admin/sync/runs/:id/apply-removals` (202). */
export interface ApplyRemovalsResponse {
  run_id: string
}
