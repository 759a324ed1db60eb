import { StatusBadge } from "@medusajs/ui"
import type { SyncRunStatus } from "../lib/types"

const APPEARANCE: Record<SyncRunStatus, { color: "grey" | "blue" | "green" | "orange" | "red"; label: string }> = {
  queued: { color: "grey", label: "Queued" },
  running: { color: "blue", label: "Running" },
  success: { color: "green", label: "Success" },
  partial: { color: "orange", label: "Partial" },
  failed: { color: "red", label: "Failed" },
  interrupted: { color: "red", label: "Interrupted" },
  cancelled: { color: "grey", label: "Cancelled" },
}

/** A run's status as a coloured badge: Queued (grey), Running (blue), Success (green), Partial (orange), Failed and Interrupted (red), Cancelled (grey). */
export const RunStatusBadge = ({ status }: { status: SyncRunStatus }) => {
  const { color, label } = APPEARANCE[status] ?? { color: "grey", label: status }
  return (
    <StatusBadge color={color} data-testid="run-status" data-status={status}>
      {label}
    </StatusBadge>
  )
}
