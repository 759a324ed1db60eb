import { Alert, Text } from "@medusajs/ui"
import { formatDuration, formatProductIds, formatTrigger } from "../lib/format"
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

/** The webhook run waiting for the running sync: which products it will sync, since when. */
const QueuedRun = ({ run, waitingFor }: { run: SyncRun; waitingFor: boolean }) => (
  <div className="flex flex-wrap items-center gap-x-3 gap-y-1" data-testid="sync-queued" data-run-id={run.id}>
    <RunStatusBadge status="queued" />
    <Text size="small" leading="compact" className="text-ui-fg-subtle">
      Webhook sync of {formatProductIds(run.product_ids ?? [])}, queued <TimeStamp iso={run.started_at} />;{" "}
      {waitingFor ? "it starts when this sync ends" : "it starts in a moment"}
    </Text>
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
    {(run.status === "failed" || run.status === "interrupted") && run.error_message ? (
      <Alert variant="error" data-testid="sync-failure">
        The sync {run.status}: {run.error_message}
      </Alert>
    ) : null}
    <RunFigures run={run} />
    <ErrorPreview runId={run.id} errors={run.errors} />
  </div>
)

/**
 * What the catalog sync is doing or last did: live progress while a sync runs, else the latest
 * run's outcome, and below either the webhook run queued behind it; an explanation before the
 * first sync.
 */
export const SyncOverview = ({ data }: { data: SyncStatusResponse }) => {
  const queued = data.queued ? <QueuedRun run={data.queued} waitingFor={Boolean(data.running)} /> : null
  if (data.running) {
    return (
      <div className="flex flex-col gap-4">
        <RunningRun run={data.running} />
        {queued}
      </div>
    )
  }
  if (data.status) {
    return (
      <div className="flex flex-col gap-4">
        <FinishedRun run={data.status} />
        {queued}
      </div>
    )
  }
  if (queued) {
    return queued
  }
  return (
    <Text size="small" className="text-ui-fg-subtle" data-testid="sync-never-run">
      No sync has run yet. Click <span className="text-ui-fg-base font-medium">Sync now</span> to import the
      catalog, or wait for the next scheduled run.
    </Text>
  )
}
