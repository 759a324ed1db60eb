import { MedusaError } from "@medusajs/framework/utils"

/**
 * A sync is already running, so a trigger is refused (HTTP 409). `runId` is the run in progress, as the run
 * records say (`null` when it ended between the refusal and the reading).
 */
export class SyncAlreadyRunningError extends MedusaError {
  /** The run in progress, when known. */
  readonly runId: string | null

  constructor(runId: string | null) {
    super(
      MedusaError.Types.CONFLICT,
      runId ? `A catalog sync is already running (run ${runId})` : "A catalog sync is already running"
    )
    this.runId = runId
  }
}
