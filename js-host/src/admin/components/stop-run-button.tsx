import { Button, Text, toast, usePrompt } from "@medusajs/ui"
import { describeError, useCancelRun } from "../lib/api"
import type { SyncRun } from "../lib/types"

/**
 * "Stop" on a running run: asks for a confirmation, then records the request; the run stops at its next batch
 * boundary and ends `cancelled` with what it wrote so far (the next sync completes the rest). Once asked, says
 * "Stopping…" until the run ends.
 */
export const StopRunButton = ({ run }: { run: SyncRun }) => {
  const prompt = usePrompt()
  const cancel = useCancelRun(run.id)
  if (run.status !== "running") {
    return null
  }
  if (run.cancel_requested_at) {
    return (
      <Text size="small" leading="compact" className="text-ui-fg-subtle" data-testid="run-stopping">
        Stopping at the next batch boundary…
      </Text>
    )
  }
  return (
    <Button
      size="small"
      variant="danger"
      isLoading={cancel.isPending}
      disabled={cancel.isPending}
      onClick={async () => {
        const confirmed = await prompt({
          title: "Stop this sync?",
          description:
            "The run stops at the next batch boundary and keeps what it wrote so far; nothing is left half-written. " +
            "The next sync completes the rest.",
          confirmText: "Stop",
          cancelText: "Keep running",
          variant: "danger",
        })
        if (!confirmed) {
          return
        }
        try {
          await cancel.mutateAsync()
          toast.info("Stopping the sync", { description: "It stops at the next batch boundary." })
        } catch (error) {
          toast.error("Could not stop the sync", { description: describeError(error) })
        }
      }}
      data-testid="stop-run"
    >
      Stop
    </Button>
  )
}
