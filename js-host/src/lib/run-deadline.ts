import type { RunTimeout } from "catalog-sync-core"

/**
 * Thrown when a run reached its deadline (`runTimeoutMs`, as the core's `checkRunDeadline` decides) in a
 * phase that writes nothing yet (the image copy): the run fails with the core's message.
 */
export class RunDeadlineError extends Error {
  /** The timeout the core reported. */
  readonly timeout: RunTimeout

  constructor(timeout: RunTimeout) {
    super(timeout.message)
    this.name = "RunDeadlineError"
    this.timeout = timeout
  }
}
