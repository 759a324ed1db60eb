/**
 * The shapes of the plugin's admin API (`/admin/sync/*`) as the admin customizations read them.
 */

import type { HeldRemoval, RunOwner, SyncRunStatus } from "catalog-sync-core"

export type { AnalyticsPoint, AnalyticsTotals, SyncAnalytics } from "../../api/admin/sync/analytics/aggregate"

/**
 * The life-cycle status of a run (generated from the core): `queued` (a webhook run waiting for the running
 * sync), `running`, then how it ended — `success`, `partial`, `failed`, or `interrupted` (its process stopped and
 * another instance took the run over). The instance that runs a run: its `RunOwner`.
 */
export type { RunOwner, SyncRunStatus } from "catalog-sync-core"

/** What started a run (`apply_removals`: an operator's "Apply removals" of another run's held removals). */
export type SyncTrigger = "schedule" | "manual" | "webhook" | "apply_removals"

/** A removal the guard held back: `{ source_id, product_id, action: "archive" | "delete" }` (the core's type). */
export type { HeldRemoval }

/** A per-product problem recorded by a run. */
export interface RunError {
  source_id: number | null
  field: string | null
  code: string
  message: string
}

/** Live progress of a running run. */
export interface RunProgress {
  phase: string
  pages_fetched: number
  pages_total: number | null
  products_written: number
  products_planned: number | null
}

/** A run as `GET /admin/sync/status`, `/runs` and `/runs/:id` return it. */
export interface SyncRun {
  id: string
  trigger: SyncTrigger
  status: SyncRunStatus
  /** When the run started; for a queued run, when it was queued. */
  started_at: string
  finished_at: string | null
  duration_ms: number | null
  duration_seconds: number | null
  last_sync_at: string
  products_synced: number
  fetched: number
  created: number
  updated: number
  /** Owned products given the variant, price set or inventory item they lacked. */
  completed: number
  unchanged: number
  /** Products missing upstream left as they are (onMissing "keep", already drafts, or removals skipped). */
  kept: number
  archived: number
  deleted: number
  rejected: number
  failed: number
  /** Stock levels created or updated at the sync's stock location. */
  stock_levels: number
  /** Images stored in Medusa's file storage by this run. */
  images_uploaded: number
  /** Images recorded from a file already stored with the same bytes. */
  images_reused: number
  requests: number
  retries: number
  phase_timings: Record<string, number>
  progress: RunProgress | null
  error_message: string | null
  errors: RunError[]
  product_ids: number[] | null
  /** The instance that ran (or runs) it; `null` while no instance took it. */
  owner: RunOwner | null
  /** Its last sign of life. */
  heartbeat_at: string | null
  /** For an interrupted webhook run: the queued run its products went into again. */
  requeued_run_id: string | null
  /** The removals the guard held back in this run (empty when none were). */
  held_removals: HeldRemoval[]
  /** The run that applied (or applies) them. */
  removals_applied_by: string | null
  /** For an "Apply removals" run: the run whose held removals it applies. */
  removals_of: string | null
}

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

/** `GET /admin/sync/settings`. */
export interface SyncSettingsResponse {
  plugin: { name: string; version: string | null }
  /** Effective options (defaults filled), secrets masked. */
  options: Record<string, unknown>
  /** Keys set in medusa-config (the others are defaults); `null` when unknown. */
  configured: string[] | null
  /** Keys whose value came from an environment variable (`webhookSecret` from `CATALOG_SYNC_WEBHOOK_SECRET`). */
  environment: string[]
  /** Keys whose values are masked. */
  secrets: string[]
}
