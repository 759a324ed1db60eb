import { Text } from "@medusajs/ui"
import { formatDuration, formatPhase } from "../lib/format"

/** Phases in the order a sync goes through them (unknown ones follow). */
const PHASE_ORDER = ["fetch", "snapshot", "store", "taxonomy", "images", "repair", "plan", "write", "stock"]

/** `{ fetch_ms: 420, … }` → rows in phase order. */
function phaseRows(timings: Record<string, number>): { phase: string; ms: number }[] {
  const rows = Object.entries(timings)
    .filter(([key, ms]) => key.endsWith("_ms") && typeof ms === "number")
    .map(([key, ms]) => ({ phase: key.slice(0, -3), ms }))
  const rank = (phase: string) => {
    const index = PHASE_ORDER.indexOf(phase)
    return index === -1 ? PHASE_ORDER.length : index
  }
  return rows.sort((a, b) => rank(a.phase) - rank(b.phase))
}

/** How long each phase of a run took, as labelled bars proportional to the longest. */
export const PhaseTimings = ({ timings }: { timings: Record<string, number> }) => {
  const rows = phaseRows(timings)
  if (!rows.length) {
    return (
      <Text size="small" className="text-ui-fg-subtle px-6 py-4" data-testid="phases-empty">
        No phase timings recorded for this run.
      </Text>
    )
  }
  const longest = Math.max(...rows.map((r) => r.ms), 1)
  return (
    <ul className="flex flex-col gap-2 px-6 py-4" data-testid="phase-timings">
      {rows.map((row) => (
        <li key={row.phase} className="grid grid-cols-[minmax(10rem,16rem)_1fr_5rem] items-center gap-3" data-testid="phase-row">
          <Text size="small" leading="compact" className="text-ui-fg-subtle">
            {formatPhase(row.phase)}
          </Text>
          <div className="bg-ui-bg-component h-2 overflow-hidden rounded-full">
            <div className="bg-ui-fg-interactive h-full rounded-full" style={{ width: `${Math.max(1, (row.ms / longest) * 100)}%` }} />
          </div>
          <Text size="small" leading="compact" className="text-right tabular-nums">
            {formatDuration(row.ms / 1000)}
          </Text>
        </li>
      ))}
    </ul>
  )
}
