import { defineWidgetConfig } from "@medusajs/admin-sdk"
import { Button, Container, Heading, Text } from "@medusajs/ui"
import { Link } from "react-router-dom"
import { LoadError, LoadingLines } from "../components/load-state"
import { announceFinishedRun } from "../components/finished-toast"
import { SyncNowButton } from "../components/sync-now-button"
import { SyncOverview } from "../components/sync-overview"
import { useSyncSettings, useSyncStatus } from "../lib/api"

/** "dummyjson.com" from the source URL, for the subtitle. */
function hostOf(url: unknown): string | null {
  try {
    return typeof url === "string" ? new URL(url).host : null
  } catch {
    return null
  }
}

/**
 * The catalog sync at a glance, on the product list: the latest run (status, time, duration,
 * figures, first errors) or the live progress of the running one, and a Sync Now button.
 */
const CatalogSyncStatusWidget = () => {
  const status = useSyncStatus(announceFinishedRun)
  const settings = useSyncSettings()
  const source = hostOf(settings.data?.options.sourceUrl)

  return (
    <Container className="divide-y p-0" data-testid="catalog-sync-widget">
      <div className="flex flex-wrap items-center justify-between gap-3 px-6 py-4">
        <div className="flex flex-col">
          <Heading level="h2">Catalog sync</Heading>
          <Text size="small" leading="compact" className="text-ui-fg-subtle">
            {source ? `Products imported from ${source}` : "Products imported from the catalog source"}
          </Text>
        </div>
        <div className="flex items-center gap-2">
          <Button size="small" variant="transparent" asChild>
            <Link to="/catalog-sync" data-testid="catalog-sync-history-link">
              History &amp; analytics
            </Link>
          </Button>
          <SyncNowButton running={Boolean(status.data?.running)} />
        </div>
      </div>
      <div className="px-6 py-4">
        {status.isPending ? (
          <LoadingLines />
        ) : status.isError ? (
          <LoadError what="the catalog sync status" error={status.error} onRetry={() => void status.refetch()} />
        ) : (
          <SyncOverview data={status.data} />
        )}
      </div>
    </Container>
  )
}

export const config = defineWidgetConfig({
  zone: "product.list.before",
})

export default CatalogSyncStatusWidget
