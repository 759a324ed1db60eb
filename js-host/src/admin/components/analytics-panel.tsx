import { Button, Heading, Text } from "@medusajs/ui"
import type { ReactNode } from "react"
import { useState } from "react"
import { useNavigate } from "react-router-dom"
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts"
import { useSyncAnalytics } from "../lib/api"
import { formatCount, formatDateTime, formatDuration, formatRate, formatShortDateTime } from "../lib/format"
import type { AnalyticsPoint, SyncAnalytics } from "../lib/types"
import { LoadError, LoadingLines } from "./load-state"

/** The time ranges the charts offer. */
const RANGES = [
  { key: "24h", label: "Last 24 hours", ms: 24 * 3600_000 },
  { key: "7d", label: "Last 7 days", ms: 7 * 24 * 3600_000 },
  { key: "30d", label: "Last 30 days", ms: 30 * 24 * 3600_000 },
  { key: "all", label: "All time", ms: null },
] as const

type RangeKey = (typeof RANGES)[number]["key"]

/** Colours of the admin's design tokens, so the charts follow the light and dark themes. */
const COLORS = {
  grid: "var(--border-base)",
  axis: "var(--fg-muted)",
  duration: "var(--fg-interactive)",
  rate: "var(--tag-purple-icon)",
  created: "var(--tag-green-icon)",
  updated: "var(--tag-blue-icon)",
  unchanged: "var(--tag-neutral-icon)",
  rejected: "var(--tag-red-icon)",
}

const TOOLTIP_STYLE = {
  contentStyle: {
    background: "var(--bg-base)",
    border: "1px solid var(--border-base)",
    borderRadius: 8,
    fontSize: 12,
    color: "var(--fg-base)",
  },
  labelStyle: { color: "var(--fg-subtle)", marginBottom: 4 },
}

const AXIS_PROPS = {
  stroke: COLORS.axis,
  tick: { fontSize: 11, fill: COLORS.axis },
  tickLine: false,
  axisLine: { stroke: COLORS.grid },
}

/** The stacked series of the products chart, bottom to top (and in the legend, left to right). */
const PRODUCT_SERIES = ["created", "updated", "unchanged", "rejected"] as const

/** A chart point with its axis label. */
type ChartPoint = AnalyticsPoint & { label: string }

function sinceFor(range: RangeKey): string | null {
  const ms = RANGES.find((r) => r.key === range)?.ms ?? null
  return ms === null ? null : new Date(Date.now() - ms).toISOString()
}

/** The tooltip title of a point: when it ran, and how many runs an averaged point stands for. */
function pointTitle(point: ChartPoint | undefined): string {
  if (!point) {
    return ""
  }
  const when = formatDateTime(point.started_at)
  return point.runs > 1 ? `${point.runs} runs from ${when} (average)` : `${when} · ${point.status ?? ""}`
}

/** A titled chart card. */
const ChartCard = ({ title, subtitle, testId, children }: { title: string; subtitle: string; testId: string; children: ReactNode }) => (
  <section className="border-ui-border-base flex flex-col gap-3 rounded-lg border p-4" data-testid={testId}>
    <div>
      <Heading level="h3">{title}</Heading>
      <Text size="xsmall" leading="compact" className="text-ui-fg-subtle">
        {subtitle}
      </Text>
    </div>
    <div className="h-56 w-full">
      <ResponsiveContainer width="100%" height="100%">
        {children as React.ReactElement}
      </ResponsiveContainer>
    </div>
  </section>
)

/** One headline figure. */
const Stat = ({ label, value, detail, testId }: { label: string; value: string; detail?: string; testId: string }) => (
  <div className="border-ui-border-base bg-ui-bg-subtle rounded-lg border px-4 py-3" data-testid={testId}>
    <Text size="xsmall" leading="compact" className="text-ui-fg-subtle">
      {label}
    </Text>
    <Text size="xlarge" weight="plus" leading="compact" className="tabular-nums" data-testid={`${testId}-value`}>
      {value}
    </Text>
    {detail ? (
      <Text size="xsmall" leading="compact" className="text-ui-fg-muted">
        {detail}
      </Text>
    ) : null}
  </div>
)

/** Totals of the range: runs by status, durations, throughput, products written. */
const Totals = ({ analytics }: { analytics: SyncAnalytics }) => {
  const { totals } = analytics
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="analytics-totals">
      <Stat
        label="Runs"
        value={formatCount(totals.runs)}
        detail={`${totals.success} success · ${totals.partial} partial · ${totals.failed} failed`}
        testId="stat-runs"
      />
      <Stat
        label="Average duration"
        value={formatDuration(totals.avg_duration_seconds)}
        detail={`longest ${formatDuration(totals.max_duration_seconds)}`}
        testId="stat-duration"
      />
      <Stat label="Average throughput" value={formatRate(totals.avg_products_per_second)} detail="products in sync per second of run" testId="stat-rate" />
      <Stat
        label="Products written"
        value={formatCount(totals.created + totals.updated)}
        detail={`${formatCount(totals.created)} created · ${formatCount(totals.updated)} updated · ${formatCount(totals.rejected)} rejected`}
        testId="stat-written"
      />
    </div>
  )
}

