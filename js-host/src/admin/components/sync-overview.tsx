import { Alert, Text } from "@medusajs/ui"
import { formatDuration, formatTrigger } from "../lib/format"
import type { SyncRun, SyncStatusResponse } from "../lib/types"
import { ErrorPreview } from "./run-errors"
import { RunFigures } from "./run-figures"
import { RunProgressBars } from "./run-progress"
import { RunStatusBadge } from "./run-status-badge"
import { TimeStamp } from "./time-stamp"

/** The running sync: its badge, when it started, and its live progress. */
const RunningRun = ({ run }: { run: SyncRun }) => (
  <div className="flex flex-col gap-4" data-testid="sync-running">
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
      <RunStatusBadge status="running" />
      <Text size="small" leading="compact" className="text-ui-fg-subtle">
        {formatTrigger(run.trigger)} sync started <TimeStamp iso={run.started_at} />
      </Text>
    </div>
    <RunProgressBars progress={run.progress} />
  </div>
)

/** The outcome of the latest finished run: badge, time, duration, figures, failure message, first errors. */
const FinishedRun = ({ run }: { run: SyncRun }) => (
  <div className="flex flex-col gap-4" data-testid="sync-last-run" data-run-id={run.id}>
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
      <RunStatusBadge status={run.status} />
      <Text size="small" leading="compact" className="text-ui-fg-subtle" data-testid="sync-last-time">
        Last sync <TimeStamp iso={run.last_sync_at} />
      </Text>
      <Text size="small" leading="compact" className="text-ui-fg-subtle" data-testid="sync-last-duration">
        took <span className="text-ui-fg-base">{formatDuration(run.duration_seconds)}</span> · {formatTrigger(run.trigger)} run
      </Text>
    </div>
    {run.status === "failed" && run.error_message ? (
      <Alert variant="error" data-testid="sync-failure">
        The sync failed: {run.error_message}
      </Alert>
    ) : null}
    <RunFigures run={run} />
    <ErrorPreview runId={run.id} errors={run.errors} />
  </div>
)

/**
 * What the catalog sync is doing or last did: live progress while a sync runs, else the latest
 * run's outcome; an explanation before the first sync.
 */
export const SyncOverview = ({ data }: { data: SyncStatusResponse }) => {
  if (data.running) {
    return <RunningRun run={data.running} />
  }
  if (data.status) {
    return <FinishedRun run={data.status} />
  }
  return (
    <Text size="small" className="text-ui-fg-subtle" data-testid="sync-never-run">
      No sync has run yet. Click <span className="text-ui-fg-base font-medium">Sync now</span> to import the
      catalog, or wait for the next scheduled run.
    </Text>
  )
}
