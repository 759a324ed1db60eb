import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { Logger } from "@medusajs/framework/types"
import { RUN_REQUESTED_EVENT } from "../lib/run-dispatch"
import type { RunRequested } from "../lib/run-dispatch"
import { claimHandedRun } from "../lib/start-sync"

/**
 * A run a server recorded and handed to the workers: this worker takes it and executes it in the background
 * (the handler returns at once, so the event bus's worker is free for other events). Delivery is at least once;
 * a second delivery, or one after the run was taken over, finds the run taken and does nothing.
 *
 * Loaded in every instance: Medusa's Redis event bus only enqueues an event the emitting process has a
 * subscriber for, and only workers (and shared instances) consume them.
 */
export default async function catalogSyncRunRequested({ event, container }: SubscriberArgs<RunRequested>): Promise<void> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const runId = event.data.run_id
  if (await claimHandedRun(container, runId)) {
    logger.info(`catalog-sync: run ${runId} taken by this worker`)
  } else {
    logger.info(`catalog-sync: run ${runId} is not waiting for a worker any more (taken, or ended); nothing to do`)
  }
}

/** The event and a subscriber id unique in the app. */
export const config: SubscriberConfig = {
  event: RUN_REQUESTED_EVENT,
  context: { subscriberId: "catalog-sync-run-requested" },
}
