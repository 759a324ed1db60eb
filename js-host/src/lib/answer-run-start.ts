import type { MedusaResponse } from "@medusajs/framework/http"
import { RunRequestRefusedError } from "./run-refused-error"
import type { StartedSync } from "./start-sync"
import { SyncAlreadyRunningError } from "./sync-already-running-error"

/**
 * Answers a route that starts a run: 202 with `{ run_id, ...extra }`; the core's refusal as its status with
 * `{ code, message }`; 409 `{ type: "conflict", message, run_id }` while a sync runs. The answers are written here:
 * Medusa's error handler would replace the messages with generic ones. Any other error is thrown on.
 */
export async function answerRunStart(
  res: MedusaResponse,
  start: () => Promise<StartedSync>,
  extra: Record<string, unknown> = {}
): Promise<void> {
  try {
    const { run_id } = await start()
    res.status(202).json({ run_id, ...extra })
  } catch (error) {
    if (error instanceof RunRequestRefusedError) {
      res.status(error.status).json({ code: error.code, message: error.message })
      return
    }
    if (error instanceof SyncAlreadyRunningError) {
      res.status(409).json({ type: "conflict", message: error.message, run_id: error.runId })
      return
    }
    throw error
  }
}
