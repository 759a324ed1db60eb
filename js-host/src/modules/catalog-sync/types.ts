import type { FetchStats, RunCounts, RunError, RunReport } from "catalog-sync-core"

/** What started a run. */
export type SyncTrigger = "schedule" | "manual" | "webhook"

/** The life-cycle status of a run: `queued` (a webhook run waiting for the lock), `running`, then how it ended. */
export type SyncRunStatus = "queued" | "running" | "success" | "partial" | "failed"

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
  owner: string | null
  heartbeat_at: Date | null
}

/** Input of `beginRun`. */
export interface NewRunInput {
  /** The run id, chosen before the record exists (it also owns the sync lock). */
  id: string
  trigger: SyncTrigger
  /** Source product ids of a targeted sync, `null` for a full sync. */
  productIds: number[] | null
  /** The process running it (see `process-identity.ts`). */
  owner: string
}

/** Input of `completeRun`: the core's report plus what the host measured. */
export interface RunCompletion {
  report: RunReport
  fetch: FetchStats
  phaseTimings: PhaseTimings
  progress: RunProgress
  startedAt: Date
}
