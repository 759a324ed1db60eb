import { ArrowPath } from "@medusajs/icons"
import { Button, Text, toast } from "@medusajs/ui"
import { useEffect } from "react"
import { useTriggerSync } from "../lib/api"

/**
 * Sync Now: starts a sync, disabled while one runs. Says "A sync is already running" when the server
 * answers 409 (another admin, the schedule or a webhook started one first), which is not a failure.
 */
export const SyncNowButton = ({ running }: { running: boolean }) => {
  const trigger = useTriggerSync()
  const { outcome, clearOutcome } = trigger

  useEffect(() => {
    if (!outcome) {
      return
    }
    if (outcome.kind === "started") {
      toast.success("Sync started", { description: "Products are being fetched from the source." })
    } else if (outcome.kind === "already-running") {
      toast.info("A sync is already running", { description: "Its progress is shown here; the figures update when it ends." })
    } else {
      toast.error("Could not start the sync", { description: outcome.message })
    }
  }, [outcome])

  // The "already running" note goes once the sync it was about has ended.
  useEffect(() => {
    if (!running && outcome?.kind === "already-running") {
      const timer = setTimeout(clearOutcome, 4000)
      return () => clearTimeout(timer)
    }
  }, [running, outcome, clearOutcome])

  return (
    <div className="flex items-center gap-3">
      {outcome?.kind === "already-running" ? (
        <Text size="small" leading="compact" className="text-ui-tag-orange-text" data-testid="sync-now-conflict">
          A sync is already running
        </Text>
      ) : null}
      {outcome?.kind === "error" ? (
        <Text size="small" leading="compact" className="text-ui-fg-error max-w-xs truncate" title={outcome.message} data-testid="sync-now-error">
          Could not start: {outcome.message}
        </Text>
      ) : null}
      <Button
        size="small"
        variant="secondary"
        disabled={running || trigger.isPending}
        isLoading={trigger.isPending}
        onClick={() => {
          clearOutcome()
          trigger.mutate()
        }}
        data-testid="sync-now"
      >
        <ArrowPath className={running ? "animate-spin" : undefined} />
        {running ? "Syncing…" : "Sync now"}
      </Button>
    </div>
  )
}
