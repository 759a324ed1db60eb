import { toast } from "@medusajs/ui"
import { formatCount, formatDuration } from "../lib/format"
import type { SyncRun } from "../lib/types"

/** Tells the admin that the sync they were watching ended, and how. */
export function announceFinishedRun(run: SyncRun): void {
  const summary =
    `${formatCount(run.products_synced)} in sync (${formatCount(run.created)} created, ` +
    `${formatCount(run.updated)} updated, ${formatCount(run.unchanged)} unchanged) in ${formatDuration(run.duration_seconds)}`
  if (run.status === "success") {
    toast.success("Sync finished", { description: summary })
  } else if (run.status === "partial") {
    toast.warning("Sync finished with errors", {
      description: `${summary}; ${formatCount(run.rejected + run.failed)} products skipped.`,
    })
  } else if (run.status === "failed") {
    toast.error("Sync failed", { description: run.error_message ?? "See the run details." })
  } else if (run.status === "interrupted") {
    toast.error("Sync interrupted", { description: run.error_message ?? "See the run details." })
  }
}
