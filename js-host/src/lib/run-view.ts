import type { HeldRemoval, RunCounts, RunError, RunOwner } from "catalog-sync-core"
import type { PhaseTimings, RunProgress, SyncRunRecord, SyncRunStatus, SyncTrigger } from "../modules/catalog-sync/types"

/** A run as the admin API returns it: every record field plus the summary fields dashboards use. */
export interface SyncRunView extends RunCounts {
  id: string
  trigger: SyncTrigger
  status: SyncRunStatus
  /** When the run started; for a `queued` run, when it was queued. */
  started_at: string
  finished_at: string | null
  duration_ms: number | null
  /** When the run ended (or started, while it runs). */
  last_sync_at: string
  /** Products in line with the source after the run (created + updated + unchanged). */
  products_synced: number
  products_created: number
  products_updated: number
  duration_seconds: number | null
  counts: RunCounts
  requests: number
  retries: number
  phase_timings: PhaseTimings
  progress: RunProgress | null
  error_message: string | null
  errors: RunError[]
  /** Source product ids of a targeted run, `null` for a full sync. */
  product_ids: number[] | null
  /** The instance that ran (or runs) it: host, pid, boot and worker mode; `null` while no process took it. */
  owner: RunOwner | null
  /** Its last sign of life, by the database's clock. */
  heartbeat_at: string | null
  /** For an interrupted webhook run: the queued run its product ids went into again. */
  requeued_run_id: string | null
  /** The removals the guard held back in this run (`[]` when none were): source id, product id, action. */
  held_removals: HeldRemoval[]
  /** The run that applied (or applies) them, once "Apply removals" was used. */
  removals_applied_by: string | null
  /** For a run with trigger `apply_removals`: the run whose held removals it applies. */
  removals_of: string | null
}

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString()
}

/**
 * Shapes a `sync_run` record for the admin API.
 * @param run - the record as the module service returns it
 */
export function toRunView(run: SyncRunRecord): SyncRunView {
  const counts = {
    fetched: run.fetched,
    created: run.created,
    updated: run.updated,
    completed: run.completed,
    unchanged: run.unchanged,
    kept: run.kept,
    archived: run.archived,
    deleted: run.deleted,
    rejected: run.rejected,
    failed: run.failed,
    stock_levels: run.stock_levels,
    images_uploaded: run.images_uploaded,
    images_reused: run.images_reused,
  }
  const startedAt = iso(run.started_at) as string
  const finishedAt = iso(run.finished_at)
  return {
    id: run.id,
    trigger: run.trigger,
    status: run.status,
    started_at: startedAt,
    finished_at: finishedAt,
    duration_ms: run.duration_ms,
    last_sync_at: finishedAt ?? startedAt,
    products_synced: run.created + run.updated + run.unchanged,
    products_created: run.created,
    products_updated: run.updated,
    duration_seconds: run.duration_ms === null ? null : run.duration_ms / 1000,
    counts,
    ...counts,
    requests: run.requests,
    retries: run.retries,
    phase_timings: run.phase_timings ?? {},
    progress: run.progress,
    error_message: run.error_message,
    errors: run.errors ?? [],
    product_ids: run.product_ids?.ids ?? null,
    owner: run.owner,
    heartbeat_at: iso(run.heartbeat_at),
    requeued_run_id: run.requeued_run_id,
    held_removals: run.held_removals ?? [],
    removals_applied_by: run.removals_applied_by,
    removals_of: run.removals_of,
  }
}
