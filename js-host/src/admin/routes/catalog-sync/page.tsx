import { defineRouteConfig } from "@medusajs/admin-sdk"
import { CloudArrowDown } from "@medusajs/icons"
import { Container, Heading, Tabs, Text } from "@medusajs/ui"
import { useSearchParams } from "react-router-dom"
import { AnalyticsPanel } from "../../components/analytics-panel"
import { announceFinishedRun } from "../../components/finished-toast"
import { LoadError, LoadingLines } from "../../components/load-state"
import { RunHistory } from "../../components/run-history"
import { SettingsPanel } from "../../components/settings-panel"
import { PreviewButton } from "../../components/preview-button"
import { SyncNowButton } from "../../components/sync-now-button"
import { SyncOverview } from "../../components/sync-overview"
import { useSyncStatus } from "../../lib/api"

const TABS = [
  { value: "runs", label: "Run history" },
  { value: "analytics", label: "Analytics" },
  { value: "settings", label: "Settings" },
] as const

type TabValue = (typeof TABS)[number]["value"]

/**
 * The Catalog sync page: the current state with Sync Now, then the run history, the analytics
 * charts and the plugin settings in tabs (the open tab is kept in `?tab=`).
 */
const CatalogSyncPage = () => {
  const status = useSyncStatus(announceFinishedRun)
  const [searchParams, setSearchParams] = useSearchParams()
  const requested = searchParams.get("tab")
  const tab: TabValue = TABS.some((t) => t.value === requested) ? (requested as TabValue) : "runs"

  return (
    <div className="flex flex-col gap-y-3" data-testid="catalog-sync-page">
      <Container className="divide-y p-0">
        <div className="flex flex-wrap items-center justify-between gap-3 px-6 py-4">
          <div className="flex flex-col">
            <Heading level="h1">Catalog sync</Heading>
            <Text size="small" leading="compact" className="text-ui-fg-subtle">
              Keeps the store's products, prices, categories, images and stock in line with the catalog source.
            </Text>
          </div>
          <div className="flex items-center gap-2">
            <PreviewButton running={Boolean(status.data?.running)} />
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

      <Container className="p-0">
        <Tabs
          value={tab}
          onValueChange={(value) => {
            const next = new URLSearchParams(searchParams)
            next.set("tab", value)
            setSearchParams(next, { replace: true })
          }}
        >
          <div className="border-ui-border-base border-b px-6 py-3">
            <Tabs.List>
              {TABS.map((t) => (
                <Tabs.Trigger key={t.value} value={t.value} data-testid={`tab-${t.value}`}>
                  {t.label}
                </Tabs.Trigger>
              ))}
            </Tabs.List>
          </div>
          <Tabs.Content value="runs">
            <RunHistory />
          </Tabs.Content>
          <Tabs.Content value="analytics">
            <AnalyticsPanel />
          </Tabs.Content>
          <Tabs.Content value="settings">
            <SettingsPanel />
          </Tabs.Content>
        </Tabs>
      </Container>
    </div>
  )
}

export const config = defineRouteConfig({
  label: "Catalog sync",
  icon: CloudArrowDown,
})

/** The breadcrumb of the page. */
export const handle = {
  breadcrumb: () => "Catalog sync",
}

export default CatalogSyncPage
