import {
  runVocabulary,
  type ChangeCounts,
  type ChangeKind,
  type FieldChange,
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
 * Every trigger of a run, as the `trigger` column lists them: the schedule, Sync Now (or "Resync this product"),
 * the webhook, an operator's "Apply removals" (a run that applies the removals another run held back, and nothing
 * else), "Preview changes" (a run that fetches and plans, and writes nothing to the catalog) or "Apply" on a preview
 * (a sync that writes only what the preview listed).
 */
export const SYNC_TRIGGERS: SyncTrigger[] = vocabulary.triggers

/** The triggers of runs that sync the catalog (every trigger but `apply_removals` and `preview`). */
export const CATALOG_TRIGGERS: SyncTrigger[] = vocabulary.catalogTriggers

/** The names of a run's counts (the core's `RunCounts`): one number column each on `sync_run`. */
export const RUN_COUNT_COLUMNS: (keyof RunCounts)[] = vocabulary.countColumns

/** The statuses of the runs the analytics count (the core's: ended, but not `cancelled`). */
export const ANALYZED_RUN_STATUSES: SyncRunStatus[] = vocabulary.analyzedStatuses

/** The triggers of the runs the analytics count (the core's: every one but `preview`). */
export const ANALYZED_TRIGGERS: SyncTrigger[] = vocabulary.analyzedTriggers

/** Every kind of change a preview lists (the core's `ChangeKind`), as the change table's `kind` column lists them. */
export const CHANGE_KINDS = Object.keys({
  created: true,
  updated: true,
  removed: true,
  kept: true,
  rejected: true,
  held: true,
} satisfies Record<ChangeKind, true>) as ChangeKind[]

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
  /** When an operator asked to stop the run (its owner stops at the next batch boundary). */
  cancel_requested_at: Date | null
  /** For a preview: the fingerprint of what the source listed. */
  listing_fingerprint: string | null
  /** For a preview: the fingerprint of its change list. */
  plan_fingerprint: string | null
  /** For a preview: how many products each kind of change has. */
  change_counts: ChangeCounts | null
  /** For a preview: the `apply_preview` run that applied it, once started. */
  preview_applied_by: string | null
  /** For an `apply_preview` run: the preview it applies. */
  preview_of: string | null
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
  /** For an `apply_preview` run: the preview it applies. */
  previewOf?: string | null
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
  /** A preview's fingerprints and change counts. */
  preview?: PreviewFigures
}

/** What a preview stores on its run besides its report. */
export interface PreviewFigures {
  listing_fingerprint: string
  plan_fingerprint: string
  change_counts: ChangeCounts
}

/** A row of a preview's change list (`catalog_sync_change`), the core's `ProductChange` with its run and place. */
export interface SyncChangeRecord {
  id: string
  run_id: string
  position: number
  source_id: number | null
  product_id: string | null
  kind: ChangeKind
  title: string | null
  diff: FieldChange[] | null
  completes: string[] | null
  errors: RunError[] | null
}
