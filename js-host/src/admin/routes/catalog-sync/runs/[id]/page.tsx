import { ArrowLeft } from "@medusajs/icons"
import { Alert, Container, Heading, Text } from "@medusajs/ui"
import type { ReactNode } from "react"
import { Link, useParams } from "react-router-dom"
import { LoadError, LoadingLines } from "../../../../components/load-state"
import { HeldRemovals } from "../../../../components/held-removals"
import { PreviewChanges } from "../../../../components/preview-changes"
import { StopRunButton } from "../../../../components/stop-run-button"
import { PhaseTimings } from "../../../../components/phase-timings"
import { ErrorsTable } from "../../../../components/run-errors"
import { RunFigures } from "../../../../components/run-figures"
import { RunProgressBars } from "../../../../components/run-progress"
import { RunStatusBadge } from "../../../../components/run-status-badge"
import { TimeStamp } from "../../../../components/time-stamp"
import { httpStatusOf, isPending, useSyncRun } from "../../../../lib/api"
import { formatCount, formatDuration, formatProductIds, formatRate, formatTrigger } from "../../../../lib/format"
import type { RunOwner, SyncRun } from "../../../../lib/types"

const BackLink = () => (
  <Link
    to="/catalog-sync"
    className="text-ui-fg-subtle hover:text-ui-fg-base txt-compact-small-plus flex w-fit items-center gap-1"
    data-testid="back-to-catalog-sync"
  >
    <ArrowLeft /> Catalog sync
  </Link>
)

/** A labelled value of the run summary. */
const Fact = ({ label, children }: { label: string; children: ReactNode }) => (
  <div className="flex flex-col gap-0.5">
    <Text size="xsmall" leading="compact" className="text-ui-fg-subtle">
      {label}
    </Text>
    <div className="txt-compact-small text-ui-fg-base">{children}</div>
  </div>
)

/** Products in sync per second of the run, for a run that went to its end without failing. */
function rateOf(run: SyncRun): number | null {
  return run.status === "failed" ||
    run.status === "interrupted" ||
    run.status === "cancelled" ||
    run.trigger === "preview" ||
    !run.duration_seconds
    ? null
    : run.products_synced / run.duration_seconds
}

/** The instance that ran a run: worker mode, host and process, e.g. "worker · host-a · pid 42 (boot 1a2b3c4d)". */
function formatOwner(owner: RunOwner | null, status: SyncRun["status"]): string {
  if (owner === null) {
    return status === "running" ? "Waiting for a worker" : "—"
  }
  return `${owner.mode} · ${owner.host} · pid ${owner.pid} (boot ${owner.boot.slice(0, 8)})`
}

