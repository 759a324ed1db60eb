import { Text } from "@medusajs/ui"
import { useEffect, useState } from "react"
import { formatDateTime, formatRelative } from "../lib/format"

/** The current time in ms, refreshed every `intervalMs` (for relative times that stay true). */
export function useNow(intervalMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}

/** "5 minutes ago · 28 Nov 2026, 14:32:10" (`inline`), or the relative time with the absolute one below. */
export const TimeStamp = ({ iso, layout = "inline" }: { iso: string; layout?: "inline" | "stacked" }) => {
  const now = useNow()
  const relative = formatRelative(iso, now)
  const absolute = formatDateTime(iso)
  if (layout === "stacked") {
    return (
      <div className="flex flex-col" title={absolute}>
        <Text size="small" leading="compact" className="text-ui-fg-base">
          {relative}
        </Text>
        <Text size="xsmall" leading="compact" className="text-ui-fg-muted">
          {absolute}
        </Text>
      </div>
    )
  }
  return (
    <span>
      <time dateTime={iso} title={absolute} className="text-ui-fg-base">
        {relative}
      </time>
      <span className="text-ui-fg-muted"> · {absolute}</span>
    </span>
  )
}
