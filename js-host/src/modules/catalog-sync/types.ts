import type { HeldRemoval, RunCounts, RunError, RunOwner, SyncRunStatus } from "catalog-sync-core"

export type { SyncRunStatus } from "catalog-sync-core"

/**
 * What started a run: the schedule, Sync Now, the webhook, or an operator's "Apply removals" (a run that applies
 * the removals another run held back, and nothing else).
 */
export type SyncTrigger = "schedule" | "manual" | "webhook" | "apply_removals"

/** The triggers of runs that sync the catalog (every trigger but `apply_removals`). */
export const CATALOG_TRIGGERS: SyncTrigger[] = ["schedule", "manual", "webhook"]

/**
 * Every status of a run, as the `status` column lists them: the keys of an object typed by the core's union, so the
 * compiler refuses a list that misses a status or names one the core does not have.
 */
export const SYNC_RUN_STATUSES = Object.keys({
  queued: true,
  running: true,
  success: true,
  partial: true,
  failed: true,
  interrupted: true,
} satisfies Record<SyncRunStatus, true>) as SyncRunStatus[]

/** Live progress of a run, stored in `sync_run.progress`. */
export interface RunProgress {
  /** The phase the run is in (`starting`, `fetch`, `taxonomy`, `snapshot`, `plan`, `write`, `done`). */
  phase: string
  pages_fetched: number
  pages_total: number | null
  products_written: number
  products_planned: number | null
}

/** Milliseconds spent in each phase, stored in `sync_run.phase_timings`. */
export type PhaseTimings = Record<string, number>

/** A `sync_run` row as the module service returns it: the core's run counts plus the run's own fields. */
export interface SyncRunRecord extends RunCounts {
  id: string
  trigger: SyncTrigger
  status: SyncRunStatus
  started_at: Date
  finished_at: Date | null
  duration_ms: number | null
  requests: number
  retries: number
  phase_timings: PhaseTimings | null
  progress: RunProgress | null
  error_message: string | null
  errors: RunError[] | null
  product_ids: { ids: number[] } | null
  /** The process that runs (or ran) it; `null` for a queued run, or a run handed to the workers that none took yet. */
  owner: RunOwner | null
  heartbeat_at: Date | null
  /** For an interrupted webhook run: the queued run its product ids went into again. */
  requeued_run_id: string | null
  /** The removals the guard held back in this run, `null` when none were. */
  held_removals: HeldRemoval[] | null
  /** The `apply_removals` run that applied this run's held removals, once started. */
  removals_applied_by: string | null
  /** For an `apply_removals` run: the run whose held removals it applies. */
  removals_of: string | null
}

/** Input of `beginRun`. */
export interface NewRunInput {
  /** The run id, chosen before the record exists. */
  id: string
  trigger: SyncTrigger
  /** Source product ids of a targeted sync, `null` for a full sync. */
  productIds: number[] | null
  /** The process that executes it, or `null` when it is handed to the workers (a worker claims it). */
  owner: RunOwner | null
  /** For an `apply_removals` run: the run whose held removals it applies. */
  removalsOf?: string | null
}

/** What the owner measured, stored with the end of its run. */
export interface RunFigures {
  requests: number
  retries: number
  phase_timings: PhaseTimings
  progress: RunProgress
  /** The report's counts and errors, for a run that went to its end. */
  counts?: RunCounts
  errors?: RunError[]
  /** The removals the report says the guard held back. */
  held_removals?: HeldRemoval[]
}
