import { Badge, Table, Text } from "@medusajs/ui"
import type { ReactNode } from "react"
import { useSyncSettings } from "../lib/api"
import { formatCount, formatPercent } from "../lib/format"
import { LoadError, LoadingLines } from "./load-state"

/** How one option is labelled, explained and shown. */
interface OptionView {
  label: string
  description: string
  show?: (value: unknown) => ReactNode
}

const Code = ({ children }: { children: ReactNode }) => <code className="txt-compact-small bg-ui-bg-subtle rounded px-1 py-0.5">{children}</code>

const Muted = ({ children }: { children: ReactNode }) => <span className="text-ui-fg-muted">{children}</span>

/** Every option the plugin knows, in the order a store owner thinks of them. */
const OPTIONS: Record<string, OptionView> = {
  sourceUrl: { label: "Source URL", description: "The DummyJSON-compatible API products are imported from", show: (v) => <Code>{String(v)}</Code> },
  schedule: {
    label: "Schedule",
    description: "When the scheduled sync runs (cron expression)",
    show: (v) => (v === null ? <Muted>Off — syncs run only from Sync now or the webhook</Muted> : <Code>{String(v)}</Code>),
  },
  onMissing: {
    label: "Products removed at the source",
    description: "What happens to a synced product that is no longer in the source",
    show: (v) => ({ draft: "Set to draft", keep: "Kept as they are", delete: "Deleted" } as Record<string, string>)[String(v)] ?? String(v),
  },
  maxRemovalRatio: {
    label: "Removal guard",
    description: "A full sync that would remove more than this share of the synced products removes none and holds them back for you to apply from the run page",
    show: (v) => `${formatPercent(Number(v))} of the synced products`,
  },
  currencyCode: { label: "Currency", description: "Currency of the prices written to variants", show: (v) => String(v).toUpperCase() },
  salesChannelId: {
    label: "Sales channel",
    description: "Where new products are published",
    show: (v) => (v === null ? <Muted>The store's default sales channel</Muted> : <Code>{String(v)}</Code>),
  },
  stockLocationId: {
    label: "Stock location",
    description: "Where stock levels are recorded",
    show: (v) => (v === null ? <Muted>"Catalog sync", created by the plugin and linked to the sales channel</Muted> : <Code>{String(v)}</Code>),
  },
  images: {
    label: "Images",
    description: "How product images reach the store",
    show: (v) => ({ upload: "Uploaded to the store's file storage", link: "Linked to the source URLs" } as Record<string, string>)[String(v)] ?? String(v),
  },
  imageMaxBytes: {
    label: "Largest image",
    description: "Bigger images are not copied: the product links the source URL",
    show: (v) => `${formatCount(Math.round(Number(v) / 1024))} KB`,
  },
  pageSize: { label: "Page size", description: "Products per source request", show: (v) => formatCount(Number(v)) },
  concurrency: { label: "Concurrency", description: "Source requests in flight at once", show: (v) => formatCount(Number(v)) },
  batchSize: { label: "Batch size", description: "Products per write to the store", show: (v) => formatCount(Number(v)) },
  requestTimeoutMs: { label: "Request timeout", description: "Longest wait for one source answer", show: (v) => `${formatCount(Number(v))} ms` },
  maxRetries: { label: "Retries", description: "Further attempts for a failed source request, with backoff", show: (v) => formatCount(Number(v)) },
  webhookSecret: {
    label: "Webhook secret",
    description: "Signs the webhook that triggers targeted syncs (shown masked); default: the CATALOG_SYNC_WEBHOOK_SECRET variable",
    show: (v) => (v === null ? <Muted>Not set — the webhook is disabled</Muted> : <Code>{String(v)}</Code>),
  },
}

function showValue(key: string, value: unknown): ReactNode {
  const view = OPTIONS[key]
  if (view?.show) {
    return view.show(value)
  }
  return value === null ? <Muted>not set</Muted> : <Code>{JSON.stringify(value)}</Code>
}

/**
 * The plugin's effective options (what the sync really uses: the store's medusa-config values over
 * the defaults), each marked Configured, Environment (read from an environment variable) or Default.
 * Secrets arrive masked from the server.
 */
export const SettingsPanel = () => {
  const settings = useSyncSettings()
  if (settings.isPending) {
    return (
      <div className="px-6 py-4">
        <LoadingLines lines={8} />
      </div>
    )
  }
  if (settings.isError) {
    return (
      <div className="px-6 py-4">
        <LoadError what="the plugin settings" error={settings.error} onRetry={() => void settings.refetch()} />
      </div>
    )
  }
  const { options, configured, environment, plugin } = settings.data
  const keys = [...Object.keys(OPTIONS).filter((k) => k in options), ...Object.keys(options).filter((k) => !(k in OPTIONS))]
  return (
    <div data-testid="settings">
      <Text size="small" className="text-ui-fg-subtle px-6 py-4">
        {plugin.name}
        {plugin.version ? ` ${plugin.version}` : ""}. Options are set in <Code>medusa-config.ts</Code> under{" "}
        <Code>plugins</Code>; change them there and restart Medusa.
      </Text>
      <Table>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Option</Table.HeaderCell>
            <Table.HeaderCell>Value</Table.HeaderCell>
            <Table.HeaderCell>Source</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {keys.map((key) => (
            <Table.Row key={key} data-testid={`setting-${key}`}>
              <Table.Cell className="py-2">
                <div className="flex flex-col">
                  <Text size="small" leading="compact" weight="plus">
                    {OPTIONS[key]?.label ?? key}
                  </Text>
                  <Text size="xsmall" leading="compact" className="text-ui-fg-subtle">
                    <Code>{key}</Code> {OPTIONS[key]?.description ?? ""}
                  </Text>
                </div>
              </Table.Cell>
              <Table.Cell className="whitespace-normal" data-testid={`setting-${key}-value`}>
                {showValue(key, options[key])}
              </Table.Cell>
              <Table.Cell>
                {environment.includes(key) ? (
                  <Badge size="2xsmall" color="purple">
                    Environment
                  </Badge>
                ) : configured === null ? (
                  <Muted>—</Muted>
                ) : configured.includes(key) ? (
                  <Badge size="2xsmall" color="blue">
                    Configured
                  </Badge>
                ) : (
                  <Badge size="2xsmall" color="grey">
                    Default
                  </Badge>
                )}
              </Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
    </div>
  )
}
