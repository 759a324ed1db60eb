import {
  runVocabulary,
  type HeldRemoval,
  type PhaseTimings,
  type RunCounts,
  type RunError,
  type RunOwner,
  type RunProgress,
  type SyncRunStatus,
  type SyncTrigger,
} from "catalog-sync-core"

export type { PhaseTimings, RunProgress, SyncRunStatus, SyncTrigger } from "catalog-sync-core"

/** The core's statuses and triggers of runs, and the sets the plugin filters runs by. */
const vocabulary = runVocabulary()

/** Every status of a run, as the `status` column lists them (the core's list). */
export const SYNC_RUN_STATUSES: SyncRunStatus[] = vocabulary.statuses

/** The statuses of runs that have ended (their figures are final). */
export const ENDED_RUN_STATUSES: SyncRunStatus[] = vocabulary.endedStatuses

/**
 * Every trigger of a run, as the `trigger` column lists them: the schedule, Sync Now, the webhook, or an
 * operator's "Apply removals" (a run that applies the removals another run held back, and nothing else).
 */
export const SYNC_TRIGGERS: SyncTrigger[] = vocabulary.triggers

/** The triggers of runs that sync the catalog (every trigger but `apply_removals`). */
export const CATALOG_TRIGGERS: SyncTrigger[] = vocabulary.catalogTriggers

/** The names of a run's counts (the core's `RunCounts`): one number column each on `sync_run`. */
export const RUN_COUNT_COLUMNS: (keyof RunCounts)[] = vocabulary.countColumns

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