/** The charts of a range: duration and products per second per run, and what each run did. */
const Charts = ({ analytics }: { analytics: SyncAnalytics }) => {
  const navigate = useNavigate()
  const points: ChartPoint[] = analytics.points.map((p) => ({ ...p, label: formatShortDateTime(p.started_at) }))
  const openRun = (point: ChartPoint | undefined) => {
    if (point?.run_id) {
      navigate(`/catalog-sync/runs/${point.run_id}`)
    }
  }
  const titleOf = (_: unknown, payload: readonly { payload?: ChartPoint }[]) => pointTitle(payload?.[0]?.payload)
  const perRun = analytics.group_size > 1 ? `average of ${analytics.group_size} runs per point` : "one point per run"

  return (
    <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
      <ChartCard title="Duration" subtitle={`Wall-clock time of each sync (${perRun})`} testId="chart-duration">
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" {...AXIS_PROPS} minTickGap={24} />
          <YAxis {...AXIS_PROPS} width={56} tickFormatter={(v: number) => `${Number(v.toFixed(1))} s`} />
          <Tooltip {...TOOLTIP_STYLE} labelFormatter={titleOf} formatter={(v) => [formatDuration(Number(v)), "Duration"]} />
          <Line
            type="linear"
            dataKey="duration_seconds"
            name="Duration"
            stroke={COLORS.duration}
            strokeWidth={2}
            dot={{ r: 3, fill: COLORS.duration }}
            activeDot={{ r: 5 }}
            isAnimationActive={false}
            connectNulls
          />
        </LineChart>
      </ChartCard>

      <ChartCard title="Throughput" subtitle={`Products in sync per second (${perRun}; failed runs left out)`} testId="chart-rate">
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" {...AXIS_PROPS} minTickGap={24} />
          <YAxis {...AXIS_PROPS} width={56} />
          <Tooltip {...TOOLTIP_STYLE} labelFormatter={titleOf} formatter={(v) => [formatRate(Number(v)), "Throughput"]} />
          <Line
            type="linear"
            dataKey="products_per_second"
            name="Products/s"
            stroke={COLORS.rate}
            strokeWidth={2}
            dot={{ r: 3, fill: COLORS.rate }}
            activeDot={{ r: 5 }}
            isAnimationActive={false}
            connectNulls
          />
        </LineChart>
      </ChartCard>

      <div className="xl:col-span-2">
        <ChartCard
          title="Products per run"
          subtitle={`Created, updated, unchanged and rejected products (${perRun}); click a bar to open the run`}
          testId="chart-products"
        >
          <BarChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" {...AXIS_PROPS} minTickGap={24} />
            <YAxis {...AXIS_PROPS} width={56} allowDecimals={false} />
            <Tooltip {...TOOLTIP_STYLE} labelFormatter={titleOf} cursor={{ fill: "var(--bg-subtle-hover)" }} />
            <Legend
              wrapperStyle={{ fontSize: 12 }}
              itemSorter={(item) => PRODUCT_SERIES.indexOf(item.dataKey as (typeof PRODUCT_SERIES)[number])}
            />
            {PRODUCT_SERIES.map((key) => (
              <Bar
                key={key}
                dataKey={key}
                name={key[0].toUpperCase() + key.slice(1)}
                stackId="products"
                fill={COLORS[key]}
                isAnimationActive={false}
                maxBarSize={40}
                className="cursor-pointer"
                onClick={(data: { payload?: ChartPoint }) => openRun(data.payload)}
              />
            ))}
          </BarChart>
        </ChartCard>
      </div>
    </div>
  )
}

/**
 * Sync analytics over a chosen time range: totals, and charts of duration, products per second
 * and created / updated / unchanged / rejected per run. The figures come from
 * `GET /admin/sync/analytics`, computed on the server.
 */
export const AnalyticsPanel = () => {
  const [range, setRange] = useState<RangeKey>("7d")
  const [since, setSince] = useState<string | null>(() => sinceFor("7d"))
  const analytics = useSyncAnalytics(since)
  const rangeLabel = RANGES.find((r) => r.key === range)?.label.toLowerCase() ?? ""

  return (
    <div className="flex flex-col gap-4 px-6 py-4" data-testid="analytics">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Text size="small" leading="compact" className="text-ui-fg-subtle">
          Finished runs, {rangeLabel}
          {analytics.data && analytics.data.runs_in_range > analytics.data.runs_analyzed
            ? ` (the newest ${formatCount(analytics.data.runs_analyzed)} of ${formatCount(analytics.data.runs_in_range)})`
            : ""}
        </Text>
        <div className="bg-ui-bg-subtle flex gap-1 rounded-lg p-1" role="group" aria-label="Time range">
          {RANGES.map((r) => (
            <Button
              key={r.key}
              size="small"
              variant={r.key === range ? "secondary" : "transparent"}
              aria-pressed={r.key === range}
              onClick={() => {
                setRange(r.key)
                setSince(sinceFor(r.key))
              }}
              data-testid={`range-${r.key}`}
            >
              {r.key === "all" ? "All" : r.key}
            </Button>
          ))}
        </div>
      </div>
      {analytics.isPending ? (
        <LoadingLines lines={6} />
      ) : analytics.isError ? (
        <LoadError what="the sync analytics" error={analytics.error} onRetry={() => void analytics.refetch()} />
      ) : analytics.data.points.length === 0 ? (
        <Text size="small" className="text-ui-fg-subtle py-6 text-center" data-testid="analytics-empty">
          No finished sync runs {rangeLabel === "all time" ? "yet" : `in the ${rangeLabel}`}. Choose a longer range or run a sync.
        </Text>
      ) : (
        <>
          <Totals analytics={analytics.data} />
          <Charts analytics={analytics.data} />
        </>
      )}
    </div>
  )
}