const RunDetail = ({ run }: { run: SyncRun }) => (
  <>
    <Container className="divide-y p-0" data-testid="run-detail" data-run-id={run.id}>
      <div className="flex flex-wrap items-center justify-between gap-3 px-6 py-4">
        <div className="flex items-center gap-3">
          <Heading level="h1">{run.trigger === "preview" ? "Preview" : "Sync run"}</Heading>
          <RunStatusBadge status={run.status} />
        </div>
        <div className="flex items-center gap-3">
          <StopRunButton run={run} />
          <code className="txt-compact-small text-ui-fg-muted" data-testid="run-id">
            {run.id}
          </code>
        </div>
      </div>
      <div className="grid grid-cols-2 gap-4 px-6 py-4 md:grid-cols-4">
        <Fact label={run.status === "queued" ? "Queued" : "Started"}>
          <TimeStamp iso={run.started_at} layout="stacked" />
        </Fact>
        <Fact label="Finished">
          {run.finished_at ? (
            <TimeStamp iso={run.finished_at} layout="stacked" />
          ) : run.status === "queued" ? (
            "Not started"
          ) : (
            "Still running"
          )}
        </Fact>
        <Fact label="Duration">{formatDuration(run.duration_seconds)}</Fact>
        <Fact label="Trigger">{formatTrigger(run.trigger)}</Fact>
        <Fact label="Throughput">{formatRate(rateOf(run))}</Fact>
        <Fact label="Source requests">
          {formatCount(run.requests)} ({formatCount(run.retries)} {run.retries === 1 ? "retry" : "retries"})
        </Fact>
        <Fact label="Products fetched">{formatCount(run.fetched)}</Fact>
        <Fact label="Scope">
          {run.product_ids ? `Targeted: ${formatProductIds(run.product_ids, 50)}` : "Full catalog"}
        </Fact>
        <Fact label="Ran on">
          <span data-testid="run-owner">{formatOwner(run.owner, run.status)}</span>
        </Fact>
        {run.removals_of ? (
          <Fact label="Applies the removals held back by">
            <Link
              to={`/catalog-sync/runs/${run.removals_of}`}
              className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover"
              data-testid="run-removals-of"
            >
              {run.removals_of}
            </Link>
          </Fact>
        ) : null}
        {run.preview_of ? (
          <Fact label="Applies the preview">
            <Link
              to={`/catalog-sync/runs/${run.preview_of}`}
              className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover"
              data-testid="run-preview-of"
            >
              {run.preview_of}
            </Link>
          </Fact>
        ) : null}
      </div>
      <div
        className={
          run.trigger === "preview" && !isPending(run) && !run.error_message ? "hidden" : "flex flex-col gap-4 px-6 py-4"
        }
      >
        {(run.status === "failed" || run.status === "interrupted") && run.error_message ? (
          <Alert variant="error" data-testid="run-failure">
            The sync {run.status}: {run.error_message}
            {run.requeued_run_id ? ` Its products were queued again in run ${run.requeued_run_id}.` : ""}
          </Alert>
        ) : null}
        {run.status === "cancelled" && run.error_message ? (
          <Alert variant="warning" data-testid="run-cancelled">
            {run.error_message}
          </Alert>
        ) : null}
        {run.status === "queued" ? (
          <Text size="small" className="text-ui-fg-subtle" data-testid="run-queued">
            Waiting for the running sync to end; then this run syncs {formatProductIds(run.product_ids ?? [])}.
            Webhook calls that arrive meanwhile add their products to it.
          </Text>
        ) : run.status === "running" ? (
          <RunProgressBars progress={run.progress} />
        ) : run.trigger === "preview" ? null : (
          <RunFigures run={run} />
        )}
      </div>
    </Container>

    {run.trigger === "preview" ? (
      <Container className="divide-y p-0" data-testid="preview-changes-section">
        <div className="px-6 py-4">
          <Heading level="h2">Changes</Heading>
          <Text size="small" leading="compact" className="text-ui-fg-subtle">
            What a sync would do to each product now, field by field. Nothing was written.
          </Text>
        </div>
        <PreviewChanges run={run} />
      </Container>
    ) : null}

    {run.held_removals.length ? (
      <Container className="divide-y p-0">
        <div className="px-6 py-4">
          <Heading level="h2">
            Held-back removals{" "}
            <span className="text-ui-fg-muted" data-testid="held-removals-count">
              ({formatCount(run.held_removals.length)})
            </span>
          </Heading>
          <Text size="small" leading="compact" className="text-ui-fg-subtle">
            Products missing upstream that this run did not remove, because they were too many at once
          </Text>
        </div>
        <HeldRemovals run={run} />
      </Container>
    ) : null}

    <Container className="divide-y p-0">
      <div className="px-6 py-4">
        <Heading level="h2">Phase timings</Heading>
        <Text size="small" leading="compact" className="text-ui-fg-subtle">
          Where the time of this run went
        </Text>
      </div>
      <PhaseTimings timings={run.phase_timings} />
    </Container>

    <Container className="divide-y p-0">
      <div className="px-6 py-4">
        <Heading level="h2">
          Errors <span className="text-ui-fg-muted" data-testid="run-error-count">({formatCount(run.errors.length)})</span>
        </Heading>
        <Text size="small" leading="compact" className="text-ui-fg-subtle">
          Source products that were rejected or could not be saved, with the field at fault
        </Text>
      </div>
      <ErrorsTable errors={run.errors} />
    </Container>
  </>
)

/** One sync run: summary, figures or live progress, phase timings and every per-product error. */
const SyncRunPage = () => {
  const { id = "" } = useParams()
  const run = useSyncRun(id)
  return (
    <div className="flex flex-col gap-y-3" data-testid="run-page">
      <BackLink />
      {run.isPending ? (
        <Container className="px-6 py-4">
          <LoadingLines lines={6} />
        </Container>
      ) : run.isError ? (
        <Container className="px-6 py-4">
          {httpStatusOf(run.error) === 404 ? (
            <Text size="small" data-testid="run-not-found">
              There is no sync run with the id <code>{id}</code>. It may come from another store.
            </Text>
          ) : (
            <LoadError what="this sync run" error={run.error} onRetry={() => void run.refetch()} />
          )}
        </Container>
      ) : (
        <RunDetail run={run.data.run} />
      )}
    </div>
  )
}

/** The breadcrumb of the page. */
export const handle = {
  breadcrumb: () => "Sync run",
}

export default SyncRunPage
