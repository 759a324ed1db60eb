import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminProduct, DetailWidgetProps } from "@medusajs/framework/types"
import { Button, Container, Heading, StatusBadge, Text, toast } from "@medusajs/ui"
import { useEffect, useState } from "react"
import { Link } from "react-router-dom"
import { RunStatusBadge } from "../components/run-status-badge"
import { TimeStamp } from "../components/time-stamp"
import { describeError, isPending, useProductSync, useResyncProduct, useSyncRun } from "../lib/api"
import { formatTrigger } from "../lib/format"
import type { ProductSyncStatus } from "../lib/types"

/** The product's sync status as a badge. */
const STATUS: Record<ProductSyncStatus, { color: "green" | "orange" | "blue"; label: string }> = {
  in_sync: { color: "green", label: "In sync" },
  changed_upstream: { color: "blue", label: "Changed upstream" },
  edited_in_admin: { color: "orange", label: "Edited in the admin" },
}

/** The outcome of the resync this widget started, followed until it ends. */
const ResyncOutcome = ({ runId, onEnded }: { runId: string; onEnded: () => void }) => {
  const run = useSyncRun(runId)
  const ended = run.data ? !isPending(run.data.run) : false
  useEffect(() => {
    if (ended) {
      onEnded()
    }
  }, [ended, onEnded])
  if (!run.data) {
    return null
  }
  return (
    <div className="flex items-center gap-2" data-testid="product-sync-resync-result" data-status={run.data.run.status}>
      <Text size="small" leading="compact" className="text-ui-fg-subtle">
        Resync
      </Text>
      <RunStatusBadge status={run.data.run.status} />
      <Link
        to={`/catalog-sync/runs/${runId}`}
        className="txt-compact-small text-ui-fg-interactive hover:text-ui-fg-interactive-hover"
      >
        View run
      </Link>
    </div>
  )
}

/**
 * On the page of a product the sync owns: its source id and a link to the source product, the run that last wrote
 * it and when, whether it matches the last fetched source (in sync, changed upstream, edited in the admin since the
 * sync's last write) and "Resync this product", a targeted run whose result it shows. Renders nothing for a product
 * the sync does not own.
 */
const ProductSyncWidget = ({ data: product }: DetailWidgetProps<AdminProduct>) => {
  const [resyncRunId, setResyncRunId] = useState<string | null>(null)
  const [watching, setWatching] = useState(false)
  const state = useProductSync(product.id, watching)
  const resync = useResyncProduct(product.id)
  if (!state.data) {
    return null
  }
  const view = state.data
  const badge = STATUS[view.status]
  return (
    <Container className="divide-y p-0" data-testid="product-sync-widget" data-status={view.status}>
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">Catalog sync</Heading>
        <StatusBadge color={badge.color} data-testid="product-sync-status">
          {badge.label}
        </StatusBadge>
      </div>
      <div className="flex flex-col gap-2 px-6 py-4">
        <Text size="small" leading="compact">
          Source product{" "}
          <a
            href={view.source_link}
            target="_blank"
            rel="noreferrer"
            className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover"
            data-testid="product-sync-source-link"
          >
            #{view.source_id}
          </a>
        </Text>
        {view.last_run ? (
          <Text size="small" leading="compact" className="text-ui-fg-subtle" data-testid="product-sync-last-run">
            Last written by{" "}
            <Link
              to={`/catalog-sync/runs/${view.last_run.id}`}
              className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover"
            >
              {formatTrigger(view.last_run.trigger).toLowerCase()} run
            </Link>
            {view.written_at ? (
              <>
                {" "}
                <TimeStamp iso={view.written_at} />
              </>
            ) : null}
          </Text>
        ) : null}
        {view.reasons.map((reason) => (
          <Text key={reason} size="small" leading="compact" className="text-ui-fg-subtle" data-testid="product-sync-reason">
            {reason}
          </Text>
        ))}
      </div>
      <div className="flex flex-col gap-2 px-6 py-4">
        <Button
          size="small"
          variant="secondary"
          isLoading={resync.isPending || watching}
          disabled={resync.isPending || watching}
          onClick={async () => {
            try {
              const { run_id } = await resync.mutateAsync()
              setResyncRunId(run_id)
              setWatching(true)
            } catch (error) {
              toast.error("Could not resync the product", { description: describeError(error) })
            }
          }}
          data-testid="product-sync-resync"
        >
          Resync this product
        </Button>
        {resyncRunId ? <ResyncOutcome
            runId={resyncRunId}
            onEnded={() => {
              setWatching(false)
              void state.refetch()
            }}
          /> : null}
      </div>
    </Container>
  )
}

export const config = defineWidgetConfig({
  zone: "product.details.side.after",
})

export default ProductSyncWidget
