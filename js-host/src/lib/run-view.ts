import { runView, type RunView } from "catalog-sync-core"
import type { SyncRunRecord } from "../modules/catalog-sync/types"

/** A date column as ISO 8601 text (`null` stays `null`). */
function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString()
}

/**
 * Shapes a `sync_run` record for the admin API: the core's `runView` (the summary fields dashboards use are
 * derived there), given the record with its dates as ISO 8601 text.
 * @param run - the record as the module service returns it
 */
export function toRunView(run: SyncRunRecord): RunView {
  return runView({
    ...run,
    started_at: iso(run.started_at) as string,
    finished_at: iso(run.finished_at),
    heartbeat_at: iso(run.heartbeat_at),
    // Optional in the core's record: absent rather than null.
    cancel_requested_at: iso(run.cancel_requested_at) ?? undefined,
    change_counts: run.change_counts ?? undefined,
    preview_applied_by: run.preview_applied_by ?? undefined,
    preview_of: run.preview_of ?? undefined,
  })
}
